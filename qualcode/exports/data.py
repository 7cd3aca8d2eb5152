"""`export codings` and `export matrix` as library calls: read the project, write the file."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from qualcode.exports.tables import Table, codings_export, matrix_table
from qualcode.exports.writers import check_delimiter, check_suffix, write_json, write_table
from qualcode.store.project import Project

CODINGS_SUFFIXES = (".csv", ".xlsx", ".json")
MATRIX_SUFFIXES = (".csv", ".xlsx")


def export_codings(
    project: Project,
    path: Path,
    *,
    codes: Sequence[str] = (),
    documents: Sequence[str] = (),
    coders: Sequence[str] = (),
    excel: bool = False,
    delimiter: str = ",",
    formula_guard: bool = True,
) -> int:
    """Write one row per coding as .csv, .xlsx or .json (by extension); returns the number of codings.

    The extension and the delimiter are checked before the project is read: a typo costs nothing.
    ``excel``, ``delimiter`` and ``formula_guard`` are as in :func:`~qualcode.exports.writers.write_table`
    (JSON is never guarded: no spreadsheet runs it).
    """
    suffix = check_suffix(path, CODINGS_SUFFIXES, "codings")
    check_delimiter(delimiter)
    export = codings_export(project, codes=codes, documents=documents, coders=coders)
    if suffix == ".json":
        write_json(export.to_json(), path)
    else:
        write_table(export.table(), path, excel=excel, delimiter=delimiter, formula_guard=formula_guard)
    return len(export.records)


def export_matrix(
    project: Project,
    path: Path,
    by: str | None = None,
    *,
    count: str = "segments",
    binary: bool = False,
    codes: Sequence[str] = (),
    coder: str | None = None,
    excel: bool = False,
    delimiter: str = ",",
    formula_guard: bool = True,
) -> Table:
    """Write codes × participants (or values of ``by``) as .csv or .xlsx; returns the table written.

    ``excel``, ``delimiter`` and ``formula_guard`` are as in :func:`~qualcode.exports.writers.write_table`.
    """
    check_suffix(path, MATRIX_SUFFIXES, "a matrix")
    check_delimiter(delimiter)
    table = matrix_table(project, by, count=count, binary=binary, codes=codes, coder=coder)
    write_table(table, path, excel=excel, delimiter=delimiter, formula_guard=formula_guard)
    return table
