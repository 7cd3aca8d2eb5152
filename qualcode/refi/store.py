"""Writing a prepared REFI-QDA project into qualcode's tables (inside the caller's transaction).

Codes merge by path, as `codebook load` does (a code already in the project is reused, not
changed); coders, cases and attributes are found by name or created. Documents must be new:
a name or a text already in the project is refused, because a REFI project is imported as a
whole or not at all.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, insert, select, update

from qualcode.attribute_values import typed_value
from qualcode.codebook import code_columns, next_ordinal, read_codebook
from qualcode.codebook_files import iter_codes
from qualcode.errors import Conflict
from qualcode.ingest.importer import ImportOptions, insert_units
from qualcode.search import index_document
from qualcode.store.changes import ChangeRecorder
from qualcode.store.codings import NewCoding, add_codings, add_memo, ensure_coder
from qualcode.store.events import record_event
from qualcode.store.models import (
    ATTRIBUTES,
    CASE_ATTRIBUTES,
    CASES,
    CODES,
    DOCUMENTS,
    utcnow,
)
from qualcode.store.rows import insert_id

if TYPE_CHECKING:
    from qualcode.refi.importer import PreparedDocument, RefiImportReport
    from qualcode.refi.reader import RefiProject

#: REFI variable types -> qualcode attribute types (DateTime has no own type: kept as text).
ATTRIBUTE_TYPES = {
    "Text": "text",
    "Integer": "integer",
    "Float": "number",
    "Boolean": "boolean",
    "Date": "date",
    "DateTime": "text",
}


def write_project(
    conn: Connection,
    model: RefiProject,
    documents: list[PreparedDocument],
    options: ImportOptions,
    report: RefiImportReport,
    source: str,
) -> None:
    """Store everything prepared; raise :class:`Conflict` when a document is already there."""
    from qualcode.refi.importer import user_name

    code_ids = _codes(conn, model, report)
    doc_ids = {doc.guid: _document(conn, doc, source) for doc in documents}
    report.documents = [doc.name for doc in documents]
    coders: dict[str, int] = {}

    def coder_id(name: str) -> int:
        if name not in coders:
            coders[name] = ensure_coder(ChangeRecorder(conn), name)
        return coders[name]

    coding_ids: dict[str, list[int]] = {}  # coding or selection GUID -> coding ids
    # The project is imported whole or not at all, as one event that undo does not replay: the
    # recorder is here for the write path's rules (codable codes, spans inside, no twins).
    rec = ChangeRecorder(conn)
    used = {code_ids[c.code] for doc in documents for c in doc.codings}
    # A program that marks a code "not codable" and still holds codings of it: the codings are
    # the researchers' work, so the code becomes codable here rather than the codings being lost.
    relaxed = conn.execute(
        update(CODES).where(CODES.c.id.in_(used), CODES.c.codable.is_(False)).values(codable=True)
    ).rowcount
    if relaxed:
        report.notes.append(
            f"{relaxed} code(s) marked not codable in the file hold codings: they were made codable here"
        )
    for doc in documents:
        results = add_codings(
            rec,
            [
                NewCoding(
                    doc_ids[doc.guid],
                    code_ids[c.code],
                    coder_id(c.coder),
                    c.start,
                    c.end,
                    memo=c.memo,
                    origin="refi",
                    created_at=c.created or utcnow(),
                )
                for c in doc.codings
            ],
        )
        for c, result in zip(doc.codings, results, strict=True):
            if not result.created:
                report.skipped["codings that repeat another coding exactly"] += 1
                continue
            coding_ids.setdefault(c.guid, []).append(result.id)
            if c.selection:
                coding_ids.setdefault(c.selection, []).append(result.id)
            report.codings += 1
    _cases(conn, model, doc_ids, options, report)
    guid_codes = {guid: code_ids[path] for guid, path in model.code_paths.items()}
    _memos(conn, model, doc_ids, guid_codes, coding_ids, options, report, coder_id)
    for user in model.users:  # users without codings or notes are coders too
        coder_id(user_name(model, user, options.coder))
    report.coders = sorted(coders)
    record_event(
        conn,
        options.coder,
        "project.import",
        f"file:{source}",
        {
            "origin": model.origin,
            "documents": report.documents,
            "codes_added": report.codes_added,
            "codings": report.codings,
            "coders": report.coders,
            "cases": report.cases,
            "memos": report.memos,
            "not_imported": dict(report.skipped),
        },
    )


def _codes(conn: Connection, model: RefiProject, report: RefiImportReport) -> dict[tuple[str, ...], int]:
    known = {path: row.id for path, row in read_codebook(conn).by_path().items()}
    for path, code in iter_codes(model.codebook.codes):
        if path in known:
            report.codes_present += 1
            continue
        parent = known[path[:-1]] if len(path) > 1 else None
        known[path] = insert_id(
            conn,
            CODES,
            name=code.name,
            parent_id=parent,
            ordinal=next_ordinal(conn, parent),
            **code_columns(code),
        )
        report.codes_added += 1
    return known


def _document(conn: Connection, doc: PreparedDocument, source: str) -> int:
    clash = conn.execute(
        select(DOCUMENTS.c.name).where((DOCUMENTS.c.name == doc.name) | (DOCUMENTS.c.sha256 == doc.sha256))
    ).scalar_one_or_none()
    if clash is not None:
        what = "a document named" if clash == doc.name else "the same text as the document"
        raise Conflict(
            f"the project already has {what} {clash} (source {doc.name!r} of {source}); a REFI-QDA project "
            "is imported whole: import it into a new project (`qualcode init NEW.db`) or remove that "
            "document first"
        )
    doc_id = insert_id(
        conn,
        DOCUMENTS,
        name=doc.name,
        sha256=doc.sha256,
        text=doc.parsed.text,
        language=doc.language,
        script=doc.script,
        mixed_script=doc.mixed_script,
        source_format=doc.parsed.source_format,
        source_name=source,
        encoding=doc.parsed.encoding,
        word_count=len(doc.parsed.text.split()),
    )
    insert_units(conn, doc_id, doc.units)
    index_document(conn, doc_id)
    return doc_id


def _cases(
    conn: Connection,
    model: RefiProject,
    doc_ids: dict[str, int],
    options: ImportOptions,
    report: RefiImportReport,
) -> None:
    attributes: dict[str, tuple[int, str]] = {}  # variable GUID -> (attribute id, type)
    for guid, (name, refi_type) in model.variables.items():
        wanted = ATTRIBUTE_TYPES.get(refi_type, "text")
        row = conn.execute(
            select(ATTRIBUTES.c.id, ATTRIBUTES.c.type).where(ATTRIBUTES.c.name == name)
        ).one_or_none()
        if row is None:
            attributes[guid] = (insert_id(conn, ATTRIBUTES, name=name, type=wanted), wanted)
            report.attributes += 1
        else:
            attributes[guid] = (row.id, row.type)
    linked: set[int] = set()
    for case in model.cases:
        case_id = conn.execute(select(CASES.c.id).where(CASES.c.name == case.name)).scalar_one_or_none()
        if case_id is None:
            case_id = insert_id(conn, CASES, name=case.name)
        report.cases += 1
        for variable, raw in case.values.items():
            if variable not in attributes:
                report.skipped["case values of undeclared variables"] += 1
                continue
            attribute_id, type_ = attributes[variable]
            try:
                value, number = typed_value(raw, type_)
            except ValueError:
                report.skipped["case values that do not fit their variable's type"] += 1
                continue
            conn.execute(
                CASE_ATTRIBUTES.delete().where(
                    (CASE_ATTRIBUTES.c.case_id == case_id) & (CASE_ATTRIBUTES.c.attribute_id == attribute_id)
                )
            )
            conn.execute(
                insert(CASE_ATTRIBUTES),
                {"case_id": case_id, "attribute_id": attribute_id, "value": value, "number": number},
            )
        for source in case.sources:
            doc_id = doc_ids.get(source)
            if doc_id is None:
                continue
            if doc_id in linked:
                report.skipped["second cases of a document (a document belongs to one case)"] += 1
                continue
            linked.add(doc_id)
            conn.execute(update(DOCUMENTS).where(DOCUMENTS.c.id == doc_id).values(case_id=case_id))
    if options.case:
        case_id = conn.execute(select(CASES.c.id).where(CASES.c.name == options.case)).scalar_one_or_none()
        if case_id is None:
            case_id = insert_id(conn, CASES, name=options.case)
        for doc_id in set(doc_ids.values()) - linked:
            conn.execute(update(DOCUMENTS).where(DOCUMENTS.c.id == doc_id).values(case_id=case_id))


def _memos(
    conn: Connection,
    model: RefiProject,
    doc_ids: dict[str, int],
    code_ids: dict[str, int],
    coding_ids: dict[str, list[int]],
    options: ImportOptions,
    report: RefiImportReport,
    coder_id: Any,
) -> None:
    from qualcode.refi.importer import user_name

    attached: set[str] = set()
    for kind, target, note_guid in model.note_refs:
        note = model.notes.get(note_guid)
        if note is None:
            report.skipped["references to notes that are not in the project"] += 1
            continue
        attached.add(note_guid)
        if kind == "project":
            where: tuple[str, int | None] | None = ("project", None)
        elif kind == "source":
            where = ("document", doc_ids[target]) if target in doc_ids else None
        elif kind == "code":
            where = ("code", code_ids[target]) if target in code_ids else None
        else:  # a coding, or a selection: the memo goes on its first coding
            ids = coding_ids.get(target)
            where = ("coding", ids[0]) if ids else None
        if where is None:
            report.skipped["notes on items qualcode does not hold"] += 1
            continue
        _memo(conn, where, note, user_name(model, note.user, options.coder), coder_id, report)
    for guid, note in model.notes.items():
        if guid not in attached:  # a free-standing note is a memo on the project
            _memo(conn, ("project", None), note, user_name(model, note.user, options.coder), coder_id, report)


def _memo(
    conn: Connection,
    where: tuple[str, int | None],
    note: Any,
    coder: str,
    coder_id: Any,
    report: RefiImportReport,
) -> None:
    if not note.text.strip():
        report.skipped["empty notes"] += 1
        return
    add_memo(
        ChangeRecorder(conn),
        where[0],
        where[1],
        coder_id(coder),
        note.text,
        created_at=note.created or utcnow(),
    )
    report.memos += 1
