"""Writing rows while remembering each operation, so that the change log can undo it exactly.

Every user-level change runs through one :class:`ChangeRecorder` inside one write transaction.
The recorder writes the rows and keeps the exact row-level operations; the event it appends to
the log carries them, so the log is both the audit trail and the undo history
(:mod:`qualcode.history` reads it back). A row that changes without the recorder is invisible
to undo: that is why the schema forbids cascades and :mod:`qualcode.store.codings` is the one
write path for codings, memos and suggestions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, DateTime, Table, delete, insert, select, update

from qualcode.store import models
from qualcode.store.events import record_event
from qualcode.store.rows import insert_id

#: The tables whose rows the change log records (and undo can restore), by name.
RECORDED_TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        models.CODES,
        models.CODINGS,
        models.MEMOS,
        models.CODERS,
        models.PROJECT_META,
        models.SUGGESTIONS,
        models.DOCUMENTS,
        models.UNITS,
        models.CASES,
        models.ATTRIBUTES,
        models.CASE_ATTRIBUTES,
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
            {"op": "insert", "table": table.name, "id": row_id, "row": read_row(self.conn, table, row_id)}
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
            plain = plain_row(row)
            self.ops.append({"op": "insert", "table": table.name, "id": plain["id"], "row": plain})
            ids.append(int(plain["id"]))
        return ids

    def delete(self, table: Table, row_id: int) -> None:
        """Delete a row (its full content is kept in the event for undo)."""
        row = read_row(self.conn, table, row_id)
        self.conn.execute(delete(table).where(table.c.id == row_id))
        self.ops.append({"op": "delete", "table": table.name, "id": row_id, "row": row})

    def delete_many(self, table: Table, row_ids: list[int]) -> None:
        """Delete rows by id, a few hundred per statement (their content is kept for undo)."""
        for first in range(0, len(row_ids), _CHUNK):
            chunk = row_ids[first : first + _CHUNK]
            rows = self.conn.execute(select(table).where(table.c.id.in_(chunk))).mappings()
            for row in rows:
                plain = plain_row(row)
                self.ops.append({"op": "delete", "table": table.name, "id": plain["id"], "row": plain})
            self.conn.execute(delete(table).where(table.c.id.in_(chunk)))

    def update(self, table: Table, row_id: int, **values: Any) -> None:
        """Change columns of a row."""
        before = read_row(self.conn, table, row_id)
        self.conn.execute(update(table).where(table.c.id == row_id).values(**values))
        after = read_row(self.conn, table, row_id)
        if before != after:
            self.ops.append(
                {"op": "update", "table": table.name, "id": row_id, "before": before, "after": after}
            )

    def log(self, coder: str, action: str, target: str, summary: dict[str, Any]) -> None:
        """Append the event that describes (and can undo) everything recorded."""
        record_event(self.conn, coder, action, target, {"summary": summary, "ops": self.ops})


def exists(conn: Connection, table: Table, row_id: int) -> bool:
    """Whether ``table`` has a row with this id."""
    return conn.execute(select(table.c.id).where(table.c.id == row_id)).first() is not None


def read_row(conn: Connection, table: Table, row_id: int) -> dict[str, Any]:
    """A row as JSON-ready plain data (datetimes as ISO strings)."""
    return plain_row(conn.execute(select(table).where(table.c.id == row_id)).mappings().one())


def plain_row(row: Any) -> dict[str, Any]:
    """A row mapping as JSON-ready plain data."""
    return {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in row.items()}


def typed_row(table: Table, row: dict[str, Any]) -> dict[str, Any]:
    """Plain data back to column values (ISO strings to datetimes)."""
    return {
        k: datetime.fromisoformat(v) if isinstance(v, str) and _is_datetime(table, k) else v
        for k, v in row.items()
    }


def _is_datetime(table: Table, column: str) -> bool:
    # SQLModel wraps DateTime in a TypeDecorator (UTCDateTime): look through it.
    type_ = table.c[column].type
    return isinstance(type_, DateTime) or isinstance(getattr(type_, "impl", None), DateTime)
