"""Full-text search (qualcode.search): query language, script/case/diacritic blindness, lemmas,
keyword-in-context, index maintenance on import/remove/replace, the migration, and the command."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from qualcode.cli import _Group
from qualcode.cli import search as search_cli
from qualcode.documents import remove_document, show_document
from qualcode.errors import NotFound, QualcodeError
from qualcode.ingest.importer import ImportOptions, collect_paths, import_paths
from qualcode.search import (
    SearchQueryError,
    SearchResults,
    parse_query,
    rebuild_index,
    search,
)
from qualcode.search_query import MAX_DEPTH
from qualcode.store import fulltext, migrations
from qualcode.store.project import Project, init_project, open_project
from qualcode.text.fold import fold
from tests.conftest import SAMPLE
from tests.test_store_migrations import make_old_project

OPERATORS = """\
I: Dečje prosjačenje je rašireno u gradu?

R: Prosjaci su na raskrsnici, policija dolazi.

Policija i centar za socijalni rad sarađuju.

I: Centar je zatvoren.
"""
NAMES = """\
Đorđe je došao rano. Djordje je otišao kasno.

ЂОРЂЕ је ту, а Ђорђе није.

Nema nikoga.
"""
VICTIMS_SR = """\
Žrtva je prijavila slučaj.

Žrtve su zbrinute u skloništu.

Razgovarali smo sa žrtvama i porodicama.

Ovde nema ničega.
"""
VICTIMS_EN = """\
The victim spoke to us.

Two victims were children.

