"""Documents whose import is not finished: short transactions, the mark, and discarding them.

A large transcript is written in steps (:mod:`qualcode.ingest.writer`): its document row first,
marked unfinished by a row in ``unfinished_imports`` — every reader leaves such documents out —
then its units and index rows in transactions of about :data:`TRANSACTION_BUDGET_S`, with a
pause of :data:`PAUSE_S` after each so that a coder's write waiting for the lock gets it. The
last transaction removes the mark.

Each transaction of an import first renews the mark's heartbeat, checking the owner token it
wrote. An import killed half-way (power cut, ``kill -9``) leaves an unfinished document nobody
sees; :func:`discard_unfinished_imports`, run before each import, deletes one whose heartbeat is
older than :data:`STALE_AFTER`, after taking it over (a new owner token) in one transaction. So
two processes never discard, or write, the same document, and an import that wakes up after
being taken over (a laptop that slept) stops with a message instead of writing on.

The table came with schema 6 (:class:`qualcode.store.models.UnfinishedImport`); every reader
of documents filters with :func:`qualcode.store.models.finished`.
"""

from __future__ import annotations

import contextlib
import secrets
import time
from collections.abc import Callable, Iterator, Sequence
from datetime import timedelta
from functools import partial
from typing import Any

from sqlalchemy import (
    Connection,
    delete,
    insert,
    select,
    update,
)

from qualcode.errors import ImportFailed
from qualcode.store import fulltext
from qualcode.store.models import (
    CASE_ATTRIBUTES,
    CASES,
    DOCUMENTS,
    UNFINISHED_IMPORTS,
    UNITS,
    finished,
    utcnow,
)
from qualcode.store.project import Project

__all__ = [
    "PAUSE_S",
    "STALE_AFTER",
    "TRANSACTION_BUDGET_S",
    "UNFINISHED_IMPORTS",
    "LostOwnership",
    "batches",
    "discard_quietly",
    "discard_unfinished_imports",
    "find_present",
    "in_short_transactions",
    "mark",
    "paragraph_ids",
    "pause",
    "touch",
    "unmark",
]

#: A transaction of an import in steps ends after the batch that takes it past this long.
TRANSACTION_BUDGET_S = 0.25
#: The pause after each transaction of an import: longer than the longest sleep of SQLite's
#: busy handler (100 ms), so that a writer waiting for the lock tries again within it and gets
#: the lock, instead of finding it taken again every time it looks.
PAUSE_S = 0.1
#: An unfinished import whose heartbeat is older than this is taken for dead and discarded.
#: An import renews it at least every few seconds, even on a slow, busy machine.
STALE_AFTER = timedelta(minutes=10)
#: Rows per delete statement when discarding.
_DELETE_BATCH = 500


class LostOwnership(ImportFailed):
    """Another process took an unfinished import over (it looked dead) and is discarding it."""


def find_present(conn: Connection, digest: str) -> str | None:
    """The name of the finished document with these source bytes (sha256), if any."""
    query = select(DOCUMENTS.c.name).where(DOCUMENTS.c.sha256 == digest, finished(DOCUMENTS.c.id))
    name = conn.execute(query).scalar_one_or_none()
    return None if name is None else str(name)


def paragraph_ids(conn: Connection, doc_id: int) -> list[int]:
    """The ids of a document's paragraph units, in the order of their ordinals."""
    return list(
        conn.execute(
            select(UNITS.c.id)
            .where(UNITS.c.document_id == doc_id, UNITS.c.kind == "paragraph")
            .order_by(UNITS.c.ordinal)
        ).scalars()
    )


# --- the mark -------------------------------------------------------------------------------


def mark(
    conn: Connection, doc_id: int, *, coder: str, source: str, created_case_id: int | None = None
) -> str:
    """Mark a document unfinished (in the transaction that inserts it); return the owner token."""
    owner = secrets.token_hex(8)
    now = utcnow()
    conn.execute(
        insert(UNFINISHED_IMPORTS).values(
            document_id=doc_id,
            owner=owner,
            coder=coder,
            source=source,
            created_case_id=created_case_id,
            started_at=now,
            heartbeat_at=now,
        )
    )
    return owner


def touch(conn: Connection, doc_id: int, owner: str) -> None:
    """Renew the heartbeat, making sure the unfinished document is still ours."""
    renewed = conn.execute(
        update(UNFINISHED_IMPORTS)
        .where(UNFINISHED_IMPORTS.c.document_id == doc_id, UNFINISHED_IMPORTS.c.owner == owner)
        .values(heartbeat_at=utcnow())
    ).rowcount
    if not renewed:
        raise LostOwnership(
            f"this import was stopped for more than {STALE_AFTER.total_seconds() / 60:g} minutes and "
            "another qualcode discarded it as abandoned; import the file again"
        )


def unmark(conn: Connection, doc_id: int, owner: str) -> None:
    """Remove the mark: the document is finished, and readers see it from this commit on."""
    touch(conn, doc_id, owner)
    conn.execute(delete(UNFINISHED_IMPORTS).where(UNFINISHED_IMPORTS.c.document_id == doc_id))


