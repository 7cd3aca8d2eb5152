"""`qualcode export report`: the command, its summary, and one-line errors for bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from qualcode.cli import app
from qualcode.coding import Selector, apply_code
from qualcode.store.project import Project


@pytest.fixture
def coded_once(coded: Project) -> Project:
    apply_code(coded, "Adults watching", "int_a", Selector(units="2"), "ana")
    apply_code(coded, "Fines for begging", "int_c", Selector(units="4"), "ana")
    return coded


def _run(runner: CliRunner, project: Project, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["export", "report", *args, "-p", str(project.path)])
    return result.exit_code, result.stdout, result.stderr


def test_writes_the_report_and_says_what_is_in_it(
    runner: CliRunner, coded_once: Project, tmp_path: Path
) -> None:
    out = tmp_path / "report.docx"
    code, stdout, stderr = _run(runner, coded_once, str(out), "--language", "sr-Latn", "--quotes", "1")
    assert (code, stderr) == (0, "")
    assert stdout == (
        f"Wrote {out}: 3 themes, 2 codes with coded passages, 2 quotes, 2 charts, 5 tables "
        "(3 interviews, 3 participants; sr-Latn).\n"
    )
    assert out.read_bytes()[:2] == b"PK"


def test_json_summary(runner: CliRunner, coded_once: Project, tmp_path: Path) -> None:
    out = tmp_path / "r.docx"
    code, stdout, _ = _run(
        runner, coded_once, str(out), "--json", "--by", "country,role", "--attribute-quotes-by", "role,years"
    )
    assert code == 0
    assert json.loads(stdout) == {
        "path": str(out),
        "language": "en",
        "themes": 3,
        "codes": 2,
        "interviews": 3,
        "participants": 3,
        "passages": 2,
        "quotes": 2,
        "charts": 2,
        "tables": 7,
    }


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--where", "countri=Serbia"],
            "Error: --where: no participant attribute 'countri'; did you mean country?",
        ),
        (
            ["--attribute-quotes-by", "role,town"],
            "Error: --attribute-quotes-by: no participant attribute 'town'; attributes: role, country, years",
        ),
        (["--by", "contry"], "Error: --by: no participant attribute 'contry'; did you mean country?"),
        (["--language", "de"], "Error: --language 'de': use one of en, sr-Latn, sr-Cyrl"),
        (["--codes", "Nothing such"], "Error: no code 'Nothing such' in the codebook"),
        (
            ["--where", "country=Croatia"],
            "Error: no coded passages in the interviews selected by --where "
            "country=Croatia; loosen the conditions",
        ),
    ],
)
def test_bad_options_give_one_line_and_exit_1(
    runner: CliRunner, coded_once: Project, tmp_path: Path, args: list[str], message: str
) -> None:
    out = tmp_path / "r.docx"
    code, stdout, stderr = _run(runner, coded_once, str(out), *args)
    assert (code, stdout) == (1, "")
    assert stderr.startswith(message) and stderr.count("\n") == 1
    assert not out.exists()


def test_unwritable_paths(runner: CliRunner, coded_once: Project, tmp_path: Path) -> None:
    missing = tmp_path / "no" / "such" / "r.docx"
    code, _, stderr = _run(runner, coded_once, str(missing))
    assert (code, stderr) == (
        1,
        f"Error: cannot write {missing}: the folder {missing.parent} does not exist\n",
    )
    code, _, stderr = _run(runner, coded_once, str(tmp_path))
    assert (
        code == 1 and stderr == f"Error: {tmp_path}: the report is a Word file; give a name ending in .docx\n"
    )
    folder = tmp_path / "folder.docx"
    folder.mkdir()
    code, _, stderr = _run(runner, coded_once, str(folder))
    assert (code, stderr) == (1, f"Error: {folder} is a folder; give a file name ending in .docx\n")


def test_templates_that_are_not_word_files(runner: CliRunner, coded_once: Project, tmp_path: Path) -> None:
    text = tmp_path / "styles.txt"
    text.write_text("not a template", encoding="utf-8")
    fake = tmp_path / "fake.docx"
    fake.write_bytes(b"this is no zip file")
    out = tmp_path / "r.docx"
    code, _, stderr = _run(runner, coded_once, str(out), "--template", str(text))
    assert (code, stderr) == (1, f"Error: --template {text}: the template must be a Word .docx file\n")
    code, _, stderr = _run(runner, coded_once, str(out), "--template", str(fake))
    assert code == 1
    assert (
        stderr.startswith(f"Error: --template {fake}: not a readable Word .docx file (")
        and stderr.count("\n") == 1
    )
    code, _, stderr = _run(runner, coded_once, str(out), "--template", str(tmp_path / "none.docx"))
    assert (code, stderr) == (1, f"Error: --template {tmp_path / 'none.docx'}: no such file\n")
    assert not out.exists()


def test_project_without_codings(runner: CliRunner, coded: Project, tmp_path: Path) -> None:
    code, _, stderr = _run(runner, coded, str(tmp_path / "r.docx"))
    assert (code, stderr) == (
        1,
        "Error: the project has no codings yet, so there is nothing to report; "
        "code some passages first (`qualcode code apply …`)\n",
    )
