"""The codebook as a Word document, and `export codebook` in every format.

The Word codebook is for reading and handing on: a title, then per theme a Heading 1 and one
table of the theme and its codes (code, definition, inclusion, exclusion, example), on
landscape pages so that five text columns stay readable. Only Word's built-in styles are used
(Title, Heading 1, Table Grid, Normal), so a team's template restyles it; the table's header
row repeats on every page. The other formats (.yaml, .csv, .qdc) are written by
:func:`qualcode.codebook_files.write_codebook_file`, exactly as `qualcode codebook export`.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from qualcode.atomic import write_atomically
from qualcode.codebook import export_codebook
from qualcode.codebook_files import PATH_SEPARATOR, CodebookSpec, CodeSpec, iter_codes, write_codebook_file
from qualcode.exports.writers import ExportError, check_suffix
from qualcode.store.project import Project

CODEBOOK_SUFFIXES = (".docx", ".yaml", ".yml", ".csv", ".qdc")
#: The table's columns: heading and the CodeSpec field shown in it.
COLUMNS = (
    ("Code", "name"),
    ("Definition", "definition"),
    ("Inclusion", "inclusion"),
    ("Exclusion", "exclusion"),
    ("Example", "example"),
)
# Column widths in centimetres on a landscape A4 page with 2 cm margins (25.7 cm of text).
_WIDTHS_CM = (4.5, 6.2, 5.0, 5.0, 5.0)


def export_codebook_file(project: Project, path: Path, *, formula_guard: bool = True) -> int:
    """Write the project's codebook as .docx, .yaml, .csv or .qdc; returns the number of codes.

    ``formula_guard`` applies to .csv only (see :func:`~qualcode.codebook_files.write_codebook_file`).
    """
    suffix = check_suffix(path, CODEBOOK_SUFFIXES, "the codebook")
    spec = export_codebook(project)
    n = sum(1 for _ in iter_codes(spec.codes))
    if n == 0:
        raise ExportError("the codebook is empty; load one with `qualcode codebook load FILE` first")
    if suffix == ".docx":
        write_atomically(path, codebook_docx_bytes(spec))
    else:
        write_codebook_file(spec, path, formula_guard=formula_guard)
    return n


def codebook_docx_bytes(codebook: CodebookSpec) -> bytes:
    """The codebook as a .docx file: a title and a table per theme (see the module notes)."""
    # Imported here: python-docx takes a while to load and only this writer needs it.
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.shared import Cm

    document = Document()
    section = document.sections[0]
    # Landscape: swap the page's sides as well as the orientation (Word uses both).
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(2))
    document.core_properties.title = codebook.title or "Codebook"
    document.add_paragraph(codebook.title or "Codebook", style="Title")
    facts = [f"Version {codebook.version}"] if codebook.version else []
    facts.append(f"{len(codebook.codes)} themes, {sum(1 for _ in iter_codes(codebook.codes))} codes")
    document.add_paragraph(" · ".join(facts))
    if codebook.description:
        document.add_paragraph(codebook.description)
    for theme in codebook.codes:
        document.add_heading(theme.name, level=1)
        _theme_table(document, theme)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _theme_table(document: Any, theme: CodeSpec) -> None:
    from docx.oxml import OxmlElement
    from docx.shared import Cm

    rows = [(PATH_SEPARATOR.join(path[1:]) or theme.name, code) for path, code in iter_codes([theme])]
    table = document.add_table(rows=1 + len(rows), cols=len(COLUMNS))
    table.style = "Table Grid"
    table.autofit = False
    header = table.rows[0]
    # Repeat the header row at the top of every page the table runs onto.
    header._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
    for cell, (title, _) in zip(header.cells, COLUMNS, strict=True):
        cell.paragraphs[0].add_run(title).bold = True
    for n, (row, (label, code)) in enumerate(zip(table.rows[1:], rows, strict=True)):
        for cell, (_, field) in zip(row.cells, COLUMNS, strict=True):
            # The theme's own row first, its name in bold; then its codes by path below it.
            run = cell.paragraphs[0].add_run(label if field == "name" else str(getattr(code, field)))
            run.bold = (n == 0 and field == "name") or None
    for row in table.rows:
        # Keep each code's row on one page: a definition cut in two is hard to read.
        row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
    # Word reads the cells' widths, LibreOffice the table grid's: set both.
    for column, width in zip(table.columns, _WIDTHS_CM, strict=True):
        column.width = Cm(width)
        for cell in column.cells:
            cell.width = Cm(width)
