"""Krippendorff's unitizing alpha (uα) for one code: published numbers, hand arithmetic, the
relation to nominal alpha, invariances, degenerate data and caller mistakes.

Sources of the published numbers:

* Krippendorff, K. (2004). Content Analysis, 2nd ed., section 11.6, worked example on p. 254
  (observers i and j on the continuum 150–450, categories c and k). The values pinned below —
  uD_o = 0.0144, uD_e = 0.0532, uα = 0.7286 for c and uD_e = 0.0490 for k — are the ones the DKPro
  Statistics project (org.dkpro.statistics.agreement.unitizing.Krippendorff2004Test) reproduces
  from the book; the hand arithmetic below re-derives them.
* Krippendorff, K. (1995). On the reliability of unitizing continuous data. Sociological
  Methodology 25: 47–76, the four pairs of coders A–D on a continuum of 24 (p. 57); the observed
  disagreements 0.03125, 2.26736, 0.02777, 0.38715 (again as reproduced by DKPro's
  Krippendorff1995Test). Only the observed ones are pinned: DKPro's authors suspect a small
  error in the paper's expected disagreement; uD_e here follows the 2004 form.
"""

from __future__ import annotations

import random
import time
from collections.abc import Mapping, Sequence
from fractions import Fraction

import krippendorff  # GPL: used only here, as an independent check
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qualcode.agreement.unitizing import (
    REASON_FEW_CODERS,
    REASON_NO_LENGTH,
    REASON_NO_UNITS,
    REASON_NO_VARIATION,
    UnitizingInputError,
    UnitizingResult,
    unitizing_alpha,
)
from qualcode.errors import QualcodeError

Spans = Sequence[Sequence[tuple[int, int]]]
Study = tuple[dict[str, Spans], list[int]]


def _offset_length(*pairs: tuple[int, int]) -> list[tuple[int, int]]:
    """Spans written as (offset, length), the way Krippendorff and DKPro list units."""
    return [(begin, begin + length) for begin, length in pairs]


# --- a direct, slow transcription of the definition, to check the vectorised one against ----------


def _reference(coders: Mapping[str, Spans], lengths: Sequence[int]) -> tuple[Fraction, Fraction]:
    """uD_o and uD_e in exact arithmetic: every pair of sections, every unit against every gap.

    Written from Krippendorff (2004) in his (begin, length) form, with the same input conventions
    as the module (clip, drop empty, merge overlapping but not touching spans, gaps end at the end
    of their document), and sharing no code with it.
    """
    total = sum(lengths)
    m = len(coders)
    per_coder: list[list[tuple[int, int, bool]]] = []
    for spans_per_doc in coders.values():
        sections: list[tuple[int, int, bool]] = []
        offset = 0
        for spans, n in zip(spans_per_doc, lengths, strict=True):
            clipped = sorted((min(max(s, 0), n), min(max(e, 0), n)) for s, e in spans)
            merged: list[list[int]] = []
            for s, e in clipped:
                if e <= s:
                    continue
                if merged and s < merged[-1][1]:
                    merged[-1][1] = max(merged[-1][1], e)
                else:
                    merged.append([s, e])
            pos = 0
            for s, e in merged:
                if s > pos:
                    sections.append((offset + pos, s - pos, False))
                sections.append((offset + s, e - s, True))
                pos = e
            if pos < n:
                sections.append((offset + pos, n - pos, False))
            offset += n
        per_coder.append(sections)

    def delta2(b1: int, l1: int, u1: bool, b2: int, l2: int, u2: bool) -> int:
        if u1 and u2 and -l1 < b1 - b2 < l2:
            return (b1 - b2) ** 2 + (b1 + l1 - b2 - l2) ** 2
        if u1 and not u2 and l2 - l1 >= b1 - b2 >= 0:
            return l1**2
        if not u1 and u2 and l1 - l2 >= b2 - b1 >= 0:
            return l2**2
        return 0

    observed = sum(
        delta2(*g, *h)
        for i, first in enumerate(per_coder)
        for j, second in enumerate(per_coder)
        if i != j
        for g in first
        for h in second
    )
    units = [length for sections in per_coder for (_, length, unit) in sections if unit]
    gaps = [length for sections in per_coder for (_, length, unit) in sections if not unit]
    n_units = len(units)
    numerator = sum(
        Fraction((n_units - 1) * (2 * u**3 - 3 * u**2 + u), 3) + u**2 * sum(g - u + 1 for g in gaps if g >= u)
        for u in units
    )
    pairable = m * total * (m * total - 1) - sum(u * (u - 1) for u in units)
    return Fraction(observed, m * (m - 1) * total**2), Fraction(2, total) * numerator / pairable


