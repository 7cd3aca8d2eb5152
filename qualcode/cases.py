"""Participants (cases) and their typed attributes, imported from a CSV or Excel sheet.

One row per participant. A column names the case (``case``, ``participant``, ``id``…) and/or
the document (``document``, ``transcript``, ``file``…); every other column becomes an
attribute whose type (integer, number, date, boolean, text) is inferred from all its values.
Importing the sheet again updates the cases: it is the source of truth for the attributes it
has, and an emptied cell removes that value.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, delete, insert, select, update

from qualcode.attribute_values import infer_type, parse_value, python_value, typed_value
from qualcode.case_sheet import read_sheet
from qualcode.errors import Conflict, NotFound, QualcodeError
from qualcode.store.changes import ChangeRecorder
from qualcode.store.events import record_event
from qualcode.store.models import ATTRIBUTES, CASE_ATTRIBUTES, CASES, DOCUMENTS, finished
from qualcode.store.project import Project
from qualcode.store.rows import insert_id
from qualcode.text.fold import fold

CASE_COLUMNS = (
    "case",
    "participant",
    "participant_id",
    "case_id",
    "id",
    "code",
    "sifra",
    "šifra",
    "ispitanik",
    "učesnik",
    "ucesnik",
    "sagovornik",
)
DOCUMENT_COLUMNS = (
    "document",
    "transcript",
    "file",
    "filename",
    "interview",
    "dokument",
    "transkript",
    "intervju",
    "fajl",
)


@dataclass
class CaseImportReport:
    """What `cases import` did."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    linked: dict[str, str] = field(default_factory=dict)  # document -> case
    moved: dict[str, str] = field(default_factory=dict)  # document -> the case it was in before
    missing_documents: list[str] = field(default_factory=list)
    attributes: dict[str, str] = field(default_factory=dict)  # name -> type

    def to_dict(self) -> dict[str, Any]:
        """Plain data for ``--json``."""
        return asdict(self)


@dataclass
class CaseSummary:
    """A case, its documents and its attribute values."""

    name: str
    documents: list[str]
    attributes: dict[str, str | int | float | bool]

    def to_dict(self) -> dict[str, Any]:
        """Plain data for ``--json``."""
        return asdict(self)


@dataclass
class _Sheet:
    """A participants sheet, checked: its rows, the columns that name the case and the document."""

    path: Path
    rows: list[dict[str, str]]
    key_col: str
    doc_col: str | None
    attr_cols: list[str]

    def links(self) -> dict[str, str]:
        """Document -> case, for the rows that name a document."""
        if self.doc_col is None:
            return {}
        return {row[self.doc_col]: row[self.key_col] for row in self.rows if row.get(self.doc_col)}


def _read_participants(path: Path, case_column: str | None, document_column: str | None) -> _Sheet:
    header, rows = read_sheet(path)
    case_col = _pick_column(header, case_column, CASE_COLUMNS, path, "--case-column")
    doc_col = _pick_column(header, document_column, DOCUMENT_COLUMNS, path, "--document-column")
    if case_col is None and doc_col is None:
        raise QualcodeError(
            f"{path.name}: no column names the case or the document (found: {', '.join(header)}); "
            "name one with --case-column or --document-column"
        )
    key_col = case_col or doc_col
    assert key_col is not None
    seen: dict[str, int] = {}
    seen_docs: dict[str, int] = {}
    for line, row in enumerate(rows, start=2):
        key = row.get(key_col, "")
        if not key:
            raise QualcodeError(f"{path.name}, line {line}: the {key_col!r} cell is empty")
        if key in seen:
            raise QualcodeError(
                f"{path.name}, line {line}: {key!r} appears again (first on line {seen[key]})"
            )
        seen[key] = line
        doc = row.get(doc_col, "") if doc_col and doc_col != key_col else ""
        if doc in seen_docs:
            # A document belongs to one case: two rows naming it would link it to the last one.
            raise QualcodeError(
                f"{path.name}, line {line}: the document {doc!r} appears again (first on line "
                f"{seen_docs[doc]}); a document belongs to one case"
            )
        if doc:
            seen_docs[doc] = line
    attr_cols = [h for h in header if h and h not in (case_col, doc_col)]
    return _Sheet(path, rows, key_col, doc_col, attr_cols)


