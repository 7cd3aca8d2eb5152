"""Opening, creating and upgrading a project file, and its transactions.

A :class:`Project` is a handle on one study's SQLite file. Reads go through
:meth:`Project.read`, writes through :meth:`Project.write`, which holds the write lock
from the first statement (``BEGIN IMMEDIATE``) and rolls everything back on any error, so
a failed command leaves the project exactly as it was.

Opening trusts nothing before it has looked, and looking changes nothing:

1. the 100-byte header is read as plain bytes: not SQLite, empty, cut short, another
   program's database or a newer schema are refused here, before SQLite touches the file;
2. the integrity check (``quick_check``) runs unless the file is known to be unchanged since
   its last clean check (see :mod:`qualcode.store.integrity` for why and what it costs), on a
   connection that cannot write;
3. a damaged file opens for reading only (with a warning from the command line) and every
   write is refused with advice; a file on read-only media or in a read-only folder opens
   read-only (listing, search, exports work) and a write says so in one line.

SQLite's errors (full disk, locked file, I/O errors, damage found mid-command) become one-line
:class:`~qualcode.errors.ProjectError` messages here and nowhere else in the library.
"""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import DBAPIError

from qualcode.errors import ProjectError
from qualcode.store import backups, integrity, migrations, sqlite

#: Longest piece of an integrity-check message quoted in a one-line error.
_QUOTE = 120
#: Free bytes below which an SQLite I/O error is reported as a full disk.
_NEARLY_FULL = 1 << 20


