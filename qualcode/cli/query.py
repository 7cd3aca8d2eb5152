"""`qualcode retrieve` and `qualcode query …`: coded material back out."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from qualcode.cli._common import JsonOption, ProjectOption, open_project, print_json, stdout
from qualcode.clock import format_clock

app = typer.Typer(
    help="Cross-tabulations: code co-occurrence and codes × participant groups.", no_args_is_help=True
)

CodesOption = Annotated[
    list[str] | None,
    typer.Option(
        "--codes",
        help="Codes to include (repeat the option); each counts with its sub-codes.",
        show_default=False,
    ),
]
CoderFilter = Annotated[
    str | None, typer.Option("--coder", help="Only this coder's codings.", show_default=False)
]


def retrieve_cli(
    code: Annotated[
        str, typer.Argument(help="Code path ('Theme > Code') or a unique code name.", show_default=False)
    ],
    children: Annotated[bool, typer.Option("--children", help="Include the sub-codes' segments.")] = False,
    where: Annotated[
        list[str] | None,
        typer.Option(
            "--where",
            help="Participant condition, e.g. country=Serbia or years_experience>=10 (repeat for AND).",
            show_default=False,
        ),
    ] = None,
    by: CoderFilter = None,
    context: Annotated[int, typer.Option(help="Characters of context on each side.")] = 80,
    project: ProjectOption = None,
    json_: JsonOption = False,
) -> None:
    """The coded segments of a code, with participant, speaker, place and context."""
    from qualcode.query import retrieve

    with open_project(project) as proj:
        segments = retrieve(proj, code, children=children, where=where or [], coder=by, context=context)
    if json_:
        print_json([s.to_dict() for s in segments])
        return
    out = stdout()
    for s in segments:
        where_ = f"turn {s.turn}" if s.turn is not None else f"{s.start}:{s.end}"
        if s.t_start is not None:
            where_ += f" [{format_clock(s.t_start)}]"
        who = ", ".join(str(v) for k, v in s.attributes.items() if k in ("role", "institution_type", "city"))
        out.print(
            f"── {s.document} · {where_} · {s.speaker or '?'} · {s.coder}" + (f" · {who}" if who else ""),
            markup=False,
        )
        out.print(f"   …{s.left}[{' '.join(s.text.split())}]{s.right}…", markup=False)
    out.print(f"{len(segments)} segment(s)")


@app.command("cooccurrence")
def cooccurrence_cli(
    codes: CodesOption = None,
    unit_kind: Annotated[
        str, typer.Option("--unit-kind", help="Units for 'shared units': turn, paragraph, sentence.")
    ] = "turn",
    by: CoderFilter = None,
    project: ProjectOption = None,
    json_: JsonOption = False,
) -> None:
    """Code × code: overlapping segments and shared units."""
    from qualcode.query import cooccurrence

    with open_project(project) as proj:
        result = cooccurrence(proj, codes or [], unit_kind=unit_kind, coder=by)
    if json_:
        print_json(result.to_dict())
        return
    for title, cells in (("overlapping segments", result.segments), (f"shared {unit_kind}s", result.units)):
        table = Table(title=f"Co-occurrence: {title}", title_justify="left")
        table.add_column("code")
        for i in range(len(result.codes)):
            table.add_column(str(i + 1), justify="right")
        for i, label in enumerate(result.codes):
            table.add_row(f"{i + 1}. {label}", *(str(n) for n in cells[i]))
        stdout().print(table)


@app.command("matrix")
def matrix_cli(
    by: Annotated[
        str,
        typer.Option(
            "--by", help="Participant attribute for the columns, e.g. institution_type.", show_default=False
        ),
    ],
    count: Annotated[str, typer.Option(help="segments, documents or cases.")] = "segments",
    codes: CodesOption = None,
    coder_filter: CoderFilter = None,
    project: ProjectOption = None,
    json_: JsonOption = False,
) -> None:
    """Codes × the values of a participant attribute."""
    from qualcode.query import matrix

    with open_project(project) as proj:
        result = matrix(proj, by, count=count, codes=codes or [], coder=coder_filter)
    if json_:
        print_json(result.to_dict())
        return
    table = Table(title=f"{result.count} per {result.attribute}", title_justify="left")
    table.add_column("code")
    for column in result.columns:
        table.add_column(column, justify="right")
    for code, counts in result.rows:
        table.add_row(code, *(str(n) for n in counts))
    stdout().print(table)


def register(app_: typer.Typer) -> None:
    """Add `retrieve` and the `query` group to the app."""
    app_.command("retrieve")(retrieve_cli)
    app_.add_typer(app, name="query")
