"""Undo is exact: random sequences of every data-changing command, by two interleaving coders,
undone newest first, give back the project's logical state to the byte (issue 12).

The logical state is every table but the change log (and SQLite's id counters), plus the search
index's rows: a document that comes back must be found by search again. The lemma vocabulary is
left out on purpose: it is a grow-only cache of word -> lemma pairs learnt from the texts (a
document re-indexed in another language teaches it words), and a word no paragraph holds
matches nothing.
"""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import insert

from qualcode.agreement.reconcile import reconcile
from qualcode.cases import set_attribute, unset_attribute
from qualcode.codebook import add_code, delete_code, load_codebook, merge_codes, move_code, rename_code
from qualcode.codebook_files import CodebookSpec, CodeSpec
from qualcode.coding import Selector, add_memo, apply_code, remove_code, set_important
from qualcode.documents import remove_document, rename_document, set_document
from qualcode.errors import QualcodeError
from qualcode.history import history, undo
from qualcode.ingest.importer import ImportOptions, import_paths
from qualcode.store.models import SUGGESTIONS
from qualcode.store.project import Project, init_project, open_project
from qualcode.suggest.review import review
from qualcode.suggest.workflow import suggest_codes
from tests.conftest import logical_state

SAMPLE = Path(__file__).resolve().parent.parent / "transcripts"
DOCS = ("sr01_socijalna_radnica_nis", "en03_misdemeanour_judge_banja_luka")
CODERS = ("ana", "bojan")
CODES = ("Theme A", "Theme B", "Theme A > Sub", "Theme C")


@pytest.fixture(scope="module", autouse=True)
def _no_backups() -> Iterator[None]:
    """Backup copies before merge, delete and remove are tested elsewhere; here they only cost time."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("QUALCODE_BACKUPS", "0")
        yield


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project with two interviews and a small codebook, built once."""
    path = tmp_path_factory.mktemp("undo") / "template.db"
    with init_project(path) as project:
        import_paths(project, [SAMPLE / f"{d}.txt" for d in DOCS], ImportOptions(coder="setup"))
        for name in ("Theme A", "Theme B", "Theme C"):
            add_code(project, name, "setup")
        add_code(project, "Sub", "setup", parent="Theme A")
        with project.write() as conn:  # a rejected and two pending suggestions, as review leaves them
            conn.execute(
                insert(SUGGESTIONS),
                [
                    {
                        "document_id": 1,
                        "code_id": code,
                        "start": 0,
                        "end": 40,
                        "unit_kind": "turn",
                        "unit_ordinal": 1,
                        "method": "deductive",
                        "score": 0.9,
                        "status": status,
                    }
                    for status, code in (("rejected", 1), ("pending", 2), ("pending", 1))
                ],
            )
    return path


Action = Callable[[Project, str, int], object]

