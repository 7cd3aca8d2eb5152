"""Everything that is SQLite-only lives here, so a PostgreSQL backend can replace it later.

- connection PRAGMAs (foreign keys, WAL, busy timeout, trusted_schema off, query_only for
  read-only handles),
- ``BEGIN IMMEDIATE`` for write transactions (a writer takes the lock up front instead of
  failing half-way with "database is locked"),
- the schema version in ``PRAGMA user_version`` and our ``application_id``,
- the file-level facts read from the 100-byte header *without opening the file through
  SQLite* (opening can write: a WAL reader creates ``-wal``/``-shm`` files), the integrity
  check, and connections that cannot change the file (read-only media, damaged files),
- SQLite's error codes turned into one-line messages with advice,
- the online backup used for backup copies,
- the append-only triggers of the event log.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import struct
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import QueuePool

from qualcode.errors import ProjectError

#: Written into the file header so qualcode can tell its own projects from other SQLite files.
APPLICATION_ID = 0x51434F44  # "QCOD"
BUSY_TIMEOUT_MS = 10_000
_SQLITE_MAGIC = b"SQLite format 3\x00"
_HEADER_SIZE = 100
#: A -wal file holds a 32-byte header before its first frame: anything beyond may be commits
#: not yet copied into the main file.
_WAL_HEADER_SIZE = 32


@dataclass(frozen=True)
class FileHeader:
    """What the first 100 bytes of a file (and the files beside it) say, read without SQLite."""

    path: Path
    size: int
    is_sqlite: bool
    page_size: int = 0
    #: The page count the header vouches for (None when SQLite marks it stale, as old writers did).
    pages: int | None = None
    wal_mode: bool = False
    user_version: int = 0
    application_id: int = 0
    #: The schema table on page 1 is empty: an SQLite file with no tables at all.
    schema_empty: bool = False
    wal_bytes: int = 0
    shm_exists: bool = False

    @property
    def wal_pending(self) -> bool:
        """The -wal file may hold commits not yet in the main file (whose header is then stale)."""
        return self.wal_bytes > _WAL_HEADER_SIZE

    @property
    def expected_size(self) -> int | None:
        """How many bytes the main file should have, when the header says so."""
        return None if self.pages is None else self.pages * self.page_size

    @property
    def truncated(self) -> bool:
        """The file is shorter than its header says, or ends in the middle of a page."""
        if not self.is_sqlite:
            return False
        if self.size < _HEADER_SIZE or self.page_size == 0:
            return True
        if self.wal_pending:
            # A checkpoint in progress writes page 1 (with the new size) before it extends the
            # file: with commits waiting in the WAL the size in the header proves nothing.
            return False
        expected = self.expected_size
        return self.size % self.page_size != 0 or (expected is not None and self.size < expected)


def read_header(path: Path) -> FileHeader:
    """The facts in ``path``'s SQLite header and beside it (-wal, -shm), without changing anything."""
    try:
        wal_bytes = _size_or_zero(Path(f"{path}-wal"))
        shm_exists = Path(f"{path}-shm").exists()
        with path.open("rb") as fh:
            head = fh.read(_HEADER_SIZE + 8)
            size = os.fstat(fh.fileno()).st_size
    except IsADirectoryError:
        raise ProjectError(
            f"{path} is a folder; give the path of a project file (for example {path}/qualcode.db)"
        ) from None
    except OSError as exc:
        raise ProjectError(f"cannot read the project file {path}: {exc.strerror}") from None
    if not head.startswith(_SQLITE_MAGIC):
        # A file cut inside the magic string is still recognisably ours to report as truncated.
        prefix = 0 < len(head) < len(_SQLITE_MAGIC) and _SQLITE_MAGIC.startswith(head)
        return FileHeader(path=path, size=size, is_sqlite=prefix, wal_bytes=wal_bytes, shm_exists=shm_exists)
    if len(head) < _HEADER_SIZE:
        return FileHeader(path=path, size=size, is_sqlite=True, wal_bytes=wal_bytes, shm_exists=shm_exists)
    (page_size,) = struct.unpack_from(">H", head, 16)
    page_size = 65536 if page_size == 1 else page_size
    change_counter, pages = struct.unpack_from(">II", head, 24)
    (valid_for,) = struct.unpack_from(">I", head, 92)
    (user_version,) = struct.unpack_from(">i", head, 60)
    (application_id,) = struct.unpack_from(">i", head, 68)
    page_type = head[100] if len(head) > 100 else 0
    cells = struct.unpack_from(">H", head, 103)[0] if len(head) >= 105 else 0
    return FileHeader(
        path=path,
        size=size,
        is_sqlite=True,
        page_size=page_size if page_size >= 512 and page_size & (page_size - 1) == 0 else 0,
        # SQLite trusts the in-header size only when this pair matches (fileformat2.html, 1.3.7).
        pages=pages if pages and change_counter == valid_for else None,
        wal_mode=head[18] == 2,
        user_version=user_version,
        application_id=application_id,
        schema_empty=page_type == 0x0D and cells == 0,
        wal_bytes=wal_bytes,
        shm_exists=shm_exists,
    )


