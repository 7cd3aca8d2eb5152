"""The project schema as frozen SQL, one snapshot per version that created tables.

These strings are the schema: a migration runs them as written, and they never change once a
version has shipped (DESIGN.md: frozen migrations). The SQLModel classes in
:mod:`qualcode.store.models` are the typed view the code uses; a test checks that they match
the newest snapshot, so the live models cannot drift from what migrations build.

SQLite dialect: PostgreSQL will get its own snapshots beside these (one home per engine).
"""

from __future__ import annotations

#: The triggers that keep the event log append-only (schema 1; created again by schema 6).
EVENT_GUARDS: tuple[str, ...] = (
    "CREATE TRIGGER events_no_update BEFORE UPDATE ON events "
    "BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END",
    "CREATE TRIGGER events_no_delete BEFORE DELETE ON events "
    "BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END",
)

#: The event log of schema 1, and its guards.
EVENTS: tuple[str, ...] = (
    """
CREATE TABLE events (
    id INTEGER NOT NULL,
    at DATETIME NOT NULL,
    coder VARCHAR NOT NULL,
    action VARCHAR NOT NULL,
    target VARCHAR NOT NULL,
    data VARCHAR NOT NULL,
    PRIMARY KEY (id)
)""",
    *EVENT_GUARDS,
)

#: Schema 1: documents, units, cases and attributes, coders, codes, codings, memos, events.
V1_TABLES: tuple[str, ...] = (
    """
CREATE TABLE cases (
    id INTEGER NOT NULL,
    name VARCHAR NOT NULL,
    created_at DATETIME NOT NULL,
    PRIMARY KEY (id)
)""",
    "CREATE UNIQUE INDEX ix_cases_name ON cases (name)",
    """
CREATE TABLE attributes (
    id INTEGER NOT NULL,
    name VARCHAR NOT NULL,
    type VARCHAR NOT NULL,
    PRIMARY KEY (id),
    CHECK (type IN ('text', 'integer', 'number', 'date', 'boolean'))
)""",
    "CREATE UNIQUE INDEX ix_attributes_name ON attributes (name)",
    """
CREATE TABLE coders (
    id INTEGER NOT NULL,
    name VARCHAR NOT NULL,
    created_at DATETIME NOT NULL,
    PRIMARY KEY (id)
)""",
    "CREATE UNIQUE INDEX ix_coders_name ON coders (name)",
    """
CREATE TABLE codes (
    id INTEGER NOT NULL,
    name VARCHAR NOT NULL,
    parent_id INTEGER,
    ordinal INTEGER NOT NULL,
    definition VARCHAR NOT NULL,
    inclusion VARCHAR NOT NULL,
    exclusion VARCHAR NOT NULL,
    example VARCHAR NOT NULL,
    color VARCHAR,
    keywords VARCHAR NOT NULL,
    created_at DATETIME NOT NULL,
    PRIMARY KEY (id),
    UNIQUE (parent_id, name),
    FOREIGN KEY(parent_id) REFERENCES codes (id) ON DELETE RESTRICT
)""",
    "CREATE INDEX ix_codes_parent_id ON codes (parent_id)",
    """
CREATE TABLE case_attributes (
    case_id INTEGER NOT NULL,
    attribute_id INTEGER NOT NULL,
    value VARCHAR NOT NULL,
    number FLOAT,
    PRIMARY KEY (case_id, attribute_id),
    FOREIGN KEY(case_id) REFERENCES cases (id) ON DELETE CASCADE,
    FOREIGN KEY(attribute_id) REFERENCES attributes (id) ON DELETE CASCADE
)""",
    """
CREATE TABLE documents (
    id INTEGER NOT NULL,
    name VARCHAR NOT NULL,
    sha256 VARCHAR NOT NULL,
    text VARCHAR NOT NULL,
    language VARCHAR NOT NULL,
    script VARCHAR NOT NULL,
    mixed_script BOOLEAN NOT NULL,
    source_format VARCHAR NOT NULL,
    source_name VARCHAR NOT NULL,
    encoding VARCHAR,
    word_count INTEGER NOT NULL,
    imported_at DATETIME NOT NULL,
    case_id INTEGER,
    PRIMARY KEY (id),
    FOREIGN KEY(case_id) REFERENCES cases (id) ON DELETE SET NULL
)""",
    "CREATE UNIQUE INDEX ix_documents_name ON documents (name)",
    "CREATE INDEX ix_documents_case_id ON documents (case_id)",
    "CREATE UNIQUE INDEX ix_documents_sha256 ON documents (sha256)",
    """
CREATE TABLE memos (
    id INTEGER NOT NULL,
    target_type VARCHAR NOT NULL,
    target_id INTEGER,
    coder_id INTEGER NOT NULL,
    text VARCHAR NOT NULL,
    created_at DATETIME NOT NULL,
    PRIMARY KEY (id),
    FOREIGN KEY(coder_id) REFERENCES coders (id) ON DELETE RESTRICT
)""",
    "CREATE INDEX ix_memos_coder_id ON memos (coder_id)",
    """
CREATE TABLE units (
    id INTEGER NOT NULL,
    document_id INTEGER NOT NULL,
    kind VARCHAR NOT NULL,
    ordinal INTEGER NOT NULL,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    speaker VARCHAR,
    t_start INTEGER,
    t_end INTEGER,
    PRIMARY KEY (id),
    UNIQUE (document_id, kind, ordinal),
    CHECK (kind IN ('turn', 'paragraph', 'sentence', 'cue')),
    CHECK (0 <= start AND start <= "end"),
    FOREIGN KEY(document_id) REFERENCES documents (id) ON DELETE CASCADE
)""",
    """
CREATE TABLE codings (
    id INTEGER NOT NULL,
    document_id INTEGER NOT NULL,
    code_id INTEGER NOT NULL,
    coder_id INTEGER NOT NULL,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    memo VARCHAR NOT NULL,
    origin VARCHAR NOT NULL,
    important BOOLEAN NOT NULL,
    created_at DATETIME NOT NULL,
    PRIMARY KEY (id),
    CHECK (0 <= start AND start < "end"),
    FOREIGN KEY(document_id) REFERENCES documents (id) ON DELETE RESTRICT,
    FOREIGN KEY(code_id) REFERENCES codes (id) ON DELETE RESTRICT,
    FOREIGN KEY(coder_id) REFERENCES coders (id) ON DELETE RESTRICT
)""",
    "CREATE INDEX ix_codings_document_id ON codings (document_id)",
    "CREATE INDEX ix_codings_coder_id ON codings (coder_id)",
    "CREATE INDEX ix_codings_code_id ON codings (code_id)",
    "CREATE INDEX ix_codings_document_code ON codings (document_id, code_id)",
    *EVENTS,
)

