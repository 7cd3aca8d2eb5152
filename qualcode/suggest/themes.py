"""Inductive themes: NMF topics over lemma TF-IDF, proposed as candidate themes.

Pure functions over plain data; :mod:`qualcode.suggest.project_themes` reads the units and
codebook from a project and renders the result.

**Text.** Each unit is transliterated to Latin, lower-cased and split into runs of letters
(numbers never become terms). Each word is lemmatized (simplemma: ``hbs`` for sr/hr/bs,
``en`` for English, see :mod:`qualcode.text.lemmas`) and folded; a word is dropped when its
folded form or its lemma is a stop word of the unit's language (:mod:`.stopwords`; a tag with
no lemmatizer gets both lists) or either has at most two letters. Because Cyrillic is
transliterated first, ``квоту`` and ``kvotu`` are one term (``kvota``).

**Model.** TF-IDF over the lemma lists (:data:`MIN_DF`, :data:`MAX_DF`, sublinear tf,
L2-normalised rows), then NMF (``init="nndsvda"``, ``random_state=seed``). Topic vectors are
scaled to unit length, so a unit's weight for a topic is how much of its (unit-length) TF-IDF
vector that topic reconstructs, on the same 0–1 scale for every topic and unit. A unit belongs
to the topic with the highest weight when that weight is at least :data:`MIN_WEIGHT`; units
below it (only generic words, or evenly spread) belong to no theme.

**k = "auto"** chooses by *stability* of the partition of units into themes (the subsampling
criterion of Ben-Hur, Elisseeff & Guyon 2002, "A stability based method for discovering
structure in clustered data"): for each candidate k, every unit's strongest topic in a fit with
the given seed is compared with its strongest topic in :data:`STABILITY_RUNS` refits on random
:data:`STABILITY_FRACTION` subsamples with other seeds, by the adjusted Rand index (1: the same
partition; 0: no more alike than chance, whatever k). A k that matches the structure of the
material is found again from other samples; a k that is too large splits a theme differently
each time. The highest mean wins, compared at 3 decimals, ties to the smaller k. Candidates are
:data:`MIN_AUTO_K`..``max_k``, at most one per :data:`UNITS_PER_THEME` units. The search runs on
at most :data:`SEARCH_SAMPLE` units sampled with the seed and with :data:`SEARCH_MAX_ITER`
iterations per fit, which keeps it to a few seconds on 50,000 units; the final fit uses all
units. (Agreement of the top terms, Greene et al. 2014, was tried first: on short units many
terms have near-equal weights, their order changes between fits, and it chose k=4..11 on a
corpus of three clear topics where the unit partition chose 3 every time.)

Everything random takes ``seed``: the same input and seed give the same result.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
import numpy.typing as npt

from qualcode.errors import QualcodeError
from qualcode.suggest.nmf import (
    MAX_ITER,
    MIN_AUTO_K,
    SEARCH_MAX_ITER,
    SEARCH_SAMPLE,
    STABILITY_FRACTION,
    STABILITY_RUNS,
    UNITS_PER_THEME,
    fit_nmf,
    one_thread,
    resolve_k,
)
from qualcode.suggest.stopwords import stop_words
from qualcode.text.fold import fold
from qualcode.text.lemmas import lemma_language, lemmatize, surface_form

__all__ = [
    "LABEL_TERMS",
    "MAX_DF",
    "MAX_REPRESENTATIVES",
    "MIN_AUTO_K",
    "MIN_DF",
    "MIN_UNITS",
    "MIN_WEIGHT",
    "SEARCH_MAX_ITER",
    "SEARCH_SAMPLE",
    "STABILITY_FRACTION",
    "STABILITY_RUNS",
    "TOP_TERMS",
    "UNITS_PER_THEME",
    "Theme",
    "ThemeResult",
    "ThemesInputError",
    "find_themes",
]

#: Fewer units with terms than this and no themes are proposed (NMF on a handful of units
#: returns "themes" that are single units).
MIN_UNITS = 20
#: A term must occur in at least this many units (drops typos and one-off names)…
MIN_DF = 2
#: …and in at most this share of them (words that are everywhere separate nothing).
MAX_DF = 0.5
#: Terms listed per theme.
TOP_TERMS = 10
#: Terms in a theme's label.
LABEL_TERMS = 3
#: A unit belongs to its dominant theme only if that theme reconstructs at least this much
#: of the unit's unit-length TF-IDF vector.
MIN_WEIGHT = 0.1
#: Representative quotes per theme (3 to 5 when the theme has that many units).
MAX_REPRESENTATIVES = 5
Matrix = npt.NDArray[np.float64]
#: Runs of letters (no digits, no underscore): the words that can be terms.
_LETTERS = re.compile(r"[^\W\d_]+")


class ThemesInputError(QualcodeError):
    """The arguments of :func:`find_themes` do not fit together (lengths, k, seed)."""


@dataclass(frozen=True)
class Theme:
    """A candidate theme: what it is about, which units it covers, and the nearest existing code."""

    number: int  # 1-based, by size (units) descending, ties by first term
    label: str  # the LABEL_TERMS top terms in their most frequent written (Latin) form, " / "-joined
    terms: list[str]  # top TOP_TERMS terms: folded lemmas, strongest first
    units: list[int]  # indices into the input texts, ascending
    representatives: list[int]  # up to MAX_REPRESENTATIVES units, strongest first, documents spread
    closest_code: str | None  # None when no codes were given or no code shares a term with the theme
    closest_similarity: float | None  # cosine, 0–1, 4 decimals (0.0: no code shares a term); None: no codes


@dataclass(frozen=True)
class ThemeResult:
    """The themes found, and how: k, how k was chosen, the seed, units used, a note for the reader."""

    k: int
    k_chosen_by: str
    seed: int
    themes: list[Theme]
    units_used: int
    note: str


@dataclass
class _Corpus:
    """The units as term lists, plus what is needed to map terms back to written words."""

    tokens: list[list[str]]
    #: Per lemma language (None: no lemmatizer): written word -> its term, or None if dropped.
    tables: dict[str | None, dict[str, str | None]]
    #: Per lemma language: how often each written word occurs.
    counts: dict[str | None, Counter[str]]


def find_themes(
    texts: Sequence[str],
    languages: Sequence[str],
    *,
    k: int | str = "auto",
    seed: int = 0,
    codes: Mapping[str, str] | None = None,
    max_k: int = 12,
    documents: Sequence[str] | None = None,
) -> ThemeResult:
    """Propose candidate themes for ``texts`` (one per unit; ``languages`` are their language tags).

    ``k`` is the number of themes or ``"auto"`` (see the module docstring for the criterion,
    searched up to ``max_k``). ``codes`` maps existing code names to their keywords/definition
    text, to find each theme's closest code. ``documents`` gives each unit's document, so that
    representative quotes come from as many documents as possible; without it every unit
    counts as its own document. Too little material gives a result without themes and a note
    saying why; arguments that do not fit together raise :class:`ThemesInputError`.
    """
    _check_arguments(texts, languages, k, seed, max_k, documents)
    corpus = _normalise(texts, languages)

    def empty(note: str, units_used: int = 0) -> ThemeResult:
        # k is reported as given, or 0 when the search for it never ran.
        how = "given" if isinstance(k, int) else "auto: not searched (too little material)"
        return ThemeResult(k if isinstance(k, int) else 0, how, seed, [], units_used, note)

    with_terms = sum(1 for tokens in corpus.tokens if tokens)
    if with_terms < MIN_UNITS:
        return empty(_too_little(len(texts), with_terms))
    vectorizer, matrix = _tfidf(corpus.tokens)
    if matrix is None:
        return empty(
            f"no term occurs in at least {MIN_DF} and at most {MAX_DF:.0%} of the units after stop "
            "words: no themes (add more material or code units with different content)"
        )
    rows = np.flatnonzero(matrix.getnnz(axis=1))
    used = matrix[rows]
    if len(rows) < MIN_UNITS:
        return empty(_too_little(len(texts), len(rows)), len(rows))
    vocabulary: list[str] = vectorizer.get_feature_names_out().tolist()
    if len(vocabulary) < 2:
        return empty(
            f"only one term ({vocabulary[0]}) is left after stop words and pruning: no themes", len(rows)
        )
    with one_thread():
        k_final, chosen_by, notes = resolve_k(k, used, seed, max_k)
        weights, topics, converged = fit_nmf(used, k_final, seed)
    full = np.zeros((len(texts), k_final))
    full[rows] = weights
    themes = _themes(full, topics, vocabulary, corpus, documents, codes, vectorizer, languages)
    notes.extend(_summary(len(texts), len(rows), len(vocabulary), k_final, themes, converged))
    return ThemeResult(k_final, chosen_by, seed, themes, len(rows), " ".join(notes))


def _check_arguments(
    texts: Sequence[str],
    languages: Sequence[str],
    k: int | str,
    seed: int,
    max_k: int,
    documents: Sequence[str] | None,
) -> None:
    """Raise :class:`ThemesInputError` for arguments that cannot be meant (the caller's mistake)."""
    if len(languages) != len(texts):
        raise ThemesInputError(
            f"{len(texts)} texts but {len(languages)} languages: give one language per text"
        )
    if documents is not None and len(documents) != len(texts):
        raise ThemesInputError(
            f"{len(texts)} texts but {len(documents)} documents: give one document per text"
        )
    if isinstance(k, bool) or not (k == "auto" or (isinstance(k, int) and k >= 2)):
        raise ThemesInputError(f"k must be a whole number of at least 2 or 'auto', not {k!r}")
    if isinstance(max_k, bool) or not isinstance(max_k, int) or max_k < 2:
        raise ThemesInputError(f"max_k must be a whole number of at least 2, not {max_k!r}")
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < 2**32 - STABILITY_RUNS:
        raise ThemesInputError(
            f"seed must be a whole number from 0 to {2**32 - STABILITY_RUNS - 1}, not {seed!r}"
        )


def _too_little(total: int, with_terms: int) -> str:
    """The note for material too small to model."""
    return (
        f"too little material for themes: {with_terms} of {total} units have content words after stop "
        f"words, at least {MIN_UNITS} are needed (include coded units, or use shorter units such as "
        "paragraphs instead of documents)"
    )


# --- text -> terms ----------------------------------------------------------------------------


def _normalise(texts: Sequence[str], languages: Sequence[str]) -> _Corpus:
    """Term lists of every unit; each distinct written word is lemmatized and judged once."""
    corpus = _Corpus([], {}, {})
    codes: dict[str, str | None] = {}
    for text, tag in zip(texts, languages, strict=True):
        if tag not in codes:
            codes[tag] = lemma_language(tag) if tag else None
        corpus.tokens.append(_terms_of(text, codes[tag], corpus))
    return corpus


def _terms_of(text: str, language: str | None, corpus: _Corpus) -> list[str]:
    """``text``'s terms in the given lemma language, learning new words into ``corpus``."""
    table = corpus.tables.setdefault(language, {})
    words = _LETTERS.findall(surface_form(text))
    new = set(words).difference(table)
    if new:
        table.update(_judge(sorted(new), language))
    corpus.counts.setdefault(language, Counter()).update(words)
    return [term for word in words if (term := table[word]) is not None]


def _judge(words: list[str], language: str | None) -> dict[str, str | None]:
    """Each written word's term (its folded lemma), or None for stop words and short words."""
    stops = _stops(language)
    lemmas = lemmatize(words, language) if language is not None else {w: fold(w) for w in words}
    judged: dict[str, str | None] = {}
    for word in words:
        folded, lemma = fold(word), lemmas[word]
        keep = len(folded) > 2 and len(lemma) > 2 and folded not in stops and lemma not in stops
        judged[word] = lemma if keep else None
    return judged


@cache
def _stops(language: str | None) -> frozenset[str]:
    """The stop words for words read in a lemma language (None: no lemmatizer)."""
    # Without a lemmatizer we cannot tell the language: both lists (a lost word costs less than
    # fillers at the top of every theme). Otherwise the language's own list only, because the
    # lists collide across languages (English "more"/"most" are Serbian sea/bridge).
    return stop_words(["sr", "en"] if language is None else [language])


def _identity(tokens: list[str]) -> list[str]:
    """The vectorizer's analyzer: units arrive already split into terms."""
    return tokens


def _tfidf(tokens: list[list[str]]) -> tuple[Any, Any]:
    """The fitted vectorizer and the unit × term TF-IDF matrix, or (vectorizer, None) if no term is left."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectorizer = TfidfVectorizer(analyzer=_identity, min_df=MIN_DF, max_df=MAX_DF, sublinear_tf=True)
    try:
        return vectorizer, vectorizer.fit_transform(tokens)
    except ValueError:  # "After pruning, no terms remain" / "empty vocabulary"
        return vectorizer, None


def _top_terms(topic: Matrix, depth: int = TOP_TERMS) -> list[int]:
    """Indices of the strongest terms of a topic vector; ties by term order (alphabetical)."""
    order = np.argsort(-topic, kind="stable")[:depth]
    return [int(i) for i in order if topic[i] > 0]


# --- topics -> themes --------------------------------------------------------------------------


def _themes(
    weights: Matrix,
    topics: Matrix,
    vocabulary: list[str],
    corpus: _Corpus,
    documents: Sequence[str] | None,
    codes: Mapping[str, str] | None,
    vectorizer: Any,
    languages: Sequence[str],
) -> list[Theme]:
    """Themes from the fitted topics: members, terms, label, quotes, closest code; numbered by size."""
    dominant = weights.argmax(axis=1)
    strength = weights.max(axis=1)
    code_vectors = _code_vectors(codes, corpus, vectorizer, languages)
    drafts = []
    for topic in range(topics.shape[0]):
        members = np.flatnonzero((dominant == topic) & (strength >= MIN_WEIGHT))
        if len(members) == 0:
            continue  # reported in the note; a theme with no units is nothing to review
        terms = [vocabulary[i] for i in _top_terms(topics[topic])]
        closest = _closest_code(topics[topic], code_vectors)
        quotes = _representatives(members, weights[:, topic], documents)
        drafts.append((terms, [int(i) for i in members], quotes, closest))
    drafts.sort(key=lambda d: (-len(d[1]), d[0][:1]))
    written = _written_forms({t for d in drafts for t in d[0][:LABEL_TERMS]}, corpus)
    return [
        Theme(number, " / ".join(written[t] for t in terms[:LABEL_TERMS]), terms, members, quotes, *closest)
        for number, (terms, members, quotes, closest) in enumerate(drafts, start=1)
    ]


def _representatives(
    members: npt.NDArray[np.intp], weight: Matrix, documents: Sequence[str] | None
) -> list[int]:
    """Up to MAX_REPRESENTATIVES members, strongest first, one per document before any document repeats.

    Rule: walk the members by weight (descending; ties by unit index); the first pass takes the
    strongest unit of each document not yet quoted, a second pass fills the remaining places
    with the strongest units not yet taken. So five documents give five quotes from five
    documents, and a theme from one interview still gets its five best quotes.
    """
    order = [int(members[i]) for i in np.lexsort((members, -weight[members]))]
    chosen: list[int] = []
    seen: set[str | int] = set()
    for unit in order:
        document: str | int = documents[unit] if documents is not None else unit
        if document not in seen:
            seen.add(document)
            chosen.append(unit)
            if len(chosen) == MAX_REPRESENTATIVES:
                return chosen
    taken = set(chosen)
    chosen.extend([u for u in order if u not in taken][: MAX_REPRESENTATIVES - len(chosen)])
    rank = {unit: i for i, unit in enumerate(order)}
    return sorted(chosen, key=rank.__getitem__)


def _written_forms(terms: set[str], corpus: _Corpus) -> dict[str, str]:
    """The most frequent written (Latin, lower-case) word of each term; ties alphabetical."""
    forms: dict[str, Counter[str]] = {term: Counter() for term in terms}
    for language, table in corpus.tables.items():
        counts = corpus.counts[language]
        for word, term in table.items():
            if term in forms:
                forms[term][word] += counts[word]
    return {term: min(c.items(), key=lambda item: (-item[1], item[0]))[0] for term, c in forms.items()}


def _code_vectors(
    codes: Mapping[str, str] | None, corpus: _Corpus, vectorizer: Any, languages: Sequence[str]
) -> dict[str, Matrix] | None:
    """Each code's text as a unit-length TF-IDF vector over the model's terms, or None without codes.

    A code's text may be in any of the corpus's languages, so it is read in each of them and a
    term counts as often as the language that finds it most often says.
    """
    if not codes:
        return None
    tags = sorted({lemma_language(tag) if tag else None for tag in languages}, key=str)
    names = sorted(codes)  # ties in similarity then go to the first name, whatever the mapping order
    token_lists = []
    for name in names:
        counts: Counter[str] = Counter()
        for language in tags:
            # The corpus's word tables are shared (their lemmas are already known), its word counts
            # are not: a code's wording must not change how theme labels are written.
            counts |= Counter(_terms_of(codes[name], language, _Corpus([], corpus.tables, {})))
        token_lists.append(sorted(counts.elements()))
    matrix = vectorizer.transform(token_lists).toarray()
    return {name: matrix[i] for i, name in enumerate(names)}


def _closest_code(topic: Matrix, code_vectors: dict[str, Matrix] | None) -> tuple[str | None, float | None]:
    """The code whose text is most similar (cosine) to the topic vector, and the similarity."""
    if code_vectors is None:
        return None, None
    best: tuple[str | None, float] = (None, 0.0)
    for name, vector in code_vectors.items():  # both vectors have unit length (or are zero)
        similarity = round(float(topic @ vector), 4)
        if similarity > best[1]:
            best = (name, similarity)
    return best


def _summary(total: int, used: int, terms: int, k: int, themes: list[Theme], converged: bool) -> list[str]:
    """Sentences for the note: what was modelled and what was left out."""
    assigned = sum(len(t.units) for t in themes)
    notes = [
        f"NMF with k={k} over lemma TF-IDF of {used:,} of {total:,} units ({terms:,} terms); a unit "
        f"belongs to its strongest theme when that theme's weight is at least {MIN_WEIGHT}: "
        f"{assigned:,} units do, {total - assigned:,} fit no theme."
    ]
    if len(themes) < k:
        notes.append(f"{k - len(themes)} of the {k} topics had no unit of their own and are not shown.")
    if not converged:
        notes.append(
            f"NMF stopped after {MAX_ITER} iterations before converging: themes may change slightly."
        )
    return notes
