"""Codebook in a project: load/merge by path, tree with counts, edits, and nothing lost."""

from __future__ import annotations

from pathlib import Path

import pytest

from qualcode.codebook import (
    add_code,
    codebook_tree,
    delete_code,
    export_codebook,
    load_codebook,
    merge_codes,
    move_code,
    rename_code,
)
from qualcode.codebook_files import CodebookSpec, CodeSpec, iter_codes, read_codebook_file
from qualcode.coding import Selector, add_memo, apply_code, list_codings
from qualcode.errors import Conflict, NotFound, QualcodeError
from qualcode.store.project import Project
from tests.conftest import REPO


def _paths(project: Project) -> list[str]:
    return [" > ".join(p) for p, _ in iter_codes(export_codebook(project).codes)]


def _codings(project: Project) -> list[tuple[str, str, str, int, int]]:
    return sorted((c.document, c.code, c.coder, c.start, c.end) for c in list_codings(project))


def test_sample_codebook_loads_and_round_trips_through_yaml(project: Project, tmp_path: Path) -> None:
    spec = read_codebook_file(REPO / "codebooks" / "forced_begging.yaml")
    report = load_codebook(project, spec, "ana", source="forced_begging.yaml")
    assert (len(report.added), report.updated, report.unchanged) == (72, [], [])
    exported = export_codebook(project)
    assert exported == spec
    again = load_codebook(project, exported, "ana")
    assert (again.added, again.updated, len(again.unchanged)) == ([], [], 72)


def test_load_merges_by_path(coded: Project) -> None:
    spec = CodebookSpec(
        codes=[
            CodeSpec(
                "Indicators",
                definition="Signs of exploitation",
                children=[
                    CodeSpec(
                        "Adults watching",
                        definition="changed",
                        keywords={"sr": ["odrasli"], "en": ["adults"]},
                    ),
                    CodeSpec("Daily quotas"),
                ],
            ),
        ]
    )
    report = load_codebook(coded, spec, "ana")
    assert report.added == ["Indicators > Daily quotas"]
    assert report.updated == ["Indicators > Adults watching"]
    assert report.unchanged == ["Indicators"]
    assert "Law > Fines for begging" in _paths(coded)  # codes not in the file stay


def test_tree_counts_codings_and_documents(coded: Project) -> None:
    apply_code(coded, "Adults watching", "int_a", Selector(units="2,4"), "ana")
    apply_code(coded, "Adults watching", "int_c", Selector(units="2"), "ana")
    [indicators, law, perceptions] = codebook_tree(coded)
    watching = indicators.children[0]
    assert (watching.path, watching.codings, watching.documents) == ("Indicators > Adults watching", 3, 2)
    assert (law.codings, perceptions.codings) == (0, 0)


def test_add_rename_move_with_clear_refusals(coded: Project) -> None:
    add_code(coded, "Daily quotas", "ana", parent="Indicators", definition="A sum to bring back")
    with pytest.raises(Conflict, match="there is already a code Indicators > Daily quotas"):
        add_code(coded, "Daily quotas", "ana", parent="Indicators")
    rename_code(coded, "Daily quotas", "Quotas", "ana")
    move_code(coded, "Quotas", "Law", "ana")
    assert "Law > Quotas" in _paths(coded)
    with pytest.raises(Conflict, match="that is inside it"):
        move_code(coded, "Indicators", "Adults watching", "ana")
    with pytest.raises(QualcodeError, match="not a usable code name"):
        add_code(coded, "A > B", "ana")
    with pytest.raises(NotFound, match="did you mean 'Quotas'"):
        rename_code(coded, "Quotass", "X", "ana")


def test_merge_moves_codings_and_collapses_identical_spans(coded: Project) -> None:
    apply_code(coded, "Adults watching", "int_a", Selector(units="2"), "ana", memo="watchers")
    apply_code(coded, "Handing over money", "int_a", Selector(units="2,4"), "ana")
    apply_code(coded, "Adults watching", "int_c", Selector(units="2"), "marko")
    add_memo(coded, "about watching", "ana", code="Adults watching")
    before = _codings(coded)
    report = merge_codes(coded, "Adults watching", "Handing over money", "ana")
    assert (report.moved, report.collapsed, report.children_moved) == (1, 1, 0)
    after = _codings(coded)
    assert len(after) == len(before) - 1
    assert {(d, coder, s, e) for d, _, coder, s, e in after} == {
        (d, coder, s, e) for d, _, coder, s, e in before
    }
    assert {code for _, code, *_ in after} == {"Indicators > Handing over money"}
    assert sorted(c.memo for c in list_codings(coded)) == ["", "", "watchers"]
    assert "Indicators > Adults watching" not in _paths(coded)


def test_delete_needs_force_when_used(coded: Project) -> None:
    apply_code(coded, "Fines for begging", "int_c", Selector(units="4"), "ana")
    with pytest.raises(Conflict, match=r"Law has 1 coding\(s\) and 1 sub-code\(s\)"):
        delete_code(coded, "Law", "ana")
    report = delete_code(coded, "Law", "ana", force=True)
    assert (report.codes, report.codings) == (2, 1)
    assert list_codings(coded) == []
    assert delete_code(coded, "Perceptions", "ana").codes == 1
