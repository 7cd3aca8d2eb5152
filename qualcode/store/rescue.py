"""``qualcode doctor --rescue``: copy what can still be read from a damaged project into a new one.

SQLite-only, like :mod:`qualcode.store.doctor`. The damaged file is never written to: the work
is done on a copy. A rescue builds a *new* project with the project's own schema code, at the
damaged file's schema version (a fresh project for the newest schema, the numbered migrations
for an older one, which qualcode then upgrades on the first open), and copies into it, table by
table, every row that can be read:

- from ``sqlite3 .recover`` (the SQLite command-line tool, when installed *and* built with the
  page reader it needs, which Debian's is not), which also finds rows on pages the damaged
  tables no longer point to;
- else straight from the damaged file, by rowid ranges: a range that fails is halved until
  the unreadable rows are pinned down, so one bad page costs only the rows on it.

Rows that point to rows that were lost (a coding whose document could not be read) are
dropped, because the schema's foreign keys forbid them; the search index and lemma vocabulary
are rebuilt from the rescued documents. The report says per table how many rows were rescued,
which ids could not be read and how many rows were dropped.
"""

from __future__ import annotations

import contextlib
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from qualcode.errors import ProjectError
from qualcode.store import migrations, sqlite
from qualcode.store.doctor import data_tables, quote_name, scan_table

_INSERT_BATCH = 500


@dataclass
class TableRescue:
    """What a rescue did with one table."""

    table: str
    rescued: int = 0
    #: Rows the damaged file itself could read (the rescue may find more with .recover).
    readable_in_place: int = 0
    unreadable: str = ""
    #: Rows read but left out: they pointed to rows that were lost, or broke a rule of the schema.
    dropped: int = 0


@dataclass
class RescueReport:
    """The outcome of :func:`rescue_project`."""

    source: Path
    target: Path
    method: str
    schema_version: int
    tables: list[TableRescue]
    notes: list[str]
    indexed_documents: int

    def to_dict(self) -> dict[str, Any]:
        """Plain data for ``--json`` (stable keys)."""
        data = asdict(self)
        data["source"], data["target"] = str(self.source), str(self.target)
        return data


def rescue_project(source: Path, target: Path) -> RescueReport:
    """Copy everything that can be read from the project ``source`` into a new project ``target``.

    ``source`` is never changed (the work is done on a copy); ``target`` must not exist and
    appears only when the rescue is complete and the new file passed SQLite's checks.
    """
    if not source.exists():
        raise ProjectError(f"no file at {source}; check the --project path")
    if target.exists() or Path(f"{target}-wal").exists():
        raise ProjectError(f"{target} already exists; give the rescue a new file name")
    if not target.parent.is_dir():
        raise ProjectError(f"the folder {target.parent} does not exist; create it first")
    header = sqlite.read_header(source)
    if header.size == 0 or not header.is_sqlite:
        raise ProjectError(
            f"{source} is not an SQLite database; there is nothing qualcode can rescue from it"
        )
    notes: list[str] = []
    version = header.user_version
    if not 1 <= version <= migrations.LATEST:
        notes.append(
            f"the file's schema version ({version}) is unreadable or unknown; assumed {migrations.LATEST}"
        )
        version = migrations.LATEST
    with tempfile.TemporaryDirectory(prefix="qualcode-rescue-") as scratch:
        copy = Path(scratch) / "damaged.db"
        shutil.copyfile(source, copy)
        if Path(f"{source}-wal").exists():
            shutil.copyfile(f"{source}-wal", f"{copy}-wal")  # committed changes not yet in the .db
        recovered, note = _recover_with_cli(copy, Path(scratch))
        notes.append(note)
        building = target.with_name(f".{target.name}.rescue-part")
        _remove_files(building)
        try:
            _create_empty(building, version)
            tables = _copy_rows(copy, recovered, building, notes)
            indexed = _reindex(building, version)
            _verify(building)
            building.replace(target)
        except BaseException:
            _remove_files(building)
            raise
    method = "sqlite3 .recover" if recovered is not None else "table by table from the damaged file"
    return RescueReport(source, target, method, version, tables, [n for n in notes if n], indexed)


