"""Writing exports (qualcode.exports.writers): atomic files, permissions, CSV and XLSX cells."""

from __future__ import annotations

import csv
import io
import os
import stat
import zipfile
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from qualcode.errors import WriteFailed
from qualcode.exports import (
    ExportError,
    Table,
    csv_bytes,
    export_codebook_file,
    export_codings,
    export_matrix,
    write_atomically,
    xlsx_bytes,
)
from qualcode.store.project import Project


def test_a_new_file_gets_the_usual_permissions(tmp_path: Path) -> None:
    write_atomically(tmp_path / "new.csv", b"x")
    # Not the temporary file's 0600: colleagues sharing the folder can open the export.
    assert stat.S_IMODE((tmp_path / "new.csv").stat().st_mode) == 0o666 & ~_umask()


def test_a_failed_write_leaves_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "codings.csv"
    target.write_bytes(b"old")
    target.chmod(0o640)

    def fail(*_: object) -> None:
        raise OSError(13, "Permission denied")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(WriteFailed, match=r"codings.csv cannot be written \(Permission denied\)"):
        write_atomically(target, b"new")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["codings.csv"]  # no temporary file left
    monkeypatch.undo()
    write_atomically(target, b"new")
    assert (target.read_bytes(), stat.S_IMODE(target.stat().st_mode)) == (b"new", 0o640)


def test_unwritable_places(tmp_path: Path) -> None:
    with pytest.raises(WriteFailed, match=r"cannot write x\.csv in .*missing .*check that the folder exists"):
        write_atomically(tmp_path / "missing" / "x.csv", b"")
    with pytest.raises(WriteFailed, match="is a folder; give a file name"):
        write_atomically(tmp_path, b"")


def test_unknown_formats(coded: Project, tmp_path: Path) -> None:
    with pytest.raises(ExportError, match=r"codings can be written as \.csv, \.xlsx, \.json, not '\.txt'"):
        export_codings(coded, tmp_path / "c.txt")
    with pytest.raises(ExportError, match=r"a matrix can be written as \.csv, \.xlsx, not '\.json'"):
        export_matrix(coded, tmp_path / "m.json")
    with pytest.raises(ExportError, match="a file name without an extension"):
        export_matrix(coded, tmp_path / "matrix")
    with pytest.raises(ExportError, match=r"--delimiter '\|'"):
        csv_bytes(Table(["a"], [["x"]]), delimiter="|")


def test_xlsx_keeps_cells_valid_for_excel() -> None:
    long_text = "a" * 40_000
    table = Table(["text", "n"], [["bad\x00\x07chars", 1.5], [long_text, None]], sheet="x" * 40)
    sheet = load_workbook(io.BytesIO(xlsx_bytes(table))).active
    assert sheet.title == "x" * 31
    assert sheet["A2"].value == "badchars"
    assert sheet["A3"].value == "a" * 32_766 + "…"
    assert (sheet["B2"].value, sheet["B3"].value) == (1.5, None)


def test_csv_cells_by_type() -> None:
    table = Table(
        ["text", "int", "float", "bool", "date", "none"],
        [["=1+2", -3, 2.5, True, date(2025, 1, 2), None], ['say "hi", ok', 0, 1e-7, False, None, None]],
    )
    assert csv_bytes(table, formula_guard=False) == (
        b'text,int,float,bool,date,none\n=1+2,-3,2.5,true,2025-01-02,\n"say ""hi"", ok",0,1e-07,false,,\n'
    )
    # By default only text is guarded: -3 stays a number.
    assert csv_bytes(table) == (
        b'text,int,float,bool,date,none\n\'=1+2,-3,2.5,true,2025-01-02,\n"say ""hi"", ok",0,1e-07,false,,\n'
    )
    assert csv_bytes(table, excel=True).splitlines()[1] == b"'=1+2,-3,2.5,true,2025-01-02,"
    assert csv_bytes(table, excel=True, formula_guard=False).split(b"\r\n")[1] == (
        b"=1+2,-3,2.5,true,2025-01-02,"
    )