# --- short transactions ---------------------------------------------------------------------


def pause() -> None:
    """Leave the lock free for a moment (tests replace this to look at the project in between)."""
    time.sleep(PAUSE_S)


Batch = Callable[[Connection], None]


def batches(
    action: Callable[[Connection, int, Sequence[Any]], None], doc_id: int, items: Sequence[Any], size: int
) -> Iterator[Batch]:
    """``action(conn, doc_id, part)`` for each ``size`` items, waiting for a connection."""
    for first in range(0, len(items), size):
        yield partial(_call, action, doc_id, items[first : first + size])


def _call(
    action: Callable[[Connection, int, Sequence[Any]], None],
    doc_id: int,
    part: Sequence[Any],
    conn: Connection,
) -> None:
    action(conn, doc_id, part)


def in_short_transactions(project: Project, doc_id: int, owner: str, work: Iterator[Batch]) -> None:
    """Run each batch of ``work`` in order, in transactions of about :data:`TRANSACTION_BUDGET_S`.

    Each transaction renews the document's heartbeat first; a pause follows each.
    """
    pending = next(work, None)
    while pending is not None:
        with project.write() as conn:
            touch(conn, doc_id, owner)
            began = time.perf_counter()
            while pending is not None:
                pending(conn)
                pending = next(work, None)
                if time.perf_counter() - began >= TRANSACTION_BUDGET_S:
                    break
        pause()


# --- discarding -----------------------------------------------------------------------------


def discard_quietly(project: Project, doc_id: int, owner: str) -> None:
    """Delete an unfinished document after a failure; if that fails too, a later import will."""
    with contextlib.suppress(Exception):  # the original error is the one to report
        discard(project, doc_id, owner)


def discard(project: Project, doc_id: int, owner: str) -> None:
    """Delete an unfinished document we own: index rows, units, then the row and its mark."""
    with project.read() as conn:
        paragraphs = paragraph_ids(conn, doc_id)
        units = list(conn.execute(select(UNITS.c.id).where(UNITS.c.document_id == doc_id)).scalars())
    # Index rows first: they are found through the units' ids.
    for action, ids in ((_delete_index_rows, paragraphs), (_delete_units, units)):
        in_short_transactions(project, doc_id, owner, batches(action, doc_id, ids, _DELETE_BATCH))
    with project.write() as conn:
        touch(conn, doc_id, owner)
        case_id = conn.execute(
            select(UNFINISHED_IMPORTS.c.created_case_id).where(UNFINISHED_IMPORTS.c.document_id == doc_id)
        ).scalar_one()
        conn.execute(delete(UNFINISHED_IMPORTS).where(UNFINISHED_IMPORTS.c.document_id == doc_id))
        conn.execute(delete(DOCUMENTS).where(DOCUMENTS.c.id == doc_id))
        if case_id is not None and not _case_in_use(conn, int(case_id)):
            conn.execute(delete(CASES).where(CASES.c.id == case_id))


def _delete_index_rows(conn: Connection, _doc_id: int, unit_ids: Sequence[int]) -> None:
    fulltext.delete_rows(conn, unit_ids)


def _delete_units(conn: Connection, doc_id: int, unit_ids: Sequence[int]) -> None:
    conn.execute(delete(UNITS).where(UNITS.c.document_id == doc_id, UNITS.c.id.in_(list(unit_ids))))


def _case_in_use(conn: Connection, case_id: int) -> bool:
    """Whether someone has since given the case a document or attribute values."""
    for table in (DOCUMENTS, CASE_ATTRIBUTES):
        if conn.execute(select(table.c.case_id).where(table.c.case_id == case_id).limit(1)).first():
            return True
    return False


def discard_unfinished_imports(project: Project, older_than: timedelta = STALE_AFTER) -> list[str]:
    """Delete documents whose import died half-way (heartbeat older than ``older_than``); return their names.

    Nobody ever saw them, so nothing else changes. Safe while other imports run: a live import
    renews its heartbeat every few seconds, and a document is first taken over (its owner
    token replaced) in one transaction, so two processes never discard, or write, the same one.
    """
    with project.read() as conn:
        limit = utcnow() - older_than
        stale = conn.execute(
            select(UNFINISHED_IMPORTS.c.document_id, DOCUMENTS.c.name)
            .join(DOCUMENTS, DOCUMENTS.c.id == UNFINISHED_IMPORTS.c.document_id)
            .where(UNFINISHED_IMPORTS.c.heartbeat_at < limit)
            .order_by(UNFINISHED_IMPORTS.c.document_id)
        ).all()
    discarded = []
    for doc_id, name in stale:
        owner = secrets.token_hex(8)
        with project.write() as conn:
            taken = conn.execute(
                update(UNFINISHED_IMPORTS)
                .where(UNFINISHED_IMPORTS.c.document_id == doc_id, UNFINISHED_IMPORTS.c.heartbeat_at < limit)
                .values(owner=owner, heartbeat_at=utcnow())
            ).rowcount
        if taken:
            discard(project, int(doc_id), owner)
            discarded.append(str(name))
    return discarded
