"""REFI-QDA: hostile archives and XML are refused with one line, and change nothing."""

from __future__ import annotations

import io
import sqlite3
import stat
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from qualcode.cli import app
from qualcode.store.project import init_project


def _snapshot(path: Path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return [*conn.iterdump(), str(conn.execute("PRAGMA user_version").fetchone()[0])]
    finally:
        conn.close()


# --- hostile archives ------------------------------------------------------------------------

_QDE = b'<?xml version="1.0"?><Project xmlns="urn:QDA-XML:project:1.0" name="x"/>'


def _zip(entries: list[tuple[zipfile.ZipInfo | str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, data in entries:
            archive.writestr(info, data)
    return buffer.getvalue()


def _symlink() -> zipfile.ZipInfo:
    info = zipfile.ZipInfo("Sources/link.txt")
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    return info


_BOMB = _zip([("project.qde", _QDE), ("Sources/big.txt", b"\0" * (20 * 1024 * 1024))])
_BOMB_INFO = zipfile.ZipFile(io.BytesIO(_BOMB)).getinfo("Sources/big.txt")
_BOMB_RATIO = round(_BOMB_INFO.file_size / _BOMB_INFO.compress_size)  # about 1000, as zlib makes it

_LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE Project [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;">]>'
    b'<Project xmlns="urn:QDA-XML:project:1.0" name="&b;"/>'
)
_EXTERNAL = (
    b'<?xml version="1.0"?><!DOCTYPE Project [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    b'<Project xmlns="urn:QDA-XML:project:1.0" name="&x;"/>'
)
_ENTITY_MESSAGE = (
    "project.qde declares a document type or entities (<!DOCTYPE …>/<!ENTITY …>), which REFI-QDA files never "
    "have; qualcode refuses them because they can make a small file expand to gigabytes or read other files "
    "on this computer"
)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "slip.qdpx",
            _zip([("project.qde", _QDE), ("Sources/../../evil.txt", b"x")]),
            "the archive entry 'Sources/../../evil.txt' points outside the archive (an absolute path or "
            "'..'); qualcode refuses such archives because unpacking them can overwrite other files",
        ),
        (
            "absolute.qdpx",
            _zip([("project.qde", _QDE), ("/tmp/evil.txt", b"x")]),
            "the archive entry '/tmp/evil.txt' points outside the archive (an absolute path or '..'); "
            "qualcode refuses such archives because unpacking them can overwrite other files",
        ),
        (
            "link.qdpx",
            _zip([("project.qde", _QDE), (_symlink(), b"/etc/passwd")]),
            "the archive entry 'Sources/link.txt' is a symbolic link; REFI-QDA archives hold only files, so "
            "qualcode refuses it",
        ),
        (
            "bomb.qdpx",
            _BOMB,
            f"the archive entry 'Sources/big.txt' would expand {_BOMB_RATIO} times to 20 MB; it looks "
            "like a zip bomb, so qualcode refuses the archive",
        ),
        ("laughs.qdpx", _zip([("project.qde", _LAUGHS)]), _ENTITY_MESSAGE),
        ("external.qde", _EXTERNAL, _ENTITY_MESSAGE),
        (
            "schema.qde",
            b'<Project xmlns="urn:QDA-XML:project:1.0" name="x">'
            b'<Sources><TextSource name="a"/></Sources></Project>',
            "project.qde: a <TextSource> has no guid attribute, which the REFI-QDA schema requires; the file "
            "does not match the schema",
        ),
    ],
)
def test_hostile_files_are_refused_and_change_nothing(
    tmp_path: Path, runner: CliRunner, name: str, content: bytes, message: str
) -> None:
    db = tmp_path / "study.db"
    init_project(db).close()
    inside = tmp_path / "in"
    inside.mkdir()
    path = inside / name
    path.write_bytes(content)
    before = _snapshot(db)
    result = runner.invoke(app, ["import", str(path), "-p", str(db), "--json"])
    assert result.exit_code == 1
    assert result.stderr == f"Error: {path}: {message}\n"
    assert _snapshot(db) == before
    # Nothing was unpacked: no file beside the project, none in the folders around it.
    assert sorted(p.name for p in tmp_path.rglob("*")) == sorted(["in", name, "study.db"])
    assert not (tmp_path.parent / "evil.txt").exists()
