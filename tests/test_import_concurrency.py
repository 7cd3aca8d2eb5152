"""Importing while others write (qualcode.ingest.writer, qualcode.ingest.unfinished): the same rows
as before, all or nothing, and the write lock released between the short transactions of an import
in steps.

A large document is written in steps, marked in ``unfinished_imports`` (schema 6) until its last
transaction.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from qualcode.errors import QualcodeError
from qualcode.ingest import unfinished, writer
from qualcode.ingest.importer import ImportOptions, collect_paths, import_paths
from qualcode.search import search
from qualcode.store.project import Project, init_project
from tests.conftest import SAMPLE

#: The digest of :func:`stored_rows` after :func:`_import_sample`, computed with the importer as
#: it was before imports were split (one transaction, index built inside it): the rows must not
#: change, whichever way they are written.
SAMPLE_ROWS_DIGEST = "44a14fd3844cad1a51a8085d1ef78ace055cb3054bab6d77be6e8acd21911290"
EXTRA = "I: Kako ste počeli?\n\nR: Đorđe je došao. Policija je zvala centar.\n\nI: Hvala.\n"


def stored_rows(path: Path) -> dict[str, Any]:
    """What an import stores, read with plain sqlite3 and without ids or clock times.

    Documents (the text as its sha256), units, index rows (by document and paragraph), the
    vocabulary, cases and the import events (the source file as its name).
    """
    con = sqlite3.connect(path)
    try:
        documents = con.execute(
            "SELECT d.name, d.sha256, d.text, d.language, d.script, d.mixed_script, d.source_format, "
            "d.source_name, d.encoding, d.word_count, c.name FROM documents d "
            "LEFT JOIN cases c ON c.id = d.case_id ORDER BY d.name"
        ).fetchall()
        units = con.execute(
            'SELECT d.name, u.kind, u.ordinal, u.start, u."end", u.speaker, u.t_start, u.t_end '
            "FROM units u JOIN documents d ON d.id = u.document_id ORDER BY d.name, u.kind, u.ordinal"
        ).fetchall()
        index = con.execute(
            "SELECT d.name, u.ordinal, s.body FROM search_index s JOIN units u ON u.id = s.rowid "
            "JOIN documents d ON d.id = u.document_id AND d.id = s.document_id "
            "WHERE u.kind = 'paragraph' ORDER BY d.name, u.ordinal"
        ).fetchall()
        indexed = con.execute("SELECT count(*) FROM search_index").fetchone()[0]
        vocabulary = con.execute(
            "SELECT token, language, lemma FROM search_vocab ORDER BY 1, 2, 3"
        ).fetchall()
        cases = con.execute("SELECT name FROM cases ORDER BY name").fetchall()
        events = []
        for action, data in con.execute(
            "SELECT action, data FROM events WHERE action LIKE 'document.%' ORDER BY id"
        ):
            fields = json.loads(data)
            fields["source"] = Path(fields["source"]).name
            events.append([action, fields])
    finally:
        con.close()
    return {
        "documents": [[*d[:2], hashlib.sha256(d[2].encode("utf-8")).hexdigest(), *d[3:]] for d in documents],
        "units": units,
        "index": index,
        "index_rows": indexed,
        "vocabulary": vocabulary,
        "cases": cases,
        "events": events,
    }


def digest(rows: dict[str, Any]) -> str:
    """One sha256 over :func:`stored_rows`."""
    return hashlib.sha256(json.dumps(rows, ensure_ascii=False, sort_keys=True).encode("utf-8")).hexdigest()


def _import_sample(project: Project, tmp_path: Path) -> list[str]:
    """The sample study's transcripts, then one more with a new case; return the statuses."""
    results = import_paths(project, collect_paths([str(SAMPLE)]), ImportOptions(coder="ana"))
    extra = tmp_path / "extra" / "p01_intervju.txt"
    extra.parent.mkdir()
    extra.write_text(EXTRA, encoding="utf-8")
    results += import_paths(project, [extra], ImportOptions(coder="ana", case="P01", language="sr-Latn"))
    return [r.status for r in results]


