"""Learned code suggestions (qualcode.suggest.features, .learned, .evaluation).

The corpus is synthetic and bilingual: interview-like units about three codes — children's
daily begging quotas, police fines, shelters — plus small talk without a code, written in
Serbian Latin, in Serbian Cyrillic (the same generator, transliterated with
``to_cyrillic``) and in English. Each unit draws one or two sentences per code from six
templates with varied amounts and places, so held-out units share words, not sentences,
with the training units.
"""

from __future__ import annotations

import math
import random
from collections import Counter

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qualcode.errors import QualcodeError
from qualcode.suggest import fitting, learned
from qualcode.suggest.evaluation import CodeScores, evaluate_learned, evaluate_predictions
from qualcode.suggest.features import FeatureSpace, lemma_text, normalise_for_features, segment
from qualcode.suggest.fitting import assign_folds
from qualcode.suggest.learned import SuggestInputError, train
from qualcode.text.script import to_cyrillic

QUOTA, FINES, SHELTER = "daily_quota", "police_fines", "shelter"
CODES = [QUOTA, FINES, SHELTER]

SERBIAN: dict[str | None, list[str]] = {
    QUOTA: [
        "Svako dete mora da donese {n} dinara dnevno, to im je kvota.",
        "Ako ne ispuni dnevnu kvotu, dete ne sme da se vrati kući.",
        "Kvota je bila {n} dinara na dan, a leti i više.",
        "Moraju da skupe kvotu pre mraka, inače ih tuku.",
        "Gazda određuje kolika je dnevna kvota za svako dete.",
        "Dnevna kvota stalno raste, sada je {n} dinara.",
    ],
    FINES: [
        "Policija ih je kaznila sa {n} dinara zbog prosjačenja.",
        "Dobili su novčanu kaznu na raskrsnici kod {p}.",
        "Policajci pišu kazne roditeljima svake nedelje.",
        "Kazne za prosjačenje niko ne plaća, pa dug raste.",
        "Komunalna policija ih stalno legitimiše i kažnjava.",
        "Platili su kaznu policiji od {n} dinara.",
    ],
    SHELTER: [
        "Noć su proveli u prihvatilištu za decu kod {p}.",
        "Prihvatilište ima samo dvadeset kreveta i uvek je puno.",
        "U prihvatilištu dobiju topao obrok i mogu da se okupaju.",
        "Socijalni radnici su ih smestili u prihvatilište preko zime.",
        "Deca beže iz prihvatilišta jer se plaše da će ih razdvojiti.",
        "Sklonište za decu je zatvoreno posle deset sati.",
    ],
    None: [
        "Škola počinje u osam, ali oni retko idu.",
        "Vreme je bilo hladno i kišovito celu nedelju.",
        "Njihova baka živi na selu i gaji kokoške.",
        "Razgovarali smo o fudbalu i muzici.",
        "Autobus kasni skoro svakog jutra.",
        "Brat voli da crta i da gleda crtaće.",
    ],
}
ENGLISH: dict[str | None, list[str]] = {
    QUOTA: [
        "Every child has to bring {n} dinars a day, that is their quota.",
        "If a child does not meet the daily quota, he cannot go home.",
        "The quota was {n} dinars a day, and more in summer.",
        "They must collect the quota before dark or they get beaten.",
        "The boss decides the daily quota for each child.",
        "The daily quota keeps growing, now it is {n} dinars.",
    ],
    FINES: [
        "The police fined them {n} dinars for begging.",
        "They got a fine at the crossroads near {p}.",
        "Police officers write fines to the parents every week.",
        "Nobody pays the fines for begging, so the debt grows.",
        "The municipal police keep checking and fining them.",
        "They paid a police fine of {n} dinars.",
    ],
    SHELTER: [
        "They spent the night in the children's shelter near {p}.",
        "The shelter has only twenty beds and is always full.",
        "In the shelter they get a warm meal and can wash.",
        "Social workers placed them in the shelter over the winter.",
        "Children run away from the shelter because they fear separation.",
        "The shelter for children closes after ten o'clock.",
    ],
    None: [
        "School starts at eight, but they rarely go.",
        "The weather was cold and rainy all week.",
        "Their grandmother lives in a village and keeps chickens.",
        "We talked about football and music.",
        "The bus is late almost every morning.",
        "The brother likes to draw and watch cartoons.",
    ],
}
PLACES = ["Slavije", "Autokomande", "Zelenog venca", "Novog Beograda", "Vukovog spomenika"]

