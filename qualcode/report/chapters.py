"""One chapter per theme (Heading 1), a section per code (Heading 2, sub-codes Heading 3)."""

from __future__ import annotations

from docx.enum.text import WD_ALIGN_PARAGRAPH

from qualcode.clock import format_clock
from qualcode.report import charts, word
from qualcode.report.document import Writer, attribute_title
from qualcode.report.model import Quote, ReportData, Section


def chapters(writer: Writer, data: ReportData) -> None:
    """Every theme of the selection, in codebook order."""
    for theme in data.themes:
        writer.heading(theme.name, 1)
        section_body(writer, data, theme)
        if theme.uncoded:
            writer.doc.add_paragraph(writer.labels("codes_not_coded") + " " + ", ".join(theme.uncoded) + ".")


def section_body(writer: Writer, data: ReportData, section: Section) -> None:
    """Definition, prevalence (line, table, chart), quotes, memos, co-occurrence; then the sub-codes."""
    t, doc = writer.labels, writer.doc
    if section.definition:
        doc.add_paragraph(section.definition)
    prevalence = section.prevalence
    if not prevalence.passages:
        doc.add_paragraph(t("theme_not_coded"))
        return
    interviews = len(data.interviews)
    line = doc.add_paragraph()
    line.add_run(t("prevalence"), style="Strong")
    line.add_run(
        " "
        + t(
            "prevalence_line",
            passages=t.number(prevalence.passages),
            interviews=t.number(prevalence.interviews),
            all_interviews=t.number(interviews),
            participants=t.number(prevalence.participants),
            all_participants=t.number(data.participants),
        )
    )
    # The overview of a theme's codes; without group attributes it is the theme's only chart.
    if section.depth == 0 and (len(section.children) > 1 or not prevalence.groups):
        items = [(c.name, c.prevalence.interviews) for c in section.children]
        writer.figure(
            charts.bar_chart(items or [(section.name, prevalence.interviews)], interviews),
            t("theme_chart_caption", theme=section.name),
        )
    # A theme whose passages all sit in its one coded code would repeat that code's table and chart.
    repeats = len(section.children) == 1 and section.children[0].prevalence.passages == prevalence.passages
    if prevalence.groups and not repeats:
        rows = [
            [
                t("total"),
                "",
                *_counts(
                    writer,
                    prevalence.passages,
                    prevalence.interviews,
                    interviews,
                    prevalence.participants,
                    data.participants,
                ),
            ]
        ]
        last = None
        for g in prevalence.groups:
            name = attribute_title(g.attribute) if g.attribute != last else ""
            last = g.attribute
            rows.append(
                [
                    name,
                    writer.value(g.value),
                    *_counts(
                        writer, g.passages, g.interviews, g.all_interviews, g.participants, g.all_participants
                    ),
                ]
            )
        writer.table(
            t("prevalence_caption", code=section.name),
            [t("attribute"), t("value"), t("passages"), t("interviews"), t("participants")],
            rows,
            numeric_from=2,
            widths=(2.8, 3.6, 3.0, 3.0, 3.6),
        )
        titles = {g.value: writer.value(g.value) for g in prevalence.groups}
        writer.figure(
            charts.group_chart(prevalence.groups, titles),
            t("chart_caption", code=section.name),
        )
    if section.quotes:
        word.lead(doc, t("quotes"))
        for quote in section.quotes:
            add_quote(writer, quote)
    if section.memos:
        word.lead(doc, t("memos"))
        for memo in section.memos:
            doc.add_paragraph(memo, style="List Bullet")
    if section.cooccurs:
        word.lead(doc, t("cooccurs"))
        for label, n in section.cooccurs:
            doc.add_paragraph(
                f"{label} ({t.number(n)} / {t.number(prevalence.passages)})", style="List Bullet"
            )
    for child in section.children:
        writer.heading(child.name, child.depth + 1)
        section_body(writer, data, child)


def _counts(
    writer: Writer,
    passages: int,
    interviews: int,
    all_interviews: int,
    participants: int,
    all_participants: int,
) -> list[str]:
    n = writer.labels.number
    return [
        n(passages),
        f"{n(interviews)} / {n(all_interviews)}",
        f"{n(participants)} / {n(all_participants)}",
    ]


def add_quote(writer: Writer, quote: Quote) -> None:
    """The coded text exactly, in the Quote style; then who said it (chosen attributes only) and where."""
    t, doc = writer.labels, writer.doc
    paragraph = doc.add_paragraph(style="Quote")
    paragraph.add_run(quote.text)
    paragraph.paragraph_format.keep_with_next = True
    where = [f"{t('interview')} {quote.document}"]
    if quote.turn is not None:
        where.append(t("at_turn", number=quote.turn))
    if quote.t_start is not None:
        where.append(format_clock(quote.t_start))
    who = quote.attribution or t("no_participant")
    attribution = doc.add_paragraph(f"— {who} ({', '.join(where)})")
    attribution.alignment = WD_ALIGN_PARAGRAPH.RIGHT  # under the quote
    writer.quotes += 1
