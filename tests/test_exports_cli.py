"""`qualcode export codebook|codings|matrix`: messages, files and one-line errors."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from qualcode.cli import app
from qualcode.codebook import add_code, export_codebook
from qualcode.coding import Selector, apply_code
from qualcode.store.project import Project, init_project, open_project


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


# --- the formula guard: on by default for every CSV and XLSX, --no-formula-guard turns it off -----


@pytest.fixture
def hostile(coded: Project) -> Path:
    """A project whose codebook and memo hold text a spreadsheet would run as a formula."""
    add_code(coded, "@risk", "ana", definition="=1+2", inclusion="'=kept", example="\tTab")
    apply_code(coded, "@risk", "int_a", Selector(units="2"), "ana", memo="-5 euros a day")
    return coded.path


def _csv_rows(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline="")))


@pytest.mark.parametrize(("flag", "q"), [([], "'"), (["--formula-guard"], "'"), (["--no-formula-guard"], "")])
def test_codings_and_matrix_csv_guard_text_but_not_numbers(
    runner: CliRunner, hostile: Path, tmp_path: Path, flag: list[str], q: str
) -> None:
    out = tmp_path / "c.csv"
    assert _run(runner, hostile, "codings", str(out), *flag) == (0, f"Wrote 1 codings to {out}\n", "")
    # Numbers (coding_id, years, start, end, unit) are never guarded; the code and the memo are text.
    assert _csv_rows(out)[1] == [
        "1", "int_a", "P1", "social worker", "Serbia", "14", f"{q}@risk", "ana", "21", "72", "turn", "2",
        "R", "", "Deca prose na raskrsnici. Odrasli čekaju u blizini.", f"{q}-5 euros a day", "manual",
        "false",
    ]  # fmt: skip
    assert out.read_bytes().count(b"'") == (2 if q else 0)
    out = tmp_path / "m.csv"
    assert _run(runner, hostile, "matrix", str(out), "--codes", "@risk", *flag)[0] == 0
    assert out.read_bytes() == f"code,P1,P2,P3\n{q}@risk,1,0,0\n".encode()


@pytest.mark.parametrize(("flag", "guarded"), [([], True), (["--no-formula-guard"], False)])
def test_codings_and_matrix_xlsx_store_text_as_text(
    runner: CliRunner, hostile: Path, tmp_path: Path, flag: list[str], guarded: bool
) -> None:
    out = tmp_path / "c.xlsx"
    assert _run(runner, hostile, "codings", str(out), *flag)[0] == 0
    sheet = load_workbook(out).active
    header = [c.value for c in sheet[1]]
    row = dict(zip(header, sheet[2], strict=True))
    for name, value in (("code", "@risk"), ("memo", "-5 euros a day")):
        assert (row[name].value, row[name].data_type, row[name].quotePrefix) == (value, "s", guarded)
    assert (row["start"].value, row["start"].data_type, row["start"].quotePrefix) == (21, "n", False)
    assert (row["document"].value, row["document"].quotePrefix) == ("int_a", False)
    out = tmp_path / "m.xlsx"
    assert _run(runner, hostile, "matrix", str(out), "--codes", "@risk", *flag)[0] == 0
    cell = load_workbook(out).active["A2"]
    assert (cell.value, cell.data_type, cell.quotePrefix) == ("@risk", "s", guarded)


@pytest.mark.parametrize(
    ("flag", "row"),
    [
        ([], "'@risk,'=1+2,''=kept,,'\tTab,,true,,"),
        (["--no-formula-guard"], "@risk,=1+2,'=kept,,\tTab,,true,,"),
    ],
)
def test_both_codebook_csv_commands_guard_the_same(
    runner: CliRunner, hostile: Path, tmp_path: Path, flag: list[str], row: str
) -> None:
    first, second = tmp_path / "export.csv", tmp_path / "codebook.csv"
    assert _run(runner, hostile, "codebook", str(first), *flag) == (0, f"Wrote 7 codes to {first}\n", "")
    result = runner.invoke(app, ["codebook", "export", str(second), *flag, "-p", str(hostile)])
    assert (result.exit_code, result.stdout) == (0, f"Wrote 7 codes to {second}\n")
    assert first.read_bytes() == second.read_bytes()
    assert first.read_bytes().decode("utf-8-sig").split("\r\n")[-2] == row


def test_codebook_csv_round_trip_through_the_commands(
    runner: CliRunner, coded: Project, hostile: Path, tmp_path: Path
) -> None:
    out, fresh = tmp_path / "codebook.csv", tmp_path / "fresh.db"
    assert runner.invoke(app, ["codebook", "export", str(out), "-p", str(hostile)]).exit_code == 0
    with init_project(fresh):
        pass
    result = runner.invoke(app, ["codebook", "load", str(out), "-p", str(fresh)])
    assert (result.exit_code, result.stdout) == (
        0,
        "Codebook codebook.csv: 7 added, 0 updated, 0 unchanged.\n",
    )
    with open_project(fresh) as loaded:
        after = export_codebook(loaded).codes
    assert after == export_codebook(coded).codes
    risk = after[-1]
    assert (risk.name, risk.definition, risk.inclusion, risk.example) == ("@risk", "=1+2", "'=kept", "\tTab")


def test_a_mistyped_guard_flag_is_a_usage_error(runner: CliRunner, hostile: Path, tmp_path: Path) -> None:
    code, stdout, stderr = _run(runner, hostile, "codings", str(tmp_path / "c.csv"), "--no-formula-guards")
    assert (code, stdout) == (2, "")
    assert "No such option: --no-formula-guards" in stderr
    assert not (tmp_path / "c.csv").exists()
