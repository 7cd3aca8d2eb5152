"""`qualcode export qdpx`: the whole project as a REFI-QDA (QDA-XML 1.0) archive."""

from __future__ import annotations

import typer


def register(export_app: typer.Typer) -> None:
    """Add the REFI-QDA command to the ``export`` group."""
