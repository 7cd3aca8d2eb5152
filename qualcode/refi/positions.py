"""Mapping REFI-QDA selection positions onto qualcode's normalised text.

A ``PlainTextSelection`` gives ``startPosition``/``endPosition`` in the source's plain text as
the exporting program saw it; qualcode keeps every document as normalised text (see
:func:`qualcode.ingest.normalize.normalize_text`: NFC, ``\\n`` line ends, no BOM or zero-width
characters, no trailing spaces, at most one blank line in a row). The positions are therefore
mapped in two steps, both measured on the real exports in ``../shared/corpus/refi_qda``:

1. **Units.** The standard says Unicode code points. NVivo 12.6 for Windows counts UTF-16 code
   units instead: in the Hungarian NVivo project (894 emoji and other characters outside the
   Basic Multilingual Plane), 300 of 303 selections start and end on word boundaries when
   read as UTF-16 units and only 49 when read as code points. qc 1.3.2 (Python) counts code
   points. ATLAS.ti 8.4's sample has no text in the archive, so it cannot be checked; ATLAS.ti,
   MAXQDA and NVivo are all built on UTF-16 string types. So: a program whose ``origin`` starts
   with ``NVivo``, ``ATLAS.ti`` or ``MAXQDA`` is read as UTF-16 units; qc, QualCoder and
   qualcode as code points; for any other program, the units that put more selection edges on
   word boundaries win (code points on a tie, as the standard says). Texts without characters
   outside the BMP read the same either way.
2. **Text.** The byte-order mark is not counted (NVivo's ``.txt`` files start with one and its
   positions begin after it). A CR LF pair counts as two (NVivo writes CR LF and counts both).
   Text inside ``<PlainTextContent>`` reaches us with LF only, because XML parsers turn CR LF
   into LF. The source text is then normalised *with a record of where each output character
   came from*; a position maps to the number of normalised characters that come from source
   characters before it, so a selection covers exactly the normalised form of the text it
   covered in the source.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from collections.abc import Callable, Sequence
from itertools import pairwise

from qualcode.ingest.normalize import normalize_text

#: Programs known to count UTF-16 code units, and those known to count code points.
_UTF16_ORIGINS = ("nvivo", "atlas.ti", "maxqda")
_CODEPOINT_ORIGINS = ("qc ", "qualcoder", "qualcode")

# The steps of normalize_text, in its order (see qualcode.ingest.normalize).
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_LINE_BREAKS = re.compile(r"\r\n?|[\u2028\u2029\x85\x0b\x0c]")
_TRAILING_SPACE = re.compile(r"[ \t\u00a0]+$", re.MULTILINE)
_MANY_BLANK_LINES = re.compile(r"\n{3,}")


class TrackedText:
    """Normalised text that remembers, for each character, the source index it came from."""

    def __init__(self, source: str) -> None:
        origin = list(range(len(source)))
        text = source
        text, origin = _sub(_INVISIBLE, "", text, origin)
        text, origin = _sub(_LINE_BREAKS, "\n", text, origin)
        text, origin = _nfc(text, origin)
        text, origin = _sub(_TRAILING_SPACE, "", text, origin)
        text, origin = _sub(_MANY_BLANK_LINES, "\n\n", text, origin)
        stripped = text.strip("\n")
        lead = len(text) - len(text.lstrip("\n"))
        origin = origin[lead : lead + len(stripped)]
        if stripped != normalize_text(source):  # the two must never drift apart
            raise AssertionError("position tracking disagrees with normalize_text")
        self.text = stripped
        self.origin = origin

    def position(self, source_index: int) -> int:
        """The offset in :attr:`text` of a boundary before source character ``source_index``."""
        return bisect_left(self.origin, source_index)


def _sub(pattern: re.Pattern[str], replacement: str, text: str, origin: list[int]) -> tuple[str, list[int]]:
    """``pattern.sub`` that carries each character's source index along."""
    parts: list[str] = []
    new_origin: list[int] = []
    last = 0
    for match in pattern.finditer(text):
        parts.append(text[last : match.start()])
        new_origin.extend(origin[last : match.start()])
        parts.append(replacement)
        new_origin.extend([origin[match.start()]] * len(replacement))
        last = match.end()
    parts.append(text[last:])
    new_origin.extend(origin[last:])
    return "".join(parts), new_origin


