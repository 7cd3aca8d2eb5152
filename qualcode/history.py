"""The change log read back: history, and undo / redo of recorded changes.

Every user-level change (a coding applied, a code merged, a memo added…) is written through a
:class:`~qualcode.store.changes.ChangeRecorder`, whose event carries the exact row-level
operations; this module replays them.

Undo applies the inverse operations in reverse order, redo the operations again; both check
first that the rows are still as the change left them (another coder may have changed them
since) and refuse with a clear message otherwise, so undo never overwrites someone's work.
Undo and redo are per coder: each coder undoes their own last changes. A change that later
work depends on (a code another coder has since used) is refused in one line, never half-undone.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from qualcode.errors import Conflict, QualcodeError
from qualcode.store import models
from qualcode.store.changes import RECORDED_TABLES, exists, read_row, typed_row
from qualcode.store.events import record_event
from qualcode.store.project import Project


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
            ops = [_inverse(op) for op in reversed(ops)] if backwards else ops
            _replay(conn, ops, entry)
            record_event(conn, coder, "undo" if backwards else "redo", f"event:{event_id}", {"of": event_id})
            done.append(entry)
    return done


def _replay(conn: Connection, ops: list[dict[str, Any]], entry: HistoryEntry) -> None:
    """Apply ``ops`` in order, keeping the search index in step with the documents they touch."""
    from qualcode.search_index import index_document, unindex_document

    documents = [op for op in ops if op["table"] == "documents"]
    for op in documents:
        if op["op"] == "delete" and exists(conn, models.DOCUMENTS, op["id"]):
            unindex_document(conn, op["id"])  # while its paragraphs still exist
    try:
        for op in ops:
            _apply(conn, op, entry)
    except IntegrityError:
        # A row this change made is now used by someone else's later work (another coder coded
        # with the code it added, say): undoing it would break their rows.
        raise Conflict(
            f"cannot undo/redo {entry.describe()} (event {entry.id}): later changes, possibly by "
            "another coder, use what it made; nothing was changed"
        ) from None
    for op in documents:
        if op["op"] == "insert":
            index_document(conn, op["id"])


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
    table = RECORDED_TABLES[op["table"]]
    logged = op.get("row") or op.get("after") or {}
    if set(logged) - set(table.c.keys()):
        raise Conflict(
            f"cannot undo/redo {entry.describe()} (event {entry.id}): it was recorded before the project's "
            "schema was upgraded, and its rows no longer fit; nothing was changed"
        )
    current = read_row(conn, table, op["id"]) if exists(conn, table, op["id"]) else None
    expected = {"insert": None, "delete": op.get("row"), "update": op.get("before")}[op["op"]]
    if current is not None and expected is not None:
        # A column added by a later schema (codes.codable in 5) is not in rows logged before it:
        # compare what the change knew.
        current = {k: v for k, v in current.items() if k in expected}
    if current != expected:
        raise Conflict(
            f"cannot undo/redo {entry.describe()} (event {entry.id}): {table.name} row {op['id']} has been "
            "changed since; nothing was changed"
        )
    if op["op"] == "insert":
        conn.execute(insert(table).values(**typed_row(table, op["row"])))
    elif op["op"] == "delete":
        conn.execute(delete(table).where(table.c.id == op["id"]))
    else:
        conn.execute(update(table).where(table.c.id == op["id"]).values(**typed_row(table, op["after"])))
