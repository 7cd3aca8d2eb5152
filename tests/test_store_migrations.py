"""Frozen migrations: a new project and an upgraded one have the same schema; schema 6 repairs old damage."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, inspect
from sqlmodel import SQLModel

from qualcode.codebook import read_codebook
from qualcode.search import search
from qualcode.store import migrations, models, schema_sql
from qualcode.store.project import init_project, open_project
from qualcode.store.sqlite import APPLICATION_ID


def make_old_project(path: Path, version: int) -> sqlite3.Connection:
    """A project at ``version`` built by the frozen steps themselves (no live models)."""
    raw = sqlite3.connect(path)
    for statement in schema_sql.V1_TABLES:
        raw.execute(statement)
    for statements in (schema_sql.V2_SEARCH, schema_sql.V3_PROJECT_META, schema_sql.V4_SUGGESTIONS)[
        : max(0, version - 1)
    ]:
        for statement in statements:
            raw.execute(statement)
    if version >= 5:
        raw.execute("ALTER TABLE codes ADD COLUMN codable BOOLEAN DEFAULT '1' NOT NULL")
    raw.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    raw.execute(f"PRAGMA user_version = {version}")
    raw.commit()
    return raw


def _schema(path: Path) -> list[tuple[str, str, str]]:
    raw = sqlite3.connect(path)
    try:
        return sorted(
            raw.execute("SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'").fetchall()
        )
    finally:
        raw.close()


def test_every_old_version_upgrades_to_the_new_projects_schema(tmp_path: Path) -> None:
    init_project(tmp_path / "new.db").close()
    for version in range(1, migrations.LATEST):
        path = tmp_path / f"v{version}.db"
        make_old_project(path, version).close()
        with open_project(path) as project:
            assert project.upgraded == list(range(version + 1, migrations.LATEST + 1))
        assert _schema(path) == _schema(tmp_path / "new.db"), f"schema {version} upgraded differs"


def _shape(engine_url: str) -> dict[str, object]:
    engine = create_engine(engine_url)
    inspector = inspect(engine)
    with engine.connect() as conn:  # expression indexes are not reflected: compare their SQL
        shape: dict[str, object] = {
            "indexes": sorted(
                conn.exec_driver_sql(
                    "SELECT name, sql FROM sqlite_master "
                    "WHERE type = 'index' AND tbl_name NOT LIKE 'search_%'"
                )
            )
        }
    for table in sorted(models.CODINGS.metadata.tables):
        shape[table] = (
            [(c["name"], str(c["type"]), c["nullable"]) for c in inspector.get_columns(table)],
            sorted(
                (tuple(f["constrained_columns"]), f["referred_table"], f["options"].get("ondelete"))
                for f in inspector.get_foreign_keys(table)
            ),
            sorted(
                (i["name"], tuple(map(str, i["column_names"])), bool(i["unique"]))
                for i in inspector.get_indexes(table)
            ),
            sorted(tuple(u["column_names"]) for u in inspector.get_unique_constraints(table)),
        )
    return shape


@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection")
def test_models_are_the_frozen_schema(tmp_path: Path) -> None:
    """The live SQLModel classes describe exactly the tables the migrations build."""
    init_project(tmp_path / "frozen.db").close()
    engine = create_engine(f"sqlite:///{tmp_path / 'models.db'}")
    SQLModel.metadata.create_all(engine)
    engine.dispose()
    assert _shape(f"sqlite:///{tmp_path / 'models.db'}") == _shape(f"sqlite:///{tmp_path / 'frozen.db'}")


def _fill_v5(raw: sqlite3.Connection) -> None:
    t0, t1, t2 = "2026-01-01 10:00:00.000000", "2026-01-02 10:00:00.000000", "2026-01-03 10:00:00.000000"
    raw.execute("INSERT INTO coders VALUES (1, 'ana', ?)", (t0,))
    raw.executemany(
        "INSERT INTO documents VALUES (?, ?, ?, 'hello world and more', 'en', 'Latn', 0, 'txt', 'x.txt', "
        "NULL, 4, ?, NULL)",
        [(1, "old", "a", t0), (2, "newer", "b", t2)],  # document 2 took the id of one removed at t1
    )
    raw.executemany(
        "INSERT INTO codes (id, name, parent_id, ordinal, definition, inclusion, exclusion, example, "
        "color, keywords, created_at) VALUES (?, ?, NULL, ?, '', '', '', '', NULL, '{}', ?)",
        [(1, "Theme", 0, t0), (2, "Theme", 1, t0)],
    )
    rows = [(1, "first", 0), (2, "second", 1), (3, "", 0)]
    for coding_id, memo, important in rows:  # three identical codings of one coder
        raw.execute(
            "INSERT INTO codings VALUES (?, 1, 1, 1, 0, 5, ?, 'manual', ?, ?)",
            (coding_id, memo, important, t0),
        )
    raw.executemany(
        "INSERT INTO memos VALUES (?, ?, ?, 1, ?, ?)",
        [
            (1, "coding", 3, "on a twin", t1),
            (2, "document", 2, "written before document 2 existed", t1),
            (3, "document", 1, "on the old document", t1),
            (4, "code", 9, "on a code that is gone", t1),
            (5, "project", None, "project memo", t1),
        ],
    )
    raw.execute(
        "INSERT INTO suggestions VALUES (1, 1, 1, 0, 5, 'turn', 1, 'learned', 0.9, 0, '[]', 'm', "
        "'accepted', 'ana', 2, ?)",
        (t1,),
    )
    raw.execute(
        "INSERT INTO suggestions VALUES (2, 1, 2, 0, 5, 'turn', 1, 'learned', 0.9, 0, '[]', 'm', "
        "'accepted', 'ana', 77, ?)",
        (t1,),
    )
    raw.commit()


def test_schema_6_repairs_what_older_schemas_let_through(tmp_path: Path) -> None:
    path = tmp_path / "v5.db"
    raw = make_old_project(path, 5)
    _fill_v5(raw)
    raw.close()
    open_project(path).close()
    raw = sqlite3.connect(path)
    # Identical codings become one: the oldest, with every memo and the important mark.
    assert raw.execute("SELECT id, memo, important FROM codings").fetchall() == [(1, "first\nsecond", 1)]
    assert raw.execute(
        "SELECT id, target_type, document_id, code_id, coding_id, text FROM memos ORDER BY id"
    ).fetchall() == [
        (1, "coding", None, None, 1, "on a twin"),
        (
            2,
            "project",
            None,
            None,
            None,
            "[This memo was on document 2, which was removed before schema 6.]\n"
            "written before document 2 existed",
        ),
        (3, "document", 1, None, None, "on the old document"),
        (
            4,
            "project",
            None,
            None,
            None,
            "[This memo was on code 9, which was removed before schema 6.]\non a code that is gone",
        ),
        (5, "project", None, None, None, "project memo"),
    ]
    # A suggestion keeps pointing at the coding that stood for its twin; a dangling link goes.
    assert raw.execute("SELECT id, coding_id FROM suggestions ORDER BY id").fetchall() == [(1, 1), (2, None)]
    # Two themes of one name were possible before; now they are told apart.
    assert raw.execute("SELECT name FROM codes ORDER BY id").fetchall() == [("Theme",), ("Theme (2)",)]
    assert raw.execute("PRAGMA foreign_key_check").fetchall() == []
    raw.close()


def test_deleted_ids_are_never_reused(tmp_path: Path) -> None:
    with init_project(tmp_path / "p.db") as project, project.write() as conn:
        conn.exec_driver_sql("INSERT INTO coders (name, created_at) VALUES ('a', '2026-01-01')")
        conn.exec_driver_sql("INSERT INTO coders (name, created_at) VALUES ('b', '2026-01-01')")
        conn.exec_driver_sql("DELETE FROM coders WHERE name = 'b'")
        conn.exec_driver_sql("INSERT INTO coders (name, created_at) VALUES ('c', '2026-01-01')")
        assert conn.exec_driver_sql("SELECT id FROM coders WHERE name = 'c'").scalar_one() == 3


# --- real project files saved by every earlier schema (tests/fixtures/projects) -------------

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "projects"
REAL_FILES = sorted(p.name for p in FIXTURES.glob("schema-v*.db"))


def _expected_codings(expected: dict[str, Any]) -> tuple[list[tuple[Any, ...]], dict[int, int]]:
    """The codings schema 6 keeps (twins merged into the oldest), and each old id's survivor."""
    keep: dict[tuple[Any, ...], dict[str, Any]] = {}
    survivor: dict[int, int] = {}
    for c in sorted(expected["codings"], key=lambda c: c["id"]):
        key = (c["document"], c["code"], c["coder"], c["start"], c["end"])
        if key not in keep:
            keep[key] = dict(c)
        else:
            kept = keep[key]
            if c["memo"] and c["memo"] not in kept["memo"]:
                kept["memo"] = f"{kept['memo']}\n{c['memo']}".strip()
            kept["important"] = kept["important"] or c["important"]
        survivor[c["id"]] = keep[key]["id"]
    rows = sorted(
        (c["id"], c["document"], c["code"], c["coder"], c["start"], c["end"], c["memo"], c["important"])
        for c in keep.values()
    )
    return rows, survivor


