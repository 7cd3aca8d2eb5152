"""`qualcode agree …` and `qualcode merge` through the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from qualcode.cli import app
from tests.conftest import REPO, SAMPLE

DOC = "sr01_socijalna_radnica_nis"


def _project(runner: CliRunner, path: Path, coder: str, units: str) -> Path:
    for args in (
        ["init", str(path)],
        ["import", str(SAMPLE / f"{DOC}.txt"), "-p", str(path), "--coder", coder],
        ["codebook", "load", str(REPO / "codebooks" / "forced_begging.yaml"), "-p", str(path)],
        ["code", "apply", "Daily quotas", "--doc", DOC, "--units", units, "-p", str(path), "--coder", coder],
    ):
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
    return path


@pytest.fixture
def merged(tmp_path: Path, runner: CliRunner) -> Path:
    main = _project(runner, tmp_path / "milica.db", "milica", "2,4,6")
    other = _project(runner, tmp_path / "amra.db", "amra", "2,6,8")
    result = runner.invoke(app, ["merge", str(other), "-p", str(main), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["codings_added"] == {"amra": 3}
    return main


def test_agree_units_json_and_table(merged: Path, runner: CliRunner) -> None:
    result = runner.invoke(
        app, ["agree", "--unit", "units", "--unit-kind", "turn", "--json", "-p", str(merged)]
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    [row] = report["rows"]
    turns = 44
    assert row["counts"] == {"both": 2, "only amra": 1, "only milica": 1, "neither": turns - 4}
    assert row["statistics"]["percent_agreement"]["value"] == pytest.approx((turns - 2) / turns)
    assert report["header"].startswith("Unit of analysis: turns")
    table = runner.invoke(app, ["agree", "--unit", "units", "-p", str(merged)])
    assert table.exit_code == 0
    assert "Cohen κ" in table.stdout and "(all codes pooled)" in table.stdout


def test_disagreements_reconcile_and_bad_unit(merged: Path, runner: CliRunner) -> None:
    found = json.loads(runner.invoke(app, ["agree", "disagreements", "--json", "-p", str(merged)]).stdout)
    assert sorted((d["turn"], d["coded_by"]) for d in found) == [(4, ["milica"]), (8, ["amra"])]
    result = runner.invoke(app, ["agree", "reconcile", "--into", "consensus", "--union", "-p", str(merged)])
    assert result.exit_code == 0
    assert result.stdout.startswith("Wrote 4 consensus coding(s) as consensus (union)")
    bad = runner.invoke(app, ["agree", "--unit", "pages", "-p", str(merged)])
    assert bad.exit_code == 1 and "--unit 'pages'" in bad.stderr


def test_agree_table_csv(tmp_path: Path, runner: CliRunner) -> None:
    sheet = tmp_path / "ratings.csv"
    sheet.write_text("A,B\nyes,yes\nno,no\nyes,no\nno,no\n", encoding="utf-8")
    result = runner.invoke(app, ["agree", "table", str(sheet), "--stat", "cohen_kappa", "--json"])
    assert result.exit_code == 0, result.output
    [kappa] = json.loads(result.stdout)
    # Po = .75, Pe = .5 x .25 + .5 x .75 = .5, kappa = .5
    assert kappa["value"] == pytest.approx(0.5)
    missing = runner.invoke(app, ["agree", "table", str(tmp_path / "nope.csv")])
    assert missing.exit_code == 1 and "no such file" in missing.stderr
