"""Deductive suggestions: codebook keywords found as lemmas in any script; the review workflow."""

from __future__ import annotations

import json
import sqlite3

import pytest

from qualcode.coding import list_codings
from qualcode.errors import NotFound, QualcodeError
from qualcode.history import undo
from qualcode.store.project import Project
from qualcode.suggest.deductive import code_evidence, deductive_matches, deductive_scores
from qualcode.suggest.review import accept_above, list_suggestions, review
from qualcode.suggest.workflow import suggest_codes


def test_keywords_match_lemmas_in_both_scripts_and_without_diacritics() -> None:
    quotas = code_evidence("Daily quotas", {"sr": ["kvota", "mora da donese"], "en": ["quota"]})
    victims = code_evidence("Victims", {"sr": ["žrtva"]})
    units = [
        ("Svako dete ima kvotu koju mora da donese uveče.", "sr-Latn"),
        ("Свако дете има квоту коју мора да донесе увече.", "sr-Cyrl"),
        ("Svako dete ima kvotu koju mora da donese uvece.", "sr-Latn"),
        ("They each had a daily quota to bring back.", "en"),
        ("Razgovarali smo o žrtvama trgovine.", "sr-Latn"),
        ("Nothing relevant here at all.", "en"),
    ]
    found = [(m.unit, m.code, m.score, m.reason) for m in deductive_matches(units, [quotas, victims])]
    two = round(1 - 2.718281828459045**-2.5, 6)  # one word (1.0) and one phrase (1.5)
    assert found[:3] == [
        (0, "Daily quotas", two, ["kvota", "mora da donese"]),
        (1, "Daily quotas", two, ["kvota", "mora da donese"]),
        (2, "Daily quotas", two, ["kvota", "mora da donese"]),
    ]
    assert found[3] == (3, "Daily quotas", round(1 - 2.718281828459045**-1, 6), ["quota"])
    assert found[4][:2] == (4, "Victims")
    assert len(found) == 5


def test_the_score_matrix_equals_the_matches_scores() -> None:
    codes = [
        code_evidence("Daily quotas", {"sr": ["kvota", "mora da donese"], "en": ["quota"]}),
        code_evidence(
            "Shelters", {"en": ["shelter"]}, definition="Accommodation in shelters and drop-in centres"
        ),
        code_evidence("Nothing", {}),
    ]
    units = [
        ("Svako dete ima kvotu koju mora da donese uveče.", "sr-Latn"),
        ("The shelters and drop-in centres were full; the quota stayed.", "en"),
        ("", "en"),
    ]
    expected = [[0.0] * 3 for _ in units]
    for m in deductive_matches(units, codes, min_score=0.0):
        expected[m.unit][[c.code for c in codes].index(m.code)] = m.score
    assert deductive_scores(units, codes) == expected
    assert expected[0][0] == round(1 - 2.718281828459045**-2.5, 6) and expected[1][1] > expected[1][0] > 0


def test_min_score_filters_weak_definition_evidence() -> None:
    code = code_evidence("Shelters", {}, definition="Accommodation in shelters and drop-in centres")
    units = [("The shelters were full.", "en")]
    assert deductive_matches(units, [code], min_score=0.5) == []
    [weak] = deductive_matches(units, [code], min_score=0.1)
    assert weak.reason == ["shelter"]


def test_suggest_accept_reject_undo(coded: Project) -> None:
    report = suggest_codes(coded, "ana", method="deductive")
    assert report.created == {"deductive": 2}
    pending = list_suggestions(coded)
    assert [(s.code, s.document, s.unit) for s in pending] == [
        ("Indicators > Adults watching", "int_a", 2),
        ("Indicators > Adults watching", "int_c", 2),
    ]
    assert pending[0].reason == ["odrasli"] and pending[1].reason == ["adults"]
    accepted = review(coded, [pending[0].id], "ana", accept=True)
    [coding] = list_codings(coded)
    assert (coding.code, coding.origin, coding.coder) == (
        "Indicators > Adults watching",
        "suggestion:deductive",
        "ana",
    )
    assert accepted.codings == [coding.id]
    review(coded, [pending[1].id], "ana", accept=False)
    again = suggest_codes(coded, "ana", method="deductive")
    assert (again.created, again.skipped) == ({}, 1)  # accepted is coded now; the rejection is final
    with pytest.raises(QualcodeError, match="already rejected"):
        review(coded, [pending[1].id], "ana", accept=True)
    with pytest.raises(NotFound, match="no suggestion 999"):
        review(coded, [999], "ana", accept=False)
    undo(coded, "ana", 2)  # the rejection, then the acceptance
    assert list_codings(coded) == []
    assert [s.status for s in list_suggestions(coded, status=None)] == ["pending", "pending"]


def test_accept_as_another_code_and_all_above(coded: Project) -> None:
    suggest_codes(coded, "ana", method="deductive")
    first, second = list_suggestions(coded)
    review(coded, [first.id], "ana", accept=True, as_code="Perceptions")
    assert [(c.code, c.origin) for c in list_codings(coded)] == [("Perceptions", "suggestion:deductive")]
    assert [s.status for s in list_suggestions(coded, status=None)] == ["rejected", "pending"]
    report = accept_above(coded, 0.6, "marko")
    assert report.accepted == [second.id]


def test_learned_with_too_few_codings_says_what_is_needed(coded: Project) -> None:
    report = suggest_codes(coded, "ana", method="learned")
    assert report.created == {}
    assert "no model could be trained" in report.notes[0]
    assert "needs at least 5 coded units" in report.notes[0]


def test_no_codebook_is_a_clear_error(project: Project) -> None:
    with pytest.raises(QualcodeError, match="no codebook yet"):
        suggest_codes(project, "ana")


def test_suggestion_events_are_logged(coded: Project) -> None:
    suggest_codes(coded, "ana", method="deductive")
    conn = sqlite3.connect(coded.path)
    [(action, data)] = conn.execute(
        "SELECT action, data FROM events WHERE action LIKE 'suggest.%'"
    ).fetchall()
    conn.close()
    assert action == "suggest.codes"
    assert json.loads(data)["summary"] == {"created": {"deductive": 2}, "skipped": 0, "replaced": 0}
