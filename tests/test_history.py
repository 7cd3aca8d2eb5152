"""Undo and redo from the event log: exact, per coder, refusing to overwrite others' changes."""

from __future__ import annotations

import pytest

from qualcode.codebook import delete_code, export_codebook, merge_codes, move_code, rename_code
from qualcode.codebook_files import iter_codes
from qualcode.coding import Selector, add_memo, apply_code, list_codings, remove_code
from qualcode.errors import Conflict, QualcodeError
from qualcode.history import history, redo, undo
from qualcode.store.project import Project


def _state(project: Project) -> tuple[list[tuple[str, str, str, int, int, str]], list[str]]:
    codings = sorted((c.document, c.code, c.coder, c.start, c.end, c.memo) for c in list_codings(project))
    codes = [" > ".join(p) for p, _ in iter_codes(export_codebook(project).codes)]
    return codings, codes


def test_every_coding_accounted_for_through_edits_undo_and_redo(coded: Project) -> None:
    apply_code(coded, "Adults watching", "int_a", Selector(units="2"), "ana")
    apply_code(coded, "Handing over money", "int_a", Selector(units="2,4"), "ana")
    apply_code(coded, "Fines for begging", "int_b", Selector(units="4"), "ana")
    apply_code(coded, "Fines for begging", "int_c", Selector(units="4"), "ana")
    snapshots = [_state(coded)]
    merge_codes(coded, "Adults watching", "Handing over money", "ana")
    snapshots.append(_state(coded))
    rename_code(coded, "Handing over money", "Money", "ana")
    snapshots.append(_state(coded))
    move_code(coded, "Fines for begging", "Indicators", "ana")
    snapshots.append(_state(coded))
    assert len(snapshots[-1][0]) == 4  # 5 codings, one collapsed by the merge
    assert [e.action for e in undo(coded, "ana", 3)] == ["code.move", "code.rename", "code.merge"]
    assert _state(coded) == snapshots[0]
    assert len(_state(coded)[0]) == 5
    redo(coded, "ana", 2)
    assert _state(coded) == snapshots[2]
    redo(coded, "ana")
    assert _state(coded) == snapshots[3]
    with pytest.raises(QualcodeError, match="nothing to redo for coder 'ana'"):
        redo(coded, "ana")


def test_undo_after_delete_force_restores_code_codings_and_memos(coded: Project) -> None:
    coding = apply_code(coded, "Fines for begging", "int_c", Selector(units="4"), "ana").created[0]
    add_memo(coded, "strong quote", "ana", coding=coding.id)
    before = _state(coded)
    delete_code(coded, "Law", "ana", force=True)
    assert "Law" not in _state(coded)[1]
    undo(coded, "ana")
    assert _state(coded) == before
    assert [c.id for c in list_codings(coded)] == [coding.id]  # the same rows, ids included


def test_undo_of_remove_restores_the_cut_coding(coded: Project) -> None:
    apply_code(coded, "Law", "int_a", Selector(span="0:60"), "ana")
    before = _state(coded)
    remove_code(coded, "Law", "int_a", Selector(span="10:20"), "ana")
    undo(coded, "ana")
    assert _state(coded) == before


def test_undo_is_per_coder_and_refuses_to_overwrite(coded: Project) -> None:
    apply_code(coded, "Law", "int_a", Selector(units="2"), "ana")
    apply_code(coded, "Perceptions", "int_a", Selector(units="2"), "marko")
    undo(coded, "ana")  # ana's coding goes, marko's stays
    assert [(c.code, c.coder) for c in list_codings(coded)] == [("Perceptions", "marko")]
    redo(coded, "ana")
    rename_code(coded, "Law", "Legal", "ana")
    merge_codes(coded, "Legal", "Perceptions", "marko")  # marko moves ana's coding
    before = _state(coded)
    with pytest.raises(Conflict, match="has been changed since; nothing was changed"):
        undo(coded, "ana")  # would rename a code that marko merged away
    assert _state(coded) == before


def test_new_change_clears_redo(coded: Project) -> None:
    apply_code(coded, "Law", "int_a", Selector(units="2"), "ana")
    undo(coded, "ana")
    apply_code(coded, "Perceptions", "int_a", Selector(units="2"), "ana")
    with pytest.raises(QualcodeError, match="nothing to redo"):
        redo(coded, "ana")


def test_history_lists_events_in_order(coded: Project) -> None:
    apply_code(coded, "Law", "int_a", Selector(units="2"), "ana")
    undo(coded, "ana")
    actions = [e.action for e in history(coded)]
    assert actions[-2:] == ["coding.apply", "undo"]
    assert actions.count("document.import") == 3
