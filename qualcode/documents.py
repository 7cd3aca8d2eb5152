"""Listing, showing and removing the transcripts of a project."""

from __future__ import annotations

import difflib
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import Connection, func, select

from qualcode.errors import Conflict, NotFound, QualcodeError
from qualcode.store.backups import backup_before
from qualcode.store.changes import ChangeRecorder
from qualcode.store.codings import delete_document
from qualcode.store.models import CASES, CODINGS, DOCUMENTS, UNITS, finished
from qualcode.store.project import Project

UNIT_KINDS = ("turn", "paragraph", "sentence", "cue")


@dataclass
class DocumentSummary:
    """One line of `transcripts list`."""

    name: str
    language: str
    script: str
    mixed_script: bool
    source_format: str
    source_name: str
    encoding: str | None
    words: int
    units: dict[str, int]
    speakers: list[str]
    case: str | None
    imported_at: str

    def to_dict(self) -> dict[str, Any]:
        """Plain data for ``--json``."""
        return asdict(self)


@dataclass
class UnitView:
    """A unit with its text, as `transcripts show --units` prints it."""

    kind: str
    number: int
    start: int
    end: int
    speaker: str | None
    t_start: int | None
    t_end: int | None
    text: str


@dataclass
class DocumentView:
    """A document's text and its units of one kind."""

    summary: DocumentSummary
    text: str
    unit_kind: str
    units: list[UnitView] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Plain data for ``--json``."""
        return {
            "document": self.summary.to_dict(),
            "text": self.text,
            "unit_kind": self.unit_kind,
            "units": [asdict(u) for u in self.units],
        }


def list_documents(project: Project) -> list[DocumentSummary]:
    """Every document, by name."""
    with project.read() as conn:
        rows = conn.execute(
            select(
                DOCUMENTS.c.id,
                DOCUMENTS.c.name,
                DOCUMENTS.c.language,
                DOCUMENTS.c.script,
                DOCUMENTS.c.mixed_script,
                DOCUMENTS.c.source_format,
                DOCUMENTS.c.source_name,
                DOCUMENTS.c.encoding,
                DOCUMENTS.c.word_count,
                DOCUMENTS.c.imported_at,
                CASES.c.name.label("case"),
            )
            .outerjoin(CASES, CASES.c.id == DOCUMENTS.c.case_id)
            .where(finished(DOCUMENTS.c.id))  # a transcript still being imported is not there yet
            .order_by(DOCUMENTS.c.name)
        ).all()
        counts = _unit_counts(conn)
        speakers = _speakers(conn)
    return [
        DocumentSummary(
            name=r.name,
            language=r.language,
            script=r.script,
            mixed_script=r.mixed_script,
            source_format=r.source_format,
            source_name=r.source_name,
            encoding=r.encoding,
            words=r.word_count,
            units=counts.get(r.id, {}),
            speakers=speakers.get(r.id, []),
            case=r.case,
            imported_at=r.imported_at.isoformat(timespec="seconds"),
        )
        for r in rows
    ]


def show_document(project: Project, name: str, unit_kind: str = "turn") -> DocumentView:
    """A document's text and its units of ``unit_kind`` with their text."""
    if unit_kind not in UNIT_KINDS:
        raise QualcodeError(f"unknown unit kind {unit_kind!r}; use one of {', '.join(UNIT_KINDS)}")
    summary = next((d for d in list_documents(project) if d.name == name), None)
    with project.read() as conn:
        doc_id, text = find_document(conn, name)
        rows = conn.execute(
            select(
                UNITS.c.ordinal, UNITS.c.start, UNITS.c.end, UNITS.c.speaker, UNITS.c.t_start, UNITS.c.t_end
            )
            .where(UNITS.c.document_id == doc_id, UNITS.c.kind == unit_kind)
            .order_by(UNITS.c.ordinal)
        ).all()
    assert summary is not None
    units = [
        UnitView(unit_kind, r.ordinal, r.start, r.end, r.speaker, r.t_start, r.t_end, text[r.start : r.end])
        for r in rows
    ]
    return DocumentView(summary=summary, text=text, unit_kind=unit_kind, units=units)


def coding_count(project: Project, name: str) -> int:
    """How many codings (of every coder) the named document has."""
    with project.read() as conn:
        doc_id, _ = find_document(conn, name)
        return int(conn.execute(select(func.count()).where(CODINGS.c.document_id == doc_id)).scalar_one())


def remove_document(project: Project, name: str, coder: str, *, force: bool = False) -> int:
    """Remove a document with its units, codings, memos and suggestions; refused while coded unless ``force``.

    Undoable: every row removed is kept in the change log, and ``qualcode undo`` brings the
    interview back with every coder's codings; a coded interview is also copied first into a
    backup of the project (:func:`qualcode.store.backups.backup_before`). Returns the number of
    codings removed with it.
    """
    if force and coding_count(project, name):
        backup_before(project, "remove")
    with project.write() as conn:
        doc_id, _ = find_document(conn, name)
        codings = conn.execute(select(func.count()).where(CODINGS.c.document_id == doc_id)).scalar_one()
        if codings and not force:
            raise Conflict(
                f"{name} has {codings} coding(s); add --force to remove it together with them "
                "(`qualcode undo` brings it back)"
            )
        rec = ChangeRecorder(conn)
        delete_document(rec, doc_id)
        rec.log(coder, "document.remove", f"document:{doc_id}", {"name": name, "codings": int(codings)})
    return int(codings)


def find_document(conn: Connection, name: str) -> tuple[int, str]:
    """``(id, text)`` of the named document, or :class:`NotFound` with the nearest names."""
    row = conn.execute(
        select(DOCUMENTS.c.id, DOCUMENTS.c.text).where(DOCUMENTS.c.name == name, finished(DOCUMENTS.c.id))
    ).one_or_none()
    if row is None:
        names = list(conn.execute(select(DOCUMENTS.c.name).where(finished(DOCUMENTS.c.id))).scalars())
        close = difflib.get_close_matches(name, names, n=3)
        hint = (
            f"; did you mean {', '.join(close)}?"
            if close
            else "; `qualcode transcripts list` shows the names"
        )
        raise NotFound(f"no document named {name!r} in the project{hint}")
    return int(row.id), str(row.text)


def _unit_counts(conn: Connection) -> dict[int, dict[str, int]]:
    counts: dict[int, dict[str, int]] = {}
    for doc_id, kind, n in conn.execute(
        select(UNITS.c.document_id, UNITS.c.kind, func.count()).group_by(UNITS.c.document_id, UNITS.c.kind)
    ):
        counts.setdefault(doc_id, {})[kind] = n
    return counts


def _speakers(conn: Connection) -> dict[int, list[str]]:
    speakers: dict[int, list[str]] = {}
    rows = conn.execute(
        select(UNITS.c.document_id, UNITS.c.speaker, func.min(UNITS.c.ordinal).label("first"))
        .where(UNITS.c.kind == "turn", UNITS.c.speaker.is_not(None))
        .group_by(UNITS.c.document_id, UNITS.c.speaker)
        .order_by(UNITS.c.document_id, "first")
    )
    for doc_id, speaker, _ in rows:
        speakers.setdefault(doc_id, []).append(speaker)
    return speakers
