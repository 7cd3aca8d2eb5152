"""The agreement audit: units of analysis, counts, statistics, disagreements, reconcile, merge."""

from __future__ import annotations

from pathlib import Path

import pytest

from qualcode.agreement.audit import agreement
from qualcode.agreement.binary import PatternCounts, binary_statistics
from qualcode.agreement.data import character_patterns, merge_spans, unit_patterns
from qualcode.agreement.reconcile import disagreements, reconcile
from qualcode.agreement.statistics import (
    cohen_kappa,
    fleiss_kappa,
    gwet_ac1,
    krippendorff_alpha,
    percent_agreement,
)
from qualcode.codebook import load_codebook
from qualcode.codebook_files import CodebookSpec, CodeSpec
from qualcode.coding import Selector, apply_code, list_codings
from qualcode.errors import QualcodeError
from qualcode.ingest.importer import ImportOptions, import_paths
from qualcode.merge import merge_project
from qualcode.store.project import Project, init_project


@pytest.fixture
def nvivo(tmp_path: Path) -> Project:
    """NVivo's help example: 1,000 characters, 50 coded by both, 150 by one coder, 800 by neither."""
    doc = tmp_path / "doc.txt"
    doc.write_text(("abcdefghi " * 100)[:999] + "x", encoding="utf-8")
    project = init_project(tmp_path / "n.db")
    import_paths(project, [doc], ImportOptions())
    load_codebook(project, CodebookSpec(codes=[CodeSpec("Theme")]), "x")
    apply_code(project, "Theme", "doc", Selector(span="0:200"), "ana")
    apply_code(project, "Theme", "doc", Selector(span="150:200"), "marko")
    return project


def test_nvivo_help_example_85_percent(nvivo: Project) -> None:
    report = agreement(nvivo, unit="characters")
    [row] = report.rows
    assert row.counts == {"both": 50, "only ana": 150, "only marko": 0, "neither": 800}
    stats = row.statistics
    assert stats["percent_agreement"].value == pytest.approx(0.85)
    # Pe = .2 x .05 + .8 x .95 = .77; kappa = (.85 - .77) / (1 - .77)
    assert stats["cohen_kappa"].value == pytest.approx((0.85 - 0.77) / 0.23)
    assert stats["cohen_kappa"].interval is None  # characters are not independent units
    assert report.header.startswith("Unit of analysis: characters")
    assert "Landis & Koch" in row.reading and "Krippendorff" in row.reading


def test_binary_statistics_equal_the_general_functions_on_expanded_data() -> None:
    counts = PatternCounts(
        ("a", "b", "c"), {(1, 1, 1): 7, (1, 0, 1): 3, (0, 0, 0): 11, (0, 1, 0): 2, (1, 1, 0): 4}
    )
    rows: list[list[int | None]] = [[], [], []]
    for pattern, n in counts.counts.items():
        for i, value in enumerate(pattern):
            rows[i].extend([value] * n)
    ours = binary_statistics(counts, interval=False)
    assert ours["percent_agreement"].value == pytest.approx(percent_agreement(rows, confidence=None).value)
    assert ours["fleiss_kappa"].value == pytest.approx(fleiss_kappa(rows, confidence=None).value)
    assert ours["krippendorff_alpha_nominal"].value == pytest.approx(
        krippendorff_alpha(rows, confidence=None).value
    )
    assert ours["gwet_ac1"].value == pytest.approx(gwet_ac1(rows, confidence=None).value)
    two = PatternCounts(("a", "b"), {(1, 1): 20, (1, 0): 5, (0, 1): 10, (0, 0): 15})
    pair = [[1] * 25 + [0] * 25, [1] * 20 + [0] * 5 + [1] * 10 + [0] * 15]
    assert binary_statistics(two, interval=False)["cohen_kappa"].value == pytest.approx(
        cohen_kappa(pair, confidence=None).value
    )


def test_interval_arithmetic_patterns() -> None:
    assert merge_spans([(5, 10), (0, 3), (8, 12), (12, 14)]) == [(0, 3), (5, 14)]
    assert character_patterns([[(0, 10)], [(5, 15)]], 20) == {(1, 0): 5, (1, 1): 5, (0, 1): 5, (0, 0): 5}
    assert unit_patterns([[(0, 10)], [(12, 13)]], [(0, 4), (5, 11), (11, 20), (20, 30)]) == {
        (1, 0): 2,
        (0, 1): 1,
        (0, 0): 1,
    }


