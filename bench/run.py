"""Scale benchmark for ``qualcode``: start-up time, import throughput, peak memory and search time.

Usage::

    python bench/run.py [--docs 500] [--words 8000] [--seed 7] [--keep] [--json]

Steps: time ``qualcode --help`` (median of 7 runs); generate the synthetic corpus with
``make_corpus.py``; import the whole corpus into a fresh project, then only its ``.txt`` files
into another fresh project, each as a separate child process whose wall time and peak RSS are
measured; then time typical searches in-process on the all-formats project (median of
repeated calls of ``qualcode.search.search`` after a warm-up); print the figures against the
targets. Measurements never change the exit code.
See ``bench/README.md``.
"""

from __future__ import annotations

import argparse
import codecs
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import coding_scale  # bench/ is sys.path[0] when this file is run as a script
import make_corpus

BENCH_DIR = Path(__file__).resolve().parent
KEEP_DIR = BENCH_DIR / "out"
HELP_RUNS = 7
HELP_TARGET_S = 0.3
TXT_TARGET_WORDS_PER_S = 100_000
MEMORY_TARGET_BYTES = 1_000_000_000  # 1 GB
MEMORY_TARGET_CORPUS = (500, 8000)  # the target is stated for 500 documents of 8,000 words
MAX_LISTED = 5  # failures and detection mismatches listed per import
SEARCH_RUNS = 20
SEARCH_TARGET_S = 0.05
#: (label, query, lemma): the kinds of query a researcher types, over words the corpus has.
SEARCH_QUERIES: tuple[tuple[str, str, bool], ...] = (
    ("word", "prosjačenje", False),
    ("prefix", "prosjač*", False),
    ("phrase", '"da je"', False),
    ("AND", "policija AND centar", False),
    ("Cyrillic word", "просјачење", False),
    ("--lemma", "žrtva", True),
    ("English --lemma", "victims", True),
)


def qualcode_executable() -> Path:
    """The ``qualcode`` console script of the interpreter running this file (the venv's)."""
    script = Path(sys.executable).parent / "qualcode"
    if not script.is_file():
        raise SystemExit(f"Error: {script} not found; run this with the venv's python (pip install -e .)")
    return script


@dataclass
class ChildRun:
    """One finished child process: exit code, wall time, peak resident memory and its output."""

    exit_code: int
    wall_s: float
    peak_rss_bytes: int
    stdout: str
    stderr: str


