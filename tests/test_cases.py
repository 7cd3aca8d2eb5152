"""Participants sheets: columns, typed attributes, linking, updates, and errors that name the line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import Workbook
from typer.testing import CliRunner

from qualcode.attribute_values import infer_type, parse_value, typed_value
from qualcode.cases import import_cases, list_cases, sheet_moves
from qualcode.cli import app
from qualcode.errors import Conflict, QualcodeError
from qualcode.ingest.importer import ImportOptions, import_paths
from qualcode.store.project import Project
from tests.conftest import SAMPLE, logical_state, project_snapshot


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


# --- cases set / unset: one value by hand, typed like a sheet's (issue 13) ----------------------

#: Not the coder who built the `coded` fixture: `undo` then reaches only these tests' changes.
EDITOR = {"QUALCODE_CODER": "bea"}


@pytest.mark.parametrize(
    ("value", "type_", "expected"),
    [
        ("07", "integer", ("7", 7.0)),
        ("3,5", "number", ("3.5", 3.5)),
        ("14", "number", ("14.0", 14.0)),
        ("14.03.2025.", "date", ("2025-03-14", None)),
        ("2025-03-14", "date", ("2025-03-14", None)),
        ("Ne", "boolean", ("false", None)),
        ("da", "boolean", ("true", None)),
        ("Niš", "text", ("Niš", None)),
    ],
)
def test_parse_value_reads_the_forms_a_sheet_may_hold(
    value: str, type_: str, expected: tuple[str, float | None]
) -> None:
    assert parse_value(value, type_, "x") == expected


@pytest.mark.parametrize(
    ("value", "type_", "forms"),
    [
        ("14.5", "integer", "a whole number such as 14"),
        ("1234567890123456789", "integer", "a whole number such as 14"),
        ("deset", "number", "a number such as 3.5 or 3,5"),
        ("31.02.2025.", "date", "a date such as 2025-03-14 or 14.03.2025."),
        ("možda", "boolean", "yes/no, da/ne, true/false or 1/0"),
    ],
)
def test_parse_value_refuses_with_the_accepted_forms(value: str, type_: str, forms: str) -> None:
    with pytest.raises(QualcodeError) as raised:
        parse_value(value, type_, "years")
    assert str(raised.value) == f"{value!r} is not a valid {type_} for years; it takes {forms}"
    # The same test decides a sheet column's type: such a value never makes a column of this type.
    assert infer_type([value]) != type_


def _cases(runner: CliRunner, project: Project) -> list[dict[str, object]]:
    result = runner.invoke(app, ["cases", "list", "--json", "-p", str(project.path)])
    return list(json.loads(result.stdout))


def _events(project: Project) -> int:
    from qualcode.history import history

    return len(history(project))


def test_cases_set_prints_the_value_before_and_undo_restores_it(coded: Project, runner: CliRunner) -> None:
    from qualcode.history import history

    before = _cases(runner, coded)
    state = logical_state(coded.path)
    path = str(coded.path)
    result = runner.invoke(app, ["cases", "set", "P1", "years", "15", "-p", path], env=EDITOR)
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == "P1: years 15 (was 14).\n`qualcode undo` reverts this.\n"
    assert _cases(runner, coded)[0]["attributes"] == {
        "role": "social worker",
        "country": "Serbia",
        "years": 15,
    }
    assert [e.describe() for e in history(coded, prefix="case.")] == [
        "case.set case:1 (attribute=years, case=P1, new_attribute=False, value=15, was=14)"
    ]
    undone = runner.invoke(app, ["undo", "-p", path], env=EDITOR)
    assert (undone.exit_code, undone.stderr) == (0, "")
    assert _cases(runner, coded) == before
    assert logical_state(coded.path) == state


def test_cases_set_unchanged_value_logs_nothing(coded: Project, runner: CliRunner) -> None:
    events = _events(coded)
    result = runner.invoke(app, ["cases", "set", "P1", "years", "014", "-p", str(coded.path)], env=EDITOR)
    assert (result.exit_code, result.stdout) == (0, "P1 already has years 14; nothing changed.\n")
    assert _events(coded) == events


@pytest.mark.parametrize(
    ("value", "type_", "typed"),
    [
        ("7", "integer", 7),
        ("3,5", "number", 3.5),
        ("14.03.2025.", "date", "2025-03-14"),
        ("da", "boolean", True),
        ("Niš", "text", "Niš"),
    ],
)
def test_cases_set_new_attribute_takes_the_type_of_its_value(
    coded: Project, runner: CliRunner, value: str, type_: str, typed: object
) -> None:
    result = runner.invoke(
        app, ["cases", "set", "P2", "wave", value, "--json", "-p", str(coded.path)], env=EDITOR
    )
    assert result.exit_code == 0
    assert json.loads(result.stdout) == {
        "case": "P2",
        "attribute": "wave",
        "type": type_,
        "before": None,
        "after": typed,
        "new_attribute": True,
        "changed": True,
        "undoable": True,
    }
    assert _cases(runner, coded)[1]["attributes"] == {
        "role": "police officer",
        "country": "Serbia",
        "years": 6,
        "wave": typed,
    }


def test_cases_set_new_attribute_text_output(coded: Project, runner: CliRunner) -> None:
    path = str(coded.path)
    result = runner.invoke(app, ["cases", "set", "P2", "wave", "2", "-p", path], env=EDITOR)
    assert result.stdout == (
        "P2: wave 2 (was none; wave is a new integer attribute).\n`qualcode undo` reverts this.\n"
    )
    refused = runner.invoke(app, ["cases", "set", "P3", "wave", "second", "-p", path], env=EDITOR)
    assert (
        refused.stderr
        == "Error: 'second' is not a valid integer for wave; it takes a whole number such as 14\n"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["P1", "years", "14,5"],
            "'14,5' is not a valid integer for years; it takes a whole number such as 14",
        ),
        (["P4", "years", "3"], "no case named 'P4' in the project; `qualcode cases list` shows the cases"),
        (["p1", "years", "3"], "no case named 'p1' in the project; did you mean P1?"),
        (
            ["P1", "yaers", "3"],
            "no participant attribute 'yaers'; did you mean years? To add 'yaers' as a new attribute, "
            "add --new-attribute",
        ),
        (
            ["P1", "role", "  "],
            "the value is empty; to remove P1's value, use `qualcode cases unset P1 role`",
        ),
    ],
)
def test_cases_set_refusals_change_nothing(
    coded: Project, runner: CliRunner, args: list[str], message: str
) -> None:
    before = project_snapshot(coded.path)
    result = runner.invoke(app, ["cases", "set", *args, "-p", str(coded.path)], env=EDITOR)
    assert (result.exit_code, result.stdout, result.stderr) == (1, "", f"Error: {message}\n")
    assert project_snapshot(coded.path) == before


def test_cases_set_new_attribute_option_adds_a_look_alike(coded: Project, runner: CliRunner) -> None:
    result = runner.invoke(
        app, ["cases", "set", "P1", "yaers", "3", "--new-attribute", "-p", str(coded.path)], env=EDITOR
    )
    assert result.exit_code == 0
    assert result.stdout.startswith("P1: yaers 3 (was none; yaers is a new integer attribute).\n")


def test_cases_unset_prints_the_value_before_and_undo_restores_it(coded: Project, runner: CliRunner) -> None:
    before = _cases(runner, coded)
    path = str(coded.path)
    result = runner.invoke(app, ["cases", "unset", "P3", "country", "-p", path], env=EDITOR)
    assert (result.exit_code, result.stderr) == (0, "")
    assert (
        result.stdout == "P3: country removed (was Bosnia and Herzegovina).\n`qualcode undo` reverts this.\n"
    )
    assert _cases(runner, coded)[2]["attributes"] == {"role": "judge", "years": 20}
    events = _events(coded)
    again = runner.invoke(app, ["cases", "unset", "P3", "country", "--json", "-p", path], env=EDITOR)
    assert json.loads(again.stdout) == {
        "case": "P3",
        "attribute": "country",
        "type": "text",
        "before": None,
        "after": None,
        "new_attribute": False,
        "changed": False,
        "undoable": True,
    }
    assert _events(coded) == events
    assert runner.invoke(app, ["undo", "-p", path], env=EDITOR).exit_code == 0
    assert _cases(runner, coded) == before


def test_cases_unset_unknown_attribute(coded: Project, runner: CliRunner) -> None:
    result = runner.invoke(app, ["cases", "unset", "P3", "contry", "-p", str(coded.path)], env=EDITOR)
    assert (result.exit_code, result.stderr) == (
        1,
        "Error: no participant attribute 'contry'; did you mean country?\n",
    )


# --- a sheet that would move documents to another case (issue 13) -------------------------------

SWAP = "document,case\nint_a,P2\nint_b,P1\nint_c,P3\n"
MOVES_LINES = (
    "swap.csv moves 2 document(s) to another case:\n  int_a: from P1 to P2\n  int_b: from P2 to P1\n"
)


def _linked(runner: CliRunner, project: Project) -> dict[str, str | None]:
    listed = json.loads(runner.invoke(app, ["transcripts", "list", "--json", "-p", str(project.path)]).stdout)
    return {d["name"]: d["case"] for d in listed}


def test_sheet_moving_documents_is_refused_without_a_terminal(
    coded: Project, runner: CliRunner, tmp_path: Path
) -> None:
    sheet = _write(tmp_path / "swap.csv", SWAP)
    assert sheet_moves(coded, sheet) == {"int_a": ("P1", "P2"), "int_b": ("P2", "P1")}
    before = project_snapshot(coded.path)
    result = runner.invoke(app, ["cases", "import", str(sheet), "-p", str(coded.path)], env=EDITOR)
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        "Error: swap.csv would move 2 document(s) to another case: int_a (from P1 to P2), int_b (from P2 to "
        "P1); if that is right, run again with --relink, else correct the sheet; nothing was changed\n"
    )
    assert project_snapshot(coded.path) == before
    with pytest.raises(Conflict):
        import_cases(coded, sheet, "bea")
    assert project_snapshot(coded.path) == before


def test_sheet_moving_documents_with_relink(coded: Project, runner: CliRunner, tmp_path: Path) -> None:
    sheet = _write(tmp_path / "swap.csv", SWAP)
    result = runner.invoke(app, ["cases", "import", str(sheet), "--relink", "--json", "-p", str(coded.path)])
    assert result.exit_code == 0
    report = json.loads(result.stdout)
    assert report["moved"] == {"int_a": "P1", "int_b": "P2"}
    assert report["linked"] == {"int_a": "P2", "int_b": "P1", "int_c": "P3"}
    assert _linked(runner, coded) == {"int_a": "P2", "int_b": "P1", "int_c": "P3"}
    again = runner.invoke(app, ["cases", "import", str(sheet), "-p", str(coded.path)])  # nothing moves now
    assert again.exit_code == 0
    assert "Moved" not in again.stdout


def test_sheet_moving_documents_asks_at_a_terminal(
    coded: Project, runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("qualcode.cli.cases._at_terminal", lambda: True)
    sheet = _write(tmp_path / "swap.csv", SWAP)
    before = project_snapshot(coded.path)
    declined = runner.invoke(app, ["cases", "import", str(sheet), "-p", str(coded.path)], input="n\n")
    assert declined.exit_code == 1
    assert declined.stderr == MOVES_LINES + "Move them? [y/N]:Nothing was changed.\n"
    assert project_snapshot(coded.path) == before
    accepted = runner.invoke(app, ["cases", "import", str(sheet), "-p", str(coded.path)], input="y\n")
    assert accepted.exit_code == 0
    assert accepted.stderr == MOVES_LINES + "Move them? [y/N]:"
    assert accepted.stdout == (
        " y\n"  # the test runner echoes the answer
        "Cases: 0 created, 0 updated, 3 unchanged; 3 document(s) linked.\n"
        "Attributes: \n"
        "Moved to another case: int_a (was P1, now P2), int_b (was P2, now P1)\n"
        "(`qualcode undo` does not undo a sheet import: import the earlier sheet again to go back.)\n"
    )
    assert _linked(runner, coded) == {"int_a": "P2", "int_b": "P1", "int_c": "P3"}


def test_sheet_naming_a_document_twice_is_refused(coded: Project, tmp_path: Path) -> None:
    sheet = _write(tmp_path / "p.csv", "document,case\nint_a,P1\nint_a,P2\n")
    with pytest.raises(QualcodeError) as raised:
        import_cases(coded, sheet, "bea")
    assert str(raised.value) == (
        "p.csv, line 3: the document 'int_a' appears again (first on line 2); a document belongs to one case"
    )


def test_cases_set_a_negative_value_and_undo(coded: Project, runner: CliRunner) -> None:
    path = str(coded.path)
    negative = runner.invoke(app, ["cases", "set", "-p", path, "--", "P1", "years", "-2"], env=EDITOR)
    assert (negative.exit_code, negative.stdout) == (
        0,
        "P1: years -2 (was 14).\n`qualcode undo` reverts this.\n",
    )
    assert _cases(runner, coded)[0]["attributes"]["years"] == -2
    assert runner.invoke(app, ["undo", "-p", path], env=EDITOR).exit_code == 0
    assert _cases(runner, coded)[0]["attributes"]["years"] == 14
