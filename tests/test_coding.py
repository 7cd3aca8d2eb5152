"""Coding by command: selectors, idempotence, removal that cuts back, memos, listing."""

from __future__ import annotations

import pytest

from qualcode.coding import Selector, add_memo, apply_code, list_codings, remove_code, select_spans
from qualcode.errors import NotFound, QualcodeError
from qualcode.store.project import Project


def _spans(project: Project, code: str | None = None) -> list[tuple[str, str, str, int, int]]:
    return [(c.document, c.code, c.coder, c.start, c.end) for c in list_codings(project, code=code)]


def test_units_selector_one_coding_per_item_and_range(coded: Project) -> None:
    report = apply_code(coded, "Adults watching", "int_a", Selector(units="2"), "ana")
    assert [(c.code, c.text) for c in report.created] == [
        ("Indicators > Adults watching", "Deca prose na raskrsnici. Odrasli čekaju u blizini.")
    ]
    report = apply_code(coded, "Indicators", "int_a", Selector(units="1,3-4"), "ana")
    assert [c.text for c in report.created] == [
        "Kako počinje?",
        "A novac?\n\nR: Predaju novac odraslima svako veče.",
    ]


def test_sentence_units_and_span(coded: Project) -> None:
    report = apply_code(coded, "Adults watching", "int_a", Selector(units="3", unit_kind="sentence"), "ana")
    assert [c.text for c in report.created] == ["Odrasli čekaju u blizini."]
    report = apply_code(coded, "Perceptions", "int_a", Selector(span="3:8"), "ana")
    assert [(c.start, c.end, c.text) for c in report.created] == [(3, 8, "Kako ")]


def test_applying_twice_makes_no_duplicate(coded: Project) -> None:
    apply_code(coded, "Law", "int_b", Selector(units="4"), "ana")
    again = apply_code(coded, "Law", "int_b", Selector(units="4"), "ana")
    assert (again.created, again.already) == ([], 1)
    other = apply_code(coded, "Law", "int_b", Selector(units="4"), "marko")  # another coder may
    assert len(other.created) == 1


def test_match_ignores_script_case_and_diacritics(coded: Project) -> None:
    latin = select_spans(coded, "int_b", Selector(match="deca"))
    cyrillic = select_spans(coded, "int_b", Selector(match="ДЕЦА"))
    assert [s.label for s in latin] == [s.label for s in cyrillic] == ["turn 2"]
    assert [s.label for s in select_spans(coded, "int_b", Selector(match="prosjacenje"))] == ["turn 4"]
    assert [s.label for s in select_spans(coded, "int_b", Selector(match=r"pros\w*"))] == ["turn 2", "turn 4"]
    assert select_spans(coded, "int_b", Selector(match="policija")) == []


def test_remove_cuts_back_and_splits(coded: Project) -> None:
    apply_code(coded, "Law", "int_a", Selector(span="0:60"), "ana")
    report = remove_code(coded, "Law", "int_a", Selector(span="10:20"), "ana")
    assert (report.removed, report.trimmed) == (0, 1)
    assert [(s, e) for *_, s, e in _spans(coded, "Law")] == [(0, 10), (20, 60)]
    report = remove_code(coded, "Law", "int_a", Selector(span="0:60"), "ana")
    assert (report.removed, report.trimmed) == (2, 0)
    assert _spans(coded, "Law") == []


def test_remove_touches_only_the_coders_own_codings(coded: Project) -> None:
    apply_code(coded, "Law", "int_a", Selector(units="2"), "ana")
    apply_code(coded, "Law", "int_a", Selector(units="2"), "marko")
    remove_code(coded, "Law", "int_a", Selector(units="2"), "marko")
    assert [coder for _, _, coder, _, _ in _spans(coded, "Law")] == ["ana"]


@pytest.mark.parametrize(
    ("selector", "message"),
    [
        (Selector(units="2-4,3"), "turn 3 is selected twice"),
        (Selector(units="2-x"), "'2-x' is not a number or a range"),
        (Selector(units="5-3"), "the range 5-3 runs backwards"),
        (Selector(units="9"), "there is no turn 9: the document has turns 1 to 4"),
        (
            Selector(span="5:500"),
            "--span 5:500 is outside the document (offsets run from 0 to 125, and START < END)",
        ),
        (Selector(span="abc"), "is not START:END"),
        (Selector(units="1", span="1:2"), "choose exactly one of --units, --span or --match"),
        (Selector(), "choose exactly one"),
        (Selector(units="1", unit_kind="page"), "unknown unit kind 'page'"),
        (Selector(match="(unclosed"), "is not a valid regular expression"),
    ],
)
def test_bad_selectors_are_clear_errors_and_change_nothing(
    coded: Project, selector: Selector, message: str
) -> None:
    with pytest.raises(QualcodeError) as info:
        apply_code(coded, "Law", "int_a", selector, "ana")
    assert message in str(info.value)
    assert list_codings(coded) == []


def test_unknown_code_and_document_suggest_names(coded: Project) -> None:
    with pytest.raises(
        NotFound, match=r"no code 'Adult watching' in the codebook; did you mean 'Adults watching'"
    ):
        apply_code(coded, "Adult watching", "int_a", Selector(units="1"), "ana")
    with pytest.raises(NotFound, match="did you mean int_a"):
        apply_code(coded, "Law", "int_aa", Selector(units="1"), "ana")


def test_list_filters_and_code_includes_subcodes(coded: Project) -> None:
    apply_code(coded, "Adults watching", "int_a", Selector(units="2"), "ana")
    apply_code(coded, "Handing over money", "int_a", Selector(units="4"), "marko")
    apply_code(coded, "Fines for begging", "int_c", Selector(units="4"), "ana")
    assert [c.code for c in list_codings(coded, code="Indicators")] == [
        "Indicators > Adults watching",
        "Indicators > Handing over money",
    ]
    assert [c.document for c in list_codings(coded, coder="ana")] == ["int_a", "int_c"]
    assert [c.text for c in list_codings(coded, document="int_c")] == [
        "Police fine the children instead of protecting them."
    ]


def test_memos_on_each_target(coded: Project) -> None:
    coding = apply_code(coded, "Law", "int_a", Selector(units="2"), "ana").created[0]
    ids = [
        add_memo(coded, "Important quote", "ana", coding=coding.id),
        add_memo(coded, "Interview was short", "ana", document="int_a"),
        add_memo(coded, "Use for chapter 5", "ana", code="Law"),
    ]
    assert ids == [1, 2, 3]
    with pytest.raises(QualcodeError, match="exactly one of"):
        add_memo(coded, "x", "ana", document="int_a", code="Law")
    with pytest.raises(NotFound, match="no coding with id 99"):
        add_memo(coded, "x", "ana", coding=99)
