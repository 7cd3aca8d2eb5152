"""The one write path for codings, memos and suggestions, and for deleting what they hang on.

Coding by command, suggestion review, reconciliation, project merge, coding sheets and REFI-QDA
import all write through these functions, so the rules hold everywhere, not in the one command
that remembered them:

- a coding's code exists and is codable, its span lies inside its document (``0 <= start <
  end <= len(text)``), and one coder's coding of one span with one code exists once — an
  identical coding is found, not made again (the unique constraint ``uq_codings_span`` backs it);
- a memo points to its target by foreign key;
- nothing disappears by cascade: deleting a coding, a code or a document first deletes (or
  unlinks) every row that refers to it, each through the :class:`ChangeRecorder`, so that undo
  brings every one of them back.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, select, tuple_

from qualcode.errors import NotFound, QualcodeError
from qualcode.store import fulltext
from qualcode.store.changes import ChangeRecorder
from qualcode.store.models import (
    CODERS,
    CODES,
    CODINGS,
    DOCUMENTS,
    MEMO_TARGETS,
    MEMOS,
    SUGGESTIONS,
    UNITS,
    utcnow,
)

_CHUNK = 500


@dataclass(frozen=True)
class NewCoding:
    """A coding to be made: who coded which span of which document with which code."""

    document_id: int
    code_id: int
    coder_id: int
    start: int
    end: int
    memo: str = ""
    origin: str = "manual"
    important: bool = False
    created_at: datetime | None = None

    @property
    def key(self) -> tuple[int, int, int, int, int]:
        """What makes two codings the same coding."""
        return (self.document_id, self.code_id, self.coder_id, self.start, self.end)


@dataclass(frozen=True)
class CodingResult:
    """The coding that now stands for a :class:`NewCoding`: made now, or already there."""

    id: int
    created: bool


def add_codings(rec: ChangeRecorder, codings: Sequence[NewCoding]) -> list[CodingResult]:
    """Make the codings after checking them; an identical coding already there is returned, not copied.

    One result per input, in order. Raises :class:`NotFound` for an unknown code or document and
    :class:`QualcodeError` for a code that is not codable or a span outside its document; then
    nothing is written.
    """
    if not codings:
        return []
    check_codable(rec.conn, {c.code_id for c in codings})
    _check_spans(rec.conn, codings)
    found = _existing(rec.conn, codings)
    new: list[dict[str, Any]] = []
    pending: dict[tuple[int, int, int, int, int], int] = {}
    for coding in codings:
        if coding.key not in found and coding.key not in pending:
            pending[coding.key] = len(new)
            new.append(
                {
                    "document_id": coding.document_id,
                    "code_id": coding.code_id,
                    "coder_id": coding.coder_id,
                    "start": coding.start,
                    "end": coding.end,
                    "memo": coding.memo,
                    "origin": coding.origin,
                    "important": coding.important,
                    "created_at": coding.created_at or utcnow(),
                }
            )
    ids = rec.insert_many(CODINGS, new)
    made = {key: ids[index] for key, index in pending.items()}
    results = []
    reported: set[tuple[int, int, int, int, int]] = set()
    for coding in codings:
        if coding.key in found:
            results.append(CodingResult(found[coding.key], False))
        else:  # a repeat within the batch finds the one just made
            results.append(CodingResult(made[coding.key], coding.key not in reported))
            reported.add(coding.key)
    return results


def update_coding(rec: ChangeRecorder, coding_id: int, **values: Any) -> None:
    """Change a coding's columns, keeping the rules: the span stays inside, no twin appears."""
    row = rec.conn.execute(select(CODINGS).where(CODINGS.c.id == coding_id)).mappings().one_or_none()
    if row is None:
        raise NotFound(f"no coding with id {coding_id} (`qualcode code list` shows the ids)")
    merged = {**row, **values}
    if {"code_id", "start", "end", "document_id", "coder_id"} & values.keys():
        changed = NewCoding(
            merged["document_id"], merged["code_id"], merged["coder_id"], merged["start"], merged["end"]
        )
        if "code_id" in values:
            check_codable(rec.conn, {changed.code_id})
        _check_spans(rec.conn, [changed])
        twin = _existing(rec.conn, [changed]).get(changed.key)
        if twin is not None and twin != coding_id:
            raise QualcodeError(
                f"coding {coding_id} would become a copy of coding {twin} (same coder, code and span)"
            )
    rec.update(CODINGS, coding_id, **values)


