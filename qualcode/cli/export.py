"""`qualcode export …`: the report for the policy brief and data for other tools."""

from __future__ import annotations

import typer

app = typer.Typer(
    help="Write the Word report, the codebook, codings and matrices, and REFI-QDA projects.",
    no_args_is_help=True,
)