@st.composite
def studies(draw: st.DrawFn, max_coders: int = 4) -> Study:
    """A few coders on a few short documents; spans may stick out, overlap, touch or be empty."""
    lengths = draw(st.lists(st.integers(0, 25), min_size=1, max_size=3))
    m = draw(st.integers(2, max_coders))
    coders: dict[str, Spans] = {}
    for c in range(m):
        per_doc = []
        for n in lengths:
            spans = draw(
                st.lists(
                    st.tuples(st.integers(-3, n + 3), st.integers(0, 12)).map(lambda p: (p[0], p[0] + p[1])),
                    max_size=5,
                )
            )
            per_doc.append(spans)
        coders[f"coder{c}"] = per_doc
    return coders, lengths


# --- published worked examples -------------------------------------------------------------------


def test_krippendorff_2004_worked_example_category_c() -> None:
    # Krippendorff (2004: 254), continuum 150..450 (L = 300), shifted here to start at 0.
    # Observer i: c-units at 225+70 and 370+30; observer j: 220+80, 355+20 and 400+20.
    coders = {
        "i": [[(225 - 150, 295 - 150), (370 - 150, 400 - 150)]],
        "j": [[(220 - 150, 300 - 150), (355 - 150, 375 - 150), (400 - 150, 420 - 150)]],
    }
    result = unitizing_alpha(coders, [300])
    # δ² of the overlapping pairs: (225-220)² + (295-300)² = 50; (370-355)² + (400-375)² = 850;
    # j's 400+20 lies wholly in i's gap 400..450: 20² = 400. Σ = 1300, counted for (i,j) and (j,i):
    # uD_o = 2·1300 / (2·1·300²) = 13/900 = 0.01444.
    assert result.observed == pytest.approx(13 / 900, rel=1e-12)
    # Units 70, 30, 80, 20, 20 (N = 5); gaps 75, 75, 50 (i) and 70, 55, 25, 30 (j).
    # Σ (N-1)·l(l-1)(2l-1)/3 = 4·(223790 + 17110 + 334960 + 4940 + 4940) = 2342960
    # Σ l²·Σ_{g>=l}(g-l+1) = 4900·13 + 900·181 + 6400·0 + 2·400·247 = 424200
    # denominator 600·599 - (4830 + 870 + 6320 + 380 + 380) = 346620
    # uD_e = (2/300)·(2342960 + 424200) / 346620 = 0.05322
    assert result.expected == pytest.approx(2 * 2767160 / (300 * 346620), rel=1e-12)
    assert result.observed is not None and round(result.observed, 4) == 0.0144
    assert result.expected is not None and round(result.expected, 4) == 0.0532
    assert result.value is not None and round(result.value, 4) == 0.7286
    assert (result.coders, result.continua, result.length, result.reason) == (2, 1, 300, None)


def test_krippendorff_2004_worked_example_category_k() -> None:
    # Same figure, category k: both observers mark 180+60 and 300+50 — perfect agreement.
    both = [[(180 - 150, 240 - 150), (300 - 150, 350 - 150)]]
    result = unitizing_alpha({"i": both, "j": both}, [300])
    # Units 60, 50, 60, 50 (N = 4); gaps 30, 60, 100 for each observer.
    # Σ (N-1)·l(l-1)(2l-1)/3 = 3·2·(140420 + 80850) = 1327620
    # Σ l²·Σ_{g>=l}(g-l+1) = 2·3600·84 + 2·2500·124 = 1224800
    # uD_e = (2/300)·2552420 / (600·599 - 2·3540 - 2·2450) = 0.04898
    assert result.observed == 0.0
    assert result.expected == pytest.approx(2 * 2552420 / (300 * 347420), rel=1e-12)
    assert result.expected is not None and round(result.expected, 4) == 0.0490
    assert result.value == 1.0


