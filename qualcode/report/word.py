"""Word plumbing for the report: the template, built-in styles, fields, tables, a reproducible file.

Only Word's built-in styles are used (Title, Subtitle, Heading 1–3, Quote, Caption, Table Grid,
List Bullet, Strong, TOC Heading), so a coordinator's template restyles everything. A template
that lacks one of them (a document saved from a blank Word file defines only the styles it
uses) gets python-docx's definition of it; the template's own definitions always win.
"""

from __future__ import annotations

import copy
import io
import zipfile
from collections.abc import Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, cast

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.table import Table
from docx.text.paragraph import Paragraph

from qualcode.atomic import write_atomically
from qualcode.errors import QualcodeError

STYLES = (
    "Title",
    "Subtitle",
    "Heading 1",
    "Heading 2",
    "Heading 3",
    "Quote",
    "Caption",
    "Table Grid",
    "List Bullet",
    "Strong",
    "TOC Heading",
)
#: Zip entry time of every part: the file must not change with the clock.
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
#: Tables up to this many rows are kept on one page.
KEEP_ROWS = 25
_LANG = {"en": "en-GB", "sr-Latn": "sr-Latn-RS", "sr-Cyrl": "sr-Cyrl-RS"}


def new_document(template: Path | None, language: str) -> DocumentObject:
    """An empty document: the template's styles, page setup, headers and footers, or A4 defaults."""
    if template is None:
        doc = Document()
        for section in doc.sections:  # python-docx's default is US Letter; the study is in Europe
            section.page_width, section.page_height = Cm(21), Cm(29.7)
            section.left_margin = section.right_margin = Cm(2.5)
            section.top_margin = section.bottom_margin = Cm(2.5)
        _page_numbers(doc)
    else:
        doc = _open_template(template)
        body = doc.element.body
        for child in list(body):
            if child.tag != qn("w:sectPr"):
                body.remove(child)
    _ensure_styles(doc)
    _set_language(doc, _LANG[language])
    return doc


def _open_template(template: Path) -> DocumentObject:
    if template.suffix.lower() != ".docx":
        raise QualcodeError(f"--template {template}: the template must be a Word .docx file")
    if not template.is_file():
        raise QualcodeError(f"--template {template}: no such file")
    try:
        return Document(str(template))
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise QualcodeError(f"--template {template}: not a readable Word .docx file ({exc})") from None
    except Exception as exc:  # python-docx raises its own types for wrong content types
        raise QualcodeError(f"--template {template}: not a readable Word .docx file ({exc})") from None


def _ensure_styles(doc: DocumentObject) -> None:
    have = {s.name for s in doc.styles}
    missing = [name for name in STYLES if name not in have]
    if not missing:
        return
    defaults = Document().styles
    for name in missing:
        element = copy.deepcopy(defaults[name].element)
        for link in element.findall(qn("w:link")):  # its "… Char" twin may not be in the template
            element.remove(link)
        if name == "List Bullet":  # its numbering definition is not in the template
            for num in element.findall(".//" + qn("w:numPr")):
                num.getparent().remove(num)
        doc.styles.element.append(element)


def _set_language(doc: DocumentObject, tag: str) -> None:
    """The document's default language, for Word's and LibreOffice's spelling and hyphenation."""
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    if defaults is None:
        return
    rpr = defaults.find(qn("w:rPrDefault") + "/" + qn("w:rPr"))
    if rpr is None:
        return
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), tag)


def _page_numbers(doc: DocumentObject) -> None:
    footer = doc.sections[0].footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    add_field(footer, "PAGE", "1")


def add_field(paragraph: Paragraph, instruction: str, result: str) -> None:
    """A field (PAGE, SEQ…) with ``result`` shown until Word updates it."""
    field_start(paragraph, instruction)
    paragraph.add_run(result)
    field_end(paragraph)


def field_start(paragraph: Paragraph, instruction: str) -> None:
    """Open a field: its instruction; what follows until :func:`field_end` is its shown result."""
    _char(paragraph, "begin")
    element = OxmlElement("w:instrText")
    element.set(qn("xml:space"), "preserve")
    element.text = f" {instruction} "
    paragraph.add_run()._r.append(element)
    _char(paragraph, "separate")


def field_end(paragraph: Paragraph) -> None:
    """Close the field opened by :func:`field_start`."""
    _char(paragraph, "end")


def _char(paragraph: Paragraph, kind: str) -> None:
    char = OxmlElement("w:fldChar")
    char.set(qn("w:fldCharType"), kind)
    paragraph.add_run()._r.append(char)


def fill_contents(paragraph: Paragraph, headings: Sequence[tuple[int, str]]) -> None:
    """The table of contents as shown before Word updates it: the headings, indented by level.

    LibreOffice shows a field's stored result rather than recomputing it, so the entries are
    written out (without page numbers, which only the word processor knows); Word refreshes
    them with page numbers, since the document asks it to update fields on opening.
    """
    anchor = paragraph
    for level, text in headings:
        element = OxmlElement("w:p")
        anchor._p.addnext(element)
        entry = Paragraph(element, paragraph._parent)
        entry.paragraph_format.left_indent = Cm(0.75 * (level - 1))
        entry.paragraph_format.space_after = Pt(2)
        entry.add_run(text)
        anchor = entry
    field_end(anchor)


