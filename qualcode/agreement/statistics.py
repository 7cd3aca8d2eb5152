"""Agreement statistics over reliability data: pure functions, no project, no I/O.

``data`` is a coders × units table: one row per coder, one column per unit, ``None`` for a
value the coder did not give (a float NaN counts as missing too). Values are any hashable
categories (strings, ints, bools…), compared with Python equality — so ``1``, ``1.0`` and
``True`` are the same category. A 2-D numeric numpy array is accepted as well (NaN = missing).

Definitions for more than two coders and for missing values (``m_u`` = number of values unit
*u* received, ``q`` = number of categories):

* Two-coder statistics — :func:`cohen_kappa` (Cohen 1960), :func:`weighted_kappa` (Cohen 1968;
  linear weights of Cicchetti & Allison 1971, quadratic of Fleiss & Cohen 1973) and
  :func:`scott_pi` (Scott 1955) — use the units *both* coders coded and refuse any other number
  of coders (value ``None`` with the reason).
* :func:`percent_agreement`, :func:`fleiss_kappa`, :func:`brennan_prediger` and
  :func:`gwet_ac1` follow Gwet (2014), *Handbook of Inter-Rater Reliability*, 4th ed., for raw
  ratings with a per-unit number of raters ``r_i``: observed agreement
  ``Pa = mean over units with m_u ≥ 2 of Σ_k n_uk(n_uk − 1) / (m_u(m_u − 1))`` (for two coders:
  the share of units both coded on which they agree); category prevalence
  ``π_k = mean over units with m_u ≥ 1 of n_uk / m_u``. Chance agreement is ``Σ π_k²`` (Fleiss
  1971), ``Σ π_k(1 − π_k) / (q − 1)`` (Gwet 2008) or ``1/q`` (Bennett et al. 1954; Brennan &
  Prediger 1981). Units with one value therefore count toward chance agreement only, and units
  with none are left out — exactly as Gwet's irrCAC package computes them.
* :func:`krippendorff_alpha` follows Krippendorff (2011), "Computing Krippendorff's
  Alpha-Reliability": only pairable values (units with ``m_u ≥ 2``) count,
  ``α = 1 − Do/De`` with the nominal, ordinal, interval and ratio metrics.

Ordered statistics (weighted kappa, ordinal alpha) take the category order from
``categories``, else sort: numbers — and numbers written as text, as a CSV file gives them — by
value; other text has no natural order and gives ``None`` with the reason rather than an
alphabetical order ('high' < 'low'). Interval and ratio alpha accept numbers written as text.

A point estimate costs ``O(coders × units)`` (ratio alpha adds ``O(V²)`` for ``V`` distinct
values). Bootstrap intervals resample the units a statistic uses, with replacement
(``numpy.random.default_rng(seed)``), and report the percentile interval; resamples on which
the statistic is undefined are skipped and counted in ``Interval.method``. Every statistic
depends on the units only through their *patterns* (the multiset of codes a unit received, or
the code pair for two-coder statistics), so units are grouped by pattern first and a resample
is drawn as pattern counts: ``multinomial(U, frequencies / U)`` — exactly the distribution of
resampling ``U`` units — when there are few patterns (``O(P)`` per resample), else ``U`` unit
indices and a bincount (``O(U)``). One evaluation then costs ``O(P + E + V)`` for ``P``
patterns holding ``E`` values (interval alpha: ``O(P)``; ratio alpha: ``O(V²)``). Coded
categorical data have few patterns: 1000 resamples over 100,000 units take about 10–30 ms on
top of the estimate; continuous interval data (every unit its own pattern) about 1.5 s.
Hayes & Krippendorff (2007) bootstrap alpha differently (resampling pairable values with De
fixed); here every statistic uses the same unit bootstrap.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Collection, Hashable, Sequence
from dataclasses import asdict, dataclass
from itertools import chain, pairwise
from typing import Any, TypeAlias

import numpy as np
from numpy.typing import NDArray

from qualcode.errors import QualcodeError

__all__ = [
    "STATISTICS",
    "AgreementInputError",
    "AgreementResult",
    "Interval",
    "ReliabilityData",
    "brennan_prediger",
    "cohen_kappa",
    "fleiss_kappa",
    "gwet_ac1",
    "krippendorff_alpha",
    "percent_agreement",
    "reliability_table",
    "scott_pi",
    "weighted_kappa",
]

FloatArray: TypeAlias = NDArray[np.float64]
IntArray: TypeAlias = NDArray[np.int64]
#: Coders × units; ``None`` (or NaN) marks a missing value.
ReliabilityData: TypeAlias = Sequence[Sequence[Hashable | None]] | NDArray[Any]
#: value, observed (Po or Do), expected (Pe or De); NaN when undefined (internal only).
_Evaluation: TypeAlias = tuple[float, float, float]
_Evaluator: TypeAlias = Callable[[FloatArray], _Evaluation]

_LEVELS = ("nominal", "ordinal", "interval", "ratio")
_WEIGHTS = ("linear", "quadratic")
_NAN = float("nan")
# Ratio alpha's V × V distances are built in row blocks of at most this many cells (32 MB).
_RATIO_CELLS = 4_000_000


class AgreementInputError(QualcodeError):
    """The reliability data or an option is malformed: the caller has to fix the input."""


@dataclass(frozen=True)
class Interval:
    """A confidence interval and how it was obtained."""

    low: float
    high: float
    level: float
    method: str


@dataclass(frozen=True)
class AgreementResult:
    """One agreement statistic over one reliability table.

    ``observed`` and ``expected`` are the observed and chance *agreement* (Po, Pe) for the
    kappa-type statistics and percent agreement (whose ``expected`` is ``None``), but the
    observed and expected *disagreement* (Do, De) for Krippendorff's alpha. ``units`` counts the
    units that entered observed agreement (pairable units); ``coders`` the coders with at least
    one value in the units used (all coders given, when ``value`` is ``None``). ``value`` is
    ``None`` exactly when the statistic is undefined, and ``reason`` then says why; on a defined
    value ``reason`` may carry a caveat (units left out).
    """

    statistic: str
    value: float | None
    units: int
    coders: int
    observed: float | None
    expected: float | None
    interval: Interval | None
    reason: str | None

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dictionary (the interval nested as a dictionary or ``None``)."""
        return asdict(self)


