"""Agreement statistics: published worked examples, independent implementations, and edge cases.

Every exact value below comes from a publication (cited in the test's docstring) or from a
second implementation (scikit-learn, statsmodels, the krippendorff package, or the naive
formula-by-formula reference at the end of this module); none is a number this module produced.
"""

from __future__ import annotations

import csv
import json
import math
import re
import warnings
from collections.abc import Callable, Hashable, Sequence
from pathlib import Path
from typing import Any

import krippendorff
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sklearn.metrics import cohen_kappa_score
from statsmodels.stats.inter_rater import aggregate_raters
from statsmodels.stats.inter_rater import fleiss_kappa as sm_fleiss_kappa

from qualcode.agreement import statistics as stats_module
from qualcode.agreement.statistics import (
    STATISTICS,
    AgreementInputError,
    AgreementResult,
    Interval,
    brennan_prediger,
    cohen_kappa,
    fleiss_kappa,
    gwet_ac1,
    krippendorff_alpha,
    percent_agreement,
    reliability_table,
    scott_pi,
    weighted_kappa,
)
from qualcode.errors import QualcodeError

FIXTURES = Path(__file__).resolve().parent / "fixtures"
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
N = None
NO_ORDER = (
    "no order: the categories are text (or of mixed kinds) with no natural order; "
    "pass categories=[...] from lowest to highest"
)

Table = list[list[Any]]

# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C: observers A-D × units 1-12.
KRIPPENDORFF_2011: Table = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, N, N, N],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, N, 3],
    [N, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, N],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, N],
]


def two_by_two(yes_yes: int, yes_no: int, no_yes: int, no_no: int) -> Table:
    """Two coders' rows from a 2 × 2 table (first coder's answer first)."""
    first = ["Yes"] * (yes_yes + yes_no) + ["No"] * (no_yes + no_no)
    second = ["Yes"] * yes_yes + ["No"] * yes_no + ["Yes"] * no_yes + ["No"] * no_no
    return [first, second]


def from_contingency(table: Sequence[Sequence[int]], labels: Sequence[Hashable]) -> Table:
    """Two coders' rows from a contingency table (rows: first coder, columns: second coder)."""
    first: list[Hashable] = []
    second: list[Hashable] = []
    for i, row in enumerate(table):
        for j, count in enumerate(row):
            first += [labels[i]] * count
            second += [labels[j]] * count
    return [first, second]


def from_counts(counts: Sequence[Sequence[int]]) -> Table:
    """Raters × subjects from a subjects × categories table of counts (raters are interchangeable)."""
    columns = [[k for k, count in enumerate(row) for _ in range(count)] for row in counts]
    return [list(rater) for rater in zip(*columns, strict=True)]


def as_float_array(data: Table) -> np.ndarray[Any, Any]:
    return np.array([[np.nan if v is None else v for v in row] for row in data], dtype=float)


def quiet(call: Callable[[], float]) -> float:
    """Call a reference implementation, mapping its undefined cases (warnings, NaN, errors) to NaN."""
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        try:
            return float(call())
        except (ValueError, ZeroDivisionError):
            return math.nan


# --------------------------------------------------------------------------------------------
# Published worked examples


