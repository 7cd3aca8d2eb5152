"""Deductive suggestions: the codebook's own words found in the units.

Each code brings its keywords (every language), and — as weaker evidence — the content words of
its definition and example quote. Units and keywords are compared as folded lemmas (Latin and
Cyrillic, case and diacritics do not matter; ``žrtvama`` matches the keyword ``žrtva``); a
keyword of several words matches as a phrase of lemmas.

Score: ``1 − exp(−E)`` where E sums, over the distinct matches in the unit, 1.0 per keyword
(1.5 per multi-word keyword) and 0.15 per definition/example word: one keyword gives 0.63, two
give 0.86, definition words alone stay low. The reason lists the words that matched.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from qualcode.text.lemmas import lemma_language, lemmatize, surface_form

KEYWORD_WEIGHT = 1.0
PHRASE_WEIGHT = 1.5
DEFINITION_WEIGHT = 0.15
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
#: Definition words this short are mostly function words; keywords are used whatever their length.
_MIN_DEFINITION_WORD = 5


@dataclass(frozen=True)
class CodeEvidence:
    """What counts as evidence for one code, as folded lemma sequences."""

    code: str
    keywords: tuple[tuple[tuple[str, ...], str], ...]  # (lemma sequence, keyword as written)
    definition_words: frozenset[str]


@dataclass(frozen=True)
class DeductiveMatch:
    """One code suggested for one unit."""

    unit: int
    code: str
    score: float
    reason: list[str]


def lemma_sequence(text: str, language: str) -> tuple[str, ...]:
    """The folded lemmas of a text's words, in order."""
    lang = lemma_language(language) or "hbs"
    written = _WORD.findall(text)
    known = _WRITTEN.setdefault(lang, {})
    if len(known) > _CACHE_LIMIT:
        known.clear()
    missing = {w for w in written if w not in known}
    if missing:
        # Words as written -> lemma, through the surface form: a study repeats its vocabulary,
        # so each written form is transliterated, lower-cased and looked up once.
        forms = {w: surface_form(w) for w in missing}
        lemmas = _lemma_cache(set(forms.values()), lang)
        known.update((w, lemmas[form]) for w, form in forms.items())
    return tuple(known[w] for w in written)


_CACHE: dict[tuple[str, str], str] = {}
#: language -> word as written -> folded lemma.
_WRITTEN: dict[str, dict[str, str]] = {}
#: Written forms kept per language before the cache is emptied (bounded memory in long sessions).
_CACHE_LIMIT = 1_000_000


def _lemma_cache(words: Iterable[str], language: str) -> dict[str, str]:
    """Lemmas through a per-process cache: vocabulary repeats, lemmatizing it once is enough."""
    missing = [w for w in words if (language, w) not in _CACHE]
    if missing:
        for word, lemma in lemmatize(missing, language).items():
            _CACHE[(language, word)] = lemma
    return {w: _CACHE[(language, w)] for w in words}


def code_evidence(
    code: str, keywords: Mapping[str, Sequence[str]], definition: str = "", example: str = ""
) -> CodeEvidence:
    """A code's keywords (each in the dictionary of its language) and definition words as lemmas."""
    phrases: dict[tuple[str, ...], str] = {}
    for language, words in keywords.items():
        lang = "en" if language.startswith("en") else "hbs"
        for keyword in words:
            sequence = lemma_sequence(keyword, lang)
            if sequence:
                phrases.setdefault(sequence, keyword)
    defining = {
        lemma
        for text in (definition, example)
        for lemma in lemma_sequence(text, "hbs") + lemma_sequence(text, "en")
        if len(lemma) >= _MIN_DEFINITION_WORD
    }
    keyword_lemmas = {lemma for sequence in phrases for lemma in sequence}
    return CodeEvidence(code, tuple(phrases.items()), frozenset(defining - keyword_lemmas))


def deductive_matches(
    units: Sequence[tuple[str, str]], codes: Sequence[CodeEvidence], *, min_score: float = 0.5
) -> list[DeductiveMatch]:
    """Every (unit, code) whose score reaches ``min_score``; units are (text, language) pairs.

    Matching goes through an index from lemma to the codes it is evidence for, so a unit costs
    its own words, not words × codes × keywords (50,000 units against a 72-code codebook: ~1 s
    of matching instead of ~20 s).
    """
    index = _EvidenceIndex(codes)
    found = []
    for number, (text, language) in enumerate(units):
        lemmas = lemma_sequence(text, language)
        present = set(lemmas)
        joined = None
        hits: dict[int, list[tuple[int, str, float]]] = defaultdict(list)
        defining: dict[int, list[str]] = defaultdict(list)
        for lemma in present & index.lemmas:
            for code, position, written in index.single.get(lemma, ()):
                hits[code].append((position, written, KEYWORD_WEIGHT))
            for code, position, phrase, written in index.phrases.get(lemma, ()):
                joined = joined or " " + " ".join(lemmas) + " "
                if phrase in joined:
                    hits[code].append((position, written, PHRASE_WEIGHT))
            for code in index.definitions.get(lemma, ()):
                defining[code].append(lemma)
        for code in sorted(hits.keys() | defining.keys()):
            keyword_hits = hits.get(code, [])
            words = defining.get(code, [])
            evidence = DEFINITION_WEIGHT * len(words)
            for _, _, weight in keyword_hits:
                evidence += weight
            score = 1 - math.exp(-evidence)
            if score >= min_score:
                reason = [written for _, written, _ in sorted(keyword_hits)] + sorted(words)
                found.append(DeductiveMatch(number, codes[code].code, round(score, 6), reason))
    return found


def deductive_scores(units: Sequence[tuple[str, str]], codes: Sequence[CodeEvidence]) -> list[list[float]]:
    """The score of every code for every unit (0.0 without evidence), as :func:`deductive_matches` scores.

    The fast path for using the scores as a feature: no reasons, no objects per match.
    """
    index = _EvidenceIndex(codes)
    rows = []
    for text, language in units:
        lemmas = lemma_sequence(text, language)
        present = set(lemmas)
        joined = None
        evidence = [0.0] * len(codes)
        for lemma in present & index.lemmas:
            for code, _, _ in index.single.get(lemma, ()):
                evidence[code] += KEYWORD_WEIGHT
            for code, _, phrase, _ in index.phrases.get(lemma, ()):
                joined = joined or " " + " ".join(lemmas) + " "
                if phrase in joined:
                    evidence[code] += PHRASE_WEIGHT
            for code in index.definitions.get(lemma, ()):
                evidence[code] += DEFINITION_WEIGHT
        rows.append([round(1 - math.exp(-e), 6) if e else 0.0 for e in evidence])
    return rows


class _EvidenceIndex:
    """Lemma -> the codes it is evidence for: as a keyword, as a phrase's first word, as a defining word."""

    def __init__(self, codes: Sequence[CodeEvidence]) -> None:
        self.single: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
        self.phrases: dict[str, list[tuple[int, int, str, str]]] = defaultdict(list)
        self.definitions: dict[str, list[int]] = defaultdict(list)
        for number, code in enumerate(codes):
            for position, (sequence, written) in enumerate(code.keywords):
                if len(sequence) == 1:
                    self.single[sequence[0]].append((number, position, written))
                else:
                    self.phrases[sequence[0]].append((number, position, f" {' '.join(sequence)} ", written))
            for lemma in code.definition_words:
                self.definitions[lemma].append(number)
        self.lemmas = frozenset(self.single) | frozenset(self.phrases) | frozenset(self.definitions)
