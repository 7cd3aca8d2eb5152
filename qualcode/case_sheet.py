"""Reading a participants sheet: ``.csv`` (any of our encodings; ``,``, ``;`` or TAB) or ``.xlsx``."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from pathlib import Path

from qualcode.errors import QualcodeError


def read_sheet(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    """Header and rows of a ``.csv`` (any of our encodings, ``,`` ``;`` or TAB) or ``.xlsx`` (first sheet)."""
    suffix = path.suffix.lower()
    if not path.is_file():
        raise QualcodeError(f"no such file: {path}")
    if suffix == ".xlsx":
        header, rows = _read_xlsx(path)
    elif suffix in (".csv", ".tsv", ".txt"):
        header, rows = _read_csv(path)
    else:
        raise QualcodeError(
            f"cannot read participants from {suffix or 'a file without extension'}; use .csv or .xlsx"
        )
    header = [h.strip() for h in header]
    if not any(header):
        raise QualcodeError(f"{path.name}: the first row must name the columns")
    for dup in {h for h in header if h and header.count(h) > 1}:
        raise QualcodeError(f"{path.name}: the column {dup!r} appears twice in the header")
    records = [{h: v.strip() for h, v in zip(header, row, strict=False) if h} for row in rows]
    return header, records


def read_csv_rows(path: Path) -> list[list[str]]:
    """The non-empty rows of a CSV in any of our encodings, separated by ``,``, ``;`` or TAB (sniffed)."""
    from qualcode.ingest.encoding import decode_bytes

    text = decode_bytes(path.read_bytes()).text
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return [row for row in csv.reader(io.StringIO(text), dialect) if any(cell.strip() for cell in row)]


def _read_csv(path: Path) -> tuple[list[str], list[list[str]]]:
    rows = read_csv_rows(path)
    if not rows:
        raise QualcodeError(f"{path.name} is empty")
    return rows[0], rows[1:]


def _read_xlsx(path: Path) -> tuple[list[str], list[list[str]]]:
    import warnings

    from openpyxl import load_workbook

    # openpyxl warns about parts it drops ("Data Validation extension is not supported") and
    # raises whatever its XML and zip readers raise on a damaged file, also while the rows are
    # read. Only the values matter here, so the warnings are not shown (they would print on
    # stderr), and every failure means the same thing: the file cannot be read.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            book = load_workbook(path, read_only=True, data_only=True)
            try:
                if not book.worksheets:
                    raise QualcodeError(
                        f"{path.name} has no worksheet; put the participants in its first sheet"
                    )
                rows = [[_cell(v) for v in row] for row in book.worksheets[0].iter_rows(values_only=True)]
            finally:
                book.close()
        except QualcodeError:
            raise
        except Exception as exc:
            problem = "XML nested too deeply" if isinstance(exc, RecursionError) else str(exc)
            raise QualcodeError(
                f"{path.name} is not a readable .xlsx workbook ({problem or type(exc).__name__}); "
                "open it in Excel or LibreOffice and save it again, or save the sheet as .csv"
            ) from None
    rows = [row for row in rows if any(row)]
    if not rows:
        raise QualcodeError(f"{path.name}: the first sheet is empty")
    return rows[0], rows[1:]


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
