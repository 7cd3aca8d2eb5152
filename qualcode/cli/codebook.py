"""`qualcode codebook …`: load, export, show and edit the codebook."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.tree import Tree

from qualcode.cli._common import (
    CoderOption,
    JsonOption,
    ProjectOption,
    coder,
    open_project,
    print_json,
    stdout,
)
from qualcode.cli.export import FormulaGuardOption

if TYPE_CHECKING:
    from qualcode.codebook import CodeNode

app = typer.Typer(
    help="The codebook: themes, codes and sub-codes with definitions and keywords.", no_args_is_help=True
)

CodeArgument = Annotated[
    str, typer.Argument(help="Code path ('Theme > Code') or a unique code name.", show_default=False)
]


@app.command("load")
def load_cli(
    file: Annotated[
        Path,
        typer.Argument(
            help="Codebook file: .yaml, .csv, .qdc or QualCoder .txt.", show_default=False, dir_okay=False
        ),
    ],
    project: ProjectOption = None,
    coder_: CoderOption = None,
    json_: JsonOption = False,
) -> None:
    """Load a codebook file, merging by code path (added / updated / unchanged)."""
    from qualcode.codebook import load_codebook
    from qualcode.codebook_files import read_codebook_file

    spec = read_codebook_file(file)
    with open_project(project) as proj:
        report = load_codebook(proj, spec, coder(coder_), source=file.name)
    if json_:
        print_json(report.to_dict())
        return
    stdout().print(
        f"Codebook {file.name}: {len(report.added)} added, {len(report.updated)} updated, "
        f"{len(report.unchanged)} unchanged.",
        markup=False,
    )


@app.command("export")
def export_cli(
    file: Annotated[
        Path, typer.Argument(help="Where to write: .yaml, .csv or .qdc.", show_default=False, dir_okay=False)
    ],
    formula_guard: FormulaGuardOption = True,
    project: ProjectOption = None,
) -> None:
    """Write the project's codebook to a file."""
    from qualcode.codebook import export_codebook
    from qualcode.codebook_files import iter_codes, write_codebook_file

    with open_project(project) as proj:
        spec = export_codebook(proj)
    write_codebook_file(spec, file, formula_guard=formula_guard)
    stdout().print(f"Wrote {sum(1 for _ in iter_codes(spec.codes))} codes to {file}", markup=False)


@app.command("show")
def show_cli(project: ProjectOption = None, json_: JsonOption = False) -> None:
    """Show the code tree with the number of codings and of documents per code."""
    from qualcode.codebook import codebook_tree

    with open_project(project) as proj:
        nodes = codebook_tree(proj)
    if json_:
        print_json([n.to_dict() for n in nodes])
        return
    tree = Tree(f"Codebook ({_count(nodes)} codes)")
    _add(tree, nodes)
    stdout().print(tree)


def _count(nodes: list[CodeNode]) -> int:
    return sum(1 + _count(n.children) for n in nodes)


def _add(tree: Tree, nodes: list[CodeNode]) -> None:
    for n in nodes:
        usage = f"{n.codings} codings in {n.documents} documents" if n.codings else "no codings"
        if n.children and n.total_codings:
            usage += f"; with sub-codes {n.total_codings} in {n.total_documents}"
        branch = tree.add(f"{n.name}  [dim]({usage})[/dim]", style=n.color or "")
        _add(branch, n.children)


