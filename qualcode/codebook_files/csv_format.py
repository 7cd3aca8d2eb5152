"""Codebooks as CSV tables, one row per code: :func:`parse_csv` and :func:`to_csv`.

CSV has no title, version, description or GUIDs, and cannot tell an empty keyword list from a
missing language.

Spreadsheets run a cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return as
a formula, and a codebook often comes from elsewhere. :func:`to_csv` therefore guards such text
with a leading ``'`` (the rule of :mod:`qualcode.formula_guard`), and :func:`parse_csv` removes
that ``'`` again, so that a codebook survives the round trip exactly. The rule is unambiguous
because text that itself starts with ``'`` and then one of those characters is guarded too:
``'=x`` is written ``''=x`` and read back as ``'=x``. A cell starting with ``'`` followed by
anything else (``'quoted'``) is read as it is.
"""

from __future__ import annotations

import csv
import io
from typing import Any, NoReturn

from qualcode.codebook_files.model import (
    _COLOR_HINT,
    _FALSE,
    _LANGUAGE,
    _TEXT_FIELDS,
    _TRUE,
    MAX_CODE_DEPTH,
    PATH_SEPARATOR,
    CodebookFormatError,
    CodebookSpec,
    CodeSpec,
    _check_codebook,
    _keyword_problem,
    _name_problem,
    _normal_color,
    _suggest,
    depth_problem,
    iter_codes,
)
from qualcode.formula_guard import guard_formula, unguard_formula

_CSV_COLUMNS = ("code", "definition", "inclusion", "exclusion", "example", "color", "codable")
_KEYWORD_PREFIX = "keywords_"
_CSV_HINTS = {
    "name": " (the code's path goes in the column 'code')",
    "path": " (the code's path goes in the column 'code')",
    "colour": " (call it 'color')",
    "keywords": " (name the language: keywords_sr, keywords_en…)",
}


def to_csv(codebook: CodebookSpec, *, formula_guard: bool = True) -> str:
    """One row per code (parents first), the path in ``code``, keywords per language joined by ``; ``.

    Title, version, description and GUIDs are not written. Rows end in CRLF (RFC 4180, what
    spreadsheets expect); :func:`write_codebook_file` adds a UTF-8 byte-order mark so that Excel
    shows Serbian letters correctly. ``formula_guard`` (the default) puts a ``'`` before text a
    spreadsheet would run as a formula (see the module notes); ``False`` writes every cell as it is.
    """
    _check_codebook(codebook, "the codebook")
    languages: list[str] = []
    for _, code in iter_codes(codebook.codes):
        languages.extend(language for language in code.keywords if language not in languages)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([*_CSV_COLUMNS, *(_KEYWORD_PREFIX + language for language in languages)])
    for path, code in iter_codes(codebook.codes):
        row = [
            PATH_SEPARATOR.join(path),
            code.definition,
            code.inclusion,
            code.exclusion,
            code.example,
            _normal_color(code.color or "") or "",  # no colour: ""; a bad one was refused above
            "true" if code.codable else "false",
            *("; ".join(code.keywords.get(language, [])) for language in languages),
        ]
        # Every cell is text here; colour and codable never start with a guarded character.
        writer.writerow([guard_formula(cell) for cell in row] if formula_guard else row)
    return out.getvalue()


def parse_csv(text: str, source: str) -> CodebookSpec:
    """Read a codebook table: a header row, then one row per code with its path in ``code``.

    The delimiter is ``,`` or ``;`` (whichever the header uses; Excel in Serbian and most
    European locales saves ``;``). Columns may come in any order and all but ``code`` may be
    missing. A parent that has no row of its own is created; a row may come after its children.
    A cell that starts with ``'`` and then ``=``, ``+``, ``-``, ``@``, a tab or a carriage return
    (after any further ``'``) loses that first ``'``: :func:`to_csv`'s formula guard is undone.
    """
    text = text.removeprefix("\ufeff")
    header_line = text.split("\n", 1)[0]
    delimiter = ";" if header_line.count(";") > header_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader, None)
        if header is None or not any(cell.strip() for cell in header):
            raise CodebookFormatError(
                source, "the file is empty; the first row must name the columns, starting with code"
            )
        columns = _csv_columns(header, source)
        return _CsvBuilder(source, columns).read(reader)
    except csv.Error as exc:
        raise CodebookFormatError(
            source, f"the CSV cannot be read ({exc}); check the quotes in that row", line=reader.line_num
        ) from None