# Krippendorff (1995: 57): four pairs of coders on a continuum of 24, (offset, length) per unit.
KRIPPENDORFF_1995 = {
    "A": (
        _offset_length((2, 8), (14, 6)),
        _offset_length((4, 4), (15, 2)),
        Fraction(18, 576),  # 0.03125
    ),
    "B": (
        _offset_length((0, 18)),
        _offset_length((0, 2), (2, 1), (3, 1), (4, 1), (5, 1), (6, 3), (9, 1)),
        Fraction(1306, 576),  # 2.26736: Jill's seven touching units each measured against John's one
    ),
    "C": (
        _offset_length((2, 6), (10, 2), (14, 4), (20, 2)),
        _offset_length((0, 2), (4, 4), (10, 4), (16, 2), (20, 2)),
        Fraction(16, 576),  # 0.02777
    ),
    "D": (
        _offset_length((0, 2), (2, 8), (10, 4), (14, 6), (20, 4)),
        _offset_length((0, 4), (4, 4), (8, 7), (15, 2), (17, 7)),
        Fraction(223, 576),  # 0.38715: both code everything, but cut it differently
    ),
}


@pytest.mark.parametrize("pair", sorted(KRIPPENDORFF_1995))
def test_krippendorff_1995_observed_disagreements(pair: str) -> None:
    first, second, observed = KRIPPENDORFF_1995[pair]
    result = unitizing_alpha({"first": [first], "second": [second]}, [24])
    assert result.observed == pytest.approx(float(observed), rel=1e-12)
    published = {"A": 0.03125, "B": 2.26736, "C": 0.02777, "D": 0.38715}[pair]
    assert result.observed == pytest.approx(published, abs=1e-5)


# --- hand-computed cases ---------------------------------------------------------------------------

# Two coders on one continuum of length 20:
#   A: units [2,8) and [12,15)     sections: gap 0-2 | unit 2-8 | gap 8-12 | unit 12-15 | gap 15-20
#   B: units [3,8) and [16,18)     sections: gap 0-3 | unit 3-8 | gap 8-16 | unit 16-18 | gap 18-20
HAND = {"A": [[(2, 8), (12, 15)]], "B": [[(3, 8), (16, 18)]]}


def test_hand_computed_two_coders_length_20() -> None:
    result = unitizing_alpha(HAND, [20])
    # Observed. Pairs of sections that overlap, with δ²:
    #   unit 2-8 (A) and unit 3-8 (B):     (2-3)² + (8-8)² = 1
    #   unit 12-15 (A) inside gap 8-16 (B): 3² = 9
    #   unit 16-18 (B) inside gap 15-20 (A): 2² = 4
    #   unit 2-8 (A) and gap 0-3 (B) only overlap partly: 0; likewise unit 3-8 (B) and gap 0-2 (A)
    #   Σ = 14, for (A,B) and (B,A): 28.   uD_o = 28 / (2·1·20²) = 0.035
    assert result.observed == pytest.approx(0.035, rel=1e-12)
    # Expected. Units 6, 3 (A) and 5, 2 (B): N = 4. Gaps 2, 4, 5 (A) and 3, 8, 2 (B).
    #   (N-1)·l(l-1)(2l-1)/3 = l(l-1)(2l-1):   330 + 30 + 180 + 6 = 546
    #   l²·Σ_{g>=l}(g-l+1):  l=6: 36·(8-5)             = 108
    #                        l=3:  9·(1+2+3+6)          = 108
    #                        l=5: 25·(1+4)              = 125
    #                        l=2:  4·(1+1+2+3+4+7)      =  72    Σ = 413
    #   denominator mL(mL-1) - Σ l(l-1) = 40·39 - (30 + 6 + 20 + 2) = 1502
    #   uD_e = (2/20)·(546 + 413) / 1502 = 959 / 15020
    assert result.expected == pytest.approx(959 / 15020, rel=1e-12)
    # uα = 1 - 0.035·15020/959 = 1 - 5257/9590 = 4333/9590
    assert result.value == pytest.approx(4333 / 9590, rel=1e-12)


def test_hand_computed_unit_against_empty_coder() -> None:
    # A codes [5,10) of a continuum of 20, B codes nothing.
    result = unitizing_alpha({"A": [[(5, 10)]], "B": [[]]}, [20])
    # Observed: A's unit lies inside B's only section, the gap 0-20: 5² = 25, both orders: 50.
    #   uD_o = 50 / (2·400) = 1/16
    assert result.observed == pytest.approx(1 / 16, rel=1e-12)
    # Expected: one unit (N = 1, so no unit-unit term); gaps 5, 10 (A) and 20 (B).
    #   25·((5-5+1) + (10-5+1) + (20-5+1)) = 25·23 = 575
    #   denominator 40·39 - 5·4 = 1540;   uD_e = (2/20)·575/1540 = 575/15400
    assert result.expected == pytest.approx(575 / 15400, rel=1e-12)
    # uα = 1 - (1/16)·(15400/575) = 1 - 15400/9200 = -0.6739...: worse than chance, as it should be.
    assert result.value == pytest.approx(1 - 15400 / 9200, rel=1e-12)