@pytest.mark.parametrize(
    ("level", "published"),
    [("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849), ("ratio", 0.797)],
)
def test_krippendorff_2011_section_c(level: str, published: float) -> None:
    """Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C (4 observers ×
    12 units, missing data): nominal .743, ordinal .815, interval .849, ratio .797 — and the
    krippendorff package on the same data to machine precision."""
    result = krippendorff_alpha(KRIPPENDORFF_2011, level=level, confidence=None)
    assert result.value is not None
    assert round(result.value, 3) == published
    reference = krippendorff.alpha(
        reliability_data=as_float_array(KRIPPENDORFF_2011), level_of_measurement=level
    )
    assert result.value == pytest.approx(reference, abs=1e-12)
    assert result.statistic == f"krippendorff_alpha_{level}"
    assert (result.units, result.coders) == (11, 4)  # unit 12 has a single value
    assert result.reason == "1 unit with fewer than two values left out"
    assert result.observed is not None and result.expected is not None
    assert result.value == pytest.approx(1 - result.observed / result.expected)


def test_krippendorff_2011_nominal_disagreements_by_hand() -> None:
    """Krippendorff (2011), section C, nominal, worked by hand from the units:
    Do = (1/n) Σ_u Σ_{c≠k} n_uc n_uk/(m_u − 1) over n = 40 pairable values.

    Disagreeing units: 2 (3 of '2', 1 of '3': 2·3·1/3 = 2), 6 (four values: 4·3/3 = 4),
    8 ('1','1','2','1': 2·3/3 = 2); so Do = 8/40 = 0.2. Category totals n_1..n_5 = 9, 13, 10, 5, 3
    give De = (40² − (81 + 169 + 100 + 25 + 9)) / (40 · 39) = 1216/1560; α = 1 − 0.2/(1216/1560)."""
    result = krippendorff_alpha(KRIPPENDORFF_2011, confidence=None)
    assert result.observed == pytest.approx(0.2)
    assert result.expected == pytest.approx(1216 / 1560)
    assert result.value == pytest.approx(1 - 0.2 * 1560 / 1216)


def test_krippendorff_ordinal_labels_follow_the_given_order() -> None:
    """Same data with verbal labels (the krippendorff package's doctest): ordinal .815 once the
    order is given, nominal .743 without it."""
    labels = {1: "very low", 2: "low", 3: "mid", 4: "high", 5: "very high"}
    words = [[None if v is None else labels[v] for v in row] for row in KRIPPENDORFF_2011]
    ordinal = krippendorff_alpha(words, level="ordinal", categories=list(labels.values()), confidence=None)
    assert ordinal.value is not None and round(ordinal.value, 3) == 0.815
    nominal = krippendorff_alpha(words, confidence=None)
    assert nominal.value is not None and round(nominal.value, 3) == 0.743
    # alphabetical order ('high' < 'low' < 'mid' …) would be silently wrong: no value, a reason
    unordered = krippendorff_alpha(words, level="ordinal", confidence=None)
    assert (unordered.value, unordered.reason) == (None, NO_ORDER)


def test_wikipedia_krippendorff_example(corpus: Path) -> None:
    """English Wikipedia, "Krippendorff's alpha", worked example (3 coders × 15 units, "*" missing):
    nominal 0.691358, interval 0.810845 (the file's header; also fast-krippendorff's doctest)."""
    path = corpus / "fixtures" / "intercoder" / "krippendorff_alpha_wikipedia_example.csv"
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    body = [row[1:] for row in list(csv.reader(lines))[1:]]  # drop the header and the coder column
    table = reliability_table(body, transpose=True, missing=("*",))
    assert [len(row) for row in table] == [15, 15, 15]
    nominal = krippendorff_alpha(table, confidence=None)
    assert nominal.value is not None and round(nominal.value, 6) == 0.691358
    interval = krippendorff_alpha(table, level="interval", confidence=None)  # numbers written as text
    assert interval.value is not None and round(interval.value, 6) == 0.810845
    numbers = [[None if v is None else int(v) for v in row] for row in table]
    assert krippendorff_alpha(numbers, level="interval", confidence=None).value == interval.value
    # units 1 (one value), 2 and 14 (none) cannot be paired
    assert nominal.reason == "3 units with fewer than two values left out"
    assert (nominal.units, nominal.coders) == (12, 3)


def test_fleiss_1971_table_1() -> None:
    """Fleiss (1971), "Measuring nominal scale agreement among many raters", Table 1: 30 patients ×
    6 psychiatric diagnoses in 5 categories: kappa = .430 (R irr's kappam.fleiss: 0.4302445).
    The fixture is read through reliability_table (rows = units, columns = coders)."""
    lines = (FIXTURES / "fleiss1971_diagnoses.csv").read_text(encoding="utf-8").splitlines()
    body = list(csv.reader(line for line in lines if not line.startswith("#")))[1:]
    table = reliability_table(body)
    assert (len(table), len(table[0])) == (6, 30)
    result = fleiss_kappa(table, confidence=None)
    assert result.value is not None
    assert round(result.value, 3) == 0.430
    assert result.value == pytest.approx(0.4302445, abs=5e-8)
    assert (result.units, result.coders, result.reason) == (30, 6, None)


def test_wikipedia_fleiss_kappa_example() -> None:
    """English Wikipedia, "Fleiss' kappa", worked example: 10 subjects, 14 raters, 5 categories
    (counts per category) → P̄ = 0.378, P̄e = 0.213, κ = 0.210."""
    counts = [
        [0, 0, 0, 0, 14],
        [0, 2, 6, 4, 2],
        [0, 0, 3, 5, 6],
        [0, 3, 9, 2, 0],
        [2, 2, 8, 1, 1],
        [7, 7, 0, 0, 0],
        [3, 2, 6, 3, 0],
        [2, 5, 3, 2, 2],
        [6, 5, 2, 1, 0],
        [0, 2, 2, 3, 7],
    ]
    result = fleiss_kappa(from_counts(counts), confidence=None)
    assert result.value is not None and round(result.value, 3) == 0.210
    assert result.observed is not None and round(result.observed, 3) == 0.378
    assert result.expected is not None and round(result.expected, 3) == 0.213


def test_wikipedia_cohen_kappa_two_by_two() -> None:
    """English Wikipedia, "Cohen's kappa", first example: 50 proposals, Yes/Yes 20, Yes/No 5,
    No/Yes 10, No/No 15 → Po = 0.7, Pe = 0.5·0.6 + 0.5·0.4 = 0.5, κ = 0.4; scikit-learn agrees."""
    data = two_by_two(20, 5, 10, 15)
    result = cohen_kappa(data, confidence=None)
    assert result.value == pytest.approx(0.4)
    assert result.observed == pytest.approx(0.7)
    assert result.expected == pytest.approx(0.5)
    assert result.value == pytest.approx(cohen_kappa_score(data[0], data[1]))
    assert (result.units, result.coders, result.reason) == (50, 2, None)


def test_scott_brennan_prediger_gwet_alpha_on_the_same_two_by_two() -> None:
    """The same 2 × 2 (Wikipedia, "Cohen's kappa"), worked by hand.

    Pooled 'Yes' share π = (25 + 30)/100 = 0.55, 'No' 0.45.
    Scott's π: Pe = 0.55² + 0.45² = 0.505; (0.7 − 0.505)/(1 − 0.505) = 0.195/0.495 = 13/33.
    Brennan–Prediger (q = 2): Pe = 1/2; (0.7 − 0.5)/0.5 = 0.4.
    Gwet's AC1 (q = 2): Pe = (0.55·0.45 + 0.45·0.55)/(2 − 1) = 0.495; 0.205/0.505 = 41/101.
    Fleiss' kappa on complete two-coder data is Scott's π (Fleiss 1971 generalises it).
    Krippendorff's α (nominal): n = 100 values, 15 disagreeing units give 30 ordered pairs, so
    Do = 30/100; De = 2·55·45/(100·99) = 0.5; α = 1 − 0.3/0.5 = 0.4."""
    data = two_by_two(20, 5, 10, 15)
    assert scott_pi(data, confidence=None).value == pytest.approx(13 / 33)
    assert scott_pi(data, confidence=None).expected == pytest.approx(0.505)
    assert brennan_prediger(data, confidence=None).value == pytest.approx(0.4)
    assert gwet_ac1(data, confidence=None).value == pytest.approx(41 / 101)
    assert gwet_ac1(data, confidence=None).expected == pytest.approx(0.495)
    assert fleiss_kappa(data, confidence=None).value == pytest.approx(13 / 33)
    alpha = krippendorff_alpha(data, confidence=None)
    assert (alpha.value, alpha.observed, alpha.expected) == pytest.approx((0.4, 0.3, 0.5))
    assert percent_agreement(data, confidence=None).value == pytest.approx(0.7)


def test_gwet_handbook_abstractors_table() -> None:
    """Gwet (2014), *Handbook of Inter-Rater Reliability*, 4th ed.: two abstractors classify 100
    pregnancies as Ectopic/AIU/NIU — irrCAC's `cont3x3abstractors`, [[13, 0, 0], [0, 20, 7],
    [0, 4, 56]]. irrCAC's documented results: Cohen 0.7964094, Scott 0.7962397, AC1 0.849,
    Brennan–Prediger 0.835, Krippendorff 0.797, percent agreement 0.89; weighted Cohen with
    linear weights 0.843 and quadratic 0.892 (scikit-learn agrees)."""
    data = from_contingency([[13, 0, 0], [0, 20, 7], [0, 4, 56]], [1, 2, 3])
    assert cohen_kappa(data, confidence=None).value == pytest.approx(0.7964094, abs=5e-8)
    assert scott_pi(data, confidence=None).value == pytest.approx(0.7962397, abs=5e-8)
    assert round(gwet_ac1(data, confidence=None).value or 0, 3) == 0.849
    assert round(brennan_prediger(data, confidence=None).value or 0, 3) == 0.835
    assert round(krippendorff_alpha(data, confidence=None).value or 0, 3) == 0.797
    assert percent_agreement(data, confidence=None).value == pytest.approx(0.89)
    for weights, published in (("linear", 0.843), ("quadratic", 0.892)):
        result = weighted_kappa(data, weights=weights, confidence=None)
        assert result.statistic == f"weighted_kappa_{weights}"
        assert result.value is not None and round(result.value, 3) == published
        assert result.value == pytest.approx(cohen_kappa_score(data[0], data[1], weights=weights))


def test_gwet_missing_ratings_four_raters() -> None:
    """Gwet's irrCAC `cac.raw4raters` (12 subjects × 4 raters with missing ratings — the same data
    as Krippendorff 2011, section C). Documented irrCAC results (R vignette "benchmarking" and the
    Python port's raw-data guide): percent agreement 0.81818; AC1 0.77544 with Pe 0.19032; Fleiss'
    kappa 0.76117 with Pe 0.23872; Brennan–Prediger 0.77273 with Pe 0.2. The single-rated
    subject 12 counts toward π but not toward Pa."""
    pa = percent_agreement(KRIPPENDORFF_2011, confidence=None)
    assert pa.value == pytest.approx(9 / 11)
    ac1 = gwet_ac1(KRIPPENDORFF_2011, confidence=None)
    assert (round(ac1.value or 0, 5), round(ac1.expected or 0, 5)) == (0.77544, 0.19032)
    fleiss = fleiss_kappa(KRIPPENDORFF_2011, confidence=None)
    assert (round(fleiss.value or 0, 5), round(fleiss.expected or 0, 5)) == (0.76117, 0.23872)
    bp = brennan_prediger(KRIPPENDORFF_2011, confidence=None)
    assert (round(bp.value or 0, 5), bp.expected) == (0.77273, 0.2)
    assert ac1.reason == "1 unit with a single value counted toward chance agreement only"
    assert (ac1.units, ac1.coders) == (11, 4)


def test_weighted_kappa_r_irr_anxiety() -> None:
    """R package irr (Gamer et al.), data set `anxiety`, raters 2 and 3 (as in statsmodels'
    test_inter_rater.py): kappa2 unweighted −0.006289308, "equal" (linear) 0.1459075, "squared"
    (quadratic) 0.2520325. Category 5 is never used, so — as in irr — positions run over the
    observed levels 1, 2, 3, 4, 6."""
    rater2 = [3, 6, 4, 6, 2, 4, 2, 4, 3, 3, 2, 3, 3, 3, 2, 2, 1, 3, 3, 4]
    rater3 = [2, 1, 4, 4, 3, 2, 1, 6, 1, 1, 1, 2, 3, 3, 1, 1, 3, 3, 2, 2]
    data = [rater2, rater3]
    assert cohen_kappa(data, confidence=None).value == pytest.approx(-0.006289308, abs=5e-10)
    linear = weighted_kappa(data, weights="linear", confidence=None).value
    quadratic = weighted_kappa(data, weights="quadratic", confidence=None).value
    assert linear == pytest.approx(0.1459075, abs=5e-8)
    assert quadratic == pytest.approx(0.2520325, abs=5e-8)
    # declaring the unused category 5 moves 6 one step further away, as it should
    declared = weighted_kappa(data, categories=[1, 2, 3, 4, 5, 6], confidence=None).value
    assert declared == pytest.approx(
        cohen_kappa_score(rater2, rater3, labels=[1, 2, 3, 4, 5, 6], weights="linear")
    )
    assert declared != pytest.approx(linear)


# --------------------------------------------------------------------------------------------
# Independent implementations on random data (hypothesis)

PROPERTY = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def tables(
    draw: st.DrawFn, coders: tuple[int, int] = (2, 5), missing: bool = True, most_units: int = 20
) -> Table:
    n_coders = draw(st.integers(*coders))
    n_units = draw(st.integers(1, most_units))
    n_categories = draw(st.integers(1, 4))
    choices: list[Any] = list(range(n_categories)) + ([None] if missing else [])
    value = st.sampled_from(choices)
    row = st.lists(value, min_size=n_units, max_size=n_units)
    return draw(st.lists(row, min_size=n_coders, max_size=n_coders))


def both_coded(data: Table) -> tuple[list[Any], list[Any]]:
    pairs = [(a, b) for a, b in zip(data[0], data[1], strict=True) if a is not None and b is not None]
    return [a for a, _ in pairs], [b for _, b in pairs]


def assert_matches(result: AgreementResult, reference: float) -> None:
    """Ours is None (with a reason) exactly where the reference is undefined, else equal."""
    if math.isnan(reference):
        assert result.value is None and result.reason
    else:
        assert result.value == pytest.approx(reference, abs=1e-9)


@PROPERTY
@given(data=tables(coders=(2, 2)), weights=st.sampled_from([None, "linear", "quadratic"]))
def test_cohen_and_weighted_kappa_match_sklearn(data: Table, weights: str | None) -> None:
    first, second = both_coded(data)
    labels = sorted({v for row in data for v in row if v is not None})
    result = (
        cohen_kappa(data, confidence=None)
        if weights is None
        else weighted_kappa(data, weights=weights, confidence=None)
    )
    if not first:
        assert result.value is None
        assert result.reason in {
            "no pairable units: no unit was coded by both coders",
            "no data: every value is missing",
        }
        return
    assert_matches(result, quiet(lambda: cohen_kappa_score(first, second, labels=labels, weights=weights)))


@PROPERTY
@given(data=tables(coders=(2, 2)))
def test_scott_pi_is_fleiss_kappa_of_statsmodels_on_the_units_both_coded(data: Table) -> None:
    first, second = both_coded(data)
    result = scott_pi(data, confidence=None)
    if not first:
        assert result.value is None
        return
    counts, _ = aggregate_raters(np.array([first, second]).T)
    assert_matches(result, quiet(lambda: sm_fleiss_kappa(counts, method="fleiss")))


@PROPERTY
@given(data=tables(coders=(2, 6), missing=False))
def test_fleiss_kappa_matches_statsmodels_on_complete_data(data: Table) -> None:
    counts, _ = aggregate_raters(np.array(data).T)
    assert_matches(
        fleiss_kappa(data, confidence=None), quiet(lambda: sm_fleiss_kappa(counts, method="fleiss"))
    )


@PROPERTY
@given(data=tables(), level=st.sampled_from(["nominal", "ordinal", "interval", "ratio"]))
def test_krippendorff_alpha_matches_the_krippendorff_package(data: Table, level: str) -> None:
    reference = quiet(
        lambda: krippendorff.alpha(reliability_data=as_float_array(data), level_of_measurement=level)
    )
    assert_matches(krippendorff_alpha(data, level=level, confidence=None), reference)


@PROPERTY
@given(data=tables(coders=(2, 6)), chance=st.sampled_from(["none", "fleiss", "ac1", "uniform"]))
def test_gwet_family_matches_the_naive_formulas_with_missing_values(data: Table, chance: str) -> None:
    function = {
        "none": percent_agreement,
        "fleiss": fleiss_kappa,
        "ac1": gwet_ac1,
        "uniform": brennan_prediger,
    }[chance]
    assert_matches(function(data, confidence=None), naive_gwet(data, chance))


@PROPERTY
@given(data=tables(coders=(2, 4)), name=st.sampled_from(sorted(STATISTICS)))
def test_grouped_patterns_give_the_same_point_estimate(data: Table, name: str) -> None:
    """Bootstrapping groups units into patterns first; the point estimate must not change."""
    function = STATISTICS[name]
    data = data[:2] if name in {"cohen_kappa", "weighted_kappa", "scott_pi"} else data
    plain = function(data, confidence=None)
    grouped = function(data, confidence=0.9, resamples=5)
    assert (plain.value is None) == (grouped.value is None)
    if plain.value is not None:
        assert grouped.value == pytest.approx(plain.value, abs=1e-12)
        assert (grouped.units, grouped.coders) == (plain.units, plain.coders)
    else:
        assert grouped.reason == plain.reason and grouped.interval is None


SHORTCUTS = ["alpha nominal", "alpha ordinal", "alpha interval", "alpha ratio", "fleiss", "ac1", "cohen"]


@PROPERTY
@given(data=tables(coders=(2, 4)), seed=st.integers(0, 2**16), kind=st.sampled_from(SHORTCUTS))
def test_a_resample_is_evaluated_as_if_its_units_were_repeated(data: Table, seed: int, kind: str) -> None:
    """White-box check of the bootstrap shortcut: a statistic evaluated on pattern counts equals
    the public function on a table that repeats each pattern's unit that many times."""
    coded = stats_module._encode(data)
    if not coded.categories:
        return
    codes = np.arange(len(coded.categories))
    values = np.array(coded.categories, dtype=float)
    evaluate: Callable[[Any], tuple[float, float, float]]
    if kind == "cohen":
        table = stats_module._pair_table(coded, group=True)
        if table is None:
            return
        patterns = table.patterns
        evaluate = stats_module._kappa_evaluator(table, None, codes, codes.size, scott=False)
        direct: Callable[[Table], AgreementResult] = lambda d: cohen_kappa(d, confidence=None)  # noqa: E731
    else:
        least = 2 if kind.startswith("alpha") else 1
        patterns = stats_module._patterns(coded.codes[:, (coded.codes >= 0).sum(axis=0) >= least], group=True)
        if patterns.freq.size == 0:
            return
        if kind.startswith("alpha"):
            level = kind.split()[1]
            evaluate = stats_module._alpha_evaluator(
                patterns, level, values if level in ("interval", "ratio") else codes
            )
            direct = lambda d: krippendorff_alpha(d, level=level, confidence=None)  # noqa: E731
        else:
            q = max(codes.size, 2)
            evaluate = stats_module._gwet_evaluator(patterns, kind, q, codes.size)
            direct = (
                (lambda d: fleiss_kappa(d, confidence=None))
                if kind == "fleiss"
                else (lambda d: gwet_ac1(d, categories=q, confidence=None))
            )
    counts = np.random.default_rng(seed).integers(0, 3, size=patterns.freq.size)
    columns = np.repeat(patterns.columns, counts, axis=1)
    repeated = [[None if c < 0 else coded.categories[c] for c in row] for row in columns]
    expected = direct(repeated).value
    value = evaluate(counts.astype(float))[0] if counts.sum() else math.nan
    assert (expected is None) == math.isnan(value)
    if expected is not None:
        assert value == pytest.approx(expected, abs=1e-12)


@PROPERTY
@given(data=tables(coders=(2, 4)))
def test_numpy_arrays_and_lists_agree(data: Table) -> None:
    array = as_float_array(data)
    for level in ("nominal", "interval"):
        from_list = krippendorff_alpha(data, level=level, confidence=None)
        from_array = krippendorff_alpha(array, level=level, confidence=None)
        from_floats = krippendorff_alpha(array.tolist(), level=level, confidence=None)
        assert from_list.value == from_array.value == from_floats.value
        assert from_list.units == from_array.units == from_floats.units


# --------------------------------------------------------------------------------------------
# Undefined statistics: value None and the exact reason


ALL = [
    lambda d: percent_agreement(d, confidence=None),
    lambda d: fleiss_kappa(d, confidence=None),
    lambda d: gwet_ac1(d, confidence=None),
    lambda d: brennan_prediger(d, confidence=None),
    lambda d: krippendorff_alpha(d, confidence=None),
    lambda d: krippendorff_alpha(d, level="interval", confidence=None),
]
TWO = [
    lambda d: cohen_kappa(d, confidence=None),
    lambda d: scott_pi(d, confidence=None),
    lambda d: weighted_kappa(d, confidence=None),
]


@pytest.mark.parametrize("statistic", TWO + ALL[1:])
def test_one_category_only_has_no_variation(statistic: Callable[[Table], AgreementResult]) -> None:
    for value in ("yes", 3):
        data: Table = [[value, value, None], [value, value, value]]
        if isinstance(value, str) and statistic in (ALL[-1], TWO[-1]):
            continue  # interval alpha needs numbers; weighted kappa an order (tested below)
        result = statistic(data)
        assert result.value is None and result.interval is None
        assert result.reason == f"no variation: every value is {value!r}"


def test_percent_agreement_is_defined_without_variation() -> None:
    result = percent_agreement([["yes", "yes"], ["yes", "yes"]], confidence=None)
    assert (result.value, result.expected, result.reason) == (1.0, None, None)


def test_no_variation_in_the_units_used_names_them() -> None:
    # 'no' occurs only in a unit the other coder left empty
    result = cohen_kappa([["yes", "yes", "no"], ["yes", "yes", None]], confidence=None)
    assert result.reason == "no variation: every value in the units used is 'yes'"
    assert result.units == 2


def test_declared_categories_make_one_category_defined_for_ac1_and_bp() -> None:
    """With q possible categories declared, Gwet's Pe = Σπ(1 − π)/(q − 1) = 0 and BP's Pe = 1/q:
    perfect agreement on one category is 1 for both, as in irrCAC with categ.labels."""
    data: Table = [["yes"] * 4, ["yes"] * 4]
    assert gwet_ac1(data, categories=2, confidence=None).value == 1.0
    assert brennan_prediger(data, categories=2, confidence=None).value == 1.0
    assert gwet_ac1(data, confidence=None).reason == "no variation: every value is 'yes'"


@pytest.mark.parametrize("statistic", ALL + TWO)
def test_one_coder(statistic: Callable[[Table], AgreementResult]) -> None:
    result = statistic([[1, 2, 3]])
    assert (result.value, result.reason) == (None, "only one coder: agreement needs at least two")
    assert (result.units, result.coders, result.observed, result.expected) == (0, 1, None, None)


@pytest.mark.parametrize("statistic", ALL)
def test_no_overlap_between_coders(statistic: Callable[[Table], AgreementResult]) -> None:
    result = statistic([[1, 2, N, N], [N, N, 1, 2], [N, N, N, N]])
    assert result.value is None
    assert result.reason == "no pairable units: no unit was coded by two or more coders"


@pytest.mark.parametrize("statistic", TWO)
def test_no_overlap_between_two_coders(statistic: Callable[[Table], AgreementResult]) -> None:
    result = statistic([[1, 2, N, N], [N, N, 1, 2]])
    assert (result.value, result.reason) == (None, "no pairable units: no unit was coded by both coders")


@pytest.mark.parametrize("statistic", ALL + TWO)
@pytest.mark.parametrize(
    ("data", "reason"),
    [
        ([], "no data: the table has no coders"),
        ([[], []], "no data: the table has no units"),
        ([[N, N], [N, N]], "no data: every value is missing"),
        (np.zeros((0, 0)), "no data: the table has no coders"),
    ],
)
def test_empty_data(statistic: Callable[[Any], AgreementResult], data: Any, reason: str) -> None:
    result = statistic(data)
    assert (result.value, result.reason, result.interval) == (None, reason, None)


@pytest.mark.parametrize(
    ("statistic", "label"),
    [(cohen_kappa, "Cohen's kappa"), (scott_pi, "Scott's pi"), (weighted_kappa, "Weighted kappa")],
)
def test_two_coder_statistics_refuse_three_coders(
    statistic: Callable[..., AgreementResult], label: str
) -> None:
    result = statistic([[1, 2], [1, 2], [1, 2]], confidence=None)
    assert result.value is None and result.coders == 3
    assert (
        result.reason
        == f"{label} needs exactly two coders; got 3 (use fleiss_kappa or krippendorff_alpha for more)"
    )


def test_ordered_statistics_need_an_order_for_text() -> None:
    labels: Table = [["low", "high", "mid", "low"], ["low", "mid", "mid", "high"]]
    for result in (
        weighted_kappa(labels, confidence=None),
        krippendorff_alpha(labels, level="ordinal", confidence=None),
        weighted_kappa([["a", 1], ["a", 2]], confidence=None),  # mixed kinds cannot be sorted either
    ):
        assert (result.value, result.reason, result.interval) == (None, NO_ORDER, None)
    given = weighted_kappa(labels, categories=["low", "mid", "high"], confidence=None)
    ranks = [[{"low": 0, "mid": 1, "high": 2}[v] for v in row] for row in labels]
    assert given.value == pytest.approx(cohen_kappa_score(*ranks, weights="linear"))


def test_numbers_written_as_text_sort_by_value() -> None:
    """A CSV gives text; "10" must follow "9", not "1"."""
    numbers = [[1, 2, 9, 10, 10, 2], [1, 3, 10, 9, 10, 1]]
    text = [[str(v) for v in row] for row in numbers]
    for weights in ("linear", "quadratic"):
        expected = cohen_kappa_score(*numbers, weights=weights)
        assert weighted_kappa(text, weights=weights, confidence=None).value == pytest.approx(expected)
    assert krippendorff_alpha(text, level="ordinal", confidence=None).value == pytest.approx(
        krippendorff.alpha(reliability_data=np.array(numbers, dtype=float), level_of_measurement="ordinal")
    )


def test_caveats_name_the_units_left_out() -> None:
    data: Table = [["a", "b", "a", N, N], ["a", "b", "b", "a", N], [N, N, N, N, N]]
    assert cohen_kappa(data[:2], confidence=None).reason == "2 units not coded by both coders left out"
    assert percent_agreement(data, confidence=None).reason == "2 units with fewer than two values left out"
    assert fleiss_kappa(data, confidence=None).reason == (
        "1 unit without any value left out; 1 unit with a single value counted toward chance agreement only"
    )
    result = fleiss_kappa(data, confidence=None)
    assert (result.units, result.coders) == (3, 2)  # the third coder gave no value


def test_float_nan_counts_as_missing_in_lists() -> None:
    data = [[1.0, float("nan"), 2.0], [1.0, 2.0, 2.0]]
    assert cohen_kappa(data, confidence=None).units == 2


# --------------------------------------------------------------------------------------------
# Caller mistakes raise AgreementInputError (a QualcodeError)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: fleiss_kappa([[1, 2, 3], [1, 2]]), "Ragged data: coder 1 has 3 values but coder 2 has 2"),
        (lambda: krippendorff_alpha([[1, 2], [1, 2]], level="nominl"), "level must be one of"),
        (
            lambda: weighted_kappa([[1, 2], [1, 2]], weights="cubic"),
            "weights must be 'linear' or 'quadratic'",
        ),
        (
            lambda: krippendorff_alpha([["a", "b"], ["a", "a"]], level="interval"),
            "interval level needs finite numbers",
        ),
        (
            lambda: krippendorff_alpha([[True, False], [True, True]], level="ratio"),
            "ratio level needs finite numbers",
        ),
        (lambda: krippendorff_alpha([[-1, 2], [1, 2]], level="ratio"), "needs numbers ≥ 0"),
        (lambda: krippendorff_alpha([[1.0, math.inf], [1, 2]], level="interval"), "the data contain inf"),
        (lambda: krippendorff_alpha([[1, 9], [1, 2]], level="ordinal", categories=[1, 2]), "Value 9 is not"),
        (lambda: weighted_kappa([[1, 2], [1, 2]], categories=[1, 2, 2]), "lists a value twice"),
        (lambda: cohen_kappa([[[1], [2]], [[1], [2]]]), "cannot be a category"),
        (lambda: cohen_kappa(["abc", "abd"]), "Row 1 is a string"),
        (lambda: cohen_kappa(np.zeros(3)), "must be 2-D"),
        (lambda: fleiss_kappa([[1, 2], [1, 2]], confidence=1.5), "confidence must be between 0 and 1"),
        (lambda: fleiss_kappa([[1, 2], [1, 2]], resamples=0), "resamples must be a positive"),
        (lambda: brennan_prediger([[1, 2, 3], [1, 2, 3]], categories=2), "data use 3 categories"),
        (lambda: gwet_ac1([[1, 2], [1, 2]], categories=1), "whole number ≥ 2"),
    ],
)
def test_input_errors(call: Callable[[], object], message: str) -> None:
    with pytest.raises(AgreementInputError, match=re.escape(message)) as caught:
        call()
    assert isinstance(caught.value, QualcodeError)


