"""Correcting transcripts after import: `transcripts rename/set` and `cases link/unlink` (issue 13).

Each change is one undoable event: `qualcode undo` gives back the project's rows exactly. A
refusal changes nothing, byte for byte.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from qualcode.cli import app
from qualcode.documents import rename_document, set_document
from qualcode.errors import Conflict, QualcodeError
from qualcode.history import undo
from qualcode.ingest.importer import ImportOptions, import_paths
from qualcode.search import search
from qualcode.store.project import Project
from tests.conftest import logical_state, project_snapshot

#: Not the coder who built the `coded` fixture, so that `undo` reaches only these tests' changes.
CODER = "bea"


def qc(runner: CliRunner, project: Project, *args: str) -> Result:
    """Run a command on the project as the test coder."""
    return runner.invoke(app, [*args, "-p", str(project.path)], env={"QUALCODE_CODER": CODER})


def documents(runner: CliRunner, project: Project) -> dict[str, tuple[str, str | None]]:
    """Name -> (language, case) from `transcripts list --json`."""
    listed = json.loads(qc(runner, project, "transcripts", "list", "--json").stdout)
    return {d["name"]: (d["language"], d["case"]) for d in listed}


def event_count(project: Project) -> int:
    raw = sqlite3.connect(project.path)
    try:
        return int(raw.execute("SELECT count(*) FROM events").fetchone()[0])
    finally:
        raw.close()


# --- transcripts rename --------------------------------------------------------------------------


def test_rename_then_undo_gives_back_every_row(coded: Project, runner: CliRunner) -> None:
    before = logical_state(coded.path)
    result = qc(runner, coded, "transcripts", "rename", "int_a", "sr_socijalna_radnica")
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == "Renamed int_a to sr_socijalna_radnica; `qualcode undo` renames it back.\n"
    assert documents(runner, coded) == {
        "int_b": ("sr-Latn", "P2"),
        "int_c": ("en", "P3"),
        "sr_socijalna_radnica": ("sr-Latn", "P1"),
    }
    undone = qc(runner, coded, "undo")
    assert undone.stdout == "Undid: document.rename document:1 (from=int_a, to=sr_socijalna_radnica)\n"
    assert logical_state(coded.path) == before


def test_rename_json(coded: Project, runner: CliRunner) -> None:
    result = qc(runner, coded, "transcripts", "rename", "int_c", "en_judge", "--json")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == {
        "document": "en_judge",
        "changed": {"name": {"from": "int_c", "to": "en_judge"}},
        "new_case": None,
        "did_you_mean": [],
        "undoable": True,
    }


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "int_a",
            "int_b",
            "another transcript is named 'int_b'; choose another name "
            "(`qualcode transcripts list` shows the names)",
        ),
        ("int_x", "new", "no document named 'int_x' in the project; did you mean int_c, int_b, int_a?"),
        (
            "int_a",
            "a/b",
            "'a/b' is not a usable transcript name (it must not be empty, start or end with a "
            "space, or hold / \\ or a line break)",
        ),
        (
            "int_a",
            " int_a",
            "' int_a' is not a usable transcript name (it must not be empty, start or end "
            "with a space, or hold / \\ or a line break)",
        ),
    ],
)
def test_rename_refusals_change_nothing(
    coded: Project, runner: CliRunner, old: str, new: str, message: str
) -> None:
    before = project_snapshot(coded.path)
    result = qc(runner, coded, "transcripts", "rename", old, new)
    assert (result.exit_code, result.stdout, result.stderr) == (1, "", f"Error: {message}\n")
    assert project_snapshot(coded.path) == before


def test_rename_to_its_own_name_logs_nothing(coded: Project, runner: CliRunner) -> None:
    events = event_count(coded)
    result = qc(runner, coded, "transcripts", "rename", "int_a", "int_a")
    assert (result.exit_code, result.stdout) == (0, "int_a already has that name; nothing changed.\n")
    assert event_count(coded) == events


def test_rename_to_a_name_being_imported_is_refused(coded: Project) -> None:
    from qualcode.ingest.unfinished import mark
    from qualcode.store.models import DOCUMENTS
    from qualcode.store.rows import insert_id

    with coded.write() as conn:  # what a large import looks like half-way (see ingest.unfinished)
        doc_id = insert_id(
            conn,
            DOCUMENTS,
            name="big",
            sha256="0" * 64,
            text="",
            language="en",
            script="",
            source_format="txt",
            source_name="big.txt",
        )
        mark(conn, doc_id, coder="ana", source="big.txt")
    before = project_snapshot(coded.path)
    with pytest.raises(Conflict, match=r"^a transcript being imported right now is named 'big'; "):
        rename_document(coded, "int_a", "big", CODER)
    assert project_snapshot(coded.path) == before


# --- transcripts set -----------------------------------------------------------------------------


def test_set_language_and_a_new_case_in_one_undoable_event(coded: Project, runner: CliRunner) -> None:
    before = logical_state(coded.path)
    result = qc(runner, coded, "transcripts", "set", "int_a", "--language", "hr", "--case", "P9")
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == (
        "int_a: language hr (was sr-Latn).\n"
        "int_a: case P9, a new case (was P1).\n"
        "`qualcode undo` reverts this.\n"
    )
    assert documents(runner, coded)["int_a"] == ("hr", "P9")
    listed = json.loads(qc(runner, coded, "cases", "list", "--json").stdout)
    assert [(c["name"], c["documents"]) for c in listed] == [
        ("P1", []),
        ("P2", ["int_b"]),
        ("P3", ["int_c"]),
        ("P9", ["int_a"]),
    ]
    undone = qc(runner, coded, "undo")
    assert undone.stdout == (
        "Undid: document.set document:1 (case=P9, case_was=P1, document=int_a, language=hr, "
        "language_was=sr-Latn)\n"
    )
    # The case it made is gone again, and sr-Latn -> hr kept the search vocabulary (same lemmatizer).
    assert logical_state(coded.path) == before


def test_set_json_names_a_look_alike_case(coded: Project, runner: CliRunner) -> None:
    result = qc(runner, coded, "transcripts", "set", "int_b", "--case", "p1", "--json")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == {
        "document": "int_b",
        "changed": {"case": {"from": "P2", "to": "p1"}},
        "new_case": "p1",
        "did_you_mean": ["P1"],
        "undoable": True,
    }


def test_set_no_case_and_nothing_to_change(coded: Project, runner: CliRunner) -> None:
    result = qc(runner, coded, "transcripts", "set", "int_c", "--no-case")
    assert result.stdout == "int_c: no case (was P3).\n`qualcode undo` reverts this.\n"
    events = event_count(coded)
    again = qc(runner, coded, "transcripts", "set", "int_c", "--no-case", "--language", "en")
    assert (again.exit_code, again.stdout) == (
        0,
        "int_c already has language en and no case; nothing changed.\n",
    )
    assert event_count(coded) == events  # a change of nothing is not an event to undo
    assert documents(runner, coded)["int_c"] == ("en", None)


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (
            ["int_a", "--language", "de"],
            1,
            "Error: 'de' is not a language qualcode knows; use one of sr-Latn, sr-Cyrl, bs, hr, en\n",
        ),
        (
            ["int_a", "--language", "sr-Cyrl"],
            1,
            "Error: int_a is written in Latin script, which sr-Cyrl is not; use sr-Latn\n",
        ),
        (
            ["int_aa", "--language", "hr"],
            1,
            "Error: no document named 'int_aa' in the project; did you mean int_a, int_c, int_b?\n",
        ),
        (
            ["int_a", "--case", "P 1 "],
            1,
            "Error: 'P 1 ' is not a usable case name (it must not be empty, "
            "start or end with a space, or hold a line break)\n",
        ),
    ],
)
def test_set_refusals_change_nothing(
    coded: Project, runner: CliRunner, args: list[str], code: int, message: str
) -> None:
    before = project_snapshot(coded.path)
    result = qc(runner, coded, "transcripts", "set", *args)
    assert (result.exit_code, result.stdout, result.stderr) == (code, "", message)
    assert project_snapshot(coded.path) == before


@pytest.mark.parametrize(
    ("args", "hint"),
    [
        ([], "Invalid value for --language / --case / --no-case: nothing to set; give one or more"),
        (["--case", "P2", "--no-case"], "Invalid value for --case / --no-case: use one of them, not both"),
    ],
)
def test_set_usage_errors_exit_2(coded: Project, runner: CliRunner, args: list[str], hint: str) -> None:
    before = project_snapshot(coded.path)
    result = qc(runner, coded, "transcripts", "set", "int_a", *args)
    assert result.exit_code == 2
    assert result.stderr.rstrip().endswith(f"Error: {hint}")
    assert project_snapshot(coded.path) == before


def test_new_language_gives_lemma_search_its_words(tmp_path: Path, project: Project) -> None:
    """A Serbian interview imported as English: after `set --language sr-Latn`, žrtva finds žrtvama."""
    source = tmp_path / "pogresno.txt"
    source.write_text("I: Kome pomažete?\n\nR: Pomažemo žrtvama trgovine ljudima.\n", encoding="utf-8")
    [imported] = import_paths(project, [source], ImportOptions(language="en", coder="ana"))
    assert imported.status == "imported"
    assert search(project, "žrtva", lemma=True).total == 0
    before, vocabulary = logical_state(project.path), _vocabulary(project.path)
    set_document(project, "pogresno", CODER, language="sr-Latn")
    assert search(project, "žrtva", lemma=True).total == 1
    undo(project, CODER)
    # The rows come back exactly; the lemma vocabulary keeps the words it learnt (it only grows).
    assert logical_state(project.path) == before
    learnt = _vocabulary(project.path) - vocabulary
    assert learnt and {language for _, language, _ in learnt} == {"hbs"}


def _vocabulary(path: Path) -> set[tuple[str, str, str]]:
    raw = sqlite3.connect(path)
    try:
        return set(raw.execute("SELECT token, language, lemma FROM search_vocab"))
    finally:
        raw.close()


def test_set_document_library_refuses_case_and_no_case(coded: Project) -> None:
    with pytest.raises(QualcodeError, match=r"^give a case or no case, not both$"):
        set_document(coded, "int_a", CODER, case="P2", no_case=True)


# --- cases link / unlink -------------------------------------------------------------------------


def test_link_and_unlink_then_undo_both(coded: Project, runner: CliRunner) -> None:
    before = logical_state(coded.path)
    linked = qc(runner, coded, "cases", "link", "P2", "int_a")
    assert (linked.exit_code, linked.stderr) == (0, "")
    assert linked.stdout == "int_a: case P2 (was P1).\n`qualcode undo` reverts this.\n"
    unlinked = qc(runner, coded, "cases", "unlink", "int_b", "--json")
    assert json.loads(unlinked.stdout) == {
        "document": "int_b",
        "changed": {"case": {"from": "P2", "to": None}},
        "new_case": None,
        "did_you_mean": [],
        "undoable": True,
    }
    assert documents(runner, coded) == {
        "int_a": ("sr-Latn", "P2"),
        "int_b": ("sr-Latn", None),
        "int_c": ("en", "P3"),
    }
    again = qc(runner, coded, "cases", "unlink", "int_b")
    assert (again.exit_code, again.stdout) == (0, "int_b already has no case; nothing changed.\n")
    undone = qc(runner, coded, "undo", "2")
    assert undone.stdout == (
        "Undid: case.unlink document:2 (case=None, case_was=P2, document=int_b)\n"
        "Undid: case.link document:1 (case=P2, case_was=P1, document=int_a)\n"
    )
    assert logical_state(coded.path) == before


def test_link_to_a_new_look_alike_case(coded: Project, runner: CliRunner) -> None:
    result = qc(runner, coded, "cases", "link", "Pl", "int_c")
    assert result.exit_code == 0
    assert result.stdout == (
        "int_c: case Pl, a new case (was P3); did you mean P1?\n`qualcode undo` reverts this.\n"
    )


def test_link_refuses_an_unknown_document(coded: Project, runner: CliRunner) -> None:
    before = project_snapshot(coded.path)
    result = qc(runner, coded, "cases", "link", "P1", "int_d")
    assert (result.exit_code, result.stderr) == (
        1,
        "Error: no document named 'int_d' in the project; did you mean int_c, int_b, int_a?\n",
    )
    assert project_snapshot(coded.path) == before


def test_undo_of_a_link_is_refused_once_the_new_case_has_values(coded: Project, runner: CliRunner) -> None:
    assert qc(runner, coded, "cases", "link", "P9", "int_a").exit_code == 0
    # Another coder gives the new case a value: that work now depends on the case the link made.
    assert qc(runner, coded, "cases", "set", "P9", "role", "interpreter", "--coder", "other").exit_code == 0
    before = project_snapshot(coded.path)
    result = qc(runner, coded, "undo")
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: cannot undo/redo case.link document:1 (case=P9, case_was=P1, document=int_a) (event 6): "
        "later changes, possibly by another coder, use what it made; nothing was changed\n"
    )
    assert project_snapshot(coded.path) == before
