"""`qualcode demo`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from qualcode.cli._common import stdout


def demo(
    outdir: Annotated[
        Path,
        typer.Argument(
            help="Folder for the demo project and its outputs. A re-run replaces what the demo wrote "
            "there before, and refuses to touch any other file.",
            file_okay=False,
        ),
    ] = Path("demo-output"),
    sample: Annotated[
        Path | None,
        typer.Option(
            help="The sample study folder, with the codebook in ../codebooks/ "
            "[default: the sample study shipped with qualcode].",
            show_default=False,
            file_okay=False,
        ),
    ] = None,
) -> None:
    """Build a project from the sample study and show what is in it.

    Writes qualcode.db, report.docx, codebook.docx and codings.xlsx into OUTDIR. Files of those
    names that an earlier demo did not write (a real project called qualcode.db, say) are never
    replaced: the demo stops and says so.
    """
    from qualcode.demo import build_demo

    report = build_demo(outdir, sample)
    out = stdout()
    table = Table(title=f"Sample study: {len(report.documents)} interviews", title_justify="left")
    for column in ("name", "language", "format", "encoding", "words", "turns", "speakers", "case"):
        table.add_column(column, justify="right" if column in ("words", "turns") else "left")
    encodings = {r.document: r.encoding for r in report.imports}
    for d in report.documents:
        table.add_row(
            d.name,
            d.language + (" (mixed)" if d.mixed_script else ""),
            d.source_format,
            encodings.get(d.name) or "",
            str(d.words),
            str(d.units.get("turn", 0)),
            ", ".join(d.speakers[:2]),
            d.case or "",
        )
    out.print(table)
    cases = report.cases
    out.print(
        f"Participants: {len(cases.created)} cases with attributes {', '.join(cases.attributes)}; "
        f"{len(cases.linked)} interviews linked.",
        markup=False,
    )
    if cases.missing_documents:
        out.print(
            f"Listed in the sheet but not transcribed yet: {', '.join(cases.missing_documents)}", markup=False
        )
    coded = " and ".join(f"{coder} ({n} codings)" for coder, n in report.codings.items())
    out.print(f"Codebook: {len(report.codebook.added)} codes loaded. Coded by {coded}.", markup=False)
    pooled = report.agreement.pooled
    if pooled is not None:
        out.print(
            f"Agreement on speaker turns, all codes pooled: {pooled.reading} "
            "(per code: qualcode agree --unit units).",
            markup=False,
        )
    made = ", ".join(f"{n} {method}" for method, n in report.suggestions.created.items()) or "none"
    out.print(f"Suggestions waiting for review: {made} (qualcode suggest review).", markup=False)
    out.print(
        f"Report: {report.report.path} ({report.report.themes} themes, {report.report.codes} codes, "
        f"{report.report.quotes} quotes, {report.report.charts} charts); also "
        + ", ".join(str(f) for f in report.files[1:])
        + ".",
        markup=False,
    )
    out.print(
        f"Project written to {report.project}. Try: qualcode transcripts list -p {report.project}",
        markup=False,
    )


def register(app: typer.Typer) -> None:
    """Add the command to the app."""
    app.command()(demo)
