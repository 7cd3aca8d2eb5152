"""`qualcode export report`: the thematic report for the policy brief, as a Word document."""

from __future__ import annotations

import typer


def register(export_app: typer.Typer) -> None:
    """Add the report command to the ``export`` group."""