def sheet_moves(
    project: Project, path: Path, case_column: str | None = None, document_column: str | None = None
) -> dict[str, tuple[str, str]]:
    """The documents importing the sheet would move from one case to another: name -> (from, to)."""
    sheet = _read_participants(path, case_column, document_column)
    with project.read() as conn:
        return _moves(conn, sheet)


def _moves(conn: Connection, sheet: _Sheet) -> dict[str, tuple[str, str]]:
    wanted = sheet.links()
    if not wanted:
        return {}
    current = conn.execute(
        select(DOCUMENTS.c.name, CASES.c.name)
        .join(CASES, CASES.c.id == DOCUMENTS.c.case_id)
        .where(finished(DOCUMENTS.c.id))
        .order_by(DOCUMENTS.c.name)
    ).all()
    return {doc: (case, wanted[doc]) for doc, case in current if doc in wanted and wanted[doc] != case}


def import_cases(
    project: Project,
    path: Path,
    coder: str,
    case_column: str | None = None,
    document_column: str | None = None,
    *,
    relink: bool = False,
) -> CaseImportReport:
    """Create or update one case per row and link the documents the sheet names.

    A document the sheet would move from one case to another is moved only with ``relink``;
    otherwise the import is refused, naming those documents, and nothing is changed.
    """
    sheet = _read_participants(path, case_column, document_column)
    rows, key_col, doc_col, attr_cols = sheet.rows, sheet.key_col, sheet.doc_col, sheet.attr_cols
    types = {col: infer_type([row.get(col, "") for row in rows]) for col in attr_cols}
    report = CaseImportReport(attributes=dict(types))
    with project.write() as conn:
        moves = _moves(conn, sheet)
        if moves and not relink:
            raise Conflict(
                f"{path.name} would move {len(moves)} document(s) to another case: "
                + ", ".join(f"{doc} (from {old} to {new})" for doc, (old, new) in moves.items())
                + "; if that is right, run again with --relink, else correct the sheet; nothing was changed"
            )
        report.moved = {doc: old for doc, (old, _) in moves.items()}
        attr_ids = _ensure_attributes(conn, types, path)
        for line, row in enumerate(rows, start=2):
            name = row[key_col]
            values = {}
            for col in attr_cols:
                if row.get(col):
                    try:
                        values[col] = typed_value(row[col], types[col])
                    except ValueError:
                        raise QualcodeError(
                            f"{path.name}, line {line}, column {col!r}: "
                            f"{row[col]!r} is not a valid {types[col]}"
                        ) from None
            _upsert_case(conn, name, values, attr_ids, report)
            if doc_col and row.get(doc_col):
                _link(conn, row[doc_col], name, report)
        record_event(
            conn,
            coder,
            "cases.import",
            f"file:{path.name}",
            {
                "created": len(report.created),
                "updated": len(report.updated),
                "linked": len(report.linked),
                "moved": len(report.moved),
            },
        )
    return report


def _pick_column(
    header: list[str], given: str | None, known: tuple[str, ...], path: Path, option: str
) -> str | None:
    if given is not None:
        if given not in header:
            raise QualcodeError(
                f"{path.name} has no column {given!r} ({option}); columns: {', '.join(header)}"
            )
        return given
    folded = {h.casefold().replace(" ", "_"): h for h in header if h}
    return next((folded[k] for k in known if k in folded), None)


def _ensure_attributes(conn: Connection, types: dict[str, str], path: Path) -> dict[str, int]:
    ids: dict[str, int] = {}
    for name, type_ in types.items():
        row = conn.execute(
            select(ATTRIBUTES.c.id, ATTRIBUTES.c.type).where(ATTRIBUTES.c.name == name)
        ).one_or_none()
        if row is None:
            ids[name] = insert_id(conn, ATTRIBUTES, name=name, type=type_)
            continue
        ids[name] = row.id
        if row.type != type_:
            # Widen to text rather than refuse: a later sheet may write "10+" where the first had 10.
            new_type = "number" if {row.type, type_} <= {"integer", "number"} else "text"
            conn.execute(update(ATTRIBUTES).where(ATTRIBUTES.c.id == row.id).values(type=new_type))
            types[name] = new_type
    return ids


