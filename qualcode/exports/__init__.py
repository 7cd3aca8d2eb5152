"""Data exports: the codebook (.docx, .yaml, .csv, .qdc), codings (.csv, .xlsx, .json), matrices.

- :mod:`~qualcode.exports.tables`: the data as plain tables (:class:`Table`, :func:`codings_export`,
  :func:`matrix_table`).
- :mod:`~qualcode.exports.writers`: CSV, XLSX and JSON writing, always atomic; reusable by any
  other export (:func:`write_table`, :func:`write_json`; :func:`~qualcode.atomic.write_atomically`
  is re-exported).
- :mod:`~qualcode.exports.codebook_docx`: the Word codebook and :func:`export_codebook_file`.
- :mod:`~qualcode.exports.data`: :func:`export_codings` and :func:`export_matrix`, table to file.
"""

from __future__ import annotations

from qualcode.atomic import write_atomically
from qualcode.exports.codebook_docx import CODEBOOK_SUFFIXES, codebook_docx_bytes, export_codebook_file
from qualcode.exports.data import CODINGS_SUFFIXES, MATRIX_SUFFIXES, export_codings, export_matrix
from qualcode.exports.tables import (
    Cell,
    CodingRecord,
    CodingsExport,
    Table,
    codings_export,
    matrix_table,
)
from qualcode.exports.writers import (
    ExportError,
    csv_bytes,
    json_bytes,
    write_json,
    write_table,
    xlsx_bytes,
)

__all__ = [
    "CODEBOOK_SUFFIXES",
    "CODINGS_SUFFIXES",
    "MATRIX_SUFFIXES",
    "Cell",
    "CodingRecord",
    "CodingsExport",
    "ExportError",
    "Table",
    "codebook_docx_bytes",
    "codings_export",
    "csv_bytes",
    "export_codebook_file",
    "export_codings",
    "export_matrix",
    "json_bytes",
    "matrix_table",
    "write_atomically",
    "write_json",
    "write_table",
    "xlsx_bytes",
]
