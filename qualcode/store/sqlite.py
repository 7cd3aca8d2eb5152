"""Everything that is SQLite-only lives here, so a PostgreSQL backend can replace it later.

- connection PRAGMAs (foreign keys, WAL, busy timeout, trusted_schema off),
- ``BEGIN IMMEDIATE`` for write transactions (a writer takes the lock up front instead of
  failing half-way with "database is locked"),
- the schema version in ``PRAGMA user_version`` and our ``application_id``,
- the file-level checks and the online backup used before a migration,
- the append-only triggers of the event log.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event

from qualcode.errors import ProjectError

#: Written into the file header so qualcode can tell its own projects from other SQLite files.
APPLICATION_ID = 0x51434F44  # "QCOD"
BUSY_TIMEOUT_MS = 10_000
_SQLITE_MAGIC = b"SQLite format 3\x00"


def create_sqlite_engine(path: Path) -> Engine:
    """An engine for the project file at ``path`` with our PRAGMAs and explicit transactions."""
    engine = create_engine(f"sqlite:///{path}", connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
        # Autocommit at the driver level: we issue BEGIN ourselves (see _on_begin), because
        # the sqlite3 module's implicit transactions cannot say IMMEDIATE.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA trusted_schema = OFF")
        cursor.execute("PRAGMA journal_mode = WAL")
        # NORMAL is safe from corruption in WAL mode; only the last commit may be lost on power loss.
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        mode = "IMMEDIATE" if conn.get_execution_options().get("qualcode_write") else "DEFERRED"
        conn.exec_driver_sql(f"BEGIN {mode}")

    return engine


def check_sqlite_file(path: Path) -> None:
    """Refuse a path that is not a SQLite database, with advice."""
    try:
        with path.open("rb") as fh:
            header = fh.read(len(_SQLITE_MAGIC))
    except IsADirectoryError:
        raise ProjectError(
            f"{path} is a folder; give the path of a project file (for example {path}/qualcode.db)"
        ) from None
    except OSError as exc:
        raise ProjectError(f"cannot read the project file {path}: {exc.strerror}") from None
    if header != _SQLITE_MAGIC:
        raise ProjectError(
            f"{path} is not a qualcode project (it is not an SQLite database); "
            "check the --project path or create a project with `qualcode init`"
        )


def read_versions(conn: Connection) -> tuple[int, int]:
    """``(application_id, user_version)`` of the open database."""
    app_id = conn.exec_driver_sql("PRAGMA application_id").scalar_one()
    version = conn.exec_driver_sql("PRAGMA user_version").scalar_one()
    return int(app_id), int(version)


def write_versions(conn: Connection, version: int) -> None:
    """Stamp the file as a qualcode project at schema ``version`` (inside the caller's transaction)."""
    conn.exec_driver_sql(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.exec_driver_sql(f"PRAGMA user_version = {int(version)}")


def has_tables(conn: Connection) -> bool:
    """Whether the database holds any table at all (an empty file is a fresh project)."""
    count = conn.exec_driver_sql("SELECT count(*) FROM sqlite_master WHERE type = 'table'").scalar_one()
    return int(count) > 0


def backup_file(source: Path, target: Path) -> None:
    """A consistent copy of the project, even while another process has it open."""
    src = sqlite3.connect(source)
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()


def install_event_guards(conn: Connection) -> None:
    """Make the event log append-only at the database level, not just by convention."""
    for verb in ("UPDATE", "DELETE"):
        conn.exec_driver_sql(
            f"CREATE TRIGGER IF NOT EXISTS events_no_{verb.lower()} BEFORE {verb} ON events "
            "BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END"
        )