@dataclass
class Project:
    """An open project file."""

    path: Path
    engine: Engine
    #: Migrations applied when the file was opened (empty when it was current).
    upgraded: list[int] = field(default_factory=list)
    backup: Path | None = None
    #: Why nothing may be written (read-only drive, folder or file, or asked for); None if writable.
    read_only_reason: str | None = None
    #: What SQLite's integrity check found when the file was opened (empty when it is sound).
    problems: list[str] = field(default_factory=list)
    #: Checked (or created) and found sound: a clean close lets the next open skip the check.
    sound: bool = field(default=False, repr=False)
    #: In rollback-journal mode (a backup copy put in its place): switched to WAL at the first
    #: write, not at open, so that reading a backup copy never changes it.
    needs_wal: bool = field(default=False, repr=False)

    @property
    def read_only(self) -> bool:
        """Whether writes are refused: the file cannot be written, or it is damaged."""
        return self.read_only_reason is not None or bool(self.problems)

    def ensure_writable(self) -> None:
        """Raise a one-line :class:`ProjectError` when this project must not be written to."""
        if self.problems:
            raise ProjectError(
                f"the project {self.path} is damaged, so qualcode will not write to it "
                f"(SQLite's check: {_summary(self.problems)}); nothing was changed. "
                f"{_doctor_advice(self.path)}"
            )
        if self.read_only_reason is not None:
            raise ProjectError(
                f"the project {self.path} is read-only: {self.read_only_reason}; nothing was changed. "
                "To change it, copy it to a folder where you may write and work on the copy"
            )

    def warning(self) -> str | None:
        """What a person reading a damaged project should be told (None when it is sound)."""
        if not self.problems:
            return None
        return (
            f"the project {self.path} is damaged (SQLite's check: {_summary(self.problems)}); "
            f"showing what can be read, but nothing can be changed. Run `qualcode doctor -p {self.path}`"
        )

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A connection in a read transaction (a consistent snapshot)."""
        with _sqlite_errors(self.path), self.engine.connect() as conn, conn.begin():
            yield conn

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """A connection in a write transaction: all of it is committed, or none of it.

        A read-only or damaged project is refused before anything is touched.
        """
        self.ensure_writable()
        if self.needs_wal:
            with _sqlite_errors(self.path):
                sqlite.switch_to_wal(self.engine)
            self.needs_wal = False
        with (
            _sqlite_errors(self.path),
            self.engine.connect().execution_options(qualcode_write=True) as conn,
            conn.begin(),
        ):
            yield conn

    def close(self) -> None:
        """Release the file (connections are pooled until then)."""
        self.engine.dispose()
        if self.sound and self.read_only_reason is None:
            # Everything since the clean check was written by SQLite through us: still sound.
            integrity.remember_clean(self.path)

    def __enter__(self) -> Project:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def init_project(path: Path) -> Project:
    """Create a new, empty project file at ``path``; refuse to overwrite anything."""
    if path.exists():
        raise ProjectError(
            f"{path} already exists; choose another file name or open it with --project {path}"
        )
    if not path.parent.exists():
        raise ProjectError(f"the folder {path.parent} does not exist; create it first")
    if not sqlite.folder_writable(path):
        raise ProjectError(
            f"cannot create the project {path}: the folder {path.parent} is read-only; "
            "choose a folder where you may write"
        )
    engine = sqlite.create_sqlite_engine(path)
    try:
        with (
            _sqlite_errors(path),
            engine.connect().execution_options(qualcode_write=True) as conn,
            conn.begin(),
        ):
            migrations.create_schema(conn)
    except BaseException:
        engine.dispose()
        _remove_database_files(path)
        raise
    return Project(path=path, engine=engine, sound=True)


def open_project(path: Path, *, read_only: bool = False) -> Project:
    """Open an existing project, upgrading it (after a backup copy) if it is older.

    ``read_only=True`` opens it for reading whatever the file allows; a project that cannot
    be written (read-only drive, folder or file) opens read-only by itself.
    """
    if not path.exists():
        raise ProjectError(
            f"no qualcode project at {path}; create one with `qualcode init {path}` "
            "or point to yours with --project PATH or QUALCODE_PROJECT"
        )
    header = sqlite.read_header(path)
    _refuse_from_header(header)
    reason = "it was opened read-only" if read_only else sqlite.why_read_only(path)
    can_create_files = sqlite.folder_writable(path)
    before = integrity.fingerprint(path)
    must_check = not integrity.is_known_clean(path, before)
    problems: list[str] = []
    version = header.user_version
    if must_check or header.wal_pending:
        # The header is stale while commits wait in the -wal file: ask SQLite.
        with (
            _sqlite_errors(path),
            sqlite.inspection_connection(header, can_create_files=can_create_files) as raw,
        ):
            app_id, version = sqlite.raw_versions(raw)
            _refuse_versions(path, app_id, version, empty=header.schema_empty)
            if must_check:
                problems = sqlite.quick_check(raw)
        if must_check and not problems and integrity.fingerprint(path) == before:
            integrity.remember_clean(path, before)
    engine = _engine(header, reason, can_create_files=can_create_files, damaged=bool(problems))
    project = Project(
        path=path,
        engine=engine,
        read_only_reason=reason,
        problems=problems,
        sound=not problems,
        needs_wal=not header.wal_mode,
    )
    try:
        with _sqlite_errors(path):
            if version < migrations.LATEST:
                _refuse_upgrade(project, version)
                _upgrade(project, version)
        return project
    except BaseException:
        engine.dispose()
        raise


def _engine(
    header: sqlite.FileHeader, reason: str | None, *, can_create_files: bool, damaged: bool
) -> Engine:
    path = header.path
    if reason is not None and not can_create_files:
        # Read-only drive or folder: SQLite cannot create -wal/-shm there (see read_only_access).
        immutable = sqlite.read_only_access(header, folder_writable=False)
        return sqlite.create_sqlite_engine(path, read_only=True, immutable=immutable)
    if reason is not None or damaged:
        # query_only on an ordinary handle: reads work, every change is refused by SQLite too,
        # and the -wal/-shm files it creates are removed when it closes.
        return sqlite.create_sqlite_engine(path, query_only=True)
    return sqlite.create_sqlite_engine(path, wal=False)  # already WAL; switching is a write


def _refuse_from_header(header: sqlite.FileHeader) -> None:
    path = header.path
    if header.size == 0:
        raise ProjectError(
            f"{path} is an empty file (0 bytes), not a qualcode project; check the --project path, "
            f"or delete it and create a project with `qualcode init {path}`"
        )
    if not header.is_sqlite:
        raise ProjectError(
            f"{path} is not a qualcode project (it is not an SQLite database); "
            "check the --project path or create a project with `qualcode init`"
        )
    if header.truncated:
        expected = header.expected_size
        holds = f"it holds {header.size:,} of its {expected:,} bytes" if expected else "it ends mid-page"
        raise ProjectError(
            f"the project file {path} is cut short ({holds}), perhaps by an interrupted copy or "
            f"download; nothing was changed. Copy it again from where it came from. {_doctor_advice(path)}"
        )
    if not header.wal_pending:  # otherwise the header may be stale: SQLite is asked later
        _refuse_versions(path, header.application_id, header.user_version, empty=header.schema_empty)


def _refuse_versions(path: Path, app_id: int, version: int, *, empty: bool) -> None:
    if app_id != sqlite.APPLICATION_ID:
        raise ProjectError(
            f"{path} is an SQLite database but not a qualcode project"
            + (" (it is empty)" if empty else "")
            + "; check the --project path (the file was not changed)"
        )
    if version > migrations.LATEST:
        raise ProjectError(
            f"{path} was written by a newer qualcode "
            f"(schema {version}, this one knows {migrations.LATEST}); "
            "upgrade qualcode to open it"
        )


def _refuse_upgrade(project: Project, version: int) -> None:
    if project.problems:
        raise ProjectError(
            f"the project {project.path} uses the older schema {version} and is damaged "
            f"(SQLite's check: {_summary(project.problems)}); qualcode upgrades only sound files. "
            f"{_doctor_advice(project.path)}"
        )
    if project.read_only_reason is not None:
        raise ProjectError(
            f"the project {project.path} uses the older schema {version} and must be upgraded to "
            f"schema {migrations.LATEST}, but it is read-only: {project.read_only_reason}; copy it to "
            "a folder where you may write and open the copy"
        )


def _upgrade(project: Project, version: int) -> None:
    backup = backups.upgrade_backup(project, version)
    project.upgraded = migrations.upgrade_engine(project.engine, version)
    project.backup = backup


@contextmanager
def _sqlite_errors(path: Path) -> Iterator[None]:
    """Turn SQLite's errors a person can act on into one line with advice (see sqlite.error_kind)."""
    try:
        yield
    except (DBAPIError, sqlite3.Error) as exc:
        kind = sqlite.error_kind(exc)
        if kind is None:
            raise
        if kind == "io" and _disk_nearly_full(path):
            kind = "full"  # SQLite says "disk I/O error" when it cannot even create the -shm file
        backup = backups.newest_backup(path) if kind in ("damaged", "not-a-database") else None
        raise ProjectError(sqlite.error_message(kind, path, backup)) from None


def _disk_nearly_full(path: Path) -> bool:
    try:
        return shutil.disk_usage(path.parent).free < _NEARLY_FULL
    except OSError:
        return False


def _summary(problems: list[str]) -> str:
    first = " ".join(problems[0].split())
    first = first if len(first) <= _QUOTE else first[: _QUOTE - 1] + "…"
    more = len(problems) - 1
    return first + (f" and {more} more problem{'s' if more > 1 else ''}" if more else "")


def _doctor_advice(path: Path) -> str:
    advice = f"Run `qualcode doctor -p {path}` to see the damage and rescue what can be read"
    newest = backups.newest_backup(path)
    return advice + (f", or go back to the newest backup copy {newest}" if newest else "")


def _remove_database_files(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        candidate = Path(f"{path}{suffix}")
        if candidate.is_dir():
            shutil.rmtree(candidate)
        else:
            candidate.unlink(missing_ok=True)
