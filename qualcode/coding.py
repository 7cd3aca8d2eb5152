"""Codings: a coder's code on character spans of a document, and memos.

Spans are chosen by one selector:
- ``units="3,5-7"`` — unit numbers as `transcripts show --units` prints them; each item is
  one coding, and a range ``5-7`` is one coding from the start of unit 5 to the end of unit 7;
- ``span="120:348"`` — code-point offsets into the document's text;
- ``match="prosjač"`` — every unit containing the word (or regular expression), compared in
  the folded form: Latin and Cyrillic, case and diacritics do not matter.

Applying is idempotent (a coder's identical coding is not made twice). Removing takes the
selection out of the coder's codings of that code: a coding inside it goes, one that sticks
out is cut back to what lies outside. Every change is undoable (:mod:`qualcode.history`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import Connection, func, select

from qualcode.codebook import CodeRow, read_codebook
from qualcode.documents import find_document
from qualcode.errors import NotFound, QualcodeError
from qualcode.store.changes import ChangeRecorder
from qualcode.store.codings import (
    NewCoding,
    add_codings,
    delete_codings,
    ensure_coder,
    find_coder,
    update_coding,
)
from qualcode.store.codings import add_memo as store_memo
from qualcode.store.models import CODERS, CODINGS, DOCUMENTS, UNITS
from qualcode.store.project import Project
from qualcode.text.fold import fold
from qualcode.text.regex import compile_user_regex

UNIT_KINDS = ("turn", "paragraph", "sentence", "cue")
# At most 18 digits: a number past Python's int() limit for long digit strings (4,300) would be
# a traceback, and no document is longer than a quintillion characters.
_UNIT_ITEM = re.compile(r"^\s*(\d{1,18})\s*(?:-\s*(\d{1,18})\s*)?$")
_SPAN = re.compile(r"^\s*(\d{1,18})\s*:\s*(\d{1,18})\s*$")
_REGEX_CHARS = set("\\^$.|?*+()[]{}")


@dataclass(frozen=True)
class Selector:
    """Which part of a document to code: exactly one of units, span or match."""

    units: str | None = None
    span: str | None = None
    match: str | None = None
    unit_kind: str = "turn"

    def describe(self) -> str:
        """The selector as the user wrote it."""
        if self.units is not None:
            return f"{self.unit_kind} {self.units}"
        if self.span is not None:
            return f"span {self.span}"
        return f"match {self.match!r} ({self.unit_kind}s)"


@dataclass(frozen=True)
class Span:
    """A selected stretch of text, with where it came from."""

    start: int
    end: int
    label: str
    text: str


@dataclass
class CodingView:
    """A coding as listed and reported."""

    id: int
    document: str
    code: str
    coder: str
    start: int
    end: int
    text: str
    memo: str
    origin: str
    important: bool

    def to_dict(self) -> dict[str, Any]:
        """Plain data for ``--json``."""
        return asdict(self)


@dataclass
class ApplyReport:
    """What `code apply` did."""

    code: str
    document: str
    created: list[CodingView]
    already: int

    def to_dict(self) -> dict[str, Any]:
        """Plain data for ``--json``."""
        return {
            "code": self.code,
            "document": self.document,
            "already": self.already,
            "created": [c.to_dict() for c in self.created],
        }


@dataclass
class RemoveReport:
    """What `code remove` did."""

    code: str
    document: str
    removed: int
    trimmed: int

    def to_dict(self) -> dict[str, Any]:
        """Plain data for ``--json``."""
        return asdict(self)


def select_spans(project: Project, document: str, selector: Selector) -> list[Span]:
    """The spans a selector picks in a document (for previews), in document order."""
    with project.read() as conn:
        doc_id, text = find_document(conn, document)
        return _spans(conn, doc_id, text, selector)


def apply_code(
    project: Project,
    code: str,
    document: str,
    selector: Selector,
    coder: str,
    *,
    memo: str = "",
    origin: str = "manual",
) -> ApplyReport:
    """Code the selected spans; an identical coding by the same coder is not made twice."""
    with project.write() as conn:
        row = require_codable(read_codebook(conn).resolve(code))
        doc_id, text = find_document(conn, document)
        spans = _spans(conn, doc_id, text, selector)
        rec = ChangeRecorder(conn)
        coder_id = ensure_coder(rec, coder)
        results = add_codings(
            rec,
            [NewCoding(doc_id, row.id, coder_id, s.start, s.end, memo=memo, origin=origin) for s in spans],
        )
        created = [
            CodingView(r.id, document, row.label, coder, s.start, s.end, s.text, memo, origin, False)
            for s, r in zip(spans, results, strict=True)
            if r.created
        ]
        if rec.ops:
            rec.log(
                coder,
                "coding.apply",
                f"document:{doc_id}",
                {
                    "code": row.label,
                    "document": document,
                    "selector": selector.describe(),
                    "codings": len(created),
                },
            )
    return ApplyReport(row.label, document, created, len(spans) - len(created))


def remove_code(project: Project, code: str, document: str, selector: Selector, coder: str) -> RemoveReport:
    """Take the selected spans out of the coder's codings of ``code`` in ``document``."""
    with project.write() as conn:
        row = read_codebook(conn).resolve(code)
        doc_id, text = find_document(conn, document)
        spans = _spans(conn, doc_id, text, selector)
        coder_id = find_coder(conn, coder)  # None: this coder has coded nothing, so nothing goes
        rec = ChangeRecorder(conn)
        removed = trimmed = 0
        codings = conn.execute(
            select(CODINGS)
            .where(
                CODINGS.c.document_id == doc_id, CODINGS.c.code_id == row.id, CODINGS.c.coder_id == coder_id
            )
            .order_by(CODINGS.c.start, CODINGS.c.id)
        ).all()
        for coding in codings:
            pieces = _subtract((coding.start, coding.end), [(s.start, s.end) for s in spans])
            if pieces == [(coding.start, coding.end)]:
                continue
            if not pieces:
                delete_codings(rec, [coding.id])
                removed += 1
                continue
            trimmed += 1
            update_coding(rec, coding.id, start=pieces[0][0], end=pieces[0][1])
            add_codings(
                rec,
                [
                    NewCoding(
                        doc_id,
                        row.id,
                        coding.coder_id,
                        start,
                        end,
                        memo=coding.memo,
                        origin=coding.origin,
                        important=coding.important,
                    )
                    for start, end in pieces[1:]
                ],
            )
        if removed or trimmed:
            rec.log(
                coder,
                "coding.remove",
                f"document:{doc_id}",
                {
                    "code": row.label,
                    "document": document,
                    "selector": selector.describe(),
                    "removed": removed,
                    "trimmed": trimmed,
                },
            )
    return RemoveReport(row.label, document, removed, trimmed)


