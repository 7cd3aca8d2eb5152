"""The data of the exports as plain tables: codings with their participants, codes × groups.

Everything here reads the project and returns plain data (:class:`Table`, :class:`CodingRecord`);
:mod:`qualcode.exports.writers` turns it into files. Rows come in a fixed order, so the same
project always gives the same files.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Connection, select

from qualcode.cases import case_attributes
from qualcode.clock import format_clock
from qualcode.codebook import read_codebook
from qualcode.coding import UNIT_KINDS, list_codings
from qualcode.documents import find_document
from qualcode.errors import NotFound, QualcodeError
from qualcode.query import COUNTS, NO_VALUE, Locator, matrix
from qualcode.store.models import ATTRIBUTES, CASES, CODERS, CODINGS, DOCUMENTS, UNITS, finished
from qualcode.store.project import Project

#: A cell of a table: text, a number, a boolean, a date or nothing.
Cell = str | int | float | bool | date | None

#: The columns of the codings table before and after the participant's attribute columns.
CODING_COLUMNS_BEFORE = ("coding_id", "document", "participant")
CODING_COLUMNS_AFTER = (
    "code",
    "coder",
    "start",
    "end",
    "unit_kind",
    "unit",
    "speaker",
    "timestamp",
    "text",
    "memo",
    "origin",
    "important",
)
#: ``--by`` values that mean one matrix column per participant (unless an attribute has that name).
CASE_COLUMNS = ("case", "participant")


@dataclass
class Table:
    """A rectangular table: a header and rows of typed cells, for CSV, XLSX (and R, SPSS)."""

    columns: list[str]
    rows: list[list[Cell]]
    #: The XLSX sheet's name.
    sheet: str = "data"
    #: Columns of long text (quotes, memos), given a wide column in XLSX.
    wide: frozenset[str] = frozenset()


@dataclass
class CodingRecord:
    """One coding with everything an analyst filters or pivots on."""

    coding_id: int
    document: str
    participant: str | None
    attributes: dict[str, Cell]
    code: str
    coder: str
    start: int
    end: int
    #: The unit the coding is exactly (turn, paragraph, sentence, cue), else the turn it starts in.
    unit_kind: str | None
    unit: int | None
    speaker: str | None
    #: ``HH:MM:SS`` into the recording where the coding starts (timed transcripts only).
    timestamp: str | None
    text: str
    memo: str
    origin: str
    important: bool

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON (the attributes as a nested object)."""
        return asdict(self)


@dataclass
class CodingsExport:
    """The codings to export, with the names of the participant attributes in column order."""

    attributes: list[str]
    records: list[CodingRecord] = field(default_factory=list)

    def attribute_columns(self) -> list[str]:
        """Column names of the attributes; a name that is also a fixed column gets ``participant_``."""
        fixed = set(CODING_COLUMNS_BEFORE + CODING_COLUMNS_AFTER)
        return [f"participant_{a}" if a in fixed else a for a in self.attributes]

    def table(self) -> Table:
        """One row per coding: the fixed columns with one column per attribute after the participant."""
        rows: list[list[Cell]] = []
        for r in self.records:
            rows.append(
                [
                    r.coding_id,
                    r.document,
                    r.participant,
                    *(r.attributes.get(a) for a in self.attributes),
                    r.code,
                    r.coder,
                    r.start,
                    r.end,
                    r.unit_kind,
                    r.unit,
                    r.speaker,
                    r.timestamp,
                    r.text,
                    r.memo,
                    r.origin,
                    r.important,
                ]
            )
        columns = [*CODING_COLUMNS_BEFORE, *self.attribute_columns(), *CODING_COLUMNS_AFTER]
        return Table(columns, rows, sheet="codings", wide=frozenset({"text", "memo"}))

    def to_json(self) -> list[dict[str, Any]]:
        """A list of codings, each with its participant's attributes as a nested object."""
        return [r.to_dict() for r in self.records]


