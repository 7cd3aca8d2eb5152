"""Word documents (.docx, transitional and Strict OOXML).

A small walker over the document XML rather than python-docx, because python-docx drops
the text of tracked insertions, cannot open Strict OOXML, and has no notion of document
order across paragraphs and tables. Rules:

- paragraphs and table rows in document order; a row is one paragraph, its non-empty
  cells joined with `` | `` (cells continuing a vertical merge are empty and skipped);
- tracked insertions are kept and tracked deletions dropped (the text as accepted);
- a soft line break (``w:br``, ``w:cr``) is a ``\\n`` inside the paragraph; tabs stay tabs;
- footnotes and endnotes: the reference becomes ``[n]`` in the text and the note's text
  is added at the end of the document as a paragraph ``[n] text``, so nothing is lost and
  the transcript still reads in order;
- comments are reviewers' annotations, not what was said: they are not imported, and the
  import says how many there were;
- text boxes become paragraphs after the paragraph that holds them; headers and footers
  (page furniture) are not imported.
"""

from __future__ import annotations

import posixpath
import zipfile
from dataclasses import dataclass, field
from xml.etree.ElementTree import Element

from qualcode.errors import ImportFailed
from qualcode.ingest.archive import assemble_document, attr, local, open_archive, read_xml
from qualcode.ingest.model import ParsedTranscript

_SKIP = frozenset(
    {
        "del",
        "moveFrom",
        "delText",
        "instrText",
        "delInstrText",
        "pPr",
        "rPr",
        "tblPr",
        "trPr",
        "tcPr",
        "sectPr",
        "commentRangeStart",
        "commentRangeEnd",
        "bookmarkStart",
        "bookmarkEnd",
        "proofErr",
        "Fallback",
        "annotationRef",
        "footnoteRef",
        "endnoteRef",
        "separator",
        "continuationSeparator",
    }
)


@dataclass
class _Notes:
    """Footnote and endnote texts by (kind, id), numbered in order of first reference."""

    texts: dict[tuple[str, str], str]
    order: list[str] = field(default_factory=list)
    comments: int = 0


def read_docx(data: bytes) -> ParsedTranscript:
    """Paragraphs of a Word document in reading order, tracked changes accepted."""
    archive = open_archive(data, ".docx")
    main = _main_part(archive)
    root = read_xml(archive, main)
    if root is None:
        raise ImportFailed(f"the document part {main} is missing; the file is damaged")
    body = next((el for el in root if local(el.tag) == "body"), None)
    if body is None:
        raise ImportFailed("the document has no body; it may be a template or damaged")
    notes = _read_notes(archive, main)
    paragraphs: list[str] = []
    _walk_block(body, paragraphs, notes)
    return assemble_document(paragraphs, notes.order, notes.comments, "docx")


def _main_part(archive: zipfile.ZipFile) -> str:
    """The main document part named by the package relationships (it need not be word/document.xml)."""
    rels = read_xml(archive, "_rels/.rels")
    if rels is not None:
        for rel in rels:
            if (attr(rel, "Type") or "").endswith("/officeDocument"):
                return (attr(rel, "Target") or "").lstrip("/")
    if "word/document.xml" in archive.namelist():
        return "word/document.xml"
    raise ImportFailed(
        "no Word document inside this .docx (no officeDocument relationship); the file is damaged"
    )


def _read_notes(archive: zipfile.ZipFile, main: str) -> _Notes:
    folder, name = posixpath.split(main)
    rels = read_xml(archive, posixpath.join(folder, "_rels", f"{name}.rels"))
    notes = _Notes(texts={})
    for rel in rels if rels is not None else []:
        kind = (attr(rel, "Type") or "").rsplit("/", 1)[-1]
        if kind not in ("footnotes", "endnotes", "comments") or attr(rel, "TargetMode") == "External":
            continue
        part = read_xml(archive, posixpath.normpath(posixpath.join(folder, attr(rel, "Target") or "")))
        if part is None:
            continue
        if kind == "comments":
            notes.comments = sum(1 for el in part if local(el.tag) == "comment")
            continue
        for note in part:
            note_id = attr(note, "id")
            if note_id is not None and attr(note, "type") in (None, "normal"):
                inner: list[str] = []
                _walk_block(note, inner, notes)
                notes.texts[(kind[:-1] + "Reference", note_id)] = " ".join(
                    p.strip() for p in inner if p.strip()
                )
    return notes


def _walk_block(container: Element, out: list[str], notes: _Notes) -> None:
    """Paragraphs and tables of a block container (body, cell, text box, note, content control)."""
    for el in container:
        name = local(el.tag)
        if name == "p":
            extra: list[str] = []
            out.append(_paragraph_text(el, extra, notes))
            out.extend(extra)
        elif name == "tbl":
            _walk_table(el, out, notes)
        elif name not in _SKIP:
            _walk_block(el, out, notes)  # sdt, sdtContent, customXml, AlternateContent…


def _walk_table(table: Element, out: list[str], notes: _Notes) -> None:
    for row in _rows(table):
        cells = []
        for cell in (el for el in row if local(el.tag) in ("tc", "sdt")):
            inner: list[str] = []
            _walk_block(cell, inner, notes)
            text = " ".join(p.strip() for p in inner if p.strip())
            if text:
                cells.append(text)
        if cells:
            out.append(" | ".join(cells))


def _rows(table: Element) -> list[Element]:
    """The table's own rows, also those wrapped in content controls, in order.

    Not the rows of tables nested in its cells: those are read with their cell, and reading
    them here as well repeated their text and took time exponential in the nesting depth.
    """
    rows = []
    stack = list(reversed(table))
    while stack:
        el = stack.pop()
        name = local(el.tag)
        if name == "tr":
            rows.append(el)
        elif name != "tbl" and name not in _SKIP:
            stack.extend(reversed(el))
    return rows


def _paragraph_text(p: Element, extra: list[str], notes: _Notes) -> str:
    parts: list[str] = []
    _inline(p, parts, extra, notes)
    return "".join(parts)


def _inline(el: Element, parts: list[str], extra: list[str], notes: _Notes) -> None:
    for child in el:
        name = local(child.tag)
        if name in _SKIP:
            continue
        if name == "t":
            parts.append(child.text or "")
        elif name == "tab":
            parts.append("\t")
        elif name in ("br", "cr"):
            parts.append("\n")
        elif name == "noBreakHyphen":
            parts.append("-")
        elif name in ("footnoteReference", "endnoteReference"):
            parts.append(_note_marker(name, attr(child, "id"), notes))
        elif name == "txbxContent":
            _walk_block(child, extra, notes)
        elif name == "tbl":
            _walk_table(child, extra, notes)
        else:
            _inline(child, parts, extra, notes)  # r, ins, moveTo, hyperlink, smartTag, fldSimple, sdt…


def _note_marker(kind: str, note_id: str | None, notes: _Notes) -> str:
    text = notes.texts.get((kind, note_id or ""))
    if text is None:
        return ""
    number = len(notes.order) + 1
    notes.order.append(f"[{number}] {text}")
    return f"[{number}]"
