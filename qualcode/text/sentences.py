"""Sentence spans for BCMS (both scripts) and English transcripts, fast and offline.

The splitter works on one paragraph (or any range) at a time and returns code-point offsets
into the original text, so units can be stored without copying text. It is rule-based:

* A boundary candidate is a run of ``.`` ``!`` ``?`` ``…`` (so ``?!`` and ``...`` too), then
  optional closing quotes/brackets, then whitespace, then a capital letter, a digit, an
  opening quote/bracket or a dash (dialogue in BCMS prose starts with a dash). A newline is
  just whitespace: a soft line break inside a paragraph never splits on its own.
* ``!``, ``?`` and ``…`` always end a sentence at a candidate.
* A single ``.`` does not end a sentence after an abbreviation (:data:`ABBREVIATIONS`), a
  dotted abbreviation (``U.S.``, ``d.o.o.``), a one-letter initial (``J. Smith``,
  ``М. Петровић``) or an ordinal number in the contexts described under :func:`split_sentences`.

Candidates are found by one compiled regular expression (``finditer``); Python code runs
only per candidate (about one per sentence), never per character, which keeps the splitter
well above 2 million characters per second.
"""

from __future__ import annotations

import re

from qualcode.text.script import to_cyrillic

__all__ = [
    "ABBREVIATIONS",
    "ABBREVIATIONS_BEFORE_NUMBERS",
    "ORDINAL_CONTEXT_WORDS",
    "SENTENCE_FINAL_ABBREVIATIONS",
    "split_sentences",
]


def _words(text: str) -> list[str]:
    # Word lists are kept as one string each: easier to read and to extend than list literals.
    return text.split()


# Serbian/Croatian/Bosnian, written in Latin; the Cyrillic forms are generated below. Left out
# on purpose because they are also words that end sentences (matching ignores case, and
# English and BCMS share the set): "god." (God), "up.", "nov." (new), "red." (dnevni red),
# "km.", "min." ("…5 km. Onda…").
_BCMS_LATIN_ABBREVIATIONS = _words(
    "npr tj dr sl itd g br čl st str tzv prof mr gđa gđica gđo gosp ul tel mil mlrd pribl odn "
    "v sv tač al sc dipl ing prev ur usp ca cca"
)
_ENGLISH_ABBREVIATIONS = _words(
    "mr mrs ms dr prof e.g i.e etc vs approx st jr sr u.s u.k a.m p.m cf al fig vol pp ch "
    "gen col lt sgt capt rev hon gov jan feb mar apr aug sep sept oct dec dept"
)

#: Lower-case abbreviations (without the final dot) after which a ``.`` does not end a sentence.
#: Serbian/Croatian/Bosnian in both scripts and English; matched case-insensitively.
ABBREVIATIONS: frozenset[str] = frozenset(
    _BCMS_LATIN_ABBREVIATIONS + [to_cyrillic(a) for a in _BCMS_LATIN_ABBREVIATIONS] + _ENGLISH_ABBREVIATIONS
)

#: Abbreviations that are also ordinary words, so they count only before a number:
#: ``No. 5`` and ``Art. 12``, but "I said no. Then…" is two sentences.
ABBREVIATIONS_BEFORE_NUMBERS: frozenset[str] = frozenset({"no", "nos", "nr", "art", "p"})

#: Abbreviations that commonly end a sentence ("…, kruške itd. Onda…"): a capital after them
#: starts a new sentence. Others (``dr.``, ``g.``) are followed by names, so they never split.
SENTENCE_FINAL_ABBREVIATIONS: frozenset[str] = frozenset({"itd", "итд", "etc", "sl", "сл"})

