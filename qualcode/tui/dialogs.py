"""Small modal screens: a one-line prompt, a list to pick from, and the key map."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from qualcode.tui.keys import KEYMAP

_DIALOG_CSS = """
{name} {{ align: center middle; }}
{name} > Vertical {{
    width: 90%; max-width: 100; height: auto; max-height: 90%;
    border: round $accent; background: $surface; padding: 0 1;
}}
{name} OptionList {{ height: auto; max-height: 18; border: none; }}
{name} Input {{ border: none; height: 1; padding: 0; }}
"""


class Prompt(ModalScreen[str | None]):
    """Ask for one line of text; Enter returns it, Esc returns None."""

    DEFAULT_CSS = _DIALOG_CSS.format(name="Prompt")
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "dismiss(None)", show=False)]

    def __init__(self, title: str, placeholder: str = "", value: str = "") -> None:
        super().__init__()
        self.title_text, self.placeholder, self.value = title, placeholder, value

    def compose(self) -> ComposeResult:
        """A title and the input line."""
        with Vertical():
            yield Static(Text(self.title_text, style="bold"))
            yield Input(value=self.value, placeholder=self.placeholder)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Return what was typed (nothing typed is the same as Esc)."""
        self.dismiss(event.value if event.value.strip() else None)


class Pick(ModalScreen[int | None]):
    """Choose one line of a list; Enter returns its index, Esc returns None."""

    DEFAULT_CSS = _DIALOG_CSS.format(name="Pick")
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "dismiss(None)", show=False)]

    def __init__(self, title: str, lines: list[Text | str], highlighted: int = 0) -> None:
        super().__init__()
        self.title_text, self.lines, self.start = title, lines, highlighted

    def compose(self) -> ComposeResult:
        """A title and the list."""
        with Vertical():
            yield Static(Text(self.title_text, style="bold"))
            yield OptionList(*(Option(line) for line in self.lines))

    def on_mount(self) -> None:
        """Start on the given line."""
        options = self.query_one(OptionList)
        if self.lines:
            options.highlighted = self.start

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """Return the chosen index."""
        self.dismiss(event.option_index)


class Help(ModalScreen[None]):
    """The key map; any of Esc, q or ? closes it."""

    DEFAULT_CSS = (
        _DIALOG_CSS.format(name="Help")
        + "Help > Vertical { height: 90%; } Help VerticalScroll { height: 1fr; }"
    )
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,q,question_mark", "dismiss(None)", show=False)]

    def compose(self) -> ComposeResult:
        """The key map, group by group."""
        with Vertical(), VerticalScroll():  # ↑↓ scroll it in a small terminal
            yield Static(help_text())


def help_text() -> Text:
    """The key map as text, from :data:`qualcode.tui.keys.KEYMAP`."""
    out = Text()
    out.append("Keys  ", style="bold")
    out.append("(every change is saved at once; Esc closes this)\n", style="dim")
    for group, keys in KEYMAP.items():
        out.append(f"{group}\n", style="bold underline")
        for key in keys:
            out.append(f"  {key.shown:<10}", style="bold")
            out.append(f" {key.help}\n")
    out.append(
        "Panel: a b c… your and others' codings, ? pending suggestions (score, method: reason);\n",
        style="dim",
    )
    out.append("★ important, ✎ memos. Gutter letters mark the codings of the current unit.", style="dim")
    return out
