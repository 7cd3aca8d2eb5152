"""The project file: creation, opening, refusals, transactions, migrations with backup."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import insert, select

from qualcode.errors import ProjectError
from qualcode.store import migrations
from qualcode.store.events import record_event
from qualcode.store.models import Case, Event
from qualcode.store.project import Project, init_project, open_project
from qualcode.store.sqlite import APPLICATION_ID


def test_init_sets_pragmas_version_and_tables(tmp_path: Path) -> None:
    path = tmp_path / "study.db"
    init_project(path).close()
    raw = sqlite3.connect(path)
    assert raw.execute("PRAGMA user_version").fetchone()[0] == migrations.LATEST
    assert raw.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    tables = {r[0] for r in raw.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {
        "documents",
        "units",
        "cases",
        "attributes",
        "case_attributes",
        "events",
        "codes",
        "codings",
        "coders",
        "memos",
    } <= tables
    raw.close()


def test_connections_enforce_foreign_keys(project: Project) -> None:
    with project.read() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar_one() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar_one() == 10_000
        assert conn.exec_driver_sql("PRAGMA trusted_schema").scalar_one() == 0


def test_init_refuses_existing_file(tmp_path: Path) -> None:
    path = tmp_path / "study.db"
    path.write_text("keep me", encoding="utf-8")
    with pytest.raises(ProjectError, match="already exists"):
        init_project(path)
    assert path.read_text(encoding="utf-8") == "keep me"


def test_open_missing_project_says_how_to_create_one(tmp_path: Path) -> None:
    with pytest.raises(ProjectError, match=r"no qualcode project at .*qualcode init"):
        open_project(tmp_path / "missing.db")


def test_open_refuses_non_sqlite_and_foreign_sqlite(tmp_path: Path) -> None:
    text = tmp_path / "notes.db"
    text.write_text("not a database", encoding="utf-8")
    with pytest.raises(ProjectError, match="not an SQLite database"):
        open_project(text)
    other = tmp_path / "other.db"
    raw = sqlite3.connect(other)
    raw.execute("CREATE TABLE t (x)")
    raw.commit()
    raw.close()
    with pytest.raises(ProjectError, match="not a qualcode project"):
        open_project(other)


def test_open_refuses_newer_schema(tmp_path: Path) -> None:
    path = tmp_path / "study.db"
    init_project(path).close()
    raw = sqlite3.connect(path)
    raw.execute(f"PRAGMA user_version = {migrations.LATEST + 1}")
    raw.close()
    with pytest.raises(ProjectError, match="newer qualcode"):
        open_project(path)


def test_failed_write_rolls_back_everything(project: Project) -> None:
    def failing_write() -> None:
        with project.write() as conn:
            conn.execute(insert(Case).values(name="P01"))
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        failing_write()
    with project.read() as conn:
        assert conn.execute(select(Case.name)).all() == []


def test_event_log_is_append_only(project: Project) -> None:
    with project.write() as conn:
        record_event(conn, "ana", "test.action", "document:1", {"x": "č"})
    with pytest.raises(Exception, match="append-only"), project.write() as conn:
        conn.exec_driver_sql("DELETE FROM events")
    with project.read() as conn:
        rows = conn.execute(select(Event.coder, Event.action, Event.data)).all()
    assert [tuple(r) for r in rows] == [("ana", "test.action", '{"x": "č"}')]


def test_older_project_is_backed_up_then_upgraded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "study.db"
    init_project(path).close()
    calls: list[int] = []
    monkeypatch.setitem(
        migrations.MIGRATIONS,
        migrations.LATEST + 1,
        lambda conn: calls.append(1) or conn.exec_driver_sql("CREATE TABLE extra (x)"),
    )
    monkeypatch.setattr(migrations, "LATEST", migrations.LATEST + 1)
    with open_project(path) as project:
        assert project.upgraded == [migrations.LATEST]
        assert project.backup is not None and project.backup.exists()
        with project.read() as conn:
            assert conn.exec_driver_sql("PRAGMA user_version").scalar_one() == migrations.LATEST
    backup = sqlite3.connect(project.backup)
    assert backup.execute("PRAGMA user_version").fetchone()[0] == migrations.LATEST - 1
    assert backup.execute("SELECT count(*) FROM sqlite_master WHERE name = 'extra'").fetchone()[0] == 0
    backup.close()
    assert calls == [1]


def test_failed_migration_leaves_file_at_old_version(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "study.db"
    init_project(path).close()

    def broken(conn: object) -> None:
        raise RuntimeError("migration bug")

    monkeypatch.setitem(migrations.MIGRATIONS, migrations.LATEST + 1, broken)
    old = migrations.LATEST
    monkeypatch.setattr(migrations, "LATEST", old + 1)
    with pytest.raises(RuntimeError):
        open_project(path)
    raw = sqlite3.connect(path)
    assert raw.execute("PRAGMA user_version").fetchone()[0] == old
    raw.close()


def test_the_integrity_check_runs_only_when_the_file_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from qualcode.store import sqlite as store_sqlite

    monkeypatch.setenv("QUALCODE_CACHE_DIR", str(tmp_path / "cache"))
    checks: list[int] = []
    real = store_sqlite.quick_check

    def counted(conn: sqlite3.Connection, limit: int = 3) -> list[str]:
        checks.append(limit)
        return real(conn, limit)

    monkeypatch.setattr(store_sqlite, "quick_check", counted)
    path = tmp_path / "study.db"
    with init_project(path) as project, project.write() as conn:
        conn.execute(insert(Case).values(name="P01"))
    open_project(path).close()  # written only by qualcode since it was created: no check
    assert checks == []
    raw = sqlite3.connect(path)  # another program writes to it
    raw.execute("INSERT INTO project_meta (key, value) VALUES ('k', 'v')")
    raw.commit()
    raw.close()
    open_project(path).close()
    open_project(path).close()
    assert len(checks) == 1  # checked once after the change, remembered afterwards


def test_init_refuses_a_read_only_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from qualcode.store import sqlite as store_sqlite

    monkeypatch.setattr(store_sqlite, "folder_writable", lambda path: False)
    with pytest.raises(ProjectError, match=r"cannot create the project .* is read-only"):
        init_project(tmp_path / "study.db")
    assert list(tmp_path.iterdir()) == []


def test_an_old_project_on_read_only_media_is_not_upgraded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "study.db"
    init_project(path).close()
    monkeypatch.setitem(migrations.MIGRATIONS, migrations.LATEST + 1, lambda conn: None)
    monkeypatch.setattr(migrations, "LATEST", migrations.LATEST + 1)
    with pytest.raises(ProjectError, match=r"must be upgraded to schema \d+, but it is read-only"):
        open_project(path, read_only=True)