def codings_export(
    project: Project,
    *,
    codes: Sequence[str] = (),
    documents: Sequence[str] = (),
    coders: Sequence[str] = (),
) -> CodingsExport:
    """Every coding (of the given codes with their sub-codes, documents, coders), in text order.

    Each filter takes several values (any of them matches); an unknown code, document or coder
    is an error rather than an empty file.
    """
    with project.read() as conn:
        book = read_codebook(conn)
        labels = {book.rows[i].label for ref in codes for i in book.subtree(book.resolve(ref).id)}
        for name in documents:
            find_document(conn, name)  # NotFound with the nearest names
        _check_coders(conn, coders)
    # One filter value goes to list_codings (less to read); several are applied here.
    views = list_codings(
        project,
        document=documents[0] if len(documents) == 1 else None,
        code=codes[0] if len(codes) == 1 else None,
        coder=coders[0] if len(coders) == 1 else None,
    )
    views = [
        v
        for v in views
        if (not codes or v.code in labels)
        and (not documents or v.document in documents)
        and (not coders or v.coder in coders)
    ]
    if not views:
        raise QualcodeError(_nothing_to_export(codes, documents, coders))
    with project.read() as conn:
        types = dict(
            conn.execute(select(ATTRIBUTES.c.name, ATTRIBUTES.c.type).order_by(ATTRIBUTES.c.id)).all()
        )
        docs = {
            r.name: (r.id, r.case_id)
            for r in conn.execute(
                select(DOCUMENTS.c.id, DOCUMENTS.c.name, DOCUMENTS.c.case_id).where(finished(DOCUMENTS.c.id))
            )
        }
        cases = case_attributes(conn)
        doc_ids = sorted({docs[v.document][0] for v in views if v.document in docs})
        locator = Locator(conn, doc_ids)
        exact = _exact_units(
            conn, {(docs[v.document][0], v.start, v.end) for v in views if v.document in docs}
        )
    typed = {
        case_id: {name: _typed(types.get(name, "text"), value) for name, value in case.values.items()}
        for case_id, case in cases.items()
    }
    export = CodingsExport(list(types))
    for v in views:
        # A document removed since list_codings read the codings (another command) has no place.
        doc_id, case_id = docs.get(v.document, (-1, None))
        speaker, turn, t_start = locator.find(doc_id, v.start)
        unit_kind, unit = exact.get(
            (doc_id, v.start, v.end), ("turn", turn) if turn is not None else (None, None)
        )
        export.records.append(
            CodingRecord(
                coding_id=v.id,
                document=v.document,
                participant=cases[case_id].name if case_id in cases else None,
                attributes=dict(typed.get(case_id, {})) if case_id is not None else {},
                code=v.code,
                coder=v.coder,
                start=v.start,
                end=v.end,
                unit_kind=unit_kind,
                unit=unit,
                speaker=speaker,
                timestamp=format_clock(t_start) if t_start is not None else None,
                text=v.text,
                memo=v.memo,
                origin=v.origin,
                important=bool(v.important),
            )
        )
    return export


def _check_coders(conn: Connection, coders: Sequence[str]) -> None:
    known = set(conn.execute(select(CODERS.c.name)).scalars())
    for name in coders:
        if name not in known:
            raise NotFound(
                f"no coder {name!r} in the project; coders: {', '.join(sorted(known)) or 'none yet'}"
            )


def _nothing_to_export(codes: Sequence[str], documents: Sequence[str], coders: Sequence[str]) -> str:
    if codes or documents or coders:
        return "no codings match --codes/--doc/--coder; `qualcode code list` shows the codings"
    return "the project has no codings yet; code some with `qualcode code apply` first"


def _exact_units(
    conn: Connection, spans: set[tuple[int, int, int]]
) -> dict[tuple[int, int, int], tuple[str, int]]:
    """(document, start, end) of ``spans`` → the unit with exactly that span; turns before paragraphs…"""
    found: dict[tuple[int, int, int], tuple[str, int]] = {}
    rank = {kind: i for i, kind in enumerate(UNIT_KINDS)}
    rows = conn.execute(
        select(UNITS.c.document_id, UNITS.c.start, UNITS.c.end, UNITS.c.kind, UNITS.c.ordinal).where(
            UNITS.c.document_id.in_(sorted({doc_id for doc_id, _, _ in spans}))
        )
    )
    # One pass over every unit (a sort of the 370,000 units of a large study took seconds).
    for doc_id, start, end, kind, ordinal in rows:
        key = (doc_id, start, end)
        if key in spans and (key not in found or rank[kind] < rank[found[key][0]]):
            found[key] = (kind, ordinal)
    return found