#: Schema 2: the full-text index of folded paragraphs and the lemma vocabulary.
V2_SEARCH: tuple[str, ...] = (
    """
CREATE VIRTUAL TABLE IF NOT EXISTS search_index USING fts5(
    body,
    document_id UNINDEXED,
    tokenize = 'unicode61 remove_diacritics 0',
    columnsize = 0
)
""",
    """
CREATE TABLE IF NOT EXISTS search_vocab (
    token TEXT NOT NULL,
    language TEXT NOT NULL,
    lemma TEXT NOT NULL,
    PRIMARY KEY (token, language, lemma)
) WITHOUT ROWID
""",
    "CREATE INDEX IF NOT EXISTS ix_search_vocab_lemma ON search_vocab (language, lemma, token)",
)

#: Schema 3: project-level key/value facts (the codebook's title, version, description).
V3_PROJECT_META: tuple[str, ...] = (
    """
CREATE TABLE IF NOT EXISTS project_meta (
    id INTEGER NOT NULL,
    "key" VARCHAR NOT NULL,
    value VARCHAR NOT NULL,
    PRIMARY KEY (id)
)""",
    'CREATE UNIQUE INDEX IF NOT EXISTS ix_project_meta_key ON project_meta ("key")',
)

#: Schema 4: suggested codings and their review status.
V4_SUGGESTIONS: tuple[str, ...] = (
    """
CREATE TABLE IF NOT EXISTS suggestions (
    id INTEGER NOT NULL,
    document_id INTEGER NOT NULL,
    code_id INTEGER NOT NULL,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    unit_kind VARCHAR NOT NULL,
    unit_ordinal INTEGER NOT NULL,
    method VARCHAR NOT NULL,
    score FLOAT NOT NULL,
    priority FLOAT NOT NULL,
    reason VARCHAR NOT NULL,
    model_version VARCHAR NOT NULL,
    status VARCHAR NOT NULL,
    reviewer VARCHAR,
    coding_id INTEGER,
    created_at DATETIME NOT NULL,
    PRIMARY KEY (id),
    CHECK (status IN ('pending', 'accepted', 'rejected')),
    CHECK (0 <= start AND start < "end"),
    FOREIGN KEY(document_id) REFERENCES documents (id) ON DELETE CASCADE,
    FOREIGN KEY(code_id) REFERENCES codes (id) ON DELETE CASCADE
)""",
    "CREATE INDEX IF NOT EXISTS ix_suggestions_status_priority ON suggestions (status, priority)",
    'CREATE INDEX IF NOT EXISTS ix_suggestions_span ON suggestions (document_id, code_id, start, "end")',
)