Nothing here.
"""


def _import(
    project: Project, path: Path, text: str, language: str | None = "sr-Latn", *, replace: bool = False
) -> None:
    path.write_text(text, encoding="utf-8")
    [result] = import_paths(project, [path], ImportOptions(language=language, replace=replace))
    assert result.status in ("imported", "replaced"), result.message


@pytest.fixture
def small(project: Project, tmp_path: Path) -> Project:
    """operatori (4 paragraphs, turns I/R/I), imena (Đorđe in both scripts), zrtve, victims."""
    _import(project, tmp_path / "operatori.txt", OPERATORS)
    _import(project, tmp_path / "imena.txt", NAMES)
    _import(project, tmp_path / "zrtve.txt", VICTIMS_SR)
    _import(project, tmp_path / "victims.txt", VICTIMS_EN, language="en")
    return project


def _where(results: SearchResults) -> list[tuple[str, int]]:
    return [(h.document, h.paragraph) for h in results.hits]


def _matched(results: SearchResults) -> list[list[str]]:
    return [[m.match for m in h.matches] for h in results.hits]


def _hits(results: SearchResults) -> list[tuple[str, int, list[tuple[int, int]]]]:
    return [(h.document, h.paragraph, [(m.start, m.end) for m in h.matches]) for h in results.hits]


# --- the query language ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expression"),
    [
        ("prosjačenje", '"prosjacenje"'),
        ("PROSJAČ*", '"prosjac" *'),
        ('"Dečje prosjačenje"', '"decje" + "prosjacenje"'),
        ("„dečje prosjačenje“", '"decje" + "prosjacenje"'),
        ('"dečje prosj*"', '"decje" + "prosj" *'),
        ("policija centar", '"policija" AND "centar"'),
        ("policija AND centar dete", '"policija" AND "centar" AND "dete"'),
        ("policija OR centar NOT beograd", '"policija" OR ("centar" NOT "beograd")'),
        ("(policija OR centar) AND dete", '("policija" OR "centar") AND "dete"'),
        ("a OR (b OR c)", '"a" OR "b" OR "c"'),
        ("a NOT b NOT c", '"a" NOT "b" NOT "c"'),
        ("a NOT (b NOT c)", '"a" NOT ("b" NOT "c")'),
        ("(a NOT b) NOT c", '("a" NOT "b") NOT "c"'),
        ("Ђорђе", '"djordje"'),
        ("anti-trafficking", '"anti" + "trafficking"'),
        # FTS5 syntax typed by a user is only text: it is folded, split into words and quoted.
        ("NEAR(policija centar)", '"near" AND "policija" AND "centar"'),
        ("body:policija ^centar -dete", '"body" + "policija" AND "centar" AND "dete"'),
        ("and or not", '"and" AND "or" AND "not"'),
        ('"AND"', '"and"'),
    ],
)
def test_parse_query(query: str, expression: str) -> None:
    assert parse_query(query) == expression


_PAREN_OPEN = "a ( is never closed; close it, e.g. (policija OR centar) AND dete"


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("", 'it is empty; search for a word, a "phrase" or a prefix*, e.g. prosjačenje'),
        ("   ", 'it is empty; search for a word, a "phrase" or a prefix*, e.g. prosjačenje'),
        ('"dečje prosjačenje', 'a " opens a phrase that is never closed; close it, e.g. "dečje prosjačenje"'),
        ("(policija OR centar", _PAREN_OPEN),
        ("policija AND (", _PAREN_OPEN),
        ("policija)", "a ) has no matching (; e.g. (policija OR centar) AND dete"),
        ("()", "the parentheses () are empty; put words inside, e.g. (policija OR centar)"),
        ('""', 'the phrase "" is empty; put words between the quotes, e.g. "dečje prosjačenje"'),
        ("pro*sjac", "* can only end a word (a prefix search such as prosjač*); check 'pro*sjac'"),
        ("*", "* can only end a word (a prefix search such as prosjač*); check '*'"),
        ("?!", "?! has no letters or digits to search for; search for words, e.g. prosjačenje"),
    ],
)
def test_malformed_query_message(query: str, message: str) -> None:
    with pytest.raises(SearchQueryError) as raised:
        parse_query(query)
    assert str(raised.value) == f"cannot read the search query: {message}"
    assert isinstance(raised.value, QualcodeError)


@pytest.mark.parametrize(
    ("query", "operator"),
    [
        ("AND policija", "AND"),
        ("policija AND", "AND"),
        ("policija OR", "OR"),
        ("NOT beograd", "NOT"),
        ("policija NOT", "NOT"),
        ("policija AND OR centar", "AND"),
        ("(OR centar)", "OR"),
    ],
)
def test_lone_operator_message(query: str, operator: str) -> None:
    example = {"AND": "policija AND centar", "OR": "policija OR centar", "NOT": "policija NOT beograd"}
    with pytest.raises(SearchQueryError) as raised:
        parse_query(query)
    assert str(raised.value) == (
        f"cannot read the search query: {operator} needs a word or phrase on each side, "
        f'e.g. {example[operator]} (to search for the word itself, quote it: "{operator.lower()}")'
    )


def _nested(depth: int) -> str:
    """``x OR (x AND (x OR (…)))``: every pair of parentheses adds an operator level."""
    query = "policija"
    for level in range(depth):
        query = f"centar {'AND' if level % 2 else 'OR'} ({query})"
    return query


def test_query_at_the_depth_limit_is_searched(small: Project) -> None:
    # The deepest query allowed must also be one FTS5 can parse, with --lemma's extra parentheses.
    for lemma in (False, True):
        assert search(small, _nested(MAX_DEPTH), lemma=lemma).total == 2
    assert search(small, "(" * MAX_DEPTH + "policija" + ")" * MAX_DEPTH).total == 2


@pytest.mark.parametrize(
    ("query", "depth"),
    [
        ("(" * 250 + "policija" + ")" * 250, 250),
        ("(" * 5000 + "policija", 5000),  # too deep is said before "never closed"
        (_nested(MAX_DEPTH + 1), MAX_DEPTH + 1),
        # Few parentheses, but each holds OR over AND over NOT: three operator levels apiece.
        ("a OR b c NOT (" * 9 + "d" + ")" * 9, 27),
    ],
)
def test_too_deep_query_names_the_limit(query: str, depth: int) -> None:
    with pytest.raises(SearchQueryError) as raised:
        parse_query(query)
    assert str(raised.value) == (
        f"cannot read the search query: it nests {depth} levels deep (parentheses and operators); "
        f"qualcode allows at most {MAX_DEPTH}; remove parentheses or split it into several searches"
    )


def test_long_flat_queries_are_not_deep(small: Project) -> None:
    # Long chains stay one level: FTS5 would overflow its parser stack on ~100 nested NOTs.
    assert search(small, "policija" + " NOT zmaj" * 3000).total == 2
    assert search(small, " OR ".join(["zmaj"] * 3000 + ["policija"])).total == 2
    assert search(small, " ".join(["policija"] * 3000)).total == 2


def test_malformed_query_is_refused_before_the_project_is_read(small: Project) -> None:
    with pytest.raises(SearchQueryError, match="never closed"):
        search(small, '"policija')


# --- what matches ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "where"),
    [
        ("prosjač*", [("operatori", 1), ("operatori", 2)]),
        ('"dečje prosjačenje"', [("operatori", 1)]),
        ('"prosjačenje dečje"', []),
        ("policija AND centar", [("operatori", 3)]),
        ("policija centar", [("operatori", 3)]),
        ("policija OR centar", [("operatori", 2), ("operatori", 3), ("operatori", 4)]),
        ("centar NOT policija", [("operatori", 4)]),
        ("(policija OR centar) NOT sarađuju", [("operatori", 2), ("operatori", 4)]),
        ("zmaj", []),
        ("policija AND zmaj", []),
    ],
)
def test_operators_prefixes_and_phrases(small: Project, query: str, where: list[tuple[str, int]]) -> None:
    results = search(small, query)
    assert _where(results) == where
    assert results.total == len(where)


def test_absent_word_finds_nothing(small: Project) -> None:
    results = search(small, "zmaj")
    assert (results.total, results.hits, results.understood) == (0, [], "zmaj")


@pytest.mark.parametrize("query", ["Đorđe", "Djordje", "DJORDJE", "djordje", "Ђорђе", "ђорђе", "Đorđ*"])
def test_dj_matches_in_every_spelling(small: Project, query: str) -> None:
    results = search(small, query)
    assert _where(results) == [("imena", 1), ("imena", 2)]
    assert _matched(results) == [["Đorđe", "Djordje"], ["ЂОРЂЕ", "Ђорђе"]]
    text = show_document(small, "imena").text
    assert [text[m.start : m.end] for h in results.hits for m in h.matches] == [
        "Đorđe",
        "Djordje",
        "ЂОРЂЕ",
        "Ђорђе",
    ]


def test_hit_carries_paragraph_turn_speaker_and_context(small: Project) -> None:
    text = show_document(small, "operatori").text
    results = search(small, "policija", context=12)
    first, second = results.hits
    para2 = "Prosjaci su na raskrsnici, policija dolazi."
    para3 = "Policija i centar za socijalni rad sarađuju."
    assert (first.document, first.paragraph, first.turn, first.speaker, first.t_start) == (
        "operatori",
        2,
        2,
        "R",
        None,
    )
    assert (first.start, first.end) == (text.index(para2), text.index(para2) + len(para2))
    [m] = first.matches
    assert (m.start, m.end) == (text.index("policija"), text.index("policija") + 8)
    assert (m.left, m.match, m.right) == ("raskrsnici, ", "policija", " dolazi.")
    # Paragraph 3 has no label of its own: it continues R's turn 2.
    assert (second.paragraph, second.turn, second.speaker) == (3, 2, "R")
    assert (second.start, second.end) == (text.index(para3), text.index(para3) + len(para3))
    [m] = second.matches
    assert (m.left, m.match, m.right) == ("", "Policija", " i centar za")


def test_header_paragraph_has_no_turn(project: Project, tmp_path: Path, runner: CliRunner) -> None:
    _import(
        project, tmp_path / "zapis.txt", "Intervju 3, Niš\n\nI: Gde ste bili?\n\nR: U Nišu.\n\nI: Hvala.\n"
    )
    [hit] = search(project, "intervju").hits
    assert (hit.paragraph, hit.turn, hit.speaker) == (1, None, None)
    result = runner.invoke(_app(), ["search", "nis*", "-p", str(project.path)])
    assert result.stdout.splitlines() == [
        "zapis ¶1 Intervju 3, [Niš]",
        "zapis ¶3 (turn 2, R) U [Nišu].",
        "2 paragraphs match nis*.",
    ]


def test_context_is_cut_at_word_boundaries(small: Project) -> None:
    [hit] = search(small, "rad", context=10).hits
    [m] = hit.matches
    # "centar za socijalni " and " sarađuju." cut to whole words within 10 characters.
    assert (m.left, m.match, m.right) == ("socijalni ", "rad", " sarađuju.")


def test_limit_caps_hits_not_total(small: Project) -> None:
    one = search(small, "policija OR centar", limit=1)
    assert (one.total, _where(one)) == (3, [("operatori", 2)])
    none = search(small, "policija OR centar", limit=0)
    assert (none.total, none.hits) == (3, [])
    with pytest.raises(QualcodeError, match="--limit"):
        search(small, "policija", limit=-1)


def test_hits_keep_their_order_across_batches(small: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("qualcode.search._CHUNK", 2)  # hit paragraphs are fetched in batches
    assert _where(search(small, "je")) == [
        ("imena", 1),
        ("imena", 2),
        ("operatori", 1),
        ("operatori", 4),
        ("zrtve", 1),
    ]


def test_doc_restricts_and_unknown_doc_is_named(small: Project) -> None:
    # "je" is in operatori ¶1 and ¶4, imena ¶1 and (Cyrillic "је") ¶2, zrtve ¶1.
    results = search(small, "je", documents=["imena"])
    assert (_where(results), results.documents, results.total) == ([("imena", 1), ("imena", 2)], ["imena"], 2)
    assert search(small, "je").total == 5
    assert search(small, "je", documents=["imena", "operatori"]).total == 4
    with pytest.raises(NotFound, match="no document named 'imen' in the project; did you mean imena"):
        search(small, "je", documents=["imen"])


def test_to_dict_is_plain_json(small: Project) -> None:
    data = search(small, '"dečje prosjačenje"').to_dict()
    text = show_document(small, "operatori").text
    start = text.index("prosjačenje") - len("Dečje ")
    assert json.loads(json.dumps(data)) == {
        "query": '"dečje prosjačenje"',
        "understood": '"decje prosjacenje"',
        "lemma": False,
        "documents": None,
        "total": 1,
        "limit": 50,
        "hits": [
            {
                "document": "operatori",
                "paragraph": 1,
                "turn": 1,
                "speaker": "I",
                "t_start": None,
                "t_end": None,
                "start": start,
                "end": start + len("Dečje prosjačenje je rašireno u gradu?"),
                "matches": [
                    {
                        "start": start,
                        "end": start + len("Dečje prosjačenje"),
                        "left": "",
                        "match": "Dečje prosjačenje",
                        "right": " je rašireno u gradu?",
                    }
                ],
            }
        ],
    }


def test_private_use_bullet_does_not_hide_a_word(project: Project, tmp_path: Path) -> None:
    # Word's Symbol-font bullets arrive as U+F0B7; SQLite's tokenizer would glue it to the word.
    _import(project, tmp_path / "bullets.txt", "\uf0b7policija dolazi\n\n\uf0b7centar\n")
    results = search(project, "policija")
    assert (_where(results), _matched(results)) == ([("bullets", 1)], [["policija"]])


# --- lemmas ---------------------------------------------------------------------------------


@pytest.mark.parametrize("query", ["žrtva", "ŽRTVE", "zrtvama", "жртва", "žrtvom", "жртвом"])
def test_lemma_finds_inflected_forms(small: Project, query: str) -> None:
    results = search(small, query, lemma=True)
    assert _where(results) == [("zrtve", 1), ("zrtve", 2), ("zrtve", 3)]
    assert _matched(results) == [["Žrtva"], ["Žrtve"], ["žrtvama"]]
    # žrtvom occurs nowhere: it was lemmatized at search time and adds itself to the forms.
    extra = " OR zrtvom" if fold(query) == "zrtvom" else ""
    assert results.understood == f"(zrtva OR zrtvama OR zrtve{extra})"


def test_without_lemma_only_the_form_typed(small: Project) -> None:
    assert _where(search(small, "žrtva")) == [("zrtve", 1)]


def test_lemma_leaves_phrases_and_prefixes_as_typed(small: Project) -> None:
    assert _where(search(small, '"žrtve su"', lemma=True)) == [("zrtve", 2)]
    assert search(small, "žrtv*", lemma=True).understood == "zrtv*"


def test_lemma_in_english(small: Project) -> None:
    results = search(small, "victims", lemma=True)
    assert (_where(results), results.understood) == ([("victims", 1), ("victims", 2)], "(victim OR victims)")
    assert _where(search(small, "victims")) == [("victims", 2)]


def test_lemma_with_operators(small: Project) -> None:
    results = search(small, "žrtva NOT sklonište", lemma=True)
    assert _where(results) == [("zrtve", 1), ("zrtve", 3)]
    # Excluded words are expanded too (skloništu is in the transcripts, sklonište is not).
    assert results.understood == "(zrtva OR zrtvama OR zrtve) NOT (skloniste OR sklonistu)"


def test_vocabulary_is_per_language_and_saturates(small: Project, tmp_path: Path) -> None:
    with small.read() as conn:
        assert fulltext.vocabulary_languages(conn) == ["en", "hbs"]
        assert fulltext.lemmas_of(conn, "zrtvama") == [("hbs", "zrtva")]
        assert fulltext.lemmas_of(conn, "children") == [("en", "child")]
        assert fulltext.tokens_of(conn, "hbs", "zrtva") == ["zrtva", "zrtvama", "zrtve"]
        rows = conn.exec_driver_sql("SELECT count(*) FROM search_vocab").scalar_one()
        # A second document with known words only adds nothing.
        assert fulltext.known_tokens(conn, "hbs", ["zrtva", "zrtve", "nepoznato"]) == {"zrtva", "zrtve"}
    _import(small, tmp_path / "opet.txt", "Žrtve i žrtva.\n")
    with small.read() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM search_vocab").scalar_one() == rows


# --- the sample study and real parliamentary transcripts -------------------------------------


def _paragraphs_with(project: Project, pattern: str) -> list[tuple[str, int, int]]:
    """(document, paragraph, occurrences) found by a regex over folded text: an independent oracle."""
    regex = re.compile(pattern)
    found = []
    with project.read() as conn:
        names = [r[0] for r in conn.exec_driver_sql("SELECT name FROM documents ORDER BY name")]
    for name in names:
        for unit in show_document(project, name, "paragraph").units:
            n = len(regex.findall(fold(unit.text)))
            if n:
                found.append((name, unit.number, n))
    return found


@pytest.fixture
def sample(project: Project) -> Project:
    results = import_paths(project, collect_paths([str(SAMPLE)]), ImportOptions())
    assert [r.status for r in results if r.status != "imported"] == []
    return project


def test_sample_study_same_hits_in_every_script_and_spelling(sample: Project) -> None:
    expected = _paragraphs_with(sample, r"\bprosjacenje\b")
    assert len(expected) == 25
    runs = [search(sample, q, limit=100) for q in ("prosjačenje", "prosjacenje", "PROSJAČENJE", "просјачење")]
    for results in runs:
        assert results.total == 25
        assert _hits(results) == _hits(runs[0])
    assert [(d, p, len(m)) for d, p, m in _hits(runs[0])] == expected
    assert {m for ms in _matched(runs[0]) for m in ms} == {
        "prosjačenje",
        "Prosjačenje",
        "просјачење",
        "Просјачење",
    }


def test_sample_study_timed_document_shows_time(sample: Project, runner: CliRunner) -> None:
    hit = next(h for h in search(sample, "prosjačenje").hits if h.document == "bs01_nvo_sarajevo")
    turns = show_document(sample, "bs01_nvo_sarajevo", "turn").units
    turn = next(t for t in turns if t.start <= hit.start and hit.end <= t.end)
    assert (hit.turn, hit.speaker) == (turn.number, turn.speaker)
    assert hit.t_start is not None
    result = runner.invoke(
        _app(), ["search", "prosjačenje", "--doc", "bs01_nvo_sarajevo", "-p", str(sample.path)]
    )
    s = hit.t_start // 1000
    assert f"bs01_nvo_sarajevo ¶{hit.paragraph} (turn {hit.turn}, {hit.speaker}, " in result.stdout
    assert f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}) " in result.stdout.splitlines()[0]


LATIN = "ParlaMint-RS_2022-02-14-0"
CYRILLIC = "ParlaMint-RS_2022-02-14-0.sr-Cyrl-transliterated"


@pytest.fixture
def parlamint(project: Project, corpus: Path) -> Project:
    folder = corpus / "transcripts" / "parlamint_bcms"
    paths = [folder / f"{LATIN}.txt", folder / "derived" / f"{CYRILLIC}.txt"]
    assert [r.status for r in import_paths(project, paths, ImportOptions())] == ["imported", "imported"]
    return project


def test_parlamint_latin_cyrillic_and_plain_queries_agree(parlamint: Project) -> None:
    runs = [search(parlamint, q) for q in ("skupština", "скупштина", "skupstina", "SKUPŠTINA")]
    for results in runs:
        assert _hits(results) == _hits(runs[0])
    assert _where(runs[0]) == [(LATIN, 1), (LATIN, 4), (CYRILLIC, 1), (CYRILLIC, 4)]
    assert _matched(runs[0]) == [["skupština"] * 4, ["skupština"] * 4, ["скупштина"] * 4, ["скупштина"] * 4]
    for name in (LATIN, CYRILLIC):
        text = show_document(parlamint, name).text
        assert {
            text[m.start : m.end].lower() for h in runs[0].hits if h.document == name for m in h.matches
        } == {"skupština" if name == LATIN else "скупштина"}


@pytest.mark.parametrize(
    ("query", "pattern"),
    [
        ("zakon*", r"\bzakon\w*"),
        ('"narodnih poslanika"', r"\bnarodnih poslanika\b"),
        ("Predlog OR zakon", r"\b(?:predlog|zakon)\b"),
        ("kvorum", r"\bkvorum\b"),
    ],
)
def test_parlamint_latin_and_cyrillic_give_the_same_paragraphs(
    parlamint: Project, query: str, pattern: str
) -> None:
    results = search(parlamint, query, limit=100)
    found = [(d, p, len(m)) for d, p, m in _hits(results)]
    assert found == _paragraphs_with(parlamint, pattern)
    latin = [(p, n) for d, p, n in found if d == LATIN]
    assert latin and latin == [(p, n) for d, p, n in found if d == CYRILLIC]


def test_parlamint_boolean_query(parlamint: Project) -> None:
    # Paragraphs with a word starting zakon- but without kvorum (an independent set computation).
    zakon = {(d, p) for d, p, _ in _paragraphs_with(parlamint, r"\bzakon\w*")}
    kvorum = {(d, p) for d, p, _ in _paragraphs_with(parlamint, r"\bkvorum\b")}
    results = search(parlamint, "zakon* NOT kvorum")
    assert _where(results) == sorted(zakon - kvorum) == [(LATIN, 2), (LATIN, 3), (CYRILLIC, 2), (CYRILLIC, 3)]


# --- keeping the index right ----------------------------------------------------------------


def _index_rows(project: Project) -> dict[str, int]:
    with project.read() as conn:
        by_id = fulltext.indexed_documents(conn)
        names: dict[int, str] = dict(conn.exec_driver_sql("SELECT id, name FROM documents").all())
        paragraphs: dict[int, int] = dict(
            conn.exec_driver_sql(
                "SELECT document_id, count(*) FROM units WHERE kind = 'paragraph' GROUP BY document_id"
            ).all()
        )
    assert by_id == paragraphs  # every paragraph, nothing else
    return {names.get(doc, f"missing {doc}"): n for doc, n in by_id.items()}


def test_index_has_one_row_per_paragraph(small: Project) -> None:
    assert _index_rows(small) == {"operatori": 4, "imena": 3, "zrtve": 4, "victims": 3}


def test_failed_import_leaves_no_index_rows(
    small: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with small.read() as conn:
        vocabulary = conn.exec_driver_sql("SELECT count(*) FROM search_vocab").scalar_one()

    def fail(*args: object, **kwargs: object) -> None:
        raise QualcodeError("the disk is full")

    # record_event runs after the index rows and the vocabulary, in the import's last transaction.
    monkeypatch.setattr("qualcode.ingest.writer.record_event", fail)
    path = tmp_path / "novo.txt"
    path.write_text("Zmaj sa sedam glava i nepoznatim rečima.\n", encoding="utf-8")
    [result] = import_paths(small, [path], ImportOptions(language="sr-Latn"))
    assert (result.status, result.message) == ("failed", "the disk is full")
    assert _index_rows(small) == {"operatori": 4, "imena": 3, "zrtve": 4, "victims": 3}
    assert search(small, "zmaj").total == 0
    with small.read() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM search_vocab").scalar_one() == vocabulary
        assert fulltext.lemmas_of(conn, "zmaj") == []


def test_remove_leaves_no_rows(small: Project) -> None:
    remove_document(small, "imena", "ana")
    assert _index_rows(small) == {"operatori": 4, "zrtve": 4, "victims": 3}
    assert search(small, "Đorđe").total == 0


def test_replace_leaves_no_stale_rows(small: Project, tmp_path: Path) -> None:
    _import(
        small, tmp_path / "operatori.txt", "I: Sasvim nov tekst.\n\nR: Bez ijedne stare reči.\n", replace=True
    )
    assert _index_rows(small) == {"operatori": 2, "imena": 3, "zrtve": 4, "victims": 3}
    assert search(small, "policija").total == 0
    assert _where(search(small, "stare")) == [("operatori", 2)]


def test_document_deleted_behind_the_index_back_does_no_harm(small: Project, tmp_path: Path) -> None:
    # A document deleted without unindexing (its index rows left behind) must not break the
    # next import nor show up in searches.
    with small.write() as conn:
        conn.exec_driver_sql(
            "DELETE FROM units WHERE document_id = (SELECT id FROM documents WHERE name = 'victims')"
        )
        conn.exec_driver_sql("DELETE FROM documents WHERE name = 'victims'")
    _import(small, tmp_path / "kasnije.txt", "Nešto sasvim drugo.\n\nI još jedan pasus.\n")
    assert search(small, "victim").total == 0
    assert _where(search(small, "pasus")) == [("kasnije", 2)]


def test_rebuild_index_gives_the_same_results(small: Project) -> None:
    before = [search(small, q, lemma=True).to_dict() for q in ("žrtva", "policija OR centar", "Đorđe")]
    assert rebuild_index(small) == 4
    assert [
        search(small, q, lemma=True).to_dict() for q in ("žrtva", "policija OR centar", "Đorđe")
    ] == before
    assert _index_rows(small) == {"operatori": 4, "imena": 3, "zrtve": 4, "victims": 3}


def test_schema_1_project_gets_its_index_on_upgrade(tmp_path: Path) -> None:
    with init_project(tmp_path / "new.db") as project:
        _import(project, tmp_path / "operatori.txt", OPERATORS)
        _import(project, tmp_path / "zrtve.txt", VICTIMS_SR)
        expected = search(project, "žrtva OR policija", lemma=True).to_dict()
    # The same documents in a project written before search: schema 1, built by its frozen SQL.
    path = tmp_path / "old.db"
    raw = make_old_project(path, 1)
    raw.execute("ATTACH DATABASE ? AS new", (str(tmp_path / "new.db"),))
    raw.execute("INSERT INTO documents SELECT * FROM new.documents")
    raw.execute("INSERT INTO units SELECT * FROM new.units")
    raw.commit()
    raw.close()
    with open_project(path) as project:
        assert project.upgraded == list(range(2, migrations.LATEST + 1))
        assert project.backup is not None and project.backup.exists()
        assert search(project, "žrtva OR policija", lemma=True).to_dict() == expected
        assert _index_rows(project) == {"operatori": 4, "zrtve": 4}
    backup = sqlite3.connect(project.backup)
    try:
        assert backup.execute("PRAGMA user_version").fetchone()[0] == 1
        assert (
            backup.execute("SELECT count(*) FROM sqlite_master WHERE name LIKE 'search_%'").fetchone()[0] == 0
        )
    finally:
        backup.close()


def test_new_project_has_the_search_tables(project: Project) -> None:
    with project.read() as conn:
        names = {
            r[0] for r in conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE name LIKE 'search_%'")
        }
    assert {"search_index", "search_vocab"} <= names


# --- the command ----------------------------------------------------------------------------


def _app() -> typer.Typer:
    app = typer.Typer(cls=_Group, pretty_exceptions_enable=False, rich_markup_mode=None)

    @app.callback()
    def main() -> None:
        """Test app holding only `search`."""

    search_cli.register(app)
    return app


def test_cli_prints_kwic_lines_and_total(small: Project, runner: CliRunner) -> None:
    result = runner.invoke(_app(), ["search", "policija", "-p", str(small.path)])
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "operatori ¶2 (turn 2, R) Prosjaci su na raskrsnici, [policija] dolazi.\n"
        "operatori ¶3 (turn 2, R) [Policija] i centar za socijalni rad sarađuju.\n"
        "2 paragraphs match policija.\n"
    )
    assert result.stderr == ""


def test_cli_words_as_separate_arguments_limit_and_doc(small: Project, runner: CliRunner) -> None:
    args = ["search", "policija", "OR", "centar", "--limit", "1", "--doc", "operatori", "-p", str(small.path)]
    result = runner.invoke(_app(), args)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "operatori ¶2 (turn 2, R) Prosjaci su na raskrsnici, [policija] dolazi.",
        "3 paragraphs match policija OR centar; showing 1 (--limit N shows more).",
    ]


def test_cli_marks_cut_context(small: Project, runner: CliRunner, tmp_path: Path) -> None:
    words = " ".join(f"reč{i}" for i in range(30))
    _import(small, tmp_path / "dugo.txt", f"{words} zmaj {words}\n")
    result = runner.invoke(_app(), ["search", "zmaj", "-p", str(small.path)])
    line = result.stdout.splitlines()[0]
    assert line.startswith("dugo ¶1 (turn 1) …") and line.endswith("…") and " [zmaj] " in line


def test_cli_json(small: Project, runner: CliRunner) -> None:
    result = runner.invoke(_app(), ["search", "Ђорђе", "--json", "-p", str(small.path)])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert (data["total"], data["understood"], data["lemma"]) == (2, "djordje", False)
    assert [[m["match"] for m in h["matches"]] for h in data["hits"]] == [
        ["Đorđe", "Djordje"],
        ["ЂОРЂЕ", "Ђорђе"],
    ]


def test_cli_lemma(small: Project, runner: CliRunner) -> None:
    result = runner.invoke(_app(), ["search", "žrtva", "--lemma", "-p", str(small.path)])
    assert result.stdout.splitlines()[-1] == "3 paragraphs match (zrtva OR zrtvama OR zrtve)."


def test_cli_no_hit(small: Project, runner: CliRunner) -> None:
    result = runner.invoke(_app(), ["search", "zmaj", "-p", str(small.path)])
    assert (result.exit_code, result.stdout) == (0, "0 paragraphs match zmaj.\n")


@pytest.mark.parametrize(
    ("args", "stderr"),
    [
        (["policija AND ("], f"Error: cannot read the search query: {_PAREN_OPEN}\n"),
        (["--doc", "nema", "policija"], None),
    ],
)
def test_cli_errors_are_one_line_exit_1(
    small: Project, runner: CliRunner, args: list[str], stderr: str | None
) -> None:
    result = runner.invoke(_app(), ["search", *args, "-p", str(small.path)])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("Error: ")
    if stderr is not None:
        assert result.stderr == stderr
    assert "Traceback" not in result.output


def test_cli_deeply_nested_query_is_one_error_line(small: Project, runner: CliRunner) -> None:
    before = small.path.read_bytes()
    query = "(" * 250 + "policija" + ")" * 250
    result = runner.invoke(_app(), ["search", query, "-p", str(small.path)])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith("Error: cannot read the search query: it nests 250 levels deep")
    assert result.stderr.count("\n") == 1 and f"at most {MAX_DEPTH}" in result.stderr
    assert small.path.read_bytes() == before


def test_cli_negative_limit_is_a_usage_error(small: Project, runner: CliRunner) -> None:
    result = runner.invoke(_app(), ["search", "policija", "--limit", "-1", "-p", str(small.path)])
    assert result.exit_code == 2
