"""Pattern grouping and the unit bootstrap shared by every agreement statistic.

Units are grouped by the codes they received (their *pattern*); a statistic is an evaluator
over pattern counts, and a bootstrap resample is drawn as pattern counts (see
:mod:`qualcode.agreement.statistics` for the method and its cost).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from itertools import pairwise
from typing import TypeAlias

import numpy as np

from qualcode.agreement.reliability import (
    AgreementInputError,
    AgreementResult,
    FloatArray,
    IntArray,
    Interval,
    _join,
)

#: value, observed (Po or Do), expected (Pe or De); NaN when undefined (internal only).
_Evaluation: TypeAlias = tuple[float, float, float]
_Evaluator: TypeAlias = Callable[[FloatArray], _Evaluation]

_NAN = float("nan")


def _check_bootstrap(confidence: float | None, resamples: int) -> None:
    if confidence is not None and not 0 < confidence < 1:
        raise AgreementInputError(
            f"confidence must be between 0 and 1 (e.g. 0.95), or None; got {confidence}."
        )
    if isinstance(resamples, bool) or not isinstance(resamples, int) or resamples < 1:
        raise AgreementInputError(f"resamples must be a positive whole number; got {resamples!r}.")


# --------------------------------------------------------------------------------------------
# Patterns: units grouped by the codes they received.


@dataclass(frozen=True)
class _Patterns:
    columns: IntArray  # coders × patterns (codes, -1 = missing)
    freq: FloatArray  # units per pattern
    inverse: IntArray  # unit (in pool order) -> its pattern
    m: FloatArray  # values per pattern
    entry_pattern: IntArray  # one entry per value present: its pattern …
    entry_code: IntArray  # … and its code
    coders: int  # coders with at least one value in these units


def _patterns(codes: IntArray, group: bool) -> _Patterns:
    """Group units that received the same codes when a bootstrap will resample them."""
    columns = codes
    units = columns.shape[1]
    present = columns >= 0
    coders = int(present.any(axis=1).sum())
    if group and units:
        columns = np.sort(codes, axis=0)  # a unit's pattern is the multiset of its codes
        first, inverse, counts = _group_columns(columns)
        columns, freq = columns[:, first], counts.astype(np.float64)
        present = columns >= 0
    else:
        inverse, freq = np.arange(units, dtype=np.int64), np.ones(units, dtype=np.float64)
    entry_pattern = np.nonzero(present)[1].astype(np.int64)  # row-major, as columns[present]
    m = present.sum(axis=0).astype(np.float64)
    return _Patterns(columns, freq, inverse, m, entry_pattern, columns[present], coders)


def _group_columns(columns: IntArray) -> tuple[IntArray, IntArray, IntArray]:
    coders, _ = columns.shape
    base = int(columns.max()) + 2
    if coders * math.log2(base) < 62:
        # one int64 key per unit: much faster than np.unique(axis=0) on rows
        key = np.zeros(columns.shape[1], dtype=np.int64)
        for row in columns:
            key = key * base + (row + 1)
        _, first, inverse, counts = np.unique(key, return_index=True, return_inverse=True, return_counts=True)
    else:
        _, first, inverse, counts = np.unique(
            columns.T, axis=0, return_index=True, return_inverse=True, return_counts=True
        )
    return first.astype(np.int64), inverse.reshape(-1).astype(np.int64), counts.astype(np.int64)


def _agreeing_pairs(columns: IntArray) -> FloatArray:
    """Σ_k n_k(n_k − 1) per column: the ordered pairs of equal values."""
    coders = columns.shape[0]
    if coders <= 6:
        # few coders: compare every pair of rows, no sorting needed
        pairs = np.zeros(columns.shape[1], dtype=np.float64)
        for i in range(coders):
            for j in range(i + 1, coders):
                pairs += 2 * ((columns[i] == columns[j]) & (columns[i] >= 0))
        return pairs
    columns = np.sort(columns, axis=0)  # equal values become neighbours
    present = columns[0] >= 0
    run = present.astype(np.float64)
    pairs = np.zeros(columns.shape[1], dtype=np.float64)
    for previous, current in pairwise(columns):
        same = (current == previous) & (current >= 0)
        run = np.where(same, run + 1, (current >= 0).astype(np.float64))
        pairs += np.where(same, 2 * (run - 1), 0.0)  # the r-th equal value adds 2(r − 1) pairs
    return pairs


def _counts(patterns: _Patterns, weights: FloatArray, size: int, codes: IntArray | None = None) -> FloatArray:
    """Weighted number of values per category (``codes`` recodes entries, e.g. into ranks)."""
    entry_code = patterns.entry_code if codes is None else codes
    counts = np.bincount(entry_code, weights=weights[patterns.entry_pattern], minlength=size)
    return np.asarray(counts, dtype=np.float64)


# --------------------------------------------------------------------------------------------
# Bootstrap


def _bootstrap(
    evaluate: _Evaluator,
    patterns: _Patterns,
    confidence: float | None,
    resamples: int,
    seed: int,
) -> tuple[Interval | None, str | None]:
    if confidence is None:
        return None, None
    rng = np.random.default_rng(seed)
    units = round(float(patterns.freq.sum()))
    n_patterns = patterns.freq.size
    # multinomial draws cost O(patterns), index draws O(units): take the cheaper
    by_pattern = n_patterns * 4 <= units
    share = patterns.freq / units
    draws = np.empty(resamples, dtype=np.float64)
    for r in range(resamples):
        if by_pattern:
            counts = rng.multinomial(units, share).astype(np.float64)
        else:
            picked = patterns.inverse[rng.integers(0, units, size=units)]
            counts = np.bincount(picked, minlength=n_patterns).astype(np.float64)
        draws[r] = evaluate(counts)[0]
    defined = draws[~np.isnan(draws)]
    if defined.size == 0:
        return None, "no bootstrap interval: the statistic was undefined in every resample"
    tail = (1 - confidence) / 2
    low, high = np.quantile(defined, [tail, 1 - tail])
    method = f"bootstrap over units, {resamples} resamples, seed {seed}, percentile"
    skipped = resamples - defined.size
    if skipped:
        method += f", {skipped} skipped (statistic undefined)"
    return Interval(float(low), float(high), float(confidence), method), None


def _finish(
    statistic: str,
    evaluate: _Evaluator,
    patterns: _Patterns,
    caveat: str | None,
    boot: tuple[float | None, int, int],
) -> AgreementResult:
    confidence, resamples, seed = boot
    coders = patterns.coders
    value, observed, expected = evaluate(patterns.freq)
    if math.isnan(value):  # structural checks come first; this is a guard against a silent NaN
        return AgreementResult(statistic, None, 0, coders, None, None, None, "undefined for these data")
    interval, note = _bootstrap(evaluate, patterns, confidence, resamples, seed)
    return AgreementResult(
        statistic,
        float(value),
        round(float(patterns.freq @ (patterns.m >= 2))),
        coders,
        float(observed),
        None if math.isnan(expected) else float(expected),
        interval,
        _join(caveat, note),
    )