def _size_or_zero(path: Path) -> int:
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0


def why_read_only(path: Path) -> str | None:
    """Why qualcode cannot write to the project at ``path`` (None when it can).

    SQLite writes beside the project too (``-wal`` and ``-shm`` files), so the folder must be
    writable as well as the file.
    """
    folder = path.parent
    if _read_only_filesystem(path):
        return f"the drive holding {folder} is mounted read-only"
    if not os.access(path, os.W_OK):
        return "the file is read-only"
    if not os.access(folder, os.W_OK):
        return f"its folder {folder} is read-only"
    return None


def _read_only_filesystem(path: Path) -> bool:
    statvfs = getattr(os, "statvfs", None)  # POSIX only; Windows reports read-only media via access()
    flag = getattr(os, "ST_RDONLY", 0)
    if statvfs is None or not flag:
        return False
    try:
        return bool(statvfs(path).f_flag & flag)
    except OSError:
        return False


def _uri(path: Path, *, immutable: bool) -> str:
    # as_uri() percent-escapes spaces, '?', '#' and non-ASCII letters, as SQLite's URI parser wants.
    return f"{path.absolute().as_uri()}?mode=ro" + ("&immutable=1" if immutable else "")


def read_only_access(header: FileHeader, folder_writable: bool) -> bool:
    """Whether a read-only connection must say ``immutable=1`` (True) or can use ``mode=ro``.

    SQLite >= 3.22 reads a WAL-mode file read-only if its ``-shm`` file exists or can be
    created, or if the file is opened as immutable (https://sqlite.org/wal.html#readonly).
    Immutable skips the WAL entirely, so it is only right when no commits wait in ``-wal``.
    """
    if not header.wal_mode or header.shm_exists or folder_writable:
        return False
    if header.wal_pending:
        raise ProjectError(
            f"the project {header.path} is on a read-only folder and has unsaved changes in "
            f"{header.path.name}-wal, which SQLite cannot read there; copy the project together with "
            "its -wal file to a folder where you may write, and open the copy"
        )
    return True


