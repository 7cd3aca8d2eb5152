"""Making suggestions in a project: from the codebook's words and from the coders' codings.

Nothing is coded without a person's yes: every method only writes *pending* suggestions, and a
suggestion becomes a coding (origin ``suggestion:<method>``) when someone accepts it. A rejected
span and code are never suggested again. Making, accepting, rejecting and adopting are undoable
changes in the event log. Listing and deciding them: :mod:`qualcode.suggest.review`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, select

from qualcode.codebook import read_codebook
from qualcode.errors import NotFound, QualcodeError
from qualcode.store.changes import ChangeRecorder
from qualcode.store.codings import add_suggestions, delete_suggestions
from qualcode.store.models import CODERS, CODINGS, DOCUMENTS, SUGGESTIONS, UNITS, finished
from qualcode.store.project import Project

if TYPE_CHECKING:
    from qualcode.suggest.deductive import CodeEvidence

METHODS = ("deductive", "learned", "all")


@dataclass(frozen=True)
class UnitText:
    """A unit with its text and its document's language."""

    id: int
    document_id: int
    document: str
    ordinal: int
    start: int
    end: int
    text: str
    language: str
    case_id: int | None


def load_unit_texts(conn: Connection, kind: str, documents: Sequence[str] = ()) -> list[UnitText]:
    """Every unit of one kind with its text, in document and unit order."""
    docs = conn.execute(
        select(DOCUMENTS.c.id, DOCUMENTS.c.name, DOCUMENTS.c.text, DOCUMENTS.c.language, DOCUMENTS.c.case_id)
        .where(finished(DOCUMENTS.c.id))
        .order_by(DOCUMENTS.c.name)
    ).all()
    if documents:
        known = {d.name for d in docs}
        missing = [d for d in documents if d not in known]
        if missing:
            raise NotFound(f"no document named {missing[0]!r} (`qualcode transcripts list` shows the names)")
        docs = [d for d in docs if d.name in set(documents)]
    by_id = {d.id: d for d in docs}
    rows = conn.execute(
        select(UNITS.c.id, UNITS.c.document_id, UNITS.c.ordinal, UNITS.c.start, UNITS.c.end)
        .where(UNITS.c.kind == kind, UNITS.c.document_id.in_(list(by_id)))
        .order_by(UNITS.c.document_id, UNITS.c.ordinal)
    ).all()
    units = [
        UnitText(
            r.id,
            r.document_id,
            by_id[r.document_id].name,
            r.ordinal,
            r.start,
            r.end,
            by_id[r.document_id].text[r.start : r.end],
            by_id[r.document_id].language,
            by_id[r.document_id].case_id,
        )
        for r in rows
    ]
    units.sort(key=lambda u: (u.document, u.ordinal))
    return units


def unit_labels(conn: Connection, units: Sequence[UnitText], coder: str | None = None) -> list[set[str]]:
    """The code paths applied to each unit (a coding overlapping it), by ``coder`` or by anyone."""
    book = read_codebook(conn)
    query = select(CODINGS.c.document_id, CODINGS.c.code_id, CODINGS.c.start, CODINGS.c.end)
    if coder is not None:
        query = query.join(CODERS, CODERS.c.id == CODINGS.c.coder_id).where(CODERS.c.name == coder)
    by_doc: dict[int, list[tuple[int, int, str]]] = {}
    for doc_id, code_id, start, end in conn.execute(query):
        by_doc.setdefault(doc_id, []).append((start, end, book.rows[code_id].label))
    return [
        {label for start, end, label in by_doc.get(u.document_id, ()) if start < u.end and end > u.start}
        for u in units
    ]


