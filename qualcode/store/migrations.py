"""Numbered, frozen schema migrations.

Each step brings a project from ``version - 1`` to ``version`` with the SQL frozen in
:mod:`qualcode.store.schema_sql` and plain statements written here: no step imports the live
models, so what "schema 3" means never changes when the models do. A new project is built by
:func:`create_schema` from the newest snapshot; a test checks that a schema-1 project upgraded
step by step ends up with exactly the same schema.

The one piece of live code a step calls is the search indexer (step 2): the index is derived
data, and it must be built the way the current search reads it.

Steps run inside one transaction with foreign-key enforcement off (SQLite's documented way to
rebuild tables, see :func:`qualcode.store.sqlite.migration_connection`), and the runner checks
``PRAGMA foreign_key_check`` before it commits. Never edit a step that has shipped: add the
next number instead.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import Connection, Engine

from qualcode.errors import ProjectError
from qualcode.store import schema_sql, sqlite

Migration = Callable[[Connection], None]

#: version -> function that upgrades a project from version-1 to version.
MIGRATIONS: dict[int, Migration] = {}


def migration(version: int) -> Callable[[Migration], Migration]:
    """Register ``fn`` as the step that brings a project to ``version``."""

    def register(fn: Migration) -> Migration:
        if version in MIGRATIONS:
            raise RuntimeError(f"two migrations claim version {version}")
        MIGRATIONS[version] = fn
        return fn

    return register


def _run(conn: Connection, statements: tuple[str, ...]) -> None:
    for statement in statements:
        conn.exec_driver_sql(statement)


def _columns(conn: Connection, table: str) -> list[str]:
    return [str(row[1]) for row in conn.exec_driver_sql(f'PRAGMA table_info("{table}")')]


@migration(1)
def _v1_initial(conn: Connection) -> None:
    """Documents, units, cases with typed attributes, coders, codes, codings, memos, events."""
    _run(conn, schema_sql.V1_TABLES)


@migration(2)
def _v2_search_index(conn: Connection) -> None:
    """The full-text search index and lemma vocabulary, filled from the existing documents."""
    from qualcode.search_index import index_all_documents  # derived data: today's indexer builds it

    _run(conn, schema_sql.V2_SEARCH)
    index_all_documents(conn)


@migration(3)
def _v3_project_meta(conn: Connection) -> None:
    """Project-level key/value facts: the codebook's title, version and description."""
    _run(conn, schema_sql.V3_PROJECT_META)


@migration(4)
def _v4_suggestions(conn: Connection) -> None:
    """Suggested codings and their review status."""
    _run(conn, schema_sql.V4_SUGGESTIONS)


@migration(5)
def _v5_codable(conn: Connection) -> None:
    """``codes.codable``: whether a code may be applied (REFI-QDA ``isCodable``), true by default."""
    # Projects created by qualcode 0.1 before schema 6 got migration 1 as "the models of the
    # day", which already held the column: add it only where it is missing.
    if "codable" not in _columns(conn, "codes"):
        conn.exec_driver_sql("ALTER TABLE codes ADD COLUMN codable BOOLEAN DEFAULT '1' NOT NULL")


@migration(6)
def _v6_rules_in_the_schema(conn: Connection) -> None:
    """Ids never reused, no cascades, memos with real foreign keys, one coding per span, row ids everywhere.

    Every table is rebuilt from the frozen schema-6 definitions (which also settles the small
    differences between projects whose schema 1 came from different models), the data is
    copied with its ids, and three kinds of old damage are repaired instead of carried over:
    identical codings of one coder are merged (memos and marks kept), memos whose target is
    gone or whose target id was reused by a newer row become project memos that say where they
    were, and suggestions that point to a deleted coding forget it.
    """
    for name, ddl in schema_sql.V6_TABLES.items():
        conn.exec_driver_sql(ddl.format(t=f"{name}__v6"))
    for guard in ("events_no_update", "events_no_delete"):  # dropping the old log is no edit of it
        conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {guard}")
    _copy_plain(
        conn,
        *("events", "cases", "attributes", "coders", "project_meta", "documents", "units"),
    )
    # A participant's values get row ids, so that the change log can name them (undoable cases set).
    conn.exec_driver_sql(
        "INSERT INTO case_attributes__v6 (case_id, attribute_id, value, number) "
        "SELECT case_id, attribute_id, value, number FROM case_attributes ORDER BY case_id, attribute_id"
    )
    _copy_codes(conn)
    _copy_codings(conn)
    _copy_memos(conn)
    _copy_suggestions(conn)
    for name in schema_sql.V6_TABLES:
        conn.exec_driver_sql(f"DROP TABLE IF EXISTS {name}")  # unfinished_imports is new
    for name in schema_sql.V6_TABLES:
        conn.exec_driver_sql(f"ALTER TABLE {name}__v6 RENAME TO {name}")
    _run(conn, schema_sql.V6_INDEXES)
    _run(conn, schema_sql.EVENT_GUARDS)


