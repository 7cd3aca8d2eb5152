"""Writing tables of plain data as CSV, XLSX and JSON; every file written atomically.

A :class:`~qualcode.exports.tables.Table` is a header and rows of typed cells; these writers
turn it into bytes and put the bytes in place. Rules that hold for every file:

- **Atomic.** The bytes go to a temporary file in the target folder, which then replaces the
  target (:func:`write_atomically`): an error or a crash never leaves half a file, and an
  existing file stays as it was until the new one is complete.
- **Formula guard** (``formula_guard=True``, the default): text that a spreadsheet would run
  as a formula (it starts with ``= + - @``, a tab or a carriage return) is made safe, by the one
  rule of :mod:`qualcode.formula_guard`: in CSV a ``'`` before it, in XLSX Excel's quote prefix.
  Numbers are never guarded (``-3`` stays a number). ``formula_guard=False`` writes text exactly
  as it is, for R and pandas.
- **CSV** is UTF-8, comma-separated, ``\\n`` line ends, quoted only where needed (what R,
  pandas and SPSS read without options). ``excel=True`` makes it what Excel on Windows opens
  correctly by double-click: a byte-order mark (without it Excel reads the file in the
  computer's legacy code page, and Serbian letters come out wrong) and ``\\r\\n`` line ends.
  Excel set to Serbian, Bosnian, Croatian or German regional formats expects ``;`` between
  cells: ``delimiter=";"``.
- **XLSX** has one sheet with a bold, filled, frozen header row, an autofilter over the
  whole table, column widths from the content, and typed cells (numbers as numbers, dates as
  dates, ``true``/``false`` as booleans). Text is always stored as text, never as a formula
  (also without the guard), characters XML cannot hold are dropped, and text longer than
  Excel's cell limit (32,767 characters) is cut there with ``…`` at the end.
- **JSON** is UTF-8 (letters as they are, not ``\\u`` escapes), two-space indents, keys in a
  fixed order; dates as ``YYYY-MM-DD``.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from qualcode.atomic import write_atomically
from qualcode.errors import QualcodeError
from qualcode.exports.tables import Cell, Table
from qualcode.formula_guard import guard_formula, needs_formula_guard

#: Excel's limit on the characters in one cell.
EXCEL_CELL_LIMIT = 32_767
#: Widths (in characters) between which columns are sized, and how many rows are measured.
MIN_WIDTH, MAX_WIDTH, WIDE_WIDTH, MEASURED_ROWS = 8, 40, 80, 1000
DELIMITERS = {",": ",", ";": ";", "tab": "\t", "\t": "\t"}
HEADER_FILL = "DDEBF7"  # a light blue, readable printed in black and white too
# Control characters the XML inside an .xlsx cannot hold (openpyxl refuses them).
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


class ExportError(QualcodeError):
    """An export cannot be written: unknown format, unwritable place, nothing to export."""


def check_suffix(path: Path, allowed: Sequence[str], what: str) -> str:
    """The lower-case extension of ``path``, or :class:`ExportError` naming the ones ``what`` has."""
    suffix = path.suffix.lower()
    if suffix not in allowed:
        given = f"'{suffix}'" if suffix else "a file name without an extension"
        raise ExportError(
            f"{path.name}: {what} can be written as {', '.join(allowed)}, not {given}; "
            "end the file name with one of those"
        )
    return suffix


def write_table(
    table: Table, path: Path, *, excel: bool = False, delimiter: str = ",", formula_guard: bool = True
) -> None:
    """Write ``table`` as ``.csv`` or ``.xlsx``, chosen by the extension of ``path`` (see module notes)."""
    suffix = check_suffix(path, (".csv", ".xlsx"), "this table")
    if suffix == ".xlsx":
        data = xlsx_bytes(table, formula_guard=formula_guard)
    else:
        data = csv_bytes(table, excel=excel, delimiter=delimiter, formula_guard=formula_guard)
    write_atomically(path, data)


def check_delimiter(delimiter: str) -> str:
    """The character for a ``--delimiter`` value (``,`` ``;`` or ``tab``), else :class:`ExportError`."""
    if delimiter not in DELIMITERS:
        raise ExportError(f"--delimiter {delimiter!r}: use ',', ';' or 'tab'")
    return DELIMITERS[delimiter]


def csv_bytes(
    table: Table, *, excel: bool = False, delimiter: str = ",", formula_guard: bool = True
) -> bytes:
    """The table as CSV (see the module notes for what ``excel`` and ``formula_guard`` change)."""
    # The csv module quotes a cell only for the characters of *its* line end: with "\n" a carriage
    # return inside text would go out unquoted and split the row for R, pandas and Python's csv. So
    # rows are written with "\r\n" (CR and LF both quoted) and the end put right row by row.
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=check_delimiter(delimiter), lineterminator="\r\n")
    end = "\r\n" if excel else "\n"
    lines = []
    # Column names are guarded too: attribute columns are named by the participants sheet.
    header = [_csv_text(name, formula_guard) for name in table.columns]
    for cells in (header, *([_csv_cell(value, formula_guard) for value in row] for row in table.rows)):
        writer.writerow(cells)
        lines.append(buffer.getvalue()[:-2] + end)
        buffer.seek(0)
        buffer.truncate()
    return "".join(lines).encode("utf-8-sig" if excel else "utf-8")


def _csv_cell(value: Cell, guard: bool) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float, date)):
        # Typed values are not text: a negative number must stay a number, so no guard.
        return value.isoformat() if isinstance(value, date) else repr(value)
    return _csv_text(value, guard)


def _csv_text(value: str, guard: bool) -> str:
    return guard_formula(value) if guard else value


def xlsx_bytes(table: Table, *, formula_guard: bool = True) -> bytes:
    """The table as a one-sheet workbook (see the module notes for what ``formula_guard`` changes)."""
    # Imported here: openpyxl takes a while to load and only this writer needs it.
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)  # streams rows: 20,000 codings stay fast and small
    sheet = book.create_sheet(table.sheet[:31])  # Excel's limit on sheet names
    # Widths, the frozen row and the filter must be set before the first row is written.
    for i, width in enumerate(column_widths(table), start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    sheet.freeze_panes = "A2"
    last = get_column_letter(max(1, len(table.columns)))
    sheet.auto_filter.ref = f"A1:{last}{len(table.rows) + 1}"
    bold, fill = Font(bold=True), PatternFill("solid", start_color=HEADER_FILL, end_color=HEADER_FILL)
    header = []
    for name in table.columns:
        text = _xlsx_text(name)
        cell = WriteOnlyCell(sheet, value=text)
        cell.font, cell.fill = bold, fill
        cell.alignment = Alignment(vertical="top")
        cell.data_type = "s"
        cell.quotePrefix = formula_guard and needs_formula_guard(text)
        header.append(cell)
    sheet.append(header)
    for row in table.rows:
        sheet.append([_xlsx_cell(sheet, value, formula_guard) for value in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _xlsx_cell(sheet: Any, value: Cell, guard: bool) -> Any:
    """A plain value where openpyxl stores it right (fast); a styled cell for guarded text and dates."""
    from openpyxl.cell import WriteOnlyCell

    if isinstance(value, str):
        if not value:
            return None  # an empty cell, not an empty string (which the filter lists apart)
        value = _xlsx_text(value)  # first: a dropped control character may uncover a leading "="
        guarded = guard and needs_formula_guard(value)
        if guarded or value.startswith("="):
            cell = WriteOnlyCell(sheet, value=value)
            cell.data_type = "s"  # openpyxl would store "=…" as a formula; an export never writes one
            # Excel's own "'" in front: shown as written, and still text after the cell is edited.
            cell.quotePrefix = guarded
            return cell
        return value
    if isinstance(value, date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = "yyyy-mm-dd"
        return cell
    return value


def _xlsx_text(value: str) -> str:
    value = _ILLEGAL_XML.sub("", value)
    if len(value) > EXCEL_CELL_LIMIT:
        value = value[: EXCEL_CELL_LIMIT - 1] + "…"
    return value


def column_widths(table: Table) -> list[float]:
    """A width per column: the longest of the header and the first rows' values, within limits.

    Columns named in ``table.wide`` (long text: quotes, memos) may grow to :data:`WIDE_WIDTH`, so
    the start of each quote can be read; the others stop at :data:`MAX_WIDTH`.
    """
    widths = []
    for i, name in enumerate(table.columns):
        longest = max([len(name), *(_display_length(row[i]) for row in table.rows[:MEASURED_ROWS])])
        limit = WIDE_WIDTH if name in table.wide else MAX_WIDTH
        # +2: room for the filter button in the header cell.
        widths.append(float(min(limit, max(MIN_WIDTH, longest + 2))))
    return widths


def _display_length(value: Cell) -> int:
    if value is None:
        return 0
    if isinstance(value, str):
        return max((len(line) for line in value.splitlines()), default=0)
    if isinstance(value, bool):
        return 5
    if isinstance(value, date):
        return 10
    return len(repr(value))


def json_bytes(data: Any) -> bytes:
    """``data`` as UTF-8 JSON with two-space indents; dates as ISO strings."""
    return (json.dumps(data, ensure_ascii=False, indent=2, default=_json_default) + "\n").encode("utf-8")


def _json_default(value: object) -> str:
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def write_json(data: Any, path: Path) -> None:
    """Write ``data`` as a ``.json`` file (atomically)."""
    check_suffix(path, (".json",), "this data")
    write_atomically(path, json_bytes(data))
