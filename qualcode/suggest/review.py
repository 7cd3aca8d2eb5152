"""Reviewing suggestions: list them in review order, accept or reject them.

Accepting makes a coding by the reviewing coder with its origin recorded
(``suggestion:<method>``); rejecting is final for that span and code. Every decision is an
undoable event.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import func, select

from qualcode.codebook import read_codebook
from qualcode.errors import NotFound, QualcodeError
from qualcode.store.changes import ChangeRecorder
from qualcode.store.codings import NewCoding, add_codings, ensure_coder
from qualcode.store.models import DOCUMENTS, SUGGESTIONS
from qualcode.store.project import Project


@dataclass
class SuggestionView:
    """A suggestion as listed and reviewed."""

    id: int
    document: str
    code: str
    unit_kind: str
    unit: int
    start: int
    end: int
    text: str
    method: str
    score: float
    reason: list[str]
    model_version: str
    status: str
    reviewer: str | None

    def to_dict(self) -> dict[str, Any]:
        """Plain data for ``--json``."""
        return asdict(self)


def list_suggestions(
    project: Project,
    *,
    status: str | None = "pending",
    document: str | None = None,
    code: str | None = None,
    limit: int | None = None,
) -> list[SuggestionView]:
    """Suggestions in review order (strongest deductive and most informative learned first)."""
    with project.read() as conn:
        book = read_codebook(conn)
        query = (
            select(
                SUGGESTIONS,
                DOCUMENTS.c.name.label("document"),
                # Only the suggested text: SQLite counts code points, as our offsets do.
                func.substr(
                    DOCUMENTS.c.text, SUGGESTIONS.c.start + 1, SUGGESTIONS.c.end - SUGGESTIONS.c.start
                ).label("unit_text"),
            )
            .join(DOCUMENTS, DOCUMENTS.c.id == SUGGESTIONS.c.document_id)
            .order_by(SUGGESTIONS.c.priority, SUGGESTIONS.c.id)
        )
        if status is not None:
            query = query.where(SUGGESTIONS.c.status == status)
        if document is not None:
            query = query.where(DOCUMENTS.c.name == document)
        if code is not None:
            query = query.where(SUGGESTIONS.c.code_id.in_(book.subtree(book.resolve(code).id)))
        if limit is not None:
            query = query.limit(limit)
        rows = conn.execute(query).all()
    return [
        SuggestionView(
            r.id,
            r.document,
            book.rows[r.code_id].label,
            r.unit_kind,
            r.unit_ordinal,
            r.start,
            r.end,
            r.unit_text,
            r.method,
            r.score,
            json.loads(r.reason),
            r.model_version,
            r.status,
            r.reviewer,
        )
        for r in rows
    ]


@dataclass
class ReviewReport:
    """What accept / reject did."""

    accepted: list[int] = field(default_factory=list)
    rejected: list[int] = field(default_factory=list)
    codings: list[int] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Plain data for ``--json``."""
        return asdict(self)


def review(
    project: Project,
    ids: Sequence[int],
    coder: str,
    *,
    accept: bool,
    as_code: str | None = None,
) -> ReviewReport:
    """Accept (a coding by ``coder``; with ``as_code`` under another code) or reject pending suggestions."""
    report = ReviewReport()
    with project.write() as conn:
        book = read_codebook(conn)
        other = book.resolve(as_code) if as_code else None
        rows = {r.id: r for r in conn.execute(select(SUGGESTIONS).where(SUGGESTIONS.c.id.in_(list(ids))))}
        for suggestion_id in ids:
            row = rows.get(suggestion_id)
            if row is None:
                raise NotFound(
                    f"no suggestion {suggestion_id} (`qualcode suggest list` shows the pending ones)"
                )
            if row.status != "pending":
                raise QualcodeError(
                    f"suggestion {suggestion_id} was already {row.status}; nothing was changed"
                )
        rec = ChangeRecorder(conn)
        coder_id = ensure_coder(rec, coder) if accept else None
        for suggestion_id in ids:
            row = rows[suggestion_id]
            if not accept:
                rec.update(SUGGESTIONS, row.id, status="rejected", reviewer=coder)
                report.rejected.append(row.id)
                continue
            assert coder_id is not None
            code_id = other.id if other else row.code_id
            # The write path checks the code is codable and finds a coding the coder already
            # made of this span by hand, instead of making it twice.
            (coding,) = add_codings(
                rec,
                [
                    NewCoding(
                        row.document_id,
                        code_id,
                        coder_id,
                        row.start,
                        row.end,
                        origin=f"suggestion:{row.method}",
                    )
                ],
            )
            # Coded under another code: the suggested code was wrong for this span, so it is rejected.
            rec.update(
                SUGGESTIONS,
                row.id,
                status="rejected" if other else "accepted",
                reviewer=coder,
                coding_id=coding.id,
            )
            (report.rejected if other else report.accepted).append(row.id)
            if coding.created:
                report.codings.append(coding.id)
        rec.log(
            coder,
            "suggest.accept" if accept else "suggest.reject",
            "suggestions",
            {"accepted": len(report.accepted), "rejected": len(report.rejected), "as": as_code or ""},
        )
    return report


def accept_above(
    project: Project, threshold: float, coder: str, *, method: str | None = None
) -> ReviewReport:
    """Accept every pending suggestion scoring at least ``threshold``."""
    with project.read() as conn:
        query = select(SUGGESTIONS.c.id).where(
            SUGGESTIONS.c.status == "pending", SUGGESTIONS.c.score >= threshold
        )
        if method:
            query = query.where(SUGGESTIONS.c.method == method)
        ids = list(conn.execute(query.order_by(SUGGESTIONS.c.id)).scalars())
    if not ids:
        return ReviewReport()
    return review(project, ids, coder, accept=True)


def count_by_status(project: Project) -> dict[str, int]:
    """How many suggestions are pending, accepted and rejected."""
    with project.read() as conn:
        return dict(Counter(conn.execute(select(SUGGESTIONS.c.status)).scalars()))
