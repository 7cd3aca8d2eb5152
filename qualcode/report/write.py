"""The library entry point: :func:`write_report`."""

from __future__ import annotations

from pathlib import Path

from qualcode.report import word
from qualcode.report.labels import Labels
from qualcode.report.model import ReportOptions, ReportSummary, Section
from qualcode.store.project import Project


def write_report(project: Project, out: Path, options: ReportOptions | None = None) -> ReportSummary:
    """Write the thematic report for the policy brief as a Word document at ``out``.

    Checks everything a user can get wrong (language, output path, template, attributes,
    codings) before the work, and raises :class:`~qualcode.errors.QualcodeError` with one line
    saying what to do. The same project and options give the same file, apart from the date.
    """
    from qualcode.report.document import render
    from qualcode.report.gather import gather

    options = options or ReportOptions()
    Labels(options.language)  # an unknown language fails here, before any work
    word.check_writable(out)
    if options.template is not None:
        word.new_document(options.template, options.language)  # a bad template fails early too
    data = gather(project, options)
    writer = render(data, options.language, options.template)
    title = data.title or writer.labels("report")
    word.save(writer.doc, out, data.day, title)

    return ReportSummary(
        path=out,
        language=options.language,
        themes=len(data.themes),
        codes=sum(_count(theme.children) for theme in data.themes),
        interviews=len(data.interviews),
        participants=data.participants,
        passages=data.passages,
        quotes=writer.quotes,
        charts=writer.figures,
        tables=writer.tables,
    )


def _count(sections: list[Section]) -> int:
    """Sections and all their sub-sections."""
    return sum(1 + _count(s.children) for s in sections)
