"""Coding sheets: codings from a CSV, checked row by row, all or nothing, undoable."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from qualcode.coding import list_codings
from qualcode.coding_sheet import SheetError, import_coding_sheet
from qualcode.errors import NotFound
from qualcode.history import history, undo
from qualcode.store.project import Project


def _sheet(tmp_path: Path, body: str, *, bom: bool = False) -> Path:
    path = tmp_path / "sheet.csv"
    path.write_bytes(("\ufeff" if bom else "").encode() + body.encode("utf-8"))
    return path


def _dump(project: Project) -> list[str]:
    with project.read() as conn:
        return list(conn.connection.iterdump())  # type: ignore[union-attr]


GOOD = (
    "document,turn,code,quote,important,memo\n"
    "int_a,2,Indicators > Adults watching,Odrasli čekaju u blizini.,1,clear case\n"
    "int_a,2,Indicators,,,\n"
    "int_b,2,Adults watching,,,\n"
    'int_c,4,Fines for begging,"Police fine the children",,\n'
)


def test_rows_become_codings_with_quotes_flags_and_memos(coded: Project, tmp_path: Path) -> None:
    report = import_coding_sheet(coded, _sheet(tmp_path, GOOD, bom=True), "vesna")
    assert (report.created, report.unchanged) == (4, 0)
    assert report.by_document == {"int_a": 2, "int_b": 1, "int_c": 1}
    rows = [(c.document, c.code, c.text, c.memo, c.origin, c.important) for c in list_codings(coded)]
    assert rows == [
        ("int_a", "Indicators", "Deca prose na raskrsnici. Odrasli čekaju u blizini.", "", "sheet", False),
        ("int_a", "Indicators > Adults watching", "Odrasli čekaju u blizini.", "clear case", "sheet", True),
        (
            "int_b",
            "Indicators > Adults watching",
            "Деца просе поред цркве. Нико их не пријављује.",
            "",
            "sheet",
            False,
        ),
        ("int_c", "Law > Fines for begging", "Police fine the children", "", "sheet", False),
    ]
    assert {c.coder for c in list_codings(coded)} == {"vesna"}


def test_importing_twice_changes_nothing_and_one_undo_removes_the_sheet(
    coded: Project, tmp_path: Path
) -> None:
    sheet = _sheet(tmp_path, GOOD)
    import_coding_sheet(coded, sheet, "vesna")
    again = import_coding_sheet(coded, sheet, "vesna")
    assert (again.created, again.unchanged) == (0, 4)
    assert history(coded, limit=1)[0].action == "coding.import"
    undo(coded, "vesna")
    assert list_codings(coded) == []


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("int_x,2,Indicators,,,", "sheet.csv, line 3: no document named 'int_x'"),
        ("int_a,9,Indicators,,,", "sheet.csv, line 3: int_a has no turn 9"),
        ("int_a,two,Indicators,,,", "sheet.csv, line 3: the unit number 'two' is not a whole number"),
        ("int_a,2,Nope,,,", "sheet.csv, line 3: no code"),
        (
            "int_a,2,Indicators,not in the turn,,",
            "sheet.csv, line 3: the quote 'not in the turn' is not in that unit",
        ),
        ("int_a,2,Indicators,i,,", "sheet.csv, line 3: the quote 'i' occurs more than once in that unit"),
        ("int_a,2,Indicators,,maybe,", "sheet.csv, line 3: important is 'maybe'; write 1 or leave it empty"),
    ],
)
def test_a_bad_row_names_its_line_and_changes_nothing(
    coded: Project, tmp_path: Path, row: str, message: str
) -> None:
    before = _dump(coded)
    sheet = _sheet(tmp_path, "document,turn,code,quote,important,memo\nint_a,2,Indicators,,,\n" + row + "\n")
    with pytest.raises(SheetError) as caught:
        import_coding_sheet(coded, sheet, "vesna")
    assert str(caught.value).startswith(message)
    assert _dump(coded) == before


def test_unit_kind_column_and_sheet_level_errors(coded: Project, tmp_path: Path) -> None:
    sheet = _sheet(tmp_path, "document,unit,unit_kind,code\nint_a,3,sentence,Adults watching\n")
    import_coding_sheet(coded, sheet, "vesna")
    assert [c.text for c in list_codings(coded)] == ["Odrasli čekaju u blizini."]
    with pytest.raises(SheetError, match=r"the header lacks code, turn \(or unit\)"):
        import_coding_sheet(coded, _sheet(tmp_path, "document,quote\nint_a,x\n"), "vesna")
    with pytest.raises(NotFound, match="no such coding sheet"):
        import_coding_sheet(coded, tmp_path / "missing.csv", "vesna")
    (tmp_path / "latin1.csv").write_bytes("document,turn,code\nint_a,2,Indicators é\n".encode("latin-1"))
    with pytest.raises(SheetError, match="not UTF-8 text"):
        import_coding_sheet(coded, tmp_path / "latin1.csv", "vesna")


def test_cli_code_import(coded: Project, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from qualcode.cli import app

    runner = CliRunner()
    sheet = _sheet(tmp_path, GOOD)
    args = ["code", "import", str(sheet), "-p", str(coded.path), "--coder", "vesna"]
    first = runner.invoke(app, args)
    assert first.exit_code == 0
    assert first.stdout == "Imported 4 coding(s) as vesna (int_a 2, int_b 1, int_c 1).\n"
    again = runner.invoke(app, args)
    assert again.stdout == "Imported 0 coding(s) as vesna; 4 already there.\n"
    bad = runner.invoke(app, ["code", "import", str(tmp_path / "nope.csv"), "-p", str(coded.path)])
    assert bad.exit_code == 1 and bad.stderr == f"Error: {tmp_path / 'nope.csv'}: no such coding sheet\n"


def test_categories_that_are_not_codable_are_refused(coded: Project, tmp_path: Path) -> None:
    from qualcode.codebook import load_codebook
    from qualcode.codebook_files import CodebookSpec, CodeSpec
    from qualcode.coding import Selector, apply_code
    from qualcode.errors import QualcodeError

    spec = CodebookSpec(codes=[CodeSpec("Category", codable=False, children=[CodeSpec("Leaf")])])
    load_codebook(coded, spec, "ana")
    message = "'Category' is a category that is not applied itself (not codable); apply one of its sub-codes"
    with pytest.raises(QualcodeError, match=re.escape(message)):
        apply_code(coded, "Category", "int_a", Selector(units="2"), "ana")
    with pytest.raises(SheetError, match=re.escape("sheet.csv, line 2: " + message)):
        import_coding_sheet(coded, _sheet(tmp_path, "document,turn,code\nint_a,2,Category\n"), "ana")
    assert apply_code(coded, "Category > Leaf", "int_a", Selector(units="2"), "ana").created