Corpus = tuple[list[str], list[str], list[set[str]]]


def _unit(pool: dict[str | None, list[str]], rng: random.Random) -> tuple[str, set[str]]:
    codes = set(rng.sample(CODES, rng.choice([0, 1, 1, 1, 2])))
    sentences = [rng.choice(pool[code]) for code in sorted(codes)]
    if not codes or rng.random() < 0.5:
        sentences.append(rng.choice(pool[None]))
    rng.shuffle(sentences)
    text = " ".join(s.format(n=rng.choice([200, 300, 500, 1000]), p=rng.choice(PLACES)) for s in sentences)
    return text, codes


def make_corpus(
    per_language: int = 40, seed: int = 1, scripts: tuple[str, ...] = ("sr-Latn", "sr-Cyrl", "en")
) -> Corpus:
    """``per_language`` units in each of ``scripts``: 120 units by default."""
    rng = random.Random(seed)
    texts, languages, labels = [], [], []
    for language in scripts:
        for _ in range(per_language):
            text, codes = _unit(ENGLISH if language == "en" else SERBIAN, rng)
            texts.append(to_cyrillic(text) if language == "sr-Cyrl" else text)
            languages.append(language)
            labels.append(codes)
    return texts, languages, labels


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    return make_corpus()


@pytest.fixture(scope="module")
def model(corpus: Corpus) -> tuple[learned.CodeSuggester, learned.TrainingReport]:
    suggester, report = train(*corpus)
    assert suggester is not None
    return suggester, report


# --- features ------------------------------------------------------------------------------


def test_normalised_text_is_folded_latin_tokens() -> None:
    assert (
        normalise_for_features("Dnevna KVOTA: 500 dinara, đaci!", "sr-Latn")
        == "dnevna kvota 500 dinara djaci"
    )
    assert (
        normalise_for_features("Дневна КВОТА: 500 динара, ђаци!", "sr-Cyrl")
        == "dnevna kvota 500 dinara djaci"
    )


def test_lemmas_are_folded_dictionary_forms() -> None:
    assert lemma_text("Deca su donela kvote, a policija je pisala kazne.", "sr-Latn") == (
        "deca biti doneti kvota a policija biti pisati kazna"
    )
    assert lemma_text("Деца су донела квоте.", "sr-Cyrl") == "deca biti doneti kvota"
    assert lemma_text("The police fined the children.", "en") == "the police fine the child"
    # No lemmatizer for the language: folded tokens.
    assert lemma_text("Kvote, Đaci", "und") == "kvote djaci"


_SERBIAN_LATIN = "abcčćdđefghijklmnoprsštuvzž"


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.sampled_from(list(_SERBIAN_LATIN + _SERBIAN_LATIN.upper() + "  ,.!-")), max_size=60).map(
        "".join
    )
)
def test_both_scripts_give_identical_features(text: str) -> None:
    cyrillic = to_cyrillic(text)
    assert normalise_for_features(cyrillic, "sr-Cyrl") == normalise_for_features(text, "sr-Latn")
    assert lemma_text(cyrillic, "sr-Cyrl") == lemma_text(text, "sr-Latn")


def test_feature_blocks_equal_scikit_learns_tfidf(corpus: Corpus) -> None:
    # Independent implementation: TfidfVectorizer over the same normalised and lemma texts.
    from sklearn.feature_extraction.text import TfidfVectorizer

    texts, languages, _ = corpus
    train_part, new_part = slice(0, 90), slice(90, None)
    space, blocks = FeatureSpace.fit(segment(texts[train_part], languages[train_part]))
    new = space.transform(segment(texts[new_part], languages[new_part]))

    chars = TfidfVectorizer(
        analyzer="char_wb", ngram_range=(3, 5), lowercase=False, sublinear_tf=True, min_df=2
    )
    normal = [normalise_for_features(t, lang) for t, lang in zip(texts, languages, strict=True)]
    expected = chars.fit_transform(normal[train_part])
    order = [chars.vocabulary_[name] for name in space._chars.vectorizer.get_feature_names_out()]
    assert blocks.char.shape == expected.shape
    assert abs(blocks.char - expected[:, order]).max() < 1e-6
    assert abs(new.char - chars.transform(normal[new_part])[:, order]).max() < 1e-6

    words = TfidfVectorizer(
        tokenizer=str.split,
        token_pattern=None,
        lowercase=False,
        ngram_range=(1, 2),
        sublinear_tf=True,
        min_df=2,
    )
    lemmas = [lemma_text(t, lang) for t, lang in zip(texts, languages, strict=True)]
    expected = words.fit_transform(lemmas[train_part])
    names = space.lemma_names(np.arange(space.lemma_size))
    assert sorted(names) == sorted(words.vocabulary_)
    order = [words.vocabulary_[name] for name in names]
    assert abs(blocks.lemma - expected[:, order]).max() < 1e-6
    assert abs(new.lemma - words.transform(lemmas[new_part])[:, order]).max() < 1e-6


