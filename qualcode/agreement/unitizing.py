"""Krippendorff's unitizing alpha (uα) for one code, computed from the coders' span boundaries.

What is measured
----------------
For ONE code, each coder's codings split every document (a *continuum*) into *sections*: the
stretches the coder coded with the code (*units*) and the stretches in between (*gaps*). uα
says how well the coders agree on where the units are — their positions and extents — relative
to how well they would agree by chance. This is the binary case (one category against gaps) of

    Krippendorff, K. (1995). On the reliability of unitizing continuous data.
        Sociological Methodology 25: 47–76;

in the form restated, with the corrected expected disagreement, in

    Krippendorff, K. (2004). Content Analysis: An Introduction to Its Methodology, 2nd ed.,
        section 11.6 (worked example p. 254). Thousand Oaks, CA: Sage.

The definition (one code, ``m`` coders, a continuum of length ``L``)
-------------------------------------------------------------------
Coder ``i``'s sections are ``g = [b_ig, e_ig)`` with length ``l_ig = e_ig - b_ig`` and
``w_ig = 1`` for a unit, ``0`` for a gap. The distance between a section ``g`` of coder ``i`` and a
section ``h`` of another coder ``j`` is::

    δ²(ig, jh) = (b_ig - b_jh)² + (e_ig - e_jh)²   both units and they overlap
               = l_ig²                           ig a unit lying wholly inside the gap jh
               = l_jh²                           jh a unit lying wholly inside the gap ig
               = 0                               otherwise

    uD_o = Σ_i Σ_{j≠i} Σ_g Σ_h δ²(ig, jh)  /  ( m (m-1) L² )

    uD_e = (2/L) · Σ_units u [ (N-1) · l_u (l_u - 1)(2 l_u - 1) / 3
                               + l_u² · Σ_{gaps γ with l_γ ≥ l_u} (l_γ - l_u + 1) ]
           /  [ mL (mL - 1) - Σ_units u l_u (l_u - 1) ]

    uα = 1 - uD_o / uD_e

where the sums over units and gaps run over all coders' units and gaps and ``N`` is the number of
units of all coders together. The first expected term is the chance disagreement between two
units that happen to overlap, the second that of a unit falling wholly inside a gap somewhere;
``(2 l³ - 3 l² + l) / 3 = l (l-1)(2l-1) / 3`` is the 2004 form of the first term. Published
check: the 2004 worked example (continuum 150–450, category ``c``: uD_o = 0.0144, uD_e = 0.0532,
uα = 0.7286, as reproduced by the DKPro Statistics test of that example) and the observed
disagreements of the four pairs of coders in Krippendorff (1995) are re-derived by hand and
reproduced in ``tests/test_agreement_unitizing.py``.

Properties worth knowing (each is pinned by a test):

* Units are measured in characters, and the expected disagreement counts the discrete ways a
  unit can be placed (the ``l - 1`` and ``+ 1`` terms). uD_o is invariant under scaling every
  position by the same factor; uD_e, and so uα, only approximately (they converge as the
  resolution grows).
* When every unit is one character long, uα equals Krippendorff's nominal alpha on the
  per-character coded / not-coded values, for any number of coders. Longer units are
  indivisible wholes for uα, so in general uα is *not* the character-level nominal alpha.
* Krippendorff, Mathet, Bouvry & Widlöcher (2016, Quality & Quantity 50: 2347–2364) report that
  this definition does not behave as expected with more than two coders, modify it and extend
  it to a family of four coefficients (among them ``cuα`` and ``|cuα``). That revision is *not*
  implemented here (its exact formulas were not available to check against); with more than two
  coders this module computes the 2004 definition above, δ² averaged over all ordered pairs of
  coders.

How the input becomes sections
------------------------------
* Spans are half-open ``(start, end)`` character offsets into their continuum.
* Spans are clipped to ``[0, length)`` of their continuum; what is left empty (a span wholly
  outside, or ``start == end``) is dropped. Clipping is not an error: a document may have been
  shortened after it was coded.
* Overlapping spans of one coder are merged into one unit (a stretch is coded or not).
  Spans that merely touch (``(0, 5)`` and ``(5, 9)``) stay two units, as in Krippendorff's own
  examples: a coder who marks a boundary there has unitized differently from one who does not.

How several continua are pooled
-------------------------------
Krippendorff defines uα on one continuum. Several documents are laid end to end into one
continuum of length ``L = Σ lengths`` — every sum above runs over all documents and ``L`` is the
total — with one refinement: each document boundary is a section boundary for every coder, so a
gap ends where its document ends. No unit crosses a document boundary, so chance placements
must not either; it also makes the result independent of the order of the documents. (uD_o is
the same with or without the refinement; only uD_e's gap lengths depend on it.)

Degenerate data give ``value=None`` and a ``reason``, never NaN: fewer than two coders, a zero
total length, no coder applying the code, or a zero expected disagreement (every coder coded
every position, in one-character units). Caller mistakes raise :class:`UnitizingInputError`.

Computation
-----------
Everything is interval arithmetic on section boundaries with numpy, never a loop over
characters: for each pair of coders the union of both coders' boundaries cuts the continuum into
elementary segments on which both coders' sections are constant, and each segment identifies
exactly one pair of overlapping sections (two intervals intersect in one interval), so uD_o is a
vectorised sum over those segments. uD_e needs, for each unit, the count and total length of the
gaps at least as long as it: one sort of the gap lengths, suffix sums and a binary search.
"""

