"""Features for learned code suggestions: TF-IDF over lemmas and over character n-grams.

A unit (speaker turn, paragraph, sentence) becomes two blocks of TF-IDF features:

* **lemmas** — unigrams and bigrams of :func:`lemma_text` (``kvotama`` → ``kvota``,
  ``fines`` → ``fine``), so one inflected form teaches the model about the others;
* **character n-grams** — 3 to 5 characters inside word boundaries (scikit-learn's
  ``char_wb``) over :func:`normalise_for_features`, which still catch a stem the lemmatizer
  does not know (names, slang, typos, words typed without diacritics).

Both forms are folded (Latin script, lower case, no diacritics), so a Cyrillic unit and its
Latin transliteration have *identical* features. Each block is weighted as scikit-learn's
``TfidfVectorizer(sublinear_tf=True, min_df=2)`` weighs it (``1 + ln tf`` times the smoothed
idf, rows L2-normalised); ``tests/test_suggest_learned.py`` checks that against scikit-learn.

Why not simply ``TfidfVectorizer``: its ``char_wb`` analyzer cuts every word of every unit
into n-grams in Python, ~15 s for 50,000 units of 60 words. A ``char_wb`` n-gram never spans
two words, so the count vector of a unit is the sum of the count vectors of its
whitespace-separated chunks. Chunks repeat (a corpus of 3 million words has a few tens of
thousands of distinct chunks), so each distinct chunk is normalised, lemmatized and cut into
n-grams once — and cached for the process — and a sparse product
``units × chunks @ chunks × n-grams`` gives the counts (~1 s). Lemma bigrams are counted
with integer keys in numpy, without building bigram strings.
"""

from __future__ import annotations

import re
from array import array
from collections import defaultdict
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from itertools import chain, count
from typing import Any

import numpy as np

from qualcode.suggest.tfidf import (
    FloatArray,
    IntArray,
    Sparse,
    counts_matrix,
    document_frequency,
    empty_matrix,
    smoothed_idf,
    sparse,
    weigh,
    weigh_columns,
)
from qualcode.text.fold import fold
from qualcode.text.lemmas import lemma_language, lemmatize, surface_form

__all__ = [
    "CHAR_NGRAMS",
    "MIN_DF",
    "Blocks",
    "FeatureSpace",
    "Segments",
    "lemma_text",
    "normalise_for_features",
    "segment",
]

#: Character n-gram lengths (inside word boundaries, as scikit-learn's ``char_wb``).
CHAR_NGRAMS = (3, 5)
#: A feature must occur in at least this many training units: one unit cannot generalise.
MIN_DF = 2

#: scikit-learn's character n-grams inside word boundaries; the text is already folded.
_CHAR_OPTIONS: dict[str, Any] = {
    "analyzer": "char_wb",
    "ngram_range": CHAR_NGRAMS,
    "lowercase": False,
    "dtype": np.float32,
}
#: A token: a run of letters and digits (the rule of the search index's tokenizer).
_TOKEN = re.compile(r"[^\W_]+")
#: Distinct chunks kept in the per-process caches before they are emptied (bounded memory in
#: a long session; a new study's chunks are simply computed again).
_CACHE_LIMIT = 1_000_000


def normalise_for_features(text: str, language: str) -> str:
    """The folded tokens of ``text`` joined by single spaces: what character n-grams are cut from.

    ``"Дневна КВОТА, 2 pута!"`` and ``"Dnevna kvota, 2 puta!"`` both give
    ``"dnevna kvota 2 puta"``: Cyrillic becomes Latin, case and diacritics are folded
    (:func:`qualcode.text.fold.fold`), punctuation separates. ``language`` does not change
    the result (folding is the same for every language); it is accepted so that both feature
    functions are called alike.
    """
    del language
    return " ".join(_TOKEN.findall(fold(text)))


