"""`qualcode code …` and `qualcode memo add`: coding by command."""

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
    stdout,
)

if TYPE_CHECKING:
    from qualcode.coding import Selector

app = typer.Typer(help="Apply, remove and list codings.", no_args_is_help=True)
memo_app = typer.Typer(help="Memos on documents, codes and codings.", no_args_is_help=True)

DocOption = Annotated[
    str, typer.Option("--doc", help="Document name (see `transcripts list`).", show_default=False)
]
UnitsOption = Annotated[
    str | None,
    typer.Option("--units", help="Unit numbers, e.g. 3,5-7 (a range is one coding).", show_default=False),
]
SpanOption = Annotated[
    str | None, typer.Option("--span", help="Offsets START:END in the document's text.", show_default=False)
]
MatchOption = Annotated[
    str | None,
    typer.Option(
        "--match",
        help="Every unit containing this word or regex (script, case and diacritics ignored).",
        show_default=False,
    ),
]
KindOption = Annotated[str, typer.Option("--unit-kind", help="turn, paragraph, sentence or cue.")]
CodeArgument = Annotated[
    str, typer.Argument(help="Code path ('Theme > Code') or a unique code name.", show_default=False)
]


def _selector(units: str | None, span: str | None, match: str | None, unit_kind: str) -> Selector:
    from qualcode.coding import Selector

    return Selector(units=units, span=span, match=match, unit_kind=unit_kind)


@app.command("apply")
def apply_cli(
    code: CodeArgument,
    doc: DocOption,
    units: UnitsOption = None,
    span: SpanOption = None,
    match: MatchOption = None,
    unit_kind: KindOption = "turn",
    memo: Annotated[str, typer.Option(help="A memo on the new codings.")] = "",
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Apply --match without asking.")] = False,
    project: ProjectOption = None,
    coder_: CoderOption = None,
    json_: JsonOption = False,
) -> None:
    """Code units, a span or every matching unit of a document."""
    from qualcode.coding import apply_code, select_spans

    selector = _selector(units, span, match, unit_kind)
    with open_project(project) as proj:
        if match is not None and not yes:
            spans = select_spans(proj, doc, selector)
            out = stdout()
            out.print(f"{len(spans)} {unit_kind}(s) in {doc} contain {match!r}:", markup=False)
            for s in spans[:10]:
                out.print(f"  {s.label}: {_short(s.text)}", markup=False)
            if len(spans) > 10:
                out.print(f"  … and {len(spans) - 10} more", markup=False)
            if not spans or not typer.confirm(f"Apply {code} to them?", default=False):
                out.print("Nothing applied.")
                return
        report = apply_code(proj, code, doc, selector, coder(coder_), memo=memo)
    if json_:
        print_json(report.to_dict())
        return
    extra = f"; {report.already} already coded" if report.already else ""
    stdout().print(
        f"Applied {report.code} to {len(report.created)} span(s) in {report.document}{extra}.", markup=False
    )


@app.command("remove")
def remove_cli(
    code: CodeArgument,
    doc: DocOption,
    units: UnitsOption = None,
    span: SpanOption = None,
    match: MatchOption = None,
    unit_kind: KindOption = "turn",
    project: ProjectOption = None,
    coder_: CoderOption = None,
    json_: JsonOption = False,
) -> None:
    """Take the selection out of your codings of CODE in a document."""
    from qualcode.coding import remove_code

    with open_project(project) as proj:
        report = remove_code(proj, code, doc, _selector(units, span, match, unit_kind), coder(coder_))
    if json_:
        print_json(report.to_dict())
        return
    stdout().print(
        f"{report.code} in {report.document}: {report.removed} coding(s) removed, {report.trimmed} cut back.",
        markup=False,
    )


@app.command("list")
def list_cli(
    doc: Annotated[str | None, typer.Option("--doc", help="Only this document.", show_default=False)] = None,
    code: Annotated[
        str | None, typer.Option("--code", help="Only this code (with its sub-codes).", show_default=False)
    ] = None,
    by: Annotated[
        str | None, typer.Option("--coder", help="Only this coder's codings.", show_default=False)
    ] = None,
    project: ProjectOption = None,
    json_: JsonOption = False,
) -> None:
    """List codings with their text."""
    from qualcode.coding import list_codings

    with open_project(project) as proj:
        rows = list_codings(proj, document=doc, code=code, coder=by)
    if json_:
        print_json([r.to_dict() for r in rows])
        return
    table = Table(title=f"{len(rows)} coding(s)", title_justify="left")
    for column in ("id", "document", "code", "coder", "span", "text"):
        table.add_column(column, justify="right" if column == "id" else "left")
    for r in rows:
        table.add_row(str(r.id), r.document, r.code, r.coder, f"{r.start}:{r.end}", _short(r.text))
    stdout().print(table)


@app.command("important")
def important_cli(
    coding_id: Annotated[int, typer.Argument(metavar="ID", help="Coding id (from `code list`).")],
    unset: Annotated[bool, typer.Option("--unset", help="Clear the mark instead.")] = False,
    project: ProjectOption = None,
    coder_: CoderOption = None,
) -> None:
    """Mark a coding as important (a quote for the report), or clear the mark."""
    from qualcode.coding import set_important

    with open_project(project) as proj:
        changed = set_important(proj, coding_id, not unset, coder(coder_))
    messages = {
        (False, True): "is now marked important",
        (False, False): "was already marked important",
        (True, True): "is no longer marked important",
        (True, False): "was not marked important",
    }
    stdout().print(f"Coding {coding_id} {messages[unset, changed]}.", markup=False)


@app.command("import")
def import_cli(
    sheet: Annotated[
        Path,
        typer.Argument(
            help="CSV coding sheet: document, turn (or unit + unit_kind), code, and optionally quote, "
            "important, memo.",
            show_default=False,
            dir_okay=False,
        ),
    ],
    project: ProjectOption = None,
    coder_: CoderOption = None,
    json_: JsonOption = False,
) -> None:
    """Add the codings of a coding sheet (a spreadsheet saved as CSV), all or nothing."""
    from qualcode.coding_sheet import import_coding_sheet

    with open_project(project) as proj:
        report = import_coding_sheet(proj, sheet, coder(coder_))
    if json_:
        print_json(report.to_dict())
        return
    per_document = ", ".join(f"{doc} {n}" for doc, n in sorted(report.by_document.items()))
    stdout().print(
        f"Imported {report.created} coding(s) as {report.coder}"
        + (f" ({per_document})" if per_document else "")
        + (f"; {report.unchanged} already there." if report.unchanged else "."),
        markup=False,
    )


@memo_app.command("add")
def memo_add_cli(
    text: Annotated[str, typer.Argument(help="The memo.", show_default=False)],
    doc: Annotated[str | None, typer.Option("--doc", help="On this document.", show_default=False)] = None,
    code: Annotated[str | None, typer.Option("--code", help="On this code.", show_default=False)] = None,
    coding: Annotated[
        int | None, typer.Option("--coding", help="On this coding (id from `code list`).", show_default=False)
    ] = None,
    project: ProjectOption = None,
    coder_: CoderOption = None,
) -> None:
    """Add a memo to a document, a code or a coding."""
    from qualcode.coding import add_memo

    with open_project(project) as proj:
        memo_id = add_memo(proj, text, coder(coder_), document=doc, code=code, coding=coding)
    stdout().print(f"Added memo {memo_id}.")


def _short(text: str, width: int = 90) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"