def test_units_without_words_have_empty_rows() -> None:
    space, blocks = FeatureSpace.fit(segment(["kvota kvota", "kvota kazna", "", "!!! ..."], ["sr"] * 4))
    assert blocks.lemma.getnnz(axis=1).tolist()[2:] == [0, 0]
    assert blocks.char.getnnz(axis=1).tolist()[2:] == [0, 0]
    assert space.lemma_names(np.arange(space.lemma_size)) == ["kvota"]  # "kazna": one unit only


# --- training and prediction ---------------------------------------------------------------


def test_report_of_a_trained_model(model: tuple[learned.CodeSuggester, learned.TrainingReport]) -> None:
    suggester, report = model
    assert report.codes == report.trained == suggester.codes == CODES
    assert report.too_few == {} and report.all_positive == []
    assert report.examples == 120
    assert report.model_version == suggester.version
    assert suggester.version.startswith("learned-2:") and len(suggester.version) == len("learned-2:") + 12
    assert set(report.calibration.values()) == {"sigmoid (Platt), 3-fold cross-validation"}
    assert report.note == "Learned 3 of 3 codes from 120 units."


def test_model_trained_on_latin_scores_cyrillic_transliterations_identically() -> None:
    texts, languages, labels = make_corpus(per_language=60, scripts=("sr-Latn", "en"))
    suggester, _ = train(texts, languages, labels)
    assert suggester is not None
    latin, _, truth = make_corpus(per_language=30, seed=7, scripts=("sr-Latn",))
    cyrillic = [to_cyrillic(text) for text in latin]
    assert cyrillic != latin
    on_latin = suggester.scores(latin, ["sr-Latn"] * len(latin))
    on_cyrillic = suggester.scores(cyrillic, ["sr-Cyrl"] * len(cyrillic))
    for a, b, codes in zip(on_latin, on_cyrillic, truth, strict=True):
        assert a.keys() == b.keys() == set(CODES)
        assert all(math.isclose(a[c], b[c], rel_tol=0, abs_tol=1e-9) for c in CODES)
        if len(codes) == 1:  # the right code comes first
            assert max(b, key=b.__getitem__) in codes


def test_predictions_are_ordered_thresholded_and_explained(
    model: tuple[learned.CodeSuggester, learned.TrainingReport],
) -> None:
    suggester, _ = model
    texts = [
        "Moraju da donesu dnevnu kvotu od 500 dinara.",
        "Policija im je opet napisala kaznu.",
        "The shelter was full, so they slept outside.",
        "Vreme je bilo lepo.",
    ]
    languages = ["sr-Latn", "sr-Latn", "en", "sr-Latn"]
    predictions = suggester.predict(texts, languages)
    assert [(p.unit, p.code) for p in predictions] == [(0, QUOTA), (1, FINES), (2, SHELTER)]
    assert all(0.5 <= p.probability <= 1 for p in predictions)
    scores = suggester.scores(texts, languages)
    assert [p.probability for p in predictions] == [scores[p.unit][p.code] for p in predictions]
    assert predictions[0].reason[0] == "kvota"
    assert "policija" in predictions[1].reason and "kazna" in predictions[1].reason
    assert predictions[2].reason[0] == "shelter"
    for p in predictions:
        assert 1 <= len(p.reason) <= learned.MAX_REASONS
        words = set(lemma_text(texts[p.unit], languages[p.unit]).split())
        assert all(set(reason.split()) <= words for reason in p.reason)  # present in the unit
        assert not {"je", "da", "the", "im", "biti"} & set(p.reason)  # stop words never explain
    everything = suggester.predict(texts, languages, min_probability=0.0)
    assert len(everything) == len(texts) * len(CODES)
    assert [p.unit for p in everything] == sorted(p.unit for p in everything)
    assert suggester.predict([], []) == []
    with pytest.raises(SuggestInputError):
        suggester.predict(texts, languages, min_probability=1.5)


