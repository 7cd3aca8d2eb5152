"""Choosing the reader for a file by its extension (and refusing what we cannot read)."""

from __future__ import annotations

from pathlib import Path

from qualcode.errors import UnsupportedFormat
from qualcode.ingest.model import ParsedTranscript

TEXT_SUFFIXES = frozenset({".txt", ".text", ".md"})
SUBTITLE_SUFFIXES = frozenset({".vtt", ".srt", ".sbv"})
#: Every extension `qualcode import` reads, and the ones a folder import picks up.
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | SUBTITLE_SUFFIXES | {".docx", ".odt", ".pdf"}

#: Formats qualcode cannot read but that surely hold a document: a folder import lists them as not
#: imported, each with the advice below, instead of passing over an interview in silence.
_ADVICE = {
    ".doc": "legacy Word 97-2003 .doc files cannot be read; open it in Word or LibreOffice and save it as "
    ".docx (or run `soffice --headless --convert-to docx FILE.doc`), then import the .docx",
    ".rtf": "save the file as .docx or .txt (UTF-8) and import that",
    ".pages": "export the file from Pages as .docx and import that",
}
CONVERTIBLE_SUFFIXES = frozenset(_ADVICE)


def read_transcript(path: Path, data: bytes, encoding: str | None = None) -> ParsedTranscript:
    """Parse ``data`` (the bytes of ``path``) with the reader for its extension."""
    suffix = path.suffix.lower()
    if suffix in TEXT_SUFFIXES:
        from qualcode.ingest.plaintext import read_plain_text

        return read_plain_text(data, path, encoding)
    if suffix in SUBTITLE_SUFFIXES:
        from qualcode.ingest.subtitles import read_subtitles

        return read_subtitles(data, suffix, encoding)
    if suffix == ".docx":
        from qualcode.ingest.docx import read_docx

        return read_docx(data)
    if suffix == ".odt":
        from qualcode.ingest.odt import read_odt

        return read_odt(data)
    if suffix == ".pdf":
        from qualcode.ingest.pdf import read_pdf

        return read_pdf(data)
    advice = _ADVICE.get(suffix, "supported: " + ", ".join(sorted(SUPPORTED_SUFFIXES)))
    raise UnsupportedFormat(f"cannot import {suffix or 'files without an extension'}: {advice}")
