"""`qualcode demo`: it never touches a file it did not write, and it finds the sample study once installed.

None of these builds the demo project (about 30 s): the refusals happen before any work, an earlier
run is staged with the demo's own marker, and the full build-then-rebuild is
test_cli_import.py::test_demo_builds_the_sample_project.
"""

from __future__ import annotations

import hashlib
import sqlite3
import tomllib
from collections.abc import Callable
from importlib import resources
from pathlib import Path

import pytest
from typer.testing import CliRunner

from qualcode.cli import app
from qualcode.demo import (
    CODEBOOK_NAME,
    DEMO_META_KEY,
    OUTPUT_NAMES,
    PROJECT_NAME,
    _clear_earlier_run,
    _mark_as_demo,
    build_demo,
    demo_outputs,
    sample_codebook,
    sample_study_dir,
)
from qualcode.errors import Conflict
from qualcode.ingest.importer import ImportOptions, import_paths
from qualcode.store.project import init_project
from tests.conftest import REPO, SAMPLE


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _real_project(path: Path) -> None:
    """Someone's own project, with an interview in it, closed as a command leaves it."""
    with init_project(path) as project:
        import_paths(project, [SAMPLE / "sr03_tuzilac_novi_sad.txt"], ImportOptions(coder="ana"))


def _stage_earlier_run(outdir: Path) -> None:
    """What a finished demo run leaves: its marked project and the outputs it recorded."""
    outdir.mkdir(exist_ok=True)
    for name in OUTPUT_NAMES:
        (outdir / name).write_bytes(f"demo output {name}".encode())
    with init_project(outdir / PROJECT_NAME) as project:
        _mark_as_demo(project, "demo", {name: _digest(outdir / name) for name in OUTPUT_NAMES})


# --- never a file it did not write --------------------------------------------------------------


def test_demo_refuses_a_foreign_project_and_leaves_it_byte_identical(
    tmp_path: Path, runner: CliRunner
) -> None:
    _real_project(tmp_path / PROJECT_NAME)
    before = _snapshot(tmp_path)
    result = runner.invoke(app, ["demo", str(tmp_path)])
    assert result.exit_code == 1
    message = result.stderr.strip()
    assert "\n" not in message
    assert message.startswith(
        f"Error: {tmp_path} already holds qualcode.db, which `qualcode demo` did not write"
    )
    assert "another folder (qualcode demo OTHER_FOLDER), or move or remove that file yourself" in message
    # Not a byte changed, and nothing beside it: no -wal or -shm from reading it, no report.
    assert _snapshot(tmp_path) == before


def _other_sqlite_database(path: Path) -> None:
    """An SQLite file with a project_meta table and the demo's key, but not a qualcode project."""
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("CREATE TABLE project_meta (id INTEGER PRIMARY KEY, key TEXT, value TEXT)")
        conn.execute(
            "INSERT INTO project_meta (key, value) VALUES (?, '{\"outputs\": {}}')", (DEMO_META_KEY,)
        )
    conn.close()


@pytest.mark.parametrize(
    "make",
    [
        lambda path: path.write_bytes(b""),
        lambda path: path.write_bytes(b"my notes, not a database\n"),
        _other_sqlite_database,
    ],
    ids=["empty-file", "text-file", "other-sqlite-database"],
)
def test_demo_refuses_any_other_file_called_qualcode_db(
    tmp_path: Path, make: Callable[[Path], object]
) -> None:
    target = tmp_path / PROJECT_NAME
    make(target)
    before = _snapshot(tmp_path)
    assert demo_outputs(target) is None
    with pytest.raises(Conflict, match=r"already holds qualcode\.db, which `qualcode demo` did not write"):
        build_demo(tmp_path)
    assert _snapshot(tmp_path) == before


def test_demo_refuses_a_users_file_named_like_an_output(tmp_path: Path) -> None:
    (tmp_path / "report.docx").write_bytes(b"my own report")
    (tmp_path / "codings.xlsx").write_bytes(b"my own table")
    before = _snapshot(tmp_path)
    with pytest.raises(
        Conflict, match=r"holds codings\.xlsx and report\.docx, .* or move or remove those files"
    ):
        build_demo(tmp_path)
    assert _snapshot(tmp_path) == before


def test_demo_refuses_its_own_output_edited_since(tmp_path: Path) -> None:
    _stage_earlier_run(tmp_path)
    (tmp_path / "report.docx").write_bytes(b"the demo's report, edited in Word")
    before = _snapshot(tmp_path)
    with pytest.raises(
        Conflict, match=r"holds report\.docx, which `qualcode demo` did not write \(or which changed"
    ):
        _clear_earlier_run(tmp_path)
    assert _snapshot(tmp_path) == before


def test_demo_refuses_a_file_where_its_folder_should_be(tmp_path: Path) -> None:
    (tmp_path / "out").write_text("a file", encoding="utf-8")
    with pytest.raises(Conflict, match="is a file; give the demo a folder"):
        build_demo(tmp_path / "out")
    assert (tmp_path / "out").read_text(encoding="utf-8") == "a file"


# --- replacing its own earlier run ---------------------------------------------------------------