def list_codings(
    project: Project, *, document: str | None = None, code: str | None = None, coder: str | None = None
) -> list[CodingView]:
    """Codings, optionally of one document, one code (with its sub-codes) or one coder; in text order."""
    with project.read() as conn:
        book = read_codebook(conn)
        query = (
            select(
                CODINGS,
                DOCUMENTS.c.name.label("document"),
                # Only the coded text: the whole document per row took 3.5 GB for 40,000 codings.
                # SQLite's substr counts characters (code points), as the offsets do.
                func.substr(DOCUMENTS.c.text, CODINGS.c.start + 1, CODINGS.c.end - CODINGS.c.start).label(
                    "coded_text"
                ),
                CODERS.c.name.label("coder"),
            )
            .join(DOCUMENTS, DOCUMENTS.c.id == CODINGS.c.document_id)
            .join(CODERS, CODERS.c.id == CODINGS.c.coder_id)
            .order_by(DOCUMENTS.c.name, CODINGS.c.start, CODINGS.c.end, CODINGS.c.id)
        )
        if document is not None:
            query = query.where(CODINGS.c.document_id == find_document(conn, document)[0])
        if code is not None:
            query = query.where(CODINGS.c.code_id.in_(book.subtree(book.resolve(code).id)))
        if coder is not None:
            query = query.where(CODERS.c.name == coder)
        rows = conn.execute(query).all()
    return [
        CodingView(
            r.id,
            r.document,
            book.rows[r.code_id].label,
            r.coder,
            r.start,
            r.end,
            r.coded_text,
            r.memo,
            r.origin,
            r.important,
        )
        for r in rows
    ]


def add_memo(
    project: Project,
    text: str,
    coder: str,
    *,
    document: str | None = None,
    code: str | None = None,
    coding: int | None = None,
) -> int:
    """Attach a memo to exactly one of a document, a code or a coding; returns the memo's id."""
    if sum(x is not None for x in (document, code, coding)) != 1:
        raise QualcodeError("a memo goes on exactly one of --doc, --code or --coding")
    if not text.strip():
        raise QualcodeError("the memo is empty")
    with project.write() as conn:
        if document is not None:
            target_type, target_id = "document", find_document(conn, document)[0]
        elif code is not None:
            target_type, target_id = "code", read_codebook(conn).resolve(code).id
        else:
            target_type, target_id = "coding", _coding_id(conn, coding)
        rec = ChangeRecorder(conn)
        memo_id = store_memo(rec, target_type, target_id, ensure_coder(rec, coder), text.strip())
        rec.log(coder, "memo.add", f"{target_type}:{target_id}", {"memo": memo_id})
    return memo_id


def set_important(project: Project, coding_id: int, important: bool, coder: str) -> bool:
    """Mark a coding as important (a quote for the report), or clear the mark.

    Returns whether anything changed; a change is an undoable event, a no-op writes nothing.
    """
    with project.write() as conn:
        row_id = _coding_id(conn, coding_id)
        current = conn.execute(select(CODINGS.c.important).where(CODINGS.c.id == row_id)).scalar_one()
        if bool(current) == important:
            return False
        rec = ChangeRecorder(conn)
        update_coding(rec, row_id, important=important)
        rec.log(coder, "coding.important", f"coding:{row_id}", {"important": important})
    return True


