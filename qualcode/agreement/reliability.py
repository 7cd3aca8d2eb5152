"""Reliability data for the agreement statistics: input types, encoding, results, reasons.

The coders × units table (see :mod:`qualcode.agreement.statistics` for the conventions) is
encoded once into integer codes so that every statistic works on arrays; this module also holds
the result types, the category order and numeric values used by the ordered statistics, the
exact reasons a statistic is undefined, and :func:`reliability_table` for CSV input.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Collection, Hashable, Sequence
from dataclasses import asdict, dataclass
from itertools import chain
from typing import Any, TypeAlias

import numpy as np
from numpy.typing import NDArray

from qualcode.errors import QualcodeError

FloatArray: TypeAlias = NDArray[np.float64]
IntArray: TypeAlias = NDArray[np.int64]
#: Coders × units; ``None`` (or NaN) marks a missing value.
ReliabilityData: TypeAlias = Sequence[Sequence[Hashable | None]] | NDArray[Any]


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
