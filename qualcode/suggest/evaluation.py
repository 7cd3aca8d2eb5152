"""Measuring suggestions against a coder's own codings.

Per code: precision, recall and F1 of the suggestions at score ≥ 0.5. Per unit: precision@k and
recall@k of the k best-scored codes against the unit's true codes (over units with at least one
true code). Over all (unit, code) decisions: Cohen's kappa between the suggestions and the coder.
The learned method is cross-validated: trained on k − 1 folds of units, scored on the held-out
fold, so it is never judged on units it learned from. Undefined figures are ``None``, not NaN.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field

THRESHOLD = 0.5


@dataclass(frozen=True)
class CodeScores:
    """One code's scores."""

    code: str
    support: int
    precision: float | None
    recall: float | None
    f1: float | None


@dataclass(frozen=True)
class MethodEvaluation:
    """One method's scores over the evaluated units."""

    method: str
    folds: int
    units: int
    per_code: list[CodeScores]
    micro_f1: float | None
    precision_at_k: float | None
    recall_at_k: float | None
    k: int
    kappa: float | None
    note: str = ""
    trained_codes: list[str] = field(default_factory=list)


def evaluate_predictions(
    method: str,
    labels: Sequence[set[str]],
    predicted: Sequence[dict[str, float]],
    codes: Sequence[str],
    *,
    folds: int = 0,
    k: int = 3,
    note: str = "",
) -> MethodEvaluation:
    """Score predicted {code: score} per unit against the true codes per unit."""
    from qualcode.agreement.statistics import cohen_kappa

    per_code = []
    total_tp = total_fp = total_fn = 0
    human: list[int] = []
    machine: list[int] = []
    for code in codes:
        tp = fp = fn = 0
        for truth, scores in zip(labels, predicted, strict=True):
            said = scores.get(code, 0.0) >= THRESHOLD
            real = code in truth
            tp += said and real
            fp += said and not real
            fn += real and not said
            human.append(int(real))
            machine.append(int(said))
        total_tp, total_fp, total_fn = total_tp + tp, total_fp + fp, total_fn + fn
        per_code.append(CodeScores(code, tp + fn, *_prf(tp, fp, fn)))
    precisions, recalls = [], []
    for truth, scores in zip(labels, predicted, strict=True):
        if not truth:
            continue
        top = [c for c, _ in sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))[:k]]
        hits = len(truth.intersection(top))
        precisions.append(hits / k)
        recalls.append(hits / len(truth))
    kappa = cohen_kappa([human, machine], confidence=None).value if human else None
    return MethodEvaluation(
        method=method,
        folds=folds,
        units=len(labels),
        per_code=per_code,
        micro_f1=_prf(total_tp, total_fp, total_fn)[2],
        precision_at_k=sum(precisions) / len(precisions) if precisions else None,
        recall_at_k=sum(recalls) / len(recalls) if recalls else None,
        k=k,
        kappa=kappa,
        note=note,
    )


def evaluate_learned(
    texts: Sequence[str],
    languages: Sequence[str],
    labels: Sequence[set[str]],
    *,
    folds: int = 5,
    seed: int = 0,
    min_examples: int = 5,
    k: int = 3,
) -> MethodEvaluation:
    """Cross-validated scores of the learned method (codes that can be trained in every fold)."""
    from qualcode.suggest.learned import train

    n = len(texts)
    folds = max(2, min(folds, n))
    order = list(range(n))
    random.Random(seed).shuffle(order)
    fold_of = {unit: i % folds for i, unit in enumerate(order)}
    predicted: list[dict[str, float]] = [{} for _ in range(n)]
    trained: set[str] = set()
    for fold in range(folds):
        train_idx = [i for i in range(n) if fold_of[i] != fold]
        test_idx = [i for i in range(n) if fold_of[i] == fold]
        model, report = train(
            [texts[i] for i in train_idx],
            [languages[i] for i in train_idx],
            [labels[i] for i in train_idx],
            min_examples=min_examples,
            seed=seed,
        )
        if model is None or not test_idx:
            continue
        trained.update(report.trained)
        for p in model.predict(
            [texts[i] for i in test_idx], [languages[i] for i in test_idx], min_probability=0.0
        ):
            predicted[test_idx[p.unit]][p.code] = p.probability
    codes = sorted({c for truth in labels for c in truth})
    note = (
        ""
        if trained
        else f"no code had {min_examples} coded units in the training folds: nothing was learned"
    )
    result = evaluate_predictions("learned", labels, predicted, codes, folds=folds, k=k, note=note)
    return MethodEvaluation(**{**result.__dict__, "trained_codes": sorted(trained)})


def _prf(tp: int, fp: int, fn: int) -> tuple[float | None, float | None, float | None]:
    precision = tp / (tp + fp) if tp + fp else None
    recall = tp / (tp + fn) if tp + fn else None
    if precision is None or recall is None:
        return precision, recall, None
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1
