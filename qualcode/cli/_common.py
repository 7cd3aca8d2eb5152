"""What every command shares: the options, the consoles, JSON output and opening the project.

Only ``qualcode.cli`` imports typer and rich; heavy modules (the ORM, readers) are imported
inside the commands so that ``qualcode --help`` stays fast.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console

if TYPE_CHECKING:
    from qualcode.store.project import Project

ProjectOption = Annotated[
    Path | None,
    typer.Option(
        "--project",
        "-p",
        help="Project file [default: $QUALCODE_PROJECT, else ./qualcode.db].",
        show_default=False,
        dir_okay=False,
    ),
]
CoderOption = Annotated[
    str | None,
    typer.Option(
        "--coder",
        help="Who makes the change [default: $QUALCODE_CODER, else your user name].",
        show_default=False,
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON (stable keys) instead of a table.")]


#: Width of tables written to a file or a pipe (a terminal uses its own width).
PIPE_WIDTH = 160


def stdout() -> Console:
    """Console for results (tables); plain when not a terminal or when NO_COLOR is set."""
    console = Console(highlight=False, soft_wrap=True)
    if not console.is_terminal:
        console.width = PIPE_WIDTH  # logs and pipes: don't squeeze tables into 80 columns
    return console


def stderr() -> Console:
    """Console for progress and messages."""
    return Console(stderr=True, highlight=False, soft_wrap=True)


def print_json(data: Any) -> None:
    """JSON on stdout: UTF-8 text as is (Serbian letters stay readable), two-space indents."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


def open_project(option: Path | None) -> Project:
    """Open the project named by the option / environment / default (see qualcode.settings)."""
    from qualcode.settings import project_path
    from qualcode.store.project import open_project as _open

    project = _open(project_path(option))
    if project.upgraded:
        stderr().print(
            f"Upgraded the project to schema {project.upgraded[-1]}; backup copy: {project.backup}"
        )
    warning = project.warning()  # a damaged file: reading goes on, writes are refused
    if warning:
        WARNINGS.append(warning)
    return project


#: Said on stderr when the command has finished well (see qualcode.cli._Group): a command that
#: fails says only its one ``Error:`` line, which tells the same story.
WARNINGS: list[str] = []


def flush_warnings(*, show: bool) -> None:
    """Print (or drop) the warnings gathered while the command ran."""
    if show:
        for warning in WARNINGS:
            stderr().print(f"Warning: {warning}", markup=False)
    WARNINGS.clear()


def coder(option: str | None) -> str:
    """The coder name from the option / environment / user name."""
    from qualcode.settings import coder_name

    return coder_name(option)
