"""Full-text search over every transcript, blind to script, case and diacritics.

A query is matched against the *folded* paragraphs (see :mod:`qualcode.text.fold`):
``prosjacenje``, ``prosjačenje`` and ``просјачење`` find the same text, and so do ``Đorđe``,
``Djordje`` and ``Ђорђе``. The query language (:mod:`qualcode.search_query`):

* words (adjacent words must all occur: ``policija centar``), ``"phrases"`` (also „…“),
  prefixes (``prosjač*``);
* ``AND``, ``OR``, ``NOT`` (upper case; ``a NOT b`` excludes) and parentheses. ``NOT`` binds
  tightest, then ``AND``, then ``OR``, as in SQLite FTS5;
* with ``lemma=True`` every bare word also matches the other forms of its lemma that occur in
  the transcripts (``žrtva`` → ``žrtve``, ``žrtvama``); phrases and prefixes stay as typed.

**A hit is a paragraph** (units of kind ``paragraph``): ``total`` counts matching paragraphs,
``limit`` caps the paragraphs returned, and each hit lists every occurrence of the query's
words in it as keyword-in-context (``left`` / ``match`` / ``right``, from the original text).
Counting occurrences across the corpus would mean reading every matching paragraph, which the
index cannot do within a search's time budget.

Keeping the index current is :mod:`qualcode.search_index` (re-exported here); the SQLite FTS5
parts live in :mod:`qualcode.store.fulltext`; this module is portable.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, func, select

from qualcode.errors import QualcodeError
from qualcode.search_index import (
    index_all_documents,
    index_document,
    lemma_forms,
    rebuild_index,
    unindex_document,
)
from qualcode.search_query import Expansions, SearchQueryError, Term, parse, readable, terms, to_fts
from qualcode.store import fulltext
from qualcode.store.fulltext import TOKEN_PATTERN
from qualcode.store.models import DOCUMENTS, UNITS
from qualcode.text.fold import fold_with_map

if TYPE_CHECKING:
    from qualcode.store.project import Project

__all__ = [
    "Match",
    "SearchHit",
    "SearchQueryError",
    "SearchResults",
    "index_all_documents",
    "index_document",
    "parse_query",
    "rebuild_index",
    "search",
    "unindex_document",
]

DEFAULT_LIMIT = 50
DEFAULT_CONTEXT = 60
_CHUNK = 500


def parse_query(query: str) -> str:
    """Translate a query into a safe SQLite FTS5 MATCH expression over folded text.

    ``parse_query('prosjač* AND "Dečje prosjačenje" NOT Ђорђе')`` is
    ``'"prosjac" * AND ("decje" + "prosjacenje" NOT "djordje")'``. Every term is folded and
    quoted, so FTS5 syntax in user text (``NEAR``, ``^``, ``:``, ``-``) cannot break out.
    Raises :class:`SearchQueryError` for an unbalanced quote or parenthesis, an operator without
    a word on each side, a misplaced ``*`` or a term without letters or digits.
    """
    return to_fts(parse(query), {})


@dataclass
class Match:
    """One occurrence in a hit: document offsets and its context from the original text."""

    start: int
    end: int
    left: str
    match: str
    right: str


@dataclass
class SearchHit:
    """A matching paragraph: where it is, and every occurrence of the query's words in it."""

    document: str
    paragraph: int
    turn: int | None
    speaker: str | None
    t_start: int | None
    t_end: int | None
    start: int
    end: int
    matches: list[Match] = field(default_factory=list)


