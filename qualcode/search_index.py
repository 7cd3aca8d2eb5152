"""Keeping the search index and the lemma vocabulary up to date, and reading the vocabulary.

The importer prepares a document's index rows and vocabulary words before it takes the write
lock (:func:`index_bodies`, :func:`vocabulary_words`, :func:`new_tokens`, :func:`lemma_pairs`)
and only inserts them inside its transactions. Everything else that adds documents (REFI-QDA
import, merge, undo) calls :func:`index_document` inside its write transaction, document
removal calls :func:`unindex_document` before the units go, migration 2 and
:func:`rebuild_index` index everything. The SQLite pieces are in :mod:`qualcode.store.fulltext`.

Lemmas are found at import time, for words the vocabulary has not seen yet only, which keeps
``--lemma`` searches read-only and fast. On the 3.2-million-word ``.txt`` benchmark the lemmas
cost ~1.4 s of a ~13 s import (about 1 s of it loading simplemma's hbs and en dictionaries once
per process), the index itself ~1.9 s; the import stays at ~250,000 words/s (target 100,000),
so deferring lemmas to the first ``--lemma`` search was not worth a search that writes.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import Connection, select

from qualcode.search_query import Expansions, Node, terms
from qualcode.store import fulltext
from qualcode.store.fulltext import TOKEN_PATTERN
from qualcode.store.models import DOCUMENTS, UNITS
from qualcode.text import lemmas
from qualcode.text.fold import fold

if TYPE_CHECKING:
    from qualcode.store.project import Project

__all__ = [
    "VocabularyWords",
    "index_all_documents",
    "index_bodies",
    "index_document",
    "lemma_forms",
    "lemma_pairs",
    "new_tokens",
    "rebuild_index",
    "unindex_document",
    "vocabulary_words",
]


def lemma_forms(conn: Connection, node: Node) -> Expansions:
    """For each bare word: every indexed token that shares one of its lemmas (``--lemma``)."""
    expansions: Expansions = {}
    languages: list[str] | None = None
    for term in terms(node):
        if not term.lemmatizable or term in expansions:
            continue
        token = term.tokens[0]
        pairs = set(fulltext.lemmas_of(conn, token))
        if not pairs and term.surface is not None:
            # A form that no transcript contains (žrtvama when only žrtve occurs): ask the
            # lemmatizer of every language the project has. A word the vocabulary knows is
            # not asked again, so an English "police" is not read as Serbian polica (shelves).
            if languages is None:
                languages = fulltext.vocabulary_languages(conn)
            for language in languages:
                pairs.add((language, lemmas.lemmatize([term.surface], language)[term.surface]))
        forms = {token}
        for language, lemma in sorted(pairs):
            forms.update(fulltext.tokens_of(conn, language, lemma))
        expansions[term] = tuple(sorted(forms))
    return expansions


#: Runs of letters: the words that can have a lemma (a token such as "covid19" gives "covid").
_LETTERS = re.compile(r"[^\W\d_]+")


@dataclass(frozen=True)
class VocabularyWords:
    """The words of some paragraphs as the vocabulary sees them (computed without the project)."""

    #: The lemmatizer's language (``hbs``, ``en``…).
    language: str
    #: Folded token -> the surface forms it was written in (Latin, lower case, diacritics kept).
    forms: dict[str, set[str]]


def vocabulary_words(language_tag: str, paragraphs: Sequence[str]) -> VocabularyWords | None:
    """The distinct words of ``paragraphs`` for the vocabulary, or None when the language has no lemmas.

    Pure computation: the importer runs it before it takes the write lock.
    """
    language = lemmas.lemma_language(language_tag)
    if language is None or not paragraphs:
        return None
    # Distinct words first, then one transliteration and one fold over them joined by "\n":
    # per-word calls cost more than the work itself (both maps keep "\n" and word boundaries).
    chunks = {chunk for paragraph in paragraphs for chunk in paragraph.split()}  # str.split is C-fast
    written = sorted(set(_LETTERS.findall("\n".join(chunks))))
    surfaces = lemmas.surface_form("\n".join(written)).split("\n")
    forms: dict[str, set[str]] = {}  # folded token -> its surface forms
    for surface, token in zip(surfaces, fold("\n".join(surfaces)).split("\n"), strict=True):
        forms.setdefault(token, set()).add(surface)
    return VocabularyWords(language, forms)


def new_tokens(conn: Connection, words: VocabularyWords) -> list[str]:
    """The tokens of ``words`` that the vocabulary has not seen yet, sorted (a read)."""
    return sorted(set(words.forms) - fulltext.known_tokens(conn, words.language, words.forms))


def lemma_pairs(words: VocabularyWords, tokens: Sequence[str]) -> list[tuple[str, str]]:
    """``(token, lemma)`` pairs for ``tokens`` of ``words``, one per surface form (no database).

    The vocabulary saturates (most words of a new interview were seen in earlier ones), so
    after the first few documents this is a few lookups.
    """
    if not tokens:
        return []
    lemma_of = lemmas.lemmatize(sorted({w for token in tokens for w in words.forms[token]}), words.language)
    return sorted({(token, lemma_of[w]) for token in tokens for w in words.forms[token]})


def _update_vocabulary(conn: Connection, language_tag: str, paragraphs: Sequence[str]) -> None:
    """Give lemmas to the words of ``paragraphs`` that the vocabulary has not seen yet."""
    words = vocabulary_words(language_tag, paragraphs)
    if words is not None:
        fulltext.add_vocabulary(conn, words.language, lemma_pairs(words, new_tokens(conn, words)))


# --- the index ------------------------------------------------------------------------------


#: Characters whose token/separator class SQLite's unicode61 and Python's ``re`` agree on for
#: certain: ASCII, Latin-1 punctuation and symbols, general punctuation („“ – … and spaces).
_UNAMBIGUOUS = re.compile(r"[^\x00-\x7f\u00a0-\u00bf\u2000-\u206f]")


def _index_form(folded: str) -> str:
    """The folded paragraph as FTS5 should see it: tokens exactly as :data:`TOKEN_PATTERN` finds them.

    For other characters the two tokenizers can disagree (unicode61 counts some private-use
    symbols from Word's bullet fonts as letters, and its Unicode tables are older), so such
    paragraphs are stored as their tokens joined by spaces; the KWIC lines, which re-read the
    original text with :data:`TOKEN_PATTERN`, then find exactly what the index matched.
    """
    if _UNAMBIGUOUS.search(folded) is None:
        return folded
    return " ".join(TOKEN_PATTERN.findall(folded))


def index_bodies(paragraphs: Sequence[str]) -> list[str]:
    """The index's body for each paragraph text: folded, in :func:`_index_form` (no database)."""
    return [_index_form(fold(text)) for text in paragraphs]


def index_document(conn: Connection, document_id: int) -> int:
    """Index a document's paragraphs (inside the caller's write transaction); return how many.

    Reads the text, the paragraph units and the language from the tables, writes one index row
    per paragraph and adds the document's new words to the lemma vocabulary. Indexing a
    document again replaces its rows.
    """
    doc = conn.execute(
        select(DOCUMENTS.c.text, DOCUMENTS.c.language).where(DOCUMENTS.c.id == document_id)
    ).one()
    units = conn.execute(
        select(UNITS.c.id, UNITS.c.start, UNITS.c.end)
        .where(UNITS.c.document_id == document_id, UNITS.c.kind == "paragraph")
        .order_by(UNITS.c.ordinal)
    ).all()
    texts = [doc.text[u.start : u.end] for u in units]
    bodies = index_bodies(texts)
    fulltext.insert_rows(conn, [(u.id, document_id, b) for u, b in zip(units, bodies, strict=True)])
    _update_vocabulary(conn, doc.language, texts)
    return len(units)


def unindex_document(conn: Connection, document_id: int) -> None:
    """Remove a document from the index (inside the caller's transaction, before its units go).

    Its words stay in the lemma vocabulary: a word with no paragraph left matches nothing.
    """
    fulltext.delete_document(conn, document_id)


def index_all_documents(conn: Connection) -> int:
    """Index every document (inside the caller's transaction); return how many."""
    ids = conn.execute(select(DOCUMENTS.c.id).order_by(DOCUMENTS.c.id)).scalars().all()
    for document_id in ids:
        index_document(conn, document_id)
    return len(ids)


def rebuild_index(project: Project) -> int:
    """Drop and rebuild the search index and the vocabulary in one transaction; return documents."""
    with project.write() as conn:
        fulltext.drop_tables(conn)
        fulltext.create_tables(conn)
        return index_all_documents(conn)
