"""Learned code suggestions: one calibrated logistic regression per code, trained on coded units.

**Data.** Every unit given to :func:`train` counts as *reviewed*: a unit without a code is a
negative example for every code, a unit with codes a positive example for each of them and a
negative one for the others. A code is learned when it has at least ``min_examples`` units
and at least one unit without it.

**Model** (one per code, multi-label one-vs-rest):

* features — TF-IDF over lemma unigrams and bigrams plus character 3–5-grams inside word
  boundaries, both over folded text, so Serbian Cyrillic and Latin give identical features
  (:mod:`qualcode.suggest.features`);
* feature selection — the :data:`FEATURES_PER_CODE` features with the highest χ² association
  with the code (scikit-learn's ``chi2``; features with χ² = 0 are never chosen). A unit of
  60 words has ~700 distinct character n-grams: fitting 40 codes × 3 folds over all of them
  does not fit a 10-second budget for a 50,000-unit study, while a few hundred well-chosen
  features per code lose nothing measurable (held-out micro-F1 0.920 with 500 features,
  0.919 with 1,000 and 0.920 with 300 on a synthetic 50,000-unit study);
* classifier — ``LogisticRegression(solver="liblinear", class_weight="balanced")``: codes are
  rare (a few per cent of units) and balanced weights keep them from being ignored. A study
  with many more units without a code than with it fits on all units with the code and a
  seeded sample of the others (:func:`_fit_rows`); small studies use every unit;
* calibration — when each of :data:`CALIBRATION_FOLDS` folds holds at least
  :data:`CALIBRATION_MIN` units with and without the code, what scikit-learn's
  ``CalibratedClassifierCV(method="sigmoid", cv=3)`` does with its default ``ensemble=True``:
  for each fold a model (selection and regression) is fitted on the other two folds and
  Platt's sigmoid on *all* of the held-out fold; the probability is the mean of the three
  calibrated probabilities. Selection inside the folds keeps the held-out fold unseen, so
  the sigmoid is fitted on honest scores. With fewer examples a sigmoid cannot be fitted
  reliably and the probability is the logistic one of a single model on all units (the
  report says which). The sigmoid is fitted here (Lin, Lin & Weng 2007, Newton's method)
  rather than by ``CalibratedClassifierCV``, whose SciPy optimiser holds the interpreter lock
  for ~0.1 s per fold — 12 s for 40 codes; the tests check that the two agree to 1e-5.

Codes are fitted in parallel threads (liblinear releases the interpreter lock). Everything is
seeded: the same units, codes and seed give the same model, version and predictions.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from qualcode.errors import QualcodeError
from qualcode.suggest import features
from qualcode.suggest.deductive import CodeEvidence, deductive_matches, deductive_scores
from qualcode.suggest.features import Blocks, FeatureSpace, segment
from qualcode.suggest.fitting import (
    CALIBRATION_FOLDS,
    CALIBRATION_MIN,
    FEATURES_PER_CODE,
    MIN_NEGATIVES,
    NEGATIVE_RATIO,
    REGULARISATION,
    Design,
    Member,
    assign_folds,
    fit_codes,
)
from qualcode.suggest.tfidf import FloatArray, IntArray, Sparse, sparse

__all__ = [
    "CALIBRATION_FOLDS",
    "CALIBRATION_MIN",
    "FEATURES_PER_CODE",
    "MAX_REASONS",
    "MODEL",
    "CodeSuggester",
    "Prediction",
    "SuggestInputError",
    "TrainingReport",
    "assign_folds",
    "train",
]

#: Name of the method and of its algorithm version; part of every model version.
MODEL = "learned-2"
#: Units scored at a time: bounds the memory of scoring (~60 MB per 8,192 units of 60 words).
BATCH = 8192
#: Reasons given per prediction.
MAX_REASONS = 5

#: One scored batch: first unit, probabilities (units × codes), features, the batch's texts and languages.
_Batch = tuple[int, FloatArray, Blocks, Sequence[str], Sequence[str]]


class SuggestInputError(QualcodeError):
    """The caller passed inconsistent input (sequences of different lengths, a bad option)."""


@dataclass(frozen=True)
class TrainingReport:
    """What :func:`train` did.

    ``codes``: every code found in the labels (sorted); ``trained``: the codes the model
    suggests; ``too_few``: code → number of units with it, for codes below ``min_examples``;
    ``examples``: units given; ``model_version``: the model's version (``""`` when no model);
    ``calibration``: code → how its probabilities are calibrated; ``all_positive``: codes on
    every unit (nothing to tell them from); ``note``: a sentence for people.
    """

    codes: list[str]
    trained: list[str]
    too_few: dict[str, int]
    examples: int
    model_version: str
    calibration: dict[str, str] = field(default_factory=dict)
    all_positive: list[str] = field(default_factory=list)
    note: str = ""


@dataclass(frozen=True)
class Prediction:
    """A suggested code for unit ``unit`` (an index into the texts given to ``predict``).

    ``reason``: the lemmas (or lemma pairs) of the unit that pushed hardest toward the code,
    best first, at most :data:`MAX_REASONS`; empty when only character n-grams spoke.
    """

    unit: int
    code: str
    probability: float
    reason: list[str]


class CodeSuggester:
    """A trained model: probabilities, suggestions and an active-learning order for new units."""

    def __init__(
        self,
        version: str,
        codes: list[str],
        space: FeatureSpace,
        members: list[list[Member]],
        evidence: Sequence[CodeEvidence | None] = (),
    ):
        from qualcode.suggest.stopwords import stop_words

        sp = sparse()
        #: ``learned-2:`` and 12 hex digits of the hash of training data and parameters.
        self.version = version
        #: The codes this model suggests, sorted.
        self.codes = codes
        self._space = space
        self._members = members
        flat = [(code, member) for code, group in enumerate(members) for member in group]
        rows = np.concatenate([m.columns for _, m in flat])
        cols = np.repeat(np.arange(len(flat)), [len(m.columns) for _, m in flat])
        values = np.concatenate([m.coef for _, m in flat])
        lemma = rows < space.lemma_size
        shape_l, shape_c = (space.lemma_size, len(flat)), (space.char_size, len(flat))
        # float32 like the features: scipy would otherwise copy the features to float64 (300 MB
        # for 50,000 units); decisions then carry ~1e-6 relative rounding, far below any use.
        weights = values.astype(np.float32)
        self._lemma = sp.csr_matrix((weights[lemma], (rows[lemma], cols[lemma])), shape_l)
        self._char = sp.csr_matrix(
            (weights[~lemma], (rows[~lemma] - space.lemma_size, cols[~lemma])), shape_c
        )
        self._intercept = np.array([m.intercept for _, m in flat])
        #: Each code's deductive evidence (None: the codebook gives it no words).
        self._evidence = list(evidence) or [None] * len(codes)
        self._owner = np.array([code for code, _ in flat], dtype=np.int64)
        self._prior_coef = np.array([m.prior_coef for _, m in flat])
        self._slope = np.array([m.slope for _, m in flat])
        self._offset = np.array([m.offset for _, m in flat])
        # members -> codes: the mean of each code's members' probabilities
        self._mean = np.zeros((len(flat), len(codes)))
        owner = np.array([code for code, _ in flat], dtype=np.int64)
        self._mean[np.arange(len(flat)), owner] = 1.0 / np.bincount(owner, minlength=len(codes))[owner]
        self._trusts_codebook = (self._prior_coef @ self._mean) > 0  # per code
        # Reasons: the lemma columns' mean coefficient per code, stop words left out.
        coef = np.asarray(self._lemma.astype(np.float64) @ self._mean)  # lemma columns × codes
        useful = np.flatnonzero(np.any(coef > 0, axis=1))
        stops = stop_words(["sr", "en"])
        useful = useful[[not stops.issuperset(name.split()) for name in space.lemma_names(useful)]]
        self._reason_row = np.full(space.lemma_size, -1, dtype=np.int64)
        self._reason_row[useful] = np.arange(len(useful))
        self._reason_coef = coef[useful]

    def scores(self, texts: Sequence[str], languages: Sequence[str]) -> list[dict[str, float]]:
        """Probability of every code for every unit: ``[{code: probability}, …]``."""
        return [
            dict(zip(self.codes, row, strict=True))
            for _, probabilities, *_ in self._batches(texts, languages)
            for row in probabilities.tolist()
        ]

    def predict(
        self, texts: Sequence[str], languages: Sequence[str], *, min_probability: float = 0.5
    ) -> list[Prediction]:
        """Suggestions with probability ≥ ``min_probability``, by unit, most probable code first."""
        return self._predict(self._batches(texts, languages), min_probability)

    def predict_and_order(
        self, texts: Sequence[str], languages: Sequence[str], *, min_probability: float = 0.5
    ) -> tuple[list[Prediction], list[int]]:
        """:meth:`predict` and :meth:`uncertainty_order` from one scoring pass over the units."""
        kept: list[FloatArray] = []
        predictions = self._predict(_keeping(self._batches(texts, languages), kept), min_probability)
        return predictions, _uncertainty_order(kept)

    def uncertainty_order(self, texts: Sequence[str], languages: Sequence[str]) -> list[int]:
        """Unit indices, the most informative to code next first.

        Margin sampling over the per-code decisions: a unit comes first when one of its codes
        has a probability closest to 0.5 (``min |p − 0.5|``); ties go to the unit whose
        decisions are more uncertain overall (larger summed binary entropy), then to the
        lower index.
        """
        return _uncertainty_order([probabilities for _, probabilities, *_ in self._batches(texts, languages)])

    def _predict(self, batches: Iterable[_Batch], min_probability: float) -> list[Prediction]:
        if not 0.0 <= min_probability <= 1.0:
            raise SuggestInputError(f"min_probability must be between 0 and 1; got {min_probability}.")
        predictions: list[Prediction] = []
        for start, probabilities, blocks, texts, languages in batches:
            units, codes = np.nonzero(probabilities >= min_probability)
            chosen = probabilities[units, codes]
            order = np.lexsort((codes, -chosen, units))
            units, codes, chosen = units[order], codes[order], chosen[order]
            learned = self._reasons(blocks.lemma, units, codes)
            trusted = [
                (u, c)
                for u, c in zip(units.tolist(), codes.tolist(), strict=True)
                if self._trusts_codebook[c]
            ]
            words = _codebook_words(texts, languages, trusted, self._evidence)
            reasons = [
                # The codebook's words first (when the model trusts them), then the learned ones.
                list(dict.fromkeys(words.get((u, c), []) + r))
                for u, c, r in zip(units.tolist(), codes.tolist(), learned, strict=True)
            ]
            predictions.extend(
                Prediction(start + u, self.codes[c], p, r[:MAX_REASONS])
                for u, c, p, r in zip(units.tolist(), codes.tolist(), chosen.tolist(), reasons, strict=True)
            )
        return predictions

    def _batches(self, texts: Sequence[str], languages: Sequence[str]) -> Iterator[_Batch]:
        """Consecutive batches of units: (first unit, probabilities units × codes, features, texts,
        languages).

        Batches bound the memory of scoring any number of units (a unit's scores do not
        depend on the other units of its batch).
        """
        _check_lengths(texts=texts, languages=languages)
        for start in range(0, len(texts), BATCH):
            end = start + BATCH
            blocks = self._space.transform(segment(texts[start:end], languages[start:end]))
            decision = (blocks.lemma @ self._lemma + blocks.char @ self._char).toarray().astype(np.float64)
            prior = _prior(texts[start:end], languages[start:end], self._evidence)
            if prior is not None:
                decision += prior[:, self._owner] * self._prior_coef
            member = _sigmoid(self._slope * (decision + self._intercept) + self._offset)
            yield start, member @ self._mean, blocks, texts[start:end], languages[start:end]

    def _reasons(self, lemma: Sparse, units: IntArray, codes: IntArray) -> list[list[str]]:
        """The lemma features of each (unit, code) with the largest positive coefficient × tf-idf."""
        starts = lemma.indptr[units]
        lengths = lemma.indptr[units + 1] - starts
        pair = np.repeat(np.arange(len(units)), lengths)
        entries = np.repeat(starts - (np.cumsum(lengths) - lengths), lengths) + np.arange(len(pair))
        columns = lemma.indices[entries].astype(np.int64)
        row = self._reason_row[columns]
        known = row >= 0
        pair, columns = pair[known], columns[known]
        contribution = lemma.data[entries][known] * self._reason_coef[row[known], codes[pair]]
        positive = contribution > 0
        pair, columns, contribution = pair[positive], columns[positive], contribution[positive]
        # Stable sort, and entries come in column order: ties go to the alphabetically first lemma.
        order = np.lexsort((-contribution, pair))
        pair, columns = pair[order], columns[order]
        first = np.searchsorted(pair, pair)  # start of each pair's run
        best = np.arange(len(pair)) - first < MAX_REASONS
        reasons: list[list[str]] = [[] for _ in range(len(units))]
        for p, name in zip(pair[best].tolist(), self._space.lemma_names(columns[best]), strict=True):
            reasons[p].append(name)
        return reasons


def _keeping(batches: Iterator[_Batch], kept: list[FloatArray]) -> Iterator[_Batch]:
    """The batches, unchanged, keeping each one's probabilities in ``kept`` on the way."""
    for batch in batches:
        kept.append(batch[1])
        yield batch


