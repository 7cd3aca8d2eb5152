"""Inductive themes (qualcode.suggest.themes) and the stop-word lists (qualcode.suggest.stopwords).

The corpus is built here: three clear topics of a forced-begging study (daily quotas, police and
fines, shelters and school), 40 Serbian units each, every third unit the Cyrillic transliteration
of the unit before it, and interview fillers ("ovaj, znate", "(smeh)") in every unit. Fillers are
in about a third of the units each, below the TF-IDF max_df, so only the stop words keep them out
of the themes.
"""

from __future__ import annotations

import ast
import random
import re
from collections import Counter
from typing import Any

import pytest

from qualcode.errors import QualcodeError
from qualcode.suggest import themes
from qualcode.suggest.stopwords import ENGLISH, SERBO_CROATIAN, stop_words
from qualcode.suggest.themes import MIN_UNITS, ThemeResult, ThemesInputError, find_themes
from qualcode.text.fold import fold
from qualcode.text.script import to_cyrillic

TOPICS = {
    "quotas": [
        "Deca moraju da predaju dnevnu kvotu novca odraslima.",
        "Ako ne skupe normu, dobiju batine uveče.",
        "Kvota je bila hiljadu dinara dnevno.",
        "Sav novac od prosjačenja predaju gazdi.",
        "Prose na raskrsnici dok ne ispune normu.",
        "Zarada se broji svako veče i niko ne sme da zadrži novac.",
        "Gazda određuje kvotu i uzima zaradu.",
        "Prosjačenje počinje rano ujutru na raskrsnici.",
    ],
    "police": [
        "Policija ih privodi i piše prekršajne naloge.",
        "Roditelji dobiju novčanu kaznu za prekršaj.",
        "Policajci legitimišu decu na ulici.",
        "Kazne se gomilaju, a niko ih ne plaća.",
        "Prekršajni sud šalje rešenja o kazni.",
        "Policijska patrola dolazi svaki dan.",
        "Kaznu od deset hiljada niko nije platio.",
        "Privođenje traje nekoliko sati u stanici policije.",
    ],
    "shelters": [
        "Prihvatilište nudi krevet i obrok deci.",
        "Upis u školu je težak bez dokumenata.",
        "Učiteljica ih redovno posećuje u svratištu.",
        "Nastava u školi pomaže deci da se sklone sa ulice.",
        "Svratište je otvoreno celu noć.",
        "Socijalni radnici vode decu u prihvatilište.",
        "Škola traži izvod iz matične knjige rođenih.",
        "Deca u svratištu dobiju užinu i pomoć oko domaćih zadataka.",
    ],
}
FILLERS = [
    "Ovaj, znate,",
    "Pa eto,",
    "Mislim, dakle,",
    "(nerazumljivo)",
    "(smeh)",
    "Znači, kao,",
    "Jel, ono,",
]
PER_TOPIC = 40
#: Texts, language tags, true topics.
Corpus = tuple[list[str], list[str], list[str]]
CODES = {
    "Daily quotas": "kvota norma novac predaja",
    "Police and fines": "policija kazna prekršaj",
    "Schooling and shelters": "škola upis nastava prihvatilište",
    "Health": "bolnica lekar zdravlje",
}


def build_corpus(seed: int = 1) -> Corpus:
    """Texts, language tags and true topics; unit i with i % 3 == 2 is unit i-1 in Cyrillic."""
    rng = random.Random(seed)
    texts: list[str] = []
    languages: list[str] = []
    truth: list[str] = []
    for topic, sentences in TOPICS.items():
        for i in range(PER_TOPIC):
            if i % 3 == 2:
                texts.append(to_cyrillic(texts[-1]))
                languages.append("sr-Cyrl")
            else:
                first, second = rng.sample(sentences, 2)
                texts.append(f"{rng.choice(FILLERS)} {first} {rng.choice(FILLERS)} {second}")
                languages.append("sr-Latn")
            truth.append(topic)
    return texts, languages, truth


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    """The three-topic corpus (built once: simplemma and the fits are the slow part)."""
    return build_corpus()


@pytest.fixture(scope="module")
def three(corpus: Corpus) -> ThemeResult:
    """k=3, seed 0, with the codes: the result most tests inspect."""
    texts, languages, _ = corpus
    return find_themes(texts, languages, k=3, seed=0, codes=CODES)


def theme_of(result: ThemeResult) -> dict[int, int]:
    """Unit index -> theme number."""
    return {unit: theme.number for theme in result.themes for unit in theme.units}


def by_topic(result: ThemeResult, truth: list[str]) -> dict[str, Any]:
    """Each true topic's theme (the one holding most of its units)."""
    found = {}
    for theme in result.themes:
        majority, _ = Counter(truth[i] for i in theme.units).most_common(1)[0]
        found[majority] = theme
    return found


