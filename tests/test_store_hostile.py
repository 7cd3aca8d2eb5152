"""Hostile and unusual project files: each gives one line and exit 1, or works read-only, and none
is changed (same bytes, same modification time, no new files beside it)."""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import sqlite3
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy.exc
from typer.testing import CliRunner

from qualcode.cli import app
from qualcode.errors import ProjectError
from qualcode.store import migrations, sqlite
from qualcode.store.project import open_project
from tests.conftest import SAMPLE

READ = ("transcripts", "list")
WRITE = ("codebook", "add", "Uncertainty")


@pytest.fixture(autouse=True)
def _private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts with no memory of checked files (see qualcode.store.integrity)."""
    monkeypatch.setenv("QUALCODE_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("QUALCODE_CODER", "ana")


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real project (three sample interviews), closed, built once for the module."""
    folder = tmp_path_factory.mktemp("template")
    path = folder / "study.db"
    runner = CliRunner()
    assert runner.invoke(app, ["init", str(path)]).exit_code == 0
    files = [SAMPLE / n for n in ("sr01_socijalna_radnica_nis.txt", "en03_misdemeanour_judge_banja_luka.txt")]
    result = runner.invoke(app, ["import", *map(str, files), "-p", str(path)])
    assert result.exit_code == 0, result.output
    assert not Path(f"{path}-wal").exists()
    return path


@pytest.fixture
def study(template: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "work"
    folder.mkdir()
    return Path(shutil.copy(template, folder / "study.db"))


def _state(path: Path) -> tuple[str, int, list[str]]:
    """Bytes, modification time and the folder's file names: what "unchanged" means here."""
    digest = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else ""
    mtime = path.stat().st_mtime_ns if path.exists() else 0
    return digest, mtime, sorted(p.name for p in path.parent.iterdir())


def _run(runner: CliRunner, path: Path, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, [*args, "-p", str(path)])
    return result.exit_code, result.stdout, result.stderr


def _one_error(code: int, err: str, *words: str) -> str:
    lines = err.splitlines()
    assert code == 1, err
    assert len(lines) == 1 and lines[0].startswith("Error: "), err
    for word in words:
        assert word in lines[0], lines[0]
    return lines[0]


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"Interview notes, not a database\n", ("not an SQLite database",)),
        (b"", ("empty file (0 bytes)",)),
        (b"SQLite for", ("cut short",)),  # a copy that stopped inside the header
    ],
    ids=["text", "zero-bytes", "cut-in-header"],
)
def test_files_that_are_not_projects_are_refused_untouched(
    runner: CliRunner, tmp_path: Path, content: bytes, words: tuple[str, ...]
) -> None:
    path = tmp_path / "study.db"
    path.write_bytes(content)
    before = _state(path)
    for args in (READ, WRITE):
        _one_error(*_run(runner, path, *args)[::2], *words)
    assert _state(path) == before


@pytest.mark.parametrize("journal", ["delete", "wal"])
def test_another_programs_database_is_refused_byte_identical(
    runner: CliRunner, tmp_path: Path, journal: str
) -> None:
    path = tmp_path / "places.sqlite"
    raw = sqlite3.connect(path)
    raw.execute(f"PRAGMA journal_mode = {journal}")
    raw.execute("CREATE TABLE bookmarks (url TEXT)")
    raw.execute("INSERT INTO bookmarks VALUES ('https://example.org')")
    raw.commit()
    raw.close()
    before = _state(path)
    for args in (READ, WRITE):
        _one_error(*_run(runner, path, *args)[::2], "not a qualcode project")
    assert _state(path) == before  # the old connect hook switched it to WAL before refusing