@pytest.mark.parametrize("name", REAL_FILES)
def test_real_project_files_of_every_earlier_schema_upgrade_with_everything_intact(
    name: str, tmp_path: Path
) -> None:
    expected = json.loads(
        (FIXTURES / name.replace("schema-", "expected-").replace(".db", ".json")).read_text()
    )
    path = tmp_path / name
    shutil.copy(FIXTURES / name, path)
    init_project(tmp_path / "new.db").close()
    with open_project(path) as project:
        assert project.upgraded == list(range(expected["schema_version"] + 1, migrations.LATEST + 1))
        assert project.backup is not None and project.backup.exists()
        with project.read() as conn:
            assert sorted(r.label for r in read_codebook(conn).rows.values()) == sorted(expected["codes"])
        hits = search(project, "policija OR police", limit=1000)
    assert _schema(path) == _schema(tmp_path / "new.db")
    raw = sqlite3.connect(path)
    rows = expected["rows"]
    for table in ("documents", "units", "cases", "case_attributes", "attributes", "coders", "codes"):
        assert raw.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == rows[table], table
    for table in ("project_meta", "suggestions"):
        assert raw.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == rows.get(table, 0), table
    # The upgrade is in the change log; everything logged before it is still there.
    events = raw.execute("SELECT action FROM events ORDER BY id").fetchall()
    assert len(events) == rows["events"] + 1 and events[-1] == ("project.upgrade",)
    paragraphs = sum(
        n for key, n in expected["units_per_document_and_kind"].items() if key.endswith("/paragraph")
    )
    # Schema 1 had no index: migration 2 builds it, one row per paragraph.
    indexed = expected.get("search_index_rows", paragraphs)
    assert raw.execute("SELECT count(*) FROM search_index").fetchone()[0] == indexed == paragraphs
    assert hits.total > 0

    codings, survivor = _expected_codings(expected)
    assert (
        raw.execute(
            "WITH RECURSIVE p(id, path) AS (SELECT id, name FROM codes WHERE parent_id IS NULL UNION ALL "
            "SELECT c.id, p.path || ' > ' || c.name FROM codes c JOIN p ON c.parent_id = p.id) "
            'SELECT g.id, d.name, p.path, r.name, g.start, g."end", g.memo, g.important = 1 FROM codings g '
            "JOIN documents d ON d.id = g.document_id JOIN p ON p.id = g.code_id "
            "JOIN coders r ON r.id = g.coder_id ORDER BY g.id"
        ).fetchall()
        == codings
    )
    damage = expected.get("old_damage", {})
    lost = {
        m["memo"]
        for key in ("memos_whose_target_is_gone", "memos_whose_target_id_was_reused_by_a_newer_row")
        for m in damage.get(key, [])
    }
    memos = raw.execute(
        "SELECT id, target_type, coalesce(document_id, code_id, coding_id), text FROM memos ORDER BY id"
    ).fetchall()
    assert len(memos) == len(expected["memos"])
    for memo, (memo_id, kind, target, text) in zip(expected["memos"], memos, strict=True):
        assert memo_id == memo["id"]
        if memo_id in lost:
            assert (kind, target) == ("project", None)
            assert text.endswith(memo["text"]) and "removed before schema 6" in text
        else:
            old_target = memo["target_id"]
            new_target = (
                survivor.get(old_target, old_target) if memo["target_type"] == "coding" else old_target
            )
            assert (kind, target, text) == (memo["target_type"], new_target, memo["text"])
    statuses = dict(raw.execute("SELECT status, count(*) FROM suggestions GROUP BY status").fetchall())
    assert statuses == expected.get("suggestions_by_status", {})
    gone = {s["suggestion"] for s in damage.get("suggestions_whose_coding_is_gone", [])}
    for decided in expected.get("suggestions_decided", []):
        (coding_id,) = raw.execute(
            "SELECT coding_id FROM suggestions WHERE id = ?", (decided["id"],)
        ).fetchone()
        old = decided["coding_id"]
        assert coding_id == (None if decided["id"] in gone or old is None else survivor[old])
    assert raw.execute("PRAGMA foreign_key_check").fetchall() == []
    raw.close()
