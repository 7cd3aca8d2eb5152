"""Inductive themes in a project (`suggest themes`) and adopting one as a code (`suggest adopt`).

The last theme run is kept in the project (its parameters and each theme's units), so that
`suggest adopt THEME` acts on exactly the themes the researcher saw.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import select

from qualcode.cases import case_attributes
from qualcode.codebook import (
    check_code_name,
    check_depth,
    check_sibling_free,
    next_ordinal,
    read_codebook,
    set_meta,
)
from qualcode.errors import NotFound, QualcodeError
from qualcode.store.changes import ChangeRecorder
from qualcode.store.codings import add_suggestions
from qualcode.store.models import CODES, PROJECT_META
from qualcode.store.project import Project
from qualcode.suggest.workflow import load_unit_texts, unit_labels

_META_KEY = "suggest.themes"


@dataclass
class ThemeView:
    """A candidate theme with its size and quotes."""

    number: int
    label: str
    terms: list[str]
    units: int
    documents: int
    participants: int
    breakdown: dict[str, int]
    quotes: list[dict[str, Any]]
    closest_code: str | None
    closest_similarity: float | None


@dataclass
class ThemesReport:
    """What `suggest themes` found."""

    k: int
    k_chosen_by: str
    seed: int
    unit_kind: str
    uncoded: bool
    by: str | None
    units_used: int
    note: str
    themes: list[ThemeView] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Plain data for ``--json``."""
        return asdict(self)


def suggest_themes(
    project: Project,
    coder: str,
    *,
    k: int | str = "auto",
    uncoded: bool = False,
    unit_kind: str = "paragraph",
    by: str | None = None,
    seed: int = 0,
    documents: Sequence[str] = (),
) -> ThemesReport:
    """Candidate themes over the (uncoded) units, sized by documents, participants and ``by``."""
    from qualcode.suggest.themes import find_themes

    with project.write() as conn:
        units = load_unit_texts(conn, unit_kind, documents)
        if uncoded:
            units = [u for u, labels in zip(units, unit_labels(conn, units), strict=True) if not labels]
        book = read_codebook(conn)
        codes = {
            r.label: " ".join([r.definition, r.example, *(w for ws in r.keywords.values() for w in ws)])
            for r in book.walk()
        }
        cases = case_attributes(conn)
        result = find_themes(
            [u.text for u in units],
            [u.language for u in units],
            k=k,
            seed=seed,
            codes=codes or None,
            documents=[u.document for u in units],
        )
        report = ThemesReport(
            result.k, result.k_chosen_by, seed, unit_kind, uncoded, by, result.units_used, result.note
        )
        for theme in result.themes:
            members = [units[i] for i in theme.units]
            breakdown: Counter[str] = Counter()
            for u in members:
                case = cases.get(u.case_id) if u.case_id is not None else None
                value = case.values.get(by) if (case and by) else None
                breakdown[str(value) if value is not None else "(none)"] += 1 if by else 0
            report.themes.append(
                ThemeView(
                    theme.number,
                    theme.label,
                    list(theme.terms),
                    len(members),
                    len({u.document_id for u in members}),
                    len({u.case_id for u in members if u.case_id is not None}),
                    dict(breakdown) if by else {},
                    [
                        {"document": units[i].document, "unit": units[i].ordinal, "text": units[i].text}
                        for i in theme.representatives
                    ],
                    theme.closest_code,
                    theme.closest_similarity,
                )
            )
        saved = {
            "seed": seed,
            "k": result.k,
            "unit_kind": unit_kind,
            "themes": {
                str(t.number): {"label": t.label, "units": [units[i].id for i in t.units]}
                for t in result.themes
            },
        }
        rec = ChangeRecorder(conn)
        set_meta(rec, _META_KEY, json.dumps(saved, ensure_ascii=False))
        rec.log(coder, "suggest.themes", "themes", {"k": result.k, "units": result.units_used})
    return report


@dataclass
class AdoptReport:
    """What `suggest adopt` did."""

    code: str
    suggestions: int

    def to_dict(self) -> dict[str, Any]:
        """Plain data for ``--json``."""
        return asdict(self)


def adopt_theme(
    project: Project, number: int, name: str, coder: str, *, parent: str | None = None
) -> AdoptReport:
    """Create a code for a theme of the last run and queue its units as pending suggestions for it."""
    from qualcode.store.models import UNITS

    check_code_name(name)
    with project.write() as conn:
        raw = conn.execute(
            select(PROJECT_META.c.value).where(PROJECT_META.c.key == _META_KEY)
        ).scalar_one_or_none()
        if raw is None:
            raise QualcodeError("no themes yet: run `qualcode suggest themes` first")
        saved = json.loads(raw)
        theme = saved["themes"].get(str(number))
        if theme is None:
            raise NotFound(f"no theme {number} in the last run (themes 1 to {len(saved['themes'])})")
        book = read_codebook(conn)
        parent_row = book.resolve(parent) if parent else None
        parent_id = parent_row.id if parent_row else None
        check_sibling_free(book, parent_id, name)
        check_depth(book, parent_row, None, name)
        rec = ChangeRecorder(conn)
        code_id = rec.insert(
            CODES,
            name=name,
            parent_id=parent_id,
            ordinal=next_ordinal(conn, parent_id),
            definition=f"Adopted from candidate theme {number}: {theme['label']}",
        )
        units = conn.execute(
            select(UNITS.c.id, UNITS.c.document_id, UNITS.c.kind, UNITS.c.ordinal, UNITS.c.start, UNITS.c.end)
            .where(UNITS.c.id.in_(theme["units"]))
            .order_by(UNITS.c.document_id, UNITS.c.ordinal)
        ).all()
        add_suggestions(
            rec,
            [
                {
                    "document_id": u.document_id,
                    "code_id": code_id,
                    "start": u.start,
                    "end": u.end,
                    "unit_kind": u.kind,
                    "unit_ordinal": u.ordinal,
                    "method": "theme",
                    "score": 1.0,
                    "priority": float(rank),
                    "reason": json.dumps([theme["label"]], ensure_ascii=False),
                    "model_version": f"themes-seed{saved['seed']}-k{saved['k']}",
                    "status": "pending",
                }
                for rank, u in enumerate(units)
            ],
        )
        label = read_codebook(conn).rows[code_id].label
        rec.log(
            coder, "suggest.adopt", f"code:{code_id}", {"theme": number, "code": label, "units": len(units)}
        )
    return AdoptReport(label, len(units))