# --------------------------------------------------------------------------------------------
# Bootstrap


def diagnoses() -> Table:
    lines = (FIXTURES / "fleiss1971_diagnoses.csv").read_text(encoding="utf-8").splitlines()
    return reliability_table(list(csv.reader(line for line in lines if not line.startswith("#")))[1:])


@pytest.mark.parametrize("name", sorted(set(STATISTICS) - {"cohen_kappa", "weighted_kappa", "scott_pi"}))
def test_bootstrap_interval_contains_the_estimate_and_is_reproducible(name: str) -> None:
    data = diagnoses()
    result = STATISTICS[name](data)
    assert result.value is not None and result.interval is not None
    assert result.interval.low <= result.value <= result.interval.high
    assert result.interval.low < result.interval.high
    assert result.interval.level == 0.95
    assert result.interval.method == "bootstrap over units, 1000 resamples, seed 0, percentile"
    assert STATISTICS[name](data) == result  # same seed, same interval
    other = STATISTICS[name](data, seed=1).interval
    assert other is not None and (other.low, other.high) != (result.interval.low, result.interval.high)


@pytest.mark.parametrize("name", ["cohen_kappa", "fleiss_kappa", "gwet_ac1", "krippendorff_alpha"])
def test_bootstrap_agrees_with_a_naive_unit_bootstrap(name: str) -> None:
    """The pattern-count shortcut must give the interval of plainly resampling units: compare with
    2000 explicit resamples (Monte Carlo error of each bound ≈ 0.01 here)."""
    data = two_by_two(20, 5, 10, 15) if name == "cohen_kappa" else diagnoses()
    function = STATISTICS[name]
    ours = function(data).interval
    rng = np.random.default_rng(2024)
    units = len(data[0])
    draws = []
    for _ in range(2000):
        picked = rng.integers(0, units, size=units)
        value = function([[row[i] for i in picked] for row in data], confidence=None).value
        if value is not None:
            draws.append(value)
    low, high = np.quantile(draws, [0.025, 0.975])
    assert ours is not None
    assert ours.low == pytest.approx(low, abs=0.03) and ours.high == pytest.approx(high, abs=0.03)


