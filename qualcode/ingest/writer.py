"""Storing a prepared transcript without holding the project's write lock for long.

Everything that costs CPU time — reading, decoding, normalising, speakers and units, sentences,
language, folding the index rows, lemmas — is done before this module is called
(:func:`qualcode.ingest.importer.import_file`); here there are only inserts, in one of two ways:

* **in steps** (a large document, on a project with the ``unfinished_imports`` table): the
  document row in a first short transaction, marked unfinished so that no reader sees it; its
  units and index rows in transactions of about a quarter of a second with a pause after each;
  a last short transaction with the vocabulary and the event removes the mark, and the whole
  document appears at once. A failure deletes what was written (see
  :mod:`qualcode.ingest.unfinished`, which also discards what a killed import left);
* **at once**, in one transaction: documents small enough that this takes a fraction of a
  step (most interviews; see :data:`AT_ONCE_UNITS`), projects without that table (until its
  migration), and ``--replace`` (the old document must disappear in the same transaction as
  the new one appears, and the new one cannot have the old one's name while both exist).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, func, select

from qualcode.errors import Conflict
from qualcode.ingest import unfinished
from qualcode.ingest.model import UnitSpan
from qualcode.ingest.unfinished import UNFINISHED_IMPORTS, LostOwnership, paragraph_ids
from qualcode.store import fulltext
from qualcode.store.backups import backup_before
from qualcode.store.changes import ChangeRecorder
from qualcode.store.codings import delete_document
from qualcode.store.events import record_event
from qualcode.store.models import CASES, CODINGS, DOCUMENTS, MEMOS
from qualcode.store.project import Project
from qualcode.store.rows import insert_id

__all__ = [
    "AT_ONCE_CHARS",
    "AT_ONCE_UNITS",
    "PreparedDocument",
    "StoredDocument",
    "insert_units",
    "write_document",
]

#: A document with at most this many units and characters is written in one transaction even
#: where steps are possible: its inserts take a small part of a step (an 8,000-word interview
#: has about 1,000 units), while steps would add their pauses to every file of a folder import.
AT_ONCE_UNITS = 5_000
AT_ONCE_CHARS = 1_000_000
#: Rows per insert statement of an import in steps: small enough that the check of a
#: transaction's time budget comes often.
_UNIT_BATCH = 2000
_INDEX_BATCH = 250
_STALE_MINUTES = unfinished.STALE_AFTER.total_seconds() / 60


@dataclass
class PreparedDocument:
    """A transcript ready to store: every value computed, nothing left to do but inserts."""

    #: ``documents`` columns except ``id`` and ``case_id`` (name, sha256, text, language…).
    row: dict[str, Any]
    #: The case to link the document to, by name (None: none).
    case: str | None
    #: Create that case when it does not exist (``--case``), or only link an existing one.
    create_case: bool
    units: list[UnitSpan]
    #: The index body of each paragraph unit, in the order of their ordinals.
    bodies: list[str]
    #: The lemmatizer language and the ``(token, lemma)`` pairs the vocabulary lacked.
    vocabulary_language: str | None = None
    vocabulary: list[tuple[str, str]] = field(default_factory=list)
    #: What the event of the import records (the case is added when it is known).
    event: dict[str, Any] = field(default_factory=dict)


@dataclass
class StoredDocument:
    """What :func:`write_document` did: ``imported``, ``replaced`` or ``present`` (same bytes)."""

    status: str
    document: str
    case: str | None = None


def write_document(
    project: Project, doc: PreparedDocument, coder: str, *, replace: bool = False
) -> StoredDocument:
    """Store ``doc``: a large one in short steps, a usual one (and a replacement) in one transaction.

    Raises :class:`Conflict` for a name already taken (unless ``replace``) or a document being
    imported by another process; on any failure the project is left as it was.
    """
    with project.read() as conn:
        taken = conn.execute(
            select(DOCUMENTS.c.id, DOCUMENTS.c.sha256).where(DOCUMENTS.c.name == doc.row["name"])
        ).one_or_none()
    if replace and taken is not None and taken.sha256 != doc.row["sha256"]:
        backup_before(project, "replace")  # the old text goes: keep a copy a person can find
    small = len(doc.units) <= AT_ONCE_UNITS and len(doc.row["text"]) <= AT_ONCE_CHARS
    if not small and not (replace and taken is not None):
        return _write_in_steps(project, doc, coder)
    with project.write() as conn:
        return _write_at_once(conn, doc, coder, replace=replace)


# --- shared by both ways --------------------------------------------------------------------


def _check(conn: Connection, doc: PreparedDocument, *, replace: bool) -> int | str | None:
    """The id of the document to replace, the name of a present one (same bytes), or None.

    Raises :class:`Conflict` when the name is taken and may not be replaced, and when another
    process is importing the same name or the same bytes right now.
    """
    name, digest = doc.row["name"], doc.row["sha256"]
    for column, value in ((DOCUMENTS.c.sha256, digest), (DOCUMENTS.c.name, name)):
        found = conn.execute(select(DOCUMENTS.c.id, DOCUMENTS.c.name).where(column == value)).one_or_none()
        if found is None:
            continue
        _refuse_if_unfinished(conn, int(found.id), str(found.name))
        if column is DOCUMENTS.c.sha256:
            return str(found.name)
        if not replace:
            raise Conflict(
                f"a different document named {name} is already in the project; rename the file, "
                "or use --replace to replace it"
            )
        for table, what in ((CODINGS, "coding(s)"), (MEMOS, "memo(s)")):
            count = conn.execute(select(func.count()).where(table.c.document_id == found.id)).scalar_one()
            if count:
                raise Conflict(
                    f"{name} has {count} {what}; --replace would lose them, so it is refused. "
                    "Import the new version under another file name instead"
                )
        return int(found.id)
    return None


def _refuse_if_unfinished(conn: Connection, document_id: int, name: str) -> None:
    mark = conn.execute(
        select(UNFINISHED_IMPORTS.c.coder, UNFINISHED_IMPORTS.c.started_at).where(
            UNFINISHED_IMPORTS.c.document_id == document_id
        )
    ).one_or_none()
    if mark is not None:
        raise Conflict(
            f"{name} is being imported right now by another qualcode (coder {mark.coder}, "
            f"since {mark.started_at:%H:%M:%S} UTC); wait until that import finishes (if it was "
            f"stopped, what it wrote is removed {_STALE_MINUTES:g} minutes after)"
        )


def _case_for(conn: Connection, doc: PreparedDocument) -> tuple[int | None, bool]:
    """``(case id, whether it was created now)`` for the document's case (None: no such case)."""
    if doc.case is None:
        return None, False
    case_id = conn.execute(select(CASES.c.id).where(CASES.c.name == doc.case)).scalar_one_or_none()
    if case_id is not None:
        return int(case_id), False
    if not doc.create_case:
        return None, False
    return insert_id(conn, CASES, name=doc.case), True


