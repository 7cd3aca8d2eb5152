"""The key map of the coding screen: one table for the bindings, the help screen and the README."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Key:
    """A key (or keys, comma-separated as Textual takes them), its action and what it does."""

    keys: str
    action: str
    help: str
    shown: str  # the keys as people read them
    footer: str = ""  # the short label in the footer line; empty: not shown there


KEYMAP: dict[str, list[Key]] = {
    "Move": [
        Key("down,j", "move(1)", "next unit", "↓ j"),
        Key("up,k", "move(-1)", "previous unit", "↑ k"),
        Key("pagedown,space", "move(10)", "ten units on", "PgDn Space"),
        Key("pageup", "move(-10)", "ten units back", "PgUp"),
        Key("home,g", "move(-1000000)", "first unit", "Home g"),
        Key("end,G", "move(1000000)", "last unit", "End G"),
        Key("right_square_bracket", "document(1)", "next document", "]"),
        Key("left_square_bracket", "document(-1)", "previous document", "["),
        Key("d", "pick_document", "choose a document", "d"),
        Key("t", "unit_kind", "unit kind: turn → paragraph → sentence (→ cue)", "t"),
        Key("slash", "search", "search (as `qualcode search`); Enter jumps", "/", footer="search"),
    ],
    "Select": [
        Key("s", "sentence(1)", "select the next sentence of the unit", "s", footer="sentence"),
        Key("S", "sentence(-1)", "select the previous sentence", "S"),
        Key("v", "select_text", "select text: a phrase, or FROM...TO", "v"),
        Key("escape", "whole_unit", "select the whole unit again", "Esc"),
    ],
    "Code": [
        Key("1,2,3,4,5,6,7,8,9", "apply_recent", "apply recent code 1-9 to the selection", "1-9"),
        Key("c", "filter_codes", "codebook filter: type, ↑↓, Enter applies, Esc back", "c", footer="code"),
        Key(
            "tab",
            "item(1)",
            "highlight the next coding or suggestion in the panel",
            "Tab",
            footer="next item",
        ),
        Key("shift+tab", "item(-1)", "highlight the previous one", "Shift+Tab"),
        Key("x", "remove", "remove the highlighted coding (yours)", "x"),
        Key("a", "review(True)", "accept the highlighted (else first) suggestion", "a", footer="accept"),
        Key("r", "review(False)", "reject it", "r"),
        Key("i", "important", "mark the highlighted coding important, or clear it", "i"),
        Key("m", "memo", "memo on the highlighted coding (else on the document)", "m"),
        Key("u", "undo(True)", "undo your last change", "u", footer="undo"),
        Key("U,ctrl+r", "undo(False)", "redo", "U Ctrl+R"),
    ],
    "Screen": [
        Key("question_mark", "help", "this key map", "?", footer="keys"),
        Key("q", "quit", "quit (every change is already saved)", "q", footer="quit"),
    ],
}