def connect_read_only(path: Path, *, immutable: bool = False) -> sqlite3.Connection:
    """A plain sqlite3 connection that cannot write (``mode=ro``, optionally ``immutable=1``)."""
    conn = sqlite3.connect(_uri(path, immutable=immutable), uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
    conn.execute("PRAGMA query_only = ON")
    conn.execute("PRAGMA trusted_schema = OFF")
    return conn


def folder_writable(path: Path) -> bool:
    """Whether SQLite can create its ``-wal``/``-shm`` files beside ``path``."""
    return os.access(path.parent, os.W_OK) and not _read_only_filesystem(path)


@contextmanager
def inspection_connection(header: FileHeader, *, can_create_files: bool) -> Iterator[sqlite3.Connection]:
    """A connection for looking at a file before it is trusted: it changes nothing and leaves nothing.

    ``can_create_files`` says whether SQLite may create files beside it (see :func:`folder_writable`).

    - No commits waiting in the WAL: ``mode=ro``. It may leave an empty ``-wal`` and a ``-shm``
      behind (a read-only connection cannot remove them), so an ordinary connection is opened
      and closed afterwards: as the last one to close it removes them, with nothing to
      checkpoint. (Checking through that ordinary connection would spare the second open, but
      SQLite's ``quick_check`` runs about four times slower on it: 1.7-2.4 s instead of 0.45 s
      on the 168 MB benchmark project.)
    - Commits waiting and a ``-shm`` present (another program has the file open): ``mode=ro``,
      which cannot checkpoint into a file we have not checked yet.
    - Commits waiting and no ``-shm`` (a crashed writer, or a copied pair of files): ``mode=ro``
      would leave a new ``-shm`` behind, so we read a copy of the two files in a temporary folder.
    - A folder where nothing can be created: ``mode=ro``, or ``immutable=1`` (see
      :func:`read_only_access`).
    """
    path = header.path
    if not can_create_files:
        conn = connect_read_only(path, immutable=read_only_access(header, folder_writable=False))
    elif not header.wal_pending or header.shm_exists:
        conn = connect_read_only(path)
    else:
        with tempfile.TemporaryDirectory(prefix="qualcode-inspect-") as folder:
            copy = Path(folder) / path.name
            shutil.copyfile(path, copy)
            shutil.copyfile(f"{path}-wal", f"{copy}-wal")
            conn = sqlite3.connect(copy)
            try:
                yield conn
            finally:
                conn.close()
            return
    leftovers = [p for p in (Path(f"{path}-wal"), Path(f"{path}-shm")) if not p.exists()]
    try:
        yield conn
    finally:
        conn.close()
        if can_create_files and not header.wal_pending and any(p.exists() for p in leftovers):
            _tidy(path)


def _tidy(path: Path) -> None:
    """Let SQLite remove the empty ``-wal``/``-shm`` a read-only connection left (if no one uses them)."""
    try:
        conn = sqlite3.connect(path, timeout=0.1)
        try:
            conn.execute("PRAGMA query_only = ON")
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        finally:
            conn.close()
    except sqlite3.Error:
        pass  # damaged beyond reading, or busy: the files stay, as SQLite itself would leave them


def quick_check(conn: sqlite3.Connection, limit: int = 3) -> list[str]:
    """SQLite's ``quick_check``: the first ``limit`` problems found, or ``[]`` when the file is sound.

    It reads every page (b-tree structure, free list, record format, NOT NULL / CHECK) but does
    not compare indexes with their tables, which ``integrity_check`` does at about 2.5 times the
    cost.
    """
    try:
        rows = [str(row[0]) for row in conn.execute(f"PRAGMA quick_check({int(limit)})")]
    except sqlite3.DatabaseError as exc:
        if error_kind(exc) not in ("damaged", "not-a-database"):
            raise  # busy, I/O: not a verdict on the file
        return [str(exc)]  # damage so deep that the check itself stops
    return _problem_lines(rows)


def integrity_check(conn: sqlite3.Connection, limit: int = 100) -> list[str]:
    """SQLite's full ``integrity_check`` (indexes too): up to ``limit`` problems, ``[]`` when sound."""
    rows = [str(row[0]) for row in conn.execute(f"PRAGMA integrity_check({int(limit)})")]
    return _problem_lines(rows)


def _problem_lines(rows: list[str]) -> list[str]:
    # One row can hold several lines, the first being "*** in database main ***".
    if rows == ["ok"]:
        return []
    return [line for row in rows for line in row.splitlines() if line.strip() and not line.startswith("***")]


def create_sqlite_engine(
    path: Path,
    *,
    read_only: bool = False,
    immutable: bool = False,
    query_only: bool = False,
    wal: bool = True,
) -> Engine:
    """An engine for the project file at ``path`` with our PRAGMAs and explicit transactions.

    ``read_only`` opens with ``mode=ro`` (``immutable`` adds ``immutable=1``, see
    :func:`read_only_access`); ``query_only`` keeps an ordinary file handle but refuses every
    change (a damaged file: reading works, nothing is written, no stray files remain);
    ``wal`` switches the file to WAL mode, which is itself a write, so only a new or checked
    file gets it.
    """
    timeout = BUSY_TIMEOUT_MS / 1000
    if read_only or immutable:
        uri = _uri(path, immutable=immutable)
        engine = create_engine(
            "sqlite://",
            creator=lambda: sqlite3.connect(uri, uri=True, timeout=timeout, check_same_thread=False),
            poolclass=QueuePool,  # "sqlite://" alone would mean an in-memory database's pool
        )
    else:
        engine = create_engine(f"sqlite:///{path}", connect_args={"timeout": timeout})
    refuse_changes = read_only or immutable or query_only

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
        # Autocommit at the driver level: we issue BEGIN ourselves (see _on_begin), because
        # the sqlite3 module's implicit transactions cannot say IMMEDIATE.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA trusted_schema = OFF")
        if refuse_changes:
            cursor.execute("PRAGMA query_only = ON")
        elif wal:
            cursor.execute("PRAGMA journal_mode = WAL")
        if not refuse_changes:
            # NORMAL is safe from corruption in WAL mode; only the last commit may be lost on power loss.
            cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        mode = "IMMEDIATE" if conn.get_execution_options().get("qualcode_write") else "DEFERRED"
        conn.exec_driver_sql(f"BEGIN {mode}")

    return engine


def switch_to_wal(engine: Engine) -> None:
    """Put a checked, writable file that is in rollback-journal mode (a restored backup) into WAL mode."""
    with engine.connect() as conn:
        raw = conn.connection.dbapi_connection
        assert raw is not None  # a freshly checked-out connection is open
        raw.execute("PRAGMA journal_mode = WAL")  # outside a transaction, as SQLite requires


def read_versions(conn: Connection) -> tuple[int, int]:
    """``(application_id, user_version)`` of the open database."""
    app_id = conn.exec_driver_sql("PRAGMA application_id").scalar_one()
    version = conn.exec_driver_sql("PRAGMA user_version").scalar_one()
    return int(app_id), int(version)


def raw_versions(conn: sqlite3.Connection) -> tuple[int, int]:
    """``(application_id, user_version)`` through a plain sqlite3 connection."""
    app_id = conn.execute("PRAGMA application_id").fetchone()[0]
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    return int(app_id), int(version)


def write_versions(conn: Connection, version: int) -> None:
    """Stamp the file as a qualcode project at schema ``version`` (inside the caller's transaction)."""
    conn.exec_driver_sql(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.exec_driver_sql(f"PRAGMA user_version = {int(version)}")


def backup_file(source: Path, target: Path) -> None:
    """A consistent copy of the project, even while another process has it open."""
    src = sqlite3.connect(source)
    try:
        backup_connection(src, target)
    finally:
        src.close()


def backup_connection(source: sqlite3.Connection, target: Path) -> None:
    """Copy the database behind ``source`` into a new file ``target`` with SQLite's online backup.

    The copy is switched to rollback-journal mode: a backup is one self-contained file, and
    reading it never creates ``-wal``/``-shm`` files (so it opens on read-only media too).
    """
    dst = sqlite3.connect(target)
    try:
        source.backup(dst)
        dst.execute("PRAGMA journal_mode = DELETE")
    finally:
        dst.close()


def install_event_guards(conn: Connection) -> None:
    """Make the event log append-only at the database level, not just by convention."""
    for verb in ("UPDATE", "DELETE"):
        conn.exec_driver_sql(
            f"CREATE TRIGGER IF NOT EXISTS events_no_{verb.lower()} BEFORE {verb} ON events "
            "BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END"
        )


# --- SQLite errors -> one line with advice ------------------------------------------------

#: (kind, extended-code prefix, words of SQLite's message): the conditions a user can act on.
_CONDITIONS = (
    ("full", "SQLITE_FULL", ("database or disk is full",)),
    ("locked", "SQLITE_BUSY", ("database is locked", "database table is locked")),
    ("io", "SQLITE_IOERR", ("disk i/o error",)),
    ("not-a-database", "SQLITE_NOTADB", ("file is not a database",)),
    ("damaged", "SQLITE_CORRUPT", ("database disk image is malformed", "malformed database schema")),
    ("read-only", "SQLITE_READONLY", ("attempt to write a readonly database", "readonly database")),
    ("cannot-open", "SQLITE_CANTOPEN", ("unable to open database file",)),
)


def error_kind(exc: BaseException) -> str | None:
    """Which of the conditions in :data:`_CONDITIONS` an SQLite error is, or None."""
    original = exc.orig if isinstance(exc, DBAPIError) else exc
    if not isinstance(original, sqlite3.Error):
        return None
    name = getattr(original, "sqlite_errorname", "") or ""
    message = str(original).lower()
    for kind, code, words in _CONDITIONS:
        if name.startswith(code) or any(w in message for w in words):
            return kind
    return None


def error_message(kind: str, path: Path | None, backup: Path | None = None) -> str:
    """The one-line message for an SQLite condition (see :func:`error_kind`), with what to do next."""
    what = f"the project {path}" if path is not None else "the project file"
    doctor = f"`qualcode doctor -p {path}`" if path is not None else "`qualcode doctor`"
    restore = f"; the newest backup copy is {backup}" if backup is not None else ""
    messages = {
        "full": f"the disk holding {what} is full; the change was not saved and the project is as it "
        "was. Free some space (or move the project to a disk with room) and try again",
        "locked": f"{what} is busy: another program (another qualcode command, the coding screen) is "
        "writing to it or holds it locked; wait until it finishes and try again",
        "io": f"reading or writing {what} failed (disk I/O error); check the drive (a removed USB stick, "
        f"a dropped network drive, a failing disk) and then check the project with {doctor}",
        "not-a-database": f"{what} cannot be read as a database (damaged or encrypted); run {doctor} to "
        f"see what can be rescued{restore}",
        "damaged": f"{what} is damaged (SQLite: database disk image is malformed); nothing more was "
        f"written to it. Run {doctor} to see the damage and rescue what can be read{restore}",
        "read-only": f"{what} is read-only: SQLite was not allowed to write to it; nothing was changed. "
        "Copy the project to a folder where you may write and work on the copy",
        "cannot-open": f"cannot open {what} (SQLite: unable to open database file); check that the file "
        "and its folder exist and that you may write in the folder (SQLite keeps two files beside "
        "an open project)",
    }
    return messages[kind]


def project_error(exc: BaseException, path: Path | None, backup: Path | None = None) -> ProjectError | None:
    """A one-line :class:`ProjectError` for an SQLite failure the user can act on, or None."""
    kind = error_kind(exc)
    return None if kind is None else ProjectError(error_message(kind, path, backup))
