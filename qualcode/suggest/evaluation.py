"""How good are code suggestions? Scores against human coding, and a cross-validated learned model.

:func:`evaluate_predictions` scores any method (learned, deductive…) from per-unit scores
``{code: score}`` against the codes people gave the same units:

* per code — precision, recall and F1 of the suggestions with score ≥ :data:`THRESHOLD`;
* micro F1 — over every (unit, code) decision of the codes scored;
* precision@k and recall@k — per unit, the k codes with the highest scores against the
  unit's codes (precision divides by k, recall by the number of true codes), averaged over
  the units that have at least one of the codes;
* Cohen's kappa — between the suggestions (score ≥ :data:`THRESHOLD`) and the human decisions,
  over every (unit, code) pair, as :func:`qualcode.agreement.statistics.cohen_kappa`.

A value that is undefined is ``None``, never NaN: precision when nothing was suggested,
recall when no unit has the code, kappa when neither side varies.

:func:`evaluate_learned` measures the learned model honestly: the units are split into K
folds (every code spread evenly over them, seeded), a model is trained on K − 1 folds and
scores the held-out fold, so every unit is scored by a model that never saw it.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from qualcode.suggest.deductive import CodeEvidence
from qualcode.suggest.fitting import BoolArray, assign_folds
from qualcode.suggest.learned import SuggestInputError, train
from qualcode.suggest.tfidf import FloatArray

__all__ = ["THRESHOLD", "CodeScores", "MethodEvaluation", "evaluate_learned", "evaluate_predictions"]

#: A code counts as suggested when its score is at least this.
THRESHOLD = 0.5


@dataclass(frozen=True)
class CodeScores:
    """Suggestions of one code against the human coding; ``support``: units people gave it."""

    code: str
    support: int
    precision: float | None
    recall: float | None
    f1: float | None


@dataclass(frozen=True)
class MethodEvaluation:
    """Scores of one suggestion method; ``folds`` is 0 when the scores were not cross-validated.

    ``note`` says what was left out or why nothing could be scored (``""`` when nothing);
    ``trained_codes`` are the codes a trained method learned in at least one fold (empty for
    methods that need no training).
    """

    method: str
    folds: int
    units: int
    per_code: list[CodeScores]
    micro_f1: float | None
    precision_at_k: float | None
    recall_at_k: float | None
    k: int
    kappa: float | None
    note: str = field(default="")
    trained_codes: list[str] = field(default_factory=list)


def evaluate_predictions(
    method: str,
    labels: Sequence[set[str]],
    predicted: Sequence[Mapping[str, float]],
    codes: Sequence[str],
    *,
    folds: int = 0,
    k: int = 3,
) -> MethodEvaluation:
    """Score ``predicted[i]`` (code → score for unit i) against ``labels[i]`` over ``codes``.

    Codes missing from a unit's scores count as score 0 and are not ranked for that unit.
    Codes outside ``codes`` are ignored on both sides.
    """
    if len(labels) != len(predicted):
        raise SuggestInputError(
            f"Give one set of scores per unit: {len(labels)} units have labels, {len(predicted)} have scores."
        )
    if k < 1 or folds < 0:
        raise SuggestInputError(f"k must be ≥ 1 and folds ≥ 0; got k={k}, folds={folds}.")
    codes = list(dict.fromkeys(codes))
    if not codes or not labels:
        nothing = "no codes to score" if not codes else "no units to score"
        return MethodEvaluation(
            method, folds, len(labels), [], None, None, None, k, None, f"Nothing scored: {nothing}."
        )
    truth = np.array([[code in unit for code in codes] for unit in labels], dtype=bool)
    scores = np.array([[unit.get(code, 0.0) for code in codes] for unit in predicted], dtype=np.float64)
    suggested = scores >= THRESHOLD
    per_code = [_code_scores(code, truth[:, j], suggested[:, j]) for j, code in enumerate(codes)]
    tp = int((truth & suggested).sum())
    wrong = int((truth ^ suggested).sum())
    micro = 2 * tp / (2 * tp + wrong) if tp + wrong else None
    ranked = [[code for code in codes if code in unit] for unit in predicted]
    at_k = _at_k(truth, scores, ranked, codes, k)
    return MethodEvaluation(method, folds, len(labels), per_code, micro, *at_k, k, _kappa(truth, suggested))


def _ratio(numerator: int, denominator: int) -> float | None:
    """``numerator / denominator``, or None when the denominator is 0."""
    return numerator / denominator if denominator else None


def _code_scores(code: str, truth: BoolArray, suggested: BoolArray) -> CodeScores:
    """Precision, recall and F1 of one code's suggestions."""
    tp = int((truth & suggested).sum())
    fp = int((~truth & suggested).sum())
    fn = int((truth & ~suggested).sum())
    # F1 = 2TP / (2TP + FP + FN) is defined whenever anything was suggested or expected, so a
    # code nobody suggested but people used scores 0, not "undefined".
    return CodeScores(
        code, tp + fn, _ratio(tp, tp + fp), _ratio(tp, tp + fn), _ratio(2 * tp, 2 * tp + fp + fn)
    )


