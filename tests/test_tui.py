"""The coding screen driven headless by Textual's pilot; the project file checked after each step."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select

from qualcode.coding import list_codings
from qualcode.history import history
from qualcode.store.models import MEMOS
from qualcode.store.project import Project
from qualcode.suggest.review import list_suggestions
from qualcode.suggest.workflow import suggest_codes
from qualcode.tui.app import CodingApp, CodingScreen
from qualcode.tui.side import CodeTree, panel_text
from qualcode.tui.state import Session
from qualcode.tui.transcript import TranscriptView

SIZE = (100, 30)
ADULTS = "Indicators > Adults watching"
FINES = "Law > Fines for begging"


@pytest.fixture
def suggested(coded: Project) -> Iterator[Project]:
    """The small project with two pending deductive suggestions (int_a turn 2, int_c turn 2)."""
    suggest_codes(coded, "ana", method="deductive")
    return coded


def _codings(project: Project) -> list[tuple[str, str, int, int, str, str, bool]]:
    return [
        (c.document, c.code, c.start, c.end, c.coder, c.origin, c.important) for c in list_codings(project)
    ]


def _screen(app: CodingApp) -> CodingScreen:
    assert isinstance(app.screen, CodingScreen)
    return app.screen


def _title(app: CodingApp) -> str:
    return str(_screen(app).query_one("#title").render())


@pytest.mark.asyncio
async def test_code_a_unit_a_sentence_undo_redo_accept_memo(suggested: Project) -> None:
    app = CodingApp(Session(suggested, "ana", "int_a"))
    async with app.run_test(size=SIZE) as pilot:
        assert _title(app) == "int_a (1/3) · turn 1/4 · coder ana"
        # Code a unit through the filter box: turn 2 is "Deca prose na raskrsnici. Odrasli čekaju u blizini."
        await pilot.press("j", "c", *"percep", "enter")
        assert _title(app) == "int_a (1/3) · turn 2/4 · coder ana"
        assert _codings(suggested) == [("int_a", "Perceptions", 21, 72, "ana", "manual", False)]

        # Code the second sentence of the unit, "Odrasli čekaju u blizini." (47:72).
        await pilot.press("s", "s", "c", *"fines", "enter")
        assert app.session.selection.label == "sentence 3"
        after_sentence = [
            ("int_a", "Perceptions", 21, 72, "ana", "manual", False),
            ("int_a", FINES, 47, 72, "ana", "manual", False),
        ]
        assert _codings(suggested) == after_sentence
        fines_id = next(c.id for c in list_codings(suggested) if c.code == FINES)

        await pilot.press("u")
        assert _codings(suggested) == after_sentence[:1]
        assert app.notices[-1] == ("information", "Undid coding.apply (Fines for begging, int_a, sentence 3)")
        await pilot.press("U")
        assert _codings(suggested) == after_sentence
        assert [c.id for c in list_codings(suggested, code=FINES)] == [fines_id]  # the same row came back

        # Accept the pending suggestion of the unit (the panel's highlight is on a coding: the first
        # suggestion is taken).
        await pilot.press("escape", "a")
        accepted = ("int_a", ADULTS, 21, 72, "ana", "suggestion:deductive", False)
        assert _codings(suggested) == [after_sentence[0], accepted, after_sentence[1]]
        assert [(s.document, s.status) for s in list_suggestions(suggested, status=None)] == [
            ("int_a", "accepted"),
            ("int_c", "pending"),
        ]

        # A memo on the highlighted coding (the first of the unit: Perceptions).
        await pilot.press("m", *"Key", "space", *"quote", "enter")
        perceptions_id = next(c.id for c in list_codings(suggested) if c.code == "Perceptions")
        with suggested.read() as conn:
            memos = conn.execute(select(MEMOS.c.target_type, MEMOS.c.coding_id, MEMOS.c.text)).all()
        assert [tuple(m) for m in memos] == [("coding", perceptions_id, "Key quote")]
        assert "Perceptions ✎1" in panel_text(app.session, plain=True, width=60).plain

        # Important, then remove: both on the highlighted (second) coding, the accepted suggestion.
        await pilot.press("tab", "i")
        assert _codings(suggested)[1] == (*accepted[:-1], True)
        await pilot.press("x")
        assert _codings(suggested) == after_sentence
        assert [e.action for e in history(suggested)][-8:] == [
            "coding.apply",
            "coding.apply",
            "undo",
            "redo",
            "suggest.accept",
            "memo.add",
            "coding.important",
            "coding.remove",
        ]


@pytest.mark.asyncio
async def test_mistakes_are_notifications_and_change_nothing(suggested: Project) -> None:
    app = CodingApp(Session(suggested, "milica", "int_a"))  # ana made the suggestions: milica has no undo
    async with app.run_test(size=SIZE) as pilot:
        before = len(history(suggested))
        await pilot.press("x", "r", "1", "u")
        assert app.notices == [
            ("error", "this turn has no codings (Tab moves between the panel's items)"),
            ("error", "this turn has no suggestions (Tab moves between the panel's items)"),
            ("error", "no recent code 1 yet: apply a code from the codebook first (c)"),
            ("error", "nothing to undo for coder 'milica'"),
        ]
        await pilot.press("c", *"zzz", "enter")
        assert app.notices[-1] == ("error", "no code matches; type part of a code's name")
        await pilot.press("escape", "v", *"nowhere", "enter")
        assert app.notices[-1] == ("error", "'nowhere' is not in this turn")
        assert len(history(suggested)) == before
        assert app.is_running


@pytest.mark.asyncio
async def test_moving_between_documents_kinds_and_search(suggested: Project) -> None:
    app = CodingApp(Session(suggested, "ana"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("right_square_bracket")
        assert _title(app) == "int_b (2/3) · turn 1/4 · coder ana"
        await pilot.press("G", "t")
        assert _title(app) == "int_b (2/3) · paragraph 4/4 · coder ana"
        await pilot.press("t")
        assert _title(app) == "int_b (2/3) · sentence 5/5 · coder ana"
        await pilot.press("t", "left_square_bracket", "left_square_bracket")
        assert _title(app) == "int_c (3/3) · turn 1/4 · coder ana"
        # Search matches as `qualcode search` does: "crkve" finds the Cyrillic "цркве" of int_b.
        await pilot.press("slash", *"crkve", "enter")
        await pilot.press("enter")
        assert _title(app) == "int_b (2/3) · turn 2/4 · coder ana"
        await pilot.press("d", "down", "enter")  # the list starts on the open document
        assert _title(app) == "int_c (3/3) · turn 1/4 · coder ana"


@pytest.mark.asyncio
async def test_the_transcript_shows_units_codings_and_the_current_unit(suggested: Project) -> None:
    session = Session(suggested, "ana", "int_a")
    app = CodingApp(session, plain=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j", "c", *"percep", "enter", "s", "s")
        view = _screen(app).query_one(TranscriptView)
        lines = [view.render_line(y).text.rstrip() for y in range(9)]
        assert lines == [
            "   turn 1  I",
            "    Kako počinje?",
            "",
            "┃▶ turn 2  R",
            "┃a  Deca prose na raskrsnici. Odrasli čekaju u blizini.",
            "",
            "   turn 3  I",
            "    A novac?",
            "",
        ]
        # Plain marks: underlined codings, the selected sentence reversed, no colour anywhere.
        styled = [(seg.text, seg.style) for seg in view.render_line(4) if seg.text.strip()]
        assert [(t, bool(s and s.underline), bool(s and s.reverse)) for t, s in styled][-2:] == [
            ("Deca prose na raskrsnici. ", True, False),
            ("Odrasli čekaju u blizini.", True, True),
        ]
        assert all(s is not None and s.bgcolor == view.rich_style.bgcolor for _, s in styled)  # no tint
        tree = _screen(app).query_one(CodeTree)
        assert [s.entry.name for s in tree.shown][:3] == [
            "Indicators",
            "Adults watching",
            "Handing over money",
        ]


@pytest.mark.asyncio
async def test_colour_mode_tints_coded_text_with_the_code_colour(suggested: Project) -> None:
    app = CodingApp(Session(suggested, "ana", "int_a"), plain=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j", "c", *"percep", "enter")
        view = _screen(app).query_one(TranscriptView)
        coded = [seg for seg in view.render_line(4) if seg.text.startswith("Deca")]
        assert coded and coded[0].style is not None and coded[0].style.bgcolor is not None
        assert not coded[0].style.underline
        # "Perceptions" has no colour of its own: it gets its theme's fallback, one for all its codes.
        assert app.session.colors["Perceptions"].startswith("#")