def delete_codings(rec: ChangeRecorder, coding_ids: Iterable[int]) -> int:
    """Delete codings with their memos; suggestions that made them keep their decision, not the link.

    Returns the number of memos deleted with them.
    """
    ids = sorted(set(coding_ids))
    memos = 0
    for first in range(0, len(ids), _CHUNK):
        chunk = ids[first : first + _CHUNK]
        memo_ids = _ids(rec.conn, MEMOS, MEMOS.c.coding_id.in_(chunk))
        rec.delete_many(MEMOS, memo_ids)
        memos += len(memo_ids)
        for suggestion_id in _ids(rec.conn, SUGGESTIONS, SUGGESTIONS.c.coding_id.in_(chunk)):
            rec.update(SUGGESTIONS, suggestion_id, coding_id=None)
        rec.delete_many(CODINGS, chunk)
    return memos


def add_memo(
    rec: ChangeRecorder,
    target_type: str,
    target_id: int | None,
    coder_id: int,
    text: str,
    *,
    created_at: datetime | None = None,
) -> int:
    """Attach a memo to the project (``target_id`` None), a document, a code or a coding."""
    if target_type not in MEMO_TARGETS:
        raise QualcodeError(f"a memo goes on one of {', '.join(MEMO_TARGETS)}, not {target_type!r}")
    if (target_type == "project") != (target_id is None):
        raise QualcodeError("a project memo has no target; any other memo needs one")
    values: dict[str, Any] = {"target_type": target_type, "coder_id": coder_id, "text": text}
    if target_type != "project":
        values[f"{target_type}_id"] = target_id
    if created_at is not None:
        values["created_at"] = created_at
    return rec.insert(MEMOS, **values)


def memo_target_column(target_type: str) -> Any:
    """The memos column that holds a target of this type (``document`` -> ``memos.document_id``)."""
    if target_type not in MEMO_TARGETS or target_type == "project":
        raise QualcodeError(f"memos have no {target_type!r} target column")
    return MEMOS.c[f"{target_type}_id"]


def delete_memos_on(rec: ChangeRecorder, target_type: str, target_id: int) -> int:
    """Delete (undoably) every memo on one document, code or coding; returns how many."""
    memo_ids = _ids(rec.conn, MEMOS, memo_target_column(target_type) == target_id)
    rec.delete_many(MEMOS, memo_ids)
    return len(memo_ids)


def repoint_memos(rec: ChangeRecorder, target_type: str, old: int, new: int) -> None:
    """Move the memos on one target to another of the same type (a merge keeps its memos)."""
    column = memo_target_column(target_type)
    for memo_id in _ids(rec.conn, MEMOS, column == old):
        rec.update(MEMOS, memo_id, **{column.name: new})


def add_suggestions(rec: ChangeRecorder, rows: list[dict[str, Any]]) -> list[int]:
    """Store suggested codings (all with the same columns) and return their ids."""
    return rec.insert_many(SUGGESTIONS, rows)


def delete_suggestions(rec: ChangeRecorder, suggestion_ids: Iterable[int]) -> None:
    """Delete suggestions (undoably: a rejected one must come back rejected)."""
    rec.delete_many(SUGGESTIONS, sorted(set(suggestion_ids)))


def delete_codes(rec: ChangeRecorder, code_ids: Sequence[int]) -> int:
    """Delete codes (children before parents) with their memos and suggestions; returns the memos.

    Their codings must be gone already (moved by a merge, deleted by ``--force``): the schema
    refuses to leave a coding without its code.
    """
    memos = 0
    for code_id in code_ids:
        memos += delete_memos_on(rec, "code", code_id)
        delete_suggestions(rec, _ids(rec.conn, SUGGESTIONS, SUGGESTIONS.c.code_id == code_id))
        rec.delete(CODES, code_id)
    return memos