def _csv_columns(header: list[str], source: str) -> list[str]:
    # Column names are case-insensitive, the language of a keywords column is kept as written.
    columns = [
        _KEYWORD_PREFIX + cell.strip()[len(_KEYWORD_PREFIX) :]
        if cell.strip().lower().startswith(_KEYWORD_PREFIX)
        else cell.strip().lower()
        for cell in header
    ]
    for index, column in enumerate(columns, start=1):
        known = column in _CSV_COLUMNS or (
            column.startswith(_KEYWORD_PREFIX) and _LANGUAGE.fullmatch(column[len(_KEYWORD_PREFIX) :])
        )
        if not known:
            hint = _CSV_HINTS.get(column) or _suggest(column, _CSV_COLUMNS)
            raise CodebookFormatError(
                source,
                f"unknown column {header[index - 1]!r}{hint}; the columns are "
                f"{', '.join(_CSV_COLUMNS)} and keywords_<language> (keywords_sr, keywords_en…)",
                line=1,
                column=index,
            )
        if column in columns[: index - 1]:
            raise CodebookFormatError(
                source, f"the column {column!r} appears twice; keep one", line=1, column=index
            )
    if "code" not in columns:
        raise CodebookFormatError(
            source, "there is no column 'code' (the code path, like 'Theme > Code')", line=1
        )
    return columns


class _CsvBuilder:
    """Builds the code tree from CSV rows, remembering where each code was defined."""

    def __init__(self, source: str, columns: list[str]) -> None:
        self.source = source
        self.columns = columns
        self.roots: list[CodeSpec] = []
        self.nodes: dict[tuple[str, ...], CodeSpec] = {}
        self.defined: dict[tuple[str, ...], int] = {}

    def read(self, reader: Any) -> CodebookSpec:
        line = reader.line_num + 1
        for row in reader:
            if any(cell.strip() for cell in row):
                self.row(row, line)
            line = reader.line_num + 1  # the next record starts after this one's last line
        return CodebookSpec(codes=self.roots)

    def fail(self, problem: str, line: int, column: str, path: tuple[str, ...] | None = None) -> NoReturn:
        raise CodebookFormatError(
            self.source,
            problem,
            line=line,
            column=self.columns.index(column) + 1,
            code=path,
            field=None if column == "code" else column,
        )

    def row(self, row: list[str], line: int) -> None:
        if len(row) > len(self.columns):
            raise CodebookFormatError(
                self.source,
                f"the row has {len(row)} cells but the header names {len(self.columns)} columns; "
                "put text that contains the delimiter in double quotes",
                line=line,
                column=len(self.columns) + 1,
            )
        # Undo to_csv's formula guard before anything reads a cell (see the module notes).
        cells = dict(zip(self.columns, map(unguard_formula, row), strict=False))
        path = self.path(cells["code"], line)
        if path in self.defined:
            self.fail(
                f"this code already has a row at line {self.defined[path]}; keep one row per code",
                line,
                "code",
                path,
            )
        self.defined[path] = line
        code = self.node(path)
        for key in _TEXT_FIELDS:
            setattr(code, key, cells.get(key, ""))
        color = cells.get("color", "").strip()
        code.color = _normal_color(color) if color else None
        if color and code.color is None:
            self.fail(f"{color!r} {_COLOR_HINT}", line, "color", path)
        code.codable = self.flag(cells.get("codable", ""), line, path)
        code.keywords = {}
        for column, cell in cells.items():
            if column.startswith(_KEYWORD_PREFIX) and cell.strip():
                code.keywords[column[len(_KEYWORD_PREFIX) :]] = self.words(cell, line, column, path)

    def path(self, cell: str, line: int) -> tuple[str, ...]:
        if not cell.strip():
            self.fail(
                "the code is empty; write the code's path, like 'Theme > Code', or delete the row",
                line,
                "code",
            )
        names = tuple(part.strip() for part in cell.strip().split(PATH_SEPARATOR))
        if len(names) > MAX_CODE_DEPTH:  # before node(), which recurses once per level
            self.fail(depth_problem(len(names)), line, "code")
        if len(names) > 1 and not all(names):
            self.fail(
                f"the path {cell.strip()!r} has an empty name in it; write it like 'Theme > Code'",
                line,
                "code",
            )
        for depth, name in enumerate(names):
            problem = _name_problem(name)
            if problem:
                self.fail(problem, line, "code", names[:depth] or None)
        return names

    def node(self, path: tuple[str, ...]) -> CodeSpec:
        """The code at ``path``, creating it and any missing parents in order of appearance."""
        if path in self.nodes:
            return self.nodes[path]
        code = CodeSpec(name=path[-1])
        siblings = self.node(path[:-1]).children if len(path) > 1 else self.roots
        siblings.append(code)
        self.nodes[path] = code
        return code

    def flag(self, cell: str, line: int, path: tuple[str, ...]) -> bool:
        value = cell.strip().lower()
        if value not in ("", "1", "da", *_TRUE, "0", "ne", *_FALSE):
            self.fail(f"{cell!r} is not true or false (leave it empty for true)", line, "codable", path)
        return value in ("", "1", "da", *_TRUE)

    def words(self, cell: str, line: int, column: str, path: tuple[str, ...]) -> list[str]:
        words = [word.strip() for word in cell.split(";") if word.strip()]
        for word in words:
            problem = _keyword_problem(word)
            if problem:
                self.fail(problem, line, column, path)
        return words