@dataclass
class SuggestReport:
    """What `suggest codes` made."""

    created: dict[str, int] = field(default_factory=dict)
    skipped: int = 0
    #: Pending suggestions of an earlier learned model withdrawn for the new model's.
    replaced: int = 0
    #: The learned model's version ("" when none was trained).
    model_version: str = ""
    trained_codes: list[str] = field(default_factory=list)
    too_few_examples: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Plain data for ``--json``."""
        return asdict(self)


def suggest_codes(
    project: Project,
    coder: str,
    *,
    method: str = "all",
    documents: Sequence[str] = (),
    unit_kind: str = "turn",
    min_score: float = 0.5,
    min_examples: int = 5,
    seed: int = 0,
) -> SuggestReport:
    """Create pending suggestions by the codebook's words and/or a model of the coders' codings."""
    if method not in METHODS:
        raise QualcodeError(f"--method {method!r}: use one of {', '.join(METHODS)}")
    report = SuggestReport()
    with project.write() as conn:
        book = read_codebook(conn)
        if not book.rows:
            raise QualcodeError(
                "the project has no codebook yet; load one with `qualcode codebook load FILE`"
            )
        units = load_unit_texts(conn, unit_kind, documents)
        if not units:
            raise QualcodeError(f"no {unit_kind} units to suggest codes for; import transcripts first")
        labels = unit_labels(conn, units)
        candidates: list[tuple[UnitText, str, float, float, list[str], str, str]] = []
        evidence = _evidence(book)  # both methods use the codebook's words
        if method in ("deductive", "all"):
            candidates += _deductive(evidence, units, labels, min_score, report)
        if method in ("learned", "all"):
            candidates += _learned(conn, units, labels, min_score, min_examples, seed, report, evidence)
        rec = ChangeRecorder(conn)
        if report.trained_codes:
            # A retrained model replaces the last one: its pending suggestions would otherwise
            # outlive the codings that now contradict them. Decided suggestions stay.
            report.replaced = _withdraw_pending(conn, rec, "learned")
        seen = _already_suggested(conn)
        rows: list[dict[str, Any]] = []
        by_label = {row.label: row.id for row in book.rows.values()}
        for unit, code, score, priority, reason, method_name, version in candidates:
            key = (unit.document_id, by_label[code], unit.start, unit.end)
            if key in seen:  # suggested before (a rejection is final)
                report.skipped += 1
                continue
            seen.add(key)
            rows.append(
                {
                    "document_id": unit.document_id,
                    "code_id": by_label[code],
                    "start": unit.start,
                    "end": unit.end,
                    "unit_kind": unit_kind,
                    "unit_ordinal": unit.ordinal,
                    "method": method_name,
                    "score": score,
                    "priority": priority,
                    "reason": json.dumps(reason, ensure_ascii=False),
                    "model_version": version,
                    "status": "pending",
                }
            )
            report.created[method_name] = report.created.get(method_name, 0) + 1
        add_suggestions(rec, rows)
        if rec.ops:
            rec.log(
                coder,
                "suggest.codes",
                f"method:{method}",
                {"created": report.created, "skipped": report.skipped, "replaced": report.replaced},
            )
    return report


def _deductive(
    evidence: list[CodeEvidence],
    units: list[UnitText],
    labels: list[set[str]],
    min_score: float,
    report: SuggestReport,
) -> list[tuple[UnitText, str, float, float, list[str], str, str]]:
    from qualcode.suggest.deductive import deductive_matches

    if not evidence:
        report.notes.append("no code has keywords, a definition or an example: nothing to match deductively")
        return []
    matches = deductive_matches([(u.text, u.language) for u in units], evidence, min_score=min_score)
    return [
        (units[m.unit], m.code, m.score, -m.score, m.reason, "deductive", "deductive-1")
        for m in matches
        if m.code not in labels[m.unit]  # already coded with it by someone
    ]


def _evidence(book: Any) -> list[CodeEvidence]:
    """The codebook's words for every code that has some."""
    from qualcode.suggest.deductive import code_evidence

    evidence = [code_evidence(row.label, row.keywords, row.definition, row.example) for row in book.walk()]
    return [e for e in evidence if e.keywords or e.definition_words]


def _learned(
    conn: Connection,
    units: list[UnitText],
    labels: list[set[str]],
    min_score: float,
    min_examples: int,
    seed: int,
    report: SuggestReport,
    evidence: list[CodeEvidence],
) -> list[tuple[UnitText, str, float, float, list[str], str, str]]:
    from qualcode.suggest.learned import train

    # Learn from documents someone has coded: there an uncoded unit was read and left uncoded, a
    # true negative. Units of documents nobody has opened yet would only teach "no code".
    coded_docs = {u.document_id for u, lab in zip(units, labels, strict=True) if lab}
    reviewed = [i for i, u in enumerate(units) if u.document_id in coded_docs]
    model, training = train(
        [units[i].text for i in reviewed],
        [units[i].language for i in reviewed],
        [labels[i] for i in reviewed],
        min_examples=min_examples,
        seed=seed,
        evidence=evidence,
    )
    report.trained_codes = list(training.trained)
    report.model_version = training.model_version
    report.too_few_examples = dict(training.too_few)
    if model is None:
        report.notes.append(
            f"no model could be trained: each code needs at least {min_examples} coded units "
            f"(and some units without it); codes with too few: "
            + (", ".join(f"{c} ({n})" for c, n in training.too_few.items()) or "none coded yet")
        )
        return []
    uncoded = [i for i, lab in enumerate(labels) if not lab]  # units nobody has coded yet
    texts = [units[i].text for i in uncoded]
    languages = [units[i].language for i in uncoded]
    predictions, ranking = model.predict_and_order(texts, languages, min_probability=min_score)
    order = {unit: rank for rank, unit in enumerate(ranking)}
    return [
        (
            units[uncoded[p.unit]],
            p.code,
            round(p.probability, 6),
            float(order.get(p.unit, len(order))),
            p.reason,
            "learned",
            model.version,
        )
        for p in predictions
    ]


def _withdraw_pending(conn: Connection, rec: ChangeRecorder, method: str) -> int:
    ids = list(
        conn.execute(
            select(SUGGESTIONS.c.id).where(SUGGESTIONS.c.status == "pending", SUGGESTIONS.c.method == method)
        ).scalars()
    )
    delete_suggestions(rec, ids)
    return len(ids)


def _already_suggested(conn: Connection) -> set[tuple[int, int, int, int]]:
    return {
        (r.document_id, r.code_id, r.start, r.end)
        for r in conn.execute(
            select(SUGGESTIONS.c.document_id, SUGGESTIONS.c.code_id, SUGGESTIONS.c.start, SUGGESTIONS.c.end)
        )
    }
