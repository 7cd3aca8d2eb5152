"""Listing, showing and removing the transcripts of a project."""

from __future__ import annotations

import difflib
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import Connection, func, select

from qualcode.cases import look_alikes
from qualcode.errors import Conflict, NotFound, QualcodeError
from qualcode.search_index import index_document
from qualcode.store.backups import backup_before
from qualcode.store.changes import ChangeRecorder
from qualcode.store.codings import delete_document
from qualcode.store.models import CASES, CODINGS, DOCUMENTS, UNITS, finished
from qualcode.store.project import Project
from qualcode.text.lemmas import lemma_language

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


#: The languages a transcript can be set to: those qualcode's language tools know.
LANGUAGES = ("sr-Latn", "sr-Cyrl", "bs", "hr", "en")
#: The script a language tag requires of the text (the others are written in either).
_SCRIPT_OF = {"sr-Latn": "Latn", "sr-Cyrl": "Cyrl", "en": "Latn"}


@dataclass
class DocumentChange:
    """What `transcripts rename`, `transcripts set` and `cases link/unlink` changed.

    ``changed`` maps ``name`` / ``language`` / ``case`` to ``(before, after)`` (a case of None:
    none); it is empty when the document already was so (then no event is logged). ``new_case``
    names a case the change created, and ``close_cases`` existing cases it looks like (a typo?).
    """

    document: str
    changed: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)
    new_case: str | None = None
    close_cases: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Plain data for ``--json``."""
        return {
            "document": self.document,
            "changed": {k: {"from": old, "to": new} for k, (old, new) in self.changed.items()},
            "new_case": self.new_case,
            "did_you_mean": self.close_cases,
            "undoable": bool(self.changed),
        }


def rename_document(project: Project, name: str, new_name: str, coder: str) -> DocumentChange:
    """Give a document a new name (its codings, memos and case stay); undoable.

    A name another document has (or one being imported right now) is refused.
    """
    check_document_name(new_name)
    with project.write() as conn:
        doc_id, _ = find_document(conn, name)
        if new_name == name:
            return DocumentChange(name)
        taken = conn.execute(select(DOCUMENTS.c.id).where(DOCUMENTS.c.name == new_name)).scalar_one_or_none()
        if taken is not None:
            importing = (
                conn.execute(
                    select(DOCUMENTS.c.id).where(DOCUMENTS.c.id == taken, finished(DOCUMENTS.c.id))
                ).first()
                is None
            )
            what = "a transcript being imported right now is" if importing else "another transcript is"
            raise Conflict(
                f"{what} named {new_name!r}; choose another name "
                "(`qualcode transcripts list` shows the names)"
            )
        rec = ChangeRecorder(conn)
        rec.update(DOCUMENTS, doc_id, name=new_name)
        rec.log(coder, "document.rename", f"document:{doc_id}", {"from": name, "to": new_name})
    return DocumentChange(new_name, {"name": (name, new_name)})


def set_document(
    project: Project,
    name: str,
    coder: str,
    *,
    language: str | None = None,
    case: str | None = None,
    no_case: bool = False,
    action: str = "document.set",
) -> DocumentChange:
    """Correct a document's language and/or link it to a case (``no_case``: to none); undoable.

    ``language`` is one of :data:`LANGUAGES` and must agree with the script of the text. A
    ``case`` the project does not have is created, as ``qualcode import --case`` does, and
    reported, with any existing case it looks like (``p01``, ``P0l`` for ``P01``: a typo);
    undoing the change removes it again. ``action`` names the event (`cases link` logs
    ``case.link``). Everything changes in one event, or nothing.
    """
    if case is not None and no_case:
        raise QualcodeError("give a case or no case, not both")
    if language is not None and language not in LANGUAGES:
        raise QualcodeError(
            f"{language!r} is not a language qualcode knows; use one of {', '.join(LANGUAGES)}"
        )
    if case is not None:
        check_case_name(case)
    with project.write() as conn:
        doc_id, _ = find_document(conn, name)
        row = conn.execute(
            select(
                DOCUMENTS.c.language, DOCUMENTS.c.script, DOCUMENTS.c.mixed_script, CASES.c.name.label("case")
            )
            .outerjoin(CASES, CASES.c.id == DOCUMENTS.c.case_id)
            .where(DOCUMENTS.c.id == doc_id)
        ).one()
        change = DocumentChange(name)
        values: dict[str, Any] = {}
        rec = ChangeRecorder(conn)
        if language is not None and language != row.language:
            _check_script(name, language, row.script, row.mixed_script)
            values["language"] = language
            change.changed["language"] = (row.language, language)
        if (case is not None or no_case) and case != row.case:
            values["case_id"] = None if case is None else _case_id(conn, rec, case, change)
            change.changed["case"] = (row.case, case)
        if not values:
            return change
        rec.update(DOCUMENTS, doc_id, **values)
        if "language" in values and lemma_language(language or "") != lemma_language(row.language):
            # The search vocabulary is per lemmatizer: the document's words need lemmas in the
            # new one for `search --lemma` (undo leaves them: the vocabulary only grows).
            index_document(conn, doc_id)
        summary: dict[str, Any] = {"document": name}
        for key, (old, new) in change.changed.items():
            summary[key], summary[f"{key}_was"] = new, old
        rec.log(coder, action, f"document:{doc_id}", summary)
    return change


def _check_script(name: str, language: str, script: str, mixed: bool) -> None:
    wanted = _SCRIPT_OF.get(language)
    if wanted and script and script != wanted and not mixed:
        written = {"Latn": "Latin", "Cyrl": "Cyrillic"}.get(script, script)
        other = {"sr-Latn": "sr-Cyrl", "sr-Cyrl": "sr-Latn"}.get(language)
        advice = f"; use {other}" if other else ""
        raise QualcodeError(f"{name} is written in {written} script, which {language} is not{advice}")


def _case_id(conn: Connection, rec: ChangeRecorder, case: str, change: DocumentChange) -> int:
    """The case's id; a case that does not exist is created through the recorder (undo removes it)."""
    case_id = conn.execute(select(CASES.c.id).where(CASES.c.name == case)).scalar_one_or_none()
    if case_id is not None:
        return int(case_id)
    names = conn.execute(select(CASES.c.name).order_by(CASES.c.name)).scalars()
    change.new_case = case
    change.close_cases = look_alikes(case, names)
    return rec.insert(CASES, name=case)


def check_document_name(name: str) -> None:
    """Refuse a name that cannot be a transcript's, with the rule it breaks."""
    # Imported names are file names, which never hold these; a renamed transcript keeps to the same
    # rule, so that names stay one per line in listings, sheets and the report.
    if not name.strip() or name != name.strip() or any(ch in name for ch in "/\\\r\n\t"):
        raise QualcodeError(
            f"{name!r} is not a usable transcript name (it must not be empty, start or end with a space, "
            "or hold / \\ or a line break)"
        )


def check_case_name(name: str) -> None:
    """Refuse a name that cannot be a case's, with the rule it breaks."""
    if not name.strip() or name != name.strip() or any(ch in name for ch in "\r\n\t"):
        raise QualcodeError(
            f"{name!r} is not a usable case name (it must not be empty, start or end with a space, "
            "or hold a line break)"
        )


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
