"""The appendices: the codebook, agreement per code, and codes × participant groups."""

from __future__ import annotations

from docx.enum.text import WD_ALIGN_PARAGRAPH

from qualcode.agreement.audit import ALPHA_RELIABLE, ALPHA_TENTATIVE
from qualcode.report import word
from qualcode.report.document import Writer, attribute_title, figure, unit_name, verdict
from qualcode.report.model import CodebookEntry, ReportData

_INDENT = "\u2003"  # an em space per level: leading ordinary spaces vanish in Word cells


def appendices(writer: Writer, data: ReportData) -> None:
    """Appendix A, B and C, each starting on a new page."""
    codebook(writer, data.codebook)
    agreement(writer, data)
    groups(writer, data)


def codebook(writer: Writer, entries: list[CodebookEntry]) -> None:
    """Per theme, a two-column table: the code, and its definition, inclusion, exclusion and example."""
    t, doc = writer.labels, writer.doc
    writer.heading(t("appendix_codebook"), 1, new_page=True)
    themes: list[list[CodebookEntry]] = []
    for entry in entries:
        if entry.depth == 0:
            themes.append([])
        themes[-1].append(entry)
    for members in themes:
        theme = members[0]
        writer.heading(theme.label, 2)
        result = word.table(
            doc, [t("code"), t("description")], [["", ""] for _ in members], numeric_from=2, widths=(5, 11)
        )
        for row, entry in zip(result.rows[1:], members, strict=True):
            name = entry.label.split(" > ", 1)[1] if entry.depth else entry.label
            row.cells[0].paragraphs[0].text = name
            cell = row.cells[1]
            cell.paragraphs[0].text = entry.definition
            for key, text in (
                ("inclusion", entry.inclusion),
                ("exclusion", entry.exclusion),
                ("example", entry.example),
            ):
                if text:
                    paragraph = cell.add_paragraph()
                    paragraph.add_run(t(key), style="Strong")
                    paragraph.add_run(" " + text)
        doc.add_paragraph()


def agreement(writer: Writer, data: ReportData) -> None:
    """One row per code: each statistic and its reading; the pooled row last."""
    t, doc = writer.labels, writer.doc
    summary = data.agreement
    writer.heading(t("appendix_agreement"), 1, new_page=True)
    if summary.reason is not None:
        doc.add_paragraph(t("agreement_none", reason=t(summary.reason)))
        return
    lines = [*summary.lines, *([summary.pooled] if summary.pooled else [])]
    rows = []
    for line in lines:
        name = t("pooled") if line is summary.pooled else line.code
        rows.append([name, *(figure(t, line.values.get(s)) for s in summary.statistics), verdict(t, line)])
    n = len(summary.statistics)
    result = writer.table(
        t("agreement_caption", unit=unit_name(t, summary)),
        [t("code"), *(t(f"short_{s}") for s in summary.statistics), t("reading")],
        rows,
        widths=(4.2, *([2.2] * n), 11.8 - 2.2 * n),
    )
    for row in result.rows:
        row.cells[-1].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.LEFT  # words, not figures
    word.small(result)
    names = "; ".join(f"{t(f'short_{s}')}: {t(s)}" for s in summary.statistics)
    doc.add_paragraph(
        f"{names}. "
        + t("readings_note", reliable=t.number(ALPHA_RELIABLE, 3), tentative=t.number(ALPHA_TENTATIVE, 3))
    )


def groups(writer: Writer, data: ReportData) -> None:
    """Per group attribute, a table of participants per code and group."""
    t, doc = writer.labels, writer.doc
    writer.heading(t("appendix_groups"), 1, new_page=True)
    doc.add_paragraph(t("groups_note"))
    for attribute, (values, rows) in data.group_tables.items():
        column = min(3.5, 12 / max(len(values), 1))  # cm: the code names keep at least 4 cm
        result = writer.table(
            t("groups_caption", attribute=attribute_title(attribute)),
            [t("code"), *(writer.value(v) for v in values)],
            [[_INDENT * depth + name, *(t.number(n) for n in counts)] for name, depth, counts in rows],
            widths=(16 - column * len(values), *([column] * len(values))),
        )
        if len(values) > 5:
            word.small(result, 7.5)