def test_demo_replaces_its_own_earlier_run_and_nothing_else(tmp_path: Path) -> None:
    _stage_earlier_run(tmp_path)
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    assert set(demo_outputs(tmp_path / PROJECT_NAME) or {}) == set(OUTPUT_NAMES)
    _clear_earlier_run(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_demo_replaces_a_project_it_left_half_built(tmp_path: Path) -> None:
    # The marker is written first, so a run that failed half-way does not lock the folder.
    with init_project(tmp_path / PROJECT_NAME) as project:
        _mark_as_demo(project, "demo", {})
    (tmp_path / "report.docx").write_bytes(b"not recorded: the run stopped before its outputs")
    with pytest.raises(Conflict, match=r"holds report\.docx,"):
        _clear_earlier_run(tmp_path)
    (tmp_path / "report.docx").unlink()
    _clear_earlier_run(tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_demo_never_follows_a_symlink(tmp_path: Path) -> None:
    _stage_earlier_run(tmp_path / "earlier")
    out = tmp_path / "out"
    out.mkdir()
    try:
        (out / PROJECT_NAME).symlink_to(tmp_path / "earlier" / PROJECT_NAME)
    except OSError:  # Windows without the privilege to make symlinks
        pytest.skip("symlinks are not available here")
    with pytest.raises(Conflict, match=r"holds qualcode\.db,"):
        _clear_earlier_run(out)
    assert (out / PROJECT_NAME).is_symlink()


# --- the sample study ships with the package -----------------------------------------------------


def test_sample_study_is_found_through_importlib_resources() -> None:
    participants = resources.files("qualcode._sample.transcripts").joinpath("participants.csv")
    assert isinstance(participants, Path)
    assert sample_study_dir() == participants.parent
    assert sample_codebook() == resources.files("qualcode._sample.codebooks").joinpath(CODEBOOK_NAME)
    # In a checkout (and an editable install) they are the repository's folders, the one copy in git.
    assert sample_study_dir().samefile(SAMPLE)
    assert sample_codebook().samefile(REPO / "codebooks" / CODEBOOK_NAME)
    assert (sample_study_dir() / "codings" / "milica.csv").is_file()


def _setuptools() -> dict[str, object]:
    with (REPO / "pyproject.toml").open("rb") as fh:
        config: dict[str, object] = tomllib.load(fh)["tool"]["setuptools"]
    return config


def _package_folder(package: str, package_dir: dict[str, str]) -> Path:
    """Where setuptools takes ``package`` from: the longest mapped prefix, else the dotted path."""
    parts = package.split(".")
    for n in range(len(parts), 0, -1):
        prefix = ".".join(parts[:n])
        if prefix in package_dir:
            return REPO / package_dir[prefix] / Path(*parts[n:])
    return REPO / Path(*parts)


def test_wheel_package_data_covers_the_sample_study() -> None:
    # Building a wheel needs a newer setuptools than the venv's, fetched by pip: too slow and online
    # for a test, so this checks the configuration the wheel is built from instead.
    config = _setuptools()
    packages = config["packages"]
    package_dir = config["package-dir"]
    package_data = config["package-data"]
    assert isinstance(packages, list) and isinstance(package_dir, dict) and isinstance(package_data, dict)
    shipped: dict[Path, str] = {}
    for package, patterns in package_data.items():
        assert package in packages, f"{package} has package data but is not in packages"
        folder = _package_folder(package, package_dir)
        for pattern in patterns:
            for path in folder.glob(pattern):
                if path.is_file():
                    installed = Path(*package.split(".")) / path.relative_to(folder)
                    shipped[path.resolve()] = installed.as_posix()
    needed = [p for p in SAMPLE.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    needed.append(REPO / "codebooks" / CODEBOOK_NAME)
    missing = [str(p.relative_to(REPO)) for p in needed if p.resolve() not in shipped]
    assert not missing, f"not in the wheel's package data (pyproject.toml): {missing}"
    # The demo reads them from qualcode/_sample/, as siblings, where the wheel puts them.
    assert shipped[(SAMPLE / "participants.csv").resolve()] == "qualcode/_sample/transcripts/participants.csv"
    assert shipped[(SAMPLE / "codings" / "amra.csv").resolve()] == (
        "qualcode/_sample/transcripts/codings/amra.csv"
    )
    assert shipped[(REPO / "codebooks" / CODEBOOK_NAME).resolve()] == (
        f"qualcode/_sample/codebooks/{CODEBOOK_NAME}"
    )


def test_every_qualcode_package_is_listed_for_the_wheel() -> None:
    # pyproject.toml lists the packages (find cannot see the mapped sample folders): a new
    # subpackage must be added there, or the wheel would silently leave it out.
    packages = _setuptools()["packages"]
    assert isinstance(packages, list)
    on_disk = {
        ".".join(p.parent.relative_to(REPO).parts)
        for p in (REPO / "qualcode").rglob("__init__.py")
        if "__pycache__" not in p.parts
    }
    missing = sorted(on_disk - set(packages))
    assert not missing, f"add these to [tool.setuptools] packages in pyproject.toml: {missing}"
