"""The transcript as units: a Line API widget that draws only the lines on screen.

A long interview (15,000 words is about 1,500 wrapped lines) is laid out once per width into
``(unit, start, end)`` line records; drawing a line is then a few slices of the text, so
moving the current unit redraws a screenful, never the document. Codings are marked in the
text and in a gutter: in colour by their code's colour (the code's own, else its theme's), and
in *plain* mode (``NO_COLOR``, a terminal without colours, or ``--plain``) by characters and
underlines that need no colour at all: the gutter letter of each coding matches the panel.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise

from rich.segment import Segment
from rich.style import Style
from textual.color import Color
from textual.geometry import Region, Size, Spacing
from textual.scroll_view import ScrollView
from textual.strip import Strip

from qualcode.tui.state import Session

GUTTER = 4  # current-unit bar, two coding marks, a space
_TOKEN = re.compile(r"\S+\s*|\s+")
_LETTERS = "abcdefghijklmnopqrstuvwxyz"


@dataclass(frozen=True)
class Line:
    """A screen line: a unit's header (``start == end == -1``), a piece of its text, or a gap."""

    unit: int
    start: int
    end: int
    head: bool = False


def clock(ms: int | None) -> str:
    """Milliseconds as ``H:MM:SS`` (empty for untimed units)."""
    if ms is None:
        return ""
    s = ms // 1000
    return f"{s // 3600}:{s // 60 % 60:02d}:{s % 60:02d}"


def wrap(text: str, start: int, end: int, width: int) -> list[tuple[int, int]]:
    """Word-wrap ``text[start:end]`` to ``width`` cells; ``(start, end)`` offsets per line."""
    lines: list[tuple[int, int]] = []
    width = max(width, 8)
    line_start = start
    for paragraph in text[start:end].split("\n"):
        pos = line_start
        line_begin = pos
        for m in _TOKEN.finditer(paragraph):
            t_start, t_end = line_start + m.start(), line_start + m.end()
            word_end = line_start + m.start() + len(m.group().rstrip())
            while word_end - line_begin > width:  # too long for what is left of the line
                if t_start > line_begin:
                    lines.append((line_begin, t_start))
                    line_begin = t_start
                else:  # one word longer than the line: break it
                    lines.append((line_begin, line_begin + width))
                    line_begin += width
            pos = t_end
        lines.append((line_begin, pos))
        line_start += len(paragraph) + 1
    return lines


