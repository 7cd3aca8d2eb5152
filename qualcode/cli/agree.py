"""`qualcode agree …` and `qualcode merge`: the coder agreement audit."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from qualcode.cli._common import (
    CoderOption,
    JsonOption,
    ProjectOption,
    coder,
    open_project,
    print_json,
    stdout,
)

if TYPE_CHECKING:
    from qualcode.agreement.audit import AgreementReport
    from qualcode.agreement.reconcile import Disagreement
    from qualcode.agreement.statistics import AgreementResult

app = typer.Typer(
    help="Coder agreement per code: the standard statistics on a named unit of analysis; "
    "disagreements and reconciliation.",
    invoke_without_command=True,
)

CodersOption = Annotated[
    str | None,
    typer.Option(
        "--coders",
        help="Coders to compare, e.g. milica,amra [default: every coder with codings].",
        show_default=False,
    ),
]
CodesOption = Annotated[
    list[str] | None,
    typer.Option(
        "--codes", help="Codes to audit (repeat); each counts with its sub-codes.", show_default=False
    ),
]
DocsOption = Annotated[
    list[str] | None,
    typer.Option(
        "--docs",
        help="Documents to audit (repeat) [default: all coded by every compared coder].",
        show_default=False,
    ),
]


def _coders(value: str | None) -> list[str] | None:
    return [c.strip() for c in value.split(",") if c.strip()] if value else None


@app.callback()
def agree_cli(
    ctx: typer.Context,
    coders: CodersOption = None,
    unit: Annotated[
        str, typer.Option("--unit", help="characters, units, segments, documents or unitizing.")
    ] = ("characters"),
    unit_kind: Annotated[
        str, typer.Option("--unit-kind", help="For --unit units: turn, paragraph or sentence.")
    ] = "turn",
    codes: CodesOption = None,
    docs: DocsOption = None,
    by_document: Annotated[
        bool, typer.Option("--by-document", help="One row per code and document.")
    ] = False,
    overlap: Annotated[
        float,
        typer.Option("--overlap", help="For --unit segments: the overlap that makes two segments match."),
    ] = 0.9,
    project: ProjectOption = None,
    json_: JsonOption = False,
) -> None:
    """Agreement per code between coders, with the counts behind each figure and a plain reading."""
    if ctx.invoked_subcommand is not None:
        return
    from qualcode.agreement.audit import agreement

    with open_project(project) as proj:
        report = agreement(
            proj,
            coders=_coders(coders),
            unit=unit,
            unit_kind=unit_kind,
            codes=codes or [],
            documents=docs or [],
            by_document=by_document,
            overlap=overlap,
        )
    if json_:
        print_json(report.to_dict())
        return
    _print_report(report)


def _print_report(report: AgreementReport) -> None:
    out = stdout()
    out.print(report.header, markup=False)
    if report.excluded_documents:
        out.print(
            "Not compared (not coded by every coder yet): " + ", ".join(report.excluded_documents),
            markup=False,
        )
    rows = report.rows + ([report.pooled] if report.pooled else [])
    if not rows:
        out.print("No codings to compare.")
        return
    count_names = list(rows[0].counts)
    stat_names = list(rows[0].statistics)
    table = Table(title_justify="left", title="Agreement per code")
    table.add_column("code")
    if report.rows and report.rows[0].document is not None:
        table.add_column("document")
    for name in count_names:
        table.add_column(name, justify="right")
    for name in stat_names:
        table.add_column(_STAT_LABELS.get(name, name), justify="right")
    table.add_column("95% interval", justify="right")
    table.add_column("reading")
    for row in rows:
        cells = [row.code] + ([row.document or ""] if report.rows[0].document is not None else [])
        cells += [f"{row.counts.get(n, 0):,}" for n in count_names]
        cells += [_value(row.statistics[n]) for n in stat_names]
        headline = next(
            (row.statistics[n] for n in stat_names if "alpha" in n), row.statistics[stat_names[-1]]
        )
        ci = headline.interval
        cells.append(f"{ci.low:.3f}–{ci.high:.3f}" if ci else "—")
        cells.append(re.sub(r" \([^()]*\)", "", row.reading))  # the benchmarks are printed once below
        table.add_row(*cells)
    out.print(table)
    out.print(
        "Readings: Krippendorff's alpha ≥ .800 reliable, ≥ .667 tentative conclusions only (Krippendorff "
        "2004); kappa bands of Landis & Koch (1977). Intervals: 95% bootstrap over units.",
        markup=False,
    )


_STAT_LABELS = {
    "percent_agreement": "% agree",
    "cohen_kappa": "Cohen κ",
    "fleiss_kappa": "Fleiss κ",
    "krippendorff_alpha_nominal": "Krippendorff α",
    "gwet_ac1": "Gwet AC1",
    "krippendorff_unitizing_alpha": "unitizing α",
}


def _value(result: AgreementResult) -> str:
    if result.value is None:
        return "n/a"
    return f"{result.value:.1%}" if result.statistic == "percent_agreement" else f"{result.value:.3f}"


@app.command("table")
def table_cli(
    file: Annotated[
        Path,
        typer.Argument(
            help="CSV: rows are units, columns are coders (first row: coder names); empty cells are missing.",
            show_default=False,
            dir_okay=False,
        ),
    ],
    stat: Annotated[
        list[str] | None,
        typer.Option(
            "--stat", help="Statistics to compute (repeat) [default: all that apply].", show_default=False
        ),
    ] = None,
    level: Annotated[
        str, typer.Option("--level", help="Krippendorff's alpha level: nominal, ordinal, interval, ratio.")
    ] = "nominal",
    transpose: Annotated[
        bool, typer.Option("--transpose", help="Rows are coders and columns units instead.")
    ] = False,
    json_: JsonOption = False,
) -> None:
    """The same statistics for a plain reliability table from elsewhere."""
    from qualcode.agreement.table import table_statistics

    results = table_statistics(file, stats=stat or [], level=level, transpose=transpose)
    if json_:
        print_json([r.to_dict() for r in results])
        return
    table = Table(title=f"{file.name}", title_justify="left")
    for column in ("statistic", "value", "units", "coders", "95% interval", "note"):
        table.add_column(column, justify="left" if column in ("statistic", "note") else "right")
    for r in results:
        ci = f"{r.interval.low:.3f}–{r.interval.high:.3f}" if r.interval else "—"
        table.add_row(r.statistic, _value(r), str(r.units), str(r.coders), ci, r.reason or "")
    stdout().print(table)


@app.command("disagreements")
def disagreements_cli(
    coders: CodersOption = None,
    code: CodesOption = None,
    docs: DocsOption = None,
    project: ProjectOption = None,
    json_: JsonOption = False,
) -> None:
    """Each disagreement with its text, context and who coded it."""
    from qualcode.agreement.reconcile import disagreements

    with open_project(project) as proj:
        found = disagreements(proj, coders=_coders(coders), codes=code or [], documents=docs or [])
    if json_:
        print_json([d.to_dict() for d in found])
        return
    out = stdout()
    for d in found:
        out.print(_describe(d), markup=False)
    out.print(f"{len(found)} disagreement(s)")


def _describe(d: Disagreement) -> str:
    where = f"turn {d.turn} ({d.speaker})" if d.turn is not None else f"{d.start}:{d.end}"
    text = " ".join(d.text.split())
    return (
        f"── {d.code} · {d.document} · {where} · coded by {', '.join(d.coded_by)}, "
        f"not by {', '.join(d.not_coded_by)}\n"
        f"   …{' '.join(d.left.split())} [{text}] {' '.join(d.right.split())}…"
    )


@app.command("reconcile")
def reconcile_cli(
    into: Annotated[
        str, typer.Option("--into", help="Coder name for the consensus codings.", show_default=False)
    ],
    prefer: Annotated[
        str | None, typer.Option("--prefer", help="Take this coder's decisions.", show_default=False)
    ] = None,
    union: Annotated[bool, typer.Option("--union", help="Everything any coder coded.")] = False,
    intersection: Annotated[
        bool, typer.Option("--intersection", help="Only what every coder coded.")
    ] = False,
    interactive: Annotated[bool, typer.Option("--interactive", help="Ask for each disagreement.")] = False,
    coders: CodersOption = None,
    code: CodesOption = None,
    docs: DocsOption = None,
    project: ProjectOption = None,
    coder_: CoderOption = None,
    json_: JsonOption = False,
) -> None:
    """Write consensus codings under a new coder name (undoable)."""
    from qualcode.agreement.reconcile import reconcile

    def ask(d: Disagreement) -> bool:
        stdout().print(_describe(d), markup=False)
        return typer.confirm("Keep this in the consensus?", default=False)

    with open_project(project) as proj:
        report = reconcile(
            proj,
            into,
            coder(coder_),
            prefer=prefer,
            union=union,
            intersection=intersection,
            decide=ask if interactive else None,
            coders=_coders(coders),
            codes=code or [],
            documents=docs or [],
        )
    if json_:
        print_json(report.to_dict())
        return
    stdout().print(
        f"Wrote {report.codings} consensus coding(s) as {report.into} ({report.rule}); "
        f"{report.already} were already there.",
        markup=False,
    )


def merge_cli(
    other: Annotated[
        Path, typer.Argument(help="The other project file.", show_default=False, dir_okay=False)
    ],
    coder_map: Annotated[
        list[str] | None,
        typer.Option("--coder-map", help="Rename a coder: OLD=NEW (repeat).", show_default=False),
    ] = None,
    project: ProjectOption = None,
    coder_: CoderOption = None,
    json_: JsonOption = False,
) -> None:
    """Bring another coder's project file in: documents by content, codes by path, codings by coder."""
    from qualcode.merge import merge_project, parse_coder_map

    with open_project(project) as proj:
        report = merge_project(proj, other, coder(coder_), parse_coder_map(coder_map or []))
    if json_:
        print_json(report.to_dict())
        return
    added = ", ".join(f"{name}: {n}" for name, n in report.codings_added.items()) or "none"
    stdout().print(
        f"Merged {report.source}: {report.documents_matched} document(s) matched, "
        f"{len(report.documents_added)} added, {len(report.codes_added)} code(s) added; codings added "
        f"({added}), {report.codings_already_present} already present.",
        markup=False,
    )


def register(root: typer.Typer) -> None:
    """Add `agree` and `merge` to the app."""
    root.add_typer(app, name="agree")
    root.command("merge")(merge_cli)
