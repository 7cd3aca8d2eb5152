"""`qualcode suggest …`: assisted coding, always reviewed by a person."""

from __future__ import annotations

import sys
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
    from qualcode.suggest.review import SuggestionView

app = typer.Typer(
    help="Suggested codes and themes, made locally and reviewed by a person.", no_args_is_help=True
)

DocsOption = Annotated[
    list[str] | None, typer.Option("--doc", help="Only these documents (repeat).", show_default=False)
]
KindOption = Annotated[str, typer.Option("--unit-kind", help="turn, paragraph or sentence.")]
SeedOption = Annotated[int, typer.Option("--seed", help="Random seed: same seed, same result.")]


@app.command("codes")
def codes_cli(
    method: Annotated[
        str, typer.Option(help="deductive (codebook keywords), learned (from the codings) or all.")
    ] = ("all"),
    docs: DocsOption = None,
    unit_kind: KindOption = "turn",
    min_score: Annotated[
        float, typer.Option("--min-score", help="Lowest score (probability) to suggest.")
    ] = 0.5,
    min_examples: Annotated[
        int, typer.Option("--min-examples", help="Coded units a code needs to be learned.")
    ] = 5,
    seed: SeedOption = 0,
    project: ProjectOption = None,
    coder_: CoderOption = None,
    json_: JsonOption = False,
) -> None:
    """Create pending suggestions for the units."""
    from qualcode.suggest.workflow import suggest_codes

    with open_project(project) as proj:
        report = suggest_codes(
            proj,
            coder(coder_),
            method=method,
            documents=docs or [],
            unit_kind=unit_kind,
            min_score=min_score,
            min_examples=min_examples,
            seed=seed,
        )
    if json_:
        print_json(report.to_dict())
        return
    out = stdout()
    made = ", ".join(f"{n} {m}" for m, n in report.created.items()) or "none"
    out.print(f"New suggestions: {made}; {report.skipped} already suggested before.", markup=False)
    if report.too_few_examples:
        out.print(
            "Too few coded units to learn (need --min-examples): "
            + ", ".join(f"{c} ({n})" for c, n in report.too_few_examples.items()),
            markup=False,
        )
    for note in report.notes:
        out.print(f"Note: {note}", markup=False)


@app.command("list")
def list_cli(
    status: Annotated[str, typer.Option(help="pending, accepted, rejected or all.")] = "pending",
    doc: Annotated[str | None, typer.Option("--doc", help="Only this document.", show_default=False)] = None,
    code: Annotated[
        str | None, typer.Option("--code", help="Only this code (and sub-codes).", show_default=False)
    ] = None,
    limit: Annotated[int | None, typer.Option(help="At most this many.", show_default=False)] = None,
    project: ProjectOption = None,
    json_: JsonOption = False,
) -> None:
    """List suggestions in review order."""
    from qualcode.suggest.review import list_suggestions

    with open_project(project) as proj:
        rows = list_suggestions(
            proj, status=None if status == "all" else status, document=doc, code=code, limit=limit
        )
    if json_:
        print_json([r.to_dict() for r in rows])
        return
    table = Table(title=f"{len(rows)} suggestion(s)", title_justify="left")
    for column in ("id", "method", "score", "code", "document", "unit", "reason", "text"):
        table.add_column(column, justify="right" if column in ("id", "score") else "left")
    for r in rows:
        table.add_row(
            str(r.id),
            r.method,
            f"{r.score:.2f}",
            r.code,
            r.document,
            f"{r.unit_kind} {r.unit}",
            ", ".join(r.reason[:4]),
            _short(r.text),
        )
    stdout().print(table)


@app.command("accept")
def accept_cli(
    ids: Annotated[list[int] | None, typer.Argument(help="Suggestion ids.", show_default=False)] = None,
    all_above: Annotated[
        float | None,
        typer.Option(
            "--all-above",
            help="Accept every pending suggestion with at least this score.",
            show_default=False,
        ),
    ] = None,
    as_code: Annotated[
        str | None, typer.Option("--as", help="Code them with this code instead.", show_default=False)
    ] = None,
    project: ProjectOption = None,
    coder_: CoderOption = None,
    json_: JsonOption = False,
) -> None:
    """Accept suggestions: each becomes your coding."""
    from qualcode.errors import QualcodeError
    from qualcode.suggest.review import accept_above, review

    if bool(ids) == (all_above is not None):
        raise QualcodeError("give suggestion ids or --all-above SCORE (one of them)")
    with open_project(project) as proj:
        if all_above is not None:
            report = accept_above(proj, all_above, coder(coder_))
        else:
            report = review(proj, ids or [], coder(coder_), accept=True, as_code=as_code)
    if json_:
        print_json(report.to_dict())
        return
    stdout().print(
        f"Accepted {len(report.accepted)}; coded as another code {len(report.rejected)}; "
        f"{len(report.codings)} coding(s) made.",
        markup=False,
    )


