"""`qualcode cases …`: participants and their attributes."""

from __future__ import annotations

import sys
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
    stderr,
    stdout,
)

if TYPE_CHECKING:
    pass

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
    relink: Annotated[
        bool,
        typer.Option(
            "--relink", help="Move documents the sheet puts in another case than now, without asking."
        ),
    ] = False,
    project: ProjectOption = None,
    coder_: CoderOption = None,
    json_: JsonOption = False,
) -> None:
    """Create or update cases from a sheet and link the documents it names.

    A document the sheet would move from one case to another is moved only after you confirm at
    the prompt (in a script: --relink); without either, nothing is changed. Not undone by
    `qualcode undo`: to go back, import the earlier sheet again.
    """
    from qualcode.cases import import_cases, sheet_moves

    with open_project(project) as proj:
        if not relink and _at_terminal():
            moves = sheet_moves(proj, file, case_column, document_column)
            if moves:
                err = stderr()
                err.print(f"{file.name} moves {len(moves)} document(s) to another case:", markup=False)
                for doc, (old, new) in moves.items():
                    err.print(f"  {doc}: from {old} to {new}", markup=False)
                if not typer.confirm("Move them?", default=False, err=True):
                    err.print("Nothing was changed.")
                    raise typer.Exit(1)
                relink = True
        report = import_cases(proj, file, coder(coder_), case_column, document_column, relink=relink)
    if json_:
        print_json(report.to_dict())
        return
    out = stdout()
    out.print(
        f"Cases: {len(report.created)} created, {len(report.updated)} updated, "
        f"{len(report.unchanged)} unchanged; {len(report.linked)} document(s) linked."
    )
    out.print("Attributes: " + ", ".join(f"{n} ({t})" for n, t in report.attributes.items()), markup=False)
    if report.moved:
        out.print(
            "Moved to another case: "
            + ", ".join(f"{doc} (was {old}, now {report.linked[doc]})" for doc, old in report.moved.items()),
            markup=False,
        )
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


def _at_terminal() -> bool:
    """Whether a person can answer a question (tests replace this to answer at a 'terminal')."""
    return sys.stdin.isatty()


CaseArgument = Annotated[str, typer.Argument(help="Case name (see `cases list`).", show_default=False)]
AttributeArgument = Annotated[str, typer.Argument(help="Attribute name.", show_default=False)]
DocumentArgument = Annotated[
    str, typer.Argument(help="Document name (see `transcripts list`).", show_default=False)
]


@app.command("set")
def set_cli(
    case: CaseArgument,
    attribute: AttributeArgument,
    value: Annotated[str, typer.Argument(help="The value, in a form the attribute's type accepts.")],
    new_attribute: Annotated[
        bool,
        typer.Option(
            "--new-attribute", help="Add the attribute even though its name is close to an existing one."
        ),
    ] = False,
    project: ProjectOption = None,
    coder_: CoderOption = None,
    json_: JsonOption = False,
) -> None:
    """Set a case's value of an attribute (undoable; the old value is printed).

    The value is read as the attribute's type: integer, number (3.5 or 3,5), date (2025-03-14 or
    14.03.2025.), boolean (yes/no, da/ne) or text; a new attribute takes the type of its first value.
    """
    from qualcode.cases import set_attribute

    with open_project(project) as proj:
        change = set_attribute(proj, case, attribute, value, coder(coder_), new_attribute=new_attribute)
    if json_:
        print_json(change.to_dict())
        return
    out = stdout()
    if not change.changed:
        out.print(f"{case} already has {attribute} {change.after_text}; nothing changed.", markup=False)
        return
    was = change.before_text if change.before_text is not None else "none"
    new = f"; {attribute} is a new {change.type} attribute" if change.new_attribute else ""
    out.print(f"{case}: {attribute} {change.after_text} (was {was}{new}).", markup=False)
    out.print("`qualcode undo` reverts this.")


@app.command("unset")
def unset_cli(
    case: CaseArgument,
    attribute: AttributeArgument,
    project: ProjectOption = None,
    coder_: CoderOption = None,
    json_: JsonOption = False,
) -> None:
    """Remove a case's value of an attribute (undoable; the old value is printed)."""
    from qualcode.cases import unset_attribute

    with open_project(project) as proj:
        change = unset_attribute(proj, case, attribute, coder(coder_))
    if json_:
        print_json(change.to_dict())
        return
    out = stdout()
    if not change.changed:
        out.print(f"{case} has no {attribute} value; nothing changed.", markup=False)
        return
    out.print(f"{case}: {attribute} removed (was {change.before_text}).", markup=False)
    out.print("`qualcode undo` reverts this.")


@app.command("link")
def link_cli(
    case: Annotated[str, typer.Argument(help="Case name; a new name creates the case.", show_default=False)],
    document: DocumentArgument,
    project: ProjectOption = None,
    coder_: CoderOption = None,
    json_: JsonOption = False,
) -> None:
    """Link a transcript to a case (moving it from the case it is in); `qualcode undo` reverts it.

    A case that does not exist yet is created and the output says so, with any existing case it
    looks like (p01 or P0l for P01); `qualcode undo` removes it again.
    """
    from qualcode.cli.transcripts import print_document_change
    from qualcode.documents import set_document

    with open_project(project) as proj:
        change = set_document(proj, document, coder(coder_), case=case, action="case.link")
    if json_:
        print_json(change.to_dict())
    else:
        print_document_change(change, f"case {case}")


@app.command("unlink")
def unlink_cli(
    document: DocumentArgument,
    project: ProjectOption = None,
    coder_: CoderOption = None,
    json_: JsonOption = False,
) -> None:
    """Take a transcript out of its case (the case stays); `qualcode undo` reverts it."""
    from qualcode.cli.transcripts import print_document_change
    from qualcode.documents import set_document

    with open_project(project) as proj:
        change = set_document(proj, document, coder(coder_), no_case=True, action="case.unlink")
    if json_:
        print_json(change.to_dict())
    else:
        print_document_change(change, "no case")
