"""The report's pure parts: the quote rule, co-occurrence of passages, numbers and dates by language."""

from __future__ import annotations

from datetime import date

import pytest

from qualcode.errors import QualcodeError
from qualcode.report.cooccurrence import overlapping_passages
from qualcode.report.labels import Labels
from qualcode.report.model import Passage
from qualcode.report.quotes import choose_quotes


def _p(
    doc: str,
    start: int,
    length: int,
    case: str | None,
    country: str = "Serbia",
    *,
    important: bool = False,
    coding_id: int = 0,
) -> Passage:
    return Passage(
        coding_id,
        doc,
        case,
        {"country": country} if case else {},
        1,
        "ana",
        start,
        start + length,
        "x" * length,
        None,
        None,
        important,
    )


def test_quote_rule_important_then_new_participants_and_groups_then_length() -> None:
    passages = [
        _p("a", 0, 250, "P1"),  # ideal length
        _p("a", 300, 240, "P1"),  # same participant: after the others
        _p("b", 0, 40, "P2"),  # too short, but a new participant
        _p("c", 0, 700, "P3", "Bosnia and Herzegovina"),  # too long, new participant and new country
        _p("d", 0, 100, "P4", important=True),  # important: first of all
    ]
    chosen = choose_quotes(passages, 4, ["country"])
    assert [(p.document, p.start) for p in chosen] == [("d", 0), ("c", 0), ("a", 0), ("b", 0)]
    assert [(p.document, p.start) for p in choose_quotes(passages, 10, ["country"])][-1] == ("a", 300)


def test_quote_rule_merges_coders_and_skips_overlaps() -> None:
    passages = [
        _p("a", 0, 200, "P1", coding_id=1),
        _p("a", 0, 200, "P1", coding_id=2, important=True),  # the same span by another coder
        _p("a", 100, 200, "P1", coding_id=3),  # overlaps the first
        _p("a", 500, 30, "P1", coding_id=4),
    ]
    chosen = choose_quotes(passages, 3, [])
    assert [(p.coding_id, p.important) for p in chosen] == [(1, True), (4, False)]
    assert passages[0].important is False  # the caller's data is left alone
    assert choose_quotes(passages, 0, []) == []


def test_overlapping_passages_counts_each_passage_once_and_skips_related() -> None:
    spans = {
        1: {"a": [(0, 10), (20, 30)], "b": [(0, 5)]},
        2: {"a": [(5, 25)], "b": [(3, 4)]},
        3: {"a": [(0, 100)]},  # the theme of 1: related, not counted
    }
    result = overlapping_passages(spans, lambda x, y: {x, y} == {1, 3})
    assert result == {1: {2: 3}, 2: {1: 2, 3: 1}, 3: {2: 1}}


def test_numbers_and_dates_by_language() -> None:
    en, latn, cyrl = Labels("en"), Labels("sr-Latn"), Labels("sr-Cyrl")
    assert (en.number(53120.5, 1), latn.number(53120.5, 1), cyrl.number(0.8126, 3)) == (
        "53,120.5",
        "53.120,5",
        "0,813",
    )
    day = date(2026, 11, 28)
    assert (en.date(day), latn.date(day), cyrl.date(day)) == (
        "28 November 2026",
        "28. novembar 2026.",
        "28. новембар 2026.",
    )
    assert cyrl("gwet_ac1") == "Гветов AC1"
    assert cyrl("corpus", interviews=8, participants=9, words=1, passages=2).startswith(
        "Интервјуи: 8 · учесници: 9"
    )
    assert set(en.text()) == set(latn.text()) == set(cyrl.text())
    with pytest.raises(QualcodeError, match="use one of en, sr-Latn, sr-Cyrl"):
        Labels("sr")
