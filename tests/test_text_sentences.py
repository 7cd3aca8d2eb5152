"""Sentence splitting with BCMS and English abbreviations (qualcode.text.sentences)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qualcode.text.sentences import ABBREVIATIONS, ORDINAL_CONTEXT_WORDS, split_sentences

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
PARLAMINT = CORPUS / "transcripts" / "parlamint_bcms"
needs_corpus = pytest.mark.skipif(
    not PARLAMINT.is_dir(), reason=f"shared test corpus not found at {CORPUS} (clone it beside the repo)"
)


def sentences(text: str) -> list[str]:
    return [text[a:b] for a, b in split_sentences(text)]


def test_exact_spans() -> None:
    text = (
        "  Dobar dan. Kako ste?! Ja sam dr. Marko Marković, tj. moderator...  Počnimo.\n"
        "– Hvala, gđa. Jovanović."
    )
    assert split_sentences(text) == [(2, 12), (13, 23), (24, 67), (69, 77), (78, 102)]
    assert sentences(text) == [
        "Dobar dan.",
        "Kako ste?!",
        "Ja sam dr. Marko Marković, tj. moderator...",
        "Počnimo.",
        "– Hvala, gđa. Jovanović.",
    ]


def test_range_gives_absolute_offsets() -> None:
    text = "Prva. Druga rečenica. Treća."
    assert split_sentences(text, 6, 22) == [(6, 21)]
    assert split_sentences(text, 6) == [(6, 21), (22, 28)]
    assert split_sentences(text, 0, 3) == [(0, 3)]
    assert split_sentences(text, 5, 6) == []
    assert split_sentences("", 0) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # BCMS abbreviations, both scripts
        ("Došli su npr. Marko i Ana. Onda smo počeli.", ["Došli su npr. Marko i Ana.", "Onda smo počeli."]),
        ("То је тзв. Закон о раду. Крај.", ["То је тзв. Закон о раду.", "Крај."]),
        (
            "Г. Петровић и гђа. Јовановић, нпр. Марко. Ово је крај.",
            ["Г. Петровић и гђа. Јовановић, нпр. Марко.", "Ово је крај."],
        ),
        ("Vidi čl. 5 i str. 12. Dalje.", ["Vidi čl. 5 i str. 12.", "Dalje."]),
        ("Prof. Ivić, mr. Babić i gosp. Kovač. Hvala.", ["Prof. Ivić, mr. Babić i gosp. Kovač.", "Hvala."]),
        # itd., etc., sl. usually end the sentence
        (
            "Kupili smo jabuke, kruške itd. Onda smo otišli.",
            ["Kupili smo jabuke, kruške itd.", "Onda smo otišli."],
        ),
        # English
        (
            "Mr. Smith met Dr. Brown in the U.S. yesterday. Fine.",
            ["Mr. Smith met Dr. Brown in the U.S. yesterday.", "Fine."],
        ),
        (
            "See No. 5 for details. I said no. Then we left.",
            ["See No. 5 for details.", "I said no.", "Then we left."],
        ),
        ("Tools, e.g. NVivo, cost money. Yes.", ["Tools, e.g. NVivo, cost money.", "Yes."]),
        # initials, and when a single capital is a sentence end
        ("Pisao je J. Smith. M. Петровић se složio.", ["Pisao je J. Smith.", "M. Петровић se složio."]),
        ("Neither did I. Then we left.", ["Neither did I.", "Then we left."]),
        ("Firma d.o.o. Beograd je zatvorena. Kraj.", ["Firma d.o.o. Beograd je zatvorena.", "Kraj."]),
        # ordinals
        (
            "Podsećam da je članom 49. Zakona predviđeno. Saglasno članu 86. stav 2. Poslovnika, dobro.",
            ["Podsećam da je članom 49. Zakona predviđeno.", "Saglasno članu 86. stav 2. Poslovnika, dobro."],
        ),
        ("Prema čl. 49. Zakona to važi. Da.", ["Prema čl. 49. Zakona to važi.", "Da."]),
        ("Vidi str. 12. Dalje ide uvod.", ["Vidi str. 12.", "Dalje ide uvod."]),
        ("Održana je 14. februara 2022. godine. Zatim.", ["Održana je 14. februara 2022. godine.", "Zatim."]),
        ("Rođen je 14. Februara u Nišu. Da.", ["Rođen je 14. Februara u Nišu.", "Da."]),
        ("Datum je 14. 2. 2022. Nova rečenica.", ["Datum je 14. 2. 2022.", "Nova rečenica."]),
        ("Prisutno je 108. Zahvaljujem.", ["Prisutno je 108.", "Zahvaljujem."]),
        (
            "Dnevni red: 1. Odgovori na pitanja, 2. Usvajanje zapisnika. Počinjemo.",
            ["Dnevni red: 1. Odgovori na pitanja, 2. Usvajanje zapisnika.", "Počinjemo."],
        ),
        ("1. Uvod u temu", ["1. Uvod u temu"]),
        # punctuation runs, closers and openers
        ("Šta?! Stvarno... Da! Ok… Idemo.", ["Šta?!", "Stvarno...", "Da!", "Ok…", "Idemo."]),
        ('Rekao je: "Dosta." Onda je otišao.', ['Rekao je: "Dosta."', "Onda je otišao."]),
        ("(Smeh.) Nastavljamo. „Zašto?“ Ne znam.", ["(Smeh.)", "Nastavljamo.", "„Zašto?“", "Ne znam."]),
        ("Rekao je. – Dobro, idemo.", ["Rekao je.", "– Dobro, idemo."]),
        # no split before a lower-case word, after a decimal point, or at a soft line break
        (
            "Rekao je... i onda otišao. Cena je 3.5 dinara.",
            ["Rekao je... i onda otišao.", "Cena je 3.5 dinara."],
        ),
        (
            "Ovo je prvi red\nkoji se nastavlja. A ovo\nne.",
            ["Ovo je prvi red\nkoji se nastavlja.", "A ovo\nne."],
        ),
        ("Kraj rečenice.\nNova rečenica.", ["Kraj rečenice.", "Nova rečenica."]),
        ("Rekao je „Zašto?“ i otišao.", ["Rekao je „Zašto?“ i otišao."]),
    ],
)
def test_splits(text: str, expected: list[str]) -> None:
    assert sentences(text) == expected


@needs_corpus
def test_parlamint_opening() -> None:
    line = (PARLAMINT / "ParlaMint-RS_2022-02-14-0.txt").read_text(encoding="utf-8").splitlines()[0]
    start = line.index("\t") + 1
    got = [line[a:b] for a, b in split_sentences(line, start)]
    assert got[:5] == [
        "Poštovane dame i gospodo narodni poslanici, otvaram sednicu Osamnaestog vanrednog zasedanja "
        "Narodne skupštine Republike Srbije u Dvanaestom sazivu.",
        "Na osnovu službene evidencije o prisutnosti narodnih poslanika, konstatujem da sednici "
        "prisustvuje 108 narodnih poslanika.",
        "Podsećam vas da je članom 49. Zakona o Narodnoj skupštini predviđeno da kvorum za rad Narodne "
        "skupštine prilikom svakog odlučivanja postoji ako je na sednici prisutna većina od ukupnog "
        "broja svih narodnih poslanika.",
        "Radi utvrđivanja broja narodnih poslanika prisutnih u sali, molim poslanike da ubace svoje "
        "kartice u poslaničke jedinice.",
        "Zahvaljujem.",
    ]
    assert got[6].startswith("Saglasno članu 86. stav 2. Poslovnika Narodne skupštine, obaveštavam vas")
    assert got[6].endswith(
        "zbog potrebe da Narodna skupština što pre razmotri Predlog zakona iz određenog dnevnog reda."
    )


def test_abbreviation_sets_cover_both_scripts_and_english() -> None:
    for abbreviation in (
        "npr",
        "нпр",
        "tj",
        "тј",
        "gđa",
        "гђа",
        "itd",
        "итд",
        "čl",
        "чл",
        "e.g",
        "i.e",
        "mr",
        "mrs",
    ):
        assert abbreviation in ABBREVIATIONS
    assert {"članom", "чланом", "stav", "став", "tačka"} <= ORDINAL_CONTEXT_WORDS
    assert all(a == a.lower() for a in ABBREVIATIONS)


_pieces = st.sampled_from(
    [
        "Ana", "je", "došla", "npr", "dr", "Marko", "J", "49", "2022", "godine", "Zakona", "članom",
        "I", "then", "Šta", "ђак", "Ђорђе", "e.g", "U.S", "itd", "(smeh", "„citat“", "–", "...", "…",
        ".", "?", "!", "?!", ",", '"', "'", ")", "(",
    ]
)  # fmt: skip
_spaces = st.sampled_from([" ", "  ", "\n", "\t", "", " \u00a0"])
_text = st.lists(st.tuples(_pieces, _spaces), max_size=40).map(lambda xs: "".join(p + s for p, s in xs))


@given(_text, st.integers(min_value=0, max_value=200), st.integers(min_value=0, max_value=200))
def test_span_invariants(text: str, a: int, b: int) -> None:
    start, end = min(a, b, len(text)), min(max(a, b), len(text))
    spans = split_sentences(text, start, end)
    previous_end = start
    for s, e in spans:
        assert previous_end <= s < e <= end  # in order, non-overlapping, within bounds, non-empty
        assert not text[s].isspace() and not text[e - 1].isspace()  # stripped
        previous_end = e
    covered = {i for s, e in spans for i in range(s, e)}
    assert all(i in covered for i in range(start, end) if not text[i].isspace())


@given(_text)
def test_whole_text_is_the_default_range(text: str) -> None:
    assert split_sentences(text) == split_sentences(text, 0, len(text))
