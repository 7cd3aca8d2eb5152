"""Small typed helpers for SQLAlchemy Core writes."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Table, insert


def insert_id(conn: Connection, table: Table, **values: Any) -> int:
    """Insert one row and return its new integer primary key."""
    key = conn.execute(insert(table).values(**values)).inserted_primary_key
    assert key is not None  # a single-row INSERT always reports its key
    return int(key[0])