def _uncertainty_order(batches: list[FloatArray]) -> list[int]:
    """See :meth:`CodeSuggester.uncertainty_order`."""
    if not batches:
        return []
    p = np.clip(np.concatenate(batches), 1e-12, 1 - 1e-12)
    margin = np.abs(p - 0.5).min(axis=1)
    entropy = -(p * np.log(p) + (1 - p) * np.log1p(-p)).sum(axis=1)
    order: IntArray = np.lexsort((np.arange(len(p)), -entropy, margin))
    return [int(unit) for unit in order]


def _prior(
    texts: Sequence[str], languages: Sequence[str], evidence: Sequence[CodeEvidence | None]
) -> FloatArray | None:
    """Deductive scores (units × codes, 0 for a code without evidence), or None when no code has any."""
    given = [(j, e) for j, e in enumerate(evidence) if e is not None]
    if not given:
        return None
    prior = np.zeros((len(texts), len(evidence)))
    if texts:
        scores = deductive_scores(list(zip(texts, languages, strict=True)), [e for _, e in given])
        prior[:, [j for j, _ in given]] = np.array(scores)
    return prior


def _codebook_words(
    texts: Sequence[str],
    languages: Sequence[str],
    pairs: list[tuple[int, int]],
    evidence: Sequence[CodeEvidence | None],
) -> dict[tuple[int, int], list[str]]:
    """The codebook words found for each (unit, code) pair: the reasons, for the few units suggested."""
    words: dict[tuple[int, int], list[str]] = {}
    for unit in sorted({u for u, _ in pairs}):
        wanted = [c for u, c in pairs if u == unit]
        codes = [evidence[c] for c in wanted]
        given = [(c, e) for c, e in zip(wanted, codes, strict=True) if e is not None]
        matches = deductive_matches([(texts[unit], languages[unit])], [e for _, e in given], min_score=0.0)
        column = {e.code: c for c, e in given}
        for match in matches:
            words[(unit, column[match.code])] = match.reason
    return words