from __future__ import annotations

import operator
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from itertools import chain

import numpy as np
import numpy.typing as npt

from qualcode.errors import QualcodeError

__all__ = [
    "REASON_FEW_CODERS",
    "REASON_NO_LENGTH",
    "REASON_NO_UNITS",
    "REASON_NO_VARIATION",
    "UnitizingInputError",
    "UnitizingResult",
    "unitizing_alpha",
]

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

REASON_FEW_CODERS = (
    "fewer than two coders: agreement needs at least two coders' codings of the same documents"
)
REASON_NO_LENGTH = "the documents have zero total length: there is nothing to unitize"
REASON_NO_UNITS = "no coder applied the code: there is nothing to agree or disagree on"
REASON_NO_VARIATION = (
    "no variation: every coder coded every position in one-character units, so the expected "
    "disagreement is zero and agreement cannot be told apart from chance"
)


class UnitizingInputError(QualcodeError):
    """The spans or lengths handed to :func:`unitizing_alpha` do not describe a unitizing study."""


@dataclass(frozen=True)
class UnitizingResult:
    """uα for one code, with the parts it is made of.

    ``value`` is ``1 - observed / expected``, or ``None`` when the data cannot support it (then
    ``reason`` says why). ``observed`` and ``expected`` are uD_o and uD_e; they are ``None`` only
    when they are undefined (fewer than two coders, or zero length). ``coders``, ``continua`` and
    ``length`` describe the pooled study: how many coders, how many documents, total length.
    """

    value: float | None
    observed: float | None
    expected: float | None
    coders: int
    continua: int
    length: int
    reason: str | None

    def to_dict(self) -> dict[str, float | int | str | None]:
        """A JSON-ready dictionary with the fields above, in declaration order."""
        return asdict(self)


@dataclass(frozen=True)
class _Sections:
    """One coder's sections on the pooled continuum.

    ``bounds`` are the sorted, distinct section boundaries (the first is 0, the last ``L``);
    section ``k`` is ``[bounds[k], bounds[k + 1])`` and ``is_unit[k]`` tells a unit from a gap.
    """

    bounds: IntArray
    is_unit: BoolArray

    @property
    def lengths(self) -> IntArray:
        return np.diff(self.bounds)


def unitizing_alpha(
    coders: Mapping[str, Sequence[Sequence[tuple[int, int]]]],
    lengths: Sequence[int],
) -> UnitizingResult:
    """Krippendorff's uα for one code (units versus gaps), pooled over several documents.

    ``coders`` maps each coder's name to one list of ``(start, end)`` spans per document, in the
    order of ``lengths`` (an empty list where the coder coded nothing — a coder who coded nothing
    at all still counts as a coder). ``lengths`` gives each document's length in the same units
    as the spans (characters). See the module docstring for the exact definition, how spans are
    clipped and merged and how documents are pooled.

    Raises :class:`UnitizingInputError` for a negative length, a span that ends before it
    starts, a position that is not an integer, or a coder whose number of span lists differs
    from the number of documents.
    """
    doc_lengths = _checked_lengths(lengths)
    doc_bounds = np.concatenate([np.zeros(1, dtype=np.int64), np.cumsum(doc_lengths, dtype=np.int64)])
    # Validate every coder before looking at degenerate cases: a caller's mistake must surface
    # even when the study happens to be too small to compute anything.
    sections = [_coder_sections(str(name), spans, doc_lengths, doc_bounds) for name, spans in coders.items()]

    m = len(sections)
    total = int(doc_bounds[-1])

    def result(
        value: float | None, observed: float | None, expected: float | None, reason: str | None
    ) -> UnitizingResult:
        return UnitizingResult(
            value=value,
            observed=observed,
            expected=expected,
            coders=m,
            continua=len(doc_lengths),
            length=total,
            reason=reason,
        )

    if m < 2:
        return result(None, None, None, REASON_FEW_CODERS)
    if total == 0:
        return result(None, None, None, REASON_NO_LENGTH)
    observed = _observed_disagreement(sections, total)
    expected = _expected_disagreement(sections, total)
    if not any(bool(s.is_unit.any()) for s in sections):
        return result(None, observed, expected, REASON_NO_UNITS)
    if expected == 0.0:
        return result(None, observed, expected, REASON_NO_VARIATION)
    return result(1.0 - observed / expected, observed, expected, None)


