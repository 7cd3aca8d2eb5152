"""Participants sheets: columns, typed attributes, linking, updates, and errors that name the line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import Workbook
from typer.testing import CliRunner

from qualcode.cases import import_cases, infer_type, list_cases, typed_value
from qualcode.cli import app
from qualcode.errors import QualcodeError
from qualcode.ingest.importer import ImportOptions, import_paths
from qualcode.store.project import Project
from tests.conftest import SAMPLE


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (["14", "9", ""], "integer"),
        (["3,5", "2"], "number"),
        (["2025-03-04", "14.03.2025."], "date"),
        (["da", "ne", "Yes"], "boolean"),
        (["Niš", "Beograd"], "text"),
        ([], "text"),
    ],
)
def test_infer_type(values: list[str], expected: str) -> None:
    assert infer_type(values) == expected


def test_typed_values_are_canonical() -> None:
    assert typed_value("07", "integer") == ("7", 7.0)
    assert typed_value("3,5", "number") == ("3.5", 3.5)
    assert typed_value("14.03.2025.", "date") == ("2025-03-14", None)
    assert typed_value("DA", "boolean") == ("true", None)


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def _import_doc(project: Project, tmp_path: Path, name: str) -> None:
    doc = _write(tmp_path / f"{name}.txt", f"I: Pitanje za {name}?\n\nR: Odgovor.\n")
    [result] = import_paths(project, [doc], ImportOptions())
    assert result.status == "imported"


def test_import_links_documents_and_types_attributes(project: Project, tmp_path: Path) -> None:
    _import_doc(project, tmp_path, "sr01")
    sheet = _write(
        tmp_path / "p.csv",
        "document,case,role,years_experience,country\n"
        "sr01,P01,socijalna radnica,14,Serbia\nsr02,P02,policajac,9,Serbia\n",
    )
    report = import_cases(project, sheet, "ana")
    assert report.created == ["P01", "P02"]
    assert report.linked == {"sr01": "P01"}
    assert report.missing_documents == ["sr02"]
    assert report.attributes == {"role": "text", "years_experience": "integer", "country": "text"}
    [p01, p02] = list_cases(project)
    assert (p01.name, p01.documents, p01.attributes) == (
        "P01",
        ["sr01"],
        {"role": "socijalna radnica", "years_experience": 14, "country": "Serbia"},
    )
    assert p02.documents == []


def test_reimport_updates_and_emptied_cell_removes(project: Project, tmp_path: Path) -> None:
    sheet = _write(tmp_path / "p.csv", "case;city;years\nP01;Niš;14\nP02;Tuzla;7\n")
    import_cases(project, sheet, "ana")
    _write(sheet, "case;city;years\nP01;Niš;15\nP02;Tuzla;\n")
    report = import_cases(project, sheet, "ana")
    assert (report.created, report.updated, report.unchanged) == ([], ["P01", "P02"], [])
    cases = {c.name: c.attributes for c in list_cases(project)}
    assert cases == {"P01": {"city": "Niš", "years": 15}, "P02": {"city": "Tuzla"}}
    again = import_cases(project, sheet, "ana")
    assert again.unchanged == ["P01", "P02"]


def test_xlsx_with_numbers_and_dates(project: Project, tmp_path: Path) -> None:
    import datetime as dt

    book = Workbook()
    sheet = book.active
    sheet.append(["participant", "years", "interviewed", "country"])
    sheet.append(["P01", 14, dt.datetime(2025, 3, 4), "Bosna i Hercegovina"])
    book.save(tmp_path / "p.xlsx")
    report = import_cases(project, tmp_path / "p.xlsx", "ana")
    assert report.attributes == {"years": "integer", "interviewed": "date", "country": "text"}
    assert list_cases(project)[0].attributes == {
        "years": 14,
        "interviewed": "2025-03-04",
        "country": "Bosna i Hercegovina",
    }


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("case,role\nP01,a\nP01,b\n", r"p.csv, line 3: 'P01' appears again \(first on line 2\)"),
        ("case,role\n,a\n", r"p.csv, line 2: the 'case' cell is empty"),
        ("name,role\nP01,a\n", r"no column names the case or the document \(found: name, role\)"),
        ("case,role,role\nP01,a,b\n", r"the column 'role' appears twice"),
    ],
)
def test_sheet_errors_name_the_file_and_line(
    project: Project, tmp_path: Path, content: str, message: str
) -> None:
    with pytest.raises(QualcodeError, match=message):
        import_cases(project, _write(tmp_path / "p.csv", content), "ana")
    assert list_cases(project) == []


def test_case_column_option(project: Project, tmp_path: Path) -> None:
    sheet = _write(tmp_path / "p.csv", "name,role\nP01,a\n")
    with pytest.raises(QualcodeError, match="has no column 'who'"):
        import_cases(project, sheet, "ana", case_column="who")
    import_cases(project, sheet, "ana", case_column="name")
    assert [c.name for c in list_cases(project)] == ["P01"]


def test_sample_participants_through_the_cli(tmp_path: Path, runner: CliRunner) -> None:
    study = tmp_path / "s.db"
    runner.invoke(app, ["init", str(study)])
    result = runner.invoke(
        app, ["cases", "import", str(SAMPLE / "participants.csv"), "-p", str(study), "--json"]
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert len(report["created"]) == 9
    assert report["attributes"]["years_experience"] == "integer"
    assert report["attributes"]["interview_date"] == "date"
    assert "sr05_centar_za_zrtve_beograd" in report["missing_documents"]
    listed = json.loads(runner.invoke(app, ["cases", "list", "-p", str(study), "--json"]).stdout)
    p01 = next(c for c in listed if c["name"] == "P01")
    assert p01["attributes"]["city"] == "Niš"
    assert p01["attributes"]["years_experience"] == 14