@app.command("reject")
def reject_cli(
    ids: Annotated[list[int], typer.Argument(help="Suggestion ids.", show_default=False)],
    project: ProjectOption = None,
    coder_: CoderOption = None,
) -> None:
    """Reject suggestions: that span and code will not be suggested again."""
    from qualcode.suggest.review import review

    with open_project(project) as proj:
        report = review(proj, ids, coder(coder_), accept=False)
    stdout().print(f"Rejected {len(report.rejected)}.", markup=False)


@app.command("review")
def review_cli(
    code: Annotated[str | None, typer.Option("--code", help="Only this code.", show_default=False)] = None,
    retrain: Annotated[
        bool,
        typer.Option(
            "--retrain/--no-retrain",
            help="After the round, retrain the learned model on the codings as they now are.",
        ),
    ] = True,
    unit_kind: KindOption = "turn",
    project: ProjectOption = None,
    coder_: CoderOption = None,
) -> None:
    """Review pending suggestions one at a time: [a]ccept, [r]eject, [s]kip, [c]hoose another code, [q]uit."""
    from qualcode.suggest.review import list_suggestions, review
    from qualcode.suggest.workflow import suggest_codes

    name = coder(coder_)
    out = stdout()
    decided = 0
    with open_project(project) as proj:
        pending = list_suggestions(proj, code=code)
        if not pending:
            out.print("No pending suggestions.")
            return
        for number, s in enumerate(pending, start=1):
            _show(s, number, len(pending))
            key = _key()
            if key == "q":
                break
            if key == "a":
                review(proj, [s.id], name, accept=True)
            elif key == "r":
                review(proj, [s.id], name, accept=False)
            elif key == "c":
                other = typer.prompt("Code instead (path or name)")
                review(proj, [s.id], name, accept=True, as_code=other)
            decided += key in ("a", "r", "c")
        out.print("Done: decisions are saved; `qualcode undo` takes the last one back.")
        if retrain and decided:
            # The round's decisions are new examples: learn from them before the next round.
            again = suggest_codes(proj, name, method="learned", unit_kind=unit_kind)
            out.print(
                f"Retrained on the codings as they now are: {len(again.trained_codes)} code(s) learned, "
                f"{again.created.get('learned', 0)} learned suggestion(s) pending "
                f"({again.replaced} from the previous model withdrawn).",
                markup=False,
            )


def _show(s: SuggestionView, number: int, total: int) -> None:
    out = stdout()
    out.print(
        f"\n[{number}/{total}] {s.code}  ({s.method}, score {s.score:.2f}; "
        f"because: {', '.join(s.reason[:5])})",
        markup=False,
    )
    out.print(f"{s.document}, {s.unit_kind} {s.unit}:", markup=False)
    out.print(f"  {_short(s.text, 600)}", markup=False)
    out.print("[a]ccept  [r]eject  [s]kip  [c]hoose another code  [q]uit: ", end="", markup=False)


def _key() -> str:
    """One key press on a terminal; a line of input otherwise (scripts, tests)."""
    if sys.stdin.isatty():
        key = typer.getchar().lower()
        stdout().print(key)
        return key
    line = sys.stdin.readline()
    return (line.strip()[:1] or "q").lower()


