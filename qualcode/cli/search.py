"""`qualcode search`: full-text search over every transcript, as keyword-in-context lines."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Annotated

import typer
from rich.text import Text

from qualcode.cli._common import JsonOption, ProjectOption, open_project, print_json, stdout
from qualcode.clock import format_clock

if TYPE_CHECKING:
    from qualcode.search import Match, SearchHit, SearchResults

_SPACES = re.compile(r"\s+")


def search_cli(
    query: Annotated[
        list[str],
        typer.Argument(
            help='Words, "phrases", prefixes* with AND, OR, NOT and parentheses; script, case and '
            "diacritics are ignored. Quote phrases for the shell: '\"dečje prosjačenje\"'.",
            metavar="QUERY",
            show_default=False,
        ),
    ],
    lemma: Annotated[
        bool,
        typer.Option("--lemma", help="Also match the other forms of each word (žrtva → žrtve, žrtvama)."),
    ] = False,
    limit: Annotated[
        int,
        typer.Option("--limit", min=0, help="Show at most this many paragraphs (the total is always given)."),
    ] = 50,
    doc: Annotated[
        list[str] | None,
        typer.Option(
            "--doc",
            help="Search only this document (repeat for several).",
            metavar="NAME",
            show_default=False,
        ),
    ] = None,
    project: ProjectOption = None,
    json_: JsonOption = False,
) -> None:
    """Search the transcripts: one line per occurrence, with document, paragraph, turn and speaker."""
    from qualcode.search import search

    with open_project(project) as proj:
        results = search(proj, " ".join(query), lemma=lemma, limit=limit, documents=doc or None)
    if json_:
        print_json(results.to_dict())
        return
    out = stdout()
    for hit in results.hits:
        for match in hit.matches:
            out.print(_kwic_line(hit, match), soft_wrap=True)
    out.print(_summary(results), markup=False)


def _kwic_line(hit: SearchHit, match: Match) -> Text:
    """``name ¶12 (turn 6, R, 00:01:05) …left [match] right…`` on one line."""
    where = [f"turn {hit.turn}"] if hit.turn is not None else []
    where += [hit.speaker] if hit.speaker else []
    where += [format_clock(hit.t_start)] if hit.t_start is not None else []
    place = f"{hit.document} ¶{hit.paragraph}" + (f" ({', '.join(where)})" if where else "")
    before = "…" if match.start - len(match.left) > hit.start else ""
    after = "…" if match.end + len(match.right) < hit.end else ""
    return Text.assemble(
        f"{place} {before}{_one_line(match.left)}[",
        (_one_line(match.match), "bold"),
        f"]{_one_line(match.right)}{after}",
    )


def _one_line(text: str) -> str:
    # Hard-wrapped lines and soft breaks inside a paragraph would break the one-line layout.
    return _SPACES.sub(" ", text)


def _summary(results: SearchResults) -> str:
    total = results.total
    noun = "paragraph matches" if total == 1 else "paragraphs match"
    line = f"{total:,} {noun} {results.understood}"
    if 0 < len(results.hits) < total:
        line += f"; showing {len(results.hits):,} (--limit N shows more)"
    return line + "."


def register(app: typer.Typer) -> None:
    """Add the command to the app."""
    app.command("search")(search_cli)
