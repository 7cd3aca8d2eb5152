"""Coding-scale part of the benchmark: 40 codes and 20,000 codings on the imported corpus.

Sets a project up the way a large joint study looks after coding — a 40-code codebook, a
participant sheet with institution types and countries, three coders and 20,000 codings
(5,000 of them of one code) — then times ``retrieve`` of that code and ``query matrix``
in-process (median of repeated calls after a warm-up).

The codings are written with one bulk insert: the benchmark measures reading them back, and
20,000 separate ``code apply`` commands would only measure start-up 20,000 times.
"""

from __future__ import annotations

import random
import statistics
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

CODINGS = 20_000
BIG_CODE_CODINGS = 5_000
THEMES = 5
CODES_PER_THEME = 7  # 5 themes + 35 codes = 40 codes
BIG_CODE = "Theme 1 > Code 1.1"
AGREEING_SHARE = 0.8
AGREEMENT_TARGET_S = 2.0
RUNS = 5
RETRIEVE_TARGET_S = 1.0
MATRIX_TARGET_S = 1.0
INSTITUTIONS = (
    "centre for social work",
    "police",
    "public prosecution",
    "school",
    "NGO",
    "international organisation",
    "shelter",
    "misdemeanour court",
)


@dataclass
class QueryTiming:
    """Wall times of one library call, ``RUNS`` times after a warm-up."""

    label: str
    size: int
    runs_s: list[float]
    target_s: float

    @property
    def median_s(self) -> float:
        """The median wall time, in seconds."""
        return statistics.median(self.runs_s)

    def to_dict(self) -> dict[str, Any]:
        """Plain data for ``--json``."""
        return {
            "label": self.label,
            "size": self.size,
            "median_ms": round(self.median_s * 1000, 1),
            "runs_ms": [round(t * 1000, 1) for t in self.runs_s],
            "target_ms": self.target_s * 1000,
        }


def setup(project_path: Path, seed: int) -> int:
    """Codebook, participants and two coders' codings (20,000 each); returns the number made."""
    from sqlalchemy import insert, select

    from qualcode.cases import import_cases
    from qualcode.codebook import load_codebook, read_codebook
    from qualcode.codebook_files import CodebookSpec, CodeSpec
    from qualcode.store.changes import ChangeRecorder
    from qualcode.store.codings import ensure_coder
    from qualcode.store.models import CODINGS as CODINGS_TABLE
    from qualcode.store.models import DOCUMENTS, UNITS
    from qualcode.store.project import open_project

    rng = random.Random(seed)
    spec = CodebookSpec(
        title="Benchmark codebook",
        codes=[
            CodeSpec(
                f"Theme {t}", children=[CodeSpec(f"Code {t}.{c}") for c in range(1, CODES_PER_THEME + 1)]
            )
            for t in range(1, THEMES + 1)
        ],
    )
    with open_project(project_path) as project:
        load_codebook(project, spec, "bench")
        with project.read() as conn:
            documents = conn.execute(select(DOCUMENTS.c.id, DOCUMENTS.c.name).order_by(DOCUMENTS.c.id)).all()
            paragraphs = conn.execute(
                select(UNITS.c.document_id, UNITS.c.start, UNITS.c.end).where(UNITS.c.kind == "paragraph")
            ).all()
        with tempfile.TemporaryDirectory() as tmp:
            sheet = Path(tmp) / "participants.csv"
            countries = ("Serbia", "Bosnia and Herzegovina")
            rows = [
                f"{name},P{i:04d},{rng.choice(INSTITUTIONS)},{rng.choice(countries)}"
                for i, (_, name) in enumerate(documents, start=1)
            ]
            sheet.write_text(
                "document,case,institution_type,country\n" + "\n".join(rows) + "\n", encoding="utf-8"
            )
            import_cases(project, sheet, "bench")
        with project.write() as conn:
            book = read_codebook(conn)
            big = book.resolve(BIG_CODE).id
            others = [r.id for r in book.rows.values() if r.id != big]
            first, second = (ensure_coder(ChangeRecorder(conn), name) for name in ("coder-a", "coder-b"))
            picks = (
                rng.sample(paragraphs, CODINGS)
                if len(paragraphs) >= CODINGS
                else rng.choices(paragraphs, k=CODINGS)
            )
            values = [
                {
                    "document_id": p.document_id,
                    "code_id": big if i < BIG_CODE_CODINGS else rng.choice(others),
                    "coder_id": first,
                    "start": p.start,
                    "end": p.end,
                    "memo": "",
                    "origin": "bench",
                    "important": False,
                }
                for i, p in enumerate(picks)
            ]
            # The second coder agrees on four codings in five and codes another paragraph otherwise,
            # so the agreement audit has real both / only-one counts to compute.
            for row in list(values):
                twin = dict(row, coder_id=second)
                if rng.random() >= AGREEING_SHARE:
                    other = rng.choice(paragraphs)
                    twin.update(document_id=other.document_id, start=other.start, end=other.end)
                values.append(twin)
            # One coding per coder, code and span (the schema's rule): a random twin can land on
            # a paragraph the second coder already has with that code.
            unique = {
                (v["document_id"], v["code_id"], v["coder_id"], v["start"], v["end"]): v for v in values
            }
            values = list(unique.values())
            conn.execute(insert(CODINGS_TABLE), values)
    return len(values)