#: Words after which "<number>. <Capitalised word>" is an ordinal, not a sentence end:
#: ``članom 49. Zakona``, ``stav 2. Poslovnika``, ``tačka 3. Dnevnog reda``.
ORDINAL_CONTEXT_WORDS: frozenset[str] = frozenset(
    w
    for latin in _words(
        "član člana članu članom članovi članova članove čl "
        "stav stava stavu stavom stavovi stavova st "
        "tačka tačke tački tačku tačkom tač točka točke točki točku točkom "
        "alineja alineje alineji alineju alinejom al "
        "odeljak odeljka odeljku odjeljak odjeljka odjeljku "
        "paragraf paragrafa paragrafu glava glave glavi "
        "amandman amandmana amandmanu point section article chapter"
    )
    for w in (latin, to_cyrillic(latin))
)

_MONTHS_LATIN = _words(
    "januar januara januaru februar februara februaru mart marta martu april aprila aprilu "
    "maj maja maju jun juna junu juni jula jul julu juli avgust avgusta avgustu august augusta "
    "septembar septembra septembru oktobar oktobra oktobru novembar novembra novembru "
    "decembar decembra decembru "
    "siječanj siječnja veljača veljače ožujak ožujka travanj travnja svibanj svibnja lipanj lipnja "
    "srpanj srpnja kolovoz kolovoza rujan rujna listopad listopada studeni studenoga studenog "
    "prosinac prosinca godine godina godini godinu veka vijeka stoleća stoljeća"
)
_ENGLISH_MONTHS = _words(
    "january february march april may june july august september october november december"
)
# Words after "<number>." that make it a date or a century, never a sentence end.
_AFTER_ORDINAL: frozenset[str] = frozenset(
    _MONTHS_LATIN + [to_cyrillic(w) for w in _MONTHS_LATIN] + _ENGLISH_MONTHS
)

# Capitalised words that begin a new sentence far more often than they are a surname after an
# initial: "…neither did I. Then we left." vs "I. Andrić".
_SENTENCE_STARTERS: frozenset[str] = frozenset(
    _words(
        "I The And But So We It He She They You That This What Then Well Yeah Yes No Oh Okay "
        "There When If Because My Our Now"
    )
    + [
        w
        for latin in _words(
            "Ja Ti On Ona Ono Mi Vi Oni One To Taj Ta Ali Da Ne Kad Kada Onda Pa Sad Sada Zato Ovo "
            "Šta Što Kako Gde Gdje Ako Jer Dakle Evo Eto Nije Nisam Bilo Bio Bila I A"
        )
        for w in (latin, to_cyrillic(latin))
    ]
)

_UPPER_RANGES: list[tuple[int, int]] = []
for _code in (*range(0x41, 0x250), *range(0x370, 0x530)):
    if chr(_code).isupper():
        if _UPPER_RANGES and _UPPER_RANGES[-1][1] == _code - 1:
            _UPPER_RANGES[-1] = (_UPPER_RANGES[-1][0], _code)
        else:
            _UPPER_RANGES.append((_code, _code))
# Capital letters of Latin, Greek and Cyrillic as one character class, built from Unicode data.
_UPPER_CLASS = "".join(
    re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in _UPPER_RANGES
)
_OPENERS = "\"'“„‘‚«‹([{–—-"
_CLOSERS = "\"'”’“»›)]}"

# The one regex: sentence punctuation, closers, and (lookahead) whitespace + a sentence start.
# Group "punct" tells "." from "!", "?", "…"; match.end() is the split point.
_CANDIDATE = re.compile(
    rf"(?P<punct>[.!?…]+)[{re.escape(_CLOSERS)}]*(?=\s+(?:[{re.escape(_OPENERS)}]|[{_UPPER_CLASS}\d]))"
)
# A token made of single letters with dots: "U.S", "d.o.o", "S.A.D" (the last dot is the candidate).
_DOTTED = re.compile(r"(?:[^\W\d_]\.)+[^\W\d_]")
_STRIP_OPENERS = _OPENERS + "*_"
# How much text before a candidate is enough to see the last two tokens.
_LOOKBACK = 80