def _upsert_case(
    conn: Connection,
    name: str,
    values: dict[str, tuple[str, float | None]],
    attr_ids: dict[str, int],
    report: CaseImportReport,
) -> None:
    case_id = conn.execute(select(CASES.c.id).where(CASES.c.name == name)).scalar_one_or_none()
    if case_id is None:
        case_id = insert_id(conn, CASES, name=name)
        report.created.append(name)
        old: dict[int, str] = {}
    else:
        old = dict(
            conn.execute(
                select(CASE_ATTRIBUTES.c.attribute_id, CASE_ATTRIBUTES.c.value).where(
                    CASE_ATTRIBUTES.c.case_id == case_id
                )
            ).all()
        )
    new = {attr_ids[col]: v for col, v in values.items()}
    sheet_attrs = set(attr_ids.values())
    changed = {a for a in sheet_attrs if old.get(a) != (new[a][0] if a in new else None)}
    if not changed:
        if name not in report.created:
            report.unchanged.append(name)
        return
    conn.execute(
        delete(CASE_ATTRIBUTES).where(
            CASE_ATTRIBUTES.c.case_id == case_id, CASE_ATTRIBUTES.c.attribute_id.in_(changed)
        )
    )
    rows = [
        {"case_id": case_id, "attribute_id": a, "value": new[a][0], "number": new[a][1]}
        for a in sorted(changed)
        if a in new
    ]
    if rows:
        conn.execute(insert(CASE_ATTRIBUTES), rows)
    if name not in report.created:
        report.updated.append(name)


def _link(conn: Connection, document: str, case: str, report: CaseImportReport) -> None:
    doc_id = conn.execute(
        select(DOCUMENTS.c.id).where(DOCUMENTS.c.name == document, finished(DOCUMENTS.c.id))
    ).scalar_one_or_none()
    if doc_id is None:
        report.missing_documents.append(document)
        return
    case_id = conn.execute(select(CASES.c.id).where(CASES.c.name == case)).scalar_one()
    conn.execute(update(DOCUMENTS).where(DOCUMENTS.c.id == doc_id).values(case_id=case_id))
    report.linked[document] = case


@dataclass
class AttributeChange:
    """What `cases set` / `cases unset` changed: one case's value of one attribute, before and after.

    ``before_text`` / ``after_text`` are the canonical stored forms (what ``cases set`` accepts back),
    ``before`` / ``after`` the typed values as ``cases list --json`` shows them; None: no value.
    """

    case: str
    attribute: str
    type: str
    before_text: str | None
    after_text: str | None
    before: str | int | float | bool | None
    after: str | int | float | bool | None
    new_attribute: bool = False

    @property
    def changed(self) -> bool:
        """Whether the value is different now."""
        return self.before_text != self.after_text

    def to_dict(self) -> dict[str, Any]:
        """Plain data for ``--json``."""
        return {
            "case": self.case,
            "attribute": self.attribute,
            "type": self.type,
            "before": self.before,
            "after": self.after,
            "new_attribute": self.new_attribute,
            "changed": self.changed,
            "undoable": True,
        }


