"""Numbered schema migrations.

A new project gets the current schema in one step and is stamped with :data:`LATEST`.
An older project is upgraded by running, in order, the migration functions registered
after its ``user_version``, in one transaction, after a backup copy has been written next
to it. Each migration is a plain function of a connection; never edit one that has shipped,
add the next number instead.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Connection
from sqlmodel import SQLModel

from qualcode.store import fulltext, sqlite
from qualcode.store.models import (  # noqa: F401  (importing registers the tables)
    Attribute,
    Case,
    CaseAttribute,
    Code,
    Coder,
    Coding,
    Document,
    Event,
    Memo,
    ProjectMeta,
    Suggestion,
    Unit,
)

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


@migration(1)
def _v1_initial(conn: Connection) -> None:
    """Documents, units, cases with typed attributes, coders, codes, codings, memos, events."""
    SQLModel.metadata.create_all(conn)
    sqlite.install_event_guards(conn)


@migration(2)
def _v2_search_index(conn: Connection) -> None:
    """The full-text search index and lemma vocabulary, filled from the existing documents."""
    from qualcode.search import index_all_documents  # search imports the store: import late

    fulltext.create_tables(conn)
    index_all_documents(conn)


@migration(3)
def _v3_project_meta(conn: Connection) -> None:
    """Project-level key/value facts: the codebook's title, version and description."""
    ProjectMeta.__table__.create(conn, checkfirst=True)  # type: ignore[attr-defined]


@migration(4)
def _v4_suggestions(conn: Connection) -> None:
    """Suggested codings and their review status."""
    Suggestion.__table__.create(conn, checkfirst=True)  # type: ignore[attr-defined]


@migration(5)
def _v5_codable(conn: Connection) -> None:
    """``codes.codable``: whether a code may be applied (REFI-QDA ``isCodable``), true by default."""
    columns = {row[1] for row in conn.exec_driver_sql("PRAGMA table_info(codes)")}
    if "codable" not in columns:  # migration 1 of this qualcode already creates it
        conn.exec_driver_sql("ALTER TABLE codes ADD COLUMN codable BOOLEAN NOT NULL DEFAULT 1")


LATEST = max(MIGRATIONS)


def create_schema(conn: Connection) -> None:
    """Create the current schema in an empty database (inside the caller's transaction)."""
    SQLModel.metadata.create_all(conn)
    sqlite.install_event_guards(conn)
    fulltext.create_tables(conn)
    sqlite.write_versions(conn, LATEST)


def upgrade(conn: Connection, current: int) -> list[int]:
    """Run the migrations after ``current`` (inside the caller's transaction); return their numbers."""
    applied = []
    for version in range(current + 1, LATEST + 1):
        MIGRATIONS[version](conn)
        applied.append(version)
    sqlite.write_versions(conn, LATEST)
    return applied