def _recover_with_cli(copy: Path, scratch: Path) -> tuple[Path | None, str]:
    """Run ``sqlite3 COPY .recover | sqlite3 RECOVERED``; None when the tool is missing or fails."""
    exe = shutil.which("sqlite3")
    if exe is None:
        return None, "the sqlite3 command-line tool is not installed; rows were read table by table"
    out = scratch / "recovered.db"
    producer = subprocess.Popen([exe, str(copy), ".recover"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert producer.stdout is not None
    consumer = subprocess.Popen([exe, str(out)], stdin=producer.stdout, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)  # fmt: skip
    producer.stdout.close()  # the consumer owns the pipe now (the producer sees it close)
    consumer.wait()
    _, error = producer.communicate()
    if producer.returncode != 0 or not out.exists():
        reason = error.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no output"]
        return None, (
            f"sqlite3 .recover did not work here ({reason[0]}; the tool needs SQLite's page reader, "
            "which some builds leave out); rows were read table by table"
        )
    try:
        with contextlib.closing(sqlite3.connect(out)) as conn:
            if not data_tables(conn):
                return None, "sqlite3 .recover found no tables; rows were read table by table"
    except sqlite3.Error:
        return None, "sqlite3 .recover wrote an unreadable file; rows were read table by table"
    return out, ""


def _create_empty(path: Path, version: int) -> None:
    """A new, empty project at ``version``: the project's own schema code, no hand-written SQL."""
    from qualcode.store.project import init_project

    if version == migrations.LATEST:
        init_project(path).close()
        return
    engine = sqlite.create_sqlite_engine(path)
    try:
        with engine.connect().execution_options(qualcode_write=True) as conn, conn.begin():
            for step in range(1, version + 1):
                migrations.MIGRATIONS[step](conn)
            sqlite.write_versions(conn, version)
    finally:
        engine.dispose()


def _copy_rows(damaged: Path, recovered: Path | None, target: Path, notes: list[str]) -> list[TableRescue]:
    results: list[TableRescue] = []
    with contextlib.ExitStack() as stack:
        src = stack.enter_context(contextlib.closing(sqlite.connect_read_only(damaged)))
        best = stack.enter_context(contextlib.closing(sqlite3.connect(recovered))) if recovered else src
        dst = stack.enter_context(contextlib.closing(sqlite3.connect(target, isolation_level=None)))
        dst.execute("PRAGMA foreign_keys = OFF")  # rows arrive table by table; references are checked after
        dst.execute("BEGIN IMMEDIATE")
        try:
            for table in data_tables(dst):
                results.append(_copy_table(src, best, dst, table, notes))
            _copy_sequences(best, dst)
            dropped = _drop_dangling(dst)
            for result in results:
                result.dropped += dropped.get(result.table, 0)
                result.rescued -= dropped.get(result.table, 0)
            dst.execute("COMMIT")
        except BaseException:
            dst.execute("ROLLBACK")
            raise
    return results


def _copy_table(
    src: sqlite3.Connection, best: sqlite3.Connection, dst: sqlite3.Connection, table: str, notes: list[str]
) -> TableRescue:
    result = TableRescue(table)
    wanted = [str(row[1]) for row in dst.execute(f'PRAGMA table_info("{table}")')]
    try:
        present = {str(row[1]) for row in best.execute(f'PRAGMA table_info("{table}")')}
    except sqlite3.DatabaseError:
        present = set()
    columns = [c for c in wanted if c in present]
    if not columns:
        result.unreadable = "all rows"
        notes.append(f"table {table} could not be found in the damaged file")
        return result
    in_place = scan_table(src, table, columns) if best is not src else None
    marks = ", ".join("?" for _ in columns)
    insert = f'INSERT INTO "{table}" ({", ".join(quote_name(c) for c in columns)}) VALUES ({marks})'

    def sink(rows: list[tuple[Any, ...]]) -> None:
        for start in range(0, len(rows), _INSERT_BATCH):
            batch = rows[start : start + _INSERT_BATCH]
            try:
                dst.execute("SAVEPOINT batch")
                dst.executemany(insert, batch)
                dst.execute("RELEASE batch")
                result.rescued += len(batch)
            except sqlite3.IntegrityError:
                dst.execute("ROLLBACK TO batch")
                dst.execute("RELEASE batch")
                for row in batch:  # one by one, to keep every row that obeys the schema
                    try:
                        dst.execute(insert, row)
                        result.rescued += 1
                    except sqlite3.IntegrityError:
                        result.dropped += 1

    state = scan_table(best, table, columns, sink)
    reference = in_place or state
    result.readable_in_place = reference.readable
    result.unreadable = reference.unreadable_text if reference.unreadable else ""
    return result


def _copy_sequences(src: sqlite3.Connection, dst: sqlite3.Connection) -> None:
    """Carry the AUTOINCREMENT counters over, so ids of deleted rows are not handed out again."""
    try:
        rows = src.execute("SELECT name, seq FROM sqlite_sequence").fetchall()
        dst.execute("SELECT 1 FROM sqlite_sequence LIMIT 1")
    except sqlite3.DatabaseError:
        return
    for name, seq in rows:
        updated = dst.execute("UPDATE sqlite_sequence SET seq = max(seq, ?) WHERE name = ?", (seq, name))
        if updated.rowcount == 0:
            dst.execute("INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)", (name, seq))


def _drop_dangling(dst: sqlite3.Connection) -> dict[str, int]:
    """Delete rows whose references point to lost rows, until every foreign key holds."""
    dropped: dict[str, int] = {}
    for _ in range(100):  # each round can orphan the children of what it removed
        broken = dst.execute("PRAGMA foreign_key_check").fetchall()
        if not broken:
            return dropped
        for table, rowid, _parent, _fk in broken:
            if rowid is None:
                continue
            gone = dst.execute(f'DELETE FROM "{table}" WHERE rowid = ?', (rowid,)).rowcount
            dropped[table] = dropped.get(table, 0) + gone
    raise ProjectError("the rescued rows keep pointing to missing rows; nothing was written")


def _reindex(path: Path, version: int) -> int:
    """Rebuild the derived search index and vocabulary from the rescued documents."""
    if version < 2:
        return 0  # migration 2 builds the index when the rescued project is first opened
    # The indexer is the domain's: the same one exception migration 2 makes for derived data.
    from qualcode.search_index import index_all_documents

    engine = sqlite.create_sqlite_engine(path)
    try:
        with engine.connect().execution_options(qualcode_write=True) as conn, conn.begin():
            return index_all_documents(conn)
    finally:
        engine.dispose()


def _verify(path: Path) -> None:
    with contextlib.closing(sqlite3.connect(path)) as conn:
        problems = sqlite.integrity_check(conn, limit=5)
        broken = conn.execute("PRAGMA foreign_key_check").fetchall()
        conn.execute("PRAGMA journal_mode = WAL")
    if problems or broken:
        raise ProjectError(
            f"the rescued file failed SQLite's checks ({(problems or ['foreign keys'])[0]}); "
            "nothing was written"
        )


def _remove_files(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        with contextlib.suppress(FileNotFoundError):
            Path(f"{path}{suffix}").unlink()


def iter_report_lines(report: RescueReport) -> Iterator[str]:
    """The rescue report as lines of text for the command line."""
    yield f"Rescued {report.source} into {report.target} ({report.method}; schema {report.schema_version})"
    for t in report.tables:
        line = f"  {t.table}: {t.rescued:,} rows rescued"
        if t.readable_in_place != t.rescued:
            line += f" ({t.readable_in_place:,} readable in place)"
        if t.unreadable:
            line += f"; unreadable in the damaged file: {t.unreadable}"
        if t.dropped:
            line += f"; {t.dropped:,} dropped (they pointed to lost rows or broke a rule)"
        yield line
    yield f"  search index rebuilt for {report.indexed_documents:,} document(s)"
    for note in report.notes:
        yield f"Note: {note}"
