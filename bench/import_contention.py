"""How long a coder's write waits while a very large transcript imports.

Usage::

    python bench/import_contention.py [--mb 50] [--interval 0.1] [--workdir DIR] [--json]

Builds a project holding the sample study (its transcripts and codebook), generates one
Serbian Latin interview of at least ``--mb`` MiB (speaker labels, paragraphs, sentences; the
generator of ``make_corpus.py``), then runs two processes at once:

* **A** imports the big transcript: ``qualcode import BIG -p PROJECT --max-size … --json``,
  a child process whose wall time is the import figure;
* **B** is a coder: every ``--interval`` seconds one ``qualcode.coding.apply_code`` of a new
  one-span coding on a sample interview (a write transaction of its own, as
  ``qualcode code apply`` makes), timing each call from the call to its return — waiting for
  the write lock included.

B starts a second before A, so its first writes show what a write costs on an idle project.
The report gives B's writes that started while A ran: how many, the median, the 95th
percentile and the longest, and any that failed (a write that waits out the 10 s busy timeout
fails with "the project is busy"). Target (issue 12): the longest wait under 1 s.

``--transactions`` measures the cause instead: the same import alone, in this process, with
every write transaction it opens timed (from ``Project.write`` entered to its commit).
Measurements never change the exit code. See ``bench/README.md``.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import make_corpus  # bench/ is sys.path[0] when this file is run as a script

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
TARGET_MAX_S = 1.0
#: UTF-8 bytes per whitespace word of the generated Serbian Latin interviews (measured: 6.29).
_BYTES_PER_WORD = 6.2
_DOCUMENT = "sr01_socijalna_radnica_nis"
_IDLE_S = 1.0


def make_transcript(path: Path, mib: float, seed: int = 12) -> int:
    """Write one Serbian Latin interview of at least ``mib`` MiB to ``path``; return its size.

    Deterministic: the same arguments give the same bytes.
    """
    target = int(mib * 2**20)
    words = math.ceil(target / _BYTES_PER_WORD)
    while True:
        interview = make_corpus.make_interview(random.Random(seed), "sr-Latn", "SR-BIG", words)
        data, _ = make_corpus.render_text(interview, "utf-8", "\n")
        if len(data) >= target:
            break
        words = math.ceil(words * target / len(data)) + 1000
    path.write_bytes(data)
    return len(data)


def build_project(path: Path) -> None:
    """A project with the sample study's transcripts and codebook (what a team has open)."""
    from qualcode.codebook import load_codebook
    from qualcode.codebook_files.files import read_codebook_file
    from qualcode.ingest.importer import ImportOptions, collect_paths, import_paths
    from qualcode.store.project import init_project

    with init_project(path) as project:
        files = collect_paths([str(REPO / "transcripts")])
        results = import_paths(project, files, ImportOptions(coder="bench"))
        failed = [r for r in results if r.status == "failed"]
        if failed:
            raise SystemExit(f"Error: the sample study did not import: {failed[0].path}: {failed[0].message}")
        load_codebook(project, read_codebook_file(REPO / "codebooks" / "forced_begging.yaml"), "bench")


# --- process B ------------------------------------------------------------------------------


def writer(project_path: Path, out: Path, stop: Path, interval: float) -> None:
    """Apply one new coding every ``interval`` seconds until ``stop`` exists; write timings to ``out``.

    Each entry is ``[started (time.time()), seconds, error or ""]``.
    """
    from qualcode.codebook import read_codebook
    from qualcode.coding import Selector, apply_code
    from qualcode.documents import find_document
    from qualcode.errors import QualcodeError
    from qualcode.store.project import open_project

    with open_project(project_path) as project:
        with project.read() as conn:
            code = next(row.label for row in read_codebook(conn).rows.values() if row.codable)
            length = len(find_document(conn, _DOCUMENT)[1])
        timings: list[list[Any]] = []
        n = 0
        while not stop.exists():
            start = (n * 37) % (length - 20)  # a new span each time, so each write adds a coding
            n += 1
            began = time.time()
            clock = time.perf_counter()
            error = ""
            try:
                apply_code(project, code, _DOCUMENT, Selector(span=f"{start}:{start + 10}"), "coder-b")
            except QualcodeError as exc:
                error = str(exc)
            timings.append([began, time.perf_counter() - clock, error])
            time.sleep(interval)
    out.write_text(json.dumps(timings), encoding="utf-8")


# --- the run --------------------------------------------------------------------------------


