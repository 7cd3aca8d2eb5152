"""OpenDocument text (.odt), by the same rules as Word documents (see :mod:`qualcode.ingest.docx`).

Walks ``content.xml`` directly: odfpy's text extraction keeps the deleted text of tracked
changes (ODF stores it in ``text:tracked-changes``) and knows nothing of our note rule.
"""

from __future__ import annotations

from xml.etree.ElementTree import Element

from qualcode.errors import ImportFailed
from qualcode.ingest.archive import assemble_document, attr, local, open_archive, read_xml
from qualcode.ingest.model import ParsedTranscript

_SKIP = frozenset(
    {
        "tracked-changes",
        "annotation",
        "annotation-end",
        "note-citation",
        "bookmark",
        "bookmark-start",
        "bookmark-end",
        "change",
        "change-start",
        "change-end",
        "soft-page-break",
        "sequence-decls",
        "forms",
        "table-columns",
        "table-column",
        "image",
    }
)


def read_odt(data: bytes) -> ParsedTranscript:
    """Paragraphs, headings, lists and tables of an OpenDocument text, in order."""
    archive = open_archive(data, ".odt")
    root = read_xml(archive, "content.xml")
    if root is None:
        raise ImportFailed("no content.xml inside this .odt; the file is damaged or not a text document")
    body = next(
        (el for el in root.iter() if local(el.tag) == "text" and local(root.tag) == "document-content"), None
    )
    if body is None:
        raise ImportFailed("this OpenDocument file has no text body (is it a spreadsheet or a drawing?)")
    walker = _Walker()
    walker.block(body)
    return assemble_document(walker.paragraphs, walker.notes, walker.comments, "odt")


#: Most spaces one ``<text:s text:c="…">`` gives: a damaged count must not fill the memory.
_MAX_SPACES = 1000


def _space_count(value: str | None) -> int:
    """The ``text:c`` of ``<text:s>`` (default 1), read leniently and capped."""
    try:
        count = int((value or "1").strip())
    except ValueError:
        return 1
    return max(1, min(count, _MAX_SPACES))


class _Walker:
    def __init__(self) -> None:
        self.paragraphs: list[str] = []
        self.notes: list[str] = []
        self.comments = 0

    def block(self, container: Element) -> None:
        for el in container:
            name = local(el.tag)
            if name in ("p", "h"):
                extra: list[str] = []
                parts: list[str] = []
                self.inline(el, parts, extra)
                self.paragraphs.append("".join(parts))
                self.paragraphs.extend(extra)
            elif name == "table-row":
                cells = []
                for cell in el:
                    inner = _Walker()
                    inner.block(cell)
                    self.notes.extend(inner.notes)
                    text = " ".join(p.strip() for p in inner.paragraphs if p.strip())
                    if text:
                        cells.append(text)
                if cells:
                    self.paragraphs.append(" | ".join(cells))
            elif name == "annotation":
                self.comments += 1
            elif name not in _SKIP:
                self.block(el)  # list, list-item, section, table, table-header-rows…

    def inline(self, el: Element, parts: list[str], extra: list[str]) -> None:
        if el.text:
            parts.append(el.text)
        for child in el:
            name = local(child.tag)
            if name == "s":
                parts.append(" " * _space_count(attr(child, "c")))
            elif name == "tab":
                parts.append("\t")
            elif name == "line-break":
                parts.append("\n")
            elif name == "note":
                self._note(child, parts)
            elif name == "annotation":
                self.comments += 1
            elif name == "frame":
                sub = _Walker()
                sub.block(child)
                extra.extend(sub.paragraphs)
            elif name not in _SKIP:
                self.inline(child, parts, extra)  # span, a, ruby…
            if child.tail:
                parts.append(child.tail)

    def _note(self, note: Element, parts: list[str]) -> None:
        body = next((el for el in note if local(el.tag) == "note-body"), None)
        if body is None:
            return
        inner = _Walker()
        inner.block(body)
        number = len(self.notes) + 1
        parts.append(f"[{number}]")
        self.notes.append(f"[{number}] " + " ".join(p.strip() for p in inner.paragraphs if p.strip()))