def set_attribute(
    project: Project, case: str, attribute: str, value: str, coder: str, *, new_attribute: bool = False
) -> AttributeChange:
    """Give a case a value of an attribute, typed like a sheet's (see :func:`parse_value`).

    An attribute the project does not have yet is added, its type inferred from the value; one
    whose name is close to an existing attribute's is refused unless ``new_attribute`` (a typo
    would add a column to every export). One undoable event, the new attribute included.
    """
    value = value.strip()
    attribute = attribute.strip()
    if not value:
        raise QualcodeError(
            f"the value is empty; to remove {case}'s value, use `qualcode cases unset {case} {attribute}`"
        )
    _check_attribute_name(attribute)
    with project.write() as conn:
        rec = ChangeRecorder(conn)
        case_id = _find_case(conn, case)
        found = _attribute(conn, attribute)
        if found is None:
            close = difflib.get_close_matches(attribute, _attribute_names(conn), n=3)
            if close and not new_attribute:
                raise NotFound(
                    f"no participant attribute {attribute!r}; did you mean {', '.join(close)}? "
                    f"To add {attribute!r} as a new attribute, add --new-attribute"
                )
            type_ = infer_type([value])
            attr_id = rec.insert(ATTRIBUTES, name=attribute, type=type_)
        else:
            attr_id, type_ = found
        text, number = parse_value(value, type_, attribute)
        change = _change(conn, case_id, attr_id, case, attribute, type_, (text, number))
        change.new_attribute = found is None
        if change.changed:
            row_id = _value_id(conn, case_id, attr_id)
            if row_id is None:
                rec.insert(CASE_ATTRIBUTES, case_id=case_id, attribute_id=attr_id, value=text, number=number)
            else:
                rec.update(CASE_ATTRIBUTES, row_id, value=text, number=number)
            _log_value_change(rec, coder, "case.set", case_id, change)
    return change


def unset_attribute(project: Project, case: str, attribute: str, coder: str) -> AttributeChange:
    """Remove a case's value of an attribute (the attribute stays, for the other cases).

    One undoable event.
    """
    with project.write() as conn:
        case_id = _find_case(conn, case)
        found = _attribute(conn, attribute)
        if found is None:
            raise unknown_attribute(attribute, _attribute_names(conn))
        attr_id, type_ = found
        change = _change(conn, case_id, attr_id, case, attribute, type_, None)
        row_id = _value_id(conn, case_id, attr_id)
        if change.changed and row_id is not None:
            rec = ChangeRecorder(conn)
            rec.delete(CASE_ATTRIBUTES, row_id)
            _log_value_change(rec, coder, "case.unset", case_id, change)
    return change


def unknown_attribute(name: str, names: list[str]) -> NotFound:
    """The error for an attribute the project does not have, naming the nearest ones (or all)."""
    close = difflib.get_close_matches(name, names, n=3)
    hint = (
        f"; did you mean {', '.join(close)}?" if close else f"; attributes: {', '.join(names) or 'none yet'}"
    )
    return NotFound(f"no participant attribute {name!r}{hint}")


def _attribute(conn: Connection, name: str) -> tuple[int, str] | None:
    """``(id, type)`` of the named attribute, or None."""
    row = conn.execute(
        select(ATTRIBUTES.c.id, ATTRIBUTES.c.type).where(ATTRIBUTES.c.name == name)
    ).one_or_none()
    return None if row is None else (int(row.id), str(row.type))


def _change(
    conn: Connection,
    case_id: int,
    attr_id: int,
    case: str,
    attribute: str,
    type_: str,
    after: tuple[str, float | None] | None,
) -> AttributeChange:
    """The change from the stored value (if any) to ``after`` (canonical text and number; None: no value)."""
    old = conn.execute(
        select(CASE_ATTRIBUTES.c.value, CASE_ATTRIBUTES.c.number).where(
            CASE_ATTRIBUTES.c.case_id == case_id, CASE_ATTRIBUTES.c.attribute_id == attr_id
        )
    ).one_or_none()
    return AttributeChange(
        case,
        attribute,
        type_,
        before_text=None if old is None else str(old.value),
        after_text=None if after is None else after[0],
        before=None if old is None else python_value(type_, old.value, old.number),
        after=None if after is None else python_value(type_, *after),
    )


def _check_attribute_name(name: str) -> None:
    if not name or any(ch in name for ch in "\r\n\t"):
        raise QualcodeError(
            f"{name!r} is not a usable attribute name (it must not be empty or hold a line break)"
        )


