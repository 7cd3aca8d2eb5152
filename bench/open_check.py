"""What the integrity check on open costs: ``open_project`` plus one read, cold and warm.

Usage::

    python bench/open_check.py PROJECT.db [--runs 7] [--json]

A project is checked with SQLite's ``quick_check`` before qualcode writes to it, but only when
the file changed since its last clean check (``qualcode.store.integrity`` remembers a
fingerprint of the file and its ``-wal``). This script times, as medians of ``--runs``:

- ``cold``: open + ``transcripts list``-sized read after forgetting the fingerprint (the check runs);
- ``warm``: the same with the fingerprint remembered (no check);
- ``quick_check``: the PRAGMA alone on a read-only connection.

The project is only read. Use the 4-million-word project of ``bench/run.py --keep``
(``bench/out/``) for the figure in the README. See ``bench/README.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path


def _median(fn: Callable[[], None], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def measure(path: Path, runs: int) -> dict[str, float]:
    """Median seconds of a cold open, a warm open and quick_check alone."""
    os.environ["QUALCODE_CACHE_DIR"] = tempfile.mkdtemp(prefix="qualcode-open-check-")
    from qualcode.documents import list_documents
    from qualcode.store import integrity
    from qualcode.store.project import open_project

    def open_and_read() -> None:
        with open_project(path) as project:
            list_documents(project)

    def cold() -> None:
        integrity.forget(path)
        open_and_read()

    def quick_check() -> None:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            conn.execute("PRAGMA quick_check").fetchall()
        finally:
            conn.close()

    open_and_read()  # warm the page cache once, so both runs read from memory
    return {
        "bytes": float(path.stat().st_size),
        "cold_s": _median(cold, runs),
        "warm_s": _median(open_and_read, runs),
        "quick_check_s": _median(quick_check, runs),
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the arguments, measure, print."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("project", type=Path, help="a qualcode project file (only read)")
    parser.add_argument("--runs", type=int, default=7, help="runs per figure (default 7)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parsed = parser.parse_args(argv)
    figures = measure(parsed.project, parsed.runs)
    if parsed.json:
        print(json.dumps(figures, indent=2))
    else:
        print(", ".join(f"{k} {v:.3f}" if k != "bytes" else f"{k} {int(v):,}" for k, v in figures.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