ACTIONS: dict[str, Action] = {
    "apply": lambda p, c, n: apply_code(
        p, CODES[n % 4], DOCS[n % 2], Selector(units=str(1 + n % 5)), c, memo="m" if n % 3 else ""
    ),
    "apply-match": lambda p, c, n: apply_code(
        p, CODES[n % 4], DOCS[n % 2], Selector(match=("dete", "police", "centar")[n % 3]), c
    ),
    "remove": lambda p, c, n: remove_code(p, CODES[n % 4], DOCS[n % 2], Selector(units=str(1 + n % 5)), c),
    "trim": lambda p, c, n: remove_code(
        p, CODES[n % 4], DOCS[n % 2], Selector(span=f"{n % 50}:{n % 50 + 7}"), c
    ),
    "memo-doc": lambda p, c, n: add_memo(p, f"note {n}", c, document=DOCS[n % 2]),
    "memo-code": lambda p, c, n: add_memo(p, f"code note {n}", c, code=CODES[n % 4]),
    "memo-coding": lambda p, c, n: add_memo(p, f"on coding {n}", c, coding=1 + n % 6),
    "important": lambda p, c, n: set_important(p, 1 + n % 6, bool(n % 2), c),
    "add-code": lambda p, c, n: add_code(p, f"New {n % 3}", c, parent=None if n % 2 else "Theme B"),
    "rename": lambda p, c, n: rename_code(p, CODES[n % 4], f"Renamed {n}", c),
    "move": lambda p, c, n: move_code(p, "Theme C", None if n % 2 else "Theme B", c),
    "merge": lambda p, c, n: merge_codes(p, CODES[n % 4], CODES[(n + 1) % 4], c),
    "delete": lambda p, c, n: delete_code(p, CODES[n % 4], c, force=True),
    "accept": lambda p, c, n: review(p, [1 + n % 3], c, accept=True),
    "reject": lambda p, c, n: review(p, [1 + n % 3], c, accept=False),
    "remove-doc": lambda p, c, n: remove_document(p, DOCS[n % 2], c, force=True),
    "rename-doc": lambda p, c, n: rename_document(p, DOCS[n % 2], f"renamed {n}", c),
    "set-doc": lambda p, c, n: set_document(
        p, DOCS[n % 2], c, language=("hr", "bs", "en")[n % 3], case=f"P{n % 3}"
    ),
    "case-set": lambda p, c, n: set_attribute(p, f"P{n % 3}", ("years", "city")[n % 2], str(n), c),
    "case-unset": lambda p, c, n: unset_attribute(p, f"P{n % 3}", ("years", "city")[n % 2], c),
    "load": lambda p, c, n: load_codebook(
        p,
        CodebookSpec(codes=[CodeSpec("Theme B", definition=f"v{n}", children=[CodeSpec(f"Loaded {n % 2}")])]),
        c,
    ),
    "reconcile": lambda p, c, n: reconcile(p, "consensus", c, union=True, coders=list(CODERS)),
    "suggest": lambda p, c, n: suggest_codes(p, c, method="deductive", min_score=0.1),
}


def run_and_undo(template: Path, work: Path, steps: list[tuple[str, int, int]]) -> None:
    shutil.copy(template, work)
    before = logical_state(work)
    with open_project(work) as project:
        for name, coder, n in steps:
            # A refusal (a code already gone, a coding that does not exist) changes nothing.
            with contextlib.suppress(QualcodeError):
                ACTIONS[name](project, CODERS[coder], n)
        # Newest change first, whoever made it: each coder undoes only their own.
        while True:
            events = history(project)
            undone = {e.summary.get("of") for e in events if e.action == "undo"}
            live = [e for e in events if e.coder in CODERS and e.action != "undo" and e.id not in undone]
            if not live:
                break
            undo(project, live[-1].coder)
    assert logical_state(work) == before


steps_strategy = st.lists(
    st.tuples(st.sampled_from(sorted(ACTIONS)), st.integers(0, 1), st.integers(0, 60)),
    min_size=1,
    max_size=12,
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=steps_strategy)
def test_random_changes_by_two_coders_undo_to_the_exact_state(
    template: Path, tmp_path: Path, steps: list[tuple[str, int, int]]
) -> None:
    run_and_undo(template, tmp_path / "work.db", steps)


def test_merge_and_forced_delete_undo_bring_back_suggestions_with_their_status(
    template: Path, tmp_path: Path
) -> None:
    run_and_undo(template, tmp_path / "a.db", [("merge", 0, 0), ("delete", 0, 1)])


def test_removed_interview_comes_back_with_every_coders_codings_and_its_search_rows(
    template: Path, tmp_path: Path
) -> None:
    run_and_undo(
        template,
        tmp_path / "b.db",
        [("apply", 0, 1), ("apply", 1, 3), ("memo-doc", 1, 1), ("memo-coding", 0, 0), ("remove-doc", 0, 1)],
    )


def test_participants_attributes_and_links_undo_exactly(template: Path, tmp_path: Path) -> None:
    run_and_undo(
        template,
        tmp_path / "c.db",
        [
            ("set-doc", 0, 0),
            ("case-set", 1, 0),
            ("case-set", 0, 3),
            ("case-unset", 1, 0),
            ("rename-doc", 1, 1),
        ],
    )
