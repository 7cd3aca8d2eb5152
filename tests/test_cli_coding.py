"""Codebook, coding, undo, retrieve and query through the CLI: exit codes, messages, JSON output."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from qualcode.cli import app
from tests.conftest import REPO, SAMPLE


def _dump(path: Path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


@pytest.fixture
def study(tmp_path: Path, runner: CliRunner) -> Path:
    path = tmp_path / "study.db"
    assert runner.invoke(app, ["init", str(path)]).exit_code == 0
    for args in (
        [
            "import",
            str(SAMPLE / "sr01_socijalna_radnica_nis.txt"),
            str(SAMPLE / "en01_io_programme_officer_belgrade.docx"),
        ],
        ["cases", "import", str(SAMPLE / "participants.csv")],
        ["codebook", "load", str(REPO / "codebooks" / "forced_begging.yaml")],
    ):
        result = runner.invoke(app, [*args, "-p", str(path), "--coder", "milica"])
        assert result.exit_code == 0, result.output
    return path


def _run(runner: CliRunner, study: Path, *args: str, input: str | None = None) -> tuple[int, str, str]:
    reads_only = (
        args[:2] in {("codebook", "export"), ("codebook", "show"), ("codebook", "history")}
        or args[0] in ("retrieve", "query")
        or args[:2] == ("code", "list")
    )
    extra = [] if reads_only else ["--coder", "milica"]
    result = runner.invoke(app, [*args, "-p", str(study), *extra], input=input)
    return result.exit_code, result.stdout, result.stderr


def test_load_reports_and_show_json(study: Path, runner: CliRunner) -> None:
    code, out, _ = _run(runner, study, "codebook", "load", str(REPO / "codebooks" / "forced_begging.yaml"))
    assert (code, out) == (0, "Codebook forced_begging.yaml: 0 added, 0 updated, 72 unchanged.\n")
    tree = json.loads(runner.invoke(app, ["codebook", "show", "--json", "-p", str(study)]).stdout)
    assert len(tree) == 10
    assert tree[1]["children"][-1]["path"] == "Indicators of exploitation > Begging-specific signs"


def test_qualcoder_codebook_loads(study: Path, runner: CliRunner, corpus: Path) -> None:
    code, out, _ = _run(
        runner,
        study,
        "codebook",
        "load",
        str(corpus / "codebooks" / "qualcoder_plain_codes_categories_for_import.txt"),
        "--json",
    )
    assert code == 0
    report = json.loads(out)
    assert "cat3 > cat2 > code4" in report["added"]


def test_export_yaml_into_an_empty_project_is_identical(
    study: Path, runner: CliRunner, tmp_path: Path
) -> None:
    exported = tmp_path / "book.yaml"
    assert _run(runner, study, "codebook", "export", str(exported))[0] == 0
    other = tmp_path / "other.db"
    runner.invoke(app, ["init", str(other)])
    assert runner.invoke(app, ["codebook", "load", str(exported), "-p", str(other)]).exit_code == 0
    again = tmp_path / "again.yaml"
    runner.invoke(app, ["codebook", "export", str(again), "-p", str(other)])
    assert again.read_text(encoding="utf-8") == exported.read_text(encoding="utf-8")


def test_qdc_export_is_valid(study: Path, runner: CliRunner, tmp_path: Path, corpus: Path) -> None:
    import xmlschema

    out = tmp_path / "book.qdc"
    code, stdout, _ = _run(runner, study, "codebook", "export", str(out))
    assert (code, stdout) == (0, f"Wrote 72 codes to {out}\n")
    xmlschema.XMLSchema(str(corpus / "refi_qda" / "schema" / "Codebook-mrt2019.xsd")).validate(str(out))


@pytest.mark.parametrize(
    ("content", "suffix", "message"),
    [
        ("codes:\n  - name: A\n    defintion: x\n", ".yaml", "defintion"),
        ("codes: [\n", ".yaml", "line"),
        ("code,definition\n,empty\n", ".csv", "line 2"),
        ("<CodeBook><Codes><Code guid='x'/></Codes></CodeBook>", ".qdc", "x"),
    ],
)
def test_malformed_codebooks_fail_cleanly(
    study: Path, runner: CliRunner, tmp_path: Path, content: str, suffix: str, message: str
) -> None:
    bad = tmp_path / f"bad{suffix}"
    bad.write_text(content, encoding="utf-8")
    before = _dump(study)
    code, _, err = _run(runner, study, "codebook", "load", str(bad))
    assert code == 1
    assert err.startswith("Error: ") and err.count("\n") == 1
    assert message in err and bad.name in err
    assert _dump(study) == before


def test_apply_list_undo_redo(study: Path, runner: CliRunner) -> None:
    code, out, _ = _run(
        runner,
        study,
        "code",
        "apply",
        "Daily quotas",
        "--doc",
        "sr01_socijalna_radnica_nis",
        "--units",
        "3,5-6",
    )
    assert (code, out) == (
        0,
        "Applied Indicators of exploitation > Begging-specific signs > Daily quotas to 2 "
        "span(s) in sr01_socijalna_radnica_nis.\n",
    )
    listed = json.loads(_run(runner, study, "code", "list", "--json")[1])
    assert [(c["coder"], c["origin"]) for c in listed] == [("milica", "manual"), ("milica", "manual")]
    code, out, _ = _run(runner, study, "undo")
    assert code == 0 and out.startswith("Undid: coding.apply document:1")
    assert json.loads(_run(runner, study, "code", "list", "--json")[1]) == []
    assert _run(runner, study, "redo")[0] == 0
    assert len(json.loads(_run(runner, study, "code", "list", "--json")[1])) == 2
    code, _, err = _run(runner, study, "redo")
    assert (code, err) == (1, "Error: nothing to redo for coder 'milica'\n")


def test_match_preview_asks_and_respects_no(study: Path, runner: CliRunner) -> None:
    code, out, _ = _run(
        runner,
        study,
        "code",
        "apply",
        "Children with infants",
        "--doc",
        "en01_io_programme_officer_belgrade",
        "--match",
        "baby",
        input="n\n",
    )
    assert code == 0
    assert "turn(s) in en01_io_programme_officer_belgrade contain 'baby':" in out
    assert out.rstrip().endswith("Nothing applied.")
    assert json.loads(_run(runner, study, "code", "list", "--json")[1]) == []
    code, out, _ = _run(
        runner,
        study,
        "code",
        "apply",
        "Children with infants",
        "--doc",
        "en01_io_programme_officer_belgrade",
        "--match",
        "baby",
        input="y\n",
    )
    assert code == 0 and "Applied" in out
    assert json.loads(_run(runner, study, "code", "list", "--json")[1])


def test_unknown_code_and_bad_span_change_nothing(study: Path, runner: CliRunner) -> None:
    before = _dump(study)
    code, _, err = _run(
        runner, study, "code", "apply", "Daily quota", "--doc", "sr01_socijalna_radnica_nis", "--units", "1"
    )
    assert code == 1
    assert "no code 'Daily quota' in the codebook; did you mean 'Daily quotas'" in err
    code, _, err = _run(
        runner,
        study,
        "code",
        "apply",
        "Daily quotas",
        "--doc",
        "sr01_socijalna_radnica_nis",
        "--span",
        "10:99999999",
    )
    assert code == 1 and "outside the document" in err
    assert _dump(study) == before


def test_codebook_edits_history_and_delete_force_undo(study: Path, runner: CliRunner) -> None:
    _run(
        runner, study, "code", "apply", "Debt bondage", "--doc", "sr01_socijalna_radnica_nis", "--units", "2"
    )
    code, _, err = _run(runner, study, "codebook", "delete", "Debt bondage")
    assert code == 1 and "has 1 coding(s)" in err
    code, out, _ = _run(runner, study, "codebook", "delete", "Debt bondage", "--force")
    assert code == 0 and "1 coding(s)" in out
    _run(runner, study, "undo")
    assert len(json.loads(_run(runner, study, "code", "list", "--json")[1])) == 1
    history = _run(runner, study, "codebook", "history")[1].splitlines()
    assert [line.split()[3] for line in history[-2:]] == ["code.delete", "undo"]
    assert history[-2].endswith(
        "code.delete code:16 (code=Indicators of exploitation > Debt bondage, codes=1, codings=1, memos=0)"
    )


def test_retrieve_and_query_through_the_cli(study: Path, runner: CliRunner) -> None:
    _run(
        runner, study, "code", "apply", "Daily quotas", "--doc", "sr01_socijalna_radnica_nis", "--units", "4"
    )
    _run(
        runner,
        study,
        "code",
        "apply",
        "Daily quotas",
        "--doc",
        "en01_io_programme_officer_belgrade",
        "--units",
        "4",
    )
    segments = json.loads(
        _run(runner, study, "retrieve", "Daily quotas", "--where", "country=Serbia", "--json")[1]
    )
    assert [(s["document"], s["case"], s["turn"]) for s in segments] == [
        ("en01_io_programme_officer_belgrade", "P06", 4),
        ("sr01_socijalna_radnica_nis", "P01", 4),
    ]
    code, out, _ = _run(runner, study, "retrieve", "Daily quotas")
    assert code == 0 and out.rstrip().endswith("2 segment(s)")
    matrix = json.loads(
        _run(runner, study, "query", "matrix", "--by", "role", "--codes", "Daily quotas", "--json")[1]
    )
    assert matrix["columns"][:2] == ["NGO case manager", "case manager"]
    assert sum(matrix["rows"][0]["counts"]) == 2
    co = json.loads(_run(runner, study, "query", "cooccurrence", "--json")[1])
    assert co["codes"] == [
        "Indicators of exploitation",
        "Indicators of exploitation > Begging-specific signs",
        "Indicators of exploitation > Begging-specific signs > Daily quotas",
    ]
    assert co["segments"][2][2] == 2
