"""PDF transcripts: the text layer, with layout line breaks undone.

PDF has no paragraphs, only positioned lines. Rules: tabs that extractors put between
words become spaces; page furniture (``3/12``, ``Page 3 of 12``, a bare page number) is
dropped; lines are joined into paragraphs, and a new paragraph starts at a speaker label
at the start of a line or after a line that ends a sentence well short of the full line
width. A PDF without any text layer (a scan) is refused with advice to run OCR.
"""

from __future__ import annotations

import io
import re
import statistics

from qualcode.errors import ImportFailed
from qualcode.ingest.model import Block, ParsedTranscript
from qualcode.ingest.normalize import join_paragraphs
from qualcode.ingest.speakers import BRACKET_LABEL, COLON_LABEL

_PAGE_FURNITURE = re.compile(
    r"^\s*(?:\d+\s*/\s*\d+|\d+|(?:page|strana|stranica|страна|страница)\s+\d+(?:\s+(?:of|od|од)\s+\d+)?)\s*$",
    re.IGNORECASE,
)
_SPACES = re.compile(r"[ \t\u00a0]+")
_SENTENCE_END = (".", "?", "!", "…", ":", '"', "”", "“", ")", "»")


def read_pdf(data: bytes) -> ParsedTranscript:
    """The text of every page, as paragraphs."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise ImportFailed("the PDF is password-protected; save an unprotected copy and import that")
        pages = [page.extract_text() or "" for page in reader.pages]
    except ImportFailed:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise ImportFailed(
            f"the PDF is damaged or incomplete ({exc}); export it again from its source"
        ) from None
    lines = [
        line
        for page in pages
        for raw in page.split("\n")
        if (line := _SPACES.sub(" ", raw).strip()) and not _PAGE_FURNITURE.match(line)
    ]
    if not lines:
        raise ImportFailed(
            "the PDF has no text layer (it is probably a scan); run OCR on it first "
            "(for example `ocrmypdf in.pdf out.pdf`) or import the transcript's Word or text file"
        )
    text, spans = join_paragraphs(_unwrap(lines))
    parsed = ParsedTranscript(text=text, paragraphs=[Block(s, e) for s, e in spans], source_format="pdf")
    empty = sum(1 for page in pages if not page.strip())
    if empty:
        parsed.notes.append(f"{empty} of {len(pages)} page(s) had no text layer and were skipped")
    return parsed


def _unwrap(lines: list[str]) -> list[str]:
    width = statistics.quantiles([len(line) for line in lines], n=10)[-1] if len(lines) > 1 else len(lines[0])
    paragraphs: list[list[str]] = []
    for line in lines:
        if not paragraphs or _starts_paragraph(line) or _ends_paragraph(paragraphs[-1][-1], width):
            paragraphs.append([line])
        else:
            paragraphs[-1].append(line)
    return [" ".join(p) for p in paragraphs]


def _starts_paragraph(line: str) -> bool:
    return bool(COLON_LABEL.match(line) or BRACKET_LABEL.match(line))


def _ends_paragraph(line: str, width: float) -> bool:
    if COLON_LABEL.fullmatch(line):  # a label alone on its line: the words that follow are its turn
        return False
    return line.endswith(_SENTENCE_END) and len(line) < 0.75 * width