def _typed(type_: str, value: str | int | float | bool) -> Cell:
    """Dates become dates (the library keeps them as ISO text); other values are typed already."""
    if type_ == "date" and isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return value
    return value


def matrix_table(
    project: Project,
    by: str | None = None,
    *,
    count: str = "segments",
    binary: bool = False,
    codes: Sequence[str] = (),
    coder: str | None = None,
) -> Table:
    """Codes (rows, by path, every code in codebook order) × values of ``by`` or participants.

    ``by`` names a participant attribute (the counts are those of ``qualcode query matrix``), or
    is ``None``/``case``/``participant`` for one column per participant. A code counts with its
    sub-codes; ``binary`` turns every count into 1 (present) or 0 (absent).
    """
    if count not in COUNTS:
        raise QualcodeError(f"--count {count!r}: use one of {', '.join(COUNTS)}")
    if by is not None and not (by in CASE_COLUMNS and not _is_attribute(project, by)):
        result = matrix(project, by, count=count, codes=codes, coder=coder)
        columns, rows = result.columns, result.rows
    else:
        columns, rows = _case_matrix(project, count, codes, coder)
    if not rows:
        raise QualcodeError("the codebook is empty; load one with `qualcode codebook load` first")
    if not any(n for _, counts in rows for n in counts):
        raise QualcodeError(
            "there are no codings to count"
            + (" for these codes or this coder" if codes or coder else "; code some first")
        )
    body: list[list[Cell]] = [
        [label, *(int(n > 0) if binary else n for n in counts)] for label, counts in rows
    ]
    return Table(["code", *columns], body, sheet="matrix")


def _is_attribute(project: Project, name: str) -> bool:
    with project.read() as conn:
        return conn.execute(select(ATTRIBUTES.c.id).where(ATTRIBUTES.c.name == name)).first() is not None


def _case_matrix(
    project: Project, count: str, codes: Sequence[str], coder: str | None
) -> tuple[list[str], list[tuple[str, list[int]]]]:
    """Codes × participants, counted as :func:`qualcode.query.matrix` counts per attribute value."""
    with project.read() as conn:
        book = read_codebook(conn)
        query = select(CODINGS.c.document_id, CODINGS.c.code_id).order_by(CODINGS.c.id)
        if coder is not None:
            query = query.join(CODERS, CODERS.c.id == CODINGS.c.coder_id).where(CODERS.c.name == coder)
        codings = conn.execute(query).all()
        doc_case = dict(conn.execute(select(DOCUMENTS.c.id, DOCUMENTS.c.case_id)).all())
        names = dict(conn.execute(select(CASES.c.id, CASES.c.name)).all())
    code_rows = [book.resolve(ref) for ref in codes] if codes else list(book.walk())
    groups = [(row.label, set(book.subtree(row.id))) for row in code_rows]
    member: dict[int, list[int]] = defaultdict(list)
    for g, (_, ids) in enumerate(groups):
        for code_id in ids:
            member[code_id].append(g)
    seen: dict[tuple[int, str], set[int]] = defaultdict(set)
    segments: dict[tuple[int, str], int] = defaultdict(int)
    for doc_id, code_id in codings:
        case_id = doc_case.get(doc_id)
        column = names[case_id] if case_id is not None else NO_VALUE
        for g in member.get(code_id, ()):
            segments[(g, column)] += 1
            if count == "documents":
                seen[(g, column)].add(doc_id)
            elif count == "cases" and case_id is not None:
                seen[(g, column)].add(case_id)
    cells = segments if count == "segments" else {key: len(values) for key, values in seen.items()}
    columns = sorted(names.values()) + ([NO_VALUE] if any(col == NO_VALUE for _, col in segments) else [])
    return columns, [(label, [cells.get((g, c), 0) for c in columns]) for g, (label, _) in enumerate(groups)]
