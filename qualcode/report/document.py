"""Rendering the gathered data as Word: the title page, contents and methods; then the chapters
(:mod:`qualcode.report.chapters`) and appendices (:mod:`qualcode.report.appendices`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from docx.document import Document as DocumentObject
from docx.shared import Inches
from docx.table import Table
from docx.text.paragraph import Paragraph

from qualcode.agreement.audit import ALPHA_RELIABLE, ALPHA_TENTATIVE, LANDIS_KOCH
from qualcode.report import word
from qualcode.report.labels import Labels
from qualcode.report.model import AgreementLine, AgreementSummary, ReportData
from qualcode.report.prevalence import NO_VALUE, group_values


@dataclass
class Writer:
    """The document being written, its language, and the running figure and table numbers."""

    doc: DocumentObject
    labels: Labels
    figures: int = 0
    tables: int = 0
    quotes: int = 0
    headings: list[tuple[int, str]] = field(default_factory=list)
    contents: Paragraph | None = None

    def heading(self, text: str, level: int, *, new_page: bool = False) -> None:
        """A Heading 1–3 paragraph (deeper levels use Heading 3)."""
        level = min(level, 3)
        paragraph = self.doc.add_heading(text, level)
        # A property of the heading, not an empty page-break paragraph: that would leave a blank
        # page whenever the page before happens to end full.
        paragraph.paragraph_format.page_break_before = new_page or None
        self.headings.append((level, text))

    def value(self, value: str) -> str:
        """A group value as shown (the missing value translated)."""
        return self.labels("no_value") if value == NO_VALUE else value

    def figure(self, png: bytes, text: str) -> None:
        """A chart as wide as the text, with a numbered caption."""
        import io

        section = self.doc.sections[-1]
        width = int(section.page_width or 0) - int(section.left_margin or 0) - int(section.right_margin or 0)
        paragraph = self.doc.add_paragraph()
        paragraph.add_run().add_picture(io.BytesIO(png), width=min(width, Inches(6.3)))
        paragraph.paragraph_format.keep_with_next = True
        self.figures += 1
        word.caption(self.doc, self.labels("figure"), self.figures, "Figure", text)

    def table(
        self,
        caption: str,
        header: Sequence[str],
        rows: Sequence[Sequence[str]],
        numeric_from: int = 1,
        widths: Sequence[float] = (),
    ) -> Table:
        """A numbered caption, then the table (captions above tables, as is usual)."""
        self.tables += 1
        title = word.caption(self.doc, self.labels("table"), self.tables, "Table", caption)
        title.paragraph_format.keep_with_next = True
        result = word.table(self.doc, header, rows, numeric_from=numeric_from, widths=widths)
        self.doc.add_paragraph()
        return result


def render(data: ReportData, language: str, template: Path | None) -> Writer:
    """The whole report as a python-docx document."""
    from qualcode.report.appendices import appendices
    from qualcode.report.chapters import chapters

    writer = Writer(word.new_document(template, language), Labels(language))
    title_page(writer, data)
    methods(writer, data)
    chapters(writer, data)
    appendices(writer, data)
    if writer.contents is not None:
        word.fill_contents(writer.contents, writer.headings)
    word.update_fields_on_open(writer.doc)
    return writer


def attribute_title(name: str) -> str:
    """An attribute's name as a heading shows it (``institution_type`` → ``institution type``)."""
    return name.replace("_", " ")


def title_page(writer: Writer, data: ReportData) -> None:
    """Title, kind of report, date, corpus size; then the table of contents."""
    t, doc = writer.labels, writer.doc
    doc.add_paragraph(data.title or t("report"), style="Title")
    if data.title:
        doc.add_paragraph(t("report"), style="Subtitle")
    elif data.codebook_title:
        doc.add_paragraph(data.codebook_title, style="Subtitle")
    doc.add_paragraph(t.date(data.day))
    doc.add_paragraph(
        t(
            "corpus",
            interviews=t.number(len(data.interviews)),
            participants=t.number(data.participants),
            words=t.number(data.words),
            passages=t.number(data.passages),
        )
    )
    word.page_break(doc)
    doc.add_paragraph(t("contents"), style="TOC Heading")
    writer.contents = doc.add_paragraph()
    word.field_start(writer.contents, 'TOC \\o "1-3" \\h \\z \\u')