def lemma_text(text: str, language: str) -> str:
    """The folded lemmas of the tokens of ``text``, joined by single spaces.

    Serbian, Croatian and Bosnian (``sr``, ``sr-Cyrl``, ``hr``, ``bs``…) use simplemma's
    ``hbs`` dictionary and English ``en`` (:func:`qualcode.text.lemmas.lemma_language`);
    words are looked up in Latin script with their diacritics and folded afterwards, so both
    scripts give the same lemmas. A language without a lemmatizer (``und``) gives the folded
    tokens. Lemmas are cached per process.
    """
    code = lemma_language(language)
    return " ".join(chain.from_iterable(_chunk_lemmas(text.split(), code)))


# --- per-process caches ---------------------------------------------------------------------

#: chunk (a whitespace-free piece of text) -> its normalised tokens joined by spaces
_NORMAL: dict[str, str] = {}
#: lemmatizer language (None: no lemmatizer) -> chunk -> its folded lemma tokens
_CHUNK_LEMMAS: dict[str | None, dict[str, tuple[str, ...]]] = {}
#: lemmatizer language -> surface word -> folded lemma (what simplemma answered)
_WORD_LEMMAS: dict[str, dict[str, str]] = {}


def _bounded(cache: dict[Any, Any]) -> dict[Any, Any]:
    """``cache``, emptied first when it has grown past :data:`_CACHE_LIMIT` entries."""
    if len(cache) > _CACHE_LIMIT:
        cache.clear()
    return cache


def _chunk_normals(chunks: Iterable[str]) -> list[str]:
    """:func:`normalise_for_features` of each chunk, cached."""
    cache = _bounded(_NORMAL)
    result = []
    for chunk in chunks:
        normal = cache.get(chunk)
        if normal is None:
            normal = cache[chunk] = " ".join(_TOKEN.findall(fold(chunk)))
        result.append(normal)
    return result


def _chunk_lemmas(chunks: Sequence[str], code: str | None) -> list[tuple[str, ...]]:
    """Folded lemma tokens of each chunk; unknown chunks are lemmatized in one batch."""
    cache = _bounded(_CHUNK_LEMMAS.setdefault(code, {}))
    missing = sorted({chunk for chunk in chunks if chunk not in cache})
    if missing:
        # surface_form keeps "\n" and word boundaries, so one call serves every chunk.
        surfaces = [_TOKEN.findall(words) for words in surface_form("\n".join(missing)).split("\n")]
        if code is None:
            lemma_of: dict[str, str] = {}
        else:
            lemma_of = _bounded(_WORD_LEMMAS.setdefault(code, {}))
            unknown = sorted({word for words in surfaces for word in words} - lemma_of.keys())
            if unknown:
                lemma_of.update(lemmatize(unknown, code))
        for chunk, words in zip(missing, surfaces, strict=True):
            # A lemma is re-tokenized: simplemma may answer with a hyphen or an apostrophe.
            lemmas = (lemma_of.get(word) or fold(word) for word in words)
            cache[chunk] = tuple(token for lemma in lemmas for token in _TOKEN.findall(lemma))
    return [cache[chunk] for chunk in chunks]


# --- segmentation: units -> occurrences of distinct chunks ----------------------------------


@dataclass(frozen=True)
class Segments:
    """Units cut into whitespace-separated chunks, each distinct (chunk, lemmatizer) pair once.

    ``rows[i]`` is the unit of the i-th chunk occurrence (non-decreasing) and ``keys[i]``
    the index of its distinct chunk in ``normal`` / ``lemmas``.
    """

    units: int
    rows: IntArray
    keys: IntArray
    normal: list[str]
    lemmas: list[tuple[str, ...]]


