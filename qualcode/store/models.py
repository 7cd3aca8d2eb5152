"""The project's tables, as SQLModel classes.

The shape follows DESIGN.md: documents hold the normalised text once; units, codings and
suggestions point into it with code-point offsets that never change. Cases are the
participants, with typed attribute values. The event log is append-only and is the basis
for the audit trail and for undo.

Column types stay within what both SQLite and PostgreSQL understand, so the store can move
to a server later; the SQLite-only pieces live in :mod:`qualcode.store.sqlite`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    Table,
    UniqueConstraint,
    func,
    select,
)
from sqlmodel import Field, SQLModel

#: Every table the change log names keeps its ids for ever (SQLite ``AUTOINCREMENT``): a row
#: id that came back after a delete would let an old event, a memo or an index row point at a
#: stranger. PostgreSQL sequences never reuse values anyway.
_NO_REUSE = {"sqlite_autoincrement": True}


def utcnow() -> datetime:
    """The current time in UTC, the one clock every table uses."""
    return datetime.now(UTC)


def _fk(target: str, *, nullable: bool = False, index: bool = True) -> Column[int]:
    """A foreign-key column that refuses to lose its row (``ON DELETE RESTRICT``).

    Nothing is deleted by cascade: every delete goes through the store's write path, which
    records each row it removes so that undo can bring it back (schema 6).
    """
    return Column(Integer, ForeignKey(target, ondelete="RESTRICT"), nullable=nullable, index=index)


class Case(SQLModel, table=True):
    """A participant (interviewee); documents belong to a case, attributes describe it."""

    __tablename__ = "cases"
    __table_args__ = _NO_REUSE
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, index=True)
    created_at: datetime = Field(default_factory=utcnow)


class Attribute(SQLModel, table=True):
    """An attribute definition (role, city, years_experience…) with its value type."""

    __tablename__ = "attributes"
    __table_args__ = (
        CheckConstraint("type IN ('text', 'integer', 'number', 'date', 'boolean')"),
        _NO_REUSE,
    )
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, index=True)
    type: str = "text"


class CaseAttribute(SQLModel, table=True):
    """One case's value of one attribute: canonical text, plus a number for numeric types."""

    __tablename__ = "case_attributes"
    __table_args__ = (UniqueConstraint("case_id", "attribute_id", name="uq_case_attributes"), _NO_REUSE)
    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(sa_column=_fk("cases.id", index=False))
    attribute_id: int = Field(sa_column=_fk("attributes.id", index=False))
    value: str
    number: float | None = None


class Document(SQLModel, table=True):
    """An imported transcript: its normalised text and where it came from."""

    __tablename__ = "documents"
    __table_args__ = _NO_REUSE
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, index=True)
    sha256: str = Field(unique=True, index=True)
    text: str
    language: str
    script: str
    mixed_script: bool = False
    source_format: str
    source_name: str
    encoding: str | None = None
    word_count: int = 0
    imported_at: datetime = Field(default_factory=utcnow)
    case_id: int | None = Field(default=None, sa_column=_fk("cases.id", nullable=True))


class Unit(SQLModel, table=True):
    """A navigable piece of a document: speaker turn, paragraph, sentence or subtitle cue."""

    __tablename__ = "units"
    __table_args__ = (
        UniqueConstraint("document_id", "kind", "ordinal"),
        CheckConstraint("kind IN ('turn', 'paragraph', 'sentence', 'cue')"),
        CheckConstraint('0 <= start AND start <= "end"'),
        _NO_REUSE,
    )
    id: int | None = Field(default=None, primary_key=True)
    document_id: int = Field(sa_column=_fk("documents.id", index=False))
    kind: str
    ordinal: int
    start: int
    end: int
    speaker: str | None = None
    t_start: int | None = None
    t_end: int | None = None


class Coder(SQLModel, table=True):
    """A person who codes; created on first use of their name."""

    __tablename__ = "coders"
    __table_args__ = _NO_REUSE
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, index=True)
    created_at: datetime = Field(default_factory=utcnow)


class Code(SQLModel, table=True):
    """A code of the hierarchical codebook (a theme is a code without a parent)."""

    __tablename__ = "codes"
    __table_args__ = (
        # Siblings have distinct names; themes (parent NULL) too, which a plain
        # UNIQUE(parent_id, name) would not enforce, NULLs being distinct.
        Index("ux_codes_sibling_name", func.coalesce(Column("parent_id"), 0), "name", unique=True),
        _NO_REUSE,
    )
    id: int | None = Field(default=None, primary_key=True)
    name: str
    parent_id: int | None = Field(default=None, sa_column=_fk("codes.id", nullable=True))
    ordinal: int = 0
    definition: str = ""
    inclusion: str = ""
    exclusion: str = ""
    example: str = ""
    color: str | None = None
    keywords: str = "{}"  # JSON object: language -> list of keywords
    #: False for a code that only groups others (REFI-QDA ``isCodable``); kept for round trips.
    #: The server default ('1' is true in SQLite and PostgreSQL) fills rows of older projects.
    codable: bool = Field(default=True, sa_column_kwargs={"server_default": "1"})
    created_at: datetime = Field(default_factory=utcnow)