def test_bootstrap_for_two_coders_and_options() -> None:
    data = two_by_two(20, 5, 10, 15)
    result = cohen_kappa(data, confidence=0.9, resamples=400, seed=7)
    assert result.interval is not None and result.value is not None
    assert result.interval.low < result.value < result.interval.high
    assert result.interval.level == 0.9
    assert result.interval.method == "bootstrap over units, 400 resamples, seed 7, percentile"
    assert cohen_kappa(data, confidence=None).interval is None


def test_bootstrap_reports_skipped_resamples() -> None:
    # three units, two of them 'a'/'a': a resample of only those has no variation
    result = cohen_kappa([["a", "a", "b"], ["a", "a", "b"]], resamples=200)
    assert result.value == 1.0 and result.interval is not None
    match = re.fullmatch(
        r"bootstrap over units, 200 resamples, seed 0, percentile, (\d+) skipped \(statistic undefined\)",
        result.interval.method,
    )
    assert match is not None and 0 < int(match.group(1)) < 200
    assert result.interval == Interval(1.0, 1.0, 0.95, result.interval.method)


def test_bootstrap_over_many_units_uses_both_sampling_paths() -> None:
    """Few patterns: multinomial pattern counts; many (continuous values): unit indices."""
    rng = np.random.default_rng(3)
    truth = rng.normal(size=2000)
    continuous = truth + rng.normal(scale=0.5, size=(3, 2000))
    for data in (np.round(continuous), continuous):
        result = krippendorff_alpha(data, level="interval", resamples=200)
        assert result.value is not None and result.interval is not None
        assert result.interval.low < result.value < result.interval.high


