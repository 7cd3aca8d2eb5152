"""`qualcode tui`: the interactive coding screen."""

from __future__ import annotations

from typing import Annotated

import typer

from qualcode.cli._common import CoderOption, ProjectOption, coder, open_project


def tui_cli(
    document: Annotated[
        str | None,
        typer.Argument(help="Open this document first [default: the first by name].", show_default=False),
    ] = None,
    unit_kind: Annotated[
        str, typer.Option("--unit-kind", help="Units to move by: turn, paragraph, sentence or cue.")
    ] = "turn",
    plain: Annotated[
        bool, typer.Option("--plain", help="Marks instead of colours (automatic with NO_COLOR).")
    ] = False,
    project: ProjectOption = None,
    coder_: CoderOption = None,
) -> None:
    """Code interviews on a keyboard-driven screen (? shows the keys); every change is saved at once."""
    from qualcode.coding import UNIT_KINDS

    if unit_kind not in UNIT_KINDS:
        raise typer.BadParameter(f"use one of {', '.join(UNIT_KINDS)}", param_hint="--unit-kind")
    # Textual is imported only here: `qualcode --help` must stay fast.
    from qualcode.tui.app import CodingApp
    from qualcode.tui.state import Session

    with open_project(project) as proj:
        session = Session(proj, coder(coder_), document, unit_kind)
        CodingApp(session, plain=True if plain else None).run()


def register(app: typer.Typer) -> None:
    """Add ``tui`` to the main command."""
    app.command("tui")(tui_cli)