class Coding(SQLModel, table=True):
    """A coder's code on a character span of a document (one row per coder, code and span)."""

    __tablename__ = "codings"
    __table_args__ = (
        CheckConstraint('0 <= start AND start < "end"'),
        UniqueConstraint("document_id", "code_id", "coder_id", "start", "end", name="uq_codings_span"),
        _NO_REUSE,
    )
    id: int | None = Field(default=None, primary_key=True)
    document_id: int = Field(sa_column=_fk("documents.id"))
    code_id: int = Field(sa_column=_fk("codes.id"))
    coder_id: int = Field(sa_column=_fk("coders.id"))
    start: int
    end: int
    memo: str = ""
    origin: str = "manual"
    important: bool = False
    created_at: datetime = Field(default_factory=utcnow)


#: What a memo can be about; the matching foreign-key column names the target.
MEMO_TARGETS = ("project", "document", "code", "coding")


class Memo(SQLModel, table=True):
    """A memo on the project, a document, a code or a coding.

    The target is a real foreign key (one of ``document_id``, ``code_id``, ``coding_id``, or none
    for the project), so a memo can never outlive its target or drift to a newer row.
    """

    __tablename__ = "memos"
    __table_args__ = (
        CheckConstraint(
            "(target_type = 'project' AND document_id IS NULL AND code_id IS NULL AND coding_id IS NULL)"
            " OR (target_type = 'document' AND document_id IS NOT NULL AND code_id IS NULL"
            " AND coding_id IS NULL)"
            " OR (target_type = 'code' AND code_id IS NOT NULL AND document_id IS NULL AND coding_id IS NULL)"
            " OR (target_type = 'coding' AND coding_id IS NOT NULL AND document_id IS NULL"
            " AND code_id IS NULL)",
            name="ck_memos_target",
        ),
        _NO_REUSE,
    )
    id: int | None = Field(default=None, primary_key=True)
    target_type: str
    document_id: int | None = Field(default=None, sa_column=_fk("documents.id", nullable=True))
    code_id: int | None = Field(default=None, sa_column=_fk("codes.id", nullable=True))
    coding_id: int | None = Field(default=None, sa_column=_fk("codings.id", nullable=True))
    coder_id: int = Field(sa_column=_fk("coders.id"))
    text: str
    created_at: datetime = Field(default_factory=utcnow)


class Suggestion(SQLModel, table=True):
    """A proposed coding waiting for a person's decision, with its method, score and reason."""

    __tablename__ = "suggestions"
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'accepted', 'rejected')"),
        CheckConstraint('0 <= start AND start < "end"'),
        Index("ix_suggestions_status_priority", "status", "priority"),
        Index("ix_suggestions_span", "document_id", "code_id", "start", "end"),
        _NO_REUSE,
    )
    id: int | None = Field(default=None, primary_key=True)
    document_id: int = Field(sa_column=_fk("documents.id", index=False))
    code_id: int = Field(sa_column=_fk("codes.id"))
    start: int
    end: int
    unit_kind: str
    unit_ordinal: int
    method: str
    score: float
    #: Review order, lowest first: the most informative or the strongest suggestions come first.
    priority: float = 0.0
    reason: str = "[]"  # JSON list of words that made the suggestion
    model_version: str = ""
    status: str = "pending"
    reviewer: str | None = None
    #: The coding an accepted suggestion made (or found already there).
    coding_id: int | None = Field(default=None, sa_column=_fk("codings.id", nullable=True))
    created_at: datetime = Field(default_factory=utcnow)


class ProjectMeta(SQLModel, table=True):
    """Project-level facts as key/value text: the codebook's title, version and description."""

    __tablename__ = "project_meta"
    __table_args__ = _NO_REUSE
    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(unique=True, index=True)
    value: str = ""


class UnfinishedImport(SQLModel, table=True):
    """A document whose import is still being written in short transactions: readers leave it out.

    ``owner`` is the random token of the process writing (or discarding) it, ``created_case_id``
    the case that import created, ``heartbeat_at`` is renewed by each of its transactions (see
    :mod:`qualcode.ingest.unfinished`).
    """

    __tablename__ = "unfinished_imports"
    document_id: int = Field(
        sa_column=Column(Integer, ForeignKey("documents.id", ondelete="RESTRICT"), primary_key=True)
    )
    owner: str
    coder: str
    source: str
    created_case_id: int | None = Field(default=None, sa_column=_fk("cases.id", nullable=True, index=False))
    started_at: datetime
    heartbeat_at: datetime


class Event(SQLModel, table=True):
    """One change to the project, appended and never edited: who, when, what."""

    __tablename__ = "events"
    __table_args__ = _NO_REUSE
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow)
    coder: str
    action: str
    target: str
    data: str = "{}"  # JSON with what is needed to describe (and later undo) the change


def _table(model: type[SQLModel]) -> Table:
    return model.__table__  # type: ignore[attr-defined,no-any-return]


# Core tables, for typed SQLAlchemy Core queries and bulk inserts (``DOCUMENTS.c.name``).
CASES = _table(Case)
ATTRIBUTES = _table(Attribute)
CASE_ATTRIBUTES = _table(CaseAttribute)
DOCUMENTS = _table(Document)
UNITS = _table(Unit)
CODERS = _table(Coder)
CODES = _table(Code)
CODINGS = _table(Coding)
MEMOS = _table(Memo)
PROJECT_META = _table(ProjectMeta)
SUGGESTIONS = _table(Suggestion)
EVENTS = _table(Event)
UNFINISHED_IMPORTS = _table(UnfinishedImport)
Index("ix_codings_document_code", CODINGS.c.document_id, CODINGS.c.code_id)


def finished(document_id: Any) -> Any:
    """A condition true for documents whose import has finished: use it wherever documents are read."""
    return document_id.not_in(select(UNFINISHED_IMPORTS.c.document_id))