# --------------------------------------------------------------------------------------------
# reliability_table, results, registry


def test_reliability_table_columns_are_coders_by_default() -> None:
    rows = [["yes", "no"], ["", " yes "], ["no"]]  # a short row: the spreadsheet dropped a trailing cell
    assert reliability_table(rows) == [["yes", None, "no"], ["no", "yes", None]]


def test_reliability_table_transpose_and_missing_tokens() -> None:
    rows = [["1", "*", "2"], ["1", "2", "  "]]
    assert reliability_table(rows, transpose=True, missing=("*",)) == [["1", None, "2"], ["1", "2", None]]
    assert reliability_table(rows, transpose=True) == [["1", "*", "2"], ["1", "2", None]]
    assert reliability_table([]) == []


def test_result_to_dict_is_json_ready() -> None:
    result = krippendorff_alpha(KRIPPENDORFF_2011, resamples=50)
    plain = result.to_dict()
    assert list(plain) == [
        "statistic",
        "value",
        "units",
        "coders",
        "observed",
        "expected",
        "interval",
        "reason",
    ]
    assert plain["interval"] == {
        "low": result.interval.low if result.interval else None,
        "high": result.interval.high if result.interval else None,
        "level": 0.95,
        "method": "bootstrap over units, 50 resamples, seed 0, percentile",
    }
    assert json.loads(json.dumps(plain)) == plain
    assert isinstance(plain["value"], float) and isinstance(plain["units"], int)


