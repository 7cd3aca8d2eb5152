"""The SQLite FTS5 search index and the lemma vocabulary: every SQLite-only piece of search.

The index holds one row per **paragraph unit**, with ``rowid`` = the unit's id, the paragraph's
text *folded* by :func:`qualcode.text.fold.fold` (Latin, lower case, no diacritics, đ → dj) and
the document id. We fold ourselves because FTS5's ``remove_diacritics`` leaves đ alone and
knows nothing of Cyrillic ↔ Latin. The tokenizer is ``unicode61`` with
``remove_diacritics 0`` (the text is already folded) and no extra ``tokenchars``: a token is a
run of letters and digits, everything else (``_``, apostrophes, hyphens, marks) separates —
the rule of :data:`TOKEN_PATTERN`, which :mod:`qualcode.search` uses to split queries and to
find the matches for keyword-in-context lines. Where the two could disagree (characters
outside ASCII and punctuation), :mod:`qualcode.search` stores the paragraph as its
:data:`TOKEN_PATTERN` tokens. ``columnsize=0``: we never rank by bm25, so the per-row size
table would only cost import time and space.

The vocabulary (``search_vocab``) maps a folded token to its folded lemma, per lemmatizer
language (``hbs`` for Serbian/Croatian/Bosnian, ``en``…); ``--lemma`` expands a query word to
every indexed token with the same lemma.

Everything here works on a connection inside the caller's transaction; a PostgreSQL backend
would replace this module (``tsvector``/``pg_trgm``) and keep :mod:`qualcode.search` as is.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from sqlalchemy import Connection, bindparam, text
from sqlalchemy.exc import OperationalError

from qualcode.errors import ProjectError

INDEX_TABLE = "search_index"
VOCAB_TABLE = "search_vocab"

#: What FTS5's unicode61 tokenizer calls a token (letters and digits; ``_`` and marks separate).
TOKEN_PATTERN = re.compile(r"[^\W_]+")

#: Rows per statement for ``IN (…)`` lists: well under SQLite's host-parameter limit (32,766
#: since 3.32, 999 before).
_CHUNK = 500

_CREATE_INDEX = f"""
CREATE VIRTUAL TABLE IF NOT EXISTS {INDEX_TABLE} USING fts5(
    body,
    document_id UNINDEXED,
    tokenize = 'unicode61 remove_diacritics 0',
    columnsize = 0
)
"""
_CREATE_VOCAB = f"""
CREATE TABLE IF NOT EXISTS {VOCAB_TABLE} (
    token TEXT NOT NULL,
    language TEXT NOT NULL,
    lemma TEXT NOT NULL,
    PRIMARY KEY (token, language, lemma)
) WITHOUT ROWID
"""
_CREATE_VOCAB_LEMMA = (
    f"CREATE INDEX IF NOT EXISTS ix_{VOCAB_TABLE}_lemma ON {VOCAB_TABLE} (language, lemma, token)"
)


def create_tables(conn: Connection) -> None:
    """Create the index and the vocabulary (if absent), inside the caller's transaction."""
    try:
        conn.exec_driver_sql(_CREATE_INDEX)
    except OperationalError as exc:
        if "no such module" in str(exc.orig):
            raise ProjectError(
                "this Python's SQLite was built without FTS5 full-text search, which qualcode needs; "
                "install Python from python.org or your system's package manager (their SQLite has it)"
            ) from None
        raise
    conn.exec_driver_sql(_CREATE_VOCAB)
    conn.exec_driver_sql(_CREATE_VOCAB_LEMMA)


def drop_tables(conn: Connection) -> None:
    """Remove the index and the vocabulary (a project then looks like schema 1 again)."""
    conn.exec_driver_sql(f"DROP TABLE IF EXISTS {INDEX_TABLE}")
    conn.exec_driver_sql(f"DROP TABLE IF EXISTS {VOCAB_TABLE}")


def clear(conn: Connection) -> None:
    """Empty the index and the vocabulary, keeping the tables."""
    conn.exec_driver_sql(f"DELETE FROM {INDEX_TABLE}")
    conn.exec_driver_sql(f"DELETE FROM {VOCAB_TABLE}")


def insert_rows(conn: Connection, rows: Sequence[tuple[int, int, str]]) -> None:
    """Index ``(unit id, document id, folded paragraph text)`` rows.

    A row already stored under one of those unit ids is replaced (``INSERT OR REPLACE``): unit
    ids are SQLite rowids, reused after a delete, so a row left behind by a document deleted
    without :func:`delete_document` would otherwise make this insert fail.
    """
    if rows:
        # Driver-level executemany with plain tuples: this runs for every paragraph imported.
        conn.exec_driver_sql(
            f"INSERT OR REPLACE INTO {INDEX_TABLE} (rowid, body, document_id) VALUES (?, ?, ?)",
            [(unit_id, body, doc_id) for unit_id, doc_id, body in rows],
        )


def delete_rows(conn: Connection, unit_ids: Sequence[int]) -> None:
    """Remove the rows of these paragraph units (a few hundred at a time keeps a transaction short)."""
    for first in range(0, len(unit_ids), _CHUNK):
        sql = text(f"DELETE FROM {INDEX_TABLE} WHERE rowid IN :ids")
        conn.execute(
            sql.bindparams(bindparam("ids", expanding=True)), {"ids": list(unit_ids[first : first + _CHUNK])}
        )


