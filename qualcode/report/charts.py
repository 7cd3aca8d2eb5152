"""The report's charts as PNG bytes (matplotlib's Agg canvas; no pyplot, no global state).

matplotlib is imported inside the functions: ``qualcode --help`` must not pay for it. The
bytes depend only on the data: no software/date metadata in the PNG, a fixed SVG hash salt,
and DejaVu Sans (shipped with matplotlib, and it has Serbian Cyrillic).
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Sequence
from typing import Any

from qualcode.report.model import GroupCount

DARK, LIGHT = "#2F5597", "#D6DFEF"
WIDTH_IN = 6.3
DPI = 150
_RC: Any = {
    "svg.hashsalt": "qualcode",
    "font.family": "DejaVu Sans",
    "font.size": 8.5,
    "axes.spines.top": False,
    "axes.spines.right": False,
}


def _wrap(text: str, width: int = 30) -> str:
    return "\n".join(textwrap.wrap(text, width)) or text


def _layout(labels: Sequence[str]) -> float:
    """The left margin in inches that the longest (wrapped) bar label needs."""
    longest = max((len(line) for label in labels for line in label.split("\n")), default=10)
    return min(2.8, 0.3 + 0.062 * longest)


def group_chart(groups: Sequence[GroupCount], titles: dict[str, str]) -> bytes:
    """Per attribute (a block of bars each): interviews with the code over all interviews of each group.

    One axes for all blocks, no x-axis (each bar carries its "n/N") and a layout computed here
    rather than by matplotlib's constrained layout: charts were most of the report's time.
    """
    from matplotlib import rc_context
    from matplotlib.figure import Figure

    attributes = list(dict.fromkeys(g.attribute for g in groups))
    labels = {g.value: _wrap(titles.get(g.value, g.value)) for g in groups}
    # y positions from the top: a title row, then one row per group, per attribute.
    rows: list[tuple[float, GroupCount]] = []
    headers: list[tuple[float, str]] = []
    y = 0.0
    for attribute in attributes:
        headers.append((y, attribute.replace("_", " ")))
        y += 1.0
        for g in (g for g in groups if g.attribute == attribute):
            rows.append((y, g))
            y += 1.0
        y += 0.4
    bar_in, margin_in = 0.22, 0.15
    height = 2 * margin_in + bar_in * y
    top = max((g.all_interviews for _, g in rows), default=1) or 1
    with rc_context(_RC):
        fig = Figure(figsize=(WIDTH_IN, height), dpi=DPI)
        fig.subplots_adjust(
            left=_layout(list(labels.values())) / WIDTH_IN,
            right=0.97,
            top=1 - margin_in / height,
            bottom=margin_in / height,
        )
        ax = fig.add_subplot()
        ys = [-pos for pos, _ in rows]
        ax.barh(ys, [g.all_interviews for _, g in rows], color=LIGHT, height=0.7)
        ax.barh(ys, [g.interviews for _, g in rows], color=DARK, height=0.7)
        ax.set_yticks(ys, [labels[g.value] for _, g in rows])
        for pos, g in rows:
            ax.text(g.all_interviews + top * 0.01, -pos, f"{g.interviews}/{g.all_interviews}", va="center")
        for pos, text in headers:
            ax.text(0, -pos, text, va="center", fontweight="bold", fontsize=9)
        ax.set_ylim(-(y - 0.4) + 0.5, 0.5)
        ax.set_xlim(0, top * 1.12)
        ax.xaxis.set_visible(False)
        ax.spines["bottom"].set_visible(False)
        ax.tick_params(axis="y", length=0)
        return _png(fig)


def bar_chart(items: Sequence[tuple[str, int]], total: int) -> bytes:
    """One bar per item (e.g. the codes of a theme), out of ``total``."""
    from matplotlib import rc_context
    from matplotlib.figure import Figure

    rows = list(items)[::-1]
    labels = [_wrap(name, 40) for name, _ in rows]
    bar_in, top_in, bottom_in = 0.28, 0.15, 0.15
    height = top_in + bottom_in + bar_in * len(rows)
    with rc_context(_RC):
        fig = Figure(figsize=(WIDTH_IN, height), dpi=DPI)
        fig.subplots_adjust(
            left=_layout(labels) / WIDTH_IN, right=0.97, top=1 - top_in / height, bottom=bottom_in / height
        )
        ax = fig.add_subplot()
        y = range(len(rows))
        ax.barh(y, [total] * len(rows), color=LIGHT, height=0.7)
        ax.barh(y, [n for _, n in rows], color=DARK, height=0.7)
        ax.set_yticks(list(y), labels)
        ax.set_ylim(-0.5, len(rows) - 0.5)
        for i, (_, n) in enumerate(rows):
            ax.text(total * 1.01, i, f"{n}/{total}", va="center")
        ax.set_xlim(0, max(total, 1) * 1.12)
        ax.xaxis.set_visible(False)
        ax.spines["bottom"].set_visible(False)
        ax.tick_params(axis="y", length=0)
        return _png(fig)


def _png(fig: object) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", metadata={"Software": None})  # type: ignore[attr-defined]
    return buffer.getvalue()