def test_statistics_registry() -> None:
    assert set(STATISTICS) == {
        "percent_agreement",
        "cohen_kappa",
        "weighted_kappa",
        "scott_pi",
        "fleiss_kappa",
        "brennan_prediger",
        "gwet_ac1",
        "krippendorff_alpha",
    }
    data = from_contingency([[13, 0, 0], [0, 20, 7], [0, 4, 56]], [1, 2, 3])
    for name, function in STATISTICS.items():
        result = function(data, confidence=None)
        assert result.statistic.startswith(name) and result.value is not None


def test_numpy_categories_are_reported_as_python_values() -> None:
    result = cohen_kappa(np.array([[2, 2], [2, 2]]), confidence=None)
    assert result.reason == "no variation: every value is 2"
    result = krippendorff_alpha(np.array([[1.5, 1.5], [1.5, np.nan]]), confidence=None)
    assert result.reason == "no variation: every value is 1.5"


# --------------------------------------------------------------------------------------------
# Naive reference: Gwet (2014) raw-ratings formulas, unit by unit, as irrCAC's R code reads


def naive_gwet(data: Table, chance: str) -> float:
    units = [[v for v in unit if v is not None] for unit in zip(*data, strict=True)]
    rated = [unit for unit in units if unit]
    pairable = [unit for unit in rated if len(unit) >= 2]
    if not pairable:
        return math.nan
    categories = sorted({v for unit in rated for v in unit})
    pa = sum(
        sum(unit.count(k) * (unit.count(k) - 1) for k in set(unit)) / (len(unit) * (len(unit) - 1))
        for unit in pairable
    ) / len(pairable)
    if chance == "none":
        return pa
    q = len(categories)
    pi = [sum(unit.count(k) / len(unit) for unit in rated) / len(rated) for k in categories]
    if chance == "fleiss":
        pe = sum(p * p for p in pi)
    elif chance == "ac1":
        pe = sum(p * (1 - p) for p in pi) / (q - 1) if q > 1 else 1.0
    else:
        pe = 1 / q
    return math.nan if pe >= 1 - 1e-12 else (pa - pe) / (1 - pe)
