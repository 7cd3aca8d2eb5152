"""`qualcode doctor`: check a project file, and rescue what can be read from a damaged one."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from qualcode.cli._common import JsonOption, ProjectOption, print_json, stdout

if TYPE_CHECKING:
    from qualcode.store.doctor import Diagnosis


def doctor(
    project: ProjectOption = None,
    rescue: Annotated[
        Path | None,
        typer.Option(
            "--rescue",
            help="Copy every row that can be read into this new project file (the file checked stays as is).",
            show_default=False,
            dir_okay=False,
        ),
    ] = None,
    json_: JsonOption = False,
) -> None:
    """Check a project file: damage, schema version, rows per table, the WAL file and backup copies.

    Exits 1 when the file is damaged or not a usable project. Nothing is written to it.
    """
    from qualcode.settings import project_path
    from qualcode.store.doctor import diagnose
    from qualcode.store.rescue import iter_report_lines, rescue_project

    path = project_path(project)
    if rescue is not None:
        report = rescue_project(path, rescue)
        if json_:
            print_json(report.to_dict())
            return
        out = stdout()
        for line in iter_report_lines(report):
            out.print(line, markup=False)
        return
    diagnosis = diagnose(path)
    if json_:
        print_json(diagnosis.to_dict())
    else:
        _render(diagnosis)
    if not diagnosis.ok:
        raise typer.Exit(1)


def _render(d: Diagnosis) -> None:
    out = stdout()
    version = "unknown" if d.schema_version is None else str(d.schema_version)
    lines = [
        (
            "Project file",
            f"{d.path} ({d.size:,} bytes; schema {version}, this qualcode writes {d.latest_version})",
        ),
        ("Verdict", d.verdict),
    ]
    lines += [("Findings" if i == 0 else "", f) for i, f in enumerate(d.findings)]
    lines.append(("Journal", d.journal))
    if d.tables:
        counts = ", ".join(f"{t.table} {t.readable:,}" for t in d.tables)
        lines.append(("Rows", counts))
    if d.backups:
        lines.append(("Backups", f"{len(d.backups)} (newest first)"))
        lines += [
            ("", f"{b.path} ({b.taken_at:%Y-%m-%d %H:%M}, before {b.action}, {b.size:,} bytes)")
            for b in d.backups
        ]
    else:
        lines.append(("Backups", "none found"))
    lines += [("What to do" if i == 0 else "", a) for i, a in enumerate(d.advice)]
    for label, text in lines:
        out.print(f"{label:<13} {text}", markup=False)


def register(app: typer.Typer) -> None:
    """Add the command to the app."""
    app.command("doctor")(doctor)
