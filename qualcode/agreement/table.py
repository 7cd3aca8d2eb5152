"""`agree table`: the statistics for a plain reliability table from elsewhere (a CSV file)."""

from __future__ import annotations

from pathlib import Path

from qualcode.agreement.statistics import STATISTICS, AgreementResult, reliability_table
from qualcode.case_sheet import read_csv_rows
from qualcode.errors import QualcodeError


def table_statistics(
    path: Path, *, stats: list[str], level: str = "nominal", transpose: bool = False
) -> list[AgreementResult]:
    """Read ``path`` (first row: coder names, or unit names with ``transpose``) and compute the statistics."""
    if not path.is_file():
        raise QualcodeError(f"no such file: {path}")
    rows = read_csv_rows(path)
    if len(rows) < 2:
        raise QualcodeError(f"{path.name}: needs a header row and at least one row of codes")
    data = reliability_table(rows[1:], transpose=transpose)
    names = stats or [n for n in STATISTICS if not n.startswith("krippendorff_alpha")] + [
        "krippendorff_alpha"
    ]
    unknown = [n for n in names if n not in STATISTICS]
    if unknown:
        raise QualcodeError(f"--stat {unknown[0]!r}: use one of {', '.join(STATISTICS)}")
    return [
        STATISTICS[n](data, level=level) if n == "krippendorff_alpha" else STATISTICS[n](data) for n in names
    ]
