"""The one write path for codings, memos and suggestions: the rules hold whichever command writes."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import insert, select
from typer.testing import CliRunner

from qualcode.cli import app
from qualcode.codebook import add_code, merge_codes
from qualcode.coding import Selector, add_memo, apply_code, list_codings
from qualcode.documents import remove_document
from qualcode.errors import Conflict, NotFound, QualcodeError
from qualcode.history import undo
from qualcode.ingest.importer import ImportOptions, import_paths
from qualcode.store.backups import list_backups
from qualcode.store.changes import ChangeRecorder
from qualcode.store.codings import NewCoding, add_codings, delete_codings, update_coding
from qualcode.store.models import CODES, MEMOS, SUGGESTIONS
from qualcode.store.project import Project
from qualcode.suggest.review import review


def _suggest(project: Project, code_id: int, start: int, end: int, status: str = "pending") -> int:
    with project.write() as conn:
        key = conn.execute(
            insert(SUGGESTIONS).values(
                document_id=1,
                code_id=code_id,
                start=start,
                end=end,
                unit_kind="turn",
                unit_ordinal=2,
                method="deductive",
                score=0.8,
                status=status,
            )
        ).inserted_primary_key
    assert key is not None
    return int(key[0])


def _code_id(project: Project, name: str) -> int:
    with project.read() as conn:
        return int(conn.execute(select(CODES.c.id).where(CODES.c.name == name)).scalar_one())


def test_accepting_a_suggestion_for_a_passage_coded_by_hand_makes_no_second_coding(coded: Project) -> None:
    made = apply_code(coded, "Adults watching", "int_a", Selector(units="2"), "ana").created[0]
    suggestion = _suggest(coded, _code_id(coded, "Adults watching"), made.start, made.end)
    report = review(coded, [suggestion], "ana", accept=True)
    assert report.accepted == [suggestion] and report.codings == []
    assert [c.id for c in list_codings(coded, code="Adults watching")] == [made.id]
    with coded.read() as conn:
        linked = conn.execute(select(SUGGESTIONS.c.coding_id).where(SUGGESTIONS.c.id == suggestion)).scalar()
    assert linked == made.id


def test_review_cannot_code_a_category_that_is_not_codable(coded: Project) -> None:
    with coded.write() as conn:
        conn.execute(CODES.update().where(CODES.c.name == "Law").values(codable=False))
    suggestion = _suggest(coded, _code_id(coded, "Law"), 0, 10)
    with pytest.raises(QualcodeError, match="'Law' is a category that is not applied itself"):
        review(coded, [suggestion], "ana", accept=True)
    assert list_codings(coded) == []


def test_spans_outside_the_document_and_unknown_codes_are_refused(coded: Project) -> None:
    with coded.write() as conn:
        rec = ChangeRecorder(conn)
        with pytest.raises(QualcodeError, match=r"the span 0:100000 is outside its document \(offsets run"):
            add_codings(rec, [NewCoding(1, 1, 1, 0, 100_000)])
        with pytest.raises(NotFound, match="no code with id 999"):
            add_codings(rec, [NewCoding(1, 999, 1, 0, 5)])
        assert rec.ops == []


def test_identical_codings_are_found_not_copied_and_the_schema_backs_it(coded: Project) -> None:
    with coded.write() as conn:
        rec = ChangeRecorder(conn)
        conn.exec_driver_sql("INSERT INTO coders (name, created_at) VALUES ('ana', '2026-01-01')")
        first = add_codings(
            rec, [NewCoding(1, 2, 1, 0, 5), NewCoding(1, 2, 1, 0, 5), NewCoding(1, 2, 1, 3, 9)]
        )
        assert [r.created for r in first] == [True, False, True]
        assert first[0].id == first[1].id
        again = add_codings(rec, [NewCoding(1, 2, 1, 0, 5)])
        assert again[0].id == first[0].id and not again[0].created
        with pytest.raises(QualcodeError, match=f"would become a copy of coding {first[0].id}"):
            update_coding(rec, first[2].id, start=0, end=5)
    with pytest.raises(Exception, match="UNIQUE constraint failed"), coded.write() as conn:
        conn.exec_driver_sql(
            'INSERT INTO codings (document_id, code_id, coder_id, start, "end", memo, origin, important, '
            "created_at) VALUES (1, 2, 1, 0, 5, '', 'manual', 0, '2026-01-01')"
        )


def test_deleting_a_coding_keeps_the_suggestion_decision_and_undo_relinks_it(coded: Project) -> None:
    suggestion = _suggest(coded, _code_id(coded, "Law"), 0, 10)
    coding_id = review(coded, [suggestion], "ana", accept=True).codings[0]
    with coded.write() as conn:
        rec = ChangeRecorder(conn)
        delete_codings(rec, [coding_id])
        rec.log("ana", "test.delete", "coding", {})
        assert conn.execute(select(SUGGESTIONS.c.status, SUGGESTIONS.c.coding_id)).one() == ("accepted", None)
    undo(coded, "ana")
    with coded.read() as conn:
        assert conn.execute(select(SUGGESTIONS.c.coding_id)).scalar() == coding_id


def test_a_memo_on_a_removed_transcript_never_moves_to_the_next_one(coded: Project, tmp_path: Path) -> None:
    add_memo(coded, "about int_c", "ana", document="int_c")
    remove_document(coded, "int_c", "ana")
    with coded.read() as conn:
        assert conn.execute(select(MEMOS)).all() == []  # gone with its document (undoably)
    (tmp_path / "int_d.txt").write_text("I: Novi razgovor?\n\nR: Da.\n", encoding="utf-8")
    import_paths(coded, [tmp_path / "int_d.txt"], ImportOptions(coder="ana"))
    with coded.read() as conn:
        assert conn.exec_driver_sql("SELECT id FROM documents WHERE name = 'int_d'").scalar_one() == 4
        assert conn.execute(select(MEMOS)).all() == []


def test_merge_moves_suggestions_so_a_rejected_one_stays_rejected(coded: Project) -> None:
    rejected = _suggest(coded, _code_id(coded, "Adults watching"), 0, 10, status="rejected")
    merge_codes(coded, "Adults watching", "Handing over money", "ana")
    with coded.read() as conn:
        row = conn.execute(select(SUGGESTIONS.c.code_id, SUGGESTIONS.c.status)).one()
    assert row == (_code_id(coded, "Handing over money"), "rejected")
    undo(coded, "ana")
    with coded.read() as conn:
        row = conn.execute(select(SUGGESTIONS.c.id, SUGGESTIONS.c.code_id, SUGGESTIONS.c.status)).one()
    assert row == (rejected, _code_id(coded, "Adults watching"), "rejected")


def test_undo_of_a_code_another_coder_has_used_is_refused_in_one_line(
    coded: Project, runner: CliRunner
) -> None:
    add_code(coded, "New code", "ana")
    apply_code(coded, "New code", "int_a", Selector(units="2"), "bojan")
    with pytest.raises(Conflict, match="later changes, possibly by another coder, use what it made"):
        undo(coded, "ana")
    result = runner.invoke(app, ["undo", "-p", str(coded.path), "--coder", "ana"])
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("Error: cannot undo/redo code.add")
    assert [c.code for c in list_codings(coded)] == ["New code"]


def test_remove_of_a_coded_transcript_asks_and_undo_brings_it_back(coded: Project, runner: CliRunner) -> None:
    apply_code(coded, "Law", "int_b", Selector(units="2"), "ana")
    apply_code(coded, "Law", "int_b", Selector(units="4"), "bojan")
    args = ["transcripts", "remove", "int_b", "-p", str(coded.path), "--coder", "ana"]
    refused = runner.invoke(app, args)  # not a terminal: no one to ask, so refused
    assert refused.exit_code == 1
    assert "int_b has 2 coding(s); add --force" in refused.stderr
    removed = runner.invoke(app, [*args, "--force"])
    assert removed.exit_code == 0, removed.output
    assert removed.stdout == "Removed int_b and its 2 coding(s); `qualcode undo` brings it back.\n"
    (backup,) = list_backups(coded.path)
    assert backup.action == "remove" and backup.path.parent.name == "coded.db.backups"
    assert list_codings(coded) == []
    back = runner.invoke(app, ["undo", "-p", str(coded.path), "--coder", "ana"])
    assert back.exit_code == 0, back.output
    assert sorted(c.coder for c in list_codings(coded)) == ["ana", "bojan"]
    found = runner.invoke(app, ["search", "kažnjavaju", "-p", str(coded.path), "--json"])
    assert '"document": "int_b"' in found.stdout