def test_identical_unitizing_is_one() -> None:
    spans: Spans = [[(0, 4), (4, 9), (15, 30)], [], [(3, 7)]]
    result = unitizing_alpha({"ana": spans, "bojan": spans, "vera": spans}, [40, 10, 12])
    assert result.observed == 0.0
    assert result.value == 1.0
    assert result.reason is None
    assert (result.coders, result.continua, result.length) == (3, 3, 62)


@settings(max_examples=200, deadline=None)
@given(studies())
def test_matches_direct_transcription_of_the_definition(study: Study) -> None:
    coders, lengths = study
    result = unitizing_alpha(coders, lengths)
    if sum(lengths) == 0:
        assert result.reason == REASON_NO_LENGTH
        return
    observed, expected = _reference(coders, lengths)
    assert result.observed == pytest.approx(float(observed), rel=1e-9, abs=1e-15)
    assert result.expected == pytest.approx(float(expected), rel=1e-9, abs=1e-15)


# --- relation to Krippendorff's nominal alpha --------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(
    st.integers(2, 4).flatmap(
        lambda m: st.lists(
            st.lists(st.lists(st.booleans(), min_size=m, max_size=m), min_size=1, max_size=15),
            min_size=1,
            max_size=3,
        )
    )
)
def test_one_character_units_equal_nominal_alpha(docs: list[list[list[bool]]]) -> None:
    # docs[d][t][c]: did coder c code character t of document d. Each coded character is its own
    # one-character unit. Then every unit-unit δ² is 0, a unit in another coder's gap costs 1,
    # the unit-unit chance term l(l-1)(2l-1)/3 vanishes and Σ_{g>=1} g is the total gap length, so
    # uα = 1 - (mL - 1)·o_coded,uncoded / (n_coded·n_uncoded): nominal alpha on the characters.
    m = len(docs[0][0])
    coders = {
        f"c{c}": [[(t, t + 1) for t, row in enumerate(doc) if row[c]] for doc in docs] for c in range(m)
    }
    result = unitizing_alpha(coders, [len(doc) for doc in docs])
    matrix = np.array([[row[c] for doc in docs for row in doc] for c in range(m)], dtype=float)
    if matrix.min() == matrix.max():
        # krippendorff refuses data without variation; uα reports why it has no value.
        assert result.value is None
        assert result.reason == (REASON_NO_VARIATION if matrix.max() == 1 else REASON_NO_UNITS)
        return
    nominal = krippendorff.alpha(reliability_data=matrix, level_of_measurement="nominal")
    assert result.value == pytest.approx(nominal, rel=1e-9, abs=1e-12)


def test_longer_units_are_not_nominal_alpha() -> None:
    # Krippendorff (1995) example A digitised character by character: nominal alpha is 0.329
    # (DKPro's Krippendorff1995Test), uα on the same spans is 0.515. uα treats a unit as one
    # indivisible whole and weighs boundary misplacements quadratically; nominal alpha counts
    # characters. The equivalence above needs one-character units.
    first, second, _ = KRIPPENDORFF_1995["A"]
    digitised = np.zeros((2, 24))
    for row, spans in enumerate((first, second)):
        for start, end in spans:
            digitised[row, start:end] = 1
    nominal = krippendorff.alpha(reliability_data=digitised, level_of_measurement="nominal")
    assert round(nominal, 3) == 0.329
    result = unitizing_alpha({"Bertha": [first], "Bill": [second]}, [24])
    assert result.value is not None and round(result.value, 3) == 0.515


# --- invariances ----------------------------------------------------------------------------------