# --------------------------------------------------------------------------------------------
# Input: encode any table into integer codes once, so every statistic works on arrays.


@dataclass(frozen=True)
class _Coded:
    codes: IntArray  # coders × units, -1 = missing
    categories: list[Hashable]  # code -> the caller's value

    @property
    def coders(self) -> int:
        return int(self.codes.shape[0])


def _plain(value: Hashable) -> Hashable:
    # numpy scalars print as np.float64(3.0); reasons and categories should show 3.0
    return value.item() if isinstance(value, np.generic) else value


def _is_missing(value: Hashable) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _encode(data: ReliabilityData) -> _Coded:
    if isinstance(data, np.ndarray):
        return _encode_array(data)
    if isinstance(data, str | bytes):
        raise AgreementInputError("Reliability data must be a list of rows, one per coder, not a string.")
    rows: list[Sequence[Hashable | None]] = []
    for number, row in enumerate(data, start=1):
        if isinstance(row, str | bytes):
            raise AgreementInputError(
                f"Row {number} is a string; each row must list one value per unit (None when missing)."
            )
        try:
            rows.append(row if isinstance(row, list | tuple) else list(row))
        except TypeError:
            raise AgreementInputError(f"Row {number} is not a sequence of values.") from None
    if not rows:
        return _Coded(np.zeros((0, 0), dtype=np.int64), [])
    width = len(rows[0])
    for number, row in enumerate(rows, start=1):
        if len(row) != width:
            raise AgreementInputError(
                f"Ragged data: coder 1 has {width} values but coder {number} has {len(row)}; "
                "every coder needs one value (or None) per unit."
            )
    if any(type(v) is float for v in rows[0][:16]):
        # floats (NaN = missing, as from ndarray.tolist()): one C pass in numpy instead of a dict
        # lookup per value and a set entry per NaN object
        try:
            array = np.array(rows)
        except (ValueError, TypeError):
            array = None
        if array is not None and array.dtype.kind == "f":
            return _encode_array(array)
    flat = list(chain.from_iterable(rows))
    mapping, categories = _category_codes(flat)
    codes = np.fromiter(map(mapping.__getitem__, flat), dtype=np.int64, count=len(flat))
    return _Coded(codes.reshape(len(rows), width), categories)


