"""Suggestions on the sample study: learned vs deductive, themes and adopt, through library and CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from qualcode.cli import app
from qualcode.coding import list_codings
from qualcode.demo import DEMO_MIN_SCORE, build_demo
from qualcode.errors import QualcodeError
from qualcode.history import undo
from qualcode.store.project import Project, open_project
from qualcode.suggest.measure import evaluate_methods
from qualcode.suggest.project_themes import adopt_theme, suggest_themes
from qualcode.suggest.review import list_suggestions, review
from qualcode.suggest.workflow import suggest_codes


@pytest.fixture(scope="module")
def demo_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_demo(tmp_path_factory.mktemp("demo")).project


@pytest.fixture
def demo(demo_path: Path, tmp_path: Path) -> Project:
    copy = tmp_path / "demo.db"
    copy.write_bytes(demo_path.read_bytes())
    return open_project(copy)


def test_learned_suggestions_on_uncoded_units_with_reasons(demo: Project) -> None:
    pending = [s for s in list_suggestions(demo) if s.method == "learned"]  # the demo made them
    assert pending
    assert all(DEMO_MIN_SCORE <= s.score <= 1 and s.reason for s in pending)
    coded_spans = {(c.document, c.start, c.end) for c in list_codings(demo)}
    assert not any((s.document, s.start, s.end) in coded_spans for s in pending)  # nobody coded these units
    # Retraining on the same codings gives the same model, which replaces its own suggestions.
    again = suggest_codes(demo, "lead", method="learned", min_score=DEMO_MIN_SCORE)
    assert again.trained_codes and again.replaced == len(pending)
    assert again.created == {"learned": len(pending)}
    renewed = [s for s in list_suggestions(demo) if s.method == "learned"]
    assert [(s.document, s.code, s.start, s.score, s.model_version) for s in renewed] == [
        (s.document, s.code, s.start, s.score, s.model_version) for s in pending
    ]


def test_a_review_round_retrains_and_replaces_the_pending_learned_suggestions(demo: Project) -> None:
    pending = [s for s in list_suggestions(demo) if s.method == "learned"]
    review(demo, [pending[0].id], "lead", accept=True)  # a new example for the model
    retrained = suggest_codes(demo, "lead", method="learned", min_score=DEMO_MIN_SCORE)
    assert retrained.replaced == len(pending) - 1  # the accepted one is decided and stays
    now = [s for s in list_suggestions(demo, status=None) if s.method == "learned"]
    assert [s.status for s in now].count("accepted") == 1
    assert retrained.model_version.startswith("learned-2:")
    assert retrained.model_version != pending[0].model_version  # a new model, from one more coding
    assert {s.model_version for s in now if s.status == "pending"} <= {retrained.model_version}


@pytest.mark.parametrize("coder", ["milica", "amra"])
def test_learned_beats_the_deductive_baseline_on_hand_made_codings(demo: Project, coder: str) -> None:
    # The sample study's codings were made by reading (transcripts/codings/*.csv), not by keyword
    # rules, so this is the honest comparison the README reports.
    learned, deductive = evaluate_methods(demo, coder=coder, folds=5)
    assert (learned.method, deductive.method) == ("learned", "deductive")
    assert learned.units == deductive.units == 357  # the turns of the seven coded interviews
    assert [c.code for c in learned.per_code] == [c.code for c in deductive.per_code]  # same codes
    assert len(learned.trained_codes) >= 40
    assert learned.micro_f1 is not None and deductive.micro_f1 is not None
    assert learned.kappa is not None and deductive.kappa is not None
    assert learned.micro_f1 > deductive.micro_f1 + 0.05
    assert learned.kappa > deductive.kappa + 0.05


def test_themes_are_stable_and_adopt_queues_units(demo: Project) -> None:
    first = suggest_themes(demo, "lead", k=4, seed=3, by="country")
    second = suggest_themes(demo, "lead", k=4, seed=3, by="country")
    assert [t.label for t in first.themes] == [t.label for t in second.themes]
    assert len(first.themes) == 4
    theme = first.themes[0]
    assert theme.units >= theme.documents >= 1 and len(theme.quotes) >= 3
    assert sum(theme.breakdown.values()) == theme.units
    adopted = adopt_theme(demo, theme.number, "Candidate theme A", "lead", parent="Perceptions of begging")
    assert adopted.code == "Perceptions of begging > Candidate theme A"
    assert adopted.suggestions == theme.units
    assert len(list_suggestions(demo, code="Candidate theme A")) == theme.units
    undo(demo, "lead")
    with pytest.raises(QualcodeError, match="no code 'Candidate theme A'"):
        list_suggestions(demo, code="Candidate theme A")
    with pytest.raises(QualcodeError, match="no theme 99"):
        adopt_theme(demo, 99, "X", "lead")


def test_cli_suggest_round_trip(demo: Project, runner: CliRunner) -> None:
    path = str(demo.path)
    made = runner.invoke(
        app, ["suggest", "codes", "--method", "deductive", "-p", path, "--json", "--coder", "lead"]
    )
    assert made.exit_code == 0, made.output
    assert json.loads(made.stdout)["skipped"] > 0  # the demo already made these suggestions
    listed = json.loads(runner.invoke(app, ["suggest", "list", "--json", "-p", path]).stdout)
    first, second = listed[0]["id"], listed[1]["id"]
    accepted = runner.invoke(app, ["suggest", "accept", str(first), "-p", path, "--coder", "lead"])
    assert accepted.exit_code == 0 and "Accepted 1" in accepted.stdout
    rejected = runner.invoke(app, ["suggest", "reject", str(second), "-p", path, "--coder", "lead"])
    assert rejected.exit_code == 0
    reviewed = runner.invoke(app, ["suggest", "review", "-p", path, "--coder", "lead"], input="a\nr\ns\nq\n")
    assert reviewed.exit_code == 0 and "[a]ccept" in reviewed.stdout
    statuses = [
        s["status"]
        for s in json.loads(
            runner.invoke(app, ["suggest", "list", "--status", "all", "--json", "-p", path]).stdout
        )
    ]
    assert statuses.count("accepted") == 2 and statuses.count("rejected") == 2
    evaluated = runner.invoke(app, ["suggest", "evaluate", "--folds", "3", "--json", "-p", path])
    assert evaluated.exit_code == 0, evaluated.output
    assert [r["method"] for r in json.loads(evaluated.stdout)] == ["learned", "deductive"]