@dataclass
class ContentionRun:
    """The figures of one run."""

    transcript_bytes: int
    import_exit_code: int
    import_s: float
    import_result: dict[str, Any]
    idle_median_s: float
    writes: int
    failed: int
    median_s: float
    p95_s: float
    max_s: float
    errors: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Plain data for ``--json``."""
        data = asdict(self)
        for key in ("import_s", "idle_median_s", "median_s", "p95_s", "max_s"):
            data[key] = round(data[key], 4)
        data["target_max_s"] = TARGET_MAX_S
        data["met"] = self.max_s < TARGET_MAX_S and not self.failed
        return data


def _percentile(values: Sequence[float], share: float) -> float:
    """Nearest-rank percentile (``share`` in 0..1)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def run(workdir: Path, mib: float, interval: float) -> ContentionRun:
    """Build what is missing in ``workdir``, then import while the coder writes."""

    def progress(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    big = workdir / f"interview_{mib:g}mib.txt"
    if not big.exists():
        progress(f"generating a {mib:g} MiB transcript into {big} …")
        make_transcript(big, mib)
    size = big.stat().st_size
    project = workdir / "contention.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{project}{suffix}").unlink(missing_ok=True)
    progress("building the sample-study project …")
    build_project(project)
    exe = Path(sys.executable).parent / "qualcode"
    stop, out = workdir / "stop", workdir / "writes.json"
    stop.unlink(missing_ok=True)
    coder = subprocess.Popen(
        [sys.executable, __file__, "--writer", str(project), str(out), str(stop), str(interval)]
    )
    time.sleep(_IDLE_S + 2.0)  # the writer's start-up, then its idle writes
    progress(f"importing {size / 2**20:.1f} MiB while the coder writes every {interval:g} s …")
    began = time.time()
    clock = time.perf_counter()
    importer = subprocess.run(
        [str(exe), "import", str(big), "-p", str(project), "--max-size", str(int(mib * 2) + 10), "--json"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
    )
    import_s = time.perf_counter() - clock
    ended = time.time()
    time.sleep(0.5)
    stop.touch()
    coder.wait()
    timings = json.loads(out.read_text(encoding="utf-8"))
    idle = [t for started, t, _ in timings if started < began]
    during = [(t, err) for started, t, err in timings if began <= started < ended]
    try:
        result = json.loads(importer.stdout)[0]
    except (ValueError, IndexError, KeyError):
        result = {"status": "unknown", "stderr": importer.stderr[-500:]}
    seconds = [t for t, _ in during] or [0.0]
    return ContentionRun(
        transcript_bytes=size,
        import_exit_code=importer.returncode,
        import_s=import_s,
        import_result={k: result.get(k) for k in ("status", "message", "words", "units")},
        idle_median_s=statistics.median(idle) if idle else 0.0,
        writes=len(during),
        failed=sum(1 for _, err in during if err),
        median_s=statistics.median(seconds),
        p95_s=_percentile(seconds, 0.95),
        max_s=max(seconds),
        errors=sorted({err for _, err in during if err})[:3],
    )


def time_transactions(workdir: Path, mib: float) -> dict[str, Any]:
    """Import the big transcript alone, in-process, timing each write transaction it opens."""
    from contextlib import contextmanager

    from qualcode.ingest.importer import ImportOptions, import_paths
    from qualcode.store.project import Project, open_project

    big = workdir / f"interview_{mib:g}mib.txt"
    if not big.exists():
        make_transcript(big, mib)
    project_path = workdir / "transactions.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{project_path}{suffix}").unlink(missing_ok=True)
    build_project(project_path)
    held: list[float] = []
    plain_write = Project.write

    @contextmanager
    def timed_write(self: Project) -> Any:
        clock = time.perf_counter()
        with plain_write(self) as conn:
            yield conn
        held.append(time.perf_counter() - clock)

    Project.write = timed_write  # type: ignore[method-assign]
    try:
        with open_project(project_path) as project:
            clock = time.perf_counter()
            [result] = import_paths(project, [big], ImportOptions(max_mb=mib * 2 + 10))
            import_s = time.perf_counter() - clock
    finally:
        Project.write = plain_write  # type: ignore[method-assign]
    ordered = sorted(held, reverse=True)
    return {
        "status": result.status,
        "import_s": round(import_s, 2),
        "transactions": len(held),
        "longest_s": round(ordered[0], 3),
        "second_longest_s": round(ordered[1], 3) if len(ordered) > 1 else 0.0,
        "total_s": round(sum(held), 2),
    }


def report_text(r: ContentionRun) -> str:
    """The figures for people."""
    verdict = "met" if r.max_s < TARGET_MAX_S and not r.failed else "MISSED"
    lines = [
        f"transcript: {r.transcript_bytes / 2**20:.1f} MiB ({r.transcript_bytes:,} bytes), "
        f"{r.import_result.get('words') or 0:,} words, units {r.import_result.get('units')}",
        f"import: {r.import_s:.1f} s, exit code {r.import_exit_code}, status {r.import_result.get('status')}",
        f"coder's writes while importing: {r.writes} ({r.failed} failed); "
        f"idle median {r.idle_median_s * 1000:.0f} ms",
        f"  median {r.median_s * 1000:.0f} ms, p95 {r.p95_s * 1000:.0f} ms, max {r.max_s * 1000:.0f} ms "
        f"(target: max < {TARGET_MAX_S:g} s: {verdict})",
    ]
    lines += [f"  error: {e}" for e in r.errors]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point; 0 whatever the figures are."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["--writer"]:  # process B, started by run()
        writer(Path(args[1]), Path(args[2]), Path(args[3]), float(args[4]))
        return 0
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--mb", type=float, default=50, help="size of the transcript in MiB (default 50)")
    parser.add_argument("--interval", type=float, default=0.1, help="seconds between the coder's writes")
    parser.add_argument(
        "--workdir", type=Path, help="keep the transcript and project here (the transcript is reused)"
    )
    parser.add_argument(
        "--transactions",
        action="store_true",
        help="instead: import alone, in-process, and time each write transaction of the import",
    )
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parsed = parser.parse_args(args)
    if parsed.transactions:
        workdir = parsed.workdir or Path(tempfile.mkdtemp(prefix="qualcode-contention-"))
        workdir.mkdir(parents=True, exist_ok=True)
        try:
            figures = time_transactions(workdir, parsed.mb)
        finally:
            if parsed.workdir is None:
                shutil.rmtree(workdir, ignore_errors=True)
        print(
            json.dumps(figures, indent=2)
            if parsed.json
            else ", ".join(f"{k} {v}" for k, v in figures.items())
        )
        return 0
    if parsed.workdir is not None:
        parsed.workdir.mkdir(parents=True, exist_ok=True)
        result = run(parsed.workdir, parsed.mb, parsed.interval)
    else:
        tmp = Path(tempfile.mkdtemp(prefix="qualcode-contention-"))
        try:
            result = run(tmp, parsed.mb, parsed.interval)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    print(json.dumps(result.to_dict(), indent=2) if parsed.json else report_text(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