# --- stop words ---------------------------------------------------------------------------------


def test_stop_words_are_folded_and_cover_interview_fillers() -> None:
    serbian = stop_words(["sr-Cyrl"])
    assert {"ovaj", "znate", "dakle", "pa", "eto", "nerazumljivo", "smeh", "smijeh"} <= serbian
    # folded like the tokens they are matched against: što → sto, ćemo → cemo, gdje stays
    assert {"sto", "cemo", "gdje", "gde", "posle", "poslije"} <= serbian
    assert "što" not in serbian and "ćemo" not in serbian
    english = stop_words(["en"])
    assert {"um", "uh", "like", "you", "know", "inaudible", "laughs"} <= english


def test_stop_words_by_language_tag() -> None:
    assert stop_words(["sr"]) == stop_words(["hr"]) == stop_words(["bs-Latn"]) == stop_words(["sr-Cyrl"])
    assert stop_words(["de"]) == frozenset()
    assert stop_words(["sr", "en"]) == stop_words(["sr"]) | stop_words(["en"])
    # "more" (sea) and "most" (bridge) are Serbian content words: only English stops them
    assert "more" in stop_words(["en"]) and "more" not in stop_words(["sr"])
    assert "most" not in stop_words(["bs"])


def test_stop_word_lists_are_plain_lower_case_words_without_duplicates() -> None:
    for words in (SERBO_CROATIAN, ENGLISH):
        assert len(words) == len(set(words))
        assert all(re.fullmatch(r"[a-zčćđšž]+", w) for w in words), [w for w in words if not w.isalpha()]


# --- themes on the three-topic corpus ---------------------------------------------------------------


def test_each_topic_lands_in_one_theme(three: ThemeResult, corpus: Corpus) -> None:
    _, _, truth = corpus
    assert three.k == 3 and three.k_chosen_by == "given" and len(three.themes) == 3
    assert three.units_used == 3 * PER_TOPIC
    for theme in three.themes:
        counts = Counter(truth[i] for i in theme.units)
        purity = counts.most_common(1)[0][1] / len(theme.units)
        assert purity >= 0.9, (theme.label, counts)
    assert set(by_topic(three, truth)) == set(TOPICS)


