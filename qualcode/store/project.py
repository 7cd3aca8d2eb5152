"""Opening, creating and upgrading a project file, and its transactions.

A :class:`Project` is a handle on one study's SQLite file. Reads go through
:meth:`Project.read`, writes through :meth:`Project.write`, which holds the write lock
from the first statement (``BEGIN IMMEDIATE``) and rolls everything back on any error, so
a failed command leaves the project exactly as it was.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import OperationalError

from qualcode.errors import ProjectError
from qualcode.store import migrations, sqlite


@dataclass
class Project:
    """An open project file."""

    path: Path
    engine: Engine
    #: Migrations applied when the file was opened (empty when it was current).
    upgraded: list[int] = field(default_factory=list)
    backup: Path | None = None

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A connection in a read transaction (a consistent snapshot)."""
        with self.engine.connect() as conn, conn.begin():
            yield conn

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """A connection in a write transaction: all of it is committed, or none of it."""
        try:
            with self.engine.connect().execution_options(qualcode_write=True) as conn, conn.begin():
                yield conn
        except OperationalError as exc:
            if "locked" in str(exc.orig):
                raise ProjectError(
                    f"the project {self.path} is busy (another qualcode command is writing to it); "
                    "wait until it finishes and try again"
                ) from None
            raise

    def close(self) -> None:
        """Release the file (connections are pooled until then)."""
        self.engine.dispose()

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
    engine = sqlite.create_sqlite_engine(path)
    try:
        with engine.connect().execution_options(qualcode_write=True) as conn, conn.begin():
            migrations.create_schema(conn)
    except BaseException:
        engine.dispose()
        _remove_database_files(path)
        raise
    return Project(path=path, engine=engine)


def open_project(path: Path) -> Project:
    """Open an existing project, upgrading it (after a backup copy) if it is older."""
    if not path.exists():
        raise ProjectError(
            f"no qualcode project at {path}; create one with `qualcode init {path}` "
            "or point to yours with --project PATH or QUALCODE_PROJECT"
        )
    sqlite.check_sqlite_file(path)
    engine = sqlite.create_sqlite_engine(path)
    try:
        with engine.connect() as conn:
            app_id, version = sqlite.read_versions(conn)
            empty = not sqlite.has_tables(conn)
        if app_id != sqlite.APPLICATION_ID:
            raise ProjectError(
                f"{path} is an SQLite database but not a qualcode project"
                + (" (it is empty)" if empty else "")
                + "; check the --project path"
            )
        if version > migrations.LATEST:
            raise ProjectError(
                f"{path} was written by a newer qualcode "
                f"(schema {version}, this one knows {migrations.LATEST}); "
                "upgrade qualcode to open it"
            )
        project = Project(path=path, engine=engine)
        if version < migrations.LATEST:
            _upgrade(project, version)
        return project
    except BaseException:
        engine.dispose()
        raise


def _upgrade(project: Project, version: int) -> None:
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    backup = project.path.with_name(f"{project.path.name}.v{version}-{stamp}.bak")
    sqlite.backup_file(project.path, backup)
    with project.write() as conn:
        project.upgraded = migrations.upgrade(conn, version)
    project.backup = backup


def _remove_database_files(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        candidate = Path(f"{path}{suffix}")
        if candidate.is_dir():
            shutil.rmtree(candidate)
        else:
            candidate.unlink(missing_ok=True)