@app.command("add")
def add_cli(
    name: Annotated[str, typer.Argument(help="Name of the new code.", show_default=False)],
    parent: Annotated[
        str | None, typer.Option(help="Parent code (path or unique name).", show_default=False)
    ] = None,
    definition: Annotated[str | None, typer.Option(help="What the code means.", show_default=False)] = None,
    inclusion: Annotated[str | None, typer.Option(help="When to apply it.", show_default=False)] = None,
    exclusion: Annotated[str | None, typer.Option(help="When not to apply it.", show_default=False)] = None,
    example: Annotated[str | None, typer.Option(help="An example quote.", show_default=False)] = None,
    color: Annotated[str | None, typer.Option(help="Colour like #1f77b4.", show_default=False)] = None,
    project: ProjectOption = None,
    coder_: CoderOption = None,
) -> None:
    """Add a code."""
    from qualcode.codebook import add_code

    with open_project(project) as proj:
        row = add_code(
            proj,
            name,
            coder(coder_),
            parent,
            definition=definition,
            inclusion=inclusion,
            exclusion=exclusion,
            example=example,
            color=color,
        )
    stdout().print(f"Added {row.label}", markup=False)


@app.command("rename")
def rename_cli(
    code: CodeArgument,
    new_name: Annotated[str, typer.Argument(help="The new name.", show_default=False)],
    project: ProjectOption = None,
    coder_: CoderOption = None,
) -> None:
    """Rename a code (its codings stay)."""
    from qualcode.codebook import rename_code

    with open_project(project) as proj:
        row = rename_code(proj, code, new_name, coder(coder_))
    stdout().print(f"Renamed to {row.label}", markup=False)


@app.command("move")
def move_cli(
    code: CodeArgument,
    parent: Annotated[
        str | None, typer.Option(help="New parent code; leave out to make it a theme.", show_default=False)
    ] = None,
    project: ProjectOption = None,
    coder_: CoderOption = None,
) -> None:
    """Move a code (with its sub-codes and codings) under another code, or to the top."""
    from qualcode.codebook import move_code

    with open_project(project) as proj:
        row = move_code(proj, code, parent, coder(coder_))
    stdout().print(f"Moved to {row.label}", markup=False)


@app.command("merge")
def merge_cli(
    source: Annotated[str, typer.Argument(help="The code that goes away.", show_default=False)],
    target: Annotated[str, typer.Argument(help="The code that receives its codings.", show_default=False)],
    project: ProjectOption = None,
    coder_: CoderOption = None,
    json_: JsonOption = False,
) -> None:
    """Merge SOURCE into TARGET: every coding moves (identical spans collapse), SOURCE is removed."""
    from qualcode.codebook import merge_codes

    with open_project(project) as proj:
        report = merge_codes(proj, source, target, coder(coder_))
    if json_:
        print_json(report.to_dict())
        return
    stdout().print(
        f"Merged {report.source} into {report.target}: {report.moved} coding(s) moved, "
        f"{report.collapsed} collapsed into identical ones, {report.children_moved} sub-code(s) moved.",
        markup=False,
    )


@app.command("delete")
def delete_cli(
    code: CodeArgument,
    force: Annotated[bool, typer.Option("--force", help="Also delete its codings and sub-codes.")] = False,
    project: ProjectOption = None,
    coder_: CoderOption = None,
) -> None:
    """Delete a code; refused while it has codings or sub-codes, unless --force (undo restores all)."""
    from qualcode.codebook import delete_code

    with open_project(project) as proj:
        report = delete_code(proj, code, coder(coder_), force=force)
    stdout().print(
        f"Deleted {report.code} ({report.codes} code(s), {report.codings} coding(s), "
        f"{report.memos} memo(s)); `qualcode undo` brings them back.",
        markup=False,
    )


@app.command("history")
def history_cli(
    limit: Annotated[int, typer.Option(help="How many of the latest events.")] = 50,
    project: ProjectOption = None,
    json_: JsonOption = False,
) -> None:
    """Show the codebook's change history (from the project's event log)."""
    from dataclasses import asdict

    from qualcode.history import history

    with open_project(project) as proj:
        entries = [e for e in history(proj) if e.action.startswith(("code.", "codebook.", "undo", "redo"))]
    entries = entries[-limit:]
    if json_:
        print_json([asdict(e) for e in entries])
        return
    out = stdout()
    for e in entries:
        out.print(f"{e.id:>5}  {e.at}  {e.coder:<12} {e.describe()}", markup=False)
