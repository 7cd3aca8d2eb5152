"""How good are the suggestions? Cross-validation on the project's own codings (`suggest evaluate`)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select

from qualcode.errors import QualcodeError
from qualcode.store.models import CODERS, CODINGS
from qualcode.store.project import Project
from qualcode.suggest.workflow import load_unit_texts, unit_labels


def evaluate_methods(
    project: Project,
    *,
    coder: str | None = None,
    folds: int = 5,
    unit_kind: str = "turn",
    documents: Sequence[str] = (),
    seed: int = 0,
    min_examples: int = 5,
) -> list[Any]:
    """The learned and the deductive method scored against one coder's codings, side by side.

    Units are those of the documents the coder has coded; a unit's true codes are the codes the
    coder applied to it. The learned method is cross-validated (``folds``); the deductive method
    needs no training and is scored on the same units.
    """
    from qualcode.codebook import read_codebook
    from qualcode.suggest.deductive import code_evidence, deductive_matches
    from qualcode.suggest.evaluation import evaluate_learned, evaluate_predictions

    with project.read() as conn:
        coder = coder or _busiest_coder(conn)
        coded_docs = set(
            conn.execute(
                select(CODINGS.c.document_id)
                .join(CODERS, CODERS.c.id == CODINGS.c.coder_id)
                .where(CODERS.c.name == coder)
                .distinct()
            ).scalars()
        )
        units = [u for u in load_unit_texts(conn, unit_kind, documents) if u.document_id in coded_docs]
        labels = unit_labels(conn, units, coder)
        book = read_codebook(conn)
    if not units:
        raise QualcodeError(
            f"coder {coder!r} has coded no {unit_kind} units yet: nothing to evaluate against"
        )
    texts, languages = [u.text for u in units], [u.language for u in units]
    used = sorted({code for unit in labels for code in unit})
    evidence = [
        code_evidence(r.label, r.keywords, r.definition, r.example) for r in book.walk() if r.label in used
    ]
    learned = evaluate_learned(
        texts, languages, labels, folds=folds, seed=seed, min_examples=min_examples, evidence=evidence
    )
    # Both methods are scored on the same codes: those with enough examples to be learned at all.
    # (Scoring the deductive method on every code would compare different questions.)
    scored = [c.code for c in learned.per_code] or used
    predicted: list[dict[str, float]] = [{} for _ in units]
    for m in deductive_matches(list(zip(texts, languages, strict=True)), evidence, min_score=0.0):
        predicted[m.unit][m.code] = m.score
    deductive = evaluate_predictions("deductive", labels, predicted, scored)
    return [learned, deductive]


def _busiest_coder(conn: Any) -> str:
    counts = Counter(
        dict(
            conn.execute(
                select(CODERS.c.name, func.count())
                .join(CODINGS, CODINGS.c.coder_id == CODERS.c.id)
                .group_by(CODERS.c.name)
            ).all()
        )
    )
    if not counts:
        raise QualcodeError(
            "the project has no codings yet: code some units first, then evaluate suggestions"
        )
    return str(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0][0])
