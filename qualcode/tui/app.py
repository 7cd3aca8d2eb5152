"""The coding screen: the transcript, the codebook tree with its filter, the panel; single keys.

Every key calls one :class:`~qualcode.tui.state.Session` method, which writes through the
library (one committed transaction each, as the commands do), so quitting or losing the
connection loses nothing. A :class:`~qualcode.errors.QualcodeError` becomes a notification;
nothing a user types crashes the screen.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Input

from qualcode.errors import QualcodeError
from qualcode.search import SearchHit
from qualcode.tui.dialogs import Help, Pick, Prompt
from qualcode.tui.keys import KEYMAP
from qualcode.tui.side import CodeFilter, CodeTree, Line, Panel
from qualcode.tui.state import Session
from qualcode.tui.transcript import TranscriptView

CSS = """
#title { height: 1; background: $panel; text-style: bold; padding: 0 1; }
#transcript { width: 1fr; }
#side { width: 36; border-left: vkey $primary; }
#filter { height: 1; border: none; padding: 0 1; background: $boost; }
#codes { height: 1fr; border: none; padding: 0; }
#panel { height: 9; border-top: hkey $primary; padding: 0 1; }
#status { height: 1; padding: 0 1; background: $panel; }
"""


def bindings() -> list[BindingType]:
    """The screen's bindings, from the key map (number keys expanded to one binding each)."""
    out: list[BindingType] = []
    for keys in KEYMAP.values():
        for key in keys:
            if key.action == "apply_recent":
                out += [Binding(str(n), f"apply_recent({n})", show=False) for n in range(1, 10)]
            else:
                out.append(Binding(key.keys, key.action, key.footer or key.help, show=bool(key.footer)))
    return out