def run_child(argv: Sequence[str]) -> ChildRun:
    """Run ``argv`` as a fresh process and measure it alone.

    Wall time runs from just before the spawn until ``os.wait4`` returns; the peak RSS is the
    ``ru_maxrss`` of that child's own rusage (not the accumulated ``RUSAGE_CHILDREN``).
    Output goes to temporary files, so a large ``--json`` cannot block the child on a pipe.
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen(list(argv), stdin=subprocess.DEVNULL, stdout=out, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here; Popen must not wait again
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode("utf-8", errors="replace")
        stderr = err.read().decode("utf-8", errors="replace")
    # ru_maxrss is in KiB on Linux and in bytes on macOS.
    peak = usage.ru_maxrss if sys.platform == "darwin" else usage.ru_maxrss * 1024
    return ChildRun(proc.returncode, wall, peak, stdout, stderr)


@dataclass
class HelpTiming:
    """Wall times of ``qualcode --help`` (one unmeasured warm-up run first)."""

    runs_s: list[float]

    @property
    def median_s(self) -> float:
        """The median wall time, in seconds."""
        return statistics.median(self.runs_s)


def time_help(exe: Path, runs: int = HELP_RUNS) -> HelpTiming:
    """Time ``qualcode --help`` ``runs`` times after a warm-up (which also writes the bytecode caches)."""
    run_child([str(exe), "--help"])
    return HelpTiming([run_child([str(exe), "--help"]).wall_s for _ in range(runs)])


@dataclass
class ImportRun:
    """One measured ``qualcode import``."""

    label: str
    files: int
    expected_words: int
    exit_code: int = 0
    wall_s: float = 0.0
    peak_rss_bytes: int = 0
    words: int = 0
    statuses: dict[str, int] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    language_mismatches: int = 0
    encoding_mismatches: int = 0
    mismatch_examples: list[str] = field(default_factory=list)
    error: str = ""

    @property
    def words_per_s(self) -> float:
        """Imported words per second of wall time, start-up included."""
        return self.words / self.wall_s if self.wall_s > 0 else 0.0

    def to_dict(self) -> dict[str, Any]:
        """Plain data for ``--json``."""
        data = asdict(self)
        data["words_per_s"] = round(self.words_per_s, 1)
        data["peak_rss_mib"] = round(self.peak_rss_bytes / 2**20, 1)
        data["wall_s"] = round(self.wall_s, 3)
        return data


def _codec(name: str | None) -> str | None:
    if not name:
        return None
    try:
        return codecs.lookup(name).name
    except LookupError:
        return name


def measure_import(
    label: str,
    exe: Path,
    inputs: Sequence[Path],
    project: Path,
    expected: Sequence[make_corpus.GeneratedFile],
) -> ImportRun:
    """Create ``project`` and import ``inputs`` into it in one child process; check the JSON result."""
    init = subprocess.run([str(exe), "init", str(project)], capture_output=True, text=True, check=False)
    run = ImportRun(label, len(expected), sum(f.words for f in expected))
    if init.returncode != 0:
        run.error = f"qualcode init failed: {init.stderr.strip()}"
        return run
    child = run_child([str(exe), "import", *map(str, inputs), "-p", str(project), "--json"])
    run.exit_code, run.wall_s, run.peak_rss_bytes = child.exit_code, child.wall_s, child.peak_rss_bytes
    try:
        results: list[dict[str, Any]] = json.loads(child.stdout)
    except json.JSONDecodeError:
        tail = child.stderr.strip().splitlines()[-5:]
        run.error = "no JSON on stdout; stderr ends with: " + " / ".join(tail)
        return run
    by_path = {f.path.resolve(): f for f in expected}
    run.statuses = dict(Counter(r["status"] for r in results))
    run.words = sum(r["words"] for r in results if r["status"] == "imported")
    for r in results:
        if r["status"] == "failed":
            if len(run.failures) < MAX_LISTED:
                run.failures.append(f"{Path(r['path']).name}: {r['message']}")
            continue
        spec = by_path.get(Path(r["path"]).resolve())
        if spec is None:
            continue
        wrong = []
        if r.get("language") != spec.language:
            run.language_mismatches += 1
            wrong.append(f"language {r.get('language')} (expected {spec.language})")
        if spec.fmt == "txt" and _codec(r.get("encoding")) != _codec(spec.encoding):
            run.encoding_mismatches += 1
            wrong.append(f"encoding {r.get('encoding')} (expected {spec.encoding})")
        if wrong and len(run.mismatch_examples) < MAX_LISTED:
            run.mismatch_examples.append(f"{spec.path.name}: {', '.join(wrong)}")
    return run


@dataclass
class SearchTiming:
    """Wall times of one query, run in-process ``SEARCH_RUNS`` times after one warm-up call."""

    label: str
    query: str
    lemma: bool
    total: int
    runs_s: list[float]

    @property
    def median_s(self) -> float:
        """The median wall time, in seconds."""
        return statistics.median(self.runs_s)

    def to_dict(self) -> dict[str, Any]:
        """Plain data for ``--json``."""
        return {
            "label": self.label,
            "query": self.query,
            "lemma": self.lemma,
            "total": self.total,
            "median_ms": round(self.median_s * 1000, 2),
            "runs_ms": [round(t * 1000, 2) for t in self.runs_s],
        }


def time_searches(project_path: Path, runs: int = SEARCH_RUNS) -> list[SearchTiming]:
    """Time each of ``SEARCH_QUERIES`` through the library, as a notebook or the CLI calls it.

    In-process on purpose: the figure is the search itself (index query, fetching the hit
    paragraphs, keyword-in-context), not interpreter start-up, which ``--help`` measures. The
    warm-up call also loads simplemma for ``--lemma`` queries, which a CLI run pays once.
    """
    from qualcode.search import search
    from qualcode.store.project import open_project

    timings = []
    with open_project(project_path) as project:
        for label, query, lemma in SEARCH_QUERIES:
            total = search(project, query, lemma=lemma).total
            runs_s = []
            for _ in range(runs):
                started = time.perf_counter()
                search(project, query, lemma=lemma)
                runs_s.append(time.perf_counter() - started)
            timings.append(SearchTiming(label, query, lemma, total, runs_s))
    return timings


@dataclass
class Target:
    """One stated performance target and whether this run met it."""

    name: str
    value: str
    met: bool
    note: str = ""


def evaluate(
    help_timing: HelpTiming,
    full: ImportRun,
    txt: ImportRun,
    searches: Sequence[SearchTiming],
    docs: int,
    words: int,
    queries: Sequence[coding_scale.QueryTiming] = (),
) -> list[Target]:
    """Compare the figures with the targets of the issue."""
    ok_txt = not txt.error and txt.exit_code == 0
    ok_full = not full.error
    note = "" if (docs, words) == MEMORY_TARGET_CORPUS else "indicative: the target is for 500 × 8,000 words"
    return [
        Target(
            f"qualcode --help < {HELP_TARGET_S} s",
            f"{help_timing.median_s:.3f} s",
            help_timing.median_s < HELP_TARGET_S,
        ),
        Target(
            f".txt import >= {TXT_TARGET_WORDS_PER_S:,} words/s",
            f"{txt.words_per_s:,.0f} words/s",
            ok_txt and txt.words_per_s >= TXT_TARGET_WORDS_PER_S,
            "" if ok_txt else "the .txt import did not complete cleanly",
        ),
        Target(
            "peak memory < 1 GB (whole corpus)",
            f"{full.peak_rss_bytes / 1e6:,.0f} MB",
            ok_full and 0 < full.peak_rss_bytes < MEMORY_TARGET_BYTES,
            note,
        ),
        Target(
            f"search < {SEARCH_TARGET_S * 1000:.0f} ms (median, slowest query)",
            f"{max((t.median_s for t in searches), default=0) * 1000:.1f} ms",
            bool(searches) and all(t.median_s < SEARCH_TARGET_S for t in searches),
            note if searches else "no search was timed (the all-formats import failed)",
        ),
        *(
            Target(
                f"{q.label} < {q.target_s * 1000:,.0f} ms ({q.size:,} rows)"
                if q.target_s != float("inf")
                else f"{q.label} (the reference)",
                f"{q.median_s * 1000:,.0f} ms",
                q.median_s < q.target_s,
                note,
            )
            for q in queries
        ),
    ]


def _row(cells: Sequence[str]) -> str:
    widths = (26, 6, 11, 9, 12, 12)
    return "  ".join(
        c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths, strict=True))
    ).rstrip()


def report_text(
    corpus: make_corpus.CorpusSummary,
    help_timing: HelpTiming,
    runs: Sequence[ImportRun],
    searches: Sequence[SearchTiming],
    targets: Sequence[Target],
) -> str:
    """The human-readable report."""
    lines = [f"Corpus: {corpus.line()}", ""]
    lines.append(_row(("measurement", "files", "words", "wall s", "words/s", "peak RSS MiB")))
    runs_s = ", ".join(f"{t:.3f}" for t in help_timing.runs_s)
    lines.append(
        _row((f"qualcode --help (median {HELP_RUNS})", "", "", f"{help_timing.median_s:.3f}", "", ""))
    )
    for run in runs:
        lines.append(
            _row(
                (
                    run.label,
                    str(run.files),
                    f"{run.words:,}",
                    f"{run.wall_s:.2f}",
                    f"{run.words_per_s:,.0f}",
                    f"{run.peak_rss_bytes / 2**20:,.1f}",
                )
            )
        )
    lines.append(f"  (--help runs: {runs_s} s)")
    for run in runs:
        statuses = ", ".join(f"{n} {s}" for s, n in sorted(run.statuses.items())) or "no results"
        lines.append(
            f"  {run.label}: exit {run.exit_code}; {statuses}; words imported {run.words:,} "
            f"of {run.expected_words:,} generated"
        )
        if run.error:
            lines.append(f"    error: {run.error}")
        lines.extend(f"    failed: {failure}" for failure in run.failures)
        if run.language_mismatches or run.encoding_mismatches:
            lines.append(
                f"    detected other than generated: language in {run.language_mismatches} file(s), "
                f"encoding in {run.encoding_mismatches} file(s), e.g."
            )
            lines.extend(f"      {example}" for example in run.mismatch_examples)
    if searches:
        lines += [
            "",
            f"search, all-formats project (in-process, median of {SEARCH_RUNS} after a warm-up; "
            f"target < {SEARCH_TARGET_S * 1000:.0f} ms):",
        ]
        for t in searches:
            query = t.query + (" --lemma" if t.lemma else "")
            lines.append(f"  {t.label:<16} {query:<22} {t.total:>7,} paragraphs  {t.median_s * 1000:6.1f} ms")
    lines += ["", "Targets:"]
    for target in targets:
        mark = "met   " if target.met else "MISSED"
        note = f"  ({target.note})" if target.note else ""
        lines.append(f"  [{mark}] {target.name:<40} {target.value}{note}")
    return "\n".join(lines)


def report_json(
    corpus: make_corpus.CorpusSummary,
    help_timing: HelpTiming,
    runs: dict[str, ImportRun],
    searches: Sequence[SearchTiming],
    targets: Sequence[Target],
    seed: int,
) -> str:
    """The figures as JSON (stable keys)."""
    data = {
        "corpus": {
            "outdir": str(corpus.outdir),
            "files": len(corpus.files),
            "words": corpus.words,
            "bytes": corpus.size,
            "seconds": round(corpus.seconds, 2),
            "seed": seed,
            "formats": dict(Counter(f.fmt for f in corpus.files)),
        },
        "help": {
            "median_s": round(help_timing.median_s, 4),
            "runs_s": [round(t, 4) for t in help_timing.runs_s],
        },
        "imports": {key: run.to_dict() for key, run in runs.items()},
        "search": [t.to_dict() for t in searches],
        "targets": [asdict(t) for t in targets],
    }
    return json.dumps(data, ensure_ascii=False, indent=2)


def benchmark(workdir: Path, docs: int, words: int, seed: int, as_json: bool) -> None:
    """Generate, measure and print, with the corpus and projects in ``workdir``."""
    exe = qualcode_executable()

    def progress(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    progress(f"timing {exe} --help …")
    help_timing = time_help(exe)
    progress(f"generating {docs} × ~{words:,} words into {workdir / 'corpus'} …")
    corpus = make_corpus.generate_corpus(workdir / "corpus", docs, words, seed)
    progress(corpus.line())
    progress("importing the whole corpus …")
    full = measure_import("import, all formats", exe, [corpus.outdir], workdir / "all.db", corpus.files)
    progress(f"  {full.wall_s:.1f} s")
    searches: list[SearchTiming] = []
    if not full.error:
        progress(f"timing {len(SEARCH_QUERIES)} searches × {SEARCH_RUNS} on the all-formats project …")
        searches = time_searches(workdir / "all.db")
    queries: list[coding_scale.QueryTiming] = []
    if not full.error:
        progress("adding 40 codes and 20,000 codings; timing retrieve and queries …")
        coding_scale.setup(workdir / "all.db", seed)
        queries = coding_scale.time_queries(workdir / "all.db") + coding_scale.time_alpha()
    txt_files = make_corpus.txt_only(corpus).files
    progress("importing the .txt files only …")
    txt = measure_import("import, .txt only", exe, [corpus.outdir / "txt"], workdir / "txt.db", txt_files)
    progress(f"  {txt.wall_s:.1f} s")
    targets = evaluate(help_timing, full, txt, searches, docs, words, queries)
    if as_json:
        print(report_json(corpus, help_timing, {"all": full, "txt": txt}, searches, targets, seed))
    else:
        print(report_text(corpus, help_timing, [full, txt], searches, targets))


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point; 0 whatever the figures are."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=500, help="transcripts in the corpus (default 500)")
    parser.add_argument("--words", type=int, default=8000, help="about this many words a file (default 8000)")
    parser.add_argument("--seed", type=int, default=7, help="corpus random seed (default 7)")
    parser.add_argument(
        "--keep",
        action="store_true",
        help=f"keep the corpus and projects in {KEEP_DIR} (replaced on each run)",
    )
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    if args.keep:
        shutil.rmtree(KEEP_DIR, ignore_errors=True)
        KEEP_DIR.mkdir(parents=True)
        benchmark(KEEP_DIR, args.docs, args.words, args.seed, args.json)
    else:
        with tempfile.TemporaryDirectory(prefix="qualcode-bench-") as tmp:
            benchmark(Path(tmp), args.docs, args.words, args.seed, args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