def methods(writer: Writer, data: ReportData) -> None:
    """Corpus and participants, coders, codebook, agreement, and the counting and quoting rules."""
    t, doc = writer.labels, writer.doc
    writer.heading(t("methods"), 1, new_page=True)
    writer.heading(t("interviews_participants"), 2)
    doc.add_paragraph(
        t(
            "corpus_sentence",
            interviews=t.number(len(data.interviews)),
            participants=t.number(data.participants),
            words=t.number(data.words),
            passages=t.number(data.passages),
        )
    )
    if data.where:
        doc.add_paragraph(t("selection", conditions="; ".join(data.where)))
    for attribute in data.groups:
        rows = []
        for value in group_values(data.interviews, attribute):
            members = [i for i in data.interviews if str(i.attributes.get(attribute, NO_VALUE)) == value]
            cases = {i.case for i in members if i.case is not None}
            rows.append([writer.value(value), t.number(len(members)), t.number(len(cases))])
        rows.append([t("total"), t.number(len(data.interviews)), t.number(data.participants)])
        writer.table(
            t("by_attribute_caption", attribute=attribute_title(attribute)),
            [attribute_title(attribute), t("interviews"), t("participants")],
            rows,
            widths=(8, 4, 4),
        )
    writer.heading(t("coders"), 2)
    writer.table(
        t("coders_caption"),
        [t("coder"), t("codings"), t("interviews")],
        [[name, t.number(n), t.number(docs)] for name, n, docs in data.coders],
        widths=(8, 4, 4),
    )
    writer.heading(t("codebook"), 2)
    themes = sum(1 for e in data.codebook if e.depth == 0)
    doc.add_paragraph(
        t(
            "codebook_sentence",
            title=data.codebook_title or t("untitled"),
            version=data.codebook_version or t("unversioned"),
            themes=t.number(themes),
            codes=t.number(len(data.codebook) - themes),
        )
    )
    writer.heading(t("agreement"), 2)
    agreement_text(writer, data.agreement)
    writer.heading(t("prevalence_method"), 2)
    doc.add_paragraph(t("prevalence_rule"))
    doc.add_paragraph(t("cooccurrence_method"))
    writer.heading(t("quote_method"), 2)
    from qualcode.report.quotes import IDEAL, LONGEST, SHORTEST

    doc.add_paragraph(
        t(
            "quote_rule",
            quotes=data.quotes_per_code,
            groups=", ".join(attribute_title(g) for g in data.groups) or "—",
            shortest=SHORTEST,
            longest=LONGEST,
            ideal=IDEAL,
            attribution=", ".join(attribute_title(a) for a in data.attribution) or "—",
        )
    )


def unit_name(t: Labels, summary: AgreementSummary) -> str:
    """The unit of analysis in words."""
    if summary.unit == "units":
        return t("unit_units", kind=t(f"kind_{summary.unit_kind}"))
    if summary.unit == "segments":
        return t("unit_segments", overlap=f"{(summary.overlap or 0) * 100:.0f} %")
    return t(f"unit_{summary.unit}")


def agreement_text(writer: Writer, summary: AgreementSummary) -> None:
    """What was compared, on which unit, with which statistics, and the pooled figures."""
    t, doc = writer.labels, writer.doc
    if summary.reason is not None:
        doc.add_paragraph(t("agreement_none", reason=t(summary.reason)))
        return
    doc.add_paragraph(
        t(
            "agreement_sentence",
            coders=", ".join(summary.coders),
            documents=t.number(summary.documents),
            unit=unit_name(t, summary),
            statistics=", ".join(t(s) for s in summary.statistics),
        )
    )
    if summary.pooled is not None:
        values = "; ".join(f"{t(s)} {figure(t, summary.pooled.values.get(s))}" for s in summary.statistics)
        doc.add_paragraph(t("agreement_pooled", values=values) + " " + reading(t, summary.pooled))
    doc.add_paragraph(t("agreement_appendix"))


def figure(t: Labels, value: float | None) -> str:
    """A statistic to three decimals, or "not defined"."""
    return t("not_defined") if value is None else t.number(value, 3)


def verdict(t: Labels, line: AgreementLine) -> str:
    """The reading in a few words, for a table: "reliable; κ: almost perfect"."""
    parts = []
    if line.alpha is not None:
        parts.append(t(_alpha_key(line.alpha)))
    if line.kappa is not None and line.kappa <= 1:
        band = next(label for limit, label in LANDIS_KOCH if line.kappa <= limit)
        parts.append(f"κ: {t(f'band_{band}')}")
    return "; ".join(parts) or t("not_defined")


def _alpha_key(alpha: float) -> str:
    if alpha >= ALPHA_RELIABLE:
        return "alpha_reliable"
    return "alpha_tentative" if alpha >= ALPHA_TENTATIVE else "alpha_unreliable"


def reading(t: Labels, line: AgreementLine) -> str:
    """The figures in words, with the benchmark they are read against (as the audit reads them)."""
    parts = []
    if line.alpha is not None:
        verdict = t(_alpha_key(line.alpha))
        bench = t(
            "alpha_benchmark", reliable=t.number(ALPHA_RELIABLE, 3), tentative=t.number(ALPHA_TENTATIVE, 3)
        )
        parts.append(f"α = {t.number(line.alpha, 3)}: {verdict} ({bench})")
    if line.kappa is not None and line.kappa <= 1:
        band = next(label for limit, label in LANDIS_KOCH if line.kappa <= limit)
        parts.append(f"κ = {t.number(line.kappa, 3)}: " + t("kappa_band", band=t(f"band_{band}")))
    return "; ".join(parts) + "." if parts else ""