def _ends_sentence(text: str, match: re.Match[str], seg_start: int, end: int) -> bool:
    """Decide whether the candidate ``match`` (a single ``.``) ends the sentence begun at ``seg_start``."""
    before = text[max(seg_start, match.start() - _LOOKBACK) : match.start()].split()
    if not before or text[match.start() - 1].isspace():
        return True  # a lone " . " is punctuation on its own
    token = before[-1].lstrip(_STRIP_OPENERS)
    lower = token.lower()
    after = text[match.end() : min(end, match.end() + _LOOKBACK)].split(maxsplit=1)
    next_word = after[0].strip(_STRIP_OPENERS + _CLOSERS + ".,;:!?…") if after else ""

    if lower in ABBREVIATIONS:
        return lower in SENTENCE_FINAL_ABBREVIATIONS
    if lower in ABBREVIATIONS_BEFORE_NUMBERS:
        return not next_word[:1].isdigit()
    if token.isdigit():
        return not _is_ordinal(before, next_word)
    if len(token) == 1 and token.isalpha():
        # An initial unless the next word is one that starts sentences, not one that is a name.
        return next_word in _SENTENCE_STARTERS
    return _DOTTED.fullmatch(token) is None


def _is_ordinal(before: list[str], next_word: str) -> bool:
    """``<number>.`` followed by a capitalised word or digit: an ordinal, or a sentence end?"""
    if next_word[:1].isdigit():
        return True  # dates: "14. 2. 2022."
    if next_word.lower() in _AFTER_ORDINAL:
        return True  # "14. Februara", "2022. Godine"
    if len(before) == 1 or before[-2].endswith((",", ";", ":")):
        return True  # an enumeration: "1. Uvod", "dnevni red: 1. Odgovor…, 2. Usvajanje…"
    # "čl. 49. Zakona": the abbreviated forms count too.
    return before[-2].lstrip(_STRIP_OPENERS).rstrip(".").lower() in ORDINAL_CONTEXT_WORDS


def split_sentences(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Sentence spans ``(start, end)`` in ``text[start:end]``, as absolute code-point offsets.

    Spans are in order, do not overlap, are stripped of surrounding whitespace, are never
    empty, and together cover every non-space character of the range.

    Ordinal numbers (BCMS writes them with a dot) follow this rule. ``<number>.`` followed by
    a lower-case word never splits (a lower-case word never starts a sentence here). Followed
    by a digit it does not split (``14. 2. 2022.``). Followed by a capitalised word it does not
    split when that word is a month, ``godine``/``godina`` or ``veka``/``vijeka`` (either
    script), when the word before the number is one of :data:`ORDINAL_CONTEXT_WORDS`
    (``članom 49. Zakona``, ``čl. 49. Zakona``, ``stav 2. Poslovnika``), or when the number
    opens the sentence or follows a comma, colon or semicolon (a list: ``dnevni red,
    1. Odgovor…, 2. Usvajanje…``). Otherwise it splits: "Prisutno je 108. Zahvaljujem." is two
    sentences. Limits: a sentence that really ends in such an ordinal (``…u članu 5. Onda…``)
    is not split, and roman numerals other than single letters (``II.``, ``XX.``) are
    treated as words, so ``Pio XII. Papa`` splits.
    """
    stop = len(text) if end is None else min(end, len(text))
    spans: list[tuple[int, int]] = []
    seg_start = start
    for match in _CANDIDATE.finditer(text, start, stop):
        if match.group("punct") == "." and not _ends_sentence(text, match, seg_start, stop):
            continue
        _append_stripped(text, seg_start, match.end(), spans)
        seg_start = match.end()
    _append_stripped(text, seg_start, stop, spans)
    return spans


def _append_stripped(text: str, a: int, b: int, spans: list[tuple[int, int]]) -> None:
    segment = text[a:b]
    stripped = segment.lstrip()
    if not stripped:
        return
    a += len(segment) - len(stripped)
    b -= len(stripped) - len(stripped.rstrip())
    spans.append((a, b))
