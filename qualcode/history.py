"""Recording changes row by row, and undoing / redoing them from the event log.

Every user-level change (a coding applied, a code merged, a memo added…) runs through a
:class:`ChangeRecorder` inside one write transaction. The recorder writes the rows and keeps
the exact row-level operations; the event it appends to the log carries them, so the log is
both the audit trail and the undo history.

Undo applies the inverse operations in reverse order, redo the operations again; both check
first that the rows are still as the change left them (another coder may have changed them
since) and refuse with a clear message otherwise, so undo never overwrites someone's work.
Undo and redo are per coder: each coder undoes their own last changes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, DateTime, Table, delete, func, insert, select, update

from qualcode.errors import Conflict, QualcodeError
from qualcode.store import models
from qualcode.store.events import record_event
from qualcode.store.project import Project
from qualcode.store.rows import insert_id

_TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        models.CODES,
        models.CODINGS,
        models.MEMOS,
        models.CODERS,
        models.PROJECT_META,
        models.SUGGESTIONS,
    )
}


#: Rows per statement of :meth:`ChangeRecorder.delete_many` (SQLite's bound-parameter limit is far above).
_CHUNK = 500


@dataclass
class ChangeRecorder:
    """Writes rows and remembers each operation, to be logged as one undoable event."""

    conn: Connection
    ops: list[dict[str, Any]] = field(default_factory=list)

    def insert(self, table: Table, **values: Any) -> int:
        """Insert a row; return its id."""
        row_id = insert_id(self.conn, table, **values)
        self.ops.append(
            {"op": "insert", "table": table.name, "id": row_id, "row": _row(self.conn, table, row_id)}
        )
        return row_id

    def insert_many(self, table: Table, rows: list[dict[str, Any]]) -> list[int]:
        """Insert rows in one statement (same columns in each); return their ids in order.

        The stored rows come back by ``RETURNING``, so thousands of rows (a round of suggestions,
        a coding sheet) cost one statement instead of an insert and a read-back each.
        """
        if not rows:
            return []
        stored = self.conn.execute(
            insert(table).returning(*table.c, sort_by_parameter_order=True), rows
        ).mappings()
        ids = []
        for row in stored:
            plain = _plain(row)
            self.ops.append({"op": "insert", "table": table.name, "id": plain["id"], "row": plain})
            ids.append(int(plain["id"]))
        return ids

    def delete(self, table: Table, row_id: int) -> None:
        """Delete a row (its full content is kept in the event for undo)."""
        row = _row(self.conn, table, row_id)
        self.conn.execute(delete(table).where(table.c.id == row_id))
        self.ops.append({"op": "delete", "table": table.name, "id": row_id, "row": row})

    def delete_many(self, table: Table, row_ids: list[int]) -> None:
        """Delete rows by id, a few hundred per statement (their content is kept for undo)."""
        for first in range(0, len(row_ids), _CHUNK):
            chunk = row_ids[first : first + _CHUNK]
            rows = self.conn.execute(select(table).where(table.c.id.in_(chunk))).mappings()
            for row in rows:
                plain = _plain(row)
                self.ops.append({"op": "delete", "table": table.name, "id": plain["id"], "row": plain})
            self.conn.execute(delete(table).where(table.c.id.in_(chunk)))

    def update(self, table: Table, row_id: int, **values: Any) -> None:
        """Change columns of a row."""
        before = _row(self.conn, table, row_id)
        self.conn.execute(update(table).where(table.c.id == row_id).values(**values))
        after = _row(self.conn, table, row_id)
        if before != after:
            self.ops.append(
                {"op": "update", "table": table.name, "id": row_id, "before": before, "after": after}
            )

    def log(self, coder: str, action: str, target: str, summary: dict[str, Any]) -> None:
        """Append the event that describes (and can undo) everything recorded."""
        record_event(self.conn, coder, action, target, {"summary": summary, "ops": self.ops})


@dataclass
class HistoryEntry:
    """One event of the log, as `codebook history` and `undo` report it."""

    id: int
    at: str
    coder: str
    action: str
    target: str
    summary: dict[str, Any]

    def describe(self) -> str:
        """A one-line description for people."""
        details = ", ".join(f"{k}={v}" for k, v in self.summary.items() if not isinstance(v, (list, dict)))
        return f"{self.action} {self.target}" + (f" ({details})" if details else "")


def history(project: Project, *, prefix: str | None = None, limit: int | None = None) -> list[HistoryEntry]:
    """Events, newest last; only actions starting with ``prefix`` when given."""
    ev = models.EVENTS
    query = select(ev.c.id, ev.c.at, ev.c.coder, ev.c.action, ev.c.target, ev.c.data).order_by(ev.c.id.desc())
    if prefix:
        query = query.where(ev.c.action.startswith(prefix))
    if limit:
        query = query.limit(limit)
    with project.read() as conn:
        rows = conn.execute(query).all()
    return [_entry(r) for r in reversed(rows)]


def undo(project: Project, coder: str, steps: int = 1) -> list[HistoryEntry]:
    """Revert the coder's last ``steps`` changes (newest first); return what was undone."""
    return _travel(project, coder, steps, backwards=True)


