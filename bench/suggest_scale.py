"""Suggestion benchmark: learned code suggestions and inductive themes on 50,000 units.

Usage::

    python bench/suggest_scale.py [--units 50000] [--seed 7] [--json]

Builds a benchmark project — the synthetic corpus of ``make_corpus``, imported, a 40-code
codebook, and one coder's codings of the paragraphs of 60% of the documents (see
:func:`code_by_words`) — and then, each in a fresh child process so that its wall time and peak
memory are its own:

* ``suggest codes --method learned --unit-kind paragraph`` over the first documents that together
  hold ``--units`` paragraphs: training one classifier per code on the coded documents and
  suggesting codes for every uncoded paragraph (target: 10 s, 1.5 GB);
* ``suggest themes -k auto`` over the same paragraphs (target: 20 s, 1.5 GB).

The suggestions are written to the project like the command does, so the time includes storing
them. Measurements never change the exit code.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import make_corpus  # bench/ is sys.path[0] when this file is run as a script

LEARNED_TARGET_S = 10.0
THEMES_TARGET_S = 20.0
MEMORY_TARGET_BYTES = 1_500_000_000
PARAGRAPHS_PER_DOCUMENT = 180  # what make_corpus writes per 8,000-word interview, about
CODER = "coder-a"
CODEBOOK = Path(__file__).resolve().parent.parent / "codebooks" / "forced_begging.yaml"


def build(workdir: Path, units: int, seed: int) -> tuple[Path, list[str], int]:
    """The coded benchmark project, and the documents that together hold ``units`` paragraphs."""
    from sqlalchemy import func, select

    from qualcode.ingest.importer import ImportOptions, collect_paths, import_paths
    from qualcode.store.models import DOCUMENTS, UNITS
    from qualcode.store.project import init_project, open_project

    docs = units // PARAGRAPHS_PER_DOCUMENT + 20
    make_corpus.generate_corpus(workdir / "corpus", docs=docs, words=8000, seed=seed)
    path = workdir / "suggest.db"
    with init_project(path) as project:
        import_paths(project, collect_paths([str(workdir / "corpus")]), ImportOptions(coder="bench"))
    chosen: list[str] = []
    total = 0
    with open_project(path) as project, project.read() as conn:
        rows = conn.execute(
            select(DOCUMENTS.c.name, func.count(UNITS.c.id))
            .join(UNITS, UNITS.c.document_id == DOCUMENTS.c.id)
            .where(UNITS.c.kind == "paragraph")
            .group_by(DOCUMENTS.c.id)
            .order_by(DOCUMENTS.c.id)
        ).all()
    for name, count in rows:
        if total >= units:
            break
        chosen.append(name)
        total += count
    code_by_words(path, chosen, seed)
    return path, chosen, total


def code_by_words(path: Path, documents: list[str], seed: int) -> int:
    """40 codes, each given to the paragraphs that hold its word, in the first 60% of ``documents``.

    Random codings (as ``coding_scale`` makes for the query benchmarks) carry no signal, and a
    calibrated model rightly suggests nothing for them; here each code follows a word, with one
    paragraph in five left uncoded as a coder would miss it, so the model has something to learn
    and the timing includes storing its suggestions. Returns the number of codings.
    """
    import random
    import re
    from collections import Counter

    from sqlalchemy import insert, select

    from qualcode.codebook import load_codebook, read_codebook
    from qualcode.codebook_files import CodebookSpec, CodeSpec, iter_codes, read_codebook_file
    from qualcode.store.changes import ChangeRecorder
    from qualcode.store.codings import ensure_coder
    from qualcode.store.models import CODINGS, DOCUMENTS, UNITS
    from qualcode.store.project import open_project
    from qualcode.text.fold import fold

    rng = random.Random(seed)
    names = [f"Code {t}.{c}" for t in range(1, 6) for c in range(1, 9)]  # 40 codes
    # Keywords, definitions and examples of the sample study's codes, so the codebook's words are
    # matched (the learned model uses them as a feature) at the cost a real codebook has.
    real = [c for _, c in iter_codes(read_codebook_file(CODEBOOK).codes) if c.keywords]
    spec = CodebookSpec(
        title="Suggestion benchmark",
        codes=[
            CodeSpec(n, keywords=r.keywords, definition=r.definition, example=r.example)
            for n, r in zip(names, real * 2, strict=False)
        ],
    )
    coded_docs = set(documents[: len(documents) * 3 // 5])
    with open_project(path) as project:
        load_codebook(project, spec, "bench")
        with project.write() as conn:
            book = read_codebook(conn)
            paragraphs = [
                (r.document_id, r.start, r.end, set(re.findall(r"\w+", fold(r.text[r.start : r.end]))))
                for r in conn.execute(
                    select(UNITS.c.document_id, UNITS.c.start, UNITS.c.end, DOCUMENTS.c.text)
                    .join(DOCUMENTS, DOCUMENTS.c.id == UNITS.c.document_id)
                    .where(UNITS.c.kind == "paragraph", DOCUMENTS.c.name.in_(coded_docs))
                )
            ]
            frequency = Counter(w for *_, words in paragraphs for w in words if len(w) > 4)
            # Words in 1-5% of the paragraphs: codes about as common as a codebook's codes are.
            band = sorted(w for w, n in frequency.items() if 0.01 <= n / len(paragraphs) <= 0.05)
            words = rng.sample(band, len(names))
            coder_id = ensure_coder(ChangeRecorder(conn), CODER)
            values = [
                {
                    "document_id": doc,
                    "code_id": book.resolve(name).id,
                    "coder_id": coder_id,
                    "start": start,
                    "end": end,
                    "origin": "bench",
                }
                for doc, start, end, present in paragraphs
                for name, word in zip(names, words, strict=True)
                if word in present and rng.random() >= 0.2
            ]
            conn.execute(insert(CODINGS), values)
    return len(values)


def child(task: str, path: Path, documents: list[str], seed: int) -> dict[str, Any]:
    """Run one task in this process and return its wall time, peak memory and result size."""
    from qualcode.store.project import open_project
    from qualcode.suggest.project_themes import suggest_themes
    from qualcode.suggest.workflow import suggest_codes

    with open_project(path) as project:
        started = time.perf_counter()
        if task == "learned":
            report = suggest_codes(
                project, CODER, method="learned", documents=documents, unit_kind="paragraph", seed=seed
            )
            size = {"suggestions": sum(report.created.values()), "codes_trained": len(report.trained_codes)}
        else:
            themes = suggest_themes(project, CODER, k="auto", documents=documents, seed=seed)
            size = {"themes": themes.k, "units": themes.units_used}
        seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux reports KiB
    return {"task": task, "seconds": round(seconds, 2), "peak_bytes": peak, **size}


def measure(task: str, built: Path, documents: list[str], seed: int) -> dict[str, Any]:
    """Run ``task`` in a child process (its own peak memory) on a fresh copy of the project."""
    import shutil

    path = built.with_name(f"{task}.db")
    shutil.copyfile(built, path)
    listing = path.with_suffix(".docs.json")
    listing.write_text(json.dumps(documents), encoding="utf-8")
    out = subprocess.run(
        [sys.executable, __file__, "--child", task, str(path), str(listing), "--seed", str(seed)],
        capture_output=True,
        text=True,
    )
    if out.returncode != 0:
        raise SystemExit(f"{task} failed:\n{out.stderr}")
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def main(argv: list[str] | None = None) -> int:
    """Build the project, time both tasks, print the figures against the targets."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--units", type=int, default=50_000, help="paragraphs to suggest for")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.add_argument("--workdir", type=Path, help="keep the project here and reuse it next time")
    parser.add_argument("--child", nargs=3, metavar=("TASK", "PROJECT", "DOCS"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        task, project, listing = args.child
        documents = json.loads(Path(listing).read_text(encoding="utf-8"))
        print(json.dumps(child(task, Path(project), documents, args.seed)))
        return 0
    with tempfile.TemporaryDirectory(prefix="qualcode-suggest-bench-") as tmp:
        workdir = args.workdir or Path(tmp)
        started = time.perf_counter()
        saved = workdir / "built.json"
        if saved.is_file():
            path, documents, units = workdir / "suggest.db", *json.loads(saved.read_text(encoding="utf-8"))
        else:
            workdir.mkdir(parents=True, exist_ok=True)
            path, documents, units = build(workdir, args.units, args.seed)
            saved.write_text(json.dumps([documents, units]), encoding="utf-8")
        setup_s = time.perf_counter() - started
        results = [measure(task, path, documents, args.seed) for task in ("learned", "themes")]
    if args.json:
        print(json.dumps({"units": units, "documents": len(documents), "results": results}, indent=2))
        return 0
    print(f"Project: {len(documents)} documents, {units:,} paragraphs, 40 codes (set up in {setup_s:.0f} s)")
    targets = {"learned": LEARNED_TARGET_S, "themes": THEMES_TARGET_S}
    for r in results:
        target = targets[r["task"]]
        ok = r["seconds"] <= target and r["peak_bytes"] <= MEMORY_TARGET_BYTES
        extra = ", ".join(f"{k} {v}" for k, v in r.items() if k not in ("task", "seconds", "peak_bytes"))
        print(
            f"  {r['task']:8} {r['seconds']:6.1f} s (target {target:.0f} s)  "
            f"peak {r['peak_bytes'] / 1e6:,.0f} MB (target 1,500 MB)  {extra}  {'ok' if ok else 'OVER'}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