def delete_document(rec: ChangeRecorder, document_id: int) -> int:
    """Delete a document with everything that refers to it; returns the codings deleted.

    Codings (with their memos), suggestions, memos on the document, its search-index rows and
    its units go first, each recorded, so undo brings the whole interview back.
    """
    coding_ids = _ids(rec.conn, CODINGS, CODINGS.c.document_id == document_id)
    delete_codings(rec, coding_ids)
    delete_suggestions(rec, _ids(rec.conn, SUGGESTIONS, SUGGESTIONS.c.document_id == document_id))
    delete_memos_on(rec, "document", document_id)
    fulltext.delete_document(rec.conn, document_id)  # while its units still exist
    rec.delete_many(UNITS, _ids(rec.conn, UNITS, UNITS.c.document_id == document_id))
    rec.delete(DOCUMENTS, document_id)
    return len(coding_ids)


def ensure_coder(rec: ChangeRecorder, name: str) -> int:
    """The coder's id, creating the coder on first use (recorded, so undo removes it again)."""
    found = find_coder(rec.conn, name)
    return found if found is not None else rec.insert(CODERS, name=name)


def find_coder(conn: Connection, name: str) -> int | None:
    """The coder's id, or None when nobody of that name has coded yet."""
    found = conn.execute(select(CODERS.c.id).where(CODERS.c.name == name)).scalar_one_or_none()
    return None if found is None else int(found)


def check_codable(conn: Connection, code_ids: set[int]) -> None:
    """Refuse unknown codes and categories that are not applied themselves (REFI ``isCodable``)."""
    rows = {
        r.id: r for r in conn.execute(select(CODES.c.id, CODES.c.name, CODES.c.parent_id, CODES.c.codable))
    }
    for code_id in sorted(code_ids):
        if code_id not in rows:
            raise NotFound(f"no code with id {code_id}; `qualcode codebook show` lists the codes")
        if not rows[code_id].codable:
            parts: list[str] = []
            current: int | None = code_id
            while current is not None and len(parts) <= len(rows):
                parts.append(rows[current].name)
                current = rows[current].parent_id
            label = " > ".join(reversed(parts))
            raise QualcodeError(
                f"{label!r} is a category that is not applied itself (not codable); apply one of its "
                "sub-codes, or mark it codable in the codebook file and load it again"
            )


def _check_spans(conn: Connection, codings: Sequence[NewCoding]) -> None:
    lengths = dict(
        conn.execute(
            select(DOCUMENTS.c.id, func.length(DOCUMENTS.c.text)).where(
                DOCUMENTS.c.id.in_({c.document_id for c in codings})
            )
        ).all()
    )
    for c in codings:
        if c.document_id not in lengths:
            raise NotFound(f"no document with id {c.document_id}; `qualcode transcripts list` shows them")
        if not 0 <= c.start < c.end <= lengths[c.document_id]:
            raise QualcodeError(
                f"the span {c.start}:{c.end} is outside its document (offsets run from 0 to "
                f"{lengths[c.document_id]}, and the start comes before the end)"
            )


def _existing(conn: Connection, codings: Sequence[NewCoding]) -> dict[tuple[int, int, int, int, int], int]:
    """Ids of stored codings identical to some of ``codings``, by their key."""
    groups = sorted({(c.document_id, c.code_id, c.coder_id) for c in codings})
    found: dict[tuple[int, int, int, int, int], int] = {}
    for first in range(0, len(groups), _CHUNK):
        chunk = groups[first : first + _CHUNK]
        rows = conn.execute(
            select(CODINGS.c.id, CODINGS.c.document_id, CODINGS.c.code_id, CODINGS.c.coder_id)
            .add_columns(CODINGS.c.start, CODINGS.c.end)
            .where(tuple_(CODINGS.c.document_id, CODINGS.c.code_id, CODINGS.c.coder_id).in_(chunk))
        )
        for r in rows:
            found[(r.document_id, r.code_id, r.coder_id, r.start, r.end)] = int(r.id)
    return found


def _ids(conn: Connection, table: Any, condition: Any) -> list[int]:
    return [int(i) for i in conn.execute(select(table.c.id).where(condition).order_by(table.c.id)).scalars()]
