"""`qualcode export qdpx`: the whole project as a REFI-QDA (QDA-XML 1.0) archive.

The archive holds ``project.qde`` and each document's text as UTF-8 ``Sources/<guid>.txt``;
selection positions are code points into that text (qualcode's own offsets, as the standard
says). GUIDs are uuid5 values of what identifies an item in qualcode (a code's path, a
document's, coder's, case's or attribute's name, a coding's document, code, coder and span,
a memo's id), so exporting the same project again gives the same bytes apart from the
project's ``modifiedDateTime``; zip entries carry a fixed date for the same reason. Imported
GUIDs are not kept: qualcode identifies items by name and path, and every program that
imports a ``.qdpx`` creates a new project, so nothing matches items across tools by GUID.

Each coding is its own ``PlainTextSelection`` whose ``Description`` is the coding's memo (one
selection per coding, as NVivo writes them, so that memos of codings on the same span stay
apart). Memos become ``<Note>``s referenced from the project, the document, the code or the
coding they are about.
"""

from __future__ import annotations

import io
import re
import uuid
import zipfile
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from xml.etree.ElementTree import Element, SubElement, indent, tostring

from sqlalchemy import Connection, func, select, true

from qualcode.atomic import write_atomically
from qualcode.codebook import export_codebook, read_codebook
from qualcode.codebook_files import PATH_SEPARATOR, CodeSpec, code_guid, format_description
from qualcode.store.models import (
    ATTRIBUTES,
    CASE_ATTRIBUTES,
    CASES,
    CODERS,
    CODES,
    CODINGS,
    DOCUMENTS,
    MEMOS,
    finished,
)
from qualcode.store.project import Project

_NAMESPACE = uuid.UUID("5c0b54f5-3f8a-4d8e-9a51-2f1d6c7e0a11")  # never change: GUIDs follow it
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_TYPES = {"text": "Text", "integer": "Integer", "number": "Float", "boolean": "Boolean", "date": "Date"}
_VALUE_ELEMENTS = {
    "Text": "TextValue",
    "Integer": "IntegerValue",
    "Float": "FloatValue",
    "Boolean": "BooleanValue",
    "Date": "DateValue",
}
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)


def guid(kind: str, *parts: object) -> str:
    """The GUID of an item: uuid5 of its kind and what identifies it."""
    return str(uuid.uuid5(_NAMESPACE, "\x1f".join([kind, *map(str, parts)])))


def _clean(text: str) -> str:
    """Text an XML file can hold (characters XML 1.0 forbids become U+FFFD)."""
    return _NOT_XML.sub("\ufffd", text)


