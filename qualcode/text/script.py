"""Serbian Latin ↔ Cyrillic transliteration and script counting.

Serbian is written in two scripts with a one-to-one correspondence, except that three
Cyrillic letters are digraphs in Latin (љ = lj, њ = nj, џ = dž). Two things make a naive
table wrong:

* **Case of digraphs.** Cyrillic ``Љ`` is ``Lj`` in a capitalised word (``Љубав`` → ``Ljubav``)
  but ``LJ`` in an all-caps word (``ЉУБАВ`` → ``LJUBAV``). We decide from the neighbouring
  letter, which is what a reader does.
* **Letters that only look like a digraph.** Across a morpheme boundary ``n+j`` or ``d+ž``
  are two sounds (``in-jekcija``, ``nad-živeti``) and stay two Cyrillic letters
  (``инјекција``, ``надживети``). Only a dictionary can know this, so :data:`DIGRAPH_EXCEPTIONS`
  lists word stems (matched as a prefix of a word, case-insensitively).

Letters that Serbian does not use (q, w, x, y, Russian ы, Macedonian ѓ, …) pass through
unchanged. Every function returns a string of the same shape: no normalisation happens
here (the importer already made the text NFC; decomposed ``z`` + U+030C is not read as ``ž``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = [
    "DIGRAPH_EXCEPTIONS",
    "MIXED_MIN_LETTERS",
    "MIXED_MIN_SHARE",
    "ScriptCounts",
    "count_scripts",
    "dominant_script",
    "is_mixed_script",
    "to_cyrillic",
    "to_latin",
]

# One-to-one letters, in the order of the Serbian Cyrillic alphabet (azbuka) minus the digraphs.
_LATIN_SINGLE = "abvgdđežzijklmnoprstćufhcčš"
_CYRILLIC_SINGLE = "абвгдђежзијклмнопрстћуфхцчш"

#: Word stems (lower case, Latin) whose ``nj`` / ``dž`` are two letters, not one.
#: Matched as the *start* of a word, case-insensitively, so every inflected form is covered
#: (``injekcija``, ``injekcije``, ``injektirati``…). Prefixes such as ``nad-``/``pod-``/``od-``
#: alone would be too greedy (``odžak`` is оџак), hence whole stems. Sources: Serbian
#: orthography (Pravopis srpskoga jezika, §§ on prefix boundaries) and the exception lists
#: of open-source transliterators (e.g. turanjanin/cirilizator).
DIGRAPH_EXCEPTIONS: tuple[str, ...] = (
    # d + ž after the prefixes nad-, od-, pod-, pred- and in German loans
    "nadživ",  # nadživeti, nadživjeti, nadživljavati
    "nadžnje",  # nadžnjeti
    "nadžet",
    "nadžel",
    "nadžeo",
    "nadžup",  # nadžupnik
    "odžali",  # odžaliti
    "odživ",  # odživeti, odživljavati
    "odžubor",
    "odžvaka",
    "odžval",
    "podžanr",  # podžanr
    "podžupan",
    "podžel",  # podželudačna (žlezda)
    "podžnje",
    "podžig",
    "predživot",
    "predželu",
    "feldžandarm",
    # n + j in loans with the Latin prefixes in-/con-/an- and in compounds
    "anjon",  # anjon (anion)
    "injek",  # injekcija, injektirati, injektor
    "injic",  # injicirati
    "injuri",  # injurija
    "konjug",  # konjugacija
    "konjunk",  # konjunkcija, konjunktura
    "konjektur",  # konjektura
    "nekonjug",
    "nekonjunk",
    "tanjug",  # Tanjug (news agency: Telegrafska agencija nove Jugoslavije)
    "vanjezi",  # vanjezički
)

_LAT_TO_CYR: dict[int, str] = {}
for _lat, _cyr in zip(_LATIN_SINGLE, _CYRILLIC_SINGLE, strict=True):
    _LAT_TO_CYR[ord(_lat)] = _cyr
    _LAT_TO_CYR[ord(_lat.upper())] = _cyr.upper()
# Unicode's single-code-point digraph letters (rare, from old converters).
_LAT_TO_CYR.update({ord(k): v for k, v in zip("ǄǅǆǇǈǉǊǋǌ", "ЏЏџЉЉљЊЊњ", strict=True)})

# Two-letter digraphs, keyed by every case combination; the first letter decides the case
# ("LJ" and "Lj" are both Љ: Cyrillic has no title-case digraph).
_DIGRAPHS: dict[str, str] = {}
for _pair, _letter in (("lj", "љ"), ("nj", "њ"), ("dž", "џ")):
    for _a in (_pair[0], _pair[0].upper()):
        for _b in (_pair[1], _pair[1].upper()):
            _DIGRAPHS[_a + _b] = _letter.upper() if _a.isupper() else _letter

# Candidate digraphs are found with one cheap character-class pattern; a big alternation of
# exception stems tried at every position was ~7x slower. Pairs such as "dj" or "lž" that the
# class also matches are returned unchanged by the callback.
_DIGRAPH_RE = re.compile(r"[LlNnDd][JjŽž]")
_EXCEPTION_RE = re.compile(
    "|".join(sorted(map(re.escape, DIGRAPH_EXCEPTIONS), key=len, reverse=True)), re.IGNORECASE
)
# How far into a word a digraph of an exception stem can be ("nekonjunk": 4).
_MAX_DIGRAPH_OFFSET = max(
    max(stem.find("nj"), stem.find("dž"), stem.find("lj")) for stem in DIGRAPH_EXCEPTIONS
)

_CYR_TO_LAT: dict[int, str] = {}
for _lat, _cyr in zip(_LATIN_SINGLE, _CYRILLIC_SINGLE, strict=True):
    _CYR_TO_LAT[ord(_cyr)] = _lat
    _CYR_TO_LAT[ord(_cyr.upper())] = _lat.upper()
# Lower-case digraph letters are unambiguous; capitals are resolved by _resolve_capital.
_CYR_TO_LAT.update({ord("љ"): "lj", ord("њ"): "nj", ord("џ"): "dž"})
_CAPITAL_DIGRAPH_RE = re.compile("[ЉЊЏ]")
_CAPITAL_DIGRAPH = {"Љ": ("Lj", "LJ"), "Њ": ("Nj", "NJ"), "Џ": ("Dž", "DŽ")}


def _replace_latin(match: re.Match[str]) -> str:
    pair = match.group()
    letter = _DIGRAPHS.get(pair)
    if letter is None:
        return pair
    text, i = match.string, match.start()
    # Walk back to the start of the word, but never further than an exception stem could
    # reach: the loop is bounded by a few characters, not by the text.
    word_start, limit = i, max(0, i - _MAX_DIGRAPH_OFFSET)
    while word_start > limit and text[word_start - 1].isalpha():
        word_start -= 1
    if word_start == 0 or not text[word_start - 1].isalpha():
        stem = _EXCEPTION_RE.match(text, word_start)
        if stem is not None and stem.end() >= i + 2:
            # Inside an exception stem: two letters, two Cyrillic letters (in-jekcija).
            return pair.translate(_LAT_TO_CYR)
    return letter


def to_cyrillic(text: str) -> str:
    """Transliterate Serbian Latin to Serbian Cyrillic.

    ``lj``/``nj``/``dž`` become љ/њ/џ in any case (``Ljubav``/``LJUBAV`` → ``Љубав``/``ЉУБАВ``)
    except in words starting with a stem from :data:`DIGRAPH_EXCEPTIONS` (``injekcija`` →
    ``инјекција``). ``dj`` is left as дј: it is only an ASCII stand-in for đ in some texts,
    and guessing would break ``odjednom``, ``podjela``. Non-Serbian letters are unchanged.
    """
    return _DIGRAPH_RE.sub(_replace_latin, text).translate(_LAT_TO_CYR)


def _resolve_capital(match: re.Match[str]) -> str:
    text, i = match.string, match.start()
    title, upper = _CAPITAL_DIGRAPH[match.group()]
    # The next letter of the word decides (ЉУБАВ vs Љубав); at a word end the previous
    # letter does (КРАЉ → KRALJ). A lone capital with no cased neighbour is title case.
    after = text[i + 1] if i + 1 < len(text) else ""
    if after.isalpha():
        return upper if after.isupper() else title
    before = text[i - 1] if i > 0 else ""
    return upper if before.isalpha() and before.isupper() else title


def to_latin(text: str) -> str:
    """Transliterate Serbian Cyrillic to Serbian Latin.

    Capital Љ/Њ/Џ become ``LJ``/``NJ``/``DŽ`` in an all-caps word and ``Lj``/``Nj``/``Dž``
    otherwise. For Serbian Latin text ``s``, ``to_latin(to_cyrillic(s)) == s`` (a one-letter
    all-caps word such as ``LJ`` alone comes back as ``Lj``: Cyrillic cannot tell them apart).
    """
    if "Љ" in text or "Њ" in text or "Џ" in text:
        text = _CAPITAL_DIGRAPH_RE.sub(_resolve_capital, text)
    return text.translate(_CYR_TO_LAT)


#: The minority script must have at least this share of all letters…
MIXED_MIN_SHARE = 0.05
#: …and at least this many letters for a text to count as mixed-script.
MIXED_MIN_LETTERS = 50


@dataclass(frozen=True)
class ScriptCounts:
    """Number of letters of each script in a text (digits, punctuation and other scripts not counted)."""

    latin: int
    cyrillic: int

    @property
    def dominant(self) -> str:
        """``"Latn"``, ``"Cyrl"`` or ``""``; see :func:`dominant_script`."""
        if self.latin == self.cyrillic == 0:
            return ""
        return "Cyrl" if self.cyrillic > self.latin else "Latn"

    @property
    def mixed(self) -> bool:
        """Both scripts substantial; see :func:`is_mixed_script`."""
        minority = min(self.latin, self.cyrillic)
        total = self.latin + self.cyrillic
        return minority >= MIXED_MIN_LETTERS and minority >= MIXED_MIN_SHARE * total


# Letter ranges, not blocks: the Latin-1 block also holds × and ÷, the Cyrillic block also
# holds the thousands sign and combining marks (U+0482–U+0489).
_LATIN_RUN = re.compile(r"[A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u1e00-\u1eff]+")
_CYRILLIC_RUN = re.compile(r"[\u0400-\u0481\u048a-\u052f]+")


def count_scripts(text: str) -> ScriptCounts:
    """Count Latin and Cyrillic letters in ``text``."""
    # Joining the runs and taking one length is much faster than a match per letter.
    return ScriptCounts(
        latin=len("".join(_LATIN_RUN.findall(text))),
        cyrillic=len("".join(_CYRILLIC_RUN.findall(text))),
    )


def dominant_script(text: str) -> str:
    """ISO 15924 code of the script with more letters: ``"Latn"``, ``"Cyrl"``, or ``""`` if none.

    An exact tie goes to ``"Latn"`` so that the answer is deterministic.
    """
    return count_scripts(text).dominant


def is_mixed_script(text: str) -> bool:
    """True when both scripts are substantial: the minority has ≥ 5 % of letters and ≥ 50 letters.

    Both thresholds are needed. The share keeps a Cyrillic transcript that quotes acronyms
    and brand names (COVID, EU, Facebook) from counting as mixed; the absolute count keeps a
    short text with one foreign word from crossing 5 % by chance.
    """
    return count_scripts(text).mixed
