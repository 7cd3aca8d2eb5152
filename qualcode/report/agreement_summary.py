"""The coder agreement behind the report, from :func:`qualcode.agreement.audit.agreement`."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from qualcode.agreement.audit import AgreementRow, agreement
from qualcode.errors import QualcodeError
from qualcode.report.model import AgreementLine, AgreementSummary
from qualcode.store.project import Project


def summarise_agreement(
    project: Project,
    *,
    unit: str,
    unit_kind: str,
    documents: Sequence[str],
    codes: Collection[str],
) -> AgreementSummary:
    """Agreement per code (only ``codes``, by label) and pooled, on the given unit of analysis.

    With fewer than two coders there is nothing to compare: the summary says so in ``reason``
    instead of failing the report.
    """
    try:
        report = agreement(project, unit=unit, unit_kind=unit_kind, documents=list(documents))
    except QualcodeError as exc:
        if "two or more coders" not in str(exc):
            raise
        return AgreementSummary(unit, unit_kind, None, (), 0, [], None, [], reason="one_coder")
    statistics = list(report.pooled.statistics) if report.pooled else []
    if not statistics and report.rows:
        statistics = list(report.rows[0].statistics)
    return AgreementSummary(
        unit=report.unit,
        unit_kind=report.unit_kind,
        overlap=report.overlap,
        coders=report.coders,
        documents=len(report.documents),
        statistics=statistics,
        pooled=_line(report.pooled) if report.pooled else None,
        lines=[_line(r) for r in report.rows if r.code in codes],
    )


def _line(row: AgreementRow) -> AgreementLine:
    values = {name: result.value for name, result in row.statistics.items()}
    alpha = next((v for name, v in values.items() if "alpha" in name), None)
    kappa = next((v for name, v in values.items() if name.endswith("kappa")), None)
    return AgreementLine(row.code, values, alpha, kappa)