def _nfc(text: str, origin: list[int]) -> tuple[str, list[int]]:
    """NFC, chunk by chunk: a chunk starts at each ASCII character, which nothing composes with.

    A chunk that NFC changes gives its output characters the source index of its first
    character unless it splits cleanly into starter-led groups.
    """
    if unicodedata.is_normalized("NFC", text):
        return text, origin
    parts: list[str] = []
    new_origin: list[int] = []
    starts = [0] + [i for i, c in enumerate(text) if c < "\x80" and i > 0] + [len(text)]
    for a, b in pairwise(starts):
        chunk = text[a:b]
        done = unicodedata.normalize("NFC", chunk)
        if done == chunk:
            parts.append(chunk)
            new_origin.extend(origin[a:b])
            continue
        groups = [i for i, c in enumerate(chunk) if unicodedata.combining(c) == 0] or [0]
        if groups[0] != 0:
            groups.insert(0, 0)
        pieces = [
            unicodedata.normalize("NFC", chunk[x:y])
            for x, y in zip(groups, [*groups[1:], len(chunk)], strict=True)
        ]
        if "".join(pieces) == done:
            for x, piece in zip(groups, pieces, strict=True):
                new_origin.extend([origin[a + x]] * len(piece))
        else:
            new_origin.extend([origin[a]] * len(done))
        parts.append(done)
    return "".join(parts), new_origin


def utf16_to_codepoints(text: str) -> Callable[[int], int]:
    """A function from a UTF-16 unit offset in ``text`` to its code-point offset.

    An offset that falls between the two halves of a surrogate pair goes to the character's
    start; offsets past the end stay past the end (callers check the range).
    """
    if all(ord(c) <= 0xFFFF for c in text):
        return lambda unit: unit
    units: list[int] = []  # UTF-16 offset of each code point
    total = 0
    for c in text:
        units.append(total)
        total += 2 if ord(c) > 0xFFFF else 1
    length = len(text)

    def convert(unit: int) -> int:
        if unit >= total:
            return length + (unit - total)
        index = bisect_left(units, unit)
        return index if index < length and units[index] == unit else index - 1

    return convert


def choose_units(origin: str, text: str, selections: Sequence[tuple[int, int]]) -> str:
    """``"utf16"`` or ``"codepoints"``: how the program that wrote ``origin`` counts (see module doc)."""
    if all(ord(c) <= 0xFFFF for c in text):
        return "codepoints"  # the same numbers either way
    lowered = origin.strip().lower()
    if lowered.startswith(_UTF16_ORIGINS):
        return "utf16"
    if lowered.startswith(_CODEPOINT_ORIGINS) or lowered == "qc":
        return "codepoints"
    convert = utf16_to_codepoints(text)
    as_units = _aligned(text, [(convert(a), convert(b)) for a, b in selections])
    as_points = _aligned(text, selections)
    return "utf16" if as_units > as_points else "codepoints"


def _aligned(text: str, selections: Sequence[tuple[int, int]]) -> int:
    """How many selection edges fall on a word boundary (not between two letters or digits)."""

    def edge(i: int) -> bool:
        return not (0 < i < len(text) and text[i - 1].isalnum() and text[i].isalnum())

    return sum(edge(a) + edge(b) for a, b in selections)


class PositionMap:
    """Source positions (in the program's units) to offsets in the normalised text."""

    def __init__(self, source: str, units: str) -> None:
        source = source.removeprefix("\ufeff")  # never counted (see module doc)
        self.source = source
        self.tracked = TrackedText(source)
        self.source_length = len(source)
        self._convert = utf16_to_codepoints(source) if units == "utf16" else (lambda i: i)

    @property
    def text(self) -> str:
        """The normalised text, as the document stores it."""
        return self.tracked.text

    def span(self, start: int, end: int) -> tuple[int, int] | None:
        """The normalised span of a selection, or ``None`` when it lies outside the source text."""
        a, b = self._convert(start), self._convert(end)
        if not 0 <= a <= b <= self.source_length:
            return None
        return self.tracked.position(a), self.tracked.position(b)

    def source_slice(self, start: int, end: int) -> str:
        """The source text a selection covers (BOM left out), for checks and messages."""
        return self.source[self._convert(start) : self._convert(end)]