@dataclass
class SearchResults:
    """The outcome of :func:`search`."""

    query: str
    understood: str
    lemma: bool
    documents: list[str] | None
    total: int
    limit: int
    hits: list[SearchHit] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Plain data for ``--json``."""
        return asdict(self)


def search(
    project: Project,
    query: str,
    *,
    lemma: bool = False,
    limit: int = DEFAULT_LIMIT,
    documents: Sequence[str] | None = None,
    context: int = DEFAULT_CONTEXT,
) -> SearchResults:
    """Search every transcript (or the named ``documents``) for ``query``.

    Returns the number of matching paragraphs and the first ``limit`` of them, ordered by
    document name and paragraph number, each with its occurrences in keyword-in-context form
    (up to ``context`` characters each side, within the paragraph). See the module docstring
    for the query language.
    """
    if limit < 0 or context < 0:
        raise QualcodeError("--limit and the context width must be 0 or more")
    tree = parse(query)
    with project.read() as conn:
        expansions = lemma_forms(conn, tree) if lemma else {}
        expression = to_fts(tree, expansions)
        doc_ids = _document_ids(conn, documents) if documents is not None else None
        total = fulltext.count(conn, expression, doc_ids)
        rows = fulltext.match(conn, expression, limit, doc_ids) if limit else []
        hits = _hits(conn, [unit for unit, _ in rows])
    matcher = _matcher(terms(tree, positive_only=True), expansions)
    for hit, text in hits:
        hit.matches = _occurrences(text, hit.start, matcher, context)
    return SearchResults(
        query=query,
        understood=readable(tree, expansions),
        lemma=lemma,
        documents=sorted(set(documents)) if documents is not None else None,
        total=total,
        limit=limit,
        hits=[hit for hit, _ in hits],
    )


def _document_ids(conn: Connection, names: Sequence[str]) -> list[int]:
    from qualcode.documents import find_document

    rows = conn.execute(select(DOCUMENTS.c.name, DOCUMENTS.c.id).where(DOCUMENTS.c.name.in_(set(names))))
    found = {str(r.name): int(r.id) for r in rows}
    for name in names:
        if name not in found:
            find_document(conn, name)  # raises NotFound with the nearest names
    return sorted(found.values())


def _hits(conn: Connection, unit_ids: list[int]) -> list[tuple[SearchHit, str]]:
    """The hits for ``unit_ids`` in that order, with each paragraph's text."""
    if not unit_ids:
        return []
    turns = UNITS.alias("turns")
    turn = (
        select(turns.c.ordinal)
        .where(
            turns.c.document_id == UNITS.c.document_id,
            turns.c.kind == "turn",
            turns.c.start <= UNITS.c.start,
            turns.c.end >= UNITS.c.end,
        )
        .order_by(turns.c.ordinal)
        .limit(1)
        .scalar_subquery()
    )
    query = select(
        UNITS.c.id,
        DOCUMENTS.c.name,
        UNITS.c.ordinal,
        UNITS.c.start,
        UNITS.c.end,
        UNITS.c.speaker,
        UNITS.c.t_start,
        UNITS.c.t_end,
        turn.label("turn"),
        # Only the paragraph crosses into Python, not the whole transcript.
        func.substr(DOCUMENTS.c.text, UNITS.c.start + 1, UNITS.c.end - UNITS.c.start).label("text"),
    ).join(DOCUMENTS, DOCUMENTS.c.id == UNITS.c.document_id)
    rows = [
        row
        for i in range(0, len(unit_ids), _CHUNK)  # a large --limit must not exceed SQLite's parameters
        for row in conn.execute(query.where(UNITS.c.id.in_(unit_ids[i : i + _CHUNK])))
    ]
    by_id = {
        r.id: (
            SearchHit(r.name, r.ordinal, r.turn, r.speaker, r.t_start, r.t_end, r.start, r.end),
            str(r.text),
        )
        for r in rows
    }
    return [by_id[unit] for unit in unit_ids if unit in by_id]


# --- keyword in context ---------------------------------------------------------------------

_WHITESPACE = re.compile(r"\s")
# TOKEN_PATTERN's token character, and what separates tokens: a pattern over folded text that
# matches token sequences exactly as FTS5 does.
_TOKEN_CHAR = TOKEN_PATTERN.pattern.removesuffix("+")  # [^\W_]
_SEPARATOR = r"[\W_]+"


def _matcher(positive: list[Term], expansions: Expansions) -> re.Pattern[str]:
    """One regex over folded text for every term that a hit can contain (not those after NOT)."""
    alternatives = []
    # Longer phrases first, so "dečje prosjačenje" is shown whole rather than as "dečje".
    for term in sorted(positive, key=lambda t: -len(t.tokens)):
        forms = expansions.get(term)
        if forms:
            parts = ["(?:" + "|".join(map(re.escape, forms)) + ")"]
        else:
            parts = [
                re.escape(token) + (_TOKEN_CHAR + "*" if prefix else "")
                for token, prefix in zip(term.tokens, term.prefixes, strict=True)
            ]
        alternatives.append(_SEPARATOR.join(parts))
    return re.compile(f"(?<!{_TOKEN_CHAR})(?:{'|'.join(alternatives)})(?!{_TOKEN_CHAR})")


def _occurrences(text: str, offset: int, matcher: re.Pattern[str], context: int) -> list[Match]:
    """Every occurrence of the query's words in a paragraph's ``text`` (at document ``offset``).

    The match runs on the folded paragraph, with the index's token rule; the fold map puts it
    back on the original characters.
    """
    folded, origin = fold_with_map(text)
    matches: list[Match] = []
    for found in matcher.finditer(folded):
        begin, end = found.span()
        start = origin[begin]
        # The original end is where the next folded character came from, so that marks folded
        # away at the end of the word stay inside the match.
        stop = max(origin[end] if end < len(origin) else len(text), origin[end - 1] + 1)
        matches.append(
            Match(
                offset + start,
                offset + stop,
                _left(text, start, context),
                text[start:stop],
                _right(text, stop, context),
            )
        )
    return matches


def _left(text: str, start: int, width: int) -> str:
    """Up to ``width`` characters before ``start``, not beginning in the middle of a word."""
    begin = max(0, start - width)
    if begin > 0 and not text[begin - 1].isspace():
        space = _WHITESPACE.search(text, begin, start)
        begin = space.end() if space else begin
    return text[begin:start]


def _right(text: str, end: int, width: int) -> str:
    """Up to ``width`` characters after ``end``, not ending in the middle of a word."""
    stop = min(len(text), end + width)
    if stop < len(text) and not text[stop].isspace():
        cut = max((m.start() for m in _WHITESPACE.finditer(text, end, stop)), default=stop)
        stop = cut
    return text[end:stop]
