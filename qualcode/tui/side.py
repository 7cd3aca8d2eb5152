"""The side column: the codebook filter, the codebook tree, and the current unit's panel."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input, OptionList
from textual.widgets.option_list import Option

from qualcode.tui.codes import ShownCode, filter_codes
from qualcode.tui.state import Item, Session, short

_LETTERS = "abcdefghijklmnopqrstuvwxyz"


class CodeFilter(Input):
    """Filter-as-you-type over the codebook; ↑↓ move in the tree, Enter applies, Esc goes back."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down", "tree(1)", show=False),
        Binding("up", "tree(-1)", show=False),
        Binding("pagedown", "tree(8)", show=False),
        Binding("pageup", "tree(-8)", show=False),
        Binding("escape", "leave", show=False),
    ]

    class Move(Message):
        """Move the tree's highlight."""

        def __init__(self, delta: int) -> None:
            super().__init__()
            self.delta = delta

    class Leave(Message):
        """Back to the transcript without applying."""

    def action_tree(self, delta: int) -> None:
        """Ask the tree to move its highlight."""
        self.post_message(self.Move(delta))

    def action_leave(self) -> None:
        """Give up filtering."""
        self.post_message(self.Leave())


class CodeTree(OptionList, can_focus=False):
    """The codebook as an indented tree with counts; recent codes carry their number key."""

    def show(self, session: Session, typed: str, plain: bool) -> None:
        """Fill the tree with the codes matching ``typed``; highlight the first match."""
        shown = filter_codes(session.codes, typed)
        self.shown = shown
        width = self.scrollable_content_region.width or 33  # before the first layout: the CSS width
        self.set_options(Option(_code_line(s, session.recent, width, plain), id=s.entry.label) for s in shown)
        first = next((i for i, s in enumerate(shown) if s.match), None)
        self.highlighted = first if typed.strip() else None

    def move(self, delta: int) -> None:
        """Move the highlight to the next (or previous) code."""
        n = self.option_count
        if not n:
            return
        now = self.highlighted if self.highlighted is not None else (-1 if delta > 0 else n)
        self.highlighted = max(0, min(n - 1, now + delta))

    def chosen(self) -> str | None:
        """The highlighted code's path."""
        option = self.highlighted_option
        return option.id if option is not None else None


def _code_line(shown: ShownCode, recent: list[str], width: int, plain: bool) -> Text:
    entry = shown.entry
    key = recent.index(entry.label) + 1 if entry.label in recent else None
    tail = (f" [{key}]" if key else "") + (f" {entry.codings}" if entry.codings else "")
    line = Text("  " * entry.depth)
    if not plain:
        line.append("■ ", style=entry.color)
    room = width - line.cell_len - len(tail)
    line.append(_fit(entry.name, room), style="" if shown.match else "dim")
    line.append(tail, style="dim")
    return line


class Panel(Widget):
    """The selection, the current unit's codings and pending suggestions (a fixed height)."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.text = Text()

    def show(self, session: Session, plain: bool) -> None:
        """Draw the panel for the session's current unit."""
        # Drawn, not updated as a Static: its size never changes, so no layout pass per key.
        self.text = panel_text(session, plain, self.content_size.width or 34, self.content_size.height or 8)
        self.refresh()

    def render(self) -> Text:
        """The current content."""
        return self.text


class Line(Widget):
    """A one-line text (the title), redrawn without a layout pass."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.text = Text()

    def show(self, text: Text) -> None:
        """Replace the line."""
        self.text = text
        self.refresh()

    def render(self) -> Text:
        """The current content."""
        return self.text


def panel_text(session: Session, plain: bool, width: int = 34, height: int = 8) -> Text:
    """The panel's content: one line per item, the highlighted one with its details below.

    With more items than fit in ``height`` lines, a window of them around the highlighted one.
    """
    sel = session.selection
    items = session.items()
    out = Text()
    out.append(f"Selection: {sel.label}", style="bold")
    out.append(f"  {session.item + 1}/{len(items)}\n" if len(items) > 1 else "\n", style="dim")
    if session.sub is not None:
        out.append(
            _fit("“" + " ".join(session.text[sel.start : sel.end].split()), width - 1) + "”\n", style="italic"
        )
    room = max(height - (2 if session.sub is None else 3), 1)  # the header lines and one detail line
    first = max(0, min(session.item - room // 2, len(items) - room))
    for n, item in enumerate(items[first : first + room], start=first):
        out.append_text(_item_line(session, n, item, plain, width))
    if not items:
        out.append("No codings or suggestions here.\n", style="dim")
    out.rstrip()
    return out


def _item_line(session: Session, n: int, item: Item, plain: bool, width: int) -> Text:
    here = n == session.item
    line = Text("▶" if here else " ")
    line.append(_LETTERS[n % 26] if item.kind == "coding" else "?")
    line.append(" ■ " if not plain else " ", style=(None if plain else session.colors.get(item.code)) or "")
    if item.kind == "coding":
        c = session.coding(item.id)
        flags = ("★" if c.important else "") + (f"✎{session.memos[c.id]}" if c.id in session.memos else "")
        tail = f" {flags}" if flags else ""
        detail = f"  {c.coder}, {c.origin}, {c.start}:{c.end}"
    else:
        sug = session.suggestion(item.id)
        tail = f" {sug.score:.2f}"
        detail = f"  {sug.method}: {', '.join(sug.reason[:4])}"
    line.append(_fit(short(item.code), width - line.cell_len - len(tail)), style="bold" if here else "")
    line.append(tail + "\n")
    if here:
        line.append(_fit(detail, width) + "\n", style="dim")
    return line


def _fit(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(width - 1, 1)] + "…"
