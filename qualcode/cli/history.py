"""`qualcode undo` and `qualcode redo`."""

from __future__ import annotations

from typing import Annotated

import typer

from qualcode.cli._common import CoderOption, ProjectOption, coder, open_project, stdout

StepsArgument = Annotated[int, typer.Argument(help="How many changes.", min=1)]


def undo_cli(steps: StepsArgument = 1, project: ProjectOption = None, coder_: CoderOption = None) -> None:
    """Undo your last change(s): codings, memos and codebook edits."""
    from qualcode.history import undo

    with open_project(project) as proj:
        entries = undo(proj, coder(coder_), steps)
    out = stdout()
    for e in entries:
        out.print(f"Undid: {e.describe()}", markup=False)


def redo_cli(steps: StepsArgument = 1, project: ProjectOption = None, coder_: CoderOption = None) -> None:
    """Redo what you last undid."""
    from qualcode.history import redo

    with open_project(project) as proj:
        entries = redo(proj, coder(coder_), steps)
    out = stdout()
    for e in entries:
        out.print(f"Redid: {e.describe()}", markup=False)


def register(app: typer.Typer) -> None:
    """Add the commands to the app."""
    app.command("undo")(undo_cli)
    app.command("redo")(redo_cli)