def require_codable(row: CodeRow) -> CodeRow:
    """The code itself, unless it is a category that is not applied (REFI ``isCodable="false"``)."""
    if not row.codable:
        raise QualcodeError(
            f"{row.label!r} is a category that is not applied itself (not codable); apply one of its "
            "sub-codes, or mark it codable in the codebook file and load it again"
        )
    return row


def _coding_id(conn: Connection, coding: int | None) -> int:
    found = conn.execute(select(CODINGS.c.id).where(CODINGS.c.id == coding)).scalar_one_or_none()
    if found is None:
        raise NotFound(f"no coding with id {coding} (`qualcode code list` shows the ids)")
    return int(found)


def _spans(conn: Connection, doc_id: int, text: str, selector: Selector) -> list[Span]:
    given = [s for s in (selector.units, selector.span, selector.match) if s is not None]
    if len(given) != 1:
        raise QualcodeError("choose exactly one of --units, --span or --match")
    if selector.unit_kind not in UNIT_KINDS:
        raise QualcodeError(f"unknown unit kind {selector.unit_kind!r}; use one of {', '.join(UNIT_KINDS)}")
    if selector.span is not None:
        return [_span(text, selector.span)]
    units = conn.execute(
        select(UNITS.c.ordinal, UNITS.c.start, UNITS.c.end)
        .where(UNITS.c.document_id == doc_id, UNITS.c.kind == selector.unit_kind)
        .order_by(UNITS.c.ordinal)
    ).all()
    if selector.units is not None:
        return _unit_spans(text, units, selector.units, selector.unit_kind)
    assert selector.match is not None
    pattern = _match_pattern(selector.match)
    return [
        Span(u.start, u.end, f"{selector.unit_kind} {u.ordinal}", text[u.start : u.end])
        for u in units
        if pattern.search(fold(text[u.start : u.end]))
    ]


def _span(text: str, value: str) -> Span:
    m = _SPAN.match(value)
    if not m:
        raise QualcodeError(f"--span {value!r} is not START:END (two offsets, e.g. 120:348)")
    start, end = int(m[1]), int(m[2])
    if not 0 <= start < end <= len(text):
        raise QualcodeError(
            f"--span {value} is outside the document (offsets run from 0 to {len(text)}, and START < END)"
        )
    return Span(start, end, f"span {start}:{end}", text[start:end])


def _unit_spans(text: str, units: Sequence[Any], value: str, kind: str) -> list[Span]:
    if not units:
        raise QualcodeError(f"the document has no {kind} units; try --unit-kind paragraph")
    by_number = {u.ordinal: u for u in units}
    spans: list[Span] = []
    taken: set[int] = set()
    for item in value.split(","):
        m = _UNIT_ITEM.match(item)
        if not m:
            raise QualcodeError(f"--units {value!r}: {item.strip()!r} is not a number or a range like 5-7")
        first, last = int(m[1]), int(m[2] or m[1])
        if first > last:
            raise QualcodeError(f"--units {value!r}: the range {first}-{last} runs backwards")
        missing = [n for n in (first, last) if n not in by_number]
        if missing:
            raise QualcodeError(
                f"there is no {kind} {missing[0]}: the document has {kind}s 1 to {len(units)}"
            )
        overlap = taken.intersection(range(first, last + 1))
        if overlap:
            raise QualcodeError(f"--units {value!r}: {kind} {min(overlap)} is selected twice")
        taken.update(range(first, last + 1))
        start, end = by_number[first].start, by_number[last].end
        label = f"{kind} {first}" if first == last else f"{kind} {first}-{last}"
        spans.append(Span(start, end, label, text[start:end]))
    return sorted(spans, key=lambda s: s.start)


def _match_pattern(value: str) -> re.Pattern[str]:
    """The folded pattern: a plain word matches whole words, anything else is a regular expression."""
    if not value.strip():
        raise QualcodeError("--match needs a word or a regular expression")
    if not _REGEX_CHARS.intersection(value):
        return re.compile(r"\b" + re.escape(fold(value.strip())) + r"\b")
    folded = re.sub(r"\\.|[^\\]", lambda m: m[0] if m[0].startswith("\\") else fold(m[0]), value)
    return compile_user_regex(folded, f"--match {value!r}")


def _subtract(span: tuple[int, int], cuts: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """What remains of ``span`` after removing every cut."""
    pieces = [span]
    for cut_start, cut_end in cuts:
        pieces = [
            piece
            for start, end in pieces
            for piece in ((start, min(end, cut_start)), (max(start, cut_end), end))
            if piece[0] < piece[1]
        ]
    return pieces