#: Schema 6: the tables the change log names never reuse an id (AUTOINCREMENT); every reference
#: is a foreign key that restricts (no cascade behind the log's back); memos point to their
#: target by foreign key; a coder's coding of one span with one code exists once.
#: ``{t}`` is replaced by the table's name while it is built (``codes__v6``), so that the old
#: and the new table can live side by side during the copy.
V6_TABLES: dict[str, str] = {
    # New in schema 6: a large transcript is written in short transactions (so a coder's write
    # never waits long); until its last one, its document is marked here and every reader
    # leaves it out.
    "unfinished_imports": """
CREATE TABLE {t} (
    document_id INTEGER NOT NULL PRIMARY KEY,
    owner VARCHAR NOT NULL,
    coder VARCHAR NOT NULL,
    source VARCHAR NOT NULL,
    created_case_id INTEGER,
    started_at DATETIME NOT NULL,
    heartbeat_at DATETIME NOT NULL,
    FOREIGN KEY(document_id) REFERENCES documents (id) ON DELETE RESTRICT,
    FOREIGN KEY(created_case_id) REFERENCES cases (id) ON DELETE RESTRICT
)""",
    "events": """
CREATE TABLE {t} (
    id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    at DATETIME NOT NULL,
    coder VARCHAR NOT NULL,
    action VARCHAR NOT NULL,
    target VARCHAR NOT NULL,
    data VARCHAR NOT NULL
)""",
    "cases": """
CREATE TABLE {t} (
    id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    name VARCHAR NOT NULL,
    created_at DATETIME NOT NULL
)""",
    "attributes": """
CREATE TABLE {t} (
    id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    name VARCHAR NOT NULL,
    type VARCHAR NOT NULL,
    CHECK (type IN ('text', 'integer', 'number', 'date', 'boolean'))
)""",
    "coders": """
CREATE TABLE {t} (
    id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    name VARCHAR NOT NULL,
    created_at DATETIME NOT NULL
)""",
    "codes": """
CREATE TABLE {t} (
    id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    name VARCHAR NOT NULL,
    parent_id INTEGER,
    ordinal INTEGER NOT NULL,
    definition VARCHAR NOT NULL,
    inclusion VARCHAR NOT NULL,
    exclusion VARCHAR NOT NULL,
    example VARCHAR NOT NULL,
    color VARCHAR,
    keywords VARCHAR NOT NULL,
    codable BOOLEAN DEFAULT '1' NOT NULL,
    created_at DATETIME NOT NULL,
    FOREIGN KEY(parent_id) REFERENCES codes (id) ON DELETE RESTRICT
)""",
    "project_meta": """
CREATE TABLE {t} (
    id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "key" VARCHAR NOT NULL,
    value VARCHAR NOT NULL
)""",
    "case_attributes": """
CREATE TABLE {t} (
    id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    case_id INTEGER NOT NULL,
    attribute_id INTEGER NOT NULL,
    value VARCHAR NOT NULL,
    number FLOAT,
    CONSTRAINT uq_case_attributes UNIQUE (case_id, attribute_id),
    FOREIGN KEY(case_id) REFERENCES cases (id) ON DELETE RESTRICT,
    FOREIGN KEY(attribute_id) REFERENCES attributes (id) ON DELETE RESTRICT
)""",
    "documents": """
CREATE TABLE {t} (
    id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    name VARCHAR NOT NULL,
    sha256 VARCHAR NOT NULL,
    text VARCHAR NOT NULL,
    language VARCHAR NOT NULL,
    script VARCHAR NOT NULL,
    mixed_script BOOLEAN NOT NULL,
    source_format VARCHAR NOT NULL,
    source_name VARCHAR NOT NULL,
    encoding VARCHAR,
    word_count INTEGER NOT NULL,
    imported_at DATETIME NOT NULL,
    case_id INTEGER,
    FOREIGN KEY(case_id) REFERENCES cases (id) ON DELETE RESTRICT
)""",
    "units": """
CREATE TABLE {t} (
    id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    document_id INTEGER NOT NULL,
    kind VARCHAR NOT NULL,
    ordinal INTEGER NOT NULL,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    speaker VARCHAR,
    t_start INTEGER,
    t_end INTEGER,
    UNIQUE (document_id, kind, ordinal),
    CHECK (kind IN ('turn', 'paragraph', 'sentence', 'cue')),
    CHECK (0 <= start AND start <= "end"),
    FOREIGN KEY(document_id) REFERENCES documents (id) ON DELETE RESTRICT
)""",
    "codings": """
CREATE TABLE {t} (
    id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    document_id INTEGER NOT NULL,
    code_id INTEGER NOT NULL,
    coder_id INTEGER NOT NULL,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    memo VARCHAR NOT NULL,
    origin VARCHAR NOT NULL,
    important BOOLEAN NOT NULL,
    created_at DATETIME NOT NULL,
    CHECK (0 <= start AND start < "end"),
    CONSTRAINT uq_codings_span UNIQUE (document_id, code_id, coder_id, start, "end"),
    FOREIGN KEY(document_id) REFERENCES documents (id) ON DELETE RESTRICT,
    FOREIGN KEY(code_id) REFERENCES codes (id) ON DELETE RESTRICT,
    FOREIGN KEY(coder_id) REFERENCES coders (id) ON DELETE RESTRICT
)""",
    "memos": """
CREATE TABLE {t} (
    id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    target_type VARCHAR NOT NULL,
    document_id INTEGER,
    code_id INTEGER,
    coding_id INTEGER,
    coder_id INTEGER NOT NULL,
    text VARCHAR NOT NULL,
    created_at DATETIME NOT NULL,
    CONSTRAINT ck_memos_target CHECK (
        (target_type = 'project' AND document_id IS NULL AND code_id IS NULL AND coding_id IS NULL)
        OR (target_type = 'document' AND document_id IS NOT NULL AND code_id IS NULL AND coding_id IS NULL)
        OR (target_type = 'code' AND code_id IS NOT NULL AND document_id IS NULL AND coding_id IS NULL)
        OR (target_type = 'coding' AND coding_id IS NOT NULL AND document_id IS NULL AND code_id IS NULL)
    ),
    FOREIGN KEY(document_id) REFERENCES documents (id) ON DELETE RESTRICT,
    FOREIGN KEY(code_id) REFERENCES codes (id) ON DELETE RESTRICT,
    FOREIGN KEY(coding_id) REFERENCES codings (id) ON DELETE RESTRICT,
    FOREIGN KEY(coder_id) REFERENCES coders (id) ON DELETE RESTRICT
)""",
    "suggestions": """
CREATE TABLE {t} (
    id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    document_id INTEGER NOT NULL,
    code_id INTEGER NOT NULL,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    unit_kind VARCHAR NOT NULL,
    unit_ordinal INTEGER NOT NULL,
    method VARCHAR NOT NULL,
    score FLOAT NOT NULL,
    priority FLOAT NOT NULL,
    reason VARCHAR NOT NULL,
    model_version VARCHAR NOT NULL,
    status VARCHAR NOT NULL,
    reviewer VARCHAR,
    coding_id INTEGER,
    created_at DATETIME NOT NULL,
    CHECK (status IN ('pending', 'accepted', 'rejected')),
    CHECK (0 <= start AND start < "end"),
    FOREIGN KEY(document_id) REFERENCES documents (id) ON DELETE RESTRICT,
    FOREIGN KEY(code_id) REFERENCES codes (id) ON DELETE RESTRICT,
    FOREIGN KEY(coding_id) REFERENCES codings (id) ON DELETE RESTRICT
)""",
}

