"""Disagreements between coders, and writing consensus codings under a new coder name.

A disagreement is a stretch of text that some compared coders coded with a code and others
did not (characters, so that nothing is hidden by unit boundaries). Reconciling writes, for
every code and shared document, the consensus spans as codings of a new coder: ``prefer`` one
coder's decisions, the ``union`` of everyone's, their ``intersection``, or a person's decision
per disagreement (``decide``), added to what everyone agreed on. It is one undoable change.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import select

from qualcode.agreement.data import AuditData, Span, disagreement_stretches, load_audit_data, merge_spans
from qualcode.codebook import read_codebook
from qualcode.errors import QualcodeError
from qualcode.query import Locator
from qualcode.store.backups import backup_before
from qualcode.store.changes import ChangeRecorder
from qualcode.store.codings import NewCoding, add_codings, ensure_coder
from qualcode.store.models import DOCUMENTS
from qualcode.store.project import Project


@dataclass
class Disagreement:
    """One stretch coded by some coders and not by others."""

    code: str
    document: str
    start: int
    end: int
    text: str
    left: str
    right: str
    coded_by: list[str]
    not_coded_by: list[str]
    speaker: str | None
    turn: int | None

    def to_dict(self) -> dict[str, Any]:
        """Plain data for ``--json``."""
        return asdict(self)


def disagreements(
    project: Project,
    *,
    coders: list[str] | None = None,
    codes: tuple[str, ...] | list[str] = (),
    documents: tuple[str, ...] | list[str] = (),
    context: int = 60,
) -> list[Disagreement]:
    """Every disagreement, by code (codebook order), document and position."""
    with project.read() as conn:
        data = load_audit_data(conn, coders, _leaf_codes(conn, codes), documents, rollup=False)
        texts = dict(
            conn.execute(
                select(DOCUMENTS.c.id, DOCUMENTS.c.text).where(DOCUMENTS.c.id.in_(list(data.documents)))
            ).all()
        )
        locator = Locator(conn, list(data.documents))
    found = []
    for (index, doc_id), per_coder in sorted(
        data.spans.items(), key=lambda kv: (kv[0][0], data.documents[kv[0][1]])
    ):
        text = texts[doc_id]
        for start, end, pattern in disagreement_stretches(per_coder, data.lengths[doc_id]):
            speaker, turn, _ = locator.find(doc_id, start)
            found.append(
                _disagreement(data, index, doc_id, text, (start, end), pattern, context, speaker, turn)
            )
    return found


def _disagreement(
    data: AuditData,
    index: int,
    doc_id: int,
    text: str,
    span: Span,
    pattern: tuple[int, ...],
    context: int,
    speaker: str | None = None,
    turn: int | None = None,
) -> Disagreement:
    start, end = span
    return Disagreement(
        code=data.codes[index][0],
        document=data.documents[doc_id],
        start=start,
        end=end,
        text=text[start:end],
        left=text[max(0, start - context) : start],
        right=text[end : end + context],
        coded_by=[c for c, p in zip(data.coders, pattern, strict=True) if p],
        not_coded_by=[c for c, p in zip(data.coders, pattern, strict=True) if not p],
        speaker=speaker,
        turn=turn,
    )


@dataclass
class ReconcileReport:
    """What `agree reconcile` wrote."""

    into: str
    rule: str
    codings: int
    already: int
    decided: int

    def to_dict(self) -> dict[str, Any]:
        """Plain data for ``--json``."""
        return asdict(self)


def reconcile(
    project: Project,
    into: str,
    author: str,
    *,
    prefer: str | None = None,
    union: bool = False,
    intersection: bool = False,
    decide: Callable[[Disagreement], bool] | None = None,
    coders: list[str] | None = None,
    codes: tuple[str, ...] | list[str] = (),
    documents: tuple[str, ...] | list[str] = (),
) -> ReconcileReport:
    """Write consensus codings as coder ``into``; exactly one rule (or ``decide``) must be given."""
    rules = [
        r
        for r, on in (
            ("prefer", prefer is not None),
            ("union", union),
            ("intersection", intersection),
            ("interactive", decide is not None),
        )
        if on
    ]
    if len(rules) != 1:
        raise QualcodeError("choose exactly one of --prefer CODER, --union, --intersection or --interactive")
    backup_before(project, "reconcile")
    with project.write() as conn:
        data = load_audit_data(conn, coders, _leaf_codes(conn, codes), documents, rollup=False)
        if into in data.coders:
            raise QualcodeError(
                f"{into!r} is one of the compared coders; choose a new name for the consensus"
            )
        if prefer is not None and prefer not in data.coders:
            raise QualcodeError(
                f"--prefer {prefer!r} is not one of the compared coders ({', '.join(data.coders)})"
            )
        book = read_codebook(conn)
        by_label = {row.label: row.id for row in book.rows.values()}
        texts = dict(
            conn.execute(
                select(DOCUMENTS.c.id, DOCUMENTS.c.text).where(DOCUMENTS.c.id.in_(list(data.documents)))
            ).all()
        )
        rec = ChangeRecorder(conn)
        coder_id = ensure_coder(rec, into)
        written = already = decided = 0
        for (index, doc_id), per_coder in sorted(data.spans.items()):
            label = data.codes[index][0]
            if rules[0] == "prefer":
                spans = per_coder[data.coders.index(prefer or "")]
            elif rules[0] == "union":
                spans = merge_spans(s for coder_spans in per_coder for s in coder_spans)
            else:
                spans = _intersection(per_coder)
                if decide is not None:
                    for start, end, pattern in disagreement_stretches(per_coder, data.lengths[doc_id]):
                        item = _disagreement(data, index, doc_id, texts[doc_id], (start, end), pattern, 60)
                        decided += 1
                        if decide(item):
                            spans = merge_spans([*spans, (start, end)])
            results = add_codings(
                rec,
                [
                    NewCoding(doc_id, by_label[label], coder_id, start, end, origin=f"reconciled:{rules[0]}")
                    for start, end in spans
                ],
            )
            made = sum(r.created for r in results)
            written += made
            already += len(results) - made
        report = ReconcileReport(
            into, rules[0] if rules[0] != "prefer" else f"prefer {prefer}", written, already, decided
        )
        rec.log(author, "agreement.reconcile", f"coder:{into}", report.to_dict())
    return report


def _intersection(per_coder: list[list[Span]]) -> list[Span]:
    result = per_coder[0]
    for spans in per_coder[1:]:
        merged: list[Span] = []
        i = j = 0
        while i < len(result) and j < len(spans):
            start, end = max(result[i][0], spans[j][0]), min(result[i][1], spans[j][1])
            if start < end:
                merged.append((start, end))
            if result[i][1] < spans[j][1]:
                i += 1
            else:
                j += 1
        result = merged
    return result


def _leaf_codes(conn: Any, codes: tuple[str, ...] | list[str]) -> list[str]:
    """Codes one by one (with their sub-codes listed separately), since codings are written per code."""
    if not codes:
        return []
    book = read_codebook(conn)
    labels: list[str] = []
    for ref in codes:
        for code_id in book.subtree(book.resolve(ref).id):
            labels.append(book.rows[code_id].label)
    return list(dict.fromkeys(labels))