def insert_units(conn: Connection, doc_id: int, units: Sequence[Any]) -> None:
    """Store units (turns, paragraphs, sentences, cues; anything with :class:`UnitSpan`'s fields).

    One driver-level ``executemany`` of plain tuples: this runs for every unit imported, and
    building a dict per row for SQLAlchemy's own executemany costs more than the insert.
    """
    if units:
        conn.exec_driver_sql(
            'INSERT INTO units (document_id, kind, ordinal, start, "end", speaker, t_start, t_end) '
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [(doc_id, u.kind, u.ordinal, u.start, u.end, u.speaker, u.t_start, u.t_end) for u in units],
        )


def _insert_index(conn: Connection, doc_id: int, rows: Sequence[tuple[int, str]]) -> None:
    """Index ``(paragraph unit id, body)`` rows of the document."""
    fulltext.insert_rows(conn, [(unit, doc_id, body) for unit, body in rows])


def _finish(
    conn: Connection, doc: PreparedDocument, coder: str, doc_id: int, action: str, case: str | None
) -> None:
    """The vocabulary and the event: the last inserts of an import."""
    if doc.vocabulary_language is not None:
        fulltext.add_vocabulary(conn, doc.vocabulary_language, doc.vocabulary)
    record_event(conn, coder, f"document.{action}", f"document:{doc_id}", doc.event | {"case": case})


# --- at once --------------------------------------------------------------------------------


def _write_at_once(conn: Connection, doc: PreparedDocument, coder: str, *, replace: bool) -> StoredDocument:
    name = str(doc.row["name"])
    found = _check(conn, doc, replace=replace)
    if isinstance(found, str):
        return StoredDocument("present", found)
    if found is not None:
        # The write path removes it with its suggestions and index rows (the schema has no
        # cascades); its codings and memos were refused above.
        delete_document(ChangeRecorder(conn), found)
    case_id, _ = _case_for(conn, doc)
    case = doc.case if case_id is not None else None
    doc_id = insert_id(conn, DOCUMENTS, **doc.row, case_id=case_id)
    insert_units(conn, doc_id, doc.units)
    _insert_index(conn, doc_id, list(zip(paragraph_ids(conn, doc_id), doc.bodies, strict=True)))
    _finish(conn, doc, coder, doc_id, "import" if found is None else "replace", case)
    return StoredDocument("imported" if found is None else "replaced", name, case)


# --- in steps -------------------------------------------------------------------------------


def _write_in_steps(project: Project, doc: PreparedDocument, coder: str) -> StoredDocument:
    name = str(doc.row["name"])
    with project.write() as conn:
        found = _check(conn, doc, replace=False)
        if isinstance(found, str):
            return StoredDocument("present", found)
        case_id, created = _case_for(conn, doc)
        # The longest transaction of the import: the whole text is one value.
        doc_id = insert_id(conn, DOCUMENTS, **doc.row, case_id=case_id)
        source = str(doc.event.get("source", name))
        owner = unfinished.mark(
            conn, doc_id, coder=coder, source=source, created_case_id=case_id if created else None
        )
    case = doc.case if case_id is not None else None
    try:
        unfinished.pause()
        units = unfinished.batches(insert_units, doc_id, doc.units, _UNIT_BATCH)
        unfinished.in_short_transactions(project, doc_id, owner, units)
        with project.read() as conn:
            rows = list(zip(paragraph_ids(conn, doc_id), doc.bodies, strict=True))
        index = unfinished.batches(_insert_index, doc_id, rows, _INDEX_BATCH)
        unfinished.in_short_transactions(project, doc_id, owner, index)
        with project.write() as conn:
            _finish(conn, doc, coder, doc_id, "import", case)
            unfinished.unmark(conn, doc_id, owner)
    except LostOwnership:
        raise  # the process that took it over deletes it
    except BaseException:
        unfinished.discard_quietly(project, doc_id, owner)
        raise
    return StoredDocument("imported", name, case)
