"""``qualcode doctor``: what is wrong with a project file, and reading what can still be read.

Like :mod:`qualcode.store.sqlite`, this module is SQLite-only (page checks, the WAL, rowids);
a PostgreSQL backend would bring its own. Nothing here writes to the file it examines: the
diagnosis reads through a connection that cannot write (see
:func:`~qualcode.store.sqlite.inspection_connection`). Rescuing a damaged file into a new one
is :mod:`qualcode.store.rescue`, which reads with :func:`scan_table`.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qualcode.errors import ProjectError
from qualcode.store import backups, fulltext, migrations, sqlite

#: Integrity-check lines shown in plain words (the rest are counted).
SHOWN_PROBLEMS = 5
#: Rows per read while scanning (a failing range is halved from here down to single rows).
_CHUNK = 2_000


@dataclass
class TableState:
    """One table of a damaged (or sound) file: how many rows can be read, and which cannot."""

    table: str
    readable: int = 0
    #: Rowid ranges (first, last) that could not be read; ``[(0, 0)]`` when none of it could.
    unreadable: list[tuple[int, int]] = field(default_factory=list)

    @property
    def unreadable_text(self) -> str:
        """The unreadable rows as a person reads them: ``rows with ids 3, 7–12``."""
        if self.unreadable == [(0, 0)]:
            return f"the rows after the first {self.readable:,}" if self.readable else "all rows"
        if self.unreadable == [(self.unreadable[0][0],) * 2]:
            return f"the row with id {self.unreadable[0][0]}"
        return "rows with ids " + ", ".join(str(a) if a == b else f"{a}–{b}" for a, b in self.unreadable)


@dataclass
class Diagnosis:
    """What ``qualcode doctor`` found out about a project file."""

    path: Path
    size: int
    ok: bool
    #: One line: sound / damaged / not a project…
    verdict: str
    #: The integrity check's findings in plain words (at most SHOWN_PROBLEMS lines).
    findings: list[str]
    problem_count: int
    schema_version: int | None
    latest_version: int
    journal: str
    tables: list[TableState]
    backups: list[backups.Backup]
    advice: list[str]

    def to_dict(self) -> dict[str, Any]:
        """Plain data for ``--json`` (stable keys)."""
        return {
            "path": str(self.path),
            "bytes": self.size,
            "ok": self.ok,
            "verdict": self.verdict,
            "findings": self.findings,
            "problem_count": self.problem_count,
            "schema_version": self.schema_version,
            "latest_schema_version": self.latest_version,
            "journal": self.journal,
            "tables": [
                {
                    "table": t.table,
                    "readable_rows": t.readable,
                    "unreadable_ids": [list(r) for r in t.unreadable],
                }
                for t in self.tables
            ],
            "backups": [b.to_dict() for b in self.backups],
            "advice": self.advice,
        }


# --- diagnosis ---------------------------------------------------------------------------


def diagnose(path: Path) -> Diagnosis:
    """Examine the project file at ``path`` without changing it."""
    if not path.exists():
        raise ProjectError(f"no file at {path}; check the --project path")
    header = sqlite.read_header(path)
    found = backups.list_backups(path)
    journal = _journal_text(header)
    base: dict[str, Any] = {
        "path": path,
        "size": header.size,
        "latest_version": migrations.LATEST,
        "journal": journal,
        "backups": found,
    }
    if header.size == 0 or not header.is_sqlite:
        verdict = "an empty file (0 bytes)" if header.size == 0 else "not an SQLite database"
        return Diagnosis(
            ok=False, verdict=f"not a qualcode project: {verdict}", findings=[], problem_count=0,
            schema_version=None, tables=[], advice=["Check the --project path."], **base,
        )  # fmt: skip
    findings: list[str] = []
    if header.truncated:
        expected = header.expected_size
        findings.append(
            f"the file is cut short: it holds {header.size:,} of its {expected:,} bytes"
            if expected
            else "the file is cut short: it ends in the middle of a page"
        )
    try:
        with sqlite.inspection_connection(header, can_create_files=sqlite.folder_writable(path)) as conn:
            app_id, version = sqlite.raw_versions(conn)
            ours = app_id == sqlite.APPLICATION_ID
            raw_problems = _integrity_problems(conn)
            owners = _page_owners(conn) if raw_problems else {}
            tables = [scan_table(conn, name) for name in data_tables(conn)] if ours else []
    except sqlite3.Error as exc:
        findings.append(f"SQLite cannot read the file at all ({exc})")
        return Diagnosis(
            ok=False, verdict="damaged: unreadable", findings=findings, problem_count=len(findings),
            schema_version=None, tables=[], advice=_advice(path, found, damaged=True), **base,
        )  # fmt: skip
    problems = raw_problems
    findings.extend(_grouped([explain(line, owners) for line in problems]))
    for table in tables:
        if table.unreadable:
            findings.append(f"table {table.table}: {table.unreadable_text} cannot be read")
    damaged = bool(problems) or header.truncated or any(t.unreadable for t in tables)
    if not ours:
        verdict = "not a qualcode project: another program's SQLite database"
    elif damaged:
        verdict = f"damaged: SQLite's integrity check found {len(problems)} problem(s)"
    elif version > migrations.LATEST:
        verdict = f"sound, but written by a newer qualcode (schema {version})"
    else:
        verdict = "sound: SQLite's integrity check found no problems"
    return Diagnosis(
        ok=ours and not damaged and version <= migrations.LATEST,
        verdict=verdict,
        findings=findings,
        problem_count=len(problems),
        schema_version=version if ours else None,
        tables=tables if ours else [],
        advice=_advice(path, found, damaged=damaged) if ours else ["Check the --project path."],
        **base,
    )


def _grouped(explained: list[str]) -> list[str]:
    """The first SHOWN_PROBLEMS different findings, each with how often it came up."""
    counts: dict[str, int] = {}
    for text in explained:
        counts[text] = counts.get(text, 0) + 1
    lines = [text + (f" ({n} times)" if n > 1 else "") for text, n in counts.items()]
    if len(lines) > SHOWN_PROBLEMS:
        rest = sum(list(counts.values())[SHOWN_PROBLEMS:])
        lines = [*lines[:SHOWN_PROBLEMS], f"… and {rest} more"]
    return lines


def _integrity_problems(conn: sqlite3.Connection) -> list[str]:
    try:
        return sqlite.integrity_check(conn, limit=100)
    except sqlite3.DatabaseError as exc:
        return [str(exc)]


def _journal_text(header: sqlite.FileHeader) -> str:
    if not header.is_sqlite or header.size < 100:
        return "unknown"
    if not header.wal_mode:
        return "rollback journal (a restored backup copy, or another program's file)"
    wal = f"{header.path.name}-wal"
    if not header.wal_pending:
        return f"WAL; no changes waiting in {wal}"
    frames = (header.wal_bytes - 32) // (header.page_size + 24) if header.page_size else 0
    return (
        f"WAL; {wal} holds {frames:,} page(s) not yet copied into the project file: a program has it "
        "open, or one stopped without closing it. Keep the -wal file with the project (a copy of the "
        ".db alone lacks those changes)"
    )


def _advice(path: Path, found: Sequence[backups.Backup], *, damaged: bool) -> list[str]:
    if not damaged:
        return []
    advice = [f"Rescue what can be read into a new file: qualcode doctor -p {path} --rescue RESCUED.db"]
    if found:
        advice.append(
            f"Or go back to the newest backup copy: {found[0].path} "
            f"(taken {found[0].taken_at:%Y-%m-%d %H:%M})"
        )
    advice.append("Keep the damaged file until you are sure nothing more is needed from it.")
    return advice


def data_tables(conn: sqlite3.Connection) -> list[str]:
    """The tables that hold the study (not SQLite's own, not the derived search index)."""
    rows = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table' ORDER BY name").fetchall()
    virtual = [str(name) for name, sql in rows if str(sql or "").upper().startswith("CREATE VIRTUAL")]
    names = []
    for name, _sql in rows:
        name = str(name)
        derived = name == fulltext.VOCAB_TABLE or any(name == v or name.startswith(f"{v}_") for v in virtual)
        if not name.startswith("sqlite_") and not derived:
            names.append(name)
    return names


def _page_owners(conn: sqlite3.Connection) -> dict[int, str]:
    """Page number -> table or index name, as far as SQLite's dbstat can tell (best effort)."""
    owners: dict[int, str] = {}
    try:
        for name, rootpage in conn.execute("SELECT name, rootpage FROM sqlite_master WHERE rootpage > 0"):
            owners[int(rootpage)] = str(name)
        for name, page in conn.execute("SELECT name, pageno FROM dbstat"):
            owners[int(page)] = str(name)
    except sqlite3.Error:
        pass  # dbstat stops at damage (or is not compiled in): the root pages still tell a lot
    return owners


_EXPLANATIONS: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(r"Offset \d+ out of range"),
        "a row's position points outside the page (the page was overwritten)",
    ),
    (re.compile(r"invalid page number (\d+)"), "a link points to page {0}, which does not exist"),
    (re.compile(r"Rowid \d+ out of order"), "rows are out of order"),
    (re.compile(r"2nd reference to page (\d+)"), "page {0} is used twice"),
    (re.compile(r"[Pp]age (\d+).*never used"), "page {0} is used by nothing (lost space, harmless)"),
    (re.compile(r"row (\d+) missing from index (\S+)"), "index {1} lacks row {0} of its table"),
    (re.compile(r"wrong # of entries in index (\S+)"), "index {0} has the wrong number of entries"),
    (re.compile(r"NULL value in (\w+)\.(\w+)"), "a row of {0} has no {1}, which it must have"),
    (re.compile(r"CHECK constraint failed in (\w+)"), "a row of {0} breaks one of the table's rules"),
    (re.compile(r"non-unique entry in index (\S+)"), "index {0} holds a duplicate that must be unique"),
    (re.compile(r"btreeInitPage\(\) returns error code"), "the page is not a valid table page"),
    (re.compile(r"malformed|not a database"), "SQLite cannot read the file's structure"),
)


