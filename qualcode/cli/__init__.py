"""The `qualcode` command: a thin layer over the library that parses, calls and renders.

Errors: a :class:`~qualcode.errors.QualcodeError` becomes ``Error: …`` on stderr and exit
code 1, and so does an SQLite error a user can act on (full disk, locked, read-only or damaged
file); usage errors exit 2 (typer); tracebacks never show local variables.
"""

from __future__ import annotations

from typing import Any

import typer
from typer.core import TyperGroup

from qualcode.errors import QualcodeError


class _Group(TyperGroup):
    """The one boundary where library errors turn into a message and an exit code."""

    def invoke(self, ctx: Any) -> Any:
        from qualcode.cli._common import flush_warnings

        try:
            result = super().invoke(ctx)
        except QualcodeError as exc:
            flush_warnings(show=False)
            typer.echo(f"Error: {exc}", err=True)
            raise typer.Exit(1) from None
        except Exception as exc:
            # Safety net: the store maps SQLite's errors in Project.read()/write(); one raised
            # anywhere else (full disk, locked or damaged file) still becomes one line.
            message = _database_error(exc)
            flush_warnings(show=message is None)
            if message is None:
                raise
            typer.echo(f"Error: {message}", err=True)
            raise typer.Exit(1) from None
        flush_warnings(show=True)
        return result


def _database_error(exc: Exception) -> str | None:
    """The one-line message for an SQLite error a user can act on, or None for anything else."""
    if not type(exc).__module__.startswith(("sqlite3", "sqlalchemy")):
        return None  # don't import the store for click's own exits or for a bug
    from qualcode.store.sqlite import project_error

    error = project_error(exc, None)
    return None if error is None else str(error)


app = typer.Typer(
    cls=_Group,
    name="qualcode",
    help="Qualitative interview analysis at the terminal: import transcripts, code them, check coder "
    "agreement and write the report. Everything stays in one SQLite file on your machine.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _register() -> None:
    from qualcode.cli import (
        agree,
        cases,
        codebook,
        coding,
        demo,
        export,
        history,
        importing,
        project,
        query,
        refi,
        report,
        search,
        suggest,
        transcripts,
        tui,
    )

    project.register(app)
    importing.register(app)
    app.add_typer(cases.app, name="cases")
    app.add_typer(transcripts.app, name="transcripts")
    app.add_typer(codebook.app, name="codebook")
    app.add_typer(coding.app, name="code")
    app.add_typer(coding.memo_app, name="memo")
    history.register(app)
    query.register(app)
    search.register(app)
    agree.register(app)
    app.add_typer(suggest.app, name="suggest")
    app.add_typer(export.app, name="export")
    report.register(export.app)
    refi.register(export.app)
    tui.register(app)
    demo.register(app)


_register()


def main() -> None:
    """Console-script entry point."""
    app()