def _at_k(
    truth: BoolArray, scores: FloatArray, ranked: list[list[str]], codes: list[str], k: int
) -> tuple[float | None, float | None]:
    """Mean precision@k and recall@k over the units with at least one true code."""
    column = {code: j for j, code in enumerate(codes)}
    precisions, recalls = [], []
    for unit in np.flatnonzero(truth.any(axis=1)).tolist():
        # Highest score first; equal scores in the order of ``codes`` (a stable sort).
        order = sorted((column[code] for code in ranked[unit]), key=lambda j: -scores[unit, j])[:k]
        hits = int(truth[unit, order].sum()) if order else 0
        precisions.append(hits / k)
        recalls.append(hits / int(truth[unit].sum()))
    if not precisions:
        return None, None
    return float(np.mean(precisions)), float(np.mean(recalls))


def _kappa(truth: BoolArray, suggested: BoolArray) -> float | None:
    """Cohen's kappa between people and suggestions over every (unit, code) pair."""
    from qualcode.agreement.statistics import cohen_kappa

    # Two "coders" (people, suggestions) over every (unit, code) pair; 0/1 as numbers.
    data = np.stack([truth.ravel(), suggested.ravel()]).astype(np.float64)
    return cohen_kappa(data, confidence=None).value


def evaluate_learned(
    texts: Sequence[str],
    languages: Sequence[str],
    labels: Sequence[set[str]],
    *,
    folds: int = 5,
    seed: int = 0,
    min_examples: int = 5,
    k: int = 3,
    evidence: Sequence[CodeEvidence] = (),
) -> MethodEvaluation:
    """Cross-validated scores of :func:`qualcode.suggest.learned.train` on coded units.

    ``evidence``: the codebook's words per code, which the model uses as one more feature
    (as :func:`qualcode.suggest.workflow.suggest_codes` does).

    Codes with at least ``min_examples`` units (and not on every unit) are scored — the
    others cannot be learned at all, and the note names them. A code whose training folds
    fall below ``min_examples`` is simply not suggested in that fold, which counts against
    its recall: the measure is of what a user would get.
    """
    if not len(texts) == len(languages) == len(labels):
        raise SuggestInputError(
            f"Give one entry per unit in each sequence; got texts: {len(texts)}, "
            f"languages: {len(languages)}, labels: {len(labels)}."
        )
    if folds < 2 or k < 1 or min_examples < 1 or seed < 0:
        raise SuggestInputError(
            f"folds must be ≥ 2, k and min_examples ≥ 1, seed ≥ 0; got {folds}, {k}, {min_examples}, {seed}."
        )
    counts = Counter(code for unit in labels for code in set(unit))
    codes = sorted(code for code, n in counts.items() if min_examples <= n < len(labels))
    left_out = sorted(set(counts) - set(codes))
    empty = MethodEvaluation("learned", folds, len(labels), [], None, None, None, k, None)
    if not codes:
        reason = "no unit has a code yet" if not counts else f"no code has {min_examples} or more units"
        return dataclasses.replace(empty, note=f"Nothing to evaluate: {reason} (and some units without it).")
    if len(labels) < folds:
        return dataclasses.replace(
            empty, note=f"Nothing to evaluate: {len(labels)} units cannot fill {folds} folds."
        )
    y = np.array([[code in unit for code in codes] for unit in labels], dtype=bool)
    fold_of = assign_folds(y, folds, seed)
    predicted: list[dict[str, float]] = [{} for _ in labels]
    missing: Counter[str] = Counter()
    learned: set[str] = set()
    for f in range(folds):
        held, kept = np.flatnonzero(fold_of == f).tolist(), np.flatnonzero(fold_of != f).tolist()
        model, _ = train(
            [texts[i] for i in kept],
            [languages[i] for i in kept],
            [labels[i] for i in kept],
            min_examples=min_examples,
            seed=seed,
            evidence=evidence,
        )
        missing.update(code for code in codes if model is None or code not in model.codes)
        if model is not None:
            learned.update(model.codes)
            scores = model.scores([texts[i] for i in held], [languages[i] for i in held])
            for unit, unit_scores in zip(held, scores, strict=True):
                predicted[unit] = unit_scores
    result = evaluate_predictions("learned", labels, predicted, codes, folds=folds, k=k)
    note = _evaluation_note(left_out, missing, folds, min_examples)
    return dataclasses.replace(result, note=note, trained_codes=sorted(learned))


def _evaluation_note(left_out: list[str], missing: Counter[str], folds: int, minimum: int) -> str:
    """What the cross-validation could not score or learn."""
    parts = []
    if left_out:
        parts.append(f"Not scored (fewer than {minimum} units, or on every unit): {', '.join(left_out)}.")
    if missing:
        listed = ", ".join(f"{code} ({n} of {folds})" for code, n in sorted(missing.items()))
        parts.append(f"Not learned in some folds (too few units in the training part): {listed}.")
    return " ".join(parts)
