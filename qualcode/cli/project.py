"""`qualcode init` (and the registration of `qualcode doctor`, which checks a project file)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from qualcode.cli._common import ProjectOption, stdout


def init(
    path: Annotated[
        Path | None,
        typer.Argument(help="Where to create the project file.", show_default=False, dir_okay=False),
    ] = None,
    project: ProjectOption = None,
) -> None:
    """Create a new, empty project file (default ./qualcode.db)."""
    from qualcode.settings import project_path
    from qualcode.store.project import init_project

    target = project_path(path or project)
    init_project(target).close()
    stdout().print(f"Created the project {target}")


def register(app: typer.Typer) -> None:
    """Add the commands to the app: ``init`` here, ``doctor`` from its own module."""
    from qualcode.cli import doctor

    app.command()(init)
    doctor.register(app)
