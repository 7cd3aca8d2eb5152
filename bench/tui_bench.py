"""Coding-screen benchmark: opening a 15,000-word transcript, and keystroke to frame.

Usage::

    .venv/bin/python bench/tui_bench.py [--words 15000] [--keys 200] [--json]
    .venv/bin/python bench/tui_bench.py --screenshot docs/tui.svg   # the README's screenshot

Builds a project with one generated Serbian interview of ``--words`` words (bench/make_corpus.py),
the sample codebook, 150 codings of two coders and the deductive suggestions, then drives
``qualcode tui`` headless with Textual's pilot:

* **open** — in a fresh child process: from before ``import qualcode.tui.app`` (Textual included)
  to the first frame that shows the document (project opened, units and codings read, layout,
  first paint); median of 5 processes. Also the same in-process, warm (median of 5).
* **keystroke** — from posting a key to the first frame that shows its effect (the title line
  names the new unit); the frame is encoded into the terminal escape sequence, as the real driver
  would write it (headless Textual computes the frame but writes nothing, so the benchmark does
  the encoding itself). ``j``/``k`` alternately, plus the ``s`` (sentence) and Tab keys.
* **write** — a number key (apply a recent code: one transaction, reload of the codings), then
  ``u`` (undo): key to the frame whose panel shows the coding made (or gone).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
OPEN_TARGET_S = 1.0
KEY_TARGET_S = 0.050
SIZE = (80, 24)
_ESCAPE = re.compile(r"\x1b\[[0-9;?]*[a-zA-Z]")


def build_project(folder: Path, words: int) -> Path:
    """A project with one long interview, the sample codebook, codings and suggestions."""
    import make_corpus  # bench/ is sys.path[0]; imported here so that the timed child process skips it

    from qualcode.codebook import load_codebook
    from qualcode.codebook_files import read_codebook_file
    from qualcode.coding import Selector, apply_code
    from qualcode.ingest.importer import ImportOptions, import_paths
    from qualcode.store.project import init_project
    from qualcode.suggest.workflow import suggest_codes

    rng = random.Random(15)
    interview = make_corpus.make_interview(rng, "sr-Latn", "B01", words)
    data, counted = make_corpus.render_text(interview, "utf-8", "\n")
    source = folder / "long_interview.txt"
    source.write_bytes(data)
    path = folder / "bench.db"
    with init_project(path) as project:
        import_paths(project, [source], ImportOptions(coder="bench"))
        load_codebook(project, read_codebook_file(REPO / "codebooks" / "forced_begging.yaml"), "bench")
        codes = ["Daily quotas", "Adults watching nearby", "Transport to locations", "Seasonal patterns"]
        for n in range(1, 151):
            coder = "milica" if n % 2 else "amra"
            apply_code(project, codes[n % 4], "long_interview", Selector(units=str(n)), coder)
        suggest_codes(project, "bench", method="deductive")
    print(f"project: 1 transcript, {counted} words, 150 codings", file=sys.stderr)
    return path


class Frames:
    """Records each frame Textual would write to the terminal, with the time it was ready."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.frames: list[tuple[float, str]] = []
        app._display = self._display  # headless Textual skips the terminal write: do the encoding here

    def _display(self, screen: Any, renderable: Any) -> None:
        from textual._compositor import CompositorUpdate

        if isinstance(renderable, CompositorUpdate):
            sequence = renderable.render_segments(self.app.console)
            # Matched without the escape codes: a toast's letters can each carry their own style.
            self.frames.append((time.perf_counter(), _ESCAPE.sub("", sequence)))

    async def until(self, count: int, needle: str, timeout: float = 5.0) -> float:
        """Wait for a frame after the first ``count`` that contains ``needle``; its time."""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            for at, text in self.frames[count:]:
                if needle in text:
                    return at
            await asyncio.sleep(0.0005)
        raise TimeoutError(f"no frame showed {needle!r}")


async def open_once(path: Path, coder: str = "milica") -> float:
    """Seconds from opening the project to the first frame showing the transcript (in-process)."""
    from qualcode.store.project import open_project
    from qualcode.tui.app import CodingApp
    from qualcode.tui.state import Session

    start = time.perf_counter()
    with open_project(path) as project:
        app = CodingApp(Session(project, coder))
        frames = Frames(app)
        async with app.run_test(size=SIZE):
            shown = await frames.until(0, "long_interview (1/1)")
    return shown - start