def _sigmoid(x: FloatArray) -> FloatArray:
    """``1 / (1 + exp(x))`` without overflow warnings (Platt's sign convention)."""
    return np.exp(-np.logaddexp(0.0, x))


def _check_lengths(**sequences: Sequence[Any]) -> None:
    """Raise :class:`SuggestInputError` unless the sequences are equally long."""
    sizes = {name: len(values) for name, values in sequences.items()}
    if len(set(sizes.values())) > 1:
        listed = ", ".join(f"{name}: {size}" for name, size in sizes.items())
        raise SuggestInputError(f"Give one entry per unit in each sequence; got {listed}.")


def train(
    texts: Sequence[str],
    languages: Sequence[str],
    labels: Sequence[set[str]],
    *,
    min_examples: int = 5,
    seed: int = 0,
    evidence: Sequence[CodeEvidence] = (),
) -> tuple[CodeSuggester | None, TrainingReport]:
    """Learn every code with at least ``min_examples`` units from the coded units given.

    ``texts[i]`` is a unit, ``languages[i]`` its language tag (``sr-Latn``, ``sr-Cyrl``,
    ``hr``, ``bs``, ``en``…) and ``labels[i]`` its codes (an empty set: reviewed, no code).
    Returns ``(None, report)`` when no code can be learned; the report says why. Raises
    :class:`SuggestInputError` only for caller mistakes (sequences of different lengths,
    ``min_examples`` < 1, a negative seed).
    """
    _check_lengths(texts=texts, languages=languages, labels=labels)
    if min_examples < 1 or seed < 0:
        raise SuggestInputError(f"min_examples must be ≥ 1 and seed ≥ 0; got {min_examples} and {seed}.")
    counts = Counter(code for codes in labels for code in set(codes))
    codes = sorted(counts)
    too_few = {code: counts[code] for code in codes if counts[code] < min_examples}
    everywhere = [code for code in codes if code not in too_few and counts[code] == len(texts)]
    trainable = [code for code in codes if code not in too_few and code not in everywhere]
    note = _note(len(texts), codes, too_few, everywhere, min_examples)
    if not trainable:
        return None, TrainingReport(codes, [], too_few, len(texts), "", {}, everywhere, note)
    y = np.array([[code in unit for code in trainable] for unit in labels], dtype=bool)
    folds = assign_folds(y, CALIBRATION_FOLDS, seed)
    held_out = np.stack(
        [np.bincount(folds, weights=y[:, j], minlength=CALIBRATION_FOLDS) for j in range(len(trainable))]
    )
    fold_sizes = np.bincount(folds, minlength=CALIBRATION_FOLDS)
    calibrated = [
        bool((h >= CALIBRATION_MIN).all() and (fold_sizes - h >= CALIBRATION_MIN).all()) for h in held_out
    ]
    known = {e.code: e for e in evidence}
    code_evidence = [known.get(code) for code in trainable]
    prior = _prior(texts, languages, code_evidence)
    space, blocks = FeatureSpace.fit(segment(texts, languages))
    members = fit_codes(Design.build(blocks, y, folds), y, folds, calibrated, seed, prior)
    del blocks  # ~300 MB for 50,000 units: free it before the model is built
    version = _version(texts, languages, labels, min_examples, seed, code_evidence)
    calibration = {
        code: (
            f"sigmoid (Platt), {CALIBRATION_FOLDS}-fold cross-validation"
            if ok
            else f"none (logistic probability): fewer than {CALIBRATION_MIN} units with and "
            f"without the code in each of {CALIBRATION_FOLDS} folds"
        )
        for code, ok in zip(trainable, calibrated, strict=True)
    }
    report = TrainingReport(codes, trainable, too_few, len(texts), version, calibration, everywhere, note)
    return CodeSuggester(version, trainable, space, members, code_evidence), report


