"""Kappa-type statistics: percent agreement, Cohen, weighted kappa, Scott, Fleiss,
Brennan–Prediger and Gwet's AC1 (definitions in :mod:`qualcode.agreement.statistics`).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

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
    _join,
    _no_variation,
    _ordered,
    _undefined,
    _units,
)

_WEIGHTS = ("linear", "quadratic")


def _corrected(observed: float, expected: float) -> _Evaluation:
    """(Po − Pe)/(1 − Pe); NaN if rounding ever left Pe at 1 where the checks said it could not be."""
    if expected >= 1:
        return _NAN, _NAN, _NAN
    return (observed - expected) / (1 - expected), observed, expected


# --------------------------------------------------------------------------------------------
# Gwet's framework: percent agreement, Fleiss, Brennan–Prediger, AC1


def _gwet_family(
    statistic: str,
    coded: _Coded,
    chance: str,
    categories: int | None,
    boot: tuple[float | None, int, int],
) -> AgreementResult:
    reason = _early_reason(coded)
    if reason:
        return _undefined(statistic, coded, reason)
    values = (coded.codes >= 0).sum(axis=0)
    if not (values >= 2).any():
        return _undefined(statistic, coded, "no pairable units: no unit was coded by two or more coders")
    # percent agreement ignores single values; the chance-corrected ones use them for π (Gwet 2014)
    pool = values >= (2 if chance == "none" else 1)
    used = coded.codes[:, pool]
    observed_q = int(np.count_nonzero(np.bincount(used[used >= 0], minlength=len(coded.categories))))
    q = _possible_categories(categories, observed_q)
    patterns = _patterns(used, group=boot[0] is not None)
    if chance != "none" and (chance == "fleiss" or q == 1):
        reason = _no_variation(coded, patterns.entry_code)
        if reason:
            return _undefined(statistic, coded, reason, int((values >= 2).sum()))
    evaluate = _gwet_evaluator(patterns, chance, q, len(coded.categories))
    return _finish(statistic, evaluate, patterns, _gwet_caveat(values, chance), boot)


def _possible_categories(categories: int | None, observed: int) -> int:
    if categories is None:
        return observed
    if isinstance(categories, bool) or not isinstance(categories, int) or categories < 2:
        raise AgreementInputError(
            f"categories must be a whole number ≥ 2 (the possible categories); got {categories!r}."
        )
    if categories < observed:
        raise AgreementInputError(
            f"The data use {observed} categories but categories={categories}; raise it."
        )
    return categories


def _gwet_caveat(values: NDArray[Any], chance: str) -> str | None:
    empty, single = int((values == 0).sum()), int((values == 1).sum())
    if chance == "none":
        return f"{_units(empty + single)} with fewer than two values left out" if empty + single else None
    return _join(
        f"{_units(empty)} without any value left out" if empty else None,
        f"{_units(single)} with a single value counted toward chance agreement only" if single else None,
    )


def _gwet_evaluator(patterns: _Patterns, chance: str, q: int, n_codes: int) -> _Evaluator:
    m = patterns.m
    pairable = (m >= 2).astype(np.float64)
    unit_agreement = _agreeing_pairs(patterns.columns) / np.maximum(m * (m - 1), 1)
    share = 1.0 / m  # each of a unit's m values stands for 1/m of the unit

    def evaluate(counts: FloatArray) -> _Evaluation:
        n_pairable = float(counts @ pairable)
        if n_pairable == 0:
            return _NAN, _NAN, _NAN
        pa = float(counts @ unit_agreement) / n_pairable
        if chance == "none":
            return pa, pa, _NAN
        pi = _counts(patterns, counts * share, n_codes) / float(counts.sum())
        if chance == "fleiss":
            if np.count_nonzero(pi) < 2:
                return _NAN, _NAN, _NAN
            pe = float(pi @ pi)
        elif chance == "ac1":
            pe = float(pi @ (1 - pi)) / (q - 1)
        else:
            pe = 1 / q
        return _corrected(pa, pe)

    return evaluate


# --------------------------------------------------------------------------------------------
# Two coders: Cohen, weighted Cohen, Scott


@dataclass(frozen=True)
class _PairTable:
    patterns: _Patterns  # columns are (first coder's code, second coder's code), unsorted
    first: IntArray
    second: IntArray


def _pair_table(coded: _Coded, group: bool) -> _PairTable | None:
    both = (coded.codes >= 0).all(axis=0)
    if not both.any():
        return None
    a, b = coded.codes[0, both], coded.codes[1, both]
    size = len(coded.categories)
    if group:
        _, first_index, inverse, counts = np.unique(
            a * size + b, return_index=True, return_inverse=True, return_counts=True
        )
        a, b, freq = a[first_index], b[first_index], counts.astype(np.float64)
        inverse = inverse.reshape(-1).astype(np.int64)
    else:
        inverse, freq = np.arange(a.size, dtype=np.int64), np.ones(a.size, dtype=np.float64)
    columns = np.vstack([a, b])
    patterns = _Patterns(
        columns,
        freq,
        inverse,
        np.full(a.size, 2.0),
        np.concatenate([np.arange(a.size), np.arange(a.size)]).astype(np.int64),
        np.concatenate([a, b]),
        2,
    )
    return _PairTable(patterns, a, b)


def _two_coders(
    statistic: str,
    label: str,
    coded: _Coded,
    boot: tuple[float | None, int, int],
    make: Callable[[_PairTable], _Evaluator],
) -> AgreementResult:
    reason = _early_reason(coded, label)
    if reason:
        return _undefined(statistic, coded, reason)
    table = _pair_table(coded, group=boot[0] is not None)
    if table is None:
        return _undefined(statistic, coded, "no pairable units: no unit was coded by both coders")
    units = int(table.patterns.freq.sum())
    reason = _no_variation(coded, table.patterns.entry_code)
    if reason:
        return _undefined(statistic, coded, reason, units)
    left_out = coded.codes.shape[1] - units
    caveat = f"{_units(left_out)} not coded by both coders left out" if left_out else None
    return _finish(statistic, make(table), table.patterns, caveat, boot)


def _kappa_evaluator(
    table: _PairTable, weights: FloatArray | None, rank: IntArray, size: int, scott: bool
) -> _Evaluator:
    """Cohen's (or, with ``scott``, Scott's) kappa; ``weights`` are agreement weights by rank."""
    first, second = rank[table.first], rank[table.second]
    agree = (first == second).astype(np.float64) if weights is None else weights[first, second]

    def evaluate(counts: FloatArray) -> _Evaluation:
        n = float(counts.sum())
        p1 = np.bincount(first, weights=counts, minlength=size) / n
        p2 = np.bincount(second, weights=counts, minlength=size) / n
        if np.count_nonzero(p1 + p2) < 2:
            return _NAN, _NAN, _NAN
        po = float(counts @ agree) / n
        if scott:
            pooled = (p1 + p2) / 2
            pe = float(pooled @ pooled)
        else:
            pe = float(p1 @ p2) if weights is None else float(p1 @ weights @ p2)
        return _corrected(po, pe)

    return evaluate


# --------------------------------------------------------------------------------------------
# Public statistics


def percent_agreement(
    data: ReliabilityData, *, confidence: float | None = 0.95, resamples: int = 1000, seed: int = 0
) -> AgreementResult:
    """Observed agreement without chance correction.

    For two coders: the share of units both coded on which they agree. For more coders (and
    with missing values): the mean, over units with at least two values, of the share of
    agreeing pairs of values in the unit, ``Σ_k n_uk(n_uk − 1) / (m_u(m_u − 1))`` (Gwet 2014,
    *Handbook of Inter-Rater Reliability*, 4th ed.; Fleiss 1971's ``P_i``). ``expected`` is
    ``None``. ``confidence=None`` skips the bootstrap interval.
    """
    _check_bootstrap(confidence, resamples)
    return _gwet_family("percent_agreement", _encode(data), "none", None, (confidence, resamples, seed))


def cohen_kappa(
    data: ReliabilityData, *, confidence: float | None = 0.95, resamples: int = 1000, seed: int = 0
) -> AgreementResult:
    """Cohen's (1960) kappa for exactly two coders, over the units both coded.

    ``κ = (Po − Pe) / (1 − Pe)`` with ``Pe = Σ_k p1_k p2_k`` from each coder's own marginals.
    Any other number of coders gives value ``None`` with the reason (use :func:`fleiss_kappa`
    or :func:`krippendorff_alpha`).
    """
    _check_bootstrap(confidence, resamples)
    coded = _encode(data)
    size = len(coded.categories)
    rank = np.arange(size, dtype=np.int64)
    return _two_coders(
        "cohen_kappa",
        "Cohen's kappa",
        coded,
        (confidence, resamples, seed),
        lambda table: _kappa_evaluator(table, None, rank, size, scott=False),
    )


def weighted_kappa(
    data: ReliabilityData,
    *,
    weights: str = "linear",
    categories: Sequence[Hashable] | None = None,
    confidence: float | None = 0.95,
    resamples: int = 1000,
    seed: int = 0,
) -> AgreementResult:
    """Cohen's (1968) weighted kappa for two coders on ordered categories.

    Categories are ordered as given in ``categories`` (which may include values nobody used),
    else sorted — numbers, and numbers written as text, by value; other text has no natural
    order, so without ``categories`` the value is ``None`` with the reason. Agreement weights
    depend on the positions ``i, j`` in that order: ``1 − |i − j|/(q − 1)`` (``"linear"``,
    Cicchetti & Allison 1971) or ``1 − (i − j)²/(q − 1)²`` (``"quadratic"``, Fleiss & Cohen
    1973) — as scikit-learn's ``cohen_kappa_score`` and R's ``irr::kappa2`` weigh them.
    ``κ_w = (Po_w − Pe_w) / (1 − Pe_w)`` over the units both coded.
    """
    _check_bootstrap(confidence, resamples)
    if weights not in _WEIGHTS:
        raise AgreementInputError(f"weights must be 'linear' or 'quadratic'; got {weights!r}.")
    coded = _encode(data)
    statistic = f"weighted_kappa_{weights}"
    rank = _ordered(coded, categories) if coded.categories else np.zeros(0, dtype=np.int64)
    if rank is None:
        return _undefined(statistic, coded, _early_reason(coded, "Weighted kappa") or _NO_ORDER)
    # q = the categories in the order (declared ones included); with one only, the data end as
    # "no variation" — max(…, 2) merely avoids dividing by q − 1 = 0 on the way
    size = max(len(categories) if categories is not None else len(coded.categories), 2)
    position = np.arange(size, dtype=np.float64)
    distance = np.abs(position[:, None] - position[None, :]) / (size - 1)
    agreement = 1 - (distance if weights == "linear" else distance**2)
    return _two_coders(
        statistic,
        "Weighted kappa",
        coded,
        (confidence, resamples, seed),
        lambda table: _kappa_evaluator(table, agreement, rank, size, scott=False),
    )


def scott_pi(
    data: ReliabilityData, *, confidence: float | None = 0.95, resamples: int = 1000, seed: int = 0
) -> AgreementResult:
    """Scott's (1955) pi for exactly two coders, over the units both coded.

    Like Cohen's kappa, but chance agreement uses the pooled marginals:
    ``Pe = Σ_k ((p1_k + p2_k)/2)²``. For more coders use :func:`fleiss_kappa`, its
    generalisation (Fleiss 1971), which on complete two-coder data gives the same value.
    """
    _check_bootstrap(confidence, resamples)
    coded = _encode(data)
    size = len(coded.categories)
    rank = np.arange(size, dtype=np.int64)
    return _two_coders(
        "scott_pi",
        "Scott's pi",
        coded,
        (confidence, resamples, seed),
        lambda table: _kappa_evaluator(table, None, rank, size, scott=True),
    )


def fleiss_kappa(
    data: ReliabilityData, *, confidence: float | None = 0.95, resamples: int = 1000, seed: int = 0
) -> AgreementResult:
    """Fleiss' (1971) kappa for any number of coders, missing values allowed.

    ``Pa`` is :func:`percent_agreement`; ``Pe = Σ_k π_k²`` with ``π_k`` the mean over units with
    at least one value of ``n_uk / m_u`` — Gwet's (2014) generalisation to a per-unit number of
    raters ``r_i``, as in irrCAC's ``fleiss.kappa.raw``. On complete data this is Fleiss'
    original formula.
    """
    _check_bootstrap(confidence, resamples)
    return _gwet_family("fleiss_kappa", _encode(data), "fleiss", None, (confidence, resamples, seed))


def brennan_prediger(
    data: ReliabilityData,
    *,
    categories: int | None = None,
    confidence: float | None = 0.95,
    resamples: int = 1000,
    seed: int = 0,
) -> AgreementResult:
    """Bennett, Alpert & Goldstein's (1954) S, as Brennan & Prediger (1981) generalised it.

    ``(Pa − 1/q) / (1 − 1/q)`` with ``Pa`` as in :func:`percent_agreement` and ``q`` the number
    of *possible* categories: pass it as ``categories``; by default the number observed (which
    is only right when every possible category occurs).
    """
    _check_bootstrap(confidence, resamples)
    return _gwet_family(
        "brennan_prediger", _encode(data), "uniform", categories, (confidence, resamples, seed)
    )


def gwet_ac1(
    data: ReliabilityData,
    *,
    categories: int | None = None,
    confidence: float | None = 0.95,
    resamples: int = 1000,
    seed: int = 0,
) -> AgreementResult:
    """Gwet's (2008) AC1 for any number of coders, missing values allowed.

    ``Pe = Σ_k π_k(1 − π_k) / (q − 1)`` with ``π_k`` as in :func:`fleiss_kappa` and ``q`` the
    number of categories (``categories``, default: the number observed) — Gwet (2014), as in
    irrCAC's ``gwet.ac1.raw``.
    """
    _check_bootstrap(confidence, resamples)
    return _gwet_family("gwet_ac1", _encode(data), "ac1", categories, (confidence, resamples, seed))