def _category_codes(flat: list[Hashable | None]) -> tuple[dict[Hashable, int], list[Hashable]]:
    """Code per value (missing → -1) and the categories in code order: sorted when they can be."""
    try:
        distinct = set(flat)
    except TypeError:
        bad = next(v for v in flat if not isinstance(v, Hashable))
        raise AgreementInputError(
            f"Value {bad!r} ({type(bad).__name__}) cannot be a category; use strings, numbers or booleans."
        ) from None
    present = [v for v in distinct if not _is_missing(v)]
    try:
        # sorted codes make every sum run in the same order on every run (sets are not ordered)
        present.sort()  # type: ignore[call-arg]
    except TypeError:
        kept = set(present)
        present = [v for v in dict.fromkeys(flat) if v in kept]  # mixed kinds: first-seen order
    mapping: dict[Hashable, int] = {v: -1 for v in distinct if _is_missing(v)}
    mapping.update((v, code) for code, v in enumerate(present))
    return mapping, [_plain(v) for v in present]


def _encode_array(array: NDArray[Any]) -> _Coded:
    if array.ndim != 2:
        raise AgreementInputError(f"Reliability data must be 2-D (coders × units); got {array.ndim}-D.")
    if array.dtype.kind not in "iuf":
        return _encode(array.tolist())
    values = array.astype(np.float64, copy=False)
    present = ~np.isnan(values)
    found = values[present]
    codes = np.full(values.shape, -1, dtype=np.int64)
    if found.size == 0:
        return _Coded(codes, [])
    low, high = found.min(), found.max()
    if np.all(found == np.floor(found)) and high - low < 1_000_000:
        # whole numbers in a modest range: a counting pass instead of sorting every value
        offsets = (found - low).astype(np.int64)
        used = np.bincount(offsets) > 0
        codes[present] = (np.cumsum(used) - 1)[offsets]
        uniques = np.flatnonzero(used) + low
    else:
        uniques, inverse = np.unique(found, return_inverse=True)
        codes[present] = inverse.reshape(-1)
    categories: list[Hashable] = [int(v) if array.dtype.kind in "iu" else float(v) for v in uniques]
    return _Coded(codes, categories)


def _check_bootstrap(confidence: float | None, resamples: int) -> None:
    if confidence is not None and not 0 < confidence < 1:
        raise AgreementInputError(
            f"confidence must be between 0 and 1 (e.g. 0.95), or None; got {confidence}."
        )
    if isinstance(resamples, bool) or not isinstance(resamples, int) or resamples < 1:
        raise AgreementInputError(f"resamples must be a positive whole number; got {resamples!r}.")


_NO_ORDER = (
    "no order: the categories are text (or of mixed kinds) with no natural order; "
    "pass categories=[...] from lowest to highest"
)


def _ordered(coded: _Coded, categories: Sequence[Hashable] | None) -> IntArray | None:
    """Each code's rank in the category order: as given, else sorted (None: no natural order).

    Numbers written as text (as read from a CSV file) sort by their value, so "10" follows "9";
    other text is refused rather than sorted alphabetically, which is rarely a scale's order.
    """
    if categories is None:
        values = [_as_number(c) for c in coded.categories]
        if all(v is not None for v in values):
            keys = {c: (v, str(c)) for c, v in zip(coded.categories, values, strict=True)}
            order = sorted(coded.categories, key=keys.__getitem__)
        elif any(isinstance(c, str | bytes) for c in coded.categories):
            return None
        else:
            try:
                order = sorted(coded.categories)  # type: ignore[type-var]
            except TypeError:
                return None
    else:
        order = [_plain(c) for c in categories]
    rank = _category_index(order)
    unknown = [c for c in coded.categories if c not in rank]
    if unknown:
        raise AgreementInputError(
            f"Value {unknown[0]!r} is not among the given categories {order!r}; add it or correct the data."
        )
    return np.array([rank[c] for c in coded.categories], dtype=np.int64)


def _category_index(order: Sequence[Hashable]) -> dict[Hashable, int]:
    try:
        index = {c: i for i, c in enumerate(order)}
    except TypeError:
        raise AgreementInputError(
            "categories must be hashable values (strings, numbers, booleans)."
        ) from None
    if len(index) != len(order):
        raise AgreementInputError(f"categories lists a value twice: {list(order)!r}.")
    return index


def _as_number(value: object) -> float | None:
    """The value as a finite number (numbers written as text included), else None."""
    if isinstance(value, bool | np.bool_):
        return None  # True/False are categories, not 1/0
    if isinstance(value, numbers.Real):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            return None
    else:
        return None
    return number if math.isfinite(number) else None