async def keystrokes(path: Path, keys: int) -> dict[str, list[float]]:
    """Key-to-frame times for navigation, selection, panel and write keys."""
    from qualcode.store.project import open_project
    from qualcode.tui.app import CodingApp
    from qualcode.tui.state import Session

    times: dict[str, list[float]] = {"j/k": [], "s": [], "tab": [], "1 (apply)": [], "u (undo)": []}
    with open_project(path) as project:
        session = Session(project, "milica")
        app = CodingApp(session)
        frames = Frames(app)
        async with app.run_test(size=SIZE) as pilot:
            await frames.until(0, "long_interview")
            for n in range(keys):
                key = "j" if n % 4 < 2 else "k"  # stays near the top: j j k k …
                expected = session.pos + (2 if key == "j" else 0)
                times["j/k"].append(await _press(pilot, frames, key, f"turn {expected}/"))
            session.go(0)
            while len(session.unit_sentences()) < 3:  # a unit with sentences to step through
                session.move(1)
            await pilot.press("escape")
            for _ in range(20):
                times["s"].append(
                    await _press(pilot, frames, "s", lambda: f"Selection: {session.selection.label}")
                )
                times["tab"].append(await _press(pilot, frames, "tab", "▶"))
            for n in range(20):
                await pilot.press("escape")
                session.go(160 + 2 * n)  # turns nobody has coded yet
                await pilot.pause()
                # The panel's detail line changes with the coding made or undone.
                times["1 (apply)"].append(await _press(pilot, frames, "1", lambda: _panel_detail(app)))
                times["u (undo)"].append(await _press(pilot, frames, "u", lambda: _panel_detail(app)))
    return times


def _panel_detail(app: Any) -> str:
    """The line of the panel that details the highlighted item (or says there is none)."""
    from qualcode.tui.side import Panel

    lines = app.screen.query_one(Panel).text.plain.splitlines()
    return next((line.strip() for line in lines if line.startswith("  ")), lines[-1])


async def _press(pilot: Any, frames: Frames, key: str, needle: str | Callable[[], str]) -> float:
    """Key to the first frame showing ``needle`` (a callable: what the screen should show after the key)."""
    count = len(frames.frames)
    start = time.perf_counter()
    await pilot.press(key)
    return await frames.until(count, needle() if callable(needle) else needle) - start


def cold_open(path: Path, runs: int = 5) -> list[float]:
    """Open in fresh processes: imports (Textual too) + project + first frame."""
    script = (
        "import time, sys; t = time.perf_counter(); sys.path.insert(0, 'bench'); import asyncio, tui_bench; "
        f"asyncio.run(tui_bench.open_once(__import__('pathlib').Path({str(path)!r}))); "
        "print(time.perf_counter() - t)"
    )
    out = []
    for _ in range(runs):
        done = subprocess.run(
            [sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, check=True
        )
        out.append(float(done.stdout.strip().splitlines()[-1]))
    return out


async def screenshot(target: Path) -> None:
    """Export the README's screenshot from a copy of the demo project (``make demo``)."""
    from qualcode.store.project import open_project
    from qualcode.tui.app import CodingApp
    from qualcode.tui.state import Session

    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "demo.db"
        shutil.copy(REPO / "demo-output" / "qualcode.db", copy)
        with open_project(copy) as project:
            session = Session(project, "milica", "sr01_socijalna_radnica_nis")
            app = CodingApp(session, plain=False)
            async with app.run_test(size=(88, 26)) as pilot:
                await pilot.press(*["j"] * 11, "s", "s", "tab", "c", *"quota", "enter")
                await pilot.pause(0.3)
                target.write_text(app.export_screenshot(title="qualcode tui"), encoding="utf-8")
    print(f"wrote {target}", file=sys.stderr)


def _summary(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {
        "median_ms": round(statistics.median(ordered) * 1000, 1),
        "p95_ms": round(ordered[int(0.95 * (len(ordered) - 1))] * 1000, 1),
        "max_ms": round(ordered[-1] * 1000, 1),
    }


def main() -> int:
    """Run the benchmark and print the figures against the targets."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--words", type=int, default=15_000)
    parser.add_argument("--keys", type=int, default=200)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--screenshot", type=Path, help="only write the README's SVG screenshot here")
    args = parser.parse_args()
    if args.screenshot:
        asyncio.run(screenshot(args.screenshot))
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        path = build_project(Path(tmp), args.words)
        cold = cold_open(path)
        warm = [asyncio.run(open_once(path)) for _ in range(5)]
        keys = asyncio.run(keystrokes(path, args.keys))
    result = {
        "words": args.words,
        "open_cold_s": round(statistics.median(cold), 3),
        "open_warm_s": round(statistics.median(warm), 3),
        "keys": {name: _summary(values) for name, values in keys.items()},
    }
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    met = "met" if result["open_cold_s"] < OPEN_TARGET_S else "MISSED"
    print(
        f"open {args.words:,} words, fresh process (median of 5): {result['open_cold_s']:.3f} s ({met} < 1 s)"
    )
    print(f"open, warm, in-process (median of 5): {result['open_warm_s']:.3f} s")
    for name, figures in result["keys"].items():
        met = "met" if figures["p95_ms"] < KEY_TARGET_S * 1000 else "MISSED"
        print(
            f"key {name:<10} to frame: median {figures['median_ms']} ms, p95 {figures['p95_ms']} ms, "
            f"max {figures['max_ms']} ms ({met} < 50 ms at p95)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
