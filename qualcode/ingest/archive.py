"""Reading parts of zip-based documents (.docx, .odt) safely.

The archives come from outside: a damaged or truncated file, a legacy binary file with the
wrong extension, a part that expands to an absurd size, or XML with entity tricks must each
give a clear error, never a crash or a memory blow-up. XML is parsed with defusedxml.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from xml.etree.ElementTree import Element

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring

from qualcode.errors import ImportFailed
from qualcode.ingest.model import Block, ParsedTranscript
from qualcode.ingest.normalize import join_paragraphs

#: Largest uncompressed XML part read from a document (a 15,000-word transcript is ~2 MB).
MAX_PART_BYTES = 200 * 1024 * 1024
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
#: Deepest XML nesting read from a document. Word and LibreOffice files stay well under 50 even
#: with tables in tables; the readers walk the tree recursively, so this keeps them far from
#: Python's recursion limit.
MAX_XML_DEPTH = 200


def open_archive(data: bytes, kind: str) -> zipfile.ZipFile:
    """Open a zip container, explaining legacy, encrypted and damaged files."""
    if data.startswith(_OLE_MAGIC):
        raise ImportFailed(
            f"this is a legacy or password-protected Office file, not a {kind}; open it in Word or "
            "LibreOffice, remove any password and save it as .docx (or run "
            "`soffice --headless --convert-to docx FILE`), then import the new file"
        )
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise ImportFailed(
            f"the {kind} file is damaged or incomplete (it is not a valid zip archive); "
            "copy it again from its source or re-save it in Word or LibreOffice"
        ) from None


def read_xml(archive: zipfile.ZipFile, name: str) -> Element | None:
    """Parse one XML part, or ``None`` when the archive has no such part."""
    try:
        info = archive.getinfo(name)
    except KeyError:
        return None
    if info.file_size > MAX_PART_BYTES:
        raise ImportFailed(
            f"the part {name} would expand to {info.file_size / 1e6:.0f} MB, more than the "
            f"{MAX_PART_BYTES / 1e6:.0f} MB limit; the file is probably damaged or not a transcript"
        )
    try:
        raw = archive.read(info)
        root: Element = fromstring(raw)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
        raise ImportFailed(f"the part {name} cannot be read ({exc}); the file is damaged") from None
    except (ParseError, DefusedXmlException) as exc:
        raise ImportFailed(f"the part {name} is not well-formed XML ({exc}); the file is damaged") from None
    depth = _depth(root)
    if depth > MAX_XML_DEPTH:
        raise ImportFailed(
            f"the part {name} nests its XML {depth} levels deep; qualcode reads at most {MAX_XML_DEPTH} "
            "(word processors stay far below); the file is damaged: re-save it in Word or LibreOffice"
        )
    return root


def _depth(root: Element) -> int:
    # Iterative on purpose: the tree may be too deep for recursion, which is what this guards.
    deepest = 0
    stack = [(root, 1)]
    while stack:
        element, depth = stack.pop()
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in element)
    return deepest


def local(tag: str) -> str:
    """An element's or attribute's name without its namespace (transitional and Strict alike)."""
    return tag.rsplit("}", 1)[-1]


def attr(el: Element, name: str) -> str | None:
    """The value of the attribute with local name ``name``, whatever its namespace."""
    for key, value in el.attrib.items():
        if local(key) == name:
            return value
    return None


def assemble_document(
    paragraphs: list[str], notes: list[str], comments: int, source_format: str
) -> ParsedTranscript:
    """A word-processor document's transcript: its paragraphs, then its notes, and what was left out."""
    text, spans = join_paragraphs(paragraphs + notes)
    parsed = ParsedTranscript(
        text=text, paragraphs=[Block(s, e) for s, e in spans], source_format=source_format
    )
    if comments:
        parsed.notes.append(f"{comments} comment(s) were not imported (annotations, not speech)")
    if notes:
        parsed.notes.append(f"{len(notes)} footnote(s)/endnote(s) added at the end as [n] paragraphs")
    return parsed