def _copy_plain(conn: Connection, *tables: str) -> None:
    for table in tables:
        columns = ", ".join(f'"{c}"' for c in _columns(conn, f"{table}__v6"))
        conn.exec_driver_sql(f"INSERT INTO {table}__v6 ({columns}) SELECT {columns} FROM {table} ORDER BY 1")


def _copy_codes(conn: Connection) -> None:
    """Codes as they are, except that two themes of one name (possible before) get told apart."""
    _copy_plain(conn, "codes")
    twins = conn.exec_driver_sql(
        "SELECT id, name, row_number() OVER (PARTITION BY coalesce(parent_id, 0), name ORDER BY id) "
        "FROM codes__v6"
    ).all()
    for code_id, name, rank in twins:
        if rank > 1:
            conn.exec_driver_sql("UPDATE codes__v6 SET name = ? WHERE id = ?", (f"{name} ({rank})", code_id))


def _copy_codings(conn: Connection) -> None:
    """One coding per coder, code and span: the oldest row stays and takes the others' memos."""
    columns = ", ".join(f'"{c}"' for c in _columns(conn, "codings__v6"))
    conn.exec_driver_sql(
        "CREATE TEMP TABLE coding_twins AS SELECT id, min(id) OVER "
        '(PARTITION BY document_id, code_id, coder_id, start, "end") AS keep FROM codings'
    )
    conn.exec_driver_sql(
        f"INSERT INTO codings__v6 ({columns}) SELECT {columns} FROM codings "
        "WHERE id IN (SELECT keep FROM coding_twins) ORDER BY id"
    )
    for keep, memo, important in conn.exec_driver_sql(
        "SELECT t.keep, c.memo, c.important FROM coding_twins t JOIN codings c ON c.id = t.id "
        "WHERE t.id != t.keep ORDER BY t.id"
    ).all():
        current = conn.exec_driver_sql("SELECT memo FROM codings__v6 WHERE id = ?", (keep,)).scalar_one()
        if memo and memo not in current:
            conn.exec_driver_sql(
                "UPDATE codings__v6 SET memo = ? WHERE id = ?", (f"{current}\n{memo}".strip(), keep)
            )
        if important:
            conn.exec_driver_sql("UPDATE codings__v6 SET important = 1 WHERE id = ?", (keep,))


_TARGETS = {
    # memo target_type -> (new column, table, the column that says when the target was made)
    "document": ("document_id", "documents", "imported_at"),
    "code": ("code_id", "codes", "created_at"),
    "coding": ("coding_id", "codings", "created_at"),
}


def _copy_memos(conn: Connection) -> None:
    """Memos with real foreign keys; a memo that lost its target becomes a project memo."""
    rows = conn.exec_driver_sql(
        "SELECT id, target_type, target_id, coder_id, text, created_at FROM memos ORDER BY id"
    ).all()
    for memo_id, kind, target, coder_id, text, created in rows:
        values = {"document_id": None, "code_id": None, "coding_id": None}
        if kind in _TARGETS and target is not None:
            column, table, made = _TARGETS[kind]
            if table == "codings":  # a coding merged into its twin keeps its memos
                target = conn.exec_driver_sql(
                    "SELECT keep FROM coding_twins WHERE id = ?", (target,)
                ).scalar_one_or_none()
            born = conn.exec_driver_sql(f"SELECT {made} FROM {table} WHERE id = ?", (target,)).scalar()
            # Before schema 6, SQLite reused the id of a deleted row: a target made after the
            # memo is a stranger that inherited the id, not what the memo was written about.
            if born is not None and str(born) <= str(created):
                values[column] = target
            else:
                text = f"[This memo was on {kind} {target}, which was removed before schema 6.]\n{text}"
                kind = "project"
        elif kind != "project":
            text = f"[This memo was on {kind} {target}.]\n{text}"
            kind = "project"
        conn.exec_driver_sql(
            "INSERT INTO memos__v6 (id, target_type, document_id, code_id, coding_id, coder_id, text, "
            "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                memo_id,
                kind,
                values["document_id"],
                values["code_id"],
                values["coding_id"],
                coder_id,
                text,
                created,
            ),
        )