def test_uncertainty_order_puts_the_closest_call_first(
    model: tuple[learned.CodeSuggester, learned.TrainingReport], corpus: Corpus
) -> None:
    suggester, _ = model
    texts, languages, _ = corpus
    order = suggester.uncertainty_order(texts[:30], languages[:30])
    assert sorted(order) == list(range(30))
    margins = [
        min(abs(p - 0.5) for p in unit.values()) for unit in suggester.scores(texts[:30], languages[:30])
    ]
    assert [margins[i] for i in order] == sorted(margins)
    assert suggester.uncertainty_order([], []) == []
    # One scoring pass gives both, identically.
    both = suggester.predict_and_order(texts[:30], languages[:30], min_probability=0.3)
    assert both == (suggester.predict(texts[:30], languages[:30], min_probability=0.3), order)


def test_scoring_in_batches_changes_nothing(
    model: tuple[learned.CodeSuggester, learned.TrainingReport],
    corpus: Corpus,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    suggester, _ = model
    texts, languages, _ = corpus
    whole = suggester.scores(texts, languages)
    predictions = suggester.predict(texts, languages)
    monkeypatch.setattr(learned, "BATCH", 7)
    batched = suggester.scores(texts, languages)
    assert all(
        math.isclose(a[c], b[c], rel_tol=0, abs_tol=1e-6)
        for a, b in zip(whole, batched, strict=True)
        for c in CODES
    )
    again = suggester.predict(texts, languages)
    assert [(p.unit, p.code, p.reason) for p in again] == [(p.unit, p.code, p.reason) for p in predictions]


def test_units_without_words_or_lemmatizer_are_scored(
    model: tuple[learned.CodeSuggester, learned.TrainingReport],
) -> None:
    suggester, _ = model
    scores = suggester.scores(["", "…", "Kvota je 500 dinara."], ["sr-Latn", "en", "und"])
    assert scores[0] == scores[1]  # no feature at all: each code's base rate, nothing more
    assert all(p < 0.5 for p in scores[0].values())
    assert max(scores[2], key=scores[2].__getitem__) == QUOTA  # character n-grams still match


def test_large_studies_fit_on_a_sample_of_the_units_without_the_code(monkeypatch: pytest.MonkeyPatch) -> None:
    y = np.zeros(100, dtype=bool)
    y[[3, 50, 97]] = True
    monkeypatch.setattr(fitting, "MIN_NEGATIVES", 20)
    rows = fitting.fit_rows(y, (0, 1))
    assert len(rows) == 3 + 30 and set(np.flatnonzero(y)) <= set(rows.tolist())  # 10 per unit with it
    assert rows.tolist() == sorted(rows.tolist()) == fitting.fit_rows(y, (0, 1)).tolist()
    assert rows.tolist() != fitting.fit_rows(y, (0, 2)).tolist()
    monkeypatch.setattr(fitting, "MIN_NEGATIVES", 5000)
    assert fitting.fit_rows(y, (0, 1)).tolist() == list(range(100))  # small study: every unit


def test_training_is_deterministic(corpus: Corpus) -> None:
    first, first_report = train(*corpus, seed=3)
    second, second_report = train(*corpus, seed=3)
    other, _ = train(*corpus, seed=4)
    assert first is not None and second is not None and other is not None
    assert first.version == second.version == first_report.model_version == second_report.model_version
    assert other.version != first.version
    texts, languages, _ = corpus
    assert first.predict(texts, languages) == second.predict(texts, languages)
    assert first.uncertainty_order(texts, languages) == second.uncertainty_order(texts, languages)


def test_codes_with_too_few_examples_are_reported(corpus: Corpus) -> None:
    texts, languages, labels = corpus
    labels = [set(codes) for codes in labels]
    labels[0].add("dog"), labels[1].add("dog")
    suggester, report = train(texts, languages, labels)
    assert suggester is not None
    assert report.too_few == {"dog": 2}
    assert report.codes == sorted([*CODES, "dog"]) and report.trained == CODES
    assert "dog" not in suggester.codes
    assert "fewer than 5 coded units: dog (2)" in report.note


def test_a_code_between_min_examples_and_calibration_uses_logistic_probabilities(corpus: Corpus) -> None:
    from sklearn.linear_model import LogisticRegression

    texts, languages, labels = corpus
    rare = [i for i, codes in enumerate(labels) if QUOTA in codes][:7]
    labels = [({"rare"} if i in rare else set()) for i in range(len(labels))]
    suggester, report = train(texts, languages, labels)
    assert suggester is not None
    assert report.calibration["rare"].startswith("none (logistic probability)")
    # The probability is the logistic regression's own, on the selected features.
    _, blocks = FeatureSpace.fit(segment(texts, languages))
    (member,) = suggester._members[0]
    x = _hstack(blocks)[:, member.columns]
    y = np.array([i in rare for i in range(len(texts))])
    reference = LogisticRegression(solver="liblinear", class_weight="balanced", random_state=0).fit(x, y)
    mine = np.array([unit["rare"] for unit in suggester.scores(texts, languages)])
    assert np.abs(mine - reference.predict_proba(x)[:, 1]).max() < 1e-5


def _hstack(blocks: object) -> object:
    import scipy.sparse as sp  # type: ignore[import-untyped]

    return sp.hstack([blocks.lemma, blocks.char], format="csr")  # type: ignore[attr-defined]


def test_calibration_equals_calibrated_classifier_cv(corpus: Corpus, monkeypatch: pytest.MonkeyPatch) -> None:
    # Independent implementation of the whole recipe, per fold: χ² selection, balanced
    # liblinear logistic regression, Platt's sigmoid on the held-out fold, mean of the three.
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.feature_selection import SelectKBest, chi2
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    monkeypatch.setattr(fitting, "FEATURES_PER_CODE", 300)
    texts, languages, labels = corpus
    suggester, _ = train(texts, languages, labels)
    assert suggester is not None
    _, blocks = FeatureSpace.fit(segment(texts, languages))
    x = _hstack(blocks)
    y = np.array([[code in unit for code in CODES] for unit in labels])
    folds = assign_folds(y, 3, 0)
    splits = [(np.flatnonzero(folds != f), np.flatnonzero(folds == f)) for f in range(3)]
    mine = np.array([[unit[code] for code in CODES] for unit in suggester.scores(texts, languages)])
    for j, _code in enumerate(CODES):
        pipeline = make_pipeline(
            SelectKBest(chi2, k=300),
            LogisticRegression(solver="liblinear", class_weight="balanced", random_state=0),
        )
        reference = CalibratedClassifierCV(pipeline, method="sigmoid", cv=splits).fit(x, y[:, j])
        assert np.abs(mine[:, j] - reference.predict_proba(x)[:, 1]).max() < 1e-5


def test_platt_sigmoid_equals_scikit_learns() -> None:
    # scikit-learn's public route: calibrate a frozen model whose decision value is the input.
    frozen = pytest.importorskip("sklearn.frozen", reason="FrozenEstimator needs scikit-learn 1.6+")
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.linear_model import LogisticRegression

    rng = np.random.default_rng(0)
    y = rng.random(3000) < 0.1
    decision = rng.normal(size=3000) + 2.5 * y - 1.0
    decision[:500] = 0.25  # a block of equal values, as units without any selected feature give
    identity = LogisticRegression().fit([[-1.0], [1.0]], [False, True])
    identity.coef_, identity.intercept_ = np.array([[1.0]]), np.array([0.0])
    reference = CalibratedClassifierCV(frozen.FrozenEstimator(identity), method="sigmoid")
    expected = reference.fit(decision[:, None], y).predict_proba(decision[:, None])[:, 1]
    slope, offset = fitting.platt(decision, y)
    assert np.abs(learned._sigmoid(slope * decision + offset) - expected).max() < 1e-7


def test_nothing_to_learn_gives_no_model_and_says_why(corpus: Corpus) -> None:
    texts, languages, _ = corpus
    suggester, report = train(texts, languages, [set() for _ in texts])
    assert suggester is None
    assert (report.codes, report.trained, report.too_few, report.examples) == ([], [], {}, 120)
    assert report.model_version == ""
    assert report.note.startswith("No unit has a code yet: code at least 5 units with each code")

    few = [({"a"} if i < 3 else {"b"} if i < 5 else set()) for i in range(len(texts))]
    suggester, report = train(texts, languages, few)
    assert suggester is None and report.too_few == {"a": 3, "b": 2}
    assert "fewer than 5 coded units: a (3), b (2)" in report.note

    suggester, report = train(texts[:10], languages[:10], [{"a"}] * 10)
    assert suggester is None and report.all_positive == ["a"] and report.too_few == {}
    assert "on every unit given: a" in report.note

    suggester, report = train([], [], [])
    assert suggester is None and report.examples == 0


def test_caller_mistakes_raise(corpus: Corpus) -> None:
    texts, languages, labels = corpus
    with pytest.raises(SuggestInputError, match="texts: 120, languages: 119, labels: 120"):
        train(texts, languages[:-1], labels)
    with pytest.raises(SuggestInputError):
        train(texts, languages, labels, min_examples=0)
    with pytest.raises(SuggestInputError):
        evaluate_learned(texts, languages, labels, folds=1)
    assert issubclass(SuggestInputError, QualcodeError)


def test_folds_spread_every_code_evenly() -> None:
    rng = np.random.default_rng(5)
    y = rng.random((200, 4)) < [0.02, 0.05, 0.2, 0.5]
    folds = assign_folds(y, 3, seed=1)
    assert np.array_equal(folds, assign_folds(y, 3, seed=1))
    assert np.bincount(folds).max() - np.bincount(folds).min() <= 1
    for j in range(2):  # the rarest codes: dealt out in turn
        per_fold = np.bincount(folds[y[:, j]], minlength=3)
        assert per_fold.max() - per_fold.min() <= 1


# --- evaluation ----------------------------------------------------------------------------

# Four units, three codes, scored by hand:
#   unit  true     scores                     suggested (≥ 0.5)
#   0     a, b     a .9  b .2  c .6           a, c
#   1     c        a .7  c .65                a, c
#   2     —        a .3                       —
#   3     b        c .55 b .3                 c
HAND_LABELS = [{"a", "b"}, {"c"}, set(), {"b"}]
HAND_SCORES = [{"a": 0.9, "b": 0.2, "c": 0.6}, {"a": 0.7, "c": 0.65}, {"a": 0.3}, {"c": 0.55, "b": 0.3}]


def test_scores_on_a_hand_made_case() -> None:
    result = evaluate_predictions("hand", HAND_LABELS, HAND_SCORES, ["a", "b", "c"], k=2)
    assert result.per_code == [
        CodeScores("a", 1, 1 / 2, 1.0, 2 / 3),  # suggested for units 0 and 1, right for 0
        CodeScores("b", 2, None, 0.0, 0.0),  # never suggested: precision undefined, F1 0
        CodeScores("c", 1, 1 / 3, 1.0, 1 / 2),  # suggested for 0, 1, 3, right for 1
    ]
    # micro: TP 2 (0a, 1c), FP 3 (1a, 0c, 3c), FN 2 (0b, 3b) -> 4 / 9
    assert result.micro_f1 == pytest.approx(4 / 9)
    # top-2: unit 0 [a, c] 1 hit of 2 true; unit 1 [a, c] 1 of 1; unit 3 [c, b] 1 of 1
    assert result.precision_at_k == pytest.approx(1 / 2)
    assert result.recall_at_k == pytest.approx((1 / 2 + 1 + 1) / 3)
    top1 = evaluate_predictions("hand", HAND_LABELS, HAND_SCORES, ["a", "b", "c"], k=1)
    # top-1: unit 0 [a] hit; unit 1 [a] miss; unit 3 [c] miss
    assert top1.precision_at_k == pytest.approx(1 / 3)
    assert top1.recall_at_k == pytest.approx((1 / 2) / 3)
    assert (result.method, result.folds, result.units, result.k, result.note) == ("hand", 0, 4, 2, "")


def test_kappa_on_the_hand_made_case() -> None:
    # 12 (unit, code) pairs; people say yes to 4, suggestions to 5; they agree on 7.
    # Po = 7/12; Pe = (4/12)(5/12) + (8/12)(7/12) = 76/144; kappa = (84 − 76) / (144 − 76) = 2/17.
    result = evaluate_predictions("hand", HAND_LABELS, HAND_SCORES, ["a", "b", "c"])
    assert result.kappa == pytest.approx(2 / 17)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.booleans(), st.floats(0, 1)), min_size=2, max_size=40))