def time_queries(project_path: Path, runs: int = RUNS) -> list[QueryTiming]:
    """Median times of retrieve (the 5,000-coding code), query matrix and co-occurrence."""
    from qualcode.agreement.audit import agreement
    from qualcode.query import cooccurrence, matrix, retrieve
    from qualcode.store.project import open_project

    calls = {
        f"retrieve {BIG_CODE}": (lambda p: len(retrieve(p, BIG_CODE)), RETRIEVE_TARGET_S),
        "query matrix --by institution_type": (
            lambda p: len(matrix(p, "institution_type").rows),
            MATRIX_TARGET_S,
        ),
        "query matrix --by country --count cases": (
            lambda p: len(matrix(p, "country", count="cases").rows),
            MATRIX_TARGET_S,
        ),
        "query cooccurrence (all 40 codes)": (lambda p: len(cooccurrence(p).codes), MATRIX_TARGET_S),
        "agree --unit characters (all codes)": (
            lambda p: len(agreement(p, unit="characters").rows),
            AGREEMENT_TARGET_S,
        ),
        "agree --unit units --unit-kind turn (all codes)": (
            lambda p: len(agreement(p, unit="units").rows),
            AGREEMENT_TARGET_S,
        ),
    }
    timings = []
    with open_project(project_path) as project:
        for label, (call, target) in calls.items():
            size = call(project)
            runs_s = []
            for _ in range(runs):
                started = time.perf_counter()
                call(project)
                runs_s.append(time.perf_counter() - started)
            timings.append(QueryTiming(label, size, runs_s, target))
    return timings


def time_alpha(runs: int = RUNS) -> list[QueryTiming]:
    """Krippendorff's alpha over 100,000 units x 3 coders (10% missing): ours and the krippendorff package.

    The package's time is the target for ours ("no slower than the krippendorff package").
    """
    import krippendorff
    import numpy as np

    from qualcode.agreement.statistics import krippendorff_alpha

    rng = np.random.default_rng(1)
    truth = rng.integers(1, 6, size=100_000)
    data = np.where(rng.random((3, 100_000)) < 0.7, truth, rng.integers(1, 6, size=(3, 100_000))).astype(
        float
    )
    data[rng.random(data.shape) < 0.1] = np.nan
    rows = [[None if np.isnan(v) else int(v) for v in row] for row in data]
    calls = {
        "alpha 100,000 x 3, krippendorff package": lambda: krippendorff.alpha(reliability_data=data),
        "alpha 100,000 x 3, qualcode (numpy array)": lambda: krippendorff_alpha(data, confidence=None).value,
        "alpha 100,000 x 3, qualcode (lists with None)": lambda: (
            krippendorff_alpha(rows, confidence=None).value
        ),
    }
    timings = []
    for label, call in calls.items():
        call()
        runs_s = []
        for _ in range(runs):
            started = time.perf_counter()
            call()
            runs_s.append(time.perf_counter() - started)
        timings.append(QueryTiming(label, 100_000, runs_s, float("inf")))
    reference = timings[0].median_s
    return [timings[0], *(QueryTiming(t.label, t.size, t.runs_s, reference) for t in timings[1:])]
