"""Backup copies: before destructive commands (rotated) and before upgrades (kept)."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import insert

from qualcode.errors import ProjectError, QualcodeError
from qualcode.store import migrations
from qualcode.store import sqlite as store_sqlite
from qualcode.store.backups import backup_before, backups_folder, list_backups, newest_backup
from qualcode.store.models import Case
from qualcode.store.project import Project, init_project, open_project


@pytest.fixture(autouse=True)
def _private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QUALCODE_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("QUALCODE_BACKUPS", raising=False)


@pytest.fixture
def study(tmp_path: Path) -> Iterator[Project]:
    with init_project(tmp_path / "study.db") as project:
        with project.write() as conn:
            conn.execute(insert(Case).values(name="P01"))
        yield project


def _cases(path: Path) -> list[str]:
    raw = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return [r[0] for r in raw.execute("SELECT name FROM cases ORDER BY name")]
    finally:
        raw.close()


def test_backup_before_writes_a_consistent_named_copy_in_the_backups_folder(study: Project) -> None:
    path = backup_before(study, "remove")
    assert path is not None and path.parent == backups_folder(study.path)
    assert path.parent.name == "study.db.backups"
    assert re.fullmatch(r"study\.db\.before-remove-\d{8}-\d{6}\.bak", path.name), path.name
    assert _cases(path) == ["P01"]
    raw = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # one self-contained file
    assert raw.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    raw.close()
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]  # no .part, -wal or -shm
    # Changes after the copy are not in it, and the copy opens as a project.
    with study.write() as conn:
        conn.execute(insert(Case).values(name="P02"))
    assert _cases(path) == ["P01"]
    data = path.read_bytes()
    with open_project(path) as copy, copy.read() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM cases").scalar_one() == 1
    assert path.read_bytes() == data  # reading a backup copy does not change it


def test_a_copy_put_back_in_place_becomes_wal_at_its_first_write(study: Project) -> None:
    path = backup_before(study, "remove")
    assert path is not None
    restored = path.parent.parent / "restored.db"
    restored.write_bytes(path.read_bytes())
    with open_project(restored) as project:
        with project.read() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar_one() == "delete"
        with project.write() as conn:
            conn.execute(insert(Case).values(name="P03"))
        with project.read() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar_one() == "wal"
    assert _cases(restored) == ["P01", "P03"]


def test_action_names_are_made_safe_for_file_names(study: Project) -> None:
    path = backup_before(study, "delete --force Ž/../x")
    assert (
        path is not None
        and ".before-delete-force-x-" in path.name
        and path.parent == backups_folder(study.path)
    )


def test_rotation_keeps_the_newest_n_and_list_is_newest_first(
    study: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QUALCODE_BACKUPS", "2")
    made = []
    for action in ("remove", "merge", "reconcile", "import-replace"):
        path = backup_before(study, action)
        assert path is not None
        made.append(path)
    listed = list_backups(study.path)
    assert [b.path for b in listed] == [made[3], made[2]]  # several in one second: -2, -3… keep the order
    assert [b.action for b in listed] == ["import-replace", "reconcile"]
    assert newest_backup(study.path) == made[3]
    assert not made[0].exists() and not made[1].exists()
    assert listed[0].to_dict()["action"] == "import-replace"


def test_zero_turns_backups_off_and_a_bad_setting_says_what_to_do(
    study: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QUALCODE_BACKUPS", "0")
    assert backup_before(study, "remove") is None
    assert not backups_folder(study.path).exists()
    monkeypatch.setenv("QUALCODE_BACKUPS", "many")
    with pytest.raises(QualcodeError, match=r"QUALCODE_BACKUPS must be a whole number .* not 'many'"):
        backup_before(study, "remove")


def test_no_backup_of_a_project_that_cannot_be_written(study: Project) -> None:
    study.close()
    with (
        open_project(study.path, read_only=True) as project,
        pytest.raises(ProjectError, match="is read-only"),
    ):
        backup_before(project, "remove")
    assert not backups_folder(study.path).exists()


def test_a_failed_copy_leaves_nothing_behind(study: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    def full(_source: object, _target: Path) -> None:
        _target.write_bytes(b"half a copy")
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(store_sqlite, "backup_connection", full)
    with pytest.raises(
        ProjectError, match=r"cannot write the backup copy .*the disk is full.*QUALCODE_BACKUPS=0"
    ):
        backup_before(study, "remove")
    assert list(backups_folder(study.path).iterdir()) == []


def test_upgrade_copies_are_listed_and_never_rotated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "study.db"
    init_project(path).close()
    legacy = tmp_path / "study.db.v3-20200101-120000.bak"  # written by an older qualcode
    legacy.write_bytes(b"")
    monkeypatch.setitem(migrations.MIGRATIONS, migrations.LATEST + 1, lambda conn: None)
    monkeypatch.setattr(migrations, "LATEST", migrations.LATEST + 1)
    with open_project(path) as project:
        assert project.backup is not None
        assert project.backup.name.startswith(f"study.db.before-upgrade-from-v{migrations.LATEST - 1}-")
        monkeypatch.setenv("QUALCODE_BACKUPS", "1")
        backup_before(project, "remove")
        backup_before(project, "merge")
    listed = list_backups(path)
    assert [b.action for b in listed] == [
        "merge",
        f"upgrade-from-v{migrations.LATEST - 1}",
        "upgrade-from-v3",
    ]
    assert listed[-1].path == legacy and listed[-1].taken_at == datetime(2020, 1, 1, 12, 0)