def segment(texts: Sequence[str], languages: Sequence[str]) -> Segments:
    """Cut ``texts`` into chunks (the caller checked that the two sequences are equally long)."""
    next_key = count().__next__
    # One table per lemmatizer: the same chunk can have different lemmas in two languages. A
    # defaultdict that numbers new keys from a shared counter maps a whole unit in one C call.
    tables: dict[str | None, defaultdict[str, int]] = {}
    codes: dict[str, str | None] = {}
    keys = array("q")
    lengths = np.empty(len(texts), dtype=np.int64)
    for i, (text, language) in enumerate(zip(texts, languages, strict=True)):
        if language not in codes:
            codes[language] = lemma_language(language)
        code = codes[language]
        table = tables.get(code)
        if table is None:
            table = tables[code] = defaultdict(next_key)
        before = len(keys)
        keys.extend(map(table.__getitem__, text.split()))
        lengths[i] = len(keys) - before
    size = sum(len(table) for table in tables.values())
    normal: list[str] = [""] * size
    lemmas: list[tuple[str, ...]] = [()] * size
    for code, table in tables.items():
        chunks, ids = list(table), list(table.values())
        for key, norm, lemma in zip(ids, _chunk_normals(chunks), _chunk_lemmas(chunks, code), strict=True):
            normal[key], lemmas[key] = norm, lemma
    rows = np.repeat(np.arange(len(texts), dtype=np.int64), lengths)
    return Segments(len(texts), rows, np.frombuffer(keys, dtype=np.int64), normal, lemmas)


# --- feature space --------------------------------------------------------------------------


@dataclass(frozen=True)
class Blocks:
    """The two TF-IDF blocks of a set of units (float32, rows L2-normalised).

    CSR from :meth:`FeatureSpace.transform` (scoring goes unit by unit); CSC from
    :meth:`FeatureSpace.fit` (training selects features column by column).
    """

    lemma: Sparse
    char: Sparse


class FeatureSpace:
    """Fitted vocabularies and idf weights; turns :class:`Segments` into :class:`Blocks`.

    Columns of the lemma block: unigrams in alphabetical order, then bigrams in the order of
    their (first, second) unigram (:meth:`lemma_names` names them: ``"dnevni kvota"``).
    The two blocks are computed in two threads: most of the work is in numpy and scipy
    routines that release the interpreter lock.
    """

    def __init__(self, lemmas: _LemmaSpace, chars: _CharSpace) -> None:
        self._lemmas = lemmas
        self._chars = chars

    @property
    def lemma_size(self) -> int:
        """Number of lemma columns (they come first in the model's global column numbering)."""
        return len(self._lemmas.idf)

    @property
    def char_size(self) -> int:
        """Number of character n-gram columns."""
        return len(self._chars.idf)

    def lemma_names(self, columns: IntArray) -> list[str]:
        """Readable names of lemma columns: the lemma or the two lemmas of a bigram."""
        return self._lemmas.names(columns)

    @classmethod
    def fit(cls, segments: Segments) -> tuple[FeatureSpace, Blocks]:
        """Learn vocabularies (features in ≥ :data:`MIN_DF` units) and idf; return training blocks (CSC)."""
        with ThreadPoolExecutor(max_workers=2) as pool:
            lemma = pool.submit(_LemmaSpace.fit, segments)
            char = pool.submit(_CharSpace.fit, segments)
            (lemmas, lemma_block), (chars, char_block) = lemma.result(), char.result()
        return cls(lemmas, chars), Blocks(lemma_block, char_block)

    def transform(self, segments: Segments) -> Blocks:
        """TF-IDF blocks of new units; words and n-grams not seen in training are ignored."""
        with ThreadPoolExecutor(max_workers=2) as pool:
            lemma = pool.submit(self._lemmas.transform, segments)
            char = pool.submit(self._chars.transform, segments)
            return Blocks(lemma.result(), char.result())


