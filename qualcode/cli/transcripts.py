"""`qualcode transcripts …`: what is in the project."""

from __future__ import annotations

import sys
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
from qualcode.clock import format_clock

if TYPE_CHECKING:
    from qualcode.documents import DocumentChange

app = typer.Typer(
    help="List, read, correct (rename, language, case) and remove the imported transcripts.",
    no_args_is_help=True,
)

UnitKindOption = Annotated[str, typer.Option("--unit-kind", help="turn, paragraph, sentence or cue.")]


@app.command("list")
def list_cli(project: ProjectOption = None, json_: JsonOption = False) -> None:
    """List the transcripts: language, script, words, units, speakers, case."""
    from qualcode.documents import list_documents

    with open_project(project) as proj:
        docs = list_documents(proj)
    if json_:
        print_json([d.to_dict() for d in docs])
        return
    table = Table(title=f"{len(docs)} transcript(s)", title_justify="left")
    for column in ("name", "language", "script", "format", "words", "turns", "sentences", "speakers", "case"):
        table.add_column(column, justify="right" if column in ("words", "turns", "sentences") else "left")
    for d in docs:
        script = d.script + (" (mixed)" if d.mixed_script else "")
        table.add_row(
            d.name,
            d.language,
            script,
            d.source_format,
            str(d.words),
            str(d.units.get("turn", 0)),
            str(d.units.get("sentence", 0)),
            ", ".join(d.speakers[:3]) + (" …" if len(d.speakers) > 3 else ""),
            d.case or "",
        )
    stdout().print(table)


@app.command("show")
def show_cli(
    name: Annotated[str, typer.Argument(help="Document name (see `transcripts list`).", show_default=False)],
    units: Annotated[
        bool, typer.Option("--units", help="Print numbered units instead of the plain text.")
    ] = False,
    unit_kind: UnitKindOption = "turn",
    project: ProjectOption = None,
    json_: JsonOption = False,
) -> None:
    """Print a transcript, or its numbered units with speakers and timestamps."""
    from qualcode.documents import show_document

    with open_project(project) as proj:
        view = show_document(proj, name, unit_kind)
    if json_:
        print_json(view.to_dict())
        return
    out = stdout()
    if not units:
        out.print(view.text, markup=False)
        return
    for u in view.units:
        stamp = f" [{format_clock(u.t_start)}]" if u.t_start is not None else ""
        speaker = f" {u.speaker}:" if u.speaker else ""
        out.print(f"{u.kind} {u.number}{stamp}{speaker} {u.text}", markup=False)


@app.command("remove")
def remove_cli(
    name: Annotated[str, typer.Argument(help="Document name.", show_default=False)],
    force: Annotated[
        bool, typer.Option("--force", help="Remove a coded transcript with its codings without asking.")
    ] = False,
    project: ProjectOption = None,
    coder_: CoderOption = None,
) -> None:
    """Remove a transcript with its units, codings, memos and suggestions; `qualcode undo` brings it back.

    A coded transcript is removed only after you confirm (or with --force); a backup copy of the
    project is written first.
    """
    from qualcode.documents import coding_count, remove_document

    with open_project(project) as proj:
        if not force:
            coded = coding_count(proj, name)
            if coded and sys.stdin.isatty():
                force = typer.confirm(
                    f"{name} has {coded} coding(s) (all coders). Remove it with them?", default=False
                )
                if not force:
                    stderr().print("Nothing was removed.")
                    raise typer.Exit(1)
        removed = remove_document(proj, name, coder(coder_), force=force)
    extra = f" and its {removed} coding(s)" if removed else ""
    stdout().print(f"Removed {name}{extra}; `qualcode undo` brings it back.", markup=False)


@app.command("rename")
def rename_cli(
    old: Annotated[str, typer.Argument(help="The transcript's name now.", show_default=False)],
    new: Annotated[
        str, typer.Argument(help="Its new name (not one another transcript has).", show_default=False)
    ],
    project: ProjectOption = None,
    coder_: CoderOption = None,
    json_: JsonOption = False,
) -> None:
    """Rename a transcript; its codings, memos and case stay. `qualcode undo` renames it back."""
    from qualcode.documents import rename_document

    with open_project(project) as proj:
        change = rename_document(proj, old, new, coder(coder_))
    if json_:
        print_json(change.to_dict())
    elif change.changed:
        stdout().print(f"Renamed {old} to {new}; `qualcode undo` renames it back.", markup=False)
    else:
        stdout().print(f"{old} already has that name; nothing changed.", markup=False)


@app.command("set")
def set_cli(
    name: Annotated[str, typer.Argument(help="Document name (see `transcripts list`).", show_default=False)],
    language: Annotated[
        str | None,
        typer.Option("--language", help="Its language: sr-Latn, sr-Cyrl, bs, hr or en.", show_default=False),
    ] = None,
    case: Annotated[
        str | None,
        typer.Option(
            "--case",
            help="Link it to this case (participant); a new name creates the case.",
            show_default=False,
        ),
    ] = None,
    no_case: Annotated[bool, typer.Option("--no-case", help="Link it to no case.")] = False,
    project: ProjectOption = None,
    coder_: CoderOption = None,
    json_: JsonOption = False,
) -> None:
    """Correct a transcript's language or its case; `qualcode undo` reverts it.

    A case that does not exist yet is created (as `qualcode import --case` does) and the output
    says so, with any existing case it looks like (p01 or P0l for P01); `qualcode undo` removes it
    again.
    """
    from qualcode.documents import set_document

    if language is None and case is None and not no_case:
        raise typer.BadParameter(
            "nothing to set; give one or more", param_hint="--language / --case / --no-case"
        )
    if case is not None and no_case:
        raise typer.BadParameter("use one of them, not both", param_hint="--case / --no-case")
    with open_project(project) as proj:
        change = set_document(proj, name, coder(coder_), language=language, case=case, no_case=no_case)
    if json_:
        print_json(change.to_dict())
        return
    asked = ([f"language {language}"] if language else []) + (
        [f"case {case}"] if case else ["no case"] if no_case else []
    )
    print_document_change(change, " and ".join(asked))


def print_document_change(change: DocumentChange, asked: str) -> None:
    """What `transcripts set` and `cases link/unlink` changed, one line per value, and how to undo it."""
    out = stdout()
    name = change.document
    if not change.changed:
        out.print(f"{name} already has {asked}; nothing changed.", markup=False)
        return
    if "language" in change.changed:
        old, new = change.changed["language"]
        out.print(f"{name}: language {new} (was {old}).", markup=False)
    if "case" in change.changed:
        old, new = change.changed["case"]
        now = "no case" if new is None else f"case {new}" + (", a new case" if change.new_case else "")
        hint = f"; did you mean {', '.join(change.close_cases)}?" if change.close_cases else "."
        out.print(f"{name}: {now} (was {old or 'none'}){hint}", markup=False)
    out.print("`qualcode undo` reverts this.", markup=False)