def _is_list_like(value: object) -> bool:
    """A sequence of items; a string is a sequence too, but never a list of spans or lengths."""
    return (isinstance(value, Sequence) and not isinstance(value, str | bytes)) or isinstance(
        value, np.ndarray
    )


def _checked_lengths(lengths: Sequence[int]) -> IntArray:
    if not _is_list_like(lengths):
        raise UnitizingInputError("lengths must be a list with one length per document")
    out = np.empty(len(lengths), dtype=np.int64)
    for k, value in enumerate(lengths):
        if isinstance(value, bool):
            raise UnitizingInputError(
                f"length of document {k} is {value!r}; give a whole number of characters"
            )
        try:
            n = operator.index(value)
        except TypeError:
            raise UnitizingInputError(
                f"length of document {k} is {value!r}; give a whole number of characters"
            ) from None
        if n < 0:
            raise UnitizingInputError(f"length of document {k} is {n}; a document cannot be shorter than 0")
        out[k] = n
    return out


def _coder_sections(
    name: str,
    per_document: Sequence[Sequence[tuple[int, int]]],
    doc_lengths: IntArray,
    doc_bounds: IntArray,
) -> _Sections:
    """Validate, clip, pool and merge one coder's spans, and cut the continuum into sections."""
    n_docs = len(doc_lengths)
    if not _is_list_like(per_document):
        raise UnitizingInputError(f"coder {name!r}: give one list of (start, end) spans per document")
    if len(per_document) != n_docs:
        raise UnitizingInputError(
            f"coder {name!r} has span lists for {len(per_document)} documents but there are {n_docs} "
            "lengths; give one list per document, an empty one where the coder coded nothing"
        )
    if not all(_is_list_like(spans) for spans in per_document):
        raise UnitizingInputError(f"coder {name!r}: give one list of (start, end) spans per document")
    counts = np.fromiter((len(spans) for spans in per_document), dtype=np.int64, count=n_docs)
    spans = _span_array(name, list(chain.from_iterable(per_document)))
    doc = np.repeat(np.arange(n_docs), counts)
    starts, ends = spans[:, 0], spans[:, 1]

    backwards = np.flatnonzero(ends < starts)
    if backwards.size:
        k = int(backwards[0])
        raise UnitizingInputError(
            f"coder {name!r}, document {int(doc[k])}: span ({int(starts[k])}, {int(ends[k])}) ends "
            "before it starts; spans are half-open (start, end) with start <= end"
        )

    # Clip to the document, drop what is left empty, then move onto the pooled continuum.
    limit = doc_lengths[doc]
    starts = np.clip(starts, 0, limit)
    ends = np.clip(ends, 0, limit)
    keep = ends > starts
    offset = doc_bounds[:-1][doc[keep]]
    starts = starts[keep] + offset
    ends = ends[keep] + offset

    unit_starts, unit_ends = _merge_overlapping(starts, ends)
    # Units are disjoint and never cross a document boundary, so no boundary falls inside a unit
    # and every section that does not begin at a unit start is a gap.
    interleaved = np.empty(2 * unit_starts.size, dtype=np.int64)
    interleaved[0::2], interleaved[1::2] = unit_starts, unit_ends
    bounds = _merge_sorted(interleaved, doc_bounds)
    is_unit = np.isin(bounds[:-1], unit_starts, assume_unique=True)
    return _Sections(bounds=bounds, is_unit=is_unit)


def _span_array(name: str, flat: list[tuple[int, int]]) -> IntArray:
    """The spans as an (n, 2) int64 array; anything but pairs of integers is the caller's mistake."""
    if not flat:
        return np.empty((0, 2), dtype=np.int64)
    problem = f"coder {name!r}: every span must be a pair of whole numbers (start, end)"
    try:
        arr = np.array(flat)
    except (ValueError, TypeError, OverflowError):
        raise UnitizingInputError(problem) from None
    # numpy infers the dtype from the values, so floats, strings, booleans and integers beyond
    # 64 bits all show up here instead of being silently truncated by a forced int64 cast.
    if arr.ndim != 2 or arr.shape[1] != 2 or arr.dtype.kind not in "iu":
        raise UnitizingInputError(problem)
    if arr.dtype.kind == "u" and arr.size and int(arr.max()) > np.iinfo(np.int64).max:
        raise UnitizingInputError(problem)
    return arr.astype(np.int64, copy=False)