def test_kappa_agrees_with_scikit_learn(pairs: list[tuple[bool, float]]) -> None:
    from sklearn.metrics import cohen_kappa_score

    labels = [{"x"} if human else set() for human, _ in pairs]
    scores = [{"x": score} for _, score in pairs]
    result = evaluate_predictions("p", labels, scores, ["x"])
    human = [int(h) for h, _ in pairs]
    suggested = [int(s >= 0.5) for _, s in pairs]
    if len(set(human) | set(suggested)) < 2:  # no variation at all: undefined
        assert result.kappa is None
    else:
        assert result.kappa == pytest.approx(cohen_kappa_score(human, suggested), abs=1e-12)


def test_undefined_scores_are_none_not_nan() -> None:
    result = evaluate_predictions("empty", [set(), set()], [{}, {}], ["a"])
    assert result.per_code == [CodeScores("a", 0, None, None, None)]
    assert (result.micro_f1, result.precision_at_k, result.recall_at_k, result.kappa) == (
        None,
        None,
        None,
        None,
    )
    nothing = evaluate_predictions("none", [], [], ["a"])
    assert nothing.per_code == [] and nothing.note == "Nothing scored: no units to score."
    with pytest.raises(SuggestInputError):
        evaluate_predictions("bad", [set()], [], ["a"])


