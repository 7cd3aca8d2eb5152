"""`qualcode export codebook|codings|matrix`: messages, files and one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from qualcode.cli import app
from qualcode.coding import Selector, apply_code
from qualcode.store.project import Project


@pytest.fixture
def study(coded: Project) -> Path:
    apply_code(coded, "Adults watching", "int_a", Selector(units="2"), "ana")
    apply_code(coded, "Fines for begging", "int_b", Selector(units="4"), "ana")
    apply_code(coded, "Fines for begging", "int_c", Selector(units="4"), "marko")
    return coded.path


def _run(runner: CliRunner, study: Path, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["export", *args, "-p", str(study)])
    return result.exit_code, result.stdout, result.stderr


def test_export_codings_in_three_formats(runner: CliRunner, study: Path, tmp_path: Path) -> None:
    out = tmp_path / "c.xlsx"
    assert _run(runner, study, "codings", str(out)) == (0, f"Wrote 3 codings to {out}\n", "")
    assert load_workbook(out).active.max_row == 4
    out = tmp_path / "c.json"
    assert (
        _run(runner, study, "codings", str(out), "--coder", "marko", "--coder", "ana", "--doc", "int_c")[0]
        == 0
    )
    assert [(c["coding_id"], c["coder"], c["participant"]) for c in json.loads(out.read_text())] == [
        (3, "marko", "P3")
    ]
    out = tmp_path / "c.csv"
    code, stdout, _ = _run(
        runner, study, "codings", str(out), "--codes", "Law", "--excel", "--delimiter", ";"
    )
    assert (code, stdout) == (0, f"Wrote 2 codings to {out}\n")
    assert out.read_bytes().startswith(b"\xef\xbb\xbfcoding_id;document;participant;role;country;years;code;")


def test_export_matrix(runner: CliRunner, study: Path, tmp_path: Path) -> None:
    out = tmp_path / "m.csv"
    assert _run(runner, study, "matrix", str(out), "--by", "country", "--count", "cases") == (
        0,
        f"Wrote 6 codes × 2 columns (cases) to {out}\n",
        "",
    )
    assert out.read_text().splitlines()[:3] == [
        "code,Bosnia and Herzegovina,Serbia",
        "Indicators,0,1",
        "Indicators > Adults watching,0,1",
    ]
    code, stdout, _ = _run(runner, study, "matrix", str(out), "--binary", "--codes", "Law", "--coder", "ana")
    assert (code, stdout) == (0, f"Wrote 1 codes × 3 columns (presence) to {out}\n")
    assert out.read_text() == "code,P1,P2,P3\nLaw,0,1,0\n"


def test_export_codebook(runner: CliRunner, study: Path, tmp_path: Path) -> None:
    for name in ("cb.docx", "cb.yaml"):
        assert _run(runner, study, "codebook", str(tmp_path / name)) == (
            0,
            f"Wrote 6 codes to {tmp_path / name}\n",
            "",
        )
    assert (
        (tmp_path / "cb.yaml")
        .read_text(encoding="utf-8")
        .startswith("codebook: Test codebook\nversion: '1'\n")
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["codings", "{tmp}/c.txt"], "c.txt: codings can be written as .csv, .xlsx, .json, not '.txt'"),
        (
            ["matrix", "{tmp}/m.csv", "--by", "county"],
            "no participant attribute 'county'; did you mean country?",
        ),
        (
            ["matrix", "{tmp}/m.csv", "--count", "words"],
            "--count 'words': use one of segments, documents, cases",
        ),
        (["codings", "{tmp}/no/c.csv"], "cannot write c.csv in {tmp}/no (No such file or directory)"),
        (
            ["codings", "{tmp}/c.csv", "--coder", "nobody"],
            "no coder 'nobody' in the project; coders: ana, marko",
        ),
        (
            ["codebook", "{tmp}/cb.pdf"],
            "cb.pdf: the codebook can be written as .docx, .yaml, .yml, .csv, .qdc",
        ),
        (["codings", "{tmp}/c.csv", "--delimiter", "|"], "--delimiter '|': use ',', ';' or 'tab'"),
    ],
)
def test_mistakes_are_one_line_errors(
    runner: CliRunner, study: Path, tmp_path: Path, args: list[str], message: str
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    code, stdout, stderr = _run(runner, study, *(a.format(tmp=out) for a in args))
    assert (code, stdout) == (1, "")
    assert stderr.startswith("Error: ") and stderr.count("\n") == 1
    assert message.format(tmp=out) in stderr
    assert not list(out.iterdir())


def test_an_empty_project_is_an_error(runner: CliRunner, project: Project, tmp_path: Path) -> None:
    for args, message in (
        (
            ["codings", "c.xlsx"],
            "Error: the project has no codings yet; code some with `qualcode code apply` first\n",
        ),
        (
            ["matrix", "m.xlsx"],
            "Error: the codebook is empty; load one with `qualcode codebook load` first\n",
        ),
        (
            ["codebook", "cb.docx"],
            "Error: the codebook is empty; load one with `qualcode codebook load FILE` first\n",
        ),
    ):
        result = runner.invoke(app, ["export", args[0], str(tmp_path / args[1]), "-p", str(project.path)])
        assert (result.exit_code, result.stderr) == (1, message)
        assert not (tmp_path / args[1]).exists()
