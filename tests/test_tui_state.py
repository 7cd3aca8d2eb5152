"""The coding screen's session without a terminal, its command, marking codings important, the key map."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from qualcode.cli import app as cli
from qualcode.coding import Selector, apply_code, list_codings, set_important
from qualcode.errors import NotFound, QualcodeError
from qualcode.history import history, undo
from qualcode.store.project import Project
from qualcode.tui.codes import filter_codes, remember
from qualcode.tui.keys import KEYMAP
from qualcode.tui.state import Session
from qualcode.tui.transcript import wrap
from tests.conftest import REPO


def test_select_text_by_phrase_or_from_to_ignoring_case_and_diacritics(coded: Project) -> None:
    s = Session(coded, "ana", "int_a")
    s.move(1)  # turn 2: "Deca prose na raskrsnici. Odrasli čekaju u blizini."
    sel = s.select_text("CEKAJU")
    assert (sel.start, sel.end, s.text[sel.start : sel.end], sel.selector) == (
        55,
        61,
        "čekaju",
        Selector(span="55:61"),
    )
    sel = s.select_text("prose … odrasli")
    assert s.text[sel.start : sel.end] == "prose na raskrsnici. Odrasli"
    with pytest.raises(QualcodeError, match="'odrasli' does not come after 'blizini' in this turn"):
        s.select_text("blizini...odrasli")
    s.clear_selection()
    assert s.selection.selector == Selector(units="2", unit_kind="turn")


def test_sentences_inside_a_unit_wrap_round_and_single_sentences_refuse(coded: Project) -> None:
    s = Session(coded, "ana", "int_a")
    with pytest.raises(QualcodeError, match="this turn is a single sentence"):
        s.next_sentence(1)
    s.move(1)
    assert [s.next_sentence(1).label for _ in range(3)] == ["sentence 2", "sentence 3", "sentence 2"]
    assert s.next_sentence(-1).label == "sentence 3"
    assert s.selection.selector == Selector(units="3", unit_kind="sentence")
    s.move(1)  # moving drops the sentence: the next code goes on the whole unit
    assert s.selection.label == "turn 3"


def test_switching_unit_kind_keeps_the_place(coded: Project) -> None:
    s = Session(coded, "ana", "int_a")
    s.go(3)  # turn 4
    assert (s.cycle_kind(), s.unit.ordinal) == ("paragraph", 4)
    assert (s.cycle_kind(), s.unit.ordinal) == ("sentence", 5)
    assert (s.cycle_kind(), s.unit.ordinal) == ("turn", 4)  # the .txt has no cues


def test_recent_codes_come_from_the_project_and_follow_use(coded: Project) -> None:
    apply_code(coded, "Law", "int_a", Selector(units="1"), "ana")
    apply_code(coded, "Perceptions", "int_b", Selector(units="1"), "ana")
    apply_code(coded, "Indicators", "int_b", Selector(units="1"), "marko")  # someone else's
    s = Session(coded, "ana", "int_c")
    assert s.recent == ["Perceptions", "Law"]
    assert s.apply_recent(2) == "Coded turn 1: Law"
    assert s.recent == ["Law", "Perceptions"]
    assert s.apply_recent(1) == "turn 1 already has Law"
    assert remember(["a", "b", "c"], "c") == ["c", "a", "b"]


def test_only_your_own_codings_can_be_removed(coded: Project) -> None:
    apply_code(coded, "Law", "int_a", Selector(units="1"), "marko")
    s = Session(coded, "ana", "int_a")
    assert [i.kind for i in s.items()] == ["coding"]
    with pytest.raises(QualcodeError, match="coding 1 is marko's; you can remove only your own codings"):
        s.remove()
    assert len(list_codings(coded)) == 1


def test_filter_keeps_ancestors_as_context(coded: Project) -> None:
    s = Session(coded, "ana")
    shown = [(c.entry.label, c.match) for c in filter_codes(s.codes, "FINES")]
    assert shown == [("Law", False), ("Law > Fines for begging", True)]
    assert [c.entry.label for c in filter_codes(s.codes, "")][:2] == [
        "Indicators",
        "Indicators > Adults watching",
    ]
    assert filter_codes(s.codes, "nothing like it") == []
    # A keyword in any language finds its code: "Odrasli" is a Serbian keyword of Adults watching.
    assert [(c.entry.name, c.match) for c in filter_codes(s.codes, "ODRASLI")] == [
        ("Indicators", False),
        ("Adults watching", True),
    ]


def test_wrap_keeps_offsets_and_breaks_long_words() -> None:
    text = "ab cd ef gh\nijklmnopqrstuv"
    assert wrap(text, 0, len(text), 8) == [(0, 9), (9, 11), (12, 20), (20, 26)]
    assert [text[a:b] for a, b in wrap(text, 3, 11, 8)] == ["cd ef gh"]


def test_session_errors(coded: Project, project: Project) -> None:
    with pytest.raises(
        NotFound, match="no document named 'int_x' in the project; did you mean int_c, int_b, int_a\\?"
    ):
        Session(coded, "ana", "int_x")
    with pytest.raises(QualcodeError, match="the project has no transcripts yet"):
        Session(project, "ana")


def test_set_important_is_an_undoable_event(coded: Project) -> None:
    coding = apply_code(coded, "Law", "int_a", Selector(units="2"), "ana").created[0]
    assert set_important(coded, coding.id, True, "ana") is True
    assert set_important(coded, coding.id, True, "ana") is False  # no second event
    assert [c.important for c in list_codings(coded)] == [True]
    assert history(coded)[-1].describe() == f"coding.important coding:{coding.id} (important=True)"
    undo(coded, "ana")
    assert [c.important for c in list_codings(coded)] == [False]
    with pytest.raises(NotFound, match="no coding with id 99"):
        set_important(coded, 99, True, "ana")


def test_code_important_command(coded: Project, runner: CliRunner) -> None:
    apply_code(coded, "Law", "int_a", Selector(units="2"), "ana")
    args = ["-p", str(coded.path), "--coder", "ana"]
    outputs = [
        runner.invoke(cli, ["code", "important", "1", *extra, *args]) for extra in ([], [], ["--unset"])
    ]
    assert [(r.exit_code, r.stdout) for r in outputs] == [
        (0, "Coding 1 is now marked important.\n"),
        (0, "Coding 1 was already marked important.\n"),
        (0, "Coding 1 is no longer marked important.\n"),
    ]
    missing = runner.invoke(cli, ["code", "important", "7", *args])
    assert (missing.exit_code, missing.stderr) == (
        1,
        "Error: no coding with id 7 (`qualcode code list` shows the ids)\n",
    )


def test_tui_command_refuses_a_bad_document_or_unit_kind_before_starting(
    coded: Project, runner: CliRunner
) -> None:
    bad = runner.invoke(cli, ["tui", "int_x", "-p", str(coded.path)])
    assert (bad.exit_code, bad.stderr) == (
        1,
        "Error: no document named 'int_x' in the project; did you mean int_c, int_b, int_a?\n",
    )
    kind = runner.invoke(cli, ["tui", "--unit-kind", "page", "-p", str(coded.path)])
    assert kind.exit_code == 2 and "use one of turn, paragraph, sentence, cue" in kind.stderr


def test_every_key_is_in_the_readme() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("### `qualcode tui`", 1)[1].split("\n### ", 1)[0]
    for keys in KEYMAP.values():
        for key in keys:
            assert f"| `{key.shown}` |" in section, f"{key.shown} ({key.help}) is not in the README's key map"


def test_no_color_means_plain_marks(coded: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    from qualcode.tui.app import CodingApp

    session = Session(coded, "ana")
    monkeypatch.setenv("NO_COLOR", "1")
    assert CodingApp(session).plain is True
    monkeypatch.delenv("NO_COLOR")
    monkeypatch.setenv("TERM", "dumb")  # a terminal without colours
    assert CodingApp(session).plain is True
    monkeypatch.setenv("TERM", "xterm-256color")
    assert CodingApp(session).plain is False
    assert CodingApp(session, plain=True).plain is True
