"""Krippendorff's alpha (Krippendorff 2011) at the nominal, ordinal, interval and ratio levels."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence

import numpy as np

from qualcode.agreement.bootstrap import (
    _NAN,
    _agreeing_pairs,
    _check_bootstrap,
    _counts,
    _Evaluation,
    _Evaluator,
    _finish,
    _Patterns,
    _patterns,
)
from qualcode.agreement.reliability import (
    _NO_ORDER,
    AgreementInputError,
    AgreementResult,
    FloatArray,
    IntArray,
    ReliabilityData,
    _Coded,
    _early_reason,
    _encode,
    _no_variation,
    _numbers,
    _ordered,
    _undefined,
    _units,
)

_LEVELS = ("nominal", "ordinal", "interval", "ratio")
# Ratio alpha's V × V distances are built in row blocks of at most this many cells (32 MB).
_RATIO_CELLS = 4_000_000


def _alpha(observed: float, expected: float) -> _Evaluation:
    """1 − Do/De; NaN if rounding ever left De at 0 (values equal to the last bit)."""
    if expected <= 0:
        return _NAN, _NAN, _NAN
    return 1 - observed / expected, observed, expected


# --------------------------------------------------------------------------------------------
# Krippendorff's alpha


def _alpha_evaluator(patterns: _Patterns, level: str, per_code: FloatArray | IntArray) -> _Evaluator:
    """``per_code``: numeric value (interval, ratio), rank (ordinal) or unused (nominal)."""
    if level == "ordinal":
        return _ordinal_evaluator(patterns, per_code.astype(np.int64))
    if level == "interval":
        return _interval_evaluator(patterns, per_code.astype(np.float64))
    m = patterns.m
    size = int(per_code.size)
    values = per_code.astype(np.float64)
    if level == "nominal":
        unit_disagreement = m - _agreeing_pairs(patterns.columns) / (m - 1)
    else:
        unit_disagreement = _ratio_spread(patterns, values)

    def evaluate(counts: FloatArray) -> _Evaluation:
        n_k = _counts(patterns, counts, size)
        if np.count_nonzero(n_k) < 2:
            return _NAN, _NAN, _NAN
        n = float(n_k.sum())
        do = float(counts @ unit_disagreement) / n
        if level == "nominal":
            de = (n * n - float(n_k @ n_k)) / (n * (n - 1))
        else:
            de = _ratio_expected(n_k, values) / (n * (n - 1))
        return _alpha(do, de)

    return evaluate


def _interval_evaluator(patterns: _Patterns, values: FloatArray) -> _Evaluator:
    # Everything is a per-pattern sum, so an evaluation costs O(patterns) and never builds an
    # array over the distinct values (continuous data may have as many as there are values).
    m, freq = patterns.m, patterns.freq
    spread, sums = _spread_and_sums(patterns, values[patterns.entry_code])
    unit_disagreement = 2 * m * spread / (m - 1)
    # values centred on their mean, per pattern: Σy and Σy² = spread + m·(unit mean − mean)²
    shift = sums / m - float(freq @ sums) / float(freq @ m)
    sum_y, sum_y2 = m * shift, spread + m * shift * shift
    single = _single_value(patterns)

    def evaluate(counts: FloatArray) -> _Evaluation:
        if counts is not freq and single(counts):  # the full sample was checked before
            return _NAN, _NAN, _NAN
        n = float(counts @ m)
        do = float(counts @ unit_disagreement) / n
        # Σ_c Σ_k n_c n_k (x_c − x_k)² / (n(n − 1)) = 2 Σ_values (x − x̄)² / (n − 1)
        total = float(counts @ sum_y)
        de = 2 * (float(counts @ sum_y2) - total * total / n) / (n - 1)
        return _alpha(do, de)

    return evaluate


def _single_value(patterns: _Patterns) -> Callable[[FloatArray], bool]:
    """Whether the patterns drawn (counts > 0) hold one distinct code only — in O(patterns)."""
    bounds: list[IntArray] = []

    def single(counts: FloatArray) -> bool:
        if not bounds:  # computed on the first resample only: the point estimate never needs it
            present = patterns.columns >= 0
            bounds.append(np.where(present, patterns.columns, np.iinfo(np.int64).max).min(axis=0))
            bounds.append(patterns.columns.max(axis=0))
        drawn = counts > 0
        return bool(bounds[0][drawn].min() == bounds[1][drawn].max())

    return single


def _spread_and_sums(patterns: _Patterns, x: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Per pattern Σ(x − x̄)² (exactly 0 when the values agree) and Σx."""
    m, where, size = patterns.m, patterns.entry_pattern, patterns.m.size
    sums = np.bincount(where, weights=x, minlength=size)
    deviation = x - (sums / m)[where]
    spread = np.bincount(where, weights=deviation * deviation, minlength=size)
    return np.asarray(spread, dtype=np.float64), np.asarray(sums, dtype=np.float64)


def _squared_spread(patterns: _Patterns, x: FloatArray) -> FloatArray:
    """Σ_{i≠j} (x_i − x_j)² / (m − 1) per pattern, as 2·m·Σ(x − x̄)² / (m − 1) (no cancellation)."""
    m = patterns.m
    return 2 * m * _spread_and_sums(patterns, x)[0] / (m - 1)


def _interval_expected(n_k: FloatArray, x: FloatArray, n: float) -> float:
    # Σ_c Σ_k n_c n_k (x_c − x_k)² / (n(n − 1)) = 2 Σ_k n_k (x_k − x̄)² / (n − 1)
    deviation = x - float(n_k @ x) / n
    return 2 * float(n_k @ (deviation * deviation)) / (n - 1)


