"""Retrieval, co-occurrence and code × attribute matrices: exact values on a small project."""

from __future__ import annotations

import pytest

from qualcode.coding import Selector, apply_code
from qualcode.errors import QualcodeError
from qualcode.query import cooccurrence, matrix, retrieve
from qualcode.store.project import Project


@pytest.fixture
def worked(coded: Project) -> Project:
    apply_code(coded, "Adults watching", "int_a", Selector(units="2"), "ana")
    apply_code(coded, "Handing over money", "int_a", Selector(units="5", unit_kind="sentence"), "ana")
    apply_code(coded, "Handing over money", "int_a", Selector(units="4"), "marko")
    apply_code(coded, "Fines for begging", "int_b", Selector(units="4"), "ana")
    apply_code(coded, "Adults watching", "int_c", Selector(units="2"), "ana")
    apply_code(coded, "Fines for begging", "int_c", Selector(units="4"), "ana")
    apply_code(coded, "Perceptions", "int_c", Selector(span="60:90"), "ana")
    return coded


def test_retrieve_gives_place_speaker_participant_and_context(worked: Project) -> None:
    [seg_a, seg_c] = retrieve(worked, "Adults watching", context=20)
    assert (seg_a.document, seg_a.case, seg_a.speaker, seg_a.turn) == ("int_a", "P1", "R", 2)
    assert seg_a.text == "Deca prose na raskrsnici. Odrasli čekaju u blizini."
    assert seg_a.attributes == {"role": "social worker", "country": "Serbia", "years": 14}
    assert seg_a.left == "Kako počinje? R: "
    assert seg_a.right == " I: A novac? R:"
    assert (seg_c.document, seg_c.speaker, seg_c.turn) == ("int_c", "A", 2)


def test_retrieve_children_where_and_coder(worked: Project) -> None:
    assert len(retrieve(worked, "Indicators")) == 0
    assert [s.code for s in retrieve(worked, "Indicators", children=True)] == [
        "Indicators > Adults watching",
        "Indicators > Handing over money",
        "Indicators > Handing over money",
        "Indicators > Adults watching",
    ]
    assert [s.document for s in retrieve(worked, "Fines for begging", where=["country=serbia"])] == ["int_b"]
    assert [s.document for s in retrieve(worked, "Fines for begging", where=["years>=10"])] == ["int_c"]
    assert [
        s.document for s in retrieve(worked, "Fines for begging", where=["country!=Serbia", "years<30"])
    ] == ["int_c"]
    assert [s.coder for s in retrieve(worked, "Handing over money", coder="marko")] == ["marko"]


@pytest.mark.parametrize(
    ("where", "message"),
    [
        ("countr=Serbia", "no participant attribute 'countr'; did you mean country?"),
        ("country", "is not ATTRIBUTE=VALUE"),
        ("years>=many", "years is a number"),
    ],
)
def test_retrieve_bad_conditions(worked: Project, where: str, message: str) -> None:
    with pytest.raises(QualcodeError) as info:
        retrieve(worked, "Fines for begging", where=[where])
    assert message in str(info.value)


def test_cooccurrence_segments_and_units(worked: Project) -> None:
    result = cooccurrence(
        worked, ["Adults watching", "Handing over money", "Fines for begging", "Perceptions"]
    )
    assert result.codes == [
        "Indicators > Adults watching",
        "Indicators > Handing over money",
        "Law > Fines for begging",
        "Perceptions",
    ]
    # Perceptions (60:90 in int_c) overlaps the coded answer (Adults watching) and runs into
    # the next question: it shares one turn with Adults watching and occurs in two turns.
    assert result.segments == [[2, 0, 0, 1], [0, 2, 0, 0], [0, 0, 2, 0], [1, 0, 0, 1]]
    assert result.units == [[2, 0, 0, 1], [0, 1, 0, 0], [0, 0, 2, 0], [1, 0, 0, 2]]


def test_cooccurrence_of_themes_rolls_up_sub_codes(worked: Project) -> None:
    result = cooccurrence(worked, ["Indicators", "Law"], unit_kind="paragraph")
    assert result.segments == [[4, 0], [0, 2]]
    assert result.units == [[3, 0], [0, 2]]


def test_matrix_counts(worked: Project) -> None:
    seg = matrix(worked, "country")
    assert seg.columns == ["Bosnia and Herzegovina", "Serbia"]
    rows = dict(seg.rows)
    assert rows["Indicators"] == [1, 3]
    assert rows["Law > Fines for begging"] == [1, 1]
    assert rows["Perceptions"] == [1, 0]
    docs = dict(matrix(worked, "country", count="documents").rows)
    assert docs["Indicators"] == [1, 1]
    cases = matrix(worked, "role", count="cases", codes=["Law"])
    assert (cases.columns, cases.rows) == (["judge", "police officer", "social worker"], [("Law", [1, 1, 0])])
    with pytest.raises(QualcodeError, match="no participant attribute 'county'"):
        matrix(worked, "county")
    with pytest.raises(QualcodeError, match="--count 'words'"):
        matrix(worked, "country", count="words")
