"""`qualcode export …`: the report for the policy brief and data for other tools."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from qualcode.cli._common import ProjectOption, open_project, stdout

app = typer.Typer(
    help="Write the Word report, the codebook, codings and matrices, and REFI-QDA projects.",
    no_args_is_help=True,
)


# --- data exports: the codebook, codings and matrices (qualcode.exports) ----------------------

ExcelOption = Annotated[
    bool,
    typer.Option(
        "--excel",
        help="CSV for Excel on Windows: byte-order mark and CRLF line ends.",
    ),
]
#: One flag for every command that writes CSV or XLSX (`export codings|matrix|codebook`, `codebook export`).
FormulaGuardOption = Annotated[
    bool,
    typer.Option(
        "--formula-guard/--no-formula-guard",
        help="CSV and XLSX: text starting with = + - @, a tab or a carriage return is kept from running as "
        "a spreadsheet formula (CSV: a ' in front; XLSX: Excel's quote prefix). --no-formula-guard writes "
        "text exactly as it is, for R and pandas.",
    ),
]
DelimiterOption = Annotated[
    str,
    typer.Option(
        "--delimiter",
        metavar="','|';'|tab",
        help="CSV cell separator: ',', ';' (Excel with Serbian, Bosnian, Croatian regional settings) or tab.",
    ),
]
CodesFilter = Annotated[
    list[str] | None,
    typer.Option(
        "--codes",
        metavar="CODE",
        help="Only these codes, each with its sub-codes (repeat the option).",
        show_default=False,
    ),
]


def _out(formats: str) -> Any:
    return typer.Argument(
        metavar="OUT", help=f"Where to write: {formats}.", show_default=False, dir_okay=False
    )


@app.command("codebook")
def codebook_cli(
    file: Annotated[Path, _out(".docx, .yaml, .csv or .qdc")],
    formula_guard: FormulaGuardOption = True,
    project: ProjectOption = None,
) -> None:
    """Write the codebook: a Word table per theme (.docx), or .yaml, .csv, .qdc as `codebook export`."""
    from qualcode.exports import export_codebook_file

    with open_project(project) as proj:
        n = export_codebook_file(proj, file, formula_guard=formula_guard)
    stdout().print(f"Wrote {n} codes to {file}", markup=False)


@app.command("codings")
def codings_cli(
    file: Annotated[Path, _out(".csv, .xlsx or .json")],
    codes: CodesFilter = None,
    doc: Annotated[
        list[str] | None,
        typer.Option(
            "--doc",
            metavar="NAME",
            help="Only codings in these documents (repeat the option).",
            show_default=False,
        ),
    ] = None,
    coders: Annotated[
        list[str] | None,
        typer.Option(
            "--coder",
            metavar="NAME",
            help="Only these coders' codings (repeat the option).",
            show_default=False,
        ),
    ] = None,
    excel: ExcelOption = False,
    delimiter: DelimiterOption = ",",
    formula_guard: FormulaGuardOption = True,
    project: ProjectOption = None,
) -> None:
    """One row per coding: document, participant and attributes, code, coder, place, text, memo."""
    from qualcode.exports import export_codings

    with open_project(project) as proj:
        n = export_codings(
            proj,
            file,
            codes=codes or [],
            documents=doc or [],
            coders=coders or [],
            excel=excel,
            delimiter=delimiter,
            formula_guard=formula_guard,
        )
    stdout().print(f"Wrote {n} codings to {file}", markup=False)


@app.command("matrix")
def matrix_cli(
    file: Annotated[Path, _out(".xlsx or .csv")],
    by: Annotated[
        str | None,
        typer.Option(
            "--by",
            metavar="ATTRIBUTE",
            help="Participant attribute for the columns, e.g. institution_type [default: one column per "
            "participant].",
            show_default=False,
        ),
    ] = None,
    count: Annotated[
        str,
        typer.Option("--count", metavar="segments|documents|cases", help="What to count in each cell."),
    ] = "segments",
    binary: Annotated[bool, typer.Option("--binary", help="1 where the code occurs, 0 where not.")] = False,
    codes: CodesFilter = None,
    coder: Annotated[
        str | None,
        typer.Option("--coder", metavar="NAME", help="Only this coder's codings.", show_default=False),
    ] = None,
    excel: ExcelOption = False,
    delimiter: DelimiterOption = ",",
    formula_guard: FormulaGuardOption = True,
    project: ProjectOption = None,
) -> None:
    """Codes × participants or attribute values (counts or 0/1), a plain table for R, SPSS and Excel."""
    from qualcode.exports import export_matrix

    with open_project(project) as proj:
        table = export_matrix(
            proj,
            file,
            by,
            count=count,
            binary=binary,
            codes=codes or [],
            coder=coder,
            excel=excel,
            delimiter=delimiter,
            formula_guard=formula_guard,
        )
    what = "presence" if binary else count
    stdout().print(
        f"Wrote {len(table.rows)} codes × {len(table.columns) - 1} columns ({what}) to {file}", markup=False
    )
