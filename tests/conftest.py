"""Shared fixtures: a fresh project, the CLI runner, and the read-only reference corpus."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from qualcode.store.project import Project, init_project

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus"
SAMPLE = REPO / "transcripts"


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