def _find_case(conn: Connection, name: str) -> int:
    case_id = conn.execute(select(CASES.c.id).where(CASES.c.name == name)).scalar_one_or_none()
    if case_id is None:
        names = list(conn.execute(select(CASES.c.name).order_by(CASES.c.name)).scalars())
        close = list(dict.fromkeys(look_alikes(name, names) + difflib.get_close_matches(name, names, n=3)))
        hint = f"; did you mean {', '.join(close)}?" if close else "; `qualcode cases list` shows the cases"
        raise NotFound(f"no case named {name!r} in the project{hint}")
    return int(case_id)


#: The slips that name a case wrongly: l/i for 1, o for 0, spaces, _ and - (after folding).
_LOOK_ALIKE = str.maketrans({"l": "1", "i": "1", "o": "0", " ": None, "_": None, "-": None})


def look_alikes(name: str, names: Iterable[str]) -> list[str]:
    """Those of ``names`` that differ from ``name`` only by a slip: case, diacritics, l/1, O/0, spacing."""
    # Not difflib: with cases numbered P01…P09, a new P10 is "close" to all of them, which says
    # nothing; p01, P0l or "Ana Maric" for "Ana Marić" almost surely meant the existing case.
    key = _look_alike_key(name)
    return [n for n in names if n != name and _look_alike_key(n) == key]


def _look_alike_key(name: str) -> str:
    return fold(name).translate(_LOOK_ALIKE)


def _attribute_names(conn: Connection) -> list[str]:
    return list(conn.execute(select(ATTRIBUTES.c.name).order_by(ATTRIBUTES.c.id)).scalars())


def _value_id(conn: Connection, case_id: int, attr_id: int) -> int | None:
    """The row id of a case's value of an attribute, if it has one."""
    found = conn.execute(
        select(CASE_ATTRIBUTES.c.id).where(
            CASE_ATTRIBUTES.c.case_id == case_id, CASE_ATTRIBUTES.c.attribute_id == attr_id
        )
    ).scalar_one_or_none()
    return None if found is None else int(found)


def _log_value_change(
    rec: ChangeRecorder, coder: str, action: str, case_id: int, change: AttributeChange
) -> None:
    rec.log(
        coder,
        action,
        f"case:{case_id}",
        {
            "case": change.case,
            "attribute": change.attribute,
            "value": change.after_text,
            "was": change.before_text,
            "new_attribute": change.new_attribute,
        },
    )


def list_cases(project: Project) -> list[CaseSummary]:
    """Every case with its documents and typed attribute values, by name."""
    with project.read() as conn:
        cases = conn.execute(select(CASES.c.id, CASES.c.name).order_by(CASES.c.name)).all()
        docs: dict[int, list[str]] = {}
        for case_id, doc in conn.execute(
            select(DOCUMENTS.c.case_id, DOCUMENTS.c.name)
            .where(DOCUMENTS.c.case_id.is_not(None), finished(DOCUMENTS.c.id))
            .order_by(DOCUMENTS.c.name)
        ):
            docs.setdefault(case_id, []).append(doc)
        values = case_attributes(conn)
    return [CaseSummary(name, docs.get(cid, []), values[cid].values) for cid, name in cases]


@dataclass
class CaseValues:
    """A case's name and attribute values."""

    name: str
    values: dict[str, str | int | float | bool] = field(default_factory=dict)


def case_attributes(conn: Connection) -> dict[int, CaseValues]:
    """Every case's attribute values, typed, by case id."""
    cases = {cid: CaseValues(name) for cid, name in conn.execute(select(CASES.c.id, CASES.c.name))}
    for case_id, name, type_, value, number in conn.execute(
        select(
            CASE_ATTRIBUTES.c.case_id,
            ATTRIBUTES.c.name,
            ATTRIBUTES.c.type,
            CASE_ATTRIBUTES.c.value,
            CASE_ATTRIBUTES.c.number,
        )
        .join(ATTRIBUTES, ATTRIBUTES.c.id == CASE_ATTRIBUTES.c.attribute_id)
        .order_by(ATTRIBUTES.c.id)
    ):
        cases[case_id].values[name] = python_value(type_, value, number)
    return cases