def test_held_out_units_are_recovered_far_above_a_baseline(corpus: Corpus) -> None:
    texts, languages, labels = corpus
    result = evaluate_learned(texts, languages, labels, folds=5, seed=0)
    assert (result.method, result.folds, result.units, result.k) == ("learned", 5, 120, 3)
    assert [s.code for s in result.per_code] == CODES
    assert [s.support for s in result.per_code] == [Counter(c for u in labels for c in u)[c] for c in CODES]
    assert result.micro_f1 is not None and result.micro_f1 >= 0.8
    assert all(s.f1 is not None and s.f1 >= 0.7 for s in result.per_code)
    assert result.kappa is not None and result.kappa >= 0.7
    assert result.recall_at_k is not None and result.recall_at_k >= 0.9
    # Trivial baseline: suggest the most frequent code for every unit.
    common = Counter(c for u in labels for c in u).most_common(1)[0][0]
    baseline = evaluate_predictions("majority", labels, [{common: 1.0}] * len(labels), CODES)
    assert baseline.micro_f1 is not None and result.micro_f1 >= baseline.micro_f1 + 0.3
    assert result.note == "" and result.trained_codes == CODES


def test_evaluation_with_too_little_data_explains() -> None:
    texts, languages, _ = make_corpus(per_language=4)
    result = evaluate_learned(texts, languages, [set() for _ in texts])
    assert result.per_code == [] and result.micro_f1 is None
    assert result.note == "Nothing to evaluate: no unit has a code yet (and some units without it)."
    few = [({"a"} if i < 3 else set()) for i in range(len(texts))]
    assert evaluate_learned(texts, languages, few).note.startswith(
        "Nothing to evaluate: no code has 5 or more"
    )