def _numbers(coded: _Coded, level: str) -> FloatArray:
    """Each code's numeric value, for the interval and ratio metrics."""
    numeric: list[float] = []
    for value in coded.categories:
        number = _as_number(value)
        if number is None:
            raise AgreementInputError(
                f"The {level} level needs finite numbers, but the data contain {value!r}; "
                "use level='nominal', or level='ordinal' with categories=[...] in order."
            )
        if level == "ratio" and number < 0:
            raise AgreementInputError(f"The ratio level needs numbers ≥ 0 (a true zero); got {value!r}.")
        numeric.append(number)
    return np.array(numeric, dtype=np.float64)


# --------------------------------------------------------------------------------------------
# Reasons: the exact strings callers (and tests) see when a statistic is undefined.


def _units(count: int) -> str:
    return f"{count} unit" if count == 1 else f"{count} units"


def _early_reason(coded: _Coded, two_coder_label: str | None = None) -> str | None:
    """Why nothing can be computed at all: empty table, one coder, wrong number of coders."""
    if coded.coders == 0:
        return "no data: the table has no coders"
    if coded.codes.shape[1] == 0:
        return "no data: the table has no units"
    if coded.coders == 1:
        return "only one coder: agreement needs at least two"
    if two_coder_label is not None and coded.coders != 2:
        return (
            f"{two_coder_label} needs exactly two coders; got {coded.coders} "
            "(use fleiss_kappa or krippendorff_alpha for more)"
        )
    if not coded.categories:
        return "no data: every value is missing"
    return None


def _no_variation(coded: _Coded, used_codes: IntArray) -> str | None:
    """The no-variation reason when the units used hold a single category, else ``None``."""
    distinct = np.flatnonzero(np.bincount(used_codes, minlength=len(coded.categories)))
    if distinct.size != 1:
        return None
    value = coded.categories[int(distinct[0])]
    where = "" if len(coded.categories) == 1 else " in the units used"
    return f"no variation: every value{where} is {value!r}"


def _undefined(statistic: str, coded: _Coded, reason: str, units: int = 0) -> AgreementResult:
    return AgreementResult(statistic, None, units, coded.coders, None, None, None, reason)


def _join(*parts: str | None) -> str | None:
    kept = [p for p in parts if p]
    return "; ".join(kept) if kept else None


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


def _corrected(observed: float, expected: float) -> _Evaluation:
    """(Po − Pe)/(1 − Pe); NaN if rounding ever left Pe at 1 where the checks said it could not be."""
    if expected >= 1:
        return _NAN, _NAN, _NAN
    return (observed - expected) / (1 - expected), observed, expected


def _alpha(observed: float, expected: float) -> _Evaluation:
    """1 − Do/De; NaN if rounding ever left De at 0 (values equal to the last bit)."""
    if expected <= 0:
        return _NAN, _NAN, _NAN
    return 1 - observed / expected, observed, expected


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


def reliability_table(
    rows: Sequence[Sequence[str]], *, transpose: bool = False, missing: Collection[str] = ()
) -> list[list[str | None]]:
    """Turn a CSV body into reliability data (coders × units).

    By default ``rows`` are units and columns are coders (one coder per column, as most
    spreadsheets are laid out); ``transpose=True`` reads rows as coders instead. Cells are
    stripped of surrounding spaces; an empty cell — or one equal to a token in ``missing``, such
    as Krippendorff's ``"*"`` or ``"."`` — becomes ``None``. Short rows are padded with ``None``
    because spreadsheet programs drop trailing empty cells.
    """
    blanks = {""} | {token.strip() for token in missing}
    cells = [[None if cell.strip() in blanks else cell.strip() for cell in row] for row in rows]
    width = max((len(row) for row in cells), default=0)
    padded: list[list[str | None]] = [row + [None] * (width - len(row)) for row in cells]
    if transpose:
        return padded
    return [[row[column] for row in padded] for column in range(width)]


#: Statistic name -> function, for the command line's ``--stat``.
STATISTICS: dict[str, Callable[..., AgreementResult]] = {
    "percent_agreement": percent_agreement,
    "cohen_kappa": cohen_kappa,
    "weighted_kappa": weighted_kappa,
    "scott_pi": scott_pi,
    "fleiss_kappa": fleiss_kappa,
    "brennan_prediger": brennan_prediger,
    "gwet_ac1": gwet_ac1,
    "krippendorff_alpha": krippendorff_alpha,
}
