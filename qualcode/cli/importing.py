"""`qualcode import`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from qualcode.cli._common import (
    CoderOption,
    JsonOption,
    ProjectOption,
    coder,
    open_project,
    print_json,
    stderr,
    stdout,
)

if TYPE_CHECKING:
    from qualcode.ingest.importer import ImportOptions, ImportResult
    from qualcode.store.project import Project


def import_(
    paths: Annotated[
        list[str],
        typer.Argument(help="Files, folders (searched recursively) or glob patterns.", show_default=False),
    ],
    encoding: Annotated[
        str | None,
        typer.Option(
            help="Text encoding of .txt/.md/subtitle files, e.g. cp1250, cp1251, utf-8 [default: detected].",
            show_default=False,
        ),
    ] = None,
    language: Annotated[
        str | None,
        typer.Option(
            help="Language of the transcripts: sr-Latn, sr-Cyrl, bs, hr, en [default: detected].",
            show_default=False,
        ),
    ] = None,
    speaker_pattern: Annotated[
        str | None,
        typer.Option(
            "--speaker-pattern",
            help="Regular expression for a speaker label at a line start; its group (speaker) is the name.",
            show_default=False,
        ),
    ] = None,
    case: Annotated[
        str | None,
        typer.Option(
            help="Link the documents to this case (participant); created if new.", show_default=False
        ),
    ] = None,
    replace: Annotated[
        bool,
        typer.Option("--replace", help="Replace a document of the same name (only while it has no codings)."),
    ] = False,
    max_size: Annotated[float, typer.Option("--max-size", help="Largest file to import, in MB.")] = 64,
    project: ProjectOption = None,
    coder_: CoderOption = None,
    json_: JsonOption = False,
) -> None:
    """Import transcripts (.docx .odt .pdf .txt .md .vtt .srt .sbv, Zoom text) into the project.

    An import is not undone by `qualcode undo`: take a transcript out again with `qualcode
    transcripts remove NAME`, which is undoable.
    """
    from qualcode.ingest.importer import ImportOptions, collect_paths

    files = collect_paths(paths)
    options = ImportOptions(
        encoding=encoding,
        language=language,
        speaker_pattern=speaker_pattern,
        case=case,
        replace=replace,
        max_mb=max_size,
        coder=coder(coder_),
    )
    with open_project(project) as proj:
        results = _run(proj, files, options, show_progress=not json_)
    if json_:
        print_json([r.to_dict() for r in results])
    else:
        _summary(results)
    failed = [r for r in results if r.status == "failed"]
    for r in failed:
        stderr().print(f"Error: {r.path}: {r.message}", markup=False)
    if failed:
        raise typer.Exit(1)


def _run(
    proj: Project, files: list[Path], options: ImportOptions, *, show_progress: bool
) -> list[ImportResult]:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from qualcode.ingest.importer import import_paths

    console = stderr()
    if not show_progress or not console.is_terminal:
        return import_paths(proj, files, options)
    columns = (
        TextColumn("Importing"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        TextColumn("{task.description}"),
    )
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task("", total=len(files))

        def advance(result: ImportResult) -> None:
            progress.update(task, advance=1, description=Path(result.path).name)

        return import_paths(proj, files, options, on_result=advance)


def _summary(results: list[ImportResult]) -> None:
    table = Table(title="Import", title_justify="left")
    for column in (
        "file",
        "result",
        "document",
        "format",
        "encoding",
        "language",
        "words",
        "turns",
        "speakers",
    ):
        table.add_column(column, justify="right" if column in ("words", "turns") else "left")
    for r in results:
        detail = r.status if r.status != "failed" else f"failed: {r.message}"
        language = f"{r.language} (mixed script)" if r.mixed_script else (r.language or "")
        table.add_row(
            Path(r.path).name,
            detail,
            r.document or "",
            r.source_format or "",
            r.encoding or "",
            language,
            str(r.words) if r.words else "",
            str(r.units.get("turn", "")) if r.units else "",
            ", ".join(r.speakers[:4]) + (" …" if len(r.speakers) > 4 else ""),
        )
    out = stdout()
    out.print(table)
    counts = {
        s: sum(1 for r in results if r.status == s) for s in ("imported", "replaced", "present", "failed")
    }
    out.print(", ".join(f"{n} {s}" for s, n in counts.items() if n) or "nothing to import")
    if counts["imported"] or counts["replaced"]:
        out.print("(`qualcode undo` does not undo an import: `qualcode transcripts remove NAME` does.)")
    for r in results:
        for note in r.notes:
            out.print(f"Note: {r.document}: {note}", markup=False)


def register(app: typer.Typer) -> None:
    """Add the command to the app."""
    app.command("import")(import_)