def explain(line: str, owners: dict[int, str] | None = None) -> str:
    """One integrity-check line in plain words, with the table it concerns where known."""
    owners = owners or {}
    where = ""
    page = re.search(r"(?:On tree page|Tree|On page|Page) (\d+)", line)
    if page:
        number = int(page.group(1))
        owner = owners.get(number)
        where = f"page {number}" + (f" ({_owner_text(owner)})" if owner else "") + ": "
    for pattern, text in _EXPLANATIONS:
        match = pattern.search(line)
        if match:
            return where + text.format(*match.groups())
    return where + line.split(": ", 1)[-1] if where else line


def _owner_text(owner: str) -> str:
    if owner.startswith(("ix_", "ux_", "sqlite_autoindex_")):
        return f"index {owner}"
    return f"table {owner}"


# --- reading what can be read ---------------------------------------------------------------


def scan_table(
    conn: sqlite3.Connection,
    table: str,
    columns: Sequence[str] | None = None,
    sink: Callable[[list[tuple[Any, ...]]], None] | None = None,
) -> TableState:
    """Read every readable row of ``table`` (to ``sink``), pinning down the unreadable rowids.

    Rows are read by rowid ranges; a range that fails is halved until single rows, so a
    damaged page costs only its own rows. ``columns`` defaults to all of them.
    """
    state = TableState(table)
    quoted = f'"{table}"'
    try:
        names = columns or [str(row[1]) for row in conn.execute(f"PRAGMA table_info({quoted})")]
        top = conn.execute(f"SELECT max(rowid) FROM {quoted}").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        if sqlite.error_kind(exc) not in ("damaged", "not-a-database"):
            return _scan_whole(conn, table, columns, sink, state)  # no rowid (WITHOUT ROWID)
        try:  # the last page is unreadable: no id can be larger than the file has bytes
            top = (
                conn.execute("PRAGMA page_count").fetchone()[0]
                * conn.execute("PRAGMA page_size").fetchone()[0]
            )
            names = columns or []
        except sqlite3.DatabaseError:
            return _scan_whole(conn, table, columns, sink, state)
    if not names:
        state.unreadable = [(0, 0)]
        return state
    wanted = ", ".join(quote_name(c) for c in names)
    select = f"SELECT {wanted} FROM {quoted} WHERE rowid BETWEEN ? AND ? ORDER BY rowid"
    bad: list[int] = []

    def read(first: int, last: int) -> None:
        try:
            rows = conn.execute(select, (first, last)).fetchall()
        except sqlite3.DatabaseError as exc:
            if sqlite.error_kind(exc) not in ("damaged", "not-a-database"):
                raise
            if first == last:
                bad.append(first)
                return
            middle = (first + last) // 2
            read(first, middle)
            read(middle + 1, last)
            return
        state.readable += len(rows)
        if sink is not None and rows:
            sink(rows)

    for first in range(1, int(top or 0) + 1, _CHUNK):
        read(first, min(first + _CHUNK - 1, int(top)))
    state.unreadable = _ranges(bad)
    return state


def _scan_whole(
    conn: sqlite3.Connection,
    table: str,
    columns: Sequence[str] | None,
    sink: Callable[[list[tuple[Any, ...]]], None] | None,
    state: TableState,
) -> TableState:
    """Without rowid ranges (WITHOUT ROWID tables, an unreadable last page): read in one go."""
    try:
        names = columns or [str(row[1]) for row in conn.execute(f'PRAGMA table_info("{table}")')]
        cursor = conn.execute(f'SELECT {", ".join(quote_name(c) for c in names)} FROM "{table}"')
        while batch := cursor.fetchmany(_CHUNK):
            state.readable += len(batch)
            if sink is not None:
                sink(batch)
    except sqlite3.DatabaseError:
        state.unreadable = [(0, 0)]  # no ids to name: reading stopped at the damage
    return state


def _ranges(numbers: list[int]) -> list[tuple[int, int]]:
    ranges: list[tuple[int, int]] = []
    for n in sorted(numbers):
        if ranges and ranges[-1][1] == n - 1:
            ranges[-1] = (ranges[-1][0], n)
        else:
            ranges.append((n, n))
    return ranges


def quote_name(name: str) -> str:
    """``name`` as an SQL identifier."""
    return '"' + name.replace('"', '""') + '"'
