"""Agreement statistics for binary, complete data held as pattern counts.

A code either applies to a unit (a character, a turn, a document) or not, and every compared
coder says one or the other for every unit, so the data of one code is fully described by how
many units show each *pattern* — the tuple of 0/1 answers of the coders. Millions of characters
become at most 2^k counts, and every statistic has a closed form over them. The formulas are
the standard ones for complete data (each cited below); tests check them against the general
functions of :mod:`qualcode.agreement.statistics` on the expanded data.

Bootstrap intervals resample units: a resample of N units from the observed patterns is one
multinomial draw of pattern counts, so a thousand resamples cost a thousand small draws.
Characters are not independent units, so no interval is given for them (NVivo gives none either).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from qualcode.agreement.statistics import AgreementResult, Interval

Pattern = tuple[int, ...]
RESAMPLES = 1000
CONFIDENCE = 0.95


@dataclass(frozen=True)
class PatternCounts:
    """How many units show each 0/1 pattern of the coders (in the order of ``coders``)."""

    coders: tuple[str, ...]
    counts: Mapping[Pattern, int]

    @property
    def total(self) -> int:
        """The number of units."""
        return sum(self.counts.values())

    def both_only_neither(self) -> tuple[int, int, int, int]:
        """For two coders: units coded by both, only by the first, only by the second, by neither."""
        c = self.counts
        return c.get((1, 1), 0), c.get((1, 0), 0), c.get((0, 1), 0), c.get((0, 0), 0)

    def __add__(self, other: PatternCounts) -> PatternCounts:
        counts = dict(self.counts)
        for pattern, n in other.counts.items():
            counts[pattern] = counts.get(pattern, 0) + n
        return PatternCounts(self.coders, counts)


def binary_statistics(
    data: PatternCounts, *, interval: bool = True, seed: int = 0
) -> dict[str, AgreementResult]:
    """Percent agreement, Cohen's kappa (2 coders) or Fleiss' kappa, Krippendorff's alpha, Gwet's AC1."""
    k = len(data.coders)
    patterns = sorted(data.counts)
    counts = np.array([data.counts[p] for p in patterns], dtype=float)
    ones = np.array([sum(p) for p in patterns], dtype=float)
    matrix = np.array(patterns, dtype=float).reshape(len(patterns), k)
    if interval and counts.sum() > 0:
        rng = np.random.default_rng(seed)
        draws = rng.multinomial(int(counts.sum()), counts / counts.sum(), size=RESAMPLES).astype(float)
    else:
        draws = None
    names = [
        "percent_agreement",
        "cohen_kappa" if k == 2 else "fleiss_kappa",
        "krippendorff_alpha_nominal",
        "gwet_ac1",
    ]
    return {name: _result(name, counts, ones, matrix, k, draws) for name in names}


def _result(
    name: str, counts: np.ndarray, ones: np.ndarray, matrix: np.ndarray, k: int, draws: np.ndarray | None
) -> AgreementResult:
    total = int(counts.sum())
    if k < 2:
        return AgreementResult(name, None, total, k, None, None, None, "agreement needs at least two coders")
    if total == 0:
        return AgreementResult(name, None, 0, k, None, None, None, "no units to compare")
    value, observed, expected = _compute(name, counts[None, :], ones, matrix, k)
    point = float(value[0])
    obs = float(observed[0])
    exp = float(expected[0]) if np.isfinite(expected[0]) else None
    if not np.isfinite(point):
        return AgreementResult(
            name, None, total, k, obs, exp, None, "no variation: every unit is coded the same way by everyone"
        )
    ci = None
    if draws is not None:
        values, *_ = _compute(name, draws, ones, matrix, k)
        finite = values[np.isfinite(values)]
        skipped = RESAMPLES - finite.size
        if finite.size:
            low, high = np.quantile(finite, [(1 - CONFIDENCE) / 2, 1 - (1 - CONFIDENCE) / 2])
            method = f"bootstrap over units, {RESAMPLES} multinomial resamples, seed 0, percentile"
            if skipped:
                method += f" ({skipped} undefined resamples left out)"
            ci = Interval(float(low), float(high), CONFIDENCE, method)
    return AgreementResult(name, point, total, k, obs, exp, ci, None)


def _compute(
    name: str, counts: np.ndarray, ones: np.ndarray, matrix: np.ndarray, k: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The statistic for each row of ``counts`` (one row per data set or resample)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        n = counts.sum(axis=1)
        zeros = k - ones
        # Mean pairwise agreement per unit (Fleiss 1971, eq. 2): agreeing pairs / all pairs.
        agree = (ones * (ones - 1) + zeros * (zeros - 1)) / (k * (k - 1))
        po = counts @ agree / n
        p1 = counts @ ones / (n * k)  # share of all ratings that say "coded"
        if name == "percent_agreement":
            return po, po, np.full_like(po, np.nan)
        if name == "cohen_kappa":
            # Cohen (1960): chance agreement from each coder's own marginals.
            a1 = counts @ matrix[:, 0] / n
            b1 = counts @ matrix[:, 1] / n
            pe = a1 * b1 + (1 - a1) * (1 - b1)
            return (po - pe) / (1 - pe), po, pe
        if name == "fleiss_kappa":
            pe = p1**2 + (1 - p1) ** 2  # Fleiss (1971), eq. 5, pooled marginals
            return (po - pe) / (1 - pe), po, pe
        if name == "gwet_ac1":
            pe = 2 * p1 * (1 - p1)  # Gwet (2008), eq. 14 with q = 2 categories
            return (po - pe) / (1 - pe), po, pe
        # Krippendorff (2011), section C, for complete data: m = k values in every unit.
        total_values = n * k
        n1 = counts @ ones
        n0 = total_values - n1
        o01 = counts @ (ones * zeros) / (k - 1)  # off-diagonal coincidences, each direction
        do = 2 * o01 / total_values
        de = 2 * n0 * n1 / (total_values * (total_values - 1))
        return 1 - do / de, do, de
