"""The SQLite FTS5 layer (qualcode.store.fulltext): tokenizer agreement, rows, matching, vocabulary."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Connection, create_engine

from qualcode.search import SearchQueryError, parse_query
from qualcode.search_index import _index_form
from qualcode.store import fulltext
from qualcode.store.fulltext import TOKEN_PATTERN
from qualcode.text.fold import fold


@pytest.fixture
def conn() -> Iterator[Connection]:
    """A fresh in-memory database with the search tables and minimal documents/units tables."""
    engine = create_engine("sqlite://")
    with engine.connect() as connection:
        connection.exec_driver_sql("CREATE TABLE documents (id INTEGER PRIMARY KEY, name TEXT)")
        connection.exec_driver_sql(
            "CREATE TABLE units (id INTEGER PRIMARY KEY, document_id INT, kind TEXT, ordinal INT)"
        )
        connection.exec_driver_sql("CREATE TABLE unfinished_imports (document_id INTEGER PRIMARY KEY)")
        fulltext.create_tables(connection)
        yield connection
    engine.dispose()


def _terms(conn: Connection) -> set[str]:
    conn.exec_driver_sql(
        f"CREATE VIRTUAL TABLE IF NOT EXISTS temp.terms USING fts5vocab(main, {fulltext.INDEX_TABLE}, 'row')"
    )
    return {str(term) for term in conn.exec_driver_sql("SELECT term FROM temp.terms").scalars()}


# Letters of our languages and of others, digits of several kinds, punctuation a transcript
# holds („“ – … ’), symbols, marks, the underscore, private-use bullets from Word.
_ALPHABET = (
    "abcčćdđefghijklmnoprsštuvzžABCČĆDĐŠŽ"
    "абвгдђежзијклљмнњопрстћуфхцчџшЂЉЊЏ"
    "ёыэюяαβγΩäöüßéñøł"
    "0123456789²½٣"
    " \n\t.,;:!?-_'\"()[]{}/\\@#%&*+=<>|~^`$€"
    "\u00a0\u00ab\u00bb\u00b7\u2013\u2014\u2018\u2019\u201a\u201c\u201d\u201e\u2026\u2022\u2009\u200b"
    "\u0301\u0308\uf0b7\ue000\u2603\u00aa\u00b5"
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(alphabet=_ALPHABET, max_size=80))
def test_index_terms_are_exactly_our_tokens(conn: Connection, text: str) -> None:
    """Queries and keyword-in-context lines split folded text with TOKEN_PATTERN: FTS5 must agree."""
    fulltext.clear(conn)
    folded = fold(text)
    fulltext.insert_rows(conn, [(1, 1, _index_form(folded))])
    assert _terms(conn) == set(TOKEN_PATTERN.findall(folded))


def test_index_form_keeps_plain_text_and_rewrites_the_rest() -> None:
    assert _index_form("prosjacenje – „dete“, 15.000 dinara…") == "prosjacenje – „dete“, 15.000 dinara…"
    assert _index_form("\uf0b7policija, centar") == "policija centar"
    assert _index_form("москва язык") == "москва язык"  # other letters: tokens joined by spaces


def _setup(conn: Connection) -> None:
    conn.exec_driver_sql("INSERT INTO documents VALUES (1, 'b'), (2, 'a')")
    # Paragraph units of document b (ids 1-2) and a (ids 3-4), and one sentence unit (id 5).
    conn.exec_driver_sql(
        "INSERT INTO units VALUES (1, 1, 'paragraph', 1), (2, 1, 'paragraph', 2), "
        "(3, 2, 'paragraph', 1), (4, 2, 'paragraph', 2), (5, 2, 'sentence', 1)"
    )
    fulltext.insert_rows(conn, [(1, 1, "policija dolazi"), (2, 1, "centar i policija")])
    fulltext.insert_rows(conn, [(3, 2, "policija"), (4, 2, "nista")])


def test_match_orders_by_document_name_then_paragraph(conn: Connection) -> None:
    _setup(conn)
    assert fulltext.match(conn, '"policija"', 10) == [(3, 2), (1, 1), (2, 1)]
    assert fulltext.match(conn, '"policija"', 2) == [(3, 2), (1, 1)]
    assert fulltext.count(conn, '"policija"') == 3
    assert fulltext.match(conn, '"policija"', 10, documents=[1]) == [(1, 1), (2, 1)]
    assert fulltext.count(conn, '"policija"', documents=[1]) == 2
    assert fulltext.count(conn, '"policija"', documents=[]) == 0


def test_insert_replaces_a_row_under_the_same_unit_id(conn: Connection) -> None:
    _setup(conn)
    fulltext.insert_rows(conn, [(1, 1, "sasvim drugo")])
    assert fulltext.count(conn, '"dolazi"') == 0
    assert fulltext.match(conn, '"drugo"', 10) == [(1, 1)]
    assert fulltext.indexed_documents(conn) == {1: 2, 2: 2}


def test_delete_document_removes_only_its_rows(conn: Connection) -> None:
    _setup(conn)
    fulltext.delete_document(conn, 1)
    assert fulltext.indexed_documents(conn) == {2: 2}
    assert fulltext.match(conn, '"policija"', 10) == [(3, 2)]


def test_rows_without_a_paragraph_unit_are_never_counted(conn: Connection) -> None:
    _setup(conn)
    fulltext.insert_rows(conn, [(5, 2, "policija"), (99, 2, "policija")])  # a sentence, and no unit
    assert fulltext.count(conn, '"policija"') == 3
    assert [unit for unit, _ in fulltext.match(conn, '"policija"', 10)] == [3, 1, 2]


def test_clear_empties_index_and_vocabulary(conn: Connection) -> None:
    _setup(conn)
    fulltext.add_vocabulary(conn, "hbs", [("zrtve", "zrtva")])
    fulltext.clear(conn)
    assert fulltext.indexed_documents(conn) == {}
    assert fulltext.vocabulary_languages(conn) == []


def test_vocabulary(conn: Connection) -> None:
    fulltext.add_vocabulary(conn, "hbs", [("zrtve", "zrtva"), ("zrtvama", "zrtva"), ("zrtve", "zrtva")])
    fulltext.add_vocabulary(conn, "en", [("victims", "victim"), ("zrtve", "zrtve")])
    assert fulltext.vocabulary_languages(conn) == ["en", "hbs"]
    assert fulltext.lemmas_of(conn, "zrtve") == [("en", "zrtve"), ("hbs", "zrtva")]
    assert fulltext.tokens_of(conn, "hbs", "zrtva") == ["zrtvama", "zrtve"]
    assert fulltext.known_tokens(conn, "hbs", ["zrtve", "victims", "nova"]) == {"zrtve"}
    many = [f"t{i}" for i in range(1200)]  # more than one IN (...) chunk
    fulltext.add_vocabulary(conn, "en", [(t, t) for t in many])
    assert fulltext.known_tokens(conn, "en", [*many, "x"]) == set(many)


def test_drop_tables(conn: Connection) -> None:
    fulltext.drop_tables(conn)
    names = conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE name LIKE 'search%'").all()
    assert names == []


_QUERY_PIECES = st.sampled_from(
    [
        "policija",
        "Đorđe",
        "prosjač*",
        "*",
        "AND",
        "OR",
        "NOT",
        "(",
        ")",
        '"',
        "„",
        "“",
        "near",
        "NEAR",
        "^",
        ":",
        "-",
        "+",
        "col:x",
        "a*b",
        "15.000",
        "?",
        "'",
        "anti-trafficking",
        "ЖРТВЕ",
        "\\",
        "{",
        "}",
    ]
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(_QUERY_PIECES, max_size=8), st.lists(st.sampled_from(["", " "]), min_size=8, max_size=8))
def test_every_parsed_query_is_valid_fts5(conn: Connection, pieces: list[str], gaps: list[str]) -> None:
    """Whatever a user types either is refused with advice or is an expression FTS5 accepts."""
    query = "".join(piece + gap for piece, gap in zip(pieces, gaps, strict=False))
    try:
        expression = parse_query(query)
    except SearchQueryError:
        return
    fulltext.count(conn, expression)  # raises OperationalError on an FTS5 syntax error
