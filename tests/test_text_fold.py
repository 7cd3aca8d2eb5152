"""The folded matching form (qualcode.text.fold)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qualcode.text.fold import fold, fold_with_map
from qualcode.text.script import to_cyrillic


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Ђорђе Čović, ŠKOLA", "djordje covic, skola"),
        ("Đak ĐAK đak", "djak djak djak"),
        ("čćšžđ ČĆŠŽĐ", "ccszdj ccszdj"),
        ("Džep ЏЕП џеп", "dzep dzep dzep"),
        ("Љубав Његош", "ljubav njegos"),
        ("café Müller Łódź søren Straße", "cafe muller lodz soren strasse"),
        ("e\u0301 u\u0308", "e u"),  # decomposed input folds like composed input
        ("İstanbul", "istanbul"),  # casefold leaves i + U+0307; the mark is dropped
        ("ǅamija ǈubav ǋiva", "dzamija ljubav njiva"),
        # Letters of the Serbian azbuka are transliterated; other Cyrillic is only case-folded.
        ("Москва ЯЗЫК", "moskva яzыk"),
        ("2022. – „citat“", "2022. – „citat“"),
        ("", ""),
    ],
)
def test_fold(text: str, folded: str) -> None:
    assert fold(text) == folded


def test_fold_changes_length() -> None:
    # Documented: fold is for matching, never for offsets.
    assert len(fold("Đ")) == 2
    assert len(fold("ß")) == 2
    assert len(fold("e\u0301")) == 1


def test_query_without_diacritics_matches_either_script() -> None:
    assert fold("riječ") == fold("RIJEC") == fold("рИјеч") == "rijec"


_LATIN = "abcčćdđefghijklmnoprsštuvzž"
_latin_text = st.lists(
    st.sampled_from(list(_LATIN + _LATIN.upper() + "  ,.-")),
    max_size=80,
).map("".join)


@given(_latin_text)
def test_both_scripts_fold_the_same(text: str) -> None:
    assert fold(to_cyrillic(text)) == fold(text)


@given(_latin_text)
def test_fold_is_idempotent_and_plain(text: str) -> None:
    folded = fold(text)
    assert fold(folded) == folded
    assert folded.isascii()
    assert folded == folded.lower()


@pytest.mark.parametrize(
    ("text", "folded", "origin"),
    [
        ("Đak", "djak", [0, 0, 1, 2]),
        ("Ђорђе", "djordje", [0, 0, 1, 2, 3, 3, 4]),
        ("Љубав", "ljubav", [0, 0, 1, 2, 3, 4]),
        ("Straße", "strasse", [0, 1, 2, 3, 4, 4, 5]),
        ("e\u0301x", "ex", [0, 2]),  # the loose mark folds to nothing and has no entry
        ("plain ASCII", "plain ascii", list(range(11))),
        ("", "", []),
    ],
)
def test_fold_with_map(text: str, folded: str, origin: list[int]) -> None:
    assert fold_with_map(text) == (folded, origin)


# Any text, plus a dense share of the letters whose fold changes length.
_any_text = st.text(alphabet=st.one_of(st.characters(), st.sampled_from("đĐђЂљЉњЊџЏßǅİ\u0301ﬁ")), max_size=60)


@given(_any_text)
def test_fold_with_map_agrees_with_fold(text: str) -> None:
    folded, origin = fold_with_map(text)
    assert folded == fold(text)
    assert len(origin) == len(folded)
    assert all(0 <= i < len(text) for i in origin)
    assert origin == sorted(origin)
    # Each original character accounts for exactly its own fold.
    assert "".join(fold(text[i]) for i in sorted(set(origin))) == folded