class _LemmaSpace:
    """Lemma unigrams and bigrams: vocabulary and idf."""

    def __init__(self, unigrams: list[str], bigrams: IntArray, idf: FloatArray) -> None:
        self.unigrams = unigrams
        self.index = {lemma: i for i, lemma in enumerate(unigrams)}
        self.bigrams = bigrams  # sorted keys first * len(unigrams) + second
        self.idf = idf.astype(np.float32)

    @classmethod
    def fit(cls, segments: Segments) -> tuple[_LemmaSpace, Sparse]:
        """Vocabulary of unigrams and bigrams in ≥ :data:`MIN_DF` units, and the weighted block (CSC)."""
        sp = sparse()

        vocabulary = sorted(set(chain.from_iterable(segments.lemmas)))
        index = {lemma: i for i, lemma in enumerate(vocabulary)}
        rows, tokens = _expand(segments, [[index[t] for t in lemmas] for lemmas in segments.lemmas])
        size = len(vocabulary)
        unigrams = counts_matrix(rows, tokens, segments.units, size)
        brows, bkeys = _bigram_keys(rows, tokens, size)
        distinct, inverse = np.unique(bkeys, return_inverse=True)
        bigrams = counts_matrix(brows, inverse.astype(np.int64), segments.units, len(distinct))
        df, df_pairs = document_frequency(unigrams), document_frequency(bigrams)
        keep, keep_pairs = df >= MIN_DF, df_pairs >= MIN_DF
        remap = np.cumsum(keep) - 1
        frequent = distinct[keep_pairs]
        # A bigram in two units has both its words in two units, so both are kept; the remap
        # is increasing, so the keys stay sorted.
        keys = remap[frequent // max(size, 1)] * int(keep.sum()) + remap[frequent % max(size, 1)]
        counts = sp.hstack([unigrams[:, keep], bigrams[:, keep_pairs]], format="csr")
        kept = [lemma for lemma, k in zip(vocabulary, keep.tolist(), strict=True) if k]
        space = cls(
            kept, keys, smoothed_idf(np.concatenate([df[keep], df_pairs[keep_pairs]]), segments.units)
        )
        return space, weigh(counts, space.idf).tocsc()

    def transform(self, segments: Segments) -> Sparse:
        """The weighted lemma block of new units (CSR)."""
        ids = [[self.index.get(t, -1) for t in lemmas] for lemmas in segments.lemmas]
        rows, tokens = _expand(segments, ids)
        size = len(self.unigrams)
        brows, bkeys = _bigram_keys(rows, tokens, size)
        position = np.searchsorted(self.bigrams, bkeys)
        known = position < len(self.bigrams)
        known[known] = self.bigrams[position[known]] == bkeys[known]
        unigram = tokens >= 0
        counts = counts_matrix(
            np.concatenate([rows[unigram], brows[known]]),
            np.concatenate([tokens[unigram], size + position[known]]),
            segments.units,
            size + len(self.bigrams),
        )
        return weigh(counts, self.idf)

    def names(self, columns: IntArray) -> list[str]:
        """See :meth:`FeatureSpace.lemma_names`."""
        v = len(self.unigrams)
        names = []
        for column in columns.tolist():
            if column < v:
                names.append(self.unigrams[column])
            else:
                first, second = divmod(int(self.bigrams[column - v]), v)
                names.append(f"{self.unigrams[first]} {self.unigrams[second]}")
        return names


class _CharSpace:
    """Character n-grams: the fitted ``char_wb`` vectorizer, idf, and the n-grams of the chunks
    seen in training (a study's new units reuse most of them; cutting n-grams is the slow part).
    """

    def __init__(self, vectorizer: Any, idf: FloatArray, known: dict[str, int], ngrams: Sparse) -> None:
        self.vectorizer = vectorizer  # None when the training text had no n-gram at all
        self.idf = idf.astype(np.float32)
        self.known = known  # normalised chunk -> its row in ngrams
        self.ngrams = ngrams

    @classmethod
    def fit(cls, segments: Segments) -> tuple[_CharSpace, Sparse]:
        """Vocabulary of n-grams in ≥ :data:`MIN_DF` units, and the weighted block (CSC)."""
        from sklearn.feature_extraction.text import CountVectorizer

        nothing = (cls(None, np.zeros(0), {}, None), empty_matrix(segments.units, 0).tocsc())
        if not any(segments.normal):
            return nothing
        full = CountVectorizer(**_CHAR_OPTIONS)
        ngrams = full.fit_transform(segments.normal).astype(np.float32)
        # Training wants the features column by column (per-code selection), so the product
        # is computed transposed: n-grams × units in CSR is units × n-grams in CSC, and the
        # row-wise copy (300 MB for 50,000 units) is never made.
        chunks = counts_matrix(segments.keys, segments.rows, len(segments.normal), segments.units)
        counts = ngrams.T.tocsr() @ chunks
        df = np.diff(counts.indptr)
        keep = df >= MIN_DF
        if not keep.any():
            return nothing
        if not keep.all():
            # Pruning the small chunk × n-gram matrix and multiplying again is faster, and
            # lighter on memory, than pruning the product.
            del counts
            ngrams = ngrams[:, keep]
            counts = ngrams.T.tocsr() @ chunks
        vectorizer = CountVectorizer(**_CHAR_OPTIONS, vocabulary=full.get_feature_names_out()[keep].tolist())
        known = {normal: row for row, normal in reversed(list(enumerate(segments.normal)))}
        space = cls(vectorizer, smoothed_idf(df[keep], segments.units), known, ngrams)
        columns = sparse().csc_matrix((counts.data, counts.indices, counts.indptr), shape=counts.shape[::-1])
        return space, weigh_columns(columns, space.idf)

    def transform(self, segments: Segments) -> Sparse:
        """The weighted n-gram block of new units (CSR); only unseen chunks are cut anew."""
        sp = sparse()

        if self.vectorizer is None:
            return empty_matrix(segments.units, 0)
        rows = np.fromiter((self.known.get(normal, -1) for normal in segments.normal), dtype=np.int64)
        new = np.flatnonzero(rows < 0)
        ngrams = self.ngrams
        if len(new):
            unseen = self.vectorizer.transform([segments.normal[i] for i in new.tolist()])
            rows[new] = ngrams.shape[0] + np.arange(len(new))
            ngrams = sp.vstack([ngrams, unseen.astype(np.float32)], format="csr")
        return weigh(_chunk_units(segments) @ ngrams[rows], self.idf)


def _expand(segments: Segments, ids: list[list[int]]) -> tuple[IntArray, IntArray]:
    """Unit and token id of every lemma token, in text order (``ids`` = token ids per chunk)."""
    key_lengths = np.fromiter(map(len, ids), dtype=np.int64, count=len(ids))
    flat = np.fromiter(chain.from_iterable(ids), dtype=np.int64, count=int(key_lengths.sum()))
    key_starts = np.cumsum(key_lengths) - key_lengths
    lengths = key_lengths[segments.keys]
    total = int(lengths.sum())
    # Ragged gather: occurrence j contributes flat[key_starts[k_j] : key_starts[k_j] + lengths[j]].
    offsets = np.repeat(key_starts[segments.keys] - (np.cumsum(lengths) - lengths), lengths)
    return np.repeat(segments.rows, lengths), flat[offsets + np.arange(total, dtype=np.int64)]


def _bigram_keys(rows: IntArray, tokens: IntArray, size: int) -> tuple[IntArray, IntArray]:
    """Rows and keys (``first * size + second``) of adjacent known tokens within a unit."""
    valid = (rows[1:] == rows[:-1]) & (tokens[1:] >= 0) & (tokens[:-1] >= 0)
    return rows[1:][valid], tokens[:-1][valid] * size + tokens[1:][valid]


def _chunk_units(segments: Segments) -> Sparse:
    """Units × distinct chunks: how often each chunk occurs in each unit."""
    return counts_matrix(segments.rows, segments.keys, segments.units, len(segments.normal))
