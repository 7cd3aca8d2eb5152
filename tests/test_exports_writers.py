"""Writing exports (qualcode.exports.writers): atomic files, permissions, CSV and XLSX cells."""

from __future__ import annotations

import io
import os
import stat
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
    assert csv_bytes(table) == (
        b'text,int,float,bool,date,none\n=1+2,-3,2.5,true,2025-01-02,\n"say ""hi"", ok",0,1e-07,false,,\n'
    )
    # For Excel only text is guarded: -3 stays a number.
    assert csv_bytes(table, excel=True).splitlines()[1] == b"'=1+2,-3,2.5,true,2025-01-02,"


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_every_codebook_format_gets_the_usual_permissions(coded: Project, tmp_path: Path) -> None:
    for name in ("codebook.yaml", "codebook.docx"):
        export_codebook_file(coded, tmp_path / name)
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o666 & ~_umask()