@app.command("themes")
def themes_cli(
    k: Annotated[str, typer.Option("-k", help="Number of themes, or auto.")] = "auto",
    uncoded: Annotated[bool, typer.Option("--uncoded", help="Only material nobody has coded yet.")] = False,
    by: Annotated[
        str | None,
        typer.Option("--by", help="Break sizes down by this participant attribute.", show_default=False),
    ] = None,
    unit_kind: KindOption = "paragraph",
    seed: SeedOption = 0,
    docs: DocsOption = None,
    project: ProjectOption = None,
    coder_: CoderOption = None,
    json_: JsonOption = False,
) -> None:
    """Propose candidate themes (topic modelling over lemmas), with sizes, quotes and the closest code."""
    from qualcode.errors import QualcodeError
    from qualcode.suggest.project_themes import suggest_themes

    if k != "auto" and not k.isdigit():
        raise QualcodeError("-k takes a number of themes or auto")
    with open_project(project) as proj:
        report = suggest_themes(
            proj,
            coder(coder_),
            k=k if k == "auto" else int(k),
            uncoded=uncoded,
            unit_kind=unit_kind,
            by=by,
            seed=seed,
            documents=docs or [],
        )
    if json_:
        print_json(report.to_dict())
        return
    out = stdout()
    out.print(
        f"{len(report.themes)} candidate theme(s) over {report.units_used} {unit_kind}s; k = {report.k} "
        f"({report.k_chosen_by}).",
        markup=False,
    )
    if report.note:
        out.print(f"Note: {report.note}", markup=False)
    for t in report.themes:
        closest = f"; closest code: {t.closest_code} ({t.closest_similarity:.2f})" if t.closest_code else ""
        out.print(
            f"\nTheme {t.number}: {t.label} — {t.units} units, {t.documents} documents, "
            f"{t.participants} participants{closest}",
            markup=False,
        )
        if t.breakdown:
            out.print(
                "  by " + (by or "") + ": " + ", ".join(f"{v} {n}" for v, n in t.breakdown.items()),
                markup=False,
            )
        for q in t.quotes:
            out.print(
                f"  “{_short(q['text'], 200)}” ({q['document']}, {unit_kind} {q['unit']})", markup=False
            )
    out.print("\nAdopt one with: qualcode suggest adopt NUMBER --name NAME [--parent CODE]")


@app.command("adopt")
def adopt_cli(
    theme: Annotated[int, typer.Argument(help="Theme number from `suggest themes`.", show_default=False)],
    name: Annotated[str, typer.Option("--name", help="Name of the new code.", show_default=False)],
    parent: Annotated[str | None, typer.Option("--parent", help="Parent code.", show_default=False)] = None,
    project: ProjectOption = None,
    coder_: CoderOption = None,
) -> None:
    """Create a code from a theme and queue its units as pending suggestions."""
    from qualcode.suggest.project_themes import adopt_theme

    with open_project(project) as proj:
        report = adopt_theme(proj, theme, name, coder(coder_), parent=parent)
    stdout().print(f"Added {report.code}; {report.suggestions} unit(s) queued for review.", markup=False)


@app.command("evaluate")
def evaluate_cli(
    folds: Annotated[int, typer.Option("--folds", help="Cross-validation folds.")] = 5,
    by: Annotated[
        str | None,
        typer.Option(
            "--coder",
            help="Whose codings are the truth [default: the coder with the most codings].",
            show_default=False,
        ),
    ] = None,
    unit_kind: KindOption = "turn",
    seed: SeedOption = 0,
    project: ProjectOption = None,
    json_: JsonOption = False,
) -> None:
    """How good are the suggestions? Learned vs deductive, cross-validated on your own codings."""
    from dataclasses import asdict

    from qualcode.suggest.measure import evaluate_methods

    with open_project(project) as proj:
        results = evaluate_methods(proj, coder=by, folds=folds, unit_kind=unit_kind, seed=seed)
    if json_:
        print_json([asdict(r) for r in results])
        return
    out = stdout()
    table = Table(title=f"Suggestions against the coder's own codings ({unit_kind}s)", title_justify="left")
    for column in (
        "method",
        "units",
        "micro F1",
        f"precision@{results[0].k}",
        f"recall@{results[0].k}",
        "kappa",
        "note",
    ):
        table.add_column(column, justify="left" if column in ("method", "note") else "right")
    for r in results:
        table.add_row(
            r.method,
            str(r.units),
            _num(r.micro_f1),
            _num(r.precision_at_k),
            _num(r.recall_at_k),
            _num(r.kappa),
            getattr(r, "note", "") or "",
        )
    out.print(table)
    for r in results:
        per = Table(title=f"{r.method}: per code", title_justify="left")
        for column in ("code", "support", "precision", "recall", "F1"):
            per.add_column(column, justify="left" if column == "code" else "right")
        for c in r.per_code:
            per.add_row(c.code, str(c.support), _num(c.precision), _num(c.recall), _num(c.f1))
        out.print(per)


def _num(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}"


def _short(text: str, width: int = 80) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"