#: Schema 6 indexes (created once the tables have their final names).
V6_INDEXES: tuple[str, ...] = (
    "CREATE UNIQUE INDEX ix_cases_name ON cases (name)",
    "CREATE UNIQUE INDEX ix_attributes_name ON attributes (name)",
    "CREATE UNIQUE INDEX ix_coders_name ON coders (name)",
    "CREATE INDEX ix_codes_parent_id ON codes (parent_id)",
    "CREATE UNIQUE INDEX ux_codes_sibling_name ON codes (coalesce(parent_id, 0), name)",
    'CREATE UNIQUE INDEX ix_project_meta_key ON project_meta ("key")',
    "CREATE UNIQUE INDEX ix_documents_sha256 ON documents (sha256)",
    "CREATE INDEX ix_documents_case_id ON documents (case_id)",
    "CREATE UNIQUE INDEX ix_documents_name ON documents (name)",
    "CREATE INDEX ix_codings_coder_id ON codings (coder_id)",
    "CREATE INDEX ix_codings_document_code ON codings (document_id, code_id)",
    "CREATE INDEX ix_codings_code_id ON codings (code_id)",
    "CREATE INDEX ix_codings_document_id ON codings (document_id)",
    "CREATE INDEX ix_memos_code_id ON memos (code_id)",
    "CREATE INDEX ix_memos_document_id ON memos (document_id)",
    "CREATE INDEX ix_memos_coding_id ON memos (coding_id)",
    "CREATE INDEX ix_memos_coder_id ON memos (coder_id)",
    "CREATE INDEX ix_suggestions_code_id ON suggestions (code_id)",
    'CREATE INDEX ix_suggestions_span ON suggestions (document_id, code_id, start, "end")',
    "CREATE INDEX ix_suggestions_coding_id ON suggestions (coding_id)",
    "CREATE INDEX ix_suggestions_status_priority ON suggestions (status, priority)",
)