def _copy_suggestions(conn: Connection) -> None:
    """Suggestions as they are; one that points to a coding that is gone forgets it."""
    _copy_plain(conn, "suggestions")
    conn.exec_driver_sql(
        "UPDATE suggestions__v6 SET coding_id = (SELECT keep FROM coding_twins WHERE id = coding_id) "
        "WHERE coding_id IS NOT NULL"
    )
    conn.exec_driver_sql("DROP TABLE coding_twins")


LATEST = max(MIGRATIONS)


def create_schema(conn: Connection) -> None:
    """Create the newest schema in an empty database (inside the caller's transaction)."""
    # Built under the same temporary names as migration 6 builds them, then renamed, so that a
    # new project's schema is the upgraded one to the letter (SQLite keeps the quoted name).
    for name, ddl in schema_sql.V6_TABLES.items():
        conn.exec_driver_sql(ddl.format(t=f"{name}__v6"))
    for name in schema_sql.V6_TABLES:
        conn.exec_driver_sql(f"ALTER TABLE {name}__v6 RENAME TO {name}")
    _run(conn, schema_sql.V6_INDEXES)
    _run(conn, schema_sql.EVENT_GUARDS)
    _run(conn, schema_sql.V2_SEARCH)
    sqlite.write_versions(conn, LATEST)


def upgrade(conn: Connection, current: int) -> list[int]:
    """Run the migrations after ``current`` (inside the caller's transaction); return their numbers.

    The caller has switched foreign-key enforcement off (a rebuilt table would otherwise
    take its children's rows with it); every reference is checked here before the commit.
    """
    applied = []
    for version in range(current + 1, LATEST + 1):
        MIGRATIONS[version](conn)
        applied.append(version)
    broken = conn.exec_driver_sql("PRAGMA foreign_key_check").all()
    if broken:
        table, rowid, parent = broken[0][0], broken[0][1], broken[0][2]
        raise ProjectError(
            f"cannot upgrade the project: {len(broken)} row(s) point to rows that do not exist "
            f"(first: {table} row {rowid} -> {parent}); nothing was changed. "
            "Run `qualcode doctor` to see the damage"
        )
    # The upgrade belongs in the audit trail like any other change (the events table is frozen
    # since schema 1, so this plain statement stays valid for every future version).
    conn.exec_driver_sql(
        "INSERT INTO events (at, coder, action, target, data) "
        "VALUES (?, 'qualcode', 'project.upgrade', ?, ?)",
        (
            datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f"),
            f"schema:{LATEST}",
            json.dumps({"from": current, "to": LATEST, "steps": applied}),
        ),
    )
    sqlite.write_versions(conn, LATEST)
    return applied


def upgrade_engine(engine: Engine, current: int) -> list[int]:
    """Upgrade the project behind ``engine`` from ``current``, in one write transaction.

    Foreign-key enforcement is switched off for the connection first (SQLite ignores the
    PRAGMA inside a transaction), as SQLite's documentation prescribes for rebuilding tables;
    :func:`upgrade` checks every reference itself before anything is committed.
    """
    with engine.connect() as conn:
        raw = conn.connection.dbapi_connection
        assert raw is not None  # a freshly checked-out connection is open
        raw.execute("PRAGMA foreign_keys = OFF")
        try:
            with conn.execution_options(qualcode_write=True).begin():
                applied = upgrade(conn, current)
        finally:
            raw.execute("PRAGMA foreign_keys = ON")
        if 6 in applied:
            # Rebuilding every table leaves the old pages free (a 103 MB project grew to 168 MB):
            # give them back once, after the commit, as VACUUM cannot run inside a transaction.
            raw.execute("VACUUM")
        return applied
