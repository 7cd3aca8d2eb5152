"""`qualcode tui`: the interactive coding screen."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add ``tui`` to the main command."""