class TranscriptView(ScrollView, can_focus=True, inherit_bindings=False):
    """The document's units, the current one marked, coded text highlighted."""

    DEFAULT_CSS = """
    TranscriptView { scrollbar-size-vertical: 1; overflow-y: scroll; overflow-x: hidden; }
    """

    def __init__(self, session: Session, *, plain: bool = False, id: str | None = None) -> None:
        super().__init__(id=id)
        self.session = session
        self.plain = plain
        self.lines: list[Line] = []
        self._first_line: list[int] = []  # unit index -> its header line
        self._laid_out_for: tuple[str, str, int] = ("", "", 0)
        self._letters_key: tuple[int, int, int] = (-1, 0, 0)
        self._letters_cache: dict[int, str] = {}
        self._tints: dict[str, Style] = {}

    # --- layout ----------------------------------------------------------------------------

    def layout_lines(self, force: bool = False) -> None:
        """Lay the units out for the current width (again only when something changed)."""
        width = max(self.scrollable_content_region.width, 20)
        key = (self.session.document, self.session.kind, width)
        if key == self._laid_out_for and not force:
            return
        self._laid_out_for = key
        text, lines, first = self.session.text, list[Line](), list[int]()
        for i, unit in enumerate(self.session.units):
            first.append(len(lines))
            lines.append(Line(i, -1, -1, head=True))
            lines.extend(Line(i, s, e) for s, e in wrap(text, unit.start, unit.end, width - GUTTER))
            lines.append(Line(i, -1, -1))
        self.lines, self._first_line = lines, first
        self.virtual_size = Size(width, len(lines))
        self.refresh()

    def on_resize(self) -> None:
        """Re-wrap for the new width, keeping the current unit in view."""
        self.layout_lines()
        self.show_current()

    def show_current(self) -> None:
        """Scroll (the least needed) so the current unit is on screen, its header first."""
        self.layout_lines()
        if not self._first_line:
            return
        top = self._first_line[self.session.pos]
        after = self.session.pos + 1
        height = (self._first_line[after] if after < len(self._first_line) else len(self.lines)) - top
        view = self.scrollable_content_region.height
        region = Region(0, top, 1, min(height, max(view - 2, 1)))
        self.scroll_to_region(region, animate=False, spacing=Spacing(1, 0, 1, 0), immediate=True)
        self.refresh()

    # --- drawing ---------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        """One screen line (the Line API calls this only for visible lines)."""
        index = self.scroll_offset.y + y
        width = self.scrollable_content_region.width
        base = self.rich_style
        if index >= len(self.lines):
            return Strip.blank(width, base)
        line = self.lines[index]
        current = line.unit == self.session.pos
        bar = Segment("┃" if current else " ", base + Style(color=self._accent(), bold=True))
        if line.head:
            segments = [bar, *self._header(line.unit, current, base)]
        elif line.start < 0:
            segments = [Segment(" ", base)]
        else:
            segments = [bar, *self._gutter(line, current, base), *self._text(line, current, base)]
        return Strip(segments).crop_extend(0, width, base)

    def _header(self, index: int, current: bool, base: Style) -> list[Segment]:
        unit = self.session.units[index]
        parts = [f"{self.session.kind} {unit.ordinal}", unit.speaker or "", clock(unit.t_start)]
        label = "  ".join(p for p in parts if p)
        style = base + (Style(bold=True, color=self._accent()) if current else Style(dim=True))
        return [Segment("▶ " if current else "  ", style), Segment(label, style)]

    def _letters(self) -> dict[int, str]:
        """The panel's letter of each coding of the current unit (cached: drawn on every line)."""
        key = (self.session.pos, id(self.session.codings), id(self.session.suggestions))
        if key != self._letters_key:
            items = self.session.items()
            self._letters_key = key
            self._letters_cache = {i.id: _LETTERS[n % 26] for n, i in enumerate(items) if i.kind == "coding"}
        return self._letters_cache

    def _tint(self, code: str) -> Style:
        """The background of text coded with ``code``: its colour, blended into the background."""
        style = self._tints.get(code)
        if style is None:
            tint = self.background_colors[1].blend(
                Color.parse(self.session.colors.get(code, "#888888")), 0.45
            )
            style = self._tints[code] = Style(bgcolor=tint.rich_color)
        return style

    def _gutter(self, line: Line, current: bool, base: Style) -> list[Segment]:
        """Up to two marks for the codings on this line: the panel's letter in the current unit."""
        letters = self._letters() if current else {}
        marks: list[Segment] = []
        for coding in self._codings_on(line.start, line.end)[:2]:
            char = letters.get(coding.id, "▌")
            color = None if self.plain else self.session.colors.get(coding.code)
            marks.append(Segment(char, base + Style(color=color, bold=current)))
        marks += [Segment(" ", base)] * (GUTTER - 1 - len(marks))
        return marks

    def _text(self, line: Line, current: bool, base: Style) -> list[Segment]:
        text = self.session.text
        codings = self._codings_on(line.start, line.end)
        sel = self.session.sub if current else None
        cuts = {line.start, line.end}
        for c in codings:
            cuts.update(x for x in (c.start, c.end) if line.start < x < line.end)
        if sel is not None:
            cuts.update(x for x in (sel.start, sel.end) if line.start < x < line.end)
        points = sorted(cuts)
        segments = []
        for a, b in pairwise(points):
            piece = text[a:b].replace("\n", " ").replace("\t", " ")
            if b == line.end:
                piece = piece.rstrip()
            covering = [c for c in codings if c.start <= a and c.end >= b]
            style = base
            if covering:
                # The shortest coding is the most specific: its colour wins where codings overlap.
                inner = min(covering, key=lambda c: c.end - c.start)
                if self.plain:
                    style += Style(underline=True)
                else:
                    style += self._tint(inner.code)
            if sel is not None and sel.start <= a and sel.end >= b:
                style += Style(reverse=True)
            if piece:
                segments.append(Segment(piece, style))
        return segments

    def _codings_on(self, start: int, end: int) -> list[_Coded]:
        return [c for c in self._coded() if c.start < end and c.end > start]

    def _coded(self) -> list[_Coded]:
        """The document's codings, cached until the session's list changes."""
        source = self.session.codings
        if getattr(self, "_coded_source", None) is not source:
            self._coded_source = source
            self._coded_cache = sorted(
                (_Coded(c.id, c.code, c.start, c.end) for c in source), key=lambda c: c.start
            )
        return self._coded_cache

    def _accent(self) -> str | None:
        return None if self.plain else "#ffa62b"


@dataclass(frozen=True)
class _Coded:
    id: int
    code: str
    start: int
    end: int