def _merge_sorted(first: IntArray, second: IntArray) -> IntArray:
    """Distinct values of two ascending arrays, ascending.

    A stable sort of two concatenated ascending runs is a linear merge (timsort finds the runs);
    np.unique / np.union1d would hash or fully sort, several times slower on millions of bounds.
    """
    both = np.sort(np.concatenate([first, second]), kind="stable")
    if both.size == 0:
        return both
    keep = np.empty(both.size, dtype=bool)
    keep[0] = True
    np.not_equal(both[1:], both[:-1], out=keep[1:])
    return both[keep]


def _merge_overlapping(starts: IntArray, ends: IntArray) -> tuple[IntArray, IntArray]:
    """Union of overlapping spans; spans that only touch stay separate units."""
    if starts.size == 0:
        return starts, ends
    # Ties in start need no particular order: the running maximum of the ends decides.
    order = np.argsort(starts)
    starts, ends = starts[order], ends[order]
    reach = np.maximum.accumulate(ends)
    # A span opens a new unit when it starts at or after everything before it has ended.
    opens = np.empty(starts.size, dtype=bool)
    opens[0] = True
    opens[1:] = starts[1:] >= reach[:-1]
    first = np.flatnonzero(opens)
    last = np.append(first[1:] - 1, starts.size - 1)
    return starts[first], reach[last]


def _observed_disagreement(sections: Sequence[_Sections], total: int) -> float:
    """uD_o: Σ over ordered pairs of coders of Σ δ² over overlapping sections, normalised."""
    m = len(sections)
    pair_sum = 0.0
    for a in range(m):
        for b in range(a + 1, m):
            pair_sum += _pair_delta_sum(sections[a], sections[b])
    # Each unordered pair of coders stands for the two ordered pairs (i, j) and (j, i); δ² is
    # symmetric, so the ordered sum is twice the unordered one.
    return 2.0 * pair_sum / (m * (m - 1) * float(total) ** 2)


def _pair_delta_sum(first: _Sections, second: _Sections) -> float:
    """Σ δ² over all pairs of overlapping sections of two coders."""
    cuts = _merge_sorted(first.bounds, second.bounds)
    left = cuts[:-1]
    # The section of each coder that contains each elementary segment. Within one pair of
    # overlapping sections there is no boundary of either coder, so each pair is met once.
    ia = np.searchsorted(first.bounds, left, side="right") - 1
    ib = np.searchsorted(second.bounds, left, side="right") - 1
    ba = first.bounds[ia].astype(np.float64)
    ea = first.bounds[ia + 1].astype(np.float64)
    bb = second.bounds[ib].astype(np.float64)
    eb = second.bounds[ib + 1].astype(np.float64)
    ua = first.is_unit[ia]
    ub = second.is_unit[ib]

    both = ua & ub
    a_in_gap = ua & ~ub & (bb <= ba) & (ea <= eb)
    b_in_gap = ub & ~ua & (ba <= bb) & (eb <= ea)
    total = float(np.sum((ba[both] - bb[both]) ** 2 + (ea[both] - eb[both]) ** 2))
    total += float(np.sum((ea[a_in_gap] - ba[a_in_gap]) ** 2))
    total += float(np.sum((eb[b_in_gap] - bb[b_in_gap]) ** 2))
    return total


def _expected_disagreement(sections: Sequence[_Sections], total: int) -> float:
    """uD_e of Krippendorff (2004): chance disagreement of all units against all units and gaps."""
    m = len(sections)
    # Sorted unit lengths make the binary search below walk the gaps in order (cache friendly,
    # several times faster on millions of units); the sums do not depend on the order.
    units = np.sort(np.concatenate([s.lengths[s.is_unit] for s in sections]))
    gaps = np.sort(np.concatenate([s.lengths[~s.is_unit] for s in sections]))
    n_units = units.size

    # For each unit length l: how many gaps are at least l long, and Σ (gap - l + 1) over them —
    # the number of positions at which the unit fits wholly inside a gap.
    suffix = np.zeros(gaps.size + 1, dtype=np.int64)
    suffix[:-1] = np.cumsum(gaps[::-1])[::-1]
    first_fit = np.searchsorted(gaps, units, side="left")
    fitting = (gaps.size - first_fit).astype(np.float64)
    placements = suffix[first_fit].astype(np.float64) - (units.astype(np.float64) - 1.0) * fitting

    length = units.astype(np.float64)
    unit_unit = (n_units - 1) * length * (length - 1.0) * (2.0 * length - 1.0) / 3.0
    unit_gap = length**2 * placements
    numerator = float(np.sum(unit_unit) + np.sum(unit_gap))
    pairable = float(m * total) * float(m * total - 1) - float(np.sum(length * (length - 1.0)))
    # pairable > 0 whenever m >= 2 and total > 0: each coder's units fit in L, so
    # Σ l(l-1) <= m L (L-1) < mL (mL-1).
    return 2.0 * numerator / (float(total) * pairable)