def _time(value: datetime | None) -> str:
    value = value or datetime.now(UTC)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def build_qdpx(project: Project, now: datetime | None = None) -> bytes:
    """The ``.qdpx`` archive of the project, as bytes."""
    from importlib.metadata import version

    with project.read() as conn:
        texts = {
            row.name: row.text
            for row in conn.execute(
                select(DOCUMENTS.c.name, DOCUMENTS.c.text).where(finished(DOCUMENTS.c.id))
            )
        }
        root = _project_element(conn, project, f"qualcode {version('qualcode')}", now)
    indent(root, space="  ")
    qde = (
        b'<?xml version="1.0" encoding="utf-8"?>\n'
        + tostring(root, encoding="unicode").encode("utf-8")
        + b"\n"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("project.qde", _ZIP_DATE), qde, zipfile.ZIP_DEFLATED)
        for name in sorted(texts, key=lambda n: guid("document", n)):
            entry = zipfile.ZipInfo(f"Sources/{guid('document', name)}.txt", _ZIP_DATE)
            archive.writestr(entry, texts[name].encode("utf-8"), zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def export_qdpx(project: Project, path: Path) -> str:
    """Write the project to ``path`` as a ``.qdpx`` archive (complete or not at all); return a summary."""
    data = build_qdpx(project)
    write_atomically(path, data)
    with project.read() as conn:
        counts = [
            conn.execute(
                select(func.count())
                .select_from(table)
                .where(finished(DOCUMENTS.c.id) if table is DOCUMENTS else true())
            ).scalar_one()
            for table in (DOCUMENTS, CODES, CODINGS, CODERS, CASES, MEMOS)
        ]
    labels = ("document(s)", "code(s)", "coding(s)", "coder(s)", "case(s)", "memo(s)")
    return ", ".join(f"{n} {label}" for n, label in zip(counts, labels, strict=True))


def _project_element(conn: Connection, project: Project, origin: str, now: datetime | None) -> Element:
    coders = dict(conn.execute(select(CODERS.c.id, CODERS.c.name)).all())
    root = Element(
        "Project",
        {
            "xmlns": "urn:QDA-XML:project:1.0",
            "name": _clean(project.path.stem),
            "origin": origin,
            "modifiedDateTime": _time(now),
        },
    )
    users = SubElement(root, "Users")
    for name in sorted(coders.values()):
        SubElement(users, "User", {"guid": guid("coder", name), "name": _clean(name)})
    if not coders:
        root.remove(users)
    memos = _memos(conn)
    _codebook(root, project, memos)
    _cases(root, conn)
    _sources(root, conn, coders, memos)
    _notes(root, conn, coders)
    for note in memos.get(("project", None), []):
        SubElement(root, "NoteRef", {"targetGUID": note})
    return root


def _memos(conn: Connection) -> dict[tuple[str, int | None], list[str]]:
    refs: dict[tuple[str, int | None], list[str]] = {}
    target_id = func.coalesce(MEMOS.c.document_id, MEMOS.c.code_id, MEMOS.c.coding_id)
    for memo_id, target_type, target in conn.execute(
        select(MEMOS.c.id, MEMOS.c.target_type, target_id).order_by(MEMOS.c.id)
    ):
        refs.setdefault((target_type, target), []).append(guid("memo", memo_id))
    return refs


def _codebook(root: Element, project: Project, memos: dict[tuple[str, int | None], list[str]]) -> None:
    spec = export_codebook(project)
    with project.read() as conn:
        ids = {row.path: row.id for row in read_codebook(conn).rows.values()}
    if not spec.codes:
        return
    codes = SubElement(SubElement(root, "CodeBook"), "Codes")

    def add(parent: Element, code: CodeSpec, path: tuple[str, ...]) -> None:
        attributes = {
            "guid": code_guid(path),
            "name": _clean(code.name),
            "isCodable": str(code.codable).lower(),
        }
        if code.color:
            attributes["color"] = code.color
        element = SubElement(parent, "Code", attributes)
        description = format_description(code)
        if description:
            SubElement(element, "Description").text = _clean(description)
        for note in memos.get(("code", ids.get(path)), []):
            SubElement(element, "NoteRef", {"targetGUID": note})
        for child in code.children:
            add(element, child, (*path, child.name))

    for code in spec.codes:
        add(codes, code, (code.name,))


def _cases(root: Element, conn: Connection) -> None:
    attributes = conn.execute(
        select(ATTRIBUTES.c.id, ATTRIBUTES.c.name, ATTRIBUTES.c.type).order_by(ATTRIBUTES.c.name)
    ).all()
    if attributes:
        variables = SubElement(root, "Variables")
        for attribute in attributes:
            SubElement(
                variables,
                "Variable",
                {
                    "guid": guid("attribute", attribute.name),
                    "name": _clean(attribute.name),
                    "typeOfVariable": _TYPES.get(attribute.type, "Text"),
                },
            )
    names = {a.id: a for a in attributes}
    cases = conn.execute(select(CASES.c.id, CASES.c.name).order_by(CASES.c.name)).all()
    if not cases:
        return
    element = SubElement(root, "Cases")
    for case in cases:
        item = SubElement(element, "Case", {"guid": guid("case", case.name), "name": _clean(case.name)})
        for attribute_id, value in conn.execute(
            select(CASE_ATTRIBUTES.c.attribute_id, CASE_ATTRIBUTES.c.value).where(
                CASE_ATTRIBUTES.c.case_id == case.id
            )
        ).all():
            attribute = names[attribute_id]
            refi_type = _TYPES.get(attribute.type, "Text")
            holder = SubElement(item, "VariableValue")
            SubElement(holder, "VariableRef", {"targetGUID": guid("attribute", attribute.name)})
            if refi_type == "Float":
                value = format(Decimal(value), "f")  # xsd:decimal has no exponent
            SubElement(holder, _VALUE_ELEMENTS[refi_type]).text = _clean(value)
        for (name,) in conn.execute(
            select(DOCUMENTS.c.name)
            .where(DOCUMENTS.c.case_id == case.id, finished(DOCUMENTS.c.id))
            .order_by(DOCUMENTS.c.name)
        ):
            SubElement(item, "SourceRef", {"targetGUID": guid("document", name)})


def _sources(
    root: Element, conn: Connection, coders: dict[int, str], memos: dict[tuple[str, int | None], list[str]]
) -> None:
    book = read_codebook(conn)
    documents = conn.execute(
        select(DOCUMENTS.c.id, DOCUMENTS.c.name, DOCUMENTS.c.text, DOCUMENTS.c.imported_at)
        .where(finished(DOCUMENTS.c.id))
        .order_by(DOCUMENTS.c.name)
    ).all()
    if not documents:
        return
    sources = SubElement(root, "Sources")
    for doc in documents:
        doc_guid = guid("document", doc.name)
        source = SubElement(
            sources,
            "TextSource",
            {
                "guid": doc_guid,
                "name": _clean(doc.name),
                "plainTextPath": f"internal://{doc_guid}.txt",
                "creationDateTime": _time(doc.imported_at),
            },
        )
        codings = conn.execute(
            select(CODINGS)
            .where(CODINGS.c.document_id == doc.id)
            .order_by(CODINGS.c.start, CODINGS.c.end, CODINGS.c.id)
        ).all()
        for c in codings:
            path = book.rows[c.code_id].path
            coder = coders[c.coder_id]
            coding_guid = guid("coding", doc.name, PATH_SEPARATOR.join(path), coder, c.start, c.end)
            user = guid("coder", coder)
            selection = SubElement(
                source,
                "PlainTextSelection",
                {
                    "guid": guid("selection", coding_guid),
                    "name": _clean(doc.text[c.start : c.end][:60]),
                    "startPosition": str(c.start),
                    "endPosition": str(c.end),
                    "creatingUser": user,
                    "creationDateTime": _time(c.created_at),
                },
            )
            if c.memo:
                SubElement(selection, "Description").text = _clean(c.memo)
            coding = SubElement(
                selection,
                "Coding",
                {"guid": coding_guid, "creatingUser": user, "creationDateTime": _time(c.created_at)},
            )
            SubElement(coding, "CodeRef", {"targetGUID": code_guid(path)})
            for note in memos.get(("coding", c.id), []):
                SubElement(coding, "NoteRef", {"targetGUID": note})
        for note in memos.get(("document", doc.id), []):
            SubElement(source, "NoteRef", {"targetGUID": note})


def _notes(root: Element, conn: Connection, coders: dict[int, str]) -> None:
    rows = conn.execute(select(MEMOS).order_by(MEMOS.c.id)).all()
    if not rows:
        return
    notes = SubElement(root, "Notes")
    for memo in rows:
        first_line = memo.text.strip().split("\n", 1)[0][:60]
        note = SubElement(
            notes,
            "Note",
            {
                "guid": guid("memo", memo.id),
                "name": _clean(first_line),
                "creatingUser": guid("coder", coders[memo.coder_id]),
                "creationDateTime": _time(memo.created_at),
            },
        )
        SubElement(note, "PlainTextContent").text = _clean(memo.text)
