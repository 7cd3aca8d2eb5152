"""Text normalisation, done once at import: every offset afterwards points into its result."""

from __future__ import annotations

import re
import unicodedata

# Invisible characters that break matching and offsets but carry no content for us:
# zero-width space/joiners, word joiner, BOM (also as ZWNBSP inside text), soft hyphen.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))
_LINE_BREAKS = re.compile(r"\r\n?|[\u2028\u2029\x85\x0b\x0c]")
_TRAILING_SPACE = re.compile(r"[ \t\u00a0]+$", re.MULTILINE)
_MANY_BLANK_LINES = re.compile(r"\n{3,}")


def normalize_text(text: str) -> str:
    """NFC, ``\\n`` line ends, no BOM or zero-width characters, no trailing spaces or blank runs.

    Blank-line runs are collapsed to one blank line and the text is stripped of leading and
    trailing blank lines; words and their order are never changed.
    """
    text = text.translate(_INVISIBLE)
    text = _LINE_BREAKS.sub("\n", text)
    text = unicodedata.normalize("NFC", text)
    text = _TRAILING_SPACE.sub("", text)
    text = _MANY_BLANK_LINES.sub("\n\n", text)
    return text.strip("\n")


def count_words(text: str) -> int:
    """Words as whitespace-separated tokens: the measure used in listings and benchmarks."""
    return len(text.split())


def join_paragraphs(paragraphs: list[str], separator: str = "\n\n") -> tuple[str, list[tuple[int, int]]]:
    """Normalise each paragraph, drop empty ones, join them; return the text and their spans.

    Readers of structured formats (Word, ODF, PDF) use this so that a paragraph is always
    a block separated by a blank line, and a soft line break inside it is a single ``\\n``.
    """
    spans: list[tuple[int, int]] = []
    parts: list[str] = []
    offset = 0
    for raw in paragraphs:
        para = normalize_text(raw).replace("\n\n", "\n").strip()
        if not para:
            continue
        if parts:
            offset += len(separator)
        parts.append(para)
        spans.append((offset, offset + len(para)))
        offset += len(para)
    return separator.join(parts), spans
