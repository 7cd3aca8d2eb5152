"""The README stays true: every command is documented there and has help text."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import typer.main

from qualcode.cli import app
from tests.conftest import REPO


def _commands(group: Any, prefix: str = "qualcode") -> Iterator[tuple[str, Any]]:
    for name, command in sorted(group.commands.items()):
        path = f"{prefix} {name}"
        yield path, command
        if hasattr(command, "commands"):
            yield from _commands(command, path)


def test_every_command_is_in_the_readme_with_help_text() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    commands = dict(_commands(typer.main.get_command(app)))
    assert {
        "qualcode init",
        "qualcode import",
        "qualcode cases import",
        "qualcode cases list",
        "qualcode transcripts list",
        "qualcode transcripts show",
        "qualcode transcripts remove",
        "qualcode demo",
    } <= set(commands)
    for path, command in commands.items():
        parts = path.split(" ")
        mentioned = path in readme or (
            len(parts) == 3 and f"`{parts[1]} {parts[2]}" in readme and f"qualcode {parts[1]}" in readme
        )
        assert mentioned, f"{path} is not documented in README.md"
        assert (command.help or "").strip(), f"{path} has no help text"
        for param in command.params:
            if param.param_type_name == "option" and param.name not in ("help",):
                assert (param.help or "").strip(), f"{path} {param.opts[0]} has no help text"


def test_readme_quick_start_is_the_two_make_commands() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    quick = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    block = quick.split("```console", 1)[1].split("```", 1)[0]
    assert [line.split("#")[0].strip() for line in block.strip().splitlines()] == ["make demo", "make test"]
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert "make test" in ci
