"""The folded form of text used for search, the search index and suggestions.

Researchers type queries without diacritics, in either script, in any case; transcripts
contain all of them. Folding maps every variant to one key:

* Serbian Cyrillic → Latin (``Ђорђе`` → ``djordje``), so one query finds both scripts;
* case folded (``str.casefold``, so ``ß`` → ``ss`` too);
* ``č ć`` → ``c``, ``š`` → ``s``, ``ž`` → ``z``, ``đ`` → ``dj`` (how people write đ without
  diacritics: ``Djordje``); ``dž`` therefore becomes ``dz``;
* other Latin diacritics are removed as Unicode decomposes them (``é`` → ``e``, ``ü`` → ``u``),
  plus ``ł`` → ``l`` and ``ø`` → ``o``, which Unicode does not decompose.

SQLite FTS5's ``remove_diacritics`` does not fold ``đ`` (it has no decomposition), which is
why the store indexes a column folded here instead.
"""

from __future__ import annotations

import re
import unicodedata

from qualcode.text.script import to_latin

__all__ = ["fold", "fold_with_map"]


def _strip_marks(char: str) -> str:
    decomposed = unicodedata.normalize("NFD", char)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _build_table() -> dict[int, str | None]:
    table: dict[int, str | None] = {}
    # Latin letters with a canonical decomposition: Latin-1, Extended-A/B, Extended Additional.
    for code in (*range(0x00C0, 0x0250), *range(0x1E00, 0x1F00)):
        char = chr(code)
        base = _strip_marks(char)
        if base != char and base.isascii() and base.isalpha():
            table[code] = base.casefold()
    # No decomposition in Unicode, but universally written without the stroke.
    for char, plain in (("đ", "dj"), ("ł", "l"), ("ø", "o"), ("ǆ", "dz"), ("ǉ", "lj"), ("ǌ", "nj")):
        table[ord(char)] = plain
        table[ord(char.upper())] = plain
    table[ord("ǅ")], table[ord("ǈ")], table[ord("ǋ")] = "dz", "lj", "nj"
    # Serbian Cyrillic letters map straight to their folded Latin form, via the transliteration
    # table so the two can never disagree (ђ → đ → dj, џ → dž → dz).
    for char in "абвгдђежзијклљмнњопрстћуфхцчџш":
        latin = to_latin(char)
        table[ord(char)] = "".join(table.get(ord(c)) or c for c in latin)
    # Loose combining marks (text that was not NFC): drop them, as NFD stripping would.
    for code in range(0x0300, 0x0370):
        table[code] = None
    return table


# Built once: str.translate with a dict runs in C, one pass over the text.
_FOLD_TABLE = _build_table()


def fold(text: str) -> str:
    """Return the matching form of ``text``: Latin script, case-folded, without diacritics.

    ``fold("Ђорђе Čović, ŠKOLA")`` is ``"djordje covic, skola"``. The result can be longer or
    shorter than the input (``đ`` → ``dj``, ``ß`` → ``ss``, dropped combining marks), so fold is
    for comparing and indexing only: never use offsets into a folded string as offsets into the
    document. Letters of other alphabets are only case-folded.
    """
    # casefold first (C, fast) so that the table only needs lower-case Cyrillic; capitals with
    # diacritics that casefold leaves decomposed (İ → i + U+0307) lose the mark in the table.
    return text.casefold().translate(_FOLD_TABLE)


# fold() is a per-code-point map (casefold and translate have no context), so a text can be
# folded in pieces. Only two kinds of character break the one-for-one correspondence: those
# our table maps to several letters or to nothing (found here, from the table itself), and the
# few whose casefold expands (ß → ss, ﬁ → fi), caught by a length check on each run.
_UNEVEN = re.compile(
    "["
    + "".join(
        re.escape(char)
        for char in sorted({c for code in _FOLD_TABLE for c in (chr(code), chr(code).upper()) if len(c) == 1})
        if len(fold(char)) != 1
    )
    + "]"
)


def fold_with_map(text: str) -> tuple[str, list[int]]:
    """``fold(text)`` and, for each folded character, the index of the character it came from.

    ``fold_with_map("Đak")`` is ``("djak", [0, 0, 1, 2])``: both ``d`` and ``j`` come from ``Đ``.
    The map is non-decreasing; characters that fold to nothing (loose combining marks) have no
    entry. Search uses it to put a match found in folded text back on the original text.
    """
    if text.isascii():
        # ASCII folds to its lower case, one character for one.
        return text.lower(), list(range(len(text)))
    pieces: list[str] = []
    index: list[int] = []
    done = 0
    for uneven in _UNEVEN.finditer(text):
        _fold_run(text, done, uneven.start(), pieces, index)
        folded = fold(uneven.group())
        pieces.append(folded)
        index.extend([uneven.start()] * len(folded))
        done = uneven.end()
    _fold_run(text, done, len(text), pieces, index)
    return "".join(pieces), index


def _fold_run(text: str, start: int, end: int, pieces: list[str], index: list[int]) -> None:
    """Fold ``text[start:end]``, a run with no character of :data:`_UNEVEN`, into the two lists."""
    run = text[start:end]
    folded = fold(run)
    if len(folded) == len(run):  # nothing can shrink here, so equal length means one for one
        pieces.append(folded)
        index.extend(range(start, end))
        return
    for i in range(start, end):  # a casefold expansion (ß, ligatures): character by character
        char_folded = fold(text[i])
        pieces.append(char_folded)
        index.extend([i] * len(char_folded))