# The OWASP characters, each at the start of a text cell, and the guarded cell's exact CSV bytes (a cell
# with a carriage return is quoted, so that it stays one cell for R, pandas and Excel).
GUARDED_CELLS = [
    ("=", b"'=x"),
    ("+", b"'+x"),
    ("-", b"'-x"),
    ("@", b"'@x"),
    ("\t", b"'\tx"),
    ("\r", b'"\'\rx"'),
]


@pytest.mark.parametrize(("start", "guarded"), GUARDED_CELLS)
def test_csv_guards_each_formula_character_and_no_number(start: str, guarded: bytes) -> None:
    # Next to the text: the negative numbers -1 and -0.5, and text "-1" (text is guarded, numbers not).
    table = Table([f"{start}head", "n", "f", "s"], [[f"{start}x", -1, -0.5, "-1"]])
    head = guarded.replace(b"x", b"head")
    assert csv_bytes(table) == head + b",n,f,s\n" + guarded + b",-1,-0.5,'-1\n"
    assert csv_bytes(table, excel=True) == (
        b"\xef\xbb\xbf" + head + b",n,f,s\r\n" + guarded + b",-1,-0.5,'-1\r\n"
    )
    raw = f"{start}x".encode()
    assert csv_bytes(table, formula_guard=False).split(b"\n")[1] == (
        (b'"' + raw + b'"' if start == "\r" else raw) + b",-1,-0.5,-1"
    )
    # Python's csv (as pandas and R) reads the guarded text back as one row, a ' in front.
    rows = list(csv.reader(io.StringIO(csv_bytes(table).decode(), newline="")))
    assert rows == [[f"'{start}head", "n", "f", "s"], [f"'{start}x", "-1", "-0.5", "'-1"]]


def test_csv_semicolons_and_tabs_guard_the_same() -> None:
    table = Table(["a", "b"], [["=1;2", "-x\ty"]])
    assert csv_bytes(table, delimiter=";") == b"a;b\n\"'=1;2\";'-x\ty\n"
    assert csv_bytes(table, delimiter="tab") == b"a\tb\n'=1;2\t\"'-x\ty\"\n"


def test_csv_text_already_starting_with_a_quote_gets_one_more() -> None:
    # So that the guard can be undone exactly (qualcode.formula_guard); other text stays as it is.
    table = Table(["t"], [["'=x"], ["'quoted'"], ["x=1"], [" =1"]])
    assert csv_bytes(table) == b"t\n''=x\n'quoted'\nx=1\n =1\n"


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_xlsx_text_is_text_with_excels_quote_prefix(start: str) -> None:
    table = Table([f"{start}head", "n"], [[f"{start}x", -1], ["plain", -0.5], [f"'{start}y", 2]])
    for guard in (True, False):
        sheet = load_workbook(io.BytesIO(xlsx_bytes(table, formula_guard=guard))).active
        cells = [[(c.value, c.data_type, c.quotePrefix) for c in row] for row in sheet.iter_rows()]
        # The value is the text as written in both cases: never a formula ("f"), never a ' added.
        assert cells == [
            [(f"{start}head", "s", guard), ("n", "s", False)],
            [(f"{start}x", "s", guard), (-1, "n", False)],
            [("plain", "s", False), (-0.5, "n", False)],
            [(f"'{start}y", "s", guard), (2, "n", False)],
        ]
    # In the file: the quote-prefixed style on the guarded cells only, no formula anywhere.
    with zipfile.ZipFile(io.BytesIO(xlsx_bytes(table))) as archive:
        styles = archive.read("xl/styles.xml").decode()
        sheet_xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert 'quotePrefix="1"' in styles and "<f>" not in sheet_xml
    with zipfile.ZipFile(io.BytesIO(xlsx_bytes(table, formula_guard=False))) as archive:
        assert 'quotePrefix="1"' not in archive.read("xl/styles.xml").decode()


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_every_codebook_format_gets_the_usual_permissions(coded: Project, tmp_path: Path) -> None:
    for name in ("codebook.yaml", "codebook.docx"):
        export_codebook_file(coded, tmp_path / name)
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o666 & ~_umask()
