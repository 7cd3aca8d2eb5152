"""Codings from a spreadsheet: one row per coding, as a coder keeps them in Excel or LibreOffice.

Partner organisations often code on paper or in a spreadsheet before they have the tool; the
sample study's two coders' work is kept the same way (``transcripts/codings/*.csv``). A sheet
is UTF-8 CSV (a BOM is fine) with a header and these columns:

``document``
    the transcript name, as `qualcode transcripts list` shows it;
``turn`` — or ``unit`` with an optional ``unit_kind`` column (turn, paragraph, sentence, cue)
    the unit number, as `qualcode transcripts show NAME --units` prints it;
``code``
    the code's path (``Theme > Code``) or a unique name;
``quote`` (optional)
    a verbatim part of that unit: the coding covers exactly that text (it must occur once in
    the unit); empty: the whole unit;
``important`` (optional)
    ``1``/``yes``/``true``/``da`` marks a quote for the report;
``memo`` (optional)
    the coding's memo.

The whole sheet is one transaction and one undoable event: every row is checked first, and a
sheet with a mistake names its line and changes nothing. Rows the coder already has (same code
and span) are counted as unchanged, so importing a sheet twice is harmless.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Collection
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, select

from qualcode.codebook import read_codebook
from qualcode.coding import UNIT_KINDS, require_codable
from qualcode.documents import find_document
from qualcode.errors import NotFound, QualcodeError
from qualcode.formula_guard import unguard_formula
from qualcode.store.changes import ChangeRecorder
from qualcode.store.codings import NewCoding, add_codings, ensure_coder
from qualcode.store.models import UNITS
from qualcode.store.project import Project

_TRUE = {"1", "yes", "true", "da", "да", "x"}
_FALSE = {"", "0", "no", "false", "ne", "не"}


class SheetError(QualcodeError):
    """A coding sheet that cannot be imported; the message names the file and line."""


@dataclass
class SheetReport:
    """What importing a coding sheet did."""

    coder: str
    created: int = 0
    unchanged: int = 0
    by_document: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Plain data for ``--json``."""
        return asdict(self)


@dataclass(frozen=True)
class _Row:
    line: int
    document_id: int
    document: str
    code_id: int
    start: int
    end: int
    important: bool
    memo: str


def import_coding_sheet(
    project: Project, path: Path, coder: str, *, origin: str = "sheet", skip: Collection[str] = ()
) -> SheetReport:
    """Add the codings of a CSV coding sheet as ``coder``'s, all or nothing (see the module doc).

    Rows of the documents named in ``skip`` are left out (checked all the same).
    """
    records = [(line, row) for line, row in _read(path) if row.get("document") not in skip]
    report = SheetReport(coder)
    with project.write() as conn:
        rows = _resolve(conn, path, records)
        rec = ChangeRecorder(conn)
        coder_id = ensure_coder(rec, coder)
        results = add_codings(
            rec,
            [
                NewCoding(
                    row.document_id,
                    row.code_id,
                    coder_id,
                    row.start,
                    row.end,
                    memo=row.memo,
                    origin=origin,
                    important=row.important,
                )
                for row in rows
            ],
        )
        for row, result in zip(rows, results, strict=True):
            if result.created:
                report.created += 1
                report.by_document[row.document] = report.by_document.get(row.document, 0) + 1
            else:
                report.unchanged += 1
        if rec.ops:
            rec.log(coder, "coding.import", f"sheet:{path.name}", {"codings": report.created})
    return report


def _read(path: Path) -> list[tuple[int, dict[str, str]]]:
    """``(line, row)`` pairs of the sheet, with header names lower-cased and stripped."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise NotFound(f"{path}: no such coding sheet") from None
    except UnicodeDecodeError as exc:
        raise SheetError(f"{path}: not UTF-8 text (byte {exc.start}); save the sheet as CSV UTF-8") from None
    except OSError as exc:
        raise SheetError(f"{path}: {exc.strerror}") from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [name.strip().lower() for name in reader.fieldnames or []]
    missing = [c for c in ("document", "code") if c not in header]
    if "turn" not in header and "unit" not in header:
        missing.append("turn (or unit)")
    if missing:
        raise SheetError(f"{path}: the header lacks {', '.join(missing)}; see `qualcode code import --help`")
    records = []
    for row in reader:
        # Our own `export codings` guards text against spreadsheet formulas: read it back as written.
        values = {
            k.strip().lower(): unguard_formula(v or "").strip() for k, v in row.items() if k is not None
        }
        if any(values.values()):
            records.append((reader.line_num, values))
    return records


def _resolve(conn: Connection, path: Path, records: list[tuple[int, dict[str, str]]]) -> list[_Row]:
    """Check every record and turn it into a span; the first problem stops the import."""
    book = read_codebook(conn)
    documents: dict[str, tuple[int, str]] = {}
    units: dict[tuple[int, str], dict[int, tuple[int, int]]] = {}
    rows = []
    for line, values in records:
        where = f"{path.name}, line {line}"
        try:
            name = values.get("document", "")
            if name not in documents:
                documents[name] = find_document(conn, name)
            doc_id, text = documents[name]
            kind = values.get("unit_kind") or "turn"
            if kind not in UNIT_KINDS:
                raise SheetError(f"unit_kind {kind!r} is not one of {', '.join(UNIT_KINDS)}")
            number_text = values.get("turn") or values.get("unit") or ""
            if not number_text.isdigit():
                raise SheetError(f"the unit number {number_text!r} is not a whole number")
            if (doc_id, kind) not in units:
                units[(doc_id, kind)] = {
                    r.ordinal: (r.start, r.end)
                    for r in conn.execute(
                        select(UNITS.c.ordinal, UNITS.c.start, UNITS.c.end).where(
                            UNITS.c.document_id == doc_id, UNITS.c.kind == kind
                        )
                    )
                }
            span = units[(doc_id, kind)].get(int(number_text))
            if span is None:
                raise SheetError(f"{name} has no {kind} {number_text}")
            start, end = _quote_span(text, span, values.get("quote", ""))
            flag = values.get("important", "").lower()
            if flag not in _TRUE | _FALSE:
                raise SheetError(f"important is {flag!r}; write 1 or leave it empty")
            code = require_codable(book.resolve(values.get("code", "")))
        except QualcodeError as exc:
            raise SheetError(f"{where}: {exc}") from None
        rows.append(_Row(line, doc_id, name, code.id, start, end, flag in _TRUE, values.get("memo", "")))
    return rows


def _quote_span(text: str, unit: tuple[int, int], quote: str) -> tuple[int, int]:
    """The span of ``quote`` inside the unit, or the whole unit when there is no quote."""
    start, end = unit
    if not quote:
        return start, end
    inside = text[start:end]
    at = inside.find(quote)
    if at < 0:
        raise SheetError(f"the quote {_short(quote)} is not in that unit (it must be copied verbatim)")
    if inside.find(quote, at + 1) >= 0:
        raise SheetError(f"the quote {_short(quote)} occurs more than once in that unit; quote more of it")
    return start + at, start + at + len(quote)


def _short(quote: str) -> str:
    return repr(quote if len(quote) <= 40 else quote[:37] + "…")
