"""`qualcode export qdpx`: the whole project as a REFI-QDA (QDA-XML 1.0) archive."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from qualcode.cli._common import ProjectOption, open_project, stdout


def register(export_app: typer.Typer) -> None:
    """Add the REFI-QDA command to the ``export`` group."""

    @export_app.command("qdpx")
    def qdpx_cli(
        out: Annotated[
            Path,
            typer.Argument(
                help="The REFI-QDA project file to write (.qdpx).", show_default=False, dir_okay=False
            ),
        ],
        project: ProjectOption = None,
    ) -> None:
        """Write the project (documents, codebook, codings, coders, cases, memos) as .qdpx for other tools."""
        from qualcode.refi.exporter import export_qdpx

        if out.suffix.lower() != ".qdpx":
            raise typer.BadParameter("the file name must end in .qdpx", param_hint="OUT")
        with open_project(project) as proj:
            summary = export_qdpx(proj, out)
        stdout().print(f"Wrote {out}: {summary}", markup=False)