class CodingScreen(Screen[None]):
    """The main screen (its bindings stay out of the dialogs, unlike the app's)."""

    BINDINGS: ClassVar[list[BindingType]] = bindings()

    def __init__(self, session: Session, plain: bool) -> None:
        super().__init__()
        self.session, self.plain = session, plain

    def compose(self) -> ComposeResult:
        """Title line, transcript | codebook + panel, footer."""
        yield Line(id="title")
        with Horizontal():
            yield TranscriptView(self.session, plain=self.plain, id="transcript")
            with Vertical(id="side"):
                yield CodeFilter(placeholder="c  filter codes…", id="filter")
                yield CodeTree(id="codes")
                yield Panel(id="panel")
        yield Line(id="status")
        yield Footer()

    def on_mount(self) -> None:
        """Draw everything and put the keyboard on the transcript."""
        self.view.focus()
        self.sync(codes=True)

    @property
    def view(self) -> TranscriptView:
        """The transcript widget."""
        return self.query_one(TranscriptView)

    def sync(self, *, codes: bool = False, layout: bool = False) -> None:
        """Bring the widgets up to date with the session (only what may have changed)."""
        s = self.session
        doc_no = s.documents.index(s.document) + 1
        title = Text(f"{s.document} ({doc_no}/{len(s.documents)})", style="bold")
        title.append(f" · {s.kind} {s.unit.ordinal}/{len(s.units)} · coder {s.coder}", style="")
        self.query_one("#title", Line).show(title)
        self.query_one(Panel).show(s, self.plain)
        if codes:
            self.query_one(CodeTree).show(s, self.query_one(CodeFilter).value, self.plain)
        view = self.view
        if layout:
            view.layout_lines(force=True)
        view.show_current()

    def run(self, change: Callable[..., Any], *args: Any, codes: bool = False, layout: bool = False) -> None:
        """Call a session method; show its message, or the library's error, on the status line."""
        try:
            message = change(*args)
        except QualcodeError as exc:
            self.app_notice(str(exc), "error")
            return
        if isinstance(message, str):
            self.app_notice(message, "information")
        else:  # a move: the last message no longer describes what is on screen
            self.query_one("#status", Line).show(Text())
        self.sync(codes=codes, layout=layout)

    def app_notice(self, message: str, severity: str) -> None:
        """A message on the status line (also kept on the app, for tests and the benchmark).

        A status line rather than Textual's toasts: toasts would cover the panel, bottom right.
        """
        app = self.app
        if isinstance(app, CodingApp):
            app.notices.append((severity, message))
        if severity == "error":
            line = Text("Error: ", style="bold red" if not self.plain else "bold") + Text(message)
        else:
            line = Text(message)
        self.query_one("#status", Line).show(line)

    # --- moving ---------------------------------------------------------------------------

    def action_move(self, delta: int) -> None:
        """Next / previous unit(s)."""
        self.run(self.session.move, delta)

    def action_document(self, delta: int) -> None:
        """Next / previous document."""
        self.run(self.session.next_document, delta, layout=True)

    def action_pick_document(self) -> None:
        """Choose a document from the list."""
        s = self.session

        def chosen(index: int | None) -> None:
            if index is not None:
                self.run(s.open, s.documents[index], layout=True)

        self.app.push_screen(
            Pick("Documents (Enter opens)", list(s.documents), s.documents.index(s.document)), chosen
        )

    def action_unit_kind(self) -> None:
        """Turn → paragraph → sentence (→ cue)."""
        self.run(lambda: f"Units: {self.session.cycle_kind()}s", layout=True)

    def action_search(self) -> None:
        """Search every transcript; pick a hit to jump to it."""

        def found(query: str | None) -> None:
            if query is None:
                return
            try:
                total, hits = self.session.search(query)
            except QualcodeError as exc:
                self.app_notice(str(exc), "error")
                return
            if not hits:
                self.app_notice(f"No paragraph matches {query}", "information")
                return
            title = f"{total} paragraph(s) match {query}" + (
                f"; the first {len(hits)}" if total > len(hits) else ""
            )
            self.app.push_screen(Pick(title, [_hit_line(h) for h in hits]), lambda i: self._jump(hits, i))

        self.app.push_screen(Prompt('Search (words, "phrases", prefix*, AND OR NOT)'), found)

    def _jump(self, hits: list[SearchHit], index: int | None) -> None:
        if index is not None:
            self.run(self.session.jump, hits[index], layout=True)

    # --- selecting ------------------------------------------------------------------------

    def action_sentence(self, delta: int) -> None:
        """Select the next / previous sentence of the unit."""
        self.run(lambda: f"Selected {self.session.next_sentence(delta).label}")

    def action_select_text(self) -> None:
        """Select text of the unit by typing it."""

        def typed(value: str | None) -> None:
            if value is not None:
                self.run(lambda: f"Selected {self.session.select_text(value).label}")

        self.app.push_screen(
            Prompt("Select text in this unit: a phrase, or FROM...TO", "e.g. svaki dan...novca"), typed
        )

    def action_whole_unit(self) -> None:
        """Select the whole unit again."""
        self.run(self.session.clear_selection)

    # --- coding ---------------------------------------------------------------------------

    def action_apply_recent(self, number: int) -> None:
        """Apply a recent code to the selection."""
        self.run(self.session.apply_recent, number, codes=True)

    def action_filter_codes(self) -> None:
        """Go to the codebook filter."""
        self.query_one(CodeFilter).focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        """Filter the tree as the user types."""
        if isinstance(event.input, CodeFilter):
            self.query_one(CodeTree).show(self.session, event.value, self.plain)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter in the filter: apply the highlighted code."""
        if not isinstance(event.input, CodeFilter):
            return
        code = self.query_one(CodeTree).chosen()
        if code is None:
            self.app_notice("no code matches; type part of a code's name", "error")
            return
        self._leave_filter()
        self.run(self.session.apply, code, codes=True)

    def on_code_filter_move(self, event: CodeFilter.Move) -> None:
        """↑↓ in the filter move in the tree."""
        self.query_one(CodeTree).move(event.delta)

    def on_code_filter_leave(self, event: CodeFilter.Leave) -> None:
        """Esc in the filter: back to the transcript."""
        self._leave_filter()
        self.query_one(CodeTree).show(self.session, "", self.plain)

    def _leave_filter(self) -> None:
        self.query_one(CodeFilter).value = ""
        self.view.focus()

    def action_item(self, delta: int) -> None:
        """Highlight the next / previous item of the panel."""
        self.run(self.session.cycle_item, delta)

    def action_remove(self) -> None:
        """Remove the highlighted coding."""
        self.run(self.session.remove, codes=True)

    def action_review(self, accept: bool) -> None:
        """Accept or reject a suggestion."""
        self.run(self.session.review, accept, codes=True)

    def action_important(self) -> None:
        """Mark / unmark the highlighted coding important."""
        self.run(self.session.toggle_important)

    def action_memo(self) -> None:
        """Write a memo on the highlighted coding (or the document)."""
        item = self.session.current_item("coding")
        target = f"coding {item.id} ({item.code.rsplit(' > ', 1)[-1]})" if item else self.session.document

        def typed(value: str | None) -> None:
            if value is not None:
                self.run(self.session.memo, value)

        self.app.push_screen(Prompt(f"Memo on {target}"), typed)

    def action_undo(self, backwards: bool) -> None:
        """Undo / redo the coder's last change."""
        self.run(self.session.undo, backwards, codes=True)

    def action_help(self) -> None:
        """Show the key map."""
        self.app.push_screen(Help())

    def action_quit(self) -> None:
        """Leave (everything is saved already)."""
        self.app.exit()


def _hit_line(hit: SearchHit) -> Text:
    m = hit.matches[0] if hit.matches else None
    line = Text(f"{hit.document} ¶{hit.paragraph} ", style="dim")
    if m is not None:
        line.append(" ".join(m.left.split()[-6:]) + " ")
        line.append(m.match, style="bold reverse")
        line.append(" " + " ".join(m.right.split()[:6]))
    return line


class CodingApp(App[None]):
    """`qualcode tui`: one coder coding one project."""

    CSS = CSS
    TITLE = "qualcode"
    ENABLE_COMMAND_PALETTE = False  # every command has its own key; ? lists them

    def __init__(self, session: Session, *, plain: bool | None = None) -> None:
        super().__init__()
        self.session = session
        self._plain = plain
        self.notices: list[tuple[str, str]] = []

    @property
    def plain(self) -> bool:
        """Marks instead of colours: asked for, ``NO_COLOR`` set, or a terminal without colours."""
        if self._plain is not None:
            return self._plain
        return self.no_color or self.console.color_system is None

    def on_mount(self) -> None:
        """Open the coding screen."""
        self.push_screen(CodingScreen(self.session, self.plain))

    def _fatal_error(self) -> None:
        """Textual's crash report, without local variables: ours hold interview text (DESIGN.md)."""
        from rich.segment import Segments
        from rich.traceback import Traceback

        self.bell()
        report = Traceback(show_locals=False, width=None)
        self._exit_renderables.append(Segments(self.console.render(report, self.console.options)))
        self._close_messages_no_wait()
