"""Shared fixtures: a fresh project, the CLI runner, and the read-only reference corpus."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from qualcode.store.project import Project, init_project

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus"
SAMPLE = REPO / "transcripts"


def project_snapshot(path: Path) -> list[str]:
    """Schema and every row of a project file, to prove that a refused command changed nothing."""
    conn = sqlite3.connect(path)
    try:
        return [*conn.iterdump(), str(conn.execute("PRAGMA user_version").fetchone()[0])]
    finally:
        conn.close()


def logical_state(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table but the change log, and the search index's rows, in a fixed order.

    What undo must give back byte for byte. The lemma vocabulary is left out on purpose: it is a
    grow-only cache of word -> lemma pairs learnt from the texts (a document re-indexed in
    another language teaches it words), and a word no paragraph holds matches nothing.
    """
    raw = sqlite3.connect(path)
    try:
        tables = [
            name
            for (name,) in raw.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
                "AND name NOT LIKE 'search_index%' AND name NOT IN ('events', 'search_vocab') ORDER BY name"
            )
        ]
        state = {t: raw.execute(f'SELECT * FROM "{t}" ORDER BY 1, 2').fetchall() for t in tables}
        state["search_index"] = raw.execute(
            "SELECT rowid, body, document_id FROM search_index ORDER BY rowid"
        ).fetchall()
        return state
    finally:
        raw.close()


@pytest.fixture(autouse=True, scope="session")
def _private_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Keep the integrity-check notes of the tests' projects out of the user's cache folder."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("QUALCODE_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
        yield


@pytest.fixture
def corpus() -> Path:
    """../shared/corpus (real third-party files); tests that need it skip when it is absent."""
    if not CORPUS.is_dir():
        pytest.skip(f"reference corpus not found at {CORPUS} (it sits beside the repository in CI)")
    return CORPUS


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Project]:
    """An empty project in a temporary folder."""
    with init_project(tmp_path / "test.db") as proj:
        yield proj


@pytest.fixture
def runner() -> CliRunner:
    """Typer's runner; stderr is kept apart from stdout so tests can pin both."""
    return CliRunner()


@pytest.fixture
def coded(tmp_path: Path) -> Iterator[Project]:
    """A project with three small interviews, participants and a small codebook, no codings yet."""
    from qualcode.cases import import_cases
    from qualcode.codebook import load_codebook
    from qualcode.codebook_files import CodebookSpec, CodeSpec
    from qualcode.ingest.importer import ImportOptions, import_paths

    texts = {
        "int_a": "I: Kako počinje?\n\nR: Deca prose na raskrsnici. Odrasli čekaju u blizini.\n\n"
        "I: A novac?\n\nR: Predaju novac odraslima svako veče.",
        "int_b": "I: Šta vidite?\n\nR: Деца просе поред цркве. Нико их не пријављује.\n\n"
        "I: Зашто?\n\nR: Sudovi kažnjavaju decu za prosjačenje.",
        "int_c": "Q: What do you see?\n\nA: Children begging at junctions while adults watch.\n\n"
        "Q: And the police?\n\nA: Police fine the children instead of protecting them.",
    }
    folder = tmp_path / "interviews"
    folder.mkdir()
    for name, text in texts.items():
        (folder / f"{name}.txt").write_text(text + "\n", encoding="utf-8")
    (tmp_path / "people.csv").write_text(
        "document,case,role,country,years\nint_a,P1,social worker,Serbia,14\n"
        "int_b,P2,police officer,Serbia,6\nint_c,P3,judge,Bosnia and Herzegovina,20\n",
        encoding="utf-8",
    )
    book = CodebookSpec(
        title="Test codebook",
        version="1",
        codes=[
            CodeSpec(
                "Indicators",
                definition="Signs of exploitation",
                children=[
                    CodeSpec("Adults watching", keywords={"sr": ["odrasli"], "en": ["adults"]}),
                    CodeSpec("Handing over money"),
                ],
            ),
            CodeSpec("Law", children=[CodeSpec("Fines for begging")]),
            CodeSpec("Perceptions"),
        ],
    )
    with init_project(tmp_path / "coded.db") as proj:
        import_paths(proj, [folder / f"{n}.txt" for n in texts], ImportOptions(coder="ana"))
        import_cases(proj, tmp_path / "people.csv", "ana")
        load_codebook(proj, book, "ana", source="test")
        yield proj