def redo(project: Project, coder: str, steps: int = 1) -> list[HistoryEntry]:
    """Re-apply the coder's last ``steps`` undone changes; return what was redone."""
    return _travel(project, coder, steps, backwards=False)


def _travel(project: Project, coder: str, steps: int, *, backwards: bool) -> list[HistoryEntry]:
    if steps < 1:
        raise QualcodeError("the number of steps must be 1 or more")
    done: list[HistoryEntry] = []
    with project.write() as conn:
        applied, undone = _stacks(conn, coder)
        stack = applied if backwards else undone
        if not stack:
            what = "undo" if backwards else "redo"
            raise QualcodeError(f"nothing to {what} for coder {coder!r}")
        for _ in range(min(steps, len(stack))):
            event_id = stack.pop()
            entry, ops = _load(conn, event_id)
            if backwards:
                for op in reversed(ops):
                    _apply(conn, _inverse(op), entry)
            else:
                for op in ops:
                    _apply(conn, op, entry)
            record_event(conn, coder, "undo" if backwards else "redo", f"event:{event_id}", {"of": event_id})
            done.append(entry)
    return done


def _stacks(conn: Connection, coder: str) -> tuple[list[int], list[int]]:
    """The coder's applied changes and undone changes, rebuilt from the log."""
    ev = models.EVENTS
    applied: list[int] = []
    undone: list[int] = []
    # SQLite reads the two facts out of the JSON: parsing every event's operations in Python
    # (a round of suggestions holds thousands) made each undo slower as the log grew.
    rows = conn.execute(
        select(
            ev.c.id,
            ev.c.action,
            func.json_extract(ev.c.data, "$.of"),
            func.json_type(ev.c.data, "$.ops").is_not(None),
        )
        .where(ev.c.coder == coder)
        .order_by(ev.c.id)
    ).all()
    for event_id, action, of, has_ops in rows:
        if action == "undo":
            applied.remove(of)
            undone.append(of)
        elif action == "redo":
            undone.remove(of)
            applied.append(of)
        elif has_ops:
            applied.append(event_id)
            undone.clear()  # a new change forgets what could be redone, as editors do
    return applied, undone


def _load(conn: Connection, event_id: int) -> tuple[HistoryEntry, list[dict[str, Any]]]:
    ev = models.EVENTS
    row = conn.execute(
        select(ev.c.id, ev.c.at, ev.c.coder, ev.c.action, ev.c.target, ev.c.data).where(ev.c.id == event_id)
    ).one()
    return _entry(row), json.loads(row.data)["ops"]


def _entry(row: Any) -> HistoryEntry:
    data = json.loads(row.data)
    summary = data.get("summary", {k: v for k, v in data.items() if k != "ops"})
    at = row.at.isoformat(timespec="seconds") if isinstance(row.at, datetime) else str(row.at)
    return HistoryEntry(row.id, at, row.coder, row.action, row.target, summary)


def _inverse(op: dict[str, Any]) -> dict[str, Any]:
    if op["op"] == "insert":
        return {**op, "op": "delete"}
    if op["op"] == "delete":
        return {**op, "op": "insert"}
    return {**op, "before": op["after"], "after": op["before"]}


def _apply(conn: Connection, op: dict[str, Any], entry: HistoryEntry) -> None:
    table = _TABLES[op["table"]]
    current = _row(conn, table, op["id"]) if _exists(conn, table, op["id"]) else None
    expected = {"insert": None, "delete": op.get("row"), "update": op.get("before")}[op["op"]]
    if current != expected:
        raise Conflict(
            f"cannot undo/redo {entry.describe()} (event {entry.id}): {table.name} row {op['id']} has been "
            "changed since; nothing was changed"
        )
    if op["op"] == "insert":
        conn.execute(insert(table).values(**_typed(table, op["row"])))
    elif op["op"] == "delete":
        conn.execute(delete(table).where(table.c.id == op["id"]))
    else:
        conn.execute(update(table).where(table.c.id == op["id"]).values(**_typed(table, op["after"])))


def _exists(conn: Connection, table: Table, row_id: int) -> bool:
    return conn.execute(select(table.c.id).where(table.c.id == row_id)).first() is not None


def _row(conn: Connection, table: Table, row_id: int) -> dict[str, Any]:
    """A row as JSON-ready plain data (datetimes as ISO strings)."""
    return _plain(conn.execute(select(table).where(table.c.id == row_id)).mappings().one())


def _plain(row: Any) -> dict[str, Any]:
    return {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in row.items()}


def _typed(table: Table, row: dict[str, Any]) -> dict[str, Any]:
    """Plain data back to column values (ISO strings to datetimes)."""
    return {
        k: datetime.fromisoformat(v) if isinstance(v, str) and _is_datetime(table, k) else v
        for k, v in row.items()
    }


def _is_datetime(table: Table, column: str) -> bool:
    # SQLModel wraps DateTime in a TypeDecorator (UTCDateTime): look through it.
    type_ = table.c[column].type
    return isinstance(type_, DateTime) or isinstance(getattr(type_, "impl", None), DateTime)