@settings(max_examples=150, deadline=None)
@given(studies(), st.randoms(use_true_random=False))
def test_coder_order_and_names_do_not_matter(study: Study, rnd: random.Random) -> None:
    coders, lengths = study
    names = list(coders)
    shuffled = names[:]
    rnd.shuffle(shuffled)
    renamed = {f"x{k}": coders[name] for k, name in enumerate(shuffled)}
    original, permuted = unitizing_alpha(coders, lengths), unitizing_alpha(renamed, lengths)
    assert permuted.reason == original.reason
    for field in ("value", "observed", "expected"):
        a, b = getattr(original, field), getattr(permuted, field)
        assert (a is None and b is None) or b == pytest.approx(a, rel=1e-12, abs=1e-15)


def test_swapping_two_coders() -> None:
    swapped = {"B": HAND["B"], "A": HAND["A"]}
    assert unitizing_alpha(swapped, [20]) == unitizing_alpha(HAND, [20])


@settings(max_examples=150, deadline=None)
@given(studies(), st.randoms(use_true_random=False))
def test_document_order_does_not_matter(study: Study, rnd: random.Random) -> None:
    coders, lengths = study
    order = list(range(len(lengths)))
    rnd.shuffle(order)
    moved = {name: [spans[d] for d in order] for name, spans in coders.items()}
    a, b = unitizing_alpha(coders, lengths), unitizing_alpha(moved, [lengths[d] for d in order])
    assert a.reason == b.reason
    for field in ("value", "observed", "expected"):
        x, y = getattr(a, field), getattr(b, field)
        assert (x is None and y is None) or y == pytest.approx(x, rel=1e-12, abs=1e-15)


def test_splitting_where_every_coder_has_a_boundary_changes_nothing() -> None:
    # Cut HAND's continuum at 8, where both A's and B's first unit ends: two documents, 8 + 12.
    split = {"A": [[(2, 8)], [(4, 7)]], "B": [[(3, 8)], [(8, 10)]]}
    pooled, two = unitizing_alpha(HAND, [20]), unitizing_alpha(split, [8, 12])
    assert two.continua == 2 and two.length == 20
    assert two.observed == pytest.approx(pooled.observed, rel=1e-12)
    assert two.expected == pytest.approx(pooled.expected, rel=1e-12)
    assert two.value == pytest.approx(pooled.value, rel=1e-12)


def test_splitting_through_a_gap_only_changes_the_chance_model() -> None:
    # Cut HAND at 10, inside A's gap 8-12 and B's gap 8-16; no span crosses the cut. The
    # observed disagreement is the same, but as separate documents those gaps end at 10, so
    # fewer chance placements of units into gaps exist and uD_e is smaller: gaps are cut at
    # document boundaries, by design (see the module docstring on pooling).
    split = {"A": [[(2, 8)], [(2, 5)]], "B": [[(3, 8)], [(6, 8)]]}
    pooled, two = unitizing_alpha(HAND, [20]), unitizing_alpha(split, [10, 10])
    assert two.observed == pytest.approx(pooled.observed, rel=1e-12)
    assert two.expected is not None and pooled.expected is not None
    assert two.expected < pooled.expected
    # Gaps now 2, 2 | 2, 5 (A) and 3, 2 | 6, 2 (B); only the l²·Σ_{g>=l}(g-l+1) terms change:
    #   l=6: 36·1 = 36;  l=3: 9·(1+3+4) = 72;  l=5: 25·(1+2) = 75;  l=2: 4·(1·5 + 2 + 4 + 5) = 64
    #   Σ = 247 instead of 413;  uD_e = (2/20)·(546 + 247)/1502 = 793/15020
    assert two.expected == pytest.approx(793 / 15020, rel=1e-12)


@settings(max_examples=100, deadline=None)
@given(studies(max_coders=3), st.integers(2, 7))
def test_scaling_positions_keeps_the_observed_disagreement(study: Study, factor: int) -> None:
    coders, lengths = study
    scaled = {
        name: [[(s * factor, e * factor) for s, e in doc] for doc in spans] for name, spans in coders.items()
    }
    a, b = unitizing_alpha(coders, lengths), unitizing_alpha(scaled, [n * factor for n in lengths])
    assert a.reason == b.reason or REASON_NO_VARIATION in (a.reason, b.reason)
    if a.observed is not None:
        assert b.observed == pytest.approx(a.observed, rel=1e-12, abs=1e-15)


