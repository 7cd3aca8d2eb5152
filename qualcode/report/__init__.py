"""The thematic report for the policy brief, as a Word document (`qualcode export report`).

``write_report(project, Path("report.docx"), ReportOptions(language="sr-Latn"))`` gathers the
data (:mod:`~qualcode.report.gather`: prevalence, quotes, co-occurrence, agreement over plain
dataclasses) and renders it (:mod:`~qualcode.report.document`, charts in
:mod:`~qualcode.report.charts`, labels in :mod:`~qualcode.report.labels`).
"""

from __future__ import annotations

from qualcode.report.model import ReportOptions, ReportSummary
from qualcode.report.write import write_report

__all__ = ["ReportOptions", "ReportSummary", "write_report"]
