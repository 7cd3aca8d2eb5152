"""The plain records the coding screen works with, and the reads it does itself."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Literal

from sqlalchemy import Connection, select

from qualcode.codebook import read_codebook
from qualcode.coding import Selector
from qualcode.documents import find_document
from qualcode.store.models import SUGGESTIONS
from qualcode.text.fold import fold


@dataclass(frozen=True)
class Unit:
    """A unit of the open document."""

    ordinal: int
    start: int
    end: int
    speaker: str | None
    t_start: int | None


@dataclass(frozen=True)
class Selection:
    """What the next code applies to: the current unit, a sentence of it, or a stretch of text."""

    start: int
    end: int
    label: str
    selector: Selector


@dataclass(frozen=True)
class Pending:
    """A pending suggestion as the panel shows it."""

    id: int
    code: str
    start: int
    end: int
    method: str
    score: float
    #: The reason as stored (a JSON list): parsed only for the suggestion on screen, since the
    #: panel reloads every pending suggestion of the document after each change.
    reason_json: str

    @property
    def reason(self) -> list[str]:
        """The words that made the suggestion."""
        words: list[str] = json.loads(self.reason_json)
        return words


@dataclass(frozen=True)
class Item:
    """A line of the side panel: a coding or a pending suggestion overlapping the current unit."""

    kind: Literal["coding", "suggestion"]
    id: int
    code: str
    start: int
    end: int


def pending_suggestions(conn: Connection, document: str) -> list[Pending]:
    """The document's pending suggestions in review order.

    A leaner read than :func:`qualcode.suggest.review.list_suggestions`: the panel needs
    neither the suggested text nor the reviewer columns, and it reads them on every move.
    """
    doc_id, _ = find_document(conn, document)
    labels = {row.id: row.label for row in read_codebook(conn).rows.values()}
    rows = conn.execute(
        select(
            SUGGESTIONS.c.id,
            SUGGESTIONS.c.code_id,
            SUGGESTIONS.c.start,
            SUGGESTIONS.c.end,
            SUGGESTIONS.c.method,
            SUGGESTIONS.c.score,
            SUGGESTIONS.c.reason,
        )
        .where(SUGGESTIONS.c.document_id == doc_id, SUGGESTIONS.c.status == "pending")
        .order_by(SUGGESTIONS.c.priority, SUGGESTIONS.c.id)
    ).all()
    return [Pending(r.id, labels[r.code_id], r.start, r.end, r.method, r.score, r.reason) for r in rows]


def short(label: str) -> str:
    """A code's own name, without its parents (the panel and the messages are narrow)."""
    return label.rsplit(" > ", 1)[-1]


def find_folded(folded: str, typed: str, after: int) -> tuple[int, int] | None:
    """Where the folded ``typed`` (spaces collapsed) occurs in ``folded`` from ``after``."""
    key = " ".join(fold(typed).split())
    if not key:
        return None
    at = folded.find(key, after)
    return None if at < 0 else (at, at + len(key))
