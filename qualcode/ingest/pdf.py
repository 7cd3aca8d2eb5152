"""PDF transcripts: the text layer, with layout line breaks undone.

PDF has no paragraphs, only positioned lines. Rules: tabs that extractors put between
words become spaces; page furniture (``3/12``, ``Page 3 of 12``, a bare page number) is
dropped; lines are joined into paragraphs, and a new paragraph starts at a speaker label
at the start of a line or after a line that ends a sentence well short of the full line
width. A PDF without any text layer (a scan) is refused with advice to run OCR.

pypdf reports the damage it works around through :mod:`logging` and :mod:`warnings`, which
would print on stderr around qualcode's own output; both are collected while a file is read
and become part of the one-line error, or a note in the import summary when the text could
be read anyway.
"""

from __future__ import annotations

import io
import logging
import re
import statistics
import warnings
from types import TracebackType

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


class _LibraryMessages(logging.Handler):
    """Keeps what pypdf logs or warns while a file is read, instead of letting it reach stderr."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.logged: list[str] = []
        self._caught: list[warnings.WarningMessage] = []
        self._warnings = warnings.catch_warnings(record=True)
        self._logger = logging.getLogger("pypdf")
        self._propagate = self._logger.propagate

    def emit(self, record: logging.LogRecord) -> None:
        """Keep one log record's message."""
        self.logged.append(record.getMessage())

    def __enter__(self) -> _LibraryMessages:
        self._caught = self._warnings.__enter__() or []
        warnings.simplefilter("always")
        self._logger.addHandler(self)
        # Without this, a handler an embedding program puts on the root logger would print them.
        self._logger.propagate = False
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._logger.removeHandler(self)
        self._logger.propagate = self._propagate
        self._warnings.__exit__(kind, exc, tb)

    def distinct(self) -> list[str]:
        """Every message so far, once each, in order."""
        found = [*self.logged, *(str(w.message) for w in self._caught)]
        return list(dict.fromkeys(m.strip() for m in found if m.strip()))


def read_pdf(data: bytes) -> ParsedTranscript:
    """The text of every page, as paragraphs."""
    from pypdf import PdfReader

    with _LibraryMessages() as messages:
        try:
            reader = PdfReader(io.BytesIO(data))
            if reader.is_encrypted and not reader.decrypt(""):
                raise ImportFailed("the PDF is password-protected; save an unprotected copy and import that")
            pages = [page.extract_text() or "" for page in reader.pages]
        except ImportFailed:
            raise
        except Exception as exc:  # pypdf raises many kinds on damaged files (also RecursionError)
            # pypdf's last complaint is the one that led to the failure ("EOF marker not found").
            problem = "objects nested too deeply" if isinstance(exc, RecursionError) else str(exc)
            found = [*messages.distinct()[-1:], problem or type(exc).__name__]
            raise ImportFailed(
                f"the PDF is damaged or incomplete ({'; '.join(dict.fromkeys(found))}); "
                "export it again from its source"
            ) from None
    repaired = messages.distinct()
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
    if repaired:
        parsed.notes.append(
            f"the PDF is damaged but could be read ({len(repaired)} problem(s), first: {repaired[0]}); "
            "check the text against the original"
        )
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