def update_fields_on_open(doc: DocumentObject) -> None:
    """Ask Word to refresh the contents and figure numbers when the file is opened."""
    settings = doc.settings.element
    element = settings.find(qn("w:updateFields"))
    if element is None:
        element = OxmlElement("w:updateFields")
        settings.append(element)
    element.set(qn("w:val"), "true")


def page_break(doc: DocumentObject) -> None:
    """Start a new page."""
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def lead(doc: DocumentObject, label: str, text: str = "") -> Paragraph:
    """A paragraph opening with a label in the Strong character style."""
    paragraph = doc.add_paragraph()
    paragraph.add_run(label, style="Strong")
    if text:
        paragraph.add_run(" " + text)
    else:  # a label alone introduces what follows: never leave it at the foot of a page
        paragraph.paragraph_format.keep_with_next = True
    return paragraph


def caption(doc: DocumentObject, kind: str, number: int, sequence: str, text: str) -> Paragraph:
    """``Figure 3. text`` in the Caption style, the number a SEQ field so Word can renumber."""
    paragraph = doc.add_paragraph(style="Caption")
    paragraph.add_run(f"{kind} ")
    add_field(paragraph, f"SEQ {sequence} \\* ARABIC", str(number))
    paragraph.add_run(f". {text}")
    return paragraph


def table(
    doc: DocumentObject,
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    numeric_from: int = 1,
    widths: Sequence[float] = (),
) -> Table:
    """A Table Grid table with a repeated header row; columns from ``numeric_from`` right-aligned.

    ``widths`` in centimetres; a table of up to :data:`KEEP_ROWS` rows is kept on one page.
    """
    result = doc.add_table(rows=1 + len(rows), cols=len(header))
    result.style = doc.styles["Table Grid"]
    cells = result.rows[0].cells
    for cell, text in zip(cells, header, strict=True):
        cell.paragraphs[0].add_run(text, style="Strong")
    trpr = result.rows[0]._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    trpr.append(repeat)
    for row, values in zip(result.rows[1:], rows, strict=True):
        for i, (cell, text) in enumerate(zip(row.cells, values, strict=True)):
            cell.paragraphs[0].text = text
            if i >= numeric_from:
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    if widths:
        result.autofit = False
        for column, width in zip(result.columns, widths, strict=False):
            column.width = Cm(width)  # the grid, which LibreOffice follows
        for row in result.rows:  # the cells, which Word follows
            for cell, width in zip(row.cells, widths, strict=False):
                cell.width = Cm(width)
    keep = len(rows) <= KEEP_ROWS
    for row in result.rows:
        row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
        if keep and row is not result.rows[-1]:
            for cell in row.cells:
                for paragraph in cell.paragraphs:
                    paragraph.paragraph_format.keep_with_next = True
    return cast(Table, result)


def small(table_: Table, points: float = 8.5) -> None:
    """Shrink the text of a wide table so it fits the page."""
    for row in table_.rows:
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                for run in paragraph.runs:
                    run.font.size = Pt(points)


def save(doc: DocumentObject, out: Path, day: date, title: str) -> None:
    """Write the file so that the same content always gives the same bytes.

    python-docx stamps the zip entries with the clock and keeps the template's dates: both are
    fixed here (the report's date is the only date in the file).
    """
    props = doc.core_properties
    moment = datetime(day.year, day.month, day.day, tzinfo=UTC)
    props.created = props.modified = props.last_printed = moment
    props.author = props.last_modified_by = "qualcode"
    props.title = title
    props.revision = 1
    props.comments = ""
    buffer = io.BytesIO()
    doc.save(buffer)
    fixed = io.BytesIO()
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(fixed, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            target.writestr(entry, source.read(info.filename))
    write_atomically(out, fixed.getvalue())


def check_writable(out: Path) -> None:
    """Fail before any work when the report cannot be written where asked."""
    if out.suffix.lower() != ".docx":
        raise QualcodeError(f"{out}: the report is a Word file; give a name ending in .docx")
    if out.is_dir():
        raise QualcodeError(f"{out} is a folder; give a file name ending in .docx")
    folder = out.parent if str(out.parent) else Path(".")
    if not folder.is_dir():
        raise QualcodeError(f"cannot write {out}: the folder {folder} does not exist")
    probe = folder / f".{out.name}.probe"
    try:
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise QualcodeError(f"cannot write {out}: {exc.strerror or exc}") from None
    if out.exists() and not _writable(out):
        raise QualcodeError(f"cannot write {out}: the file is read-only or open in another program")


def _writable(path: Path) -> bool:
    try:
        with path.open("r+b"):
            return True
    except OSError:
        return False


def element_count(doc: DocumentObject, tag: str) -> int:
    """How many elements of a kind the body holds (for the summary)."""
    body: Any = doc.element.body
    return len(body.findall(".//" + qn(tag)))