def logical_state(path: Path, *, sequence: bool = False) -> dict[str, list[Any]]:
    """Every row of every table, the search index by its content.

    ``sqlite_sequence`` (the last id given out per table) only with ``sequence``: an import that
    failed after some steps has used up ids, which AUTOINCREMENT never gives out again.
    """
    con = sqlite3.connect(path)
    try:
        tables = [
            name
            for (name,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
            # FTS5 keeps its data in shadow tables, whose bytes depend on the order of writes.
            if not name.startswith(("sqlite_", "search_index"))
        ]
        state = {t: con.execute(f'SELECT * FROM "{t}" ORDER BY 1, 2').fetchall() for t in tables}
        state["search_index"] = con.execute(
            "SELECT rowid, body, document_id FROM search_index ORDER BY 1"
        ).fetchall()
        if sequence:
            state["sqlite_sequence"] = con.execute("SELECT * FROM sqlite_sequence ORDER BY 1").fetchall()
    finally:
        con.close()
    return state


@pytest.fixture
def staged(tmp_path: Path) -> Iterator[Project]:
    """A project (schema 6 marks unfinished imports in ``unfinished_imports``)."""
    with init_project(tmp_path / "staged.db") as project:
        yield project


@pytest.fixture
def tiny_steps(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Make an import in steps take one small batch per transaction, without pausing.

    Returns a list that gets one entry per pause between two transactions.
    """
    pauses: list[str] = []
    monkeypatch.setattr(writer, "AT_ONCE_UNITS", 0)
    monkeypatch.setattr(unfinished, "TRANSACTION_BUDGET_S", 0.0)
    monkeypatch.setattr(writer, "_UNIT_BATCH", 40)
    monkeypatch.setattr(writer, "_INDEX_BATCH", 7)
    monkeypatch.setattr(unfinished, "_DELETE_BATCH", 30)
    monkeypatch.setattr(unfinished, "pause", lambda: pauses.append("pause"))
    return pauses


# --- the same rows ----------------------------------------------------------------------------


def test_sample_study_rows_are_as_before(project: Project, tmp_path: Path) -> None:
    assert _import_sample(project, tmp_path) == ["imported"] * 9
    rows = stored_rows(project.path)
    # A few figures to read, then the whole content pinned.
    assert len(rows["documents"]) == 9
    assert rows["cases"] == [("P01",)]
    assert [d[0] for d in rows["documents"] if d[-1] == "P01"] == ["p01_intervju"]
    assert len(rows["units"]) == 3261
    assert len(rows["index"]) == rows["index_rows"] == 419  # one index row per paragraph
    assert len(rows["vocabulary"]) == 4104
    assert rows["units"][:2] == [
        ("bs01_nvo_sarajevo", "cue", 1, 18, 48, "Lejla Mehmedović", 3120, 7242),
        ("bs01_nvo_sarajevo", "cue", 2, 63, 141, "Sagovornica", 8444, 16444),
    ]
    assert digest(rows) == SAMPLE_ROWS_DIGEST


def test_rows_are_the_same_when_written_in_steps(
    staged: Project, tmp_path: Path, tiny_steps: list[str]
) -> None:
    assert _import_sample(staged, tmp_path) == ["imported"] * 9
    assert digest(stored_rows(staged.path)) == SAMPLE_ROWS_DIGEST
    # 3,261 units in batches of 40 and 419 paragraphs in batches of 7: a pause after each.
    assert len(tiny_steps) > 3261 // 40 + 419 // 7
    with staged.read() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM unfinished_imports").scalar_one() == 0


# --- all or nothing ---------------------------------------------------------------------------


def _fail_on_call(number: int, action: Callable[..., None]) -> Callable[..., None]:
    calls = 0

    def failing(*args: Any, **kwargs: Any) -> None:
        nonlocal calls
        calls += 1
        if calls == number:
            raise QualcodeError("the disk is full")
        action(*args, **kwargs)

    return failing


@pytest.mark.parametrize("step", ["units", "index", "event"])
def test_failure_in_steps_leaves_the_project_as_it_was(
    staged: Project, tmp_path: Path, tiny_steps: list[str], monkeypatch: pytest.MonkeyPatch, step: str
) -> None:
    _import_sample(staged, tmp_path)
    before = logical_state(staged.path)
    target = {"units": "insert_units", "index": "_insert_index", "event": "record_event"}[step]
    monkeypatch.setattr(writer, target, _fail_on_call(3 if step != "event" else 1, getattr(writer, target)))
    big = tmp_path / "novi.txt"
    big.write_text(EXTRA.replace("Hvala.", "Hvala. Zmajevi lete.") * 30, encoding="utf-8")
    [result] = import_paths(staged, [big], ImportOptions(coder="ana", case="P02", language="sr-Latn"))
    assert (result.status, result.message) == ("failed", "the disk is full")
    assert len(tiny_steps) > 3  # it had written in several transactions before it failed
    assert logical_state(staged.path) == before
    assert search(staged, "zmajevi").total == 0


def test_failure_at_once_leaves_the_project_as_it_was(
    project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _import_sample(project, tmp_path)
    before = logical_state(project.path, sequence=True)
    monkeypatch.setattr(writer, "_insert_index", _fail_on_call(1, writer._insert_index))
    big = tmp_path / "novi.txt"
    big.write_text(EXTRA.replace("Hvala.", "Hvala. Zmajevi lete."), encoding="utf-8")
    [result] = import_paths(project, [big], ImportOptions(coder="ana", case="P02"))
    assert (result.status, result.message) == ("failed", "the disk is full")
    assert logical_state(project.path, sequence=True) == before  # one transaction, rolled back


# --- the lock is free between steps, and nobody sees half a document ---------------------------


def test_lock_is_released_between_steps_and_the_document_stays_hidden(
    staged: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(writer, "AT_ONCE_UNITS", 0)
    monkeypatch.setattr(unfinished, "TRANSACTION_BUDGET_S", 0.0)
    monkeypatch.setattr(writer, "_UNIT_BATCH", 25)
    monkeypatch.setattr(writer, "_INDEX_BATCH", 5)
    import_paths(staged, collect_paths([str(SAMPLE / "sr01_socijalna_radnica_nis.txt")]), ImportOptions())
    seen: list[tuple[int, int, int]] = []

    def look() -> None:
        # Another program, with no patience at all: BEGIN IMMEDIATE fails at once if the
        # import still held the write lock.
        other = sqlite3.connect(staged.path, timeout=0, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")
            other.execute("INSERT INTO coders (name, created_at) VALUES ('b', '2026-01-01')")
            other.execute("ROLLBACK")
            marked = other.execute("SELECT count(*) FROM unfinished_imports").fetchone()[0]
            units = other.execute(
                "SELECT count(*) FROM units WHERE document_id IN (SELECT document_id FROM unfinished_imports)"
            ).fetchone()[0]
        finally:
            other.close()
        seen.append((marked, units, search(staged, "Zmajevi").total))

    monkeypatch.setattr(unfinished, "pause", look)
    path = tmp_path / "sr03.txt"  # Windows-1251: the bytes as they are, and one more paragraph
    path.write_bytes((SAMPLE / "sr03_tuzilac_novi_sad.txt").read_bytes() + b"\nZmajevi.\n")
    [result] = import_paths(staged, [path], ImportOptions(coder="ana"))
    assert result.status == "imported"
    assert len(seen) > 10
    assert all(marked == 1 for marked, _, _ in seen)  # unfinished at every pause
    assert [units for _, units, _ in seen] == sorted(units for _, units, _ in seen)  # growing
    assert seen[-1][1] == sum(result.units.values())
    assert all(hits == 0 for _, _, hits in seen)  # its index rows, written last, find nothing
    assert search(staged, "Zmajevi").total == 1  # and then it is there


# --- killed half-way --------------------------------------------------------------------------


def test_killed_import_is_hidden_then_discarded(
    staged: Project, tmp_path: Path, tiny_steps: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _import_sample(staged, tmp_path)
    before = logical_state(staged.path)
    # A kill leaves no chance to clean up: no discard, and the process is gone.
    monkeypatch.setattr(unfinished, "discard_quietly", lambda *args: None)
    monkeypatch.setattr(writer, "_insert_index", _fail_on_call(2, writer._insert_index))
    path = tmp_path / "novi.txt"
    path.write_text(EXTRA.replace("Hvala.", "Hvala. Zmajevi lete.") * 5, encoding="utf-8")
    [killed] = import_paths(staged, [path], ImportOptions(coder="ana", case="P02", language="sr-Latn"))
    assert killed.status == "failed"
    monkeypatch.undo()
    with staged.read() as conn:
        doc_id, owner = conn.exec_driver_sql("SELECT document_id, owner FROM unfinished_imports").one()
    left = logical_state(staged.path)
    assert len(left["documents"]) == len(before["documents"]) + 1  # there, but marked unfinished
    assert search(staged, "zmajevi").total == 0
    # Fresh: another import refuses the same name instead of discarding a live import.
    [again] = import_paths(staged, [path], ImportOptions(coder="ana", language="sr-Latn"))
    assert again.status == "failed"
    assert "novi is being imported right now by another qualcode (coder ana" in again.message
    # Once its heartbeat is old, it is discarded, with the case it had created.
    assert unfinished.discard_unfinished_imports(staged, older_than=timedelta(0)) == ["novi"]
    assert logical_state(staged.path) == before
    # The import, had it only been asleep, finds it lost the document and stops.
    with staged.write() as conn, pytest.raises(unfinished.LostOwnership, match="import the file again"):
        unfinished.touch(conn, doc_id, owner)
    [imported] = import_paths(staged, [path], ImportOptions(coder="ana", language="sr-Latn"))
    assert imported.status == "imported"
    assert search(staged, "zmajevi").total == 5


def test_interviews_of_usual_size_are_written_at_once(
    staged: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Steps would add their pauses to every file of a folder import, for nothing.
    pauses: list[str] = []
    monkeypatch.setattr(unfinished, "pause", lambda: pauses.append("pause"))
    assert _import_sample(staged, tmp_path) == ["imported"] * 9
    assert pauses == []
    assert digest(stored_rows(staged.path)) == SAMPLE_ROWS_DIGEST