def test_units_documents_segments_and_by_document(coded: Project) -> None:
    apply_code(coded, "Law", "int_a", Selector(units="2"), "ana")
    apply_code(coded, "Law", "int_a", Selector(units="2,4"), "marko")
    apply_code(coded, "Perceptions", "int_b", Selector(units="1"), "ana")
    apply_code(coded, "Perceptions", "int_b", Selector(units="1"), "marko")
    turns = agreement(coded, unit="units", unit_kind="turn", codes=["Law"])
    assert turns.rows[0].counts == {"both": 1, "only ana": 0, "only marko": 1, "neither": 6}
    assert turns.rows[0].statistics["cohen_kappa"].interval is not None
    docs = agreement(coded, unit="documents", codes=["Law"])
    assert docs.rows[0].counts == {"both": 1, "only ana": 0, "only marko": 0, "neither": 1}
    segments = agreement(coded, unit="segments")
    assert [(r.code, r.counts) for r in segments.rows] == [
        ("Law", {"matched": 1, "only ana": 0, "only marko": 1}),
        ("Perceptions", {"matched": 1, "only ana": 0, "only marko": 0}),
    ]
    assert segments.pooled is not None and segments.pooled.statistics[
        "percent_agreement"
    ].value == pytest.approx(2 / 3)
    by_doc = agreement(coded, unit="characters", by_document=True, codes=["Law"])
    assert [r.document for r in by_doc.rows] == ["int_a", "int_b"]
    assert agreement(coded, unit="characters").documents == ["int_a", "int_b"]  # int_c not coded by both


def test_errors_and_degenerate_cases(coded: Project) -> None:
    with pytest.raises(QualcodeError, match="two or more coders"):
        agreement(coded)
    apply_code(coded, "Law", "int_a", Selector(units="2"), "ana")
    apply_code(coded, "Law", "int_a", Selector(units="2"), "marko")
    with pytest.raises(QualcodeError, match="coder 'mila' has no codings"):
        agreement(coded, coders=["ana", "mila"])
    with pytest.raises(QualcodeError, match="--unit 'pages'"):
        agreement(coded, unit="pages")
    report = agreement(coded, unit="documents")
    [row] = report.rows
    assert row.statistics["cohen_kappa"].value is None
    assert (
        row.statistics["cohen_kappa"].reason == "no variation: every unit is coded the same way by everyone"
    )


def test_disagreements_and_reconcile(coded: Project) -> None:
    apply_code(coded, "Law", "int_a", Selector(span="0:40"), "ana")
    apply_code(coded, "Law", "int_a", Selector(span="20:60"), "marko")
    found = disagreements(coded)
    assert [(d.start, d.end, d.coded_by, d.not_coded_by) for d in found] == [
        (0, 20, ["ana"], ["marko"]),
        (40, 60, ["marko"], ["ana"]),
    ]
    union = reconcile(coded, "consensus-u", "lead", union=True)
    assert union.codings == 1
    inter = reconcile(coded, "consensus-i", "lead", intersection=True)
    prefer = reconcile(coded, "consensus-p", "lead", prefer="marko")
    asked = reconcile(coded, "consensus-x", "lead", decide=lambda d: d.coded_by == ["ana"])
    spans = {(c.coder, c.start, c.end) for c in list_codings(coded, code="Law")}
    assert {s for s in spans if s[0].startswith("consensus")} == {
        ("consensus-u", 0, 60),
        ("consensus-i", 20, 40),
        ("consensus-p", 20, 60),
        ("consensus-x", 0, 40),
    }
    assert (inter.codings, prefer.codings, asked.decided) == (1, 1, 2)
    again = reconcile(coded, "consensus-u", "lead", union=True)
    assert (again.codings, again.already) == (0, 1)
    with pytest.raises(QualcodeError, match="exactly one of"):
        reconcile(coded, "c", "lead", union=True, intersection=True)
    with pytest.raises(QualcodeError, match="one of the compared coders"):
        reconcile(coded, "ana", "lead", union=True, coders=["ana", "marko"])


def test_merge_two_copies_then_agree_recomputed_by_hand(tmp_path: Path) -> None:
    doc = tmp_path / "int.txt"
    doc.write_text(
        "I: Pitanje?\n\nR: Deca prose na raskrsnici dok odrasli gledaju.\n\nI: Hvala.\n", encoding="utf-8"
    )
    book = CodebookSpec(codes=[CodeSpec("Signs", children=[CodeSpec("Watching")])])
    copies = []
    for name, coder, span in (("a.db", "ana", "20:40"), ("b.db", "marko", "30:50")):
        project = init_project(tmp_path / name)
        import_paths(project, [doc], ImportOptions())
        load_codebook(project, book, coder)
        apply_code(project, "Watching", "int", Selector(span=span), coder)
        copies.append(project)
    main, other = copies
    report = merge_project(main, other.path, "lead")
    assert (report.documents_matched, report.documents_added, report.codings_added) == (1, [], {"marko": 1})
    again = merge_project(main, other.path, "lead")
    assert (again.codings_added, again.codings_already_present) == ({}, 1)
    [row] = agreement(main, unit="characters").rows
    length = len(doc.read_text(encoding="utf-8").rstrip("\n"))
    both, only_a, only_b = 10, 10, 10  # [30,40) both; [20,30) ana; [40,50) marko
    neither = length - 30
    assert row.counts == {"both": both, "only ana": only_a, "only marko": only_b, "neither": neither}
    po = (both + neither) / length
    pa, pb = (both + only_a) / length, (both + only_b) / length
    pe = pa * pb + (1 - pa) * (1 - pb)
    assert row.statistics["percent_agreement"].value == pytest.approx(po)
    assert row.statistics["cohen_kappa"].value == pytest.approx((po - pe) / (1 - pe))
