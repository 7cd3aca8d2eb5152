"""`qualcode export report`: the thematic report for the policy brief, as a Word document."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from qualcode.cli._common import JsonOption, ProjectOption, open_project, print_json, stdout


def _split(values: list[str] | None) -> tuple[str, ...] | None:
    """``--by a,b --by c`` → ``("a", "b", "c")``; ``None`` when the option was not given."""
    if values is None:
        return None
    return tuple(part.strip() for value in values for part in value.split(",") if part.strip())


def register(export_app: typer.Typer) -> None:
    """Add the report command to the ``export`` group."""

    @export_app.command("report")
    def report_cli(
        out: Annotated[Path, typer.Argument(help="The Word file to write (.docx).")],
        template: Annotated[
            Path | None,
            typer.Option(
                "--template", help="A .docx whose styles (headings, quotes, tables) the report takes."
            ),
        ] = None,
        language: Annotated[
            str, typer.Option("--language", help="Language of the fixed labels: en, sr-Latn or sr-Cyrl.")
        ] = "en",
        codes: Annotated[
            list[str] | None,
            typer.Option(
                "--codes", help="Only these codes, each with its sub-codes (repeat).", show_default=False
            ),
        ] = None,
        where: Annotated[
            list[str] | None,
            typer.Option(
                "--where",
                help="Only interviews whose participant matches ATTR=VALUE "
                "(also != >= <= > <; repeat for AND).",
                show_default=False,
            ),
        ] = None,
        quotes: Annotated[int, typer.Option("--quotes", help="Quotes per code, at most.")] = 3,
        attribute_quotes_by: Annotated[
            list[str] | None,
            typer.Option(
                "--attribute-quotes-by",
                help="Participant attributes a quote is attributed by, e.g. role,city "
                "[default: role, institution_type, city].",
                show_default=False,
            ),
        ] = None,
        by: Annotated[
            list[str] | None,
            typer.Option(
                "--by",
                help="Participant attributes prevalence is broken down by, e.g. institution_type,country "
                "[default: institution_type, country].",
                show_default=False,
            ),
        ] = None,
        title: Annotated[
            str | None,
            typer.Option(
                "--title",
                help="Study title for the title page [default: 'Thematic report' over the codebook's title].",
                show_default=False,
            ),
        ] = None,
        project: ProjectOption = None,
        json_: JsonOption = False,
    ) -> None:
        """Write the thematic report: methods, a chapter per theme, quotes, charts, appendices."""
        from qualcode.report import ReportOptions, write_report

        options = ReportOptions(
            language=language,
            title=title,
            codes=tuple(codes or ()),
            where=tuple(where or ()),
            quotes=quotes,
            attribute_quotes_by=_split(attribute_quotes_by),
            groups=_split(by),
            template=template,
        )
        with open_project(project) as proj:
            summary = write_report(proj, out, options)
        if json_:
            print_json(summary.to_dict())
            return
        stdout().print(
            f"Wrote {summary.path}: {summary.themes} themes, {summary.codes} codes with coded passages, "
            f"{summary.quotes} quotes, {summary.charts} charts, {summary.tables} tables "
            f"({summary.interviews} interviews, {summary.participants} participants; {summary.language}).",
            markup=False,
        )