def delete_document(conn: Connection, document_id: int) -> None:
    """Remove a document's rows (call it while the document's units still exist)."""
    # By rowid through the units' (document_id, kind, ordinal) index: a filter on the UNINDEXED
    # document_id column would read every row of the index.
    conn.execute(
        text(
            f"DELETE FROM {INDEX_TABLE} WHERE rowid IN "
            "(SELECT id FROM units WHERE document_id = :doc AND kind = 'paragraph')"
        ),
        {"doc": document_id},
    )


def indexed_documents(conn: Connection) -> dict[int, int]:
    """Rows per document id (a full scan of the index: for checks and tests, not for search)."""
    rows = conn.execute(
        text(f"SELECT document_id, count(*) FROM {INDEX_TABLE} GROUP BY document_id ORDER BY document_id")
    )
    return {int(doc): int(n) for doc, n in rows}


#: Documents whose import is still running (see :mod:`qualcode.ingest.unfinished`): never a hit.
_UNFINISHED = " AND u.document_id NOT IN (SELECT document_id FROM unfinished_imports)"


def _document_filter(documents: Sequence[int] | None) -> str:
    return ("" if documents is None else " AND u.document_id IN :docs") + _UNFINISHED


def _params(expression: str, documents: Sequence[int] | None) -> dict[str, object]:
    params: dict[str, object] = {"q": expression}
    if documents is not None:
        params["docs"] = list(documents)
    return params


def count(conn: Connection, expression: str, documents: Sequence[int] | None = None) -> int:
    """How many paragraphs match the FTS5 ``expression`` (in ``documents`` if given).

    Documents still being imported are left out.
    """
    # The join with units also drops any row whose unit no longer exists, so that the count
    # and the hits agree even on a damaged index.
    where = _document_filter(documents)
    sql = text(
        f"SELECT count(*) FROM {INDEX_TABLE} AS s JOIN units AS u ON u.id = s.rowid "
        f"WHERE {INDEX_TABLE} MATCH :q AND u.kind = 'paragraph'{where}"
    )
    if documents is not None:
        sql = sql.bindparams(bindparam("docs", expanding=True))
    return int(conn.execute(sql, _params(expression, documents)).scalar_one())


def match(
    conn: Connection,
    expression: str,
    limit: int,
    documents: Sequence[int] | None = None,
) -> list[tuple[int, int]]:
    """``(unit id, document id)`` of the first ``limit`` matching paragraphs.

    Ordered by document name, then paragraph number: the order of ``transcripts list``, the
    same for the same project whatever order its files were imported in.
    """
    where = _document_filter(documents)
    sql = text(
        f"SELECT u.id, u.document_id FROM {INDEX_TABLE} AS s "
        "JOIN units AS u ON u.id = s.rowid JOIN documents AS d ON d.id = u.document_id "
        f"WHERE {INDEX_TABLE} MATCH :q AND u.kind = 'paragraph'{where} "
        "ORDER BY d.name, u.ordinal LIMIT :limit"
    )
    if documents is not None:
        sql = sql.bindparams(bindparam("docs", expanding=True))
    params = _params(expression, documents) | {"limit": limit}
    return [(int(unit), int(doc)) for unit, doc in conn.execute(sql, params)]


# --- the lemma vocabulary -------------------------------------------------------------------


def known_tokens(conn: Connection, language: str, tokens: Iterable[str]) -> set[str]:
    """Those of ``tokens`` already in the vocabulary of ``language``."""
    sql = text(
        f"SELECT DISTINCT token FROM {VOCAB_TABLE} WHERE language = :lang AND token IN :tokens"
    ).bindparams(bindparam("tokens", expanding=True))
    wanted = sorted(set(tokens))
    known: set[str] = set()
    for i in range(0, len(wanted), _CHUNK):
        known.update(conn.execute(sql, {"lang": language, "tokens": wanted[i : i + _CHUNK]}).scalars().all())
    return known


def add_vocabulary(conn: Connection, language: str, pairs: Iterable[tuple[str, str]]) -> None:
    """Record ``(folded token, folded lemma)`` pairs for ``language`` (duplicates are ignored)."""
    rows = [{"token": token, "lang": language, "lemma": lemma} for token, lemma in sorted(set(pairs))]
    if rows:
        conn.execute(
            text(
                f"INSERT OR IGNORE INTO {VOCAB_TABLE} (token, language, lemma) VALUES (:token, :lang, :lemma)"
            ),
            rows,
        )


def vocabulary_languages(conn: Connection) -> list[str]:
    """The lemmatizer languages that have a vocabulary, sorted."""
    return list(conn.execute(text(f"SELECT DISTINCT language FROM {VOCAB_TABLE} ORDER BY 1")).scalars())


def lemmas_of(conn: Connection, token: str) -> list[tuple[str, str]]:
    """``(language, lemma)`` pairs recorded for a folded token."""
    rows = conn.execute(
        text(f"SELECT language, lemma FROM {VOCAB_TABLE} WHERE token = :token ORDER BY language, lemma"),
        {"token": token},
    )
    return [(str(lang), str(lemma)) for lang, lemma in rows]


def tokens_of(conn: Connection, language: str, lemma: str) -> list[str]:
    """Every folded token recorded with ``lemma`` in ``language``, sorted."""
    rows = conn.execute(
        text(f"SELECT token FROM {VOCAB_TABLE} WHERE language = :lang AND lemma = :lemma ORDER BY token"),
        {"lang": language, "lemma": lemma},
    )
    return [str(token) for token in rows.scalars()]