def test_an_empty_sqlite_database_is_refused_as_such(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "empty.db"
    raw = sqlite3.connect(path)
    raw.execute("CREATE TABLE t (x)")
    raw.execute("DROP TABLE t")
    raw.close()
    before = _state(path)
    _one_error(*_run(runner, path, *READ)[::2], "not a qualcode project (it is empty)")
    assert _state(path) == before


def test_foreign_database_with_changes_waiting_in_its_wal_is_read_on_a_copy(
    runner: CliRunner, tmp_path: Path
) -> None:
    """The header is stale while commits wait in -wal: SQLite must be asked, without a new -shm."""
    origin, target = tmp_path / "origin", tmp_path / "copy"
    origin.mkdir()
    target.mkdir()
    writer = sqlite3.connect(origin / "other.db", isolation_level=None)
    writer.execute("PRAGMA journal_mode = WAL")
    writer.execute("PRAGMA wal_autocheckpoint = 0")
    writer.execute("CREATE TABLE t (x)")
    writer.execute("INSERT INTO t VALUES (1)")
    for name in ("other.db", "other.db-wal"):  # what a sync tool copies while the program runs
        shutil.copy(origin / name, target / name)
    writer.close()
    path = target / "other.db"
    assert sqlite.read_header(path).wal_pending
    before, wal_before = _state(path), _state(Path(f"{path}-wal"))
    _one_error(*_run(runner, path, *READ)[::2], "not a qualcode project")
    assert _state(path) == before and _state(Path(f"{path}-wal")) == wal_before


def test_a_truncated_project_is_refused_untouched(runner: CliRunner, study: Path) -> None:
    data = study.read_bytes()
    study.write_bytes(data[: len(data) // 2])
    before = _state(study)
    line = _one_error(*_run(runner, study, *READ)[::2], "cut short", "qualcode doctor")
    assert f"holds {len(data) // 2:,} of its {len(data):,} bytes" in line
    _one_error(*_run(runner, study, *WRITE)[::2], "cut short")
    assert _state(study) == before


def test_a_project_from_a_newer_qualcode_is_refused_untouched(runner: CliRunner, study: Path) -> None:
    raw = sqlite3.connect(study)
    raw.execute(f"PRAGMA user_version = {migrations.LATEST + 1}")
    raw.close()
    before = _state(study)
    for args in (READ, WRITE):
        _one_error(*_run(runner, study, *args)[::2], "newer qualcode", "upgrade qualcode")
    assert _state(study) == before


def damage_page_of(path: Path, table: str) -> int:
    """Overwrite the middle of one leaf page of ``table`` with garbage; return the page number."""
    raw = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        page_size = raw.execute("PRAGMA page_size").fetchone()[0]
        pages = [
            r[0]
            for r in raw.execute(
                "SELECT pageno FROM dbstat WHERE name = ? AND pagetype = 'leaf' ORDER BY pageno", (table,)
            )
        ]
    finally:
        raw.close()
    for leftover in (Path(f"{path}-wal"), Path(f"{path}-shm")):
        leftover.unlink(missing_ok=True)  # the read-only look above may leave them
    page = int(pages[len(pages) // 2])
    with path.open("r+b") as fh:
        fh.seek((page - 1) * page_size + 8)
        fh.write(bytes(range(256)) * 4)
    return page


def test_damaged_pages_are_found_reads_warn_and_writes_are_refused(runner: CliRunner, study: Path) -> None:
    damage_page_of(study, "search_vocab")  # a table that listing the transcripts does not read
    before = _state(study)
    code, out, err = _run(runner, study, *READ)
    assert code == 0 and "2 transcript(s)" in out
    assert len(err.splitlines()) == 1 and err.startswith("Warning: the project") and "damaged" in err
    assert "qualcode doctor" in err
    _one_error(*_run(runner, study, *WRITE)[::2], "damaged", "will not write", "qualcode doctor")
    assert _state(study) == before


def test_damage_met_in_the_middle_of_a_read_is_one_line(runner: CliRunner, study: Path) -> None:
    damage_page_of(study, "units")
    before = _state(study)
    code, _out, err = _run(runner, study, "transcripts", "show", "sr01_socijalna_radnica_nis", "--units")
    lines = err.splitlines()
    assert len(lines) == 1 and "damaged" in lines[0], err
    if code == 0:  # the damaged page was not on the way: the warning, after the output
        assert lines[0].startswith("Warning: the project")
    else:
        _one_error(code, err, "damaged")
    assert _state(study) == before


def test_opened_read_only_reads_and_refuses_writes_before_touching_anything(study: Path) -> None:
    before = _state(study)
    with open_project(study, read_only=True) as project:
        assert project.read_only and project.read_only_reason == "it was opened read-only"
        with project.read() as conn:
            assert conn.exec_driver_sql("SELECT count(*) FROM documents").scalar_one() == 2
        refused = r"is read-only: it was opened read-only; nothing was changed"
        with pytest.raises(ProjectError, match=refused), project.write():
            pytest.fail("the write block must not run")
        with (
            project.engine.connect() as conn,
            pytest.raises(sqlalchemy.exc.OperationalError, match="readonly"),
        ):
            conn.exec_driver_sql("DELETE FROM units")  # SQLite refuses too (query_only)
    assert _state(study) == before


def test_a_read_only_file_opens_read_only_in_the_cli(
    runner: CliRunner, study: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Tests run as root, whom file permissions do not stop: pretend, as os.access would say.
    monkeypatch.setattr(sqlite, "why_read_only", lambda path: "the file is read-only")
    before = _state(study)
    code, out, err = _run(runner, study, *READ)
    assert (code, err) == (0, "") and "2 transcript(s)" in out
    _one_error(*_run(runner, study, *WRITE)[::2], f"the project {study} is read-only: the file is read-only")
    assert _state(study) == before


@contextlib.contextmanager
def _tmpfs(where: Path, size: str) -> Iterator[Path]:
    where.mkdir()
    try:
        done = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)],
            capture_output=True,
            check=False,
        )
    except OSError as exc:
        pytest.skip(f"cannot run mount ({exc}): the read-only and full-disk tests need a small tmpfs")
    if done.returncode != 0:
        pytest.skip(f"mounting a tmpfs is not permitted here ({done.stderr.decode().strip()}); needs root")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def test_a_project_on_a_read_only_drive_lists_searches_and_exports(
    runner: CliRunner, template: Path, tmp_path: Path
) -> None:
    with _tmpfs(tmp_path / "mnt", "8m") as mnt:
        path = Path(shutil.copy(template, mnt / "study.db"))
        remount = subprocess.run(["mount", "-o", "remount,ro", str(mnt)], capture_output=True, check=False)
        if remount.returncode != 0:
            pytest.skip(f"cannot remount read-only: {remount.stderr.decode().strip()}")
        before = _state(path)
        code, out, err = _run(runner, path, *READ)
        assert (code, err) == (0, "") and "2 transcript(s)" in out
        code, out, err = _run(runner, path, "search", "deca")
        assert code == 0 and "[deca]" in out.lower(), err
        export = tmp_path / "codebook.yaml"
        assert _run(runner, path, "codebook", "export", str(export))[0] == 0 and export.exists()
        line = _one_error(*_run(runner, path, *WRITE)[::2], "is read-only", "mounted read-only")
        assert "nothing was changed" in line
        assert _state(path) == before  # no -shm: opened immutable, as SQLite documents for this case


def test_a_full_disk_is_one_line_and_the_project_stays_as_it_was(
    runner: CliRunner, template: Path, tmp_path: Path
) -> None:
    with _tmpfs(tmp_path / "mnt", "1m") as mnt:
        path = Path(shutil.copy(template, mnt / "study.db"))
        filler = mnt / "filler"
        with filler.open("wb", buffering=0) as fh, contextlib.suppress(OSError):
            while True:
                fh.write(b"\0" * 4096)
        # Room for the -shm file (32 KiB) but not for the transaction's pages in the -wal file.
        os.truncate(filler, max(0, filler.stat().st_size - 44 * 1024))
        before = _state(path)[:2]
        line = _one_error(*_run(runner, path, *WRITE)[::2], "is full", "the project is as it was")
        assert "Free some space" in line
        assert _state(path)[:2] == before
        filler.unlink()
        code, out, err = _run(runner, path, *READ)
        assert code == 0 and "2 transcript(s)" in out, err


def test_a_locked_project_is_one_line_after_the_busy_timeout(
    runner: CliRunner, study: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sqlite, "BUSY_TIMEOUT_MS", 100)
    assert _run(runner, study, *READ)[0] == 0  # checked once, so the next opens skip the check
    holder = sqlite3.connect(study, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")  # another writer holds the write lock
        _one_error(*_run(runner, study, *WRITE)[::2], "is busy", "try again")
        holder.execute("ROLLBACK")
        holder.execute("PRAGMA locking_mode = EXCLUSIVE")  # now readers are shut out too
        holder.execute("BEGIN EXCLUSIVE")
        _one_error(*_run(runner, study, *READ)[::2], "is busy")
    finally:
        holder.close()
    assert _run(runner, study, *WRITE)[0] == 0  # and it works once the lock is gone


@pytest.mark.parametrize(
    ("message", "kind"),
    [
        ("database or disk is full", "full"),
        ("database is locked", "locked"),
        ("disk I/O error", "io"),
        ("file is not a database", "not-a-database"),
        ("database disk image is malformed", "damaged"),
        ("attempt to write a readonly database", "read-only"),
        ("unable to open database file", "cannot-open"),
        ("no such table: documents", None),
        ("UNIQUE constraint failed: codes.name", None),
    ],
)
def test_sqlite_errors_are_classified(message: str, kind: str | None) -> None:
    raw = sqlite3.OperationalError(message)
    assert sqlite.error_kind(raw) == kind
    assert sqlite.error_kind(sqlalchemy.exc.OperationalError("SELECT 1", {}, raw)) == kind


def test_the_cli_boundary_turns_a_stray_sqlite_error_into_one_line(
    runner: CliRunner, study: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import qualcode.documents

    def full(*_args: object, **_kwargs: object) -> None:
        raise sqlalchemy.exc.OperationalError(
            "INSERT", {}, sqlite3.OperationalError("database or disk is full")
        )

    monkeypatch.setattr(qualcode.documents, "list_documents", full)
    _one_error(*_run(runner, study, *READ)[::2], "the disk holding the project file is full")

    def bug(*_args: object, **_kwargs: object) -> None:
        raise sqlalchemy.exc.OperationalError(
            "SELECT", {}, sqlite3.OperationalError(f"no such column: {uuid.uuid4()}")
        )

    monkeypatch.setattr(qualcode.documents, "list_documents", bug)
    result = runner.invoke(app, [*READ, "-p", str(study)])
    assert isinstance(result.exception, sqlalchemy.exc.OperationalError)  # a bug is not hidden