def test_scaling_changes_the_expected_disagreement_only_by_resolution() -> None:
    # uD_e counts discrete placements (l-1, +1), so finer resolution changes it slightly and uα
    # converges as the resolution grows: 0.4518 at ×1, 0.4740 at ×16, 0.47585 at ×2048 and ×4096.
    def at(factor: int) -> UnitizingResult:
        scaled = {n: [[(s * factor, e * factor) for s, e in doc] for doc in v] for n, v in HAND.items()}
        return unitizing_alpha(scaled, [20 * factor])

    coarse, fine, finer = at(1), at(2048), at(4096)
    assert coarse.value is not None and fine.value is not None and finer.value is not None
    assert fine.value - coarse.value == pytest.approx(0.024, abs=1e-3)
    assert finer.value == pytest.approx(fine.value, abs=1e-5)


# --- input conventions ----------------------------------------------------------------------------


def test_spans_are_clipped_to_their_document() -> None:
    outside = {"A": [[(-5, 8), (12, 15), (25, 40)]], "B": [[(3, 8), (16, 99)]]}
    clipped = {"A": [[(0, 8), (12, 15)]], "B": [[(3, 8), (16, 20)]]}
    assert unitizing_alpha(outside, [20]) == unitizing_alpha(clipped, [20])


def test_overlapping_spans_of_one_coder_are_merged() -> None:
    overlapping = {"A": [[(12, 14), (2, 6), (4, 8), (13, 15), (2, 8)]], "B": HAND["B"]}
    assert unitizing_alpha(overlapping, [20]) == unitizing_alpha(HAND, [20])


def test_touching_spans_stay_separate_units() -> None:
    # (2, 5) + (5, 8) is two units; (2, 8) is one. uα tells them apart: B's unit 3-8 now
    # overlaps two of A's units, δ² = (2-3)² + (5-8)² + (5-3)² + (8-8)² = 14 instead of 1.
    touching = {"A": [[(2, 5), (5, 8), (12, 15)]], "B": HAND["B"]}
    result = unitizing_alpha(touching, [20])
    assert result.observed == pytest.approx(2 * (14 + 9 + 4) / (2 * 400), rel=1e-12)
    assert result.value != unitizing_alpha(HAND, [20]).value


def test_empty_spans_are_ignored() -> None:
    with_empty = {"A": [[(2, 8), (10, 10), (12, 15)]], "B": [[(3, 8), (16, 18), (0, 0)]]}
    assert unitizing_alpha(with_empty, [20]) == unitizing_alpha(HAND, [20])


def test_result_to_dict() -> None:
    result = unitizing_alpha(HAND, [20])
    assert result.to_dict() == {
        "value": result.value,
        "observed": 0.035,
        "expected": result.expected,
        "coders": 2,
        "continua": 1,
        "length": 20,
        "reason": None,
    }
    with pytest.raises(AttributeError):
        result.value = 0.0  # type: ignore[misc]


# --- degenerate data ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("coders", "lengths", "reason", "observed", "expected"),
    [
        pytest.param({}, [20], REASON_FEW_CODERS, None, None, id="no coders"),
        pytest.param({"A": [[(0, 5)]]}, [20], REASON_FEW_CODERS, None, None, id="one coder"),
        pytest.param(
            {"A": [[(0, 5)], []], "B": [[], []]}, [0, 0], REASON_NO_LENGTH, None, None, id="zero length"
        ),
        pytest.param({"A": [], "B": []}, [], REASON_NO_LENGTH, None, None, id="no documents"),
        pytest.param({"A": [[]], "B": [[]]}, [20], REASON_NO_UNITS, 0.0, 0.0, id="nobody coded"),
        pytest.param(
            {"A": [[(30, 40), (5, 5)]], "B": [[(-9, 0)]]}, [20], REASON_NO_UNITS, 0.0, 0.0, id="only outside"
        ),
        pytest.param(
            {"A": [[(t, t + 1) for t in range(6)]], "B": [[(t, t + 1) for t in range(6)]]},
            [6],
            REASON_NO_VARIATION,
            0.0,
            0.0,
            id="everything coded in one-character units",
        ),
    ],
)
def test_degenerate_data_has_no_value_and_says_why(
    coders: dict[str, Spans], lengths: list[int], reason: str, observed: float | None, expected: float | None
) -> None:
    result = unitizing_alpha(coders, lengths)
    assert result.value is None
    assert result.reason == reason
    assert (result.observed, result.expected) == (observed, expected)
    assert result.coders == len(coders)


