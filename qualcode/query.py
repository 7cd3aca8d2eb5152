"""Getting coded material back out: retrieval by code and participant, co-occurrence, matrices.

All functions read the project in one snapshot and return plain data in a fixed order, so
the same project always gives the same output.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import Connection, select

from qualcode.cases import CaseValues, case_attributes, unknown_attribute
from qualcode.codebook import Codebook, read_codebook
from qualcode.errors import QualcodeError
from qualcode.store.models import ATTRIBUTES, CODERS, CODINGS, DOCUMENTS, UNITS
from qualcode.store.project import Project

_OPERATOR_CHARS = re.compile(r"[=<>!]")
NO_VALUE = "(none)"


@dataclass
class Segment:
    """A coded segment with where it is and who said it."""

    coding_id: int
    document: str
    case: str | None
    attributes: dict[str, str | int | float | bool]
    code: str
    coder: str
    start: int
    end: int
    text: str
    speaker: str | None
    turn: int | None
    t_start: int | None
    left: str
    right: str
    memo: str
    important: bool

    def to_dict(self) -> dict[str, Any]:
        """Plain data for ``--json``."""
        return asdict(self)


@dataclass
class Condition:
    """One ``--where`` condition on a participant attribute."""

    attribute: str
    op: str
    value: str


def parse_condition(text: str) -> Condition:
    """``role=social worker``, ``country!=Serbia``, ``years_experience>=10``."""
    # Split at the first operator character by hand: a regular expression with optional spaces
    # around a lazy name backtracks cubically, and a long --where of spaces would never return.
    found = _OPERATOR_CHARS.search(text)
    at = found.start() if found else len(text)
    op = text[at : at + 2] if text[at : at + 2] in ("!=", ">=", "<=") else text[at : at + 1]
    attribute, value = text[:at].strip(), text[at + len(op) :].strip()
    if not attribute or op not in ("!=", ">=", "<=", "=", ">", "<") or not value:
        shown = text if len(text) <= 80 else text[:77] + "..."
        raise QualcodeError(
            f"--where {shown!r} is not ATTRIBUTE=VALUE (also != >= <= > <), e.g. country=Serbia"
        )
    return Condition(attribute, op, value)


def retrieve(
    project: Project,
    code: str,
    *,
    children: bool = False,
    where: Sequence[str] = (),
    coder: str | None = None,
    context: int = 80,
) -> list[Segment]:
    """The segments coded with ``code`` (and its sub-codes with ``children``), filtered, in document order."""
    conditions = [parse_condition(w) for w in where]
    with project.read() as conn:
        book = read_codebook(conn)
        row = book.resolve(code)
        code_ids = book.subtree(row.id) if children else [row.id]
        query = (
            select(
                CODINGS.c.id,
                CODINGS.c.document_id,
                CODINGS.c.code_id,
                CODINGS.c.start,
                CODINGS.c.end,
                CODINGS.c.memo,
                CODINGS.c.important,
                CODERS.c.name.label("coder"),
                DOCUMENTS.c.name.label("document"),
                DOCUMENTS.c.case_id,
            )
            .join(CODERS, CODERS.c.id == CODINGS.c.coder_id)
            .join(DOCUMENTS, DOCUMENTS.c.id == CODINGS.c.document_id)
            .where(CODINGS.c.code_id.in_(code_ids))
            .order_by(DOCUMENTS.c.name, CODINGS.c.start, CODINGS.c.end, CODINGS.c.id)
        )
        if coder is not None:
            query = query.where(CODERS.c.name == coder)
        rows = conn.execute(query).all()
        cases = case_attributes(conn)
        rows = [r for r in rows if case_matches(cases.get(r.case_id), conditions, conn)]
        doc_ids = sorted({r.document_id for r in rows})
        texts = dict(
            conn.execute(select(DOCUMENTS.c.id, DOCUMENTS.c.text).where(DOCUMENTS.c.id.in_(doc_ids))).all()
        )
        locator = Locator(conn, doc_ids)
    segments = []
    for r in rows:
        text = texts[r.document_id]
        speaker, turn, t_start = locator.find(r.document_id, r.start)
        case = cases.get(r.case_id)
        segments.append(
            Segment(
                coding_id=r.id,
                document=r.document,
                case=case.name if case else None,
                attributes=dict(case.values) if case else {},
                code=book.rows[r.code_id].label,
                coder=r.coder,
                start=r.start,
                end=r.end,
                text=text[r.start : r.end],
                speaker=speaker,
                turn=turn,
                t_start=t_start,
                left=_left(text, r.start, context),
                right=_right(text, r.end, context),
                memo=r.memo,
                important=bool(r.important),
            )
        )
    return segments


def case_matches(case: CaseValues | None, conditions: list[Condition], conn: Connection) -> bool:
    """Whether a participant meets every condition (no conditions: everyone; no participant: no one)."""
    if not conditions:
        return True
    if case is None:
        return False
    return all(_holds(case.values, c, conn) for c in conditions)


def _holds(values: dict[str, str | int | float | bool], cond: Condition, conn: Connection) -> bool:
    if cond.attribute not in values:
        _check_attribute(conn, cond.attribute)
        return cond.op == "!="
    actual = values[cond.attribute]
    if isinstance(actual, (int, float)) and not isinstance(actual, bool):
        try:
            wanted: Any = float(cond.value.replace(",", "."))
        except ValueError:
            raise QualcodeError(
                f"--where {cond.attribute}{cond.op}{cond.value}: {cond.attribute} is a number"
            ) from None
        actual_cmp: Any = float(actual)
    else:
        actual_cmp, wanted = str(actual).casefold(), cond.value.casefold()
    return bool(
        {
            "=": actual_cmp == wanted,
            "!=": actual_cmp != wanted,
            ">=": actual_cmp >= wanted,
            "<=": actual_cmp <= wanted,
            ">": actual_cmp > wanted,
            "<": actual_cmp < wanted,
        }[cond.op]
    )


def _check_attribute(conn: Connection, name: str) -> None:
    names = list(conn.execute(select(ATTRIBUTES.c.name)).scalars())
    if name not in names:
        raise unknown_attribute(name, names)


class Locator:
    """Finds the turn (number, speaker) and the time at an offset of a document."""

    def __init__(self, conn: Connection, doc_ids: list[int]) -> None:
        self.units: dict[tuple[int, str], list[Any]] = defaultdict(list)
        for row in conn.execute(
            select(
                UNITS.c.document_id,
                UNITS.c.kind,
                UNITS.c.ordinal,
                UNITS.c.start,
                UNITS.c.end,
                UNITS.c.speaker,
                UNITS.c.t_start,
            )
            .where(UNITS.c.document_id.in_(doc_ids), UNITS.c.kind.in_(("turn", "cue")))
            .order_by(UNITS.c.document_id, UNITS.c.kind, UNITS.c.start)
        ):
            self.units[(row.document_id, row.kind)].append(row)
        self.starts = {key: [u.start for u in rows] for key, rows in self.units.items()}

    def _at(self, doc_id: int, kind: str, offset: int) -> Any | None:
        starts = self.starts.get((doc_id, kind))
        if not starts:
            return None
        i = bisect.bisect_right(starts, offset) - 1
        return self.units[(doc_id, kind)][i] if i >= 0 else None

    def find(self, doc_id: int, offset: int) -> tuple[str | None, int | None, int | None]:
        turn = self._at(doc_id, "turn", offset)
        cue = self._at(doc_id, "cue", offset)
        t_start = cue.t_start if cue is not None else (turn.t_start if turn is not None else None)
        return (turn.speaker if turn else None, turn.ordinal if turn else None, t_start)


def _left(text: str, start: int, size: int) -> str:
    if size <= 0:
        return ""
    chunk = text[max(0, start - size) : start]
    if start - size > 0 and " " in chunk:
        chunk = chunk[chunk.index(" ") + 1 :]  # begin at a word
    return " ".join(chunk.split()) + (" " if chunk[-1:].isspace() else "")


def _right(text: str, end: int, size: int) -> str:
    if size <= 0:
        return ""
    chunk = text[end : end + size]
    if end + size < len(text) and " " in chunk:
        chunk = chunk[: chunk.rindex(" ")]  # end at a word
    return (" " if chunk[:1].isspace() else "") + " ".join(chunk.split())


@dataclass
class Cooccurrence:
    """Code × code: overlapping coding pairs and shared units."""

    codes: list[str]
    unit_kind: str
    segments: list[list[int]]
    units: list[list[int]]

    def to_dict(self) -> dict[str, Any]:
        """Plain data for ``--json``."""
        return asdict(self)


def cooccurrence(
    project: Project, codes: Sequence[str] = (), *, unit_kind: str = "turn", coder: str | None = None
) -> Cooccurrence:
    """For each pair of codes: how many of their codings overlap, and in how many units both occur.

    A code stands for itself and its sub-codes. On the diagonal: the code's own codings and the
    units it occurs in. Without ``codes``, every code that has codings is included.
    """
    with project.read() as conn:
        book = read_codebook(conn)
        rows = _codings(conn, coder)
        groups = _code_groups(book, codes, {r.code_id for r in rows})
        member = _membership(groups)
        by_doc: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
        for r in rows:
            for g in member.get(r.code_id, ()):
                by_doc[r.document_id].append((r.start, r.end, g))
        units = _unit_spans(conn, sorted(by_doc), unit_kind)
    n = len(groups)
    seg = [[0] * n for _ in range(n)]
    shared = [[0] * n for _ in range(n)]
    for doc_id, items in by_doc.items():
        items.sort()
        for i, (_start, end, g) in enumerate(items):
            seg[g][g] += 1
            for other_start, _other_end, h in items[i + 1 :]:
                if other_start >= end:
                    break
                if h != g:
                    seg[g][h] += 1
                    seg[h][g] += 1
        for unit_codes in _codes_per_unit(units.get(doc_id, []), items):
            for g in unit_codes:
                for h in unit_codes:
                    shared[g][h] += 1
    return Cooccurrence([label for label, _ in groups], unit_kind, seg, shared)


@dataclass
class Matrix:
    """Codes × values of a participant attribute."""

    attribute: str
    count: str
    columns: list[str]
    rows: list[tuple[str, list[int]]]

    def to_dict(self) -> dict[str, Any]:
        """Plain data for ``--json``."""
        return {
            "attribute": self.attribute,
            "count": self.count,
            "columns": self.columns,
            "rows": [{"code": code, "counts": counts} for code, counts in self.rows],
        }


COUNTS = ("segments", "documents", "cases")


def matrix(
    project: Project, by: str, *, count: str = "segments", codes: Sequence[str] = (), coder: str | None = None
) -> Matrix:
    """How often each code occurs per value of ``by``: codings, documents or cases.

    A code counts with its sub-codes.
    """
    if count not in COUNTS:
        raise QualcodeError(f"--count {count!r}: use one of {', '.join(COUNTS)}")
    with project.read() as conn:
        _check_attribute(conn, by)
        book = read_codebook(conn)
        rows = _codings(conn, coder)
        cases = case_attributes(conn)
        doc_case = dict(conn.execute(select(DOCUMENTS.c.id, DOCUMENTS.c.case_id)).all())
        groups = _code_groups(book, codes, {r.code_id for r in rows}, tree=not codes)
    member = _membership(groups)

    def column(doc_id: int) -> str:
        case = cases.get(doc_case.get(doc_id))  # type: ignore[arg-type]
        value = case.values.get(by) if case else None
        return NO_VALUE if value is None else str(value)

    seen: dict[tuple[int, str], set[Any]] = defaultdict(set)
    counts: Counter[tuple[int, str]] = Counter()
    for r in rows:
        col = column(r.document_id)
        for g in member.get(r.code_id, ()):
            if count == "segments":
                counts[(g, col)] += 1
            else:
                seen[(g, col)].add(r.document_id if count == "documents" else doc_case.get(r.document_id))
    if count != "segments":
        counts = Counter({key: len({v for v in values if v is not None}) for key, values in seen.items()})
    values = {str(v) for c in cases.values() if by in c.values for v in [c.values[by]]}
    columns = sorted(values) + ([NO_VALUE] if any(col == NO_VALUE for _, col in counts) else [])
    return Matrix(
        by,
        count,
        columns,
        [(label, [counts[(g, c)] for c in columns]) for g, (label, _) in enumerate(groups)],
    )


def _codings(conn: Connection, coder: str | None) -> list[Any]:
    query = select(CODINGS.c.document_id, CODINGS.c.code_id, CODINGS.c.start, CODINGS.c.end).order_by(
        CODINGS.c.id
    )
    if coder is not None:
        query = query.join(CODERS, CODERS.c.id == CODINGS.c.coder_id).where(CODERS.c.name == coder)
    return list(conn.execute(query).all())


def _code_groups(
    book: Codebook, refs: Sequence[str], used: set[int], *, tree: bool = False
) -> list[tuple[str, set[int]]]:
    """(label, code ids) per row: the named codes, or every code in tree order.

    Without ``tree``, only codes that are used (themselves or in a sub-code).
    """
    if refs:
        rows = [book.resolve(ref) for ref in refs]
    else:
        rows = [r for r in book.walk() if tree or used.intersection(book.subtree(r.id))]
    return [(r.label, set(book.subtree(r.id))) for r in rows]


def _membership(groups: list[tuple[str, set[int]]]) -> dict[int, list[int]]:
    member: dict[int, list[int]] = defaultdict(list)
    for g, (_, ids) in enumerate(groups):
        for code_id in ids:
            member[code_id].append(g)
    return member


def _unit_spans(conn: Connection, doc_ids: list[int], kind: str) -> dict[int, list[tuple[int, int]]]:
    spans: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for doc_id, start, end in conn.execute(
        select(UNITS.c.document_id, UNITS.c.start, UNITS.c.end)
        .where(UNITS.c.document_id.in_(doc_ids), UNITS.c.kind == kind)
        .order_by(UNITS.c.document_id, UNITS.c.start)
    ):
        spans[doc_id].append((start, end))
    return spans


def _codes_per_unit(units: list[tuple[int, int]], items: Iterable[tuple[int, int, int]]) -> list[set[int]]:
    """For each unit, the code groups whose codings overlap it."""
    starts = [u[0] for u in units]
    present: list[set[int]] = [set() for _ in units]
    for start, end, g in items:
        i = max(0, bisect.bisect_right(starts, start) - 1)
        while i < len(units) and units[i][0] < end:
            if units[i][1] > start:
                present[i].add(g)
            i += 1
    return [p for p in present if p]