def _ordinal_evaluator(patterns: _Patterns, rank: IntArray) -> _Evaluator:
    # Krippendorff's ordinal δ²(c, k) = (Σ_{g=c..k} n_g − (n_c + n_k)/2)² equals (x_c − x_k)² with
    # x_g = Σ_{h<g} n_h + n_g/2, so it is the interval metric on these mid-ranks — which depend on
    # the marginal counts and are therefore recomputed for every resample.
    size = int(rank.max()) + 1
    entry_rank = rank[patterns.entry_code]

    def evaluate(counts: FloatArray) -> _Evaluation:
        n_k = _counts(patterns, counts, size, entry_rank)
        if np.count_nonzero(n_k) < 2:
            return _NAN, _NAN, _NAN
        n = float(n_k.sum())
        x = np.cumsum(n_k) - n_k / 2
        do = float(counts @ _squared_spread(patterns, x[entry_rank])) / n
        de = _interval_expected(n_k, x, n)
        return _alpha(do, de)

    return evaluate


def _ratio_delta(a: FloatArray, b: FloatArray) -> FloatArray:
    total = a + b
    # both values 0: no difference (the krippendorff package agrees)
    return np.divide(a - b, total, out=np.zeros(np.broadcast(a, b).shape), where=total != 0) ** 2


def _ratio_spread(patterns: _Patterns, x: FloatArray) -> FloatArray:
    columns = patterns.columns
    spread = np.zeros(columns.shape[1], dtype=np.float64)
    for i in range(columns.shape[0]):
        for j in range(i + 1, columns.shape[0]):
            both = (columns[i] >= 0) & (columns[j] >= 0)
            delta = _ratio_delta(x[columns[i]], x[columns[j]])  # missing (-1) picks junk, masked below
            spread += np.where(both, 2 * delta, 0.0)
    return spread / (patterns.m - 1)


def _ratio_expected(n_k: FloatArray, x: FloatArray) -> float:
    """Σ_c Σ_k n_c n_k δ²(c, k): O(V²), blockwise so memory stays bounded."""
    used = n_k > 0
    counts, values = n_k[used], x[used]
    step = max(1, _RATIO_CELLS // values.size)
    total = 0.0
    for start in range(0, values.size, step):
        block = slice(start, start + step)
        total += float(counts[block] @ _ratio_delta(values[block, None], values[None, :]) @ counts)
    return total


def krippendorff_alpha(
    data: ReliabilityData,
    *,
    level: str = "nominal",
    categories: Sequence[Hashable] | None = None,
    confidence: float | None = 0.95,
    resamples: int = 1000,
    seed: int = 0,
) -> AgreementResult:
    """Krippendorff's alpha for any number of coders and missing values (Krippendorff 2011).

    Only pairable values count (units with at least two values). ``α = 1 − Do/De`` where
    ``Do = (1/n) Σ_u Σ_{i≠j} δ²(v_ui, v_uj) / (m_u − 1)`` and
    ``De = Σ_c Σ_k n_c n_k δ²(c, k) / (n(n − 1))`` — ``observed`` and ``expected`` in the result
    are these *disagreements*. ``level`` picks δ²: nominal (0/1), ordinal (on the categories in
    the order given by ``categories``, else sorted as :func:`weighted_kappa` does), interval
    ``(c − k)²`` or ratio ``((c − k)/(c + k))²``; interval and ratio need numbers — numbers
    written as text, as read from a CSV file, count — and ratio needs them ≥ 0. Cost: ``O(coders ×
    units)`` plus, for ratio only, ``O(V²)`` in the number of distinct values.
    """
    _check_bootstrap(confidence, resamples)
    if level not in _LEVELS:
        raise AgreementInputError(f"level must be one of {', '.join(_LEVELS)}; got {level!r}.")
    coded = _encode(data)
    statistic = f"krippendorff_alpha_{level}"
    per_code = _per_code(coded, level, categories)
    reason = _early_reason(coded) or (_NO_ORDER if per_code is None else None)
    if reason or per_code is None:
        return _undefined(statistic, coded, reason or _NO_ORDER)
    values = (coded.codes >= 0).sum(axis=0)
    pairable = values >= 2
    if not pairable.any():
        return _undefined(statistic, coded, "no pairable units: no unit was coded by two or more coders")
    used = coded.codes[:, pairable]
    patterns = _patterns(used, group=confidence is not None)
    reason = _no_variation(coded, patterns.entry_code)
    if reason:
        return _undefined(statistic, coded, reason, int(pairable.sum()))
    left_out = int((~pairable).sum())
    caveat = f"{_units(left_out)} with fewer than two values left out" if left_out else None
    evaluate = _alpha_evaluator(patterns, level, per_code)
    return _finish(statistic, evaluate, patterns, caveat, (confidence, resamples, seed))


def _per_code(
    coded: _Coded, level: str, categories: Sequence[Hashable] | None
) -> FloatArray | IntArray | None:
    """Numbers (interval, ratio), ranks (ordinal; None if there is no order) or plain codes."""
    if categories is not None and coded.categories:
        _ordered(coded, categories)  # every value must be one of the declared categories
    if level in ("interval", "ratio"):
        return _numbers(coded, level)
    if level == "ordinal" and coded.categories:
        return _ordered(coded, categories)
    return np.arange(len(coded.categories), dtype=np.int64)