def test_everything_coded_in_whole_units_is_still_a_unitizing() -> None:
    # Coders who both code each whole document agree perfectly on the units: uD_o = 0 while
    # uD_e > 0 (units could have been placed to overlap partly), so uα = 1 — not "no variation".
    # Cutting the same coverage differently is a real disagreement (Krippendorff 1995, pair D).
    whole = {"A": [[(0, 10)], [(0, 6)]], "B": [[(0, 10)], [(0, 6)]]}
    assert unitizing_alpha(whole, [10, 6]).value == 1.0
    first, second, _ = KRIPPENDORFF_1995["D"]
    cut_differently = unitizing_alpha({"Heather": [first], "Hill": [second]}, [24])
    assert cut_differently.value is not None and cut_differently.value < 0


@settings(max_examples=200, deadline=None)
@given(studies())
def test_value_is_at_most_one_and_never_nan(study: Study) -> None:
    coders, lengths = study
    result = unitizing_alpha(coders, lengths)
    assert (result.value is None) == (result.reason is not None)
    if result.value is not None:
        assert result.value <= 1.0
        assert np.isfinite(result.value)
    for part in (result.observed, result.expected):
        assert part is None or (np.isfinite(part) and part >= 0.0)


# --- caller mistakes ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("coders", "lengths", "message"),
    [
        pytest.param({"A": [[]], "B": [[]]}, [-1], "shorter than 0", id="negative length"),
        pytest.param({"A": [[]], "B": [[]]}, [2.5], "whole number", id="fractional length"),
        pytest.param({"A": [[(8, 3)]], "B": [[]]}, [20], "ends before it starts", id="end before start"),
        pytest.param(
            {"A": [[], []], "B": [[]]}, [20], "for 2 documents but there are 1", id="too many lists"
        ),
        pytest.param({"A": [[]], "B": []}, [20], "for 0 documents but there are 1", id="too few lists"),
        pytest.param({"A": [[(1.5, 3)]], "B": [[]]}, [20], "pair of whole numbers", id="float position"),
        pytest.param({"A": [[(1, 2, 3)]], "B": [[]]}, [20], "pair of whole numbers", id="triple"),
        pytest.param({"A": [[("1", "2")]], "B": [[]]}, [20], "pair of whole numbers", id="strings"),
        pytest.param({"A": "spans", "B": [[]]}, [20], "give one list of", id="string"),
        pytest.param({"A": [(2, 8)], "B": [[]]}, [20], "pair of whole numbers", id="missing nesting"),
    ],
)
def test_caller_mistakes_raise(coders: dict[str, Spans], lengths: list[int], message: str) -> None:
    with pytest.raises(UnitizingInputError, match=message) as caught:
        unitizing_alpha(coders, lengths)
    assert isinstance(caught.value, QualcodeError)


def test_mistakes_are_reported_even_with_a_single_coder() -> None:
    with pytest.raises(UnitizingInputError, match="ends before it starts"):
        unitizing_alpha({"A": [[(5, 1)]]}, [20])


# --- speed ----------------------------------------------------------------------------------------


def _large_study(n_docs: int, n_coders: int, n_spans: int, seed: int = 7) -> Study:
    """Realistic-looking codings: sorted, mostly disjoint spans, the coders' boundaries jittered."""
    rng = np.random.default_rng(seed)
    doc_length = n_spans * 100
    base = np.sort(rng.integers(0, doc_length - 80, size=(n_docs, n_spans)), axis=1)
    coders: dict[str, Spans] = {}
    for c in range(n_coders):
        starts = np.clip(base + rng.integers(-5, 6, size=base.shape), 0, None)
        ends = starts + rng.integers(5, 80, size=base.shape)
        coders[f"coder{c}"] = [
            list(zip(s.tolist(), e.tolist(), strict=True)) for s, e in zip(starts, ends, strict=True)
        ]
    return coders, [doc_length] * n_docs


def test_large_study_runs_fast() -> None:
    # 500 documents × 2 coders × 2,000 spans each (2,000,000 spans on 100 million characters).
    # The bound is loose on purpose (a loaded CI machine); anything that loops over characters
    # or over pairs of spans in Python takes minutes, not seconds.
    coders, lengths = _large_study(500, 2, 2000)
    started = time.perf_counter()
    result = unitizing_alpha(coders, lengths)
    elapsed = time.perf_counter() - started
    assert result.value is not None and 0.0 < result.value < 1.0
    assert elapsed < 5.0