def test_the_codebooks_words_carry_a_code_with_few_examples() -> None:
    from qualcode.suggest.deductive import code_evidence

    # Six units with the code and its keyword; the new unit shares only the keyword with them.
    # (The evaluation on the sample study shows the size of the effect: micro-F1 0.22 -> 0.44.)
    texts, languages, labels = make_corpus(per_language=40, seed=3, scripts=("sr-Latn",))
    new = ["Gazda im uzima pasoše čim stignu."]
    documents = code_evidence("documents", {"sr": ["pasoš"]})
    keyworded = [
        "Uzeli su mu pasoš odmah po dolasku.",
        "Pasoš drži gazda, ne deca.",
        "Bez pasoša ne mogu nigde da odu.",
        "Pasoše im je oduzeo čovek iz kombija.",
        "Kada je tražio pasoš, udario ga je.",
        "Pasoš mu nikada nisu vratili.",
    ]
    texts += keyworded
    languages += ["sr-Latn"] * len(keyworded)
    labels += [{"documents"} for _ in keyworded]
    plain, _ = train(texts, languages, labels)
    informed, report = train(texts, languages, labels, evidence=[documents])
    assert plain is not None and informed is not None
    assert report.model_version != plain.version  # the evidence is part of the model's identity
    without = plain.scores(new, ["sr-Latn"])[0]["documents"]
    with_words = informed.scores(new, ["sr-Latn"])[0]["documents"]
    assert with_words > without  # 0.86 against 0.81: the keyword adds to what the n-grams found
    (prediction,) = [
        p for p in informed.predict(new, ["sr-Latn"], min_probability=0.0) if p.code == "documents"
    ]
    assert prediction.reason[0] == "pasoš"  # the codebook's word comes first in the reason
