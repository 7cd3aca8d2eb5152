"""Appending to the project's event log."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Connection, insert

from qualcode.store.models import EVENTS, utcnow


def record_event(
    conn: Connection, coder: str, action: str, target: str, data: dict[str, Any] | None = None
) -> None:
    """Append one event (inside the caller's write transaction, so it commits with the change)."""
    conn.execute(
        insert(EVENTS),
        {
            "at": utcnow(),
            "coder": coder,
            "action": action,
            "target": target,
            "data": json.dumps(data or {}, ensure_ascii=False, sort_keys=True),
        },
    )
