"""The agreement audit of a project: per code, on a named unit of analysis, with a reading.

Units of analysis (named in every report):
- ``characters`` — NVivo's coding comparison: every character of the shared documents is a unit,
  coded or not by each coder;
- ``units`` — speaker turns, paragraphs or sentences: a coder applied the code to a unit when
  one of their codings overlaps it;
- ``documents`` — whether each coder used the code in the document at all;
- ``segments`` — coded segments matched across coders when they overlap by at least the
  threshold (shared characters / characters covered by either; 90% by default), as QDA Miner
  and MAXQDA do; there is no "neither" cell, so only percent agreement is defined;
- ``unitizing`` — Krippendorff's unitizing alpha from the span boundaries themselves.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

from qualcode.agreement.binary import PatternCounts, binary_statistics
from qualcode.agreement.data import (
    UNITS_OF_ANALYSIS,
    AuditData,
    UnitArrays,
    add_patterns,
    character_patterns,
    load_audit_data,
    load_units,
    match_segments,
    to_counts,
    unit_patterns,
)
from qualcode.agreement.statistics import AgreementResult
from qualcode.errors import QualcodeError
from qualcode.store.project import Project

#: Krippendorff (2004, p. 241): rely on α ≥ .800; α ≥ .667 only for tentative conclusions.
ALPHA_RELIABLE, ALPHA_TENTATIVE = 0.800, 0.667
#: Landis and Koch (1977), "The measurement of observer agreement for categorical data", p. 165.
LANDIS_KOCH = (
    (0.0, "poor"),
    (0.20, "slight"),
    (0.40, "fair"),
    (0.60, "moderate"),
    (0.80, "substantial"),
    (1.0, "almost perfect"),
)


@dataclass
class AgreementRow:
    """One code (or one code in one document), the counts behind it and its statistics."""

    code: str
    document: str | None
    counts: dict[str, int]
    statistics: dict[str, AgreementResult]
    reading: str

    def to_dict(self) -> dict[str, Any]:
        """Plain data for ``--json``."""
        return {
            "code": self.code,
            "document": self.document,
            "counts": self.counts,
            "statistics": {k: v.to_dict() for k, v in self.statistics.items()},
            "reading": self.reading,
        }


@dataclass
class AgreementReport:
    """The audit: which unit, which coders, which documents, one row per code and a pooled row."""

    unit: str
    unit_kind: str | None
    coders: tuple[str, ...]
    documents: list[str]
    excluded_documents: list[str]
    overlap: float | None
    rows: list[AgreementRow] = field(default_factory=list)
    pooled: AgreementRow | None = None

    @property
    def header(self) -> str:
        """The unit and the statistics, in words, for the top of every table."""
        if self.unit == "segments":
            unit = f"coded segments matched by ≥ {self.overlap or 0:.0%} overlap (QDA Miner / MAXQDA)"
        else:
            unit = {
                "characters": "characters (each character of the shared documents, as NVivo compares)",
                "units": f"{self.unit_kind}s (a code applies when a coding overlaps the {self.unit_kind})",
                "documents": "documents (the code used anywhere in the document or not)",
                "unitizing": "span boundaries (Krippendorff's unitizing alpha)",
            }[self.unit]
        return (
            f"Unit of analysis: {unit}. Coders: {', '.join(self.coders)}. "
            f"{len(self.documents)} document(s) coded by all of them."
        )

    def to_dict(self) -> dict[str, Any]:
        """Plain data for ``--json``."""
        return {
            "unit": self.unit,
            "unit_kind": self.unit_kind,
            "coders": list(self.coders),
            "documents": self.documents,
            "excluded_documents": self.excluded_documents,
            "overlap": self.overlap,
            "header": self.header,
            "rows": [r.to_dict() for r in self.rows],
            "pooled": self.pooled.to_dict() if self.pooled else None,
        }


def agreement(
    project: Project,
    *,
    coders: list[str] | None = None,
    unit: str = "characters",
    unit_kind: str = "turn",
    codes: tuple[str, ...] | list[str] = (),
    documents: tuple[str, ...] | list[str] = (),
    by_document: bool = False,
    overlap: float = 0.9,
) -> AgreementReport:
    """Agreement per code between the coders, on the chosen unit of analysis."""
    if unit not in UNITS_OF_ANALYSIS:
        raise QualcodeError(f"--unit {unit!r}: use one of {', '.join(UNITS_OF_ANALYSIS)}")
    if not 0 < overlap <= 1:
        raise QualcodeError("--overlap must be a share between 0 and 1, e.g. 0.9")
    with project.read() as conn:
        data = load_audit_data(conn, coders, codes, documents)
        units = load_units(conn, data.documents, unit_kind) if unit == "units" else {}
    report = AgreementReport(
        unit,
        unit_kind if unit == "units" else None,
        data.coders,
        sorted(data.documents.values()),
        data.excluded,
        overlap if unit == "segments" else None,
    )
    build = {
        "characters": _binary_rows,
        "units": _binary_rows,
        "documents": _binary_rows,
        "segments": _segment_rows,
        "unitizing": _unitizing_rows,
    }[unit]
    report.rows, report.pooled = build(data, unit, units, by_document, overlap)
    return report


def _binary_rows(
    data: AuditData, unit: str, units: dict[int, list[tuple[int, int]]], by_document: bool, _overlap: float
) -> tuple[list[AgreementRow], AgreementRow | None]:
    k = len(data.coders)
    none: list[list[tuple[int, int]]] = [[] for _ in range(k)]
    arrays = {doc_id: UnitArrays.of(spans) for doc_id, spans in units.items()}
    empty = UnitArrays.of([])
    rows: list[AgreementRow] = []
    pooled: dict[tuple[int, ...], int] = {}
    for index, (label, _) in enumerate(data.codes):
        total: dict[tuple[int, ...], int] = {}
        for doc_id, doc_name in sorted(data.documents.items(), key=lambda d: d[1]):
            per_coder = data.spans.get((index, doc_id), none)
            if unit == "characters":
                counts = character_patterns(per_coder, data.lengths[doc_id])
            elif unit == "units":
                if (index, doc_id) in data.spans:
                    counts = unit_patterns(per_coder, arrays.get(doc_id, empty))
                else:  # nobody used the code here: every unit is (0, …, 0)
                    counts = {(0,) * k: arrays.get(doc_id, empty).size}
            else:
                counts = {tuple(int(bool(s)) for s in per_coder): 1}
            add_patterns(total, counts)
            if by_document:
                rows.append(_binary_row(label, doc_name, to_counts(data.coders, counts), unit))
        add_patterns(pooled, total)
        if not by_document:
            rows.append(_binary_row(label, None, to_counts(data.coders, total), unit))
    pooled_row = (
        _binary_row("(all codes pooled)", None, to_counts(data.coders, pooled), unit) if rows else None
    )
    return rows, pooled_row


def _binary_row(code: str, document: str | None, counts: PatternCounts, unit: str) -> AgreementRow:
    stats = binary_statistics(counts, interval=unit != "characters")
    return AgreementRow(code, document, _count_labels(counts), stats, reading(stats))


def _count_labels(counts: PatternCounts) -> dict[str, int]:
    if len(counts.coders) == 2:
        a, b = counts.coders
        both, only_a, only_b, neither = counts.both_only_neither()
        return {"both": both, f"only {a}": only_a, f"only {b}": only_b, "neither": neither}
    return {"".join(map(str, p)): n for p, n in sorted(counts.counts.items(), reverse=True)}


def _segment_rows(
    data: AuditData, _unit: str, _units: dict[int, list[tuple[int, int]]], by_document: bool, overlap: float
) -> tuple[list[AgreementRow], AgreementRow | None]:
    rows: list[AgreementRow] = []
    pooled = [0, 0, 0]
    pairs = list(combinations(range(len(data.coders)), 2))
    for index, (label, _) in enumerate(data.codes):
        total = [0, 0, 0]
        for doc_id, doc_name in sorted(data.documents.items(), key=lambda d: d[1]):
            per_coder = data.raw.get((index, doc_id))
            if per_coder is None:
                continue
            doc = [0, 0, 0]
            for i, j in pairs:
                m = match_segments(sorted(per_coder[i]), sorted(per_coder[j]), overlap)
                doc = [doc[0] + m.matched, doc[1] + m.only_first, doc[2] + m.only_second]
            total = [a + b for a, b in zip(total, doc, strict=True)]
            if by_document:
                rows.append(_segment_row(label, doc_name, doc, data))
        pooled = [a + b for a, b in zip(pooled, total, strict=True)]
        if not by_document:
            rows.append(_segment_row(label, None, total, data))
    return rows, (_segment_row("(all codes pooled)", None, pooled, data) if rows else None)


def _segment_row(code: str, document: str | None, counts: list[int], data: AuditData) -> AgreementRow:
    matched, only_first, only_second = counts
    all_segments = matched + only_first + only_second
    k = len(data.coders)
    reason = None if all_segments else "no coded segments to compare"
    value = matched / all_segments if all_segments else None
    result = AgreementResult(
        statistic="percent_agreement",
        value=value,
        units=all_segments,
        coders=k,
        observed=value,
        expected=None,
        interval=None,
        reason=reason,
    )
    labels = (
        {"matched": matched, f"only {data.coders[0]}": only_first, f"only {data.coders[1]}": only_second}
        if k == 2
        else {
            "matched (pairs)": matched,
            "unmatched, first of pair": only_first,
            "unmatched, second of pair": only_second,
        }
    )
    note = "segments have no 'neither' cell, so chance-corrected statistics are not defined"
    return AgreementRow(
        code,
        document,
        labels,
        {"percent_agreement": result},
        f"{value:.0%} of segments matched ({note})" if value is not None else note,
    )


def _unitizing_rows(
    data: AuditData, _unit: str, _units: dict[int, list[tuple[int, int]]], by_document: bool, _overlap: float
) -> tuple[list[AgreementRow], AgreementRow | None]:
    from qualcode.agreement.unitizing import unitizing_alpha

    rows: list[AgreementRow] = []
    doc_ids = sorted(data.documents, key=lambda d: data.documents[d])
    for index, (label, _) in enumerate(data.codes):
        groups = [[d] for d in doc_ids] if by_document else [doc_ids]
        for group in groups:
            coders = {
                # the raw spans: unitizing alpha merges overlaps itself but keeps touching units apart
                name: [data.raw.get((index, d), [[] for _ in data.coders])[i] for d in group]
                for i, name in enumerate(data.coders)
            }
            result = unitizing_alpha(coders, [data.lengths[d] for d in group])
            stat = AgreementResult(
                statistic="krippendorff_unitizing_alpha",
                value=result.value,
                units=result.length,
                coders=result.coders,
                observed=result.observed,
                expected=result.expected,
                interval=None,
                reason=result.reason,
            )
            document = data.documents[group[0]] if by_document else None
            rows.append(
                AgreementRow(
                    label,
                    document,
                    {"characters": result.length, "documents": result.continua},
                    {"krippendorff_unitizing_alpha": stat},
                    reading({"alpha": stat}),
                )
            )
    return rows, None


def reading(stats: dict[str, AgreementResult]) -> str:
    """The figures in plain words, with the benchmark each reading comes from."""
    parts = []
    alpha = next((s for name, s in stats.items() if "alpha" in name), None)
    if alpha is not None and alpha.value is not None:
        if alpha.value >= ALPHA_RELIABLE:
            verdict = "reliable"
        elif alpha.value >= ALPHA_TENTATIVE:
            verdict = "tentative conclusions only"
        else:
            verdict = "not reliable"
        parts.append(f"α = {alpha.value:.3f}: {verdict} (Krippendorff: ≥ .800 reliable, ≥ .667 tentative)")
    kappa = next((s for name, s in stats.items() if name.endswith("kappa")), None)
    if kappa is not None and kappa.value is not None:
        band = next(label for limit, label in LANDIS_KOCH if kappa.value <= limit) if kappa.value <= 1 else ""
        parts.append(f"κ = {kappa.value:.3f}: {band} agreement (Landis & Koch 1977)")
    if not parts:
        reasons = {s.reason for s in stats.values() if s.reason}
        return "; ".join(sorted(reasons)) or "not defined"
    return "; ".join(parts)
