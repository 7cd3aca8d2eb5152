"""`qualcode cases …`: participants and their attributes."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

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

app = typer.Typer(
    help="Participants (cases) and their attributes: role, institution, city, country…", no_args_is_help=True
)


@app.command("import")
def import_cases_cli(
    file: Annotated[
        Path, typer.Argument(help="A .csv or .xlsx sheet, one row per participant.", show_default=False)
    ],
    case_column: Annotated[
        str | None,
        typer.Option(help="Column with the case name [default: case, participant, id…].", show_default=False),
    ] = None,
    document_column: Annotated[
        str | None,
        typer.Option(
            help="Column with the document name [default: document, transcript, file…].", show_default=False
        ),
    ] = None,
    project: ProjectOption = None,
    coder_: CoderOption = None,
    json_: JsonOption = False,
) -> None:
    """Create or update cases from a sheet and link the documents it names.

    Not undone by `qualcode undo`: to go back, import the earlier sheet again.
    """
    from qualcode.cases import import_cases

    with open_project(project) as proj:
        report = import_cases(proj, file, coder(coder_), case_column, document_column)
    if json_:
        print_json(report.to_dict())
        return
    out = stdout()
    out.print(
        f"Cases: {len(report.created)} created, {len(report.updated)} updated, "
        f"{len(report.unchanged)} unchanged; {len(report.linked)} document(s) linked."
    )
    out.print("Attributes: " + ", ".join(f"{n} ({t})" for n, t in report.attributes.items()), markup=False)
    out.print("(`qualcode undo` does not undo a sheet import: import the earlier sheet again to go back.)")
    if report.missing_documents:
        out.print(
            "Not in the project (import them, then run this again to link them): "
            + ", ".join(report.missing_documents),
            markup=False,
        )


@app.command("list")
def list_cases_cli(project: ProjectOption = None, json_: JsonOption = False) -> None:
    """List the cases with their documents and attributes."""
    from qualcode.cases import list_cases

    with open_project(project) as proj:
        cases = list_cases(proj)
    if json_:
        print_json([c.to_dict() for c in cases])
        return
    names = list(dict.fromkeys(a for c in cases for a in c.attributes))
    table = Table(title=f"{len(cases)} case(s)", title_justify="left")
    table.add_column("case")
    table.add_column("documents")
    for name in names:
        table.add_column(name)
    for c in cases:
        table.add_row(c.name, ", ".join(c.documents), *(str(c.attributes.get(n, "")) for n in names))
    stdout().print(table)