def _note(units: int, codes: list[str], too_few: dict[str, int], everywhere: list[str], minimum: int) -> str:
    """The report's sentence for people: what was learned, what was not and what to do."""
    if units == 0 or not codes:
        return (
            f"No unit has a code yet: code at least {minimum} units with each code you want "
            "suggested (and review some units that do not have it), then train again."
        )
    parts = []
    if too_few:
        listed = ", ".join(f"{code} ({n})" for code, n in too_few.items())
        parts.append(f"Not learned, fewer than {minimum} coded units: {listed}; code more units with them.")
    if everywhere:
        parts.append(
            f"Not learned, on every unit given: {', '.join(everywhere)}; include reviewed units "
            "without these codes so the model can tell them apart."
        )
    learned = len(codes) - len(too_few) - len(everywhere)
    return " ".join([f"Learned {learned} of {len(codes)} codes from {units} units.", *parts])


def _version(
    texts: Sequence[str],
    languages: Sequence[str],
    labels: Sequence[set[str]],
    minimum: int,
    seed: int,
    evidence: Sequence[CodeEvidence | None],
) -> str:
    """``learned-2:`` and the first 12 hex digits of a SHA-256 of the data and parameters."""
    import sklearn

    digest = hashlib.sha256()
    parameters = (
        MODEL, sklearn.__version__, minimum, seed, FEATURES_PER_CODE, CALIBRATION_FOLDS,
        CALIBRATION_MIN, REGULARISATION, NEGATIVE_RATIO, MIN_NEGATIVES, features.CHAR_NGRAMS,
        features.MIN_DF,
    )  # fmt: skip
    digest.update(repr(parameters).encode())
    digest.update(repr([(e.keywords, sorted(e.definition_words)) if e else None for e in evidence]).encode())
    for text, language, codes in zip(texts, languages, labels, strict=True):
        record = "\x1f".join([text, language, *sorted(codes)]) + "\x1e"
        digest.update(record.encode("utf-8", "surrogatepass"))
    return f"{MODEL}:{digest.hexdigest()[:12]}"