def test_latin_and_cyrillic_versions_land_in_the_same_theme(three: ThemeResult, corpus: Corpus) -> None:
    texts, languages, _ = corpus
    where = theme_of(three)
    pairs = [(i - 1, i) for i in range(len(texts)) if languages[i] == "sr-Cyrl"]
    assert len(pairs) == 3 * (PER_TOPIC // 3)
    assert re.search("[а-ш]", texts[pairs[0][1]]) and not re.search("[а-ш]", texts[pairs[0][0]])
    assert all(where[latin] == where[cyrillic] for latin, cyrillic in pairs)


def test_terms_and_labels_are_readable_latin_words_of_the_topic(three: ThemeResult, corpus: Corpus) -> None:
    _, _, truth = corpus
    found = by_topic(three, truth)
    assert [t.number for t in three.themes] == [1, 2, 3]
    assert found["police"].terms[:3] == ["kazna", "gomilati", "placati"]
    assert found["police"].label == "kazne / gomilaju / plaća"
    assert found["quotas"].terms[:3] == ["novac", "predaja", "gazda"]
    assert found["quotas"].label == "novac / predaju / gazdi"
    assert found["shelters"].terms[:3] == ["svratiste", "skola", "deca"]
    assert found["shelters"].label == "svratištu / školi / deca"
    latin_text = " ".join(s.lower() for sentences in TOPICS.values() for s in sentences)
    for theme in three.themes:
        assert len(theme.terms) == 10
        for word in theme.label.split(" / "):
            assert word in latin_text  # a written form of the topic, never Cyrillic, never folded


def test_stop_words_keep_fillers_out_of_the_themes(
    three: ThemeResult, corpus: Corpus, monkeypatch: pytest.MonkeyPatch
) -> None:
    stops = stop_words(["sr"])
    assert not {term for theme in three.themes for term in theme.terms} & stops
    # Control: without stop words the same corpus does put fillers among the terms.
    texts, languages, _ = corpus
    monkeypatch.setattr(themes, "_stops", lambda language: frozenset())
    bare = find_themes(texts, languages, k=3, seed=0)
    assert {"znati", "ovaj", "eto", "dakle"} & {term for theme in bare.themes for term in theme.terms}


def test_same_seed_same_result_and_other_seeds_find_the_same_themes(
    three: ThemeResult, corpus: Corpus
) -> None:
    texts, languages, _ = corpus
    assert find_themes(texts, languages, k=3, seed=0, codes=CODES) == three
    other = find_themes(texts, languages, k=3, seed=7, codes=CODES)
    assert other.seed == 7
    assert {t.label for t in other.themes} == {t.label for t in three.themes}
    assert sorted(sorted(t.units) for t in other.themes) == sorted(sorted(t.units) for t in three.themes)


def test_hbs_language_tags_are_read_alike(three: ThemeResult, corpus: Corpus) -> None:
    texts, languages, _ = corpus
    mixed = [("hr", "bs", "sr-Latn")[i % 3] if tag == "sr-Latn" else tag for i, tag in enumerate(languages)]
    assert find_themes(texts, mixed, k=3, seed=0, codes=CODES) == three


def test_auto_k_picks_three_and_says_why(corpus: Corpus) -> None:
    texts, languages, _ = corpus
    result = find_themes(texts, languages, k="auto", seed=0)
    assert result.k == 3 and len(result.themes) == 3
    assert result.k_chosen_by.startswith("auto: highest stability (mean adjusted Rand index")
    assert "over k=3..12 on all 120 units: {3: 1.0, 4: " in result.k_chosen_by
    scores = ast.literal_eval(result.k_chosen_by[result.k_chosen_by.index("{") :])  # the scores tried
    assert sorted(scores) == list(range(3, 13)) and all(scores[3] > s for k, s in scores.items() if k > 4)
    assert find_themes(texts, languages, k="auto", seed=0) == result


def test_auto_k_range_is_capped(corpus: Corpus) -> None:
    texts, languages, _ = corpus
    assert "over k=3..5 " in find_themes(texts, languages, k="auto", max_k=5).k_chosen_by
    # at most one candidate per UNITS_PER_THEME units: 30 units → k up to 6
    small = find_themes(texts[:15] + texts[40:55], languages[:15] + languages[40:55], k="auto", max_k=12)
    assert "over k=3..6 " in small.k_chosen_by


def test_units_sizes_and_numbering(three: ThemeResult) -> None:
    sizes = [len(t.units) for t in three.themes]
    assert sizes == sorted(sizes, reverse=True)
    assert all(t.units == sorted(t.units) for t in three.themes)
    assert sum(sizes) == 3 * PER_TOPIC  # every unit is strongly about one topic here
    assert "120 units do, 0 fit no theme" in three.note


def test_representatives_come_from_different_documents(corpus: Corpus) -> None:
    texts, languages, _ = corpus
    # Eight interviews, units dealt round-robin: every theme spans all eight.
    documents = [f"interview-{i % 8}" for i in range(len(texts))]
    result = find_themes(texts, languages, k=3, seed=0, documents=documents)
    for theme in result.themes:
        assert len(theme.representatives) == 5
        assert len({documents[i] for i in theme.representatives}) == 5
        assert set(theme.representatives) <= set(theme.units)


def test_representatives_fill_up_from_the_same_document_when_few(corpus: Corpus) -> None:
    texts, languages, truth = corpus
    plain = find_themes(texts, languages, k=3, seed=0)
    police = by_topic(plain, truth)["police"]
    best = police.representatives[0]
    # All police units in one interview except two, each in an interview of its own.
    documents = ["main" if t == "police" else f"other-{i}" for i, t in enumerate(truth)]
    outliers = [u for u in police.units if u != best][-2:]
    documents[outliers[0]], documents[outliers[1]] = "second", "third"
    result = find_themes(texts, languages, k=3, seed=0, documents=documents)
    quotes = by_topic(result, truth)["police"].representatives
    assert len(quotes) == 5 and len(set(quotes)) == 5
    assert quotes[0] == best  # the strongest unit still comes first
    assert set(outliers) <= set(quotes)  # each other interview is quoted once before "main" repeats
    assert [documents[i] for i in quotes].count("main") == 3


def test_closest_code_finds_the_matching_code(three: ThemeResult, corpus: Corpus) -> None:
    _, _, truth = corpus
    found = by_topic(three, truth)
    assert found["quotas"].closest_code == "Daily quotas"
    assert found["police"].closest_code == "Police and fines"
    assert found["shelters"].closest_code == "Schooling and shelters"
    for theme in three.themes:
        assert theme.closest_similarity is not None and 0.2 < theme.closest_similarity <= 1.0


def test_closest_code_without_codes_or_without_shared_terms(corpus: Corpus) -> None:
    texts, languages, _ = corpus
    assert all(
        (t.closest_code, t.closest_similarity) == (None, None)
        for t in find_themes(texts, languages, k=3, seed=0).themes
    )
    unrelated = find_themes(texts, languages, k=3, seed=0, codes={"Health": "bolnica lekar zdravlje"})
    assert all((t.closest_code, t.closest_similarity) == (None, 0.0) for t in unrelated.themes)

    # A code's text in Cyrillic is read like the same text in Latin.
    latin = find_themes(texts, languages, k=3, seed=0, codes={"Q": "kvota norma novac predaja"})
    cyrillic = find_themes(
        texts, languages, k=3, seed=0, codes={"Q": to_cyrillic("kvota norma novac predaja")}
    )
    assert [t.closest_similarity for t in cyrillic.themes] == [t.closest_similarity for t in latin.themes]
    assert max(t.closest_similarity or 0 for t in cyrillic.themes) > 0.5


def test_english_units_are_lemmatized_and_stopped_in_english() -> None:
    rng = random.Random(3)
    police = ["The police wrote fines to the parents.", "Officers stopped the children at the crossroads."]
    school = ["Teachers enrolled the children in school.", "The shelter gives beds and meals to children."]
    fillers = ["Um, you know,", "Like, I mean,", "Uh, well,", "(laughs)", "[inaudible]"]
    texts = [
        f"{rng.choice(fillers)} {rng.choice(pair)} {rng.choice(fillers)} {rng.choice(pair)}"
        for pair in (police, school)
        for _ in range(15)
    ]
    result = find_themes(texts, ["en"] * 30, k=2, seed=0)
    terms = {term for theme in result.themes for term in theme.terms}
    assert {"fine", "enroll", "teacher", "officer"} <= terms  # lemmas: fines → fine, enrolled → enroll
    assert not terms & {"know", "like", "mean", "well", "laugh", "inaudible"}
    assert sorted(theme.units for theme in result.themes) == [list(range(15)), list(range(15, 30))]


# --- too little material, caller mistakes -----------------------------------------------------------


def test_too_few_units_gives_a_note_not_a_crash(corpus: Corpus) -> None:
    texts, languages, _ = corpus
    result = find_themes(texts[:10], languages[:10], k="auto", seed=3)
    assert result.themes == [] and result.k == 0 and result.seed == 3
    assert result.note.startswith("too little material for themes: 10 of 10 units")
    assert f"at least {MIN_UNITS} are needed" in result.note
    assert find_themes([], [], k=4).k == 4  # given k is reported as given
    assert find_themes([], []).note.startswith("too little material")


def test_fillers_and_numbers_only_leave_no_vocabulary() -> None:
    only_fillers = find_themes([f"{a} {b} (smeh)" for a in FILLERS for b in FILLERS], ["sr"] * 49)
    assert only_fillers.themes == [] and only_fillers.units_used == 0
    assert only_fillers.note.startswith("too little material for themes: 0 of 49 units have content words")
    # One content word in every unit ("godine"; numbers are never terms): pruned by max_df.
    texts = [f"{a} {b} (smeh) ovaj, znate, 2019. godine, 15%" for a in FILLERS for b in FILLERS]
    result = find_themes(texts, ["sr"] * len(texts))
    assert result.themes == [] and result.units_used == 0
    assert result.note.startswith("no term occurs in at least 2 and at most 50% of the units")
    # One term in half of the units: a vocabulary of one, nothing to split.
    one = find_themes([f"{a} kvota" if i % 2 else a for i, a in enumerate(FILLERS * 6)], ["sr"] * 42)
    assert (
        one.themes == []
        and one.units_used == 21
        and one.note == "only one term (kvota) is left after stop words and pruning: no themes"
    )


def test_k_larger_than_the_material_is_lowered(corpus: Corpus) -> None:
    texts, languages, _ = corpus
    result = find_themes(texts, languages, k=500, seed=0)
    assert result.k == 88 and result.note.startswith(
        "k=500 lowered to 88: there are only 88 terms and 120 units."
    )
    assert "topics had no unit of their own and are not shown" in result.note


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"texts": ["a", "b"], "languages": ["sr"]}, "2 texts but 1 languages"),
        ({"documents": ["d1"]}, "2 texts but 1 documents"),
        ({"k": 1}, "k must be a whole number of at least 2 or 'auto', not 1"),
        ({"k": "many"}, "not 'many'"),
        ({"k": True}, "not True"),
        ({"max_k": 1}, "max_k must be a whole number of at least 2"),
        ({"seed": -1}, "seed must be a whole number from 0"),
    ],
)
def test_caller_mistakes_raise(kwargs: dict[str, Any], message: str) -> None:
    arguments: dict[str, Any] = {"texts": ["a", "b"], "languages": ["sr", "sr"], **kwargs}
    with pytest.raises(ThemesInputError, match=re.escape(message)) as raised:
        find_themes(arguments.pop("texts"), arguments.pop("languages"), **arguments)
    assert isinstance(raised.value, QualcodeError)


def test_terms_are_folded_lemmas(three: ThemeResult) -> None:
    # folded: no diacritics, no Cyrillic, lower case (so they match search and the stop words)
    for theme in three.themes:
        assert all(term == fold(term) and term.isascii() for term in theme.terms)
