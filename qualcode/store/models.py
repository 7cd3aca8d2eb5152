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

from sqlalchemy import CheckConstraint, Column, ForeignKey, Index, Integer, Table, UniqueConstraint
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    """The current time in UTC, the one clock every table uses."""
    return datetime.now(UTC)


def _fk(target: str, ondelete: str, *, nullable: bool = False, index: bool = True) -> Column[int]:
    """A foreign-key column; SQLModel's Field cannot say ON DELETE by itself."""
    return Column(Integer, ForeignKey(target, ondelete=ondelete), nullable=nullable, index=index)


class Case(SQLModel, table=True):
    """A participant (interviewee); documents belong to a case, attributes describe it."""

    __tablename__ = "cases"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, index=True)
    created_at: datetime = Field(default_factory=utcnow)


class Attribute(SQLModel, table=True):
    """An attribute definition (role, city, years_experience…) with its value type."""

    __tablename__ = "attributes"
    __table_args__ = (CheckConstraint("type IN ('text', 'integer', 'number', 'date', 'boolean')"),)
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, index=True)
    type: str = "text"


class CaseAttribute(SQLModel, table=True):
    """One case's value of one attribute: canonical text, plus a number for numeric types."""

    __tablename__ = "case_attributes"
    case_id: int = Field(
        sa_column=Column(Integer, ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True)
    )
    attribute_id: int = Field(
        sa_column=Column(Integer, ForeignKey("attributes.id", ondelete="CASCADE"), primary_key=True)
    )
    value: str
    number: float | None = None


class Document(SQLModel, table=True):
    """An imported transcript: its normalised text and where it came from."""

    __tablename__ = "documents"
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
    case_id: int | None = Field(default=None, sa_column=_fk("cases.id", "SET NULL", nullable=True))


class Unit(SQLModel, table=True):
    """A navigable piece of a document: speaker turn, paragraph, sentence or subtitle cue."""

    __tablename__ = "units"
    __table_args__ = (
        UniqueConstraint("document_id", "kind", "ordinal"),
        CheckConstraint("kind IN ('turn', 'paragraph', 'sentence', 'cue')"),
        CheckConstraint('0 <= start AND start <= "end"'),
    )
    id: int | None = Field(default=None, primary_key=True)
    document_id: int = Field(sa_column=_fk("documents.id", "CASCADE", index=False))
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
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, index=True)
    created_at: datetime = Field(default_factory=utcnow)


class Code(SQLModel, table=True):
    """A code of the hierarchical codebook (a theme is a code without a parent)."""

    __tablename__ = "codes"
    __table_args__ = (UniqueConstraint("parent_id", "name"),)
    id: int | None = Field(default=None, primary_key=True)
    name: str
    parent_id: int | None = Field(default=None, sa_column=_fk("codes.id", "RESTRICT", nullable=True))
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
    """A coder's code on a character span of a document."""

    __tablename__ = "codings"
    __table_args__ = (CheckConstraint('0 <= start AND start < "end"'),)
    id: int | None = Field(default=None, primary_key=True)
    document_id: int = Field(sa_column=_fk("documents.id", "RESTRICT"))
    code_id: int = Field(sa_column=_fk("codes.id", "RESTRICT"))
    coder_id: int = Field(sa_column=_fk("coders.id", "RESTRICT"))
    start: int
    end: int
    memo: str = ""
    origin: str = "manual"
    important: bool = False
    created_at: datetime = Field(default_factory=utcnow)


class Memo(SQLModel, table=True):
    """A memo on the project, a document, a code or a coding."""

    __tablename__ = "memos"
    id: int | None = Field(default=None, primary_key=True)
    target_type: str
    target_id: int | None = None
    coder_id: int = Field(sa_column=_fk("coders.id", "RESTRICT"))
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
    )
    id: int | None = Field(default=None, primary_key=True)
    document_id: int = Field(sa_column=_fk("documents.id", "CASCADE", index=False))
    code_id: int = Field(sa_column=_fk("codes.id", "CASCADE", index=False))
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
    coding_id: int | None = None
    created_at: datetime = Field(default_factory=utcnow)


class ProjectMeta(SQLModel, table=True):
    """Project-level facts as key/value text: the codebook's title, version and description."""

    __tablename__ = "project_meta"
    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(unique=True, index=True)
    value: str = ""


class Event(SQLModel, table=True):
    """One change to the project, appended and never edited: who, when, what."""

    __tablename__ = "events"
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
Index("ix_codings_document_code", CODINGS.c.document_id, CODINGS.c.code_id)
