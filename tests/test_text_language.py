"""Language and script guessing (qualcode.text.language)."""

from __future__ import annotations

from pathlib import Path

import pytest

from qualcode.text.language import MIN_WORDS, SAMPLE_CHARS, LanguageGuess, detect_language
from qualcode.text.script import to_cyrillic

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
needs_corpus = pytest.mark.skipif(
    not CORPUS.is_dir(), reason=f"shared test corpus not found at {CORPUS} (clone it beside the repo)"
)

# Short texts written for these tests (not from any source).
SERBIAN_EKAVIAN = (
    "Juče sam bio u opštini da predam zahtev za dete. Službenik mi je rekao da nema vremena i da "
    "dođem sledeće nedelje, pre podne. Mislim da je to lepo mesto, ali uvek čekamo dugo."
)
CROATIAN = (
    "Prošli tjedan bio sam kod liječnika jer me boljelo koljeno. Tko bi rekao da ću čekati tri "
    "sata? Obitelj mi je rekla da uvijek odem prije podne, ali nisam htio, jer ne znam gdje je to mjesto."
)
BOSNIAN = (
    "Prošle sedmice sam bio kod ljekara jer me boljelo koljeno. Ko bi rekao da ću čekati tri "
    "sata? Porodica mi je rekla da uvijek odem prije podne, ali nisam htio, jer ne znam gdje je "
    "to mjesto i nemam para ni za kafu."
)
ENGLISH = (
    "We talked about the project for a while, and then she told me that the committee had not "
    "decided anything yet, because they were still waiting for the budget from the district."
)
RUSSIAN = (
    "Мы долго говорили о проекте, и потом она сказала мне, что комитет ещё ничего не решил, "
    "потому что они всё ещё ждут бюджет от города и области, а это займёт время."
)


def _read(relative: str, encoding: str = "utf-8") -> str:
    return (CORPUS / relative).read_text(encoding=encoding)


@needs_corpus
@pytest.mark.parametrize(
    ("relative", "encoding", "code", "script", "marker"),
    [
        ("transcripts/parlamint_bcms/ParlaMint-RS_2022-02-14-0.txt", "utf-8", "sr-Latn", "Latn", "sednice"),
        ("transcripts/parlamint_bcms/ParlaMint-BA_2006-07-07-0.txt", "utf-8", "bs", "Latn", "zahtjev"),
        (
            "transcripts/parlamint_bcms/derived/ParlaMint-RS_2022-02-14-0.sr-Cyrl-transliterated.txt",
            "utf-8",
            "sr-Cyrl",
            "Cyrl",
            "Cyrillic",
        ),
        ("fixtures/encodings/chardet_windows-1250-croatian_ude_1.txt", "cp1250", "hr", "Latn", "tisuća"),
        ("transcripts/qualitative-coding_demo/admin-1.txt", "utf-8", "en", "Latn", "English"),
        ("transcripts/qc_example_spanish_GPL3/entrevista_reinoso.txt", "utf-8", "und", "Latn", "neither"),
    ],
)
def test_real_transcripts(relative: str, encoding: str, code: str, script: str, marker: str) -> None:
    guess = detect_language(_read(relative, encoding))
    assert (guess.code, guess.script, guess.mixed_script) == (code, script, False)
    assert marker in guess.reason
    assert 0.0 <= guess.confidence <= 1.0
    if code != "und":
        assert guess.confidence >= 0.9


@needs_corpus
def test_reasons_name_the_deciding_markers() -> None:
    rs = detect_language(_read("transcripts/parlamint_bcms/ParlaMint-RS_2022-02-14-0.txt"))
    assert rs.reason.startswith("ekavian forms (zasedanja ×10, sednice ×10")
    assert "outnumber ijekavian (none)" in rs.reason
    ba = detect_language(_read("transcripts/parlamint_bcms/ParlaMint-BA_2006-07-07-0.txt"))
    assert ba.reason.startswith("ijekavian forms (zahtjev ×13")
    assert "Croatian (none)" in ba.reason


@needs_corpus
def test_half_latin_half_cyrillic_is_mixed_and_follows_the_majority() -> None:
    text = _read("transcripts/parlamint_bcms/ParlaMint-RS_2022-02-14-0.txt")
    cut = len(text) // 2
    latin_first = detect_language(text[: cut + 2000] + to_cyrillic(text[cut + 2000 :]))
    assert (latin_first.code, latin_first.script, latin_first.mixed_script) == ("sr-Latn", "Latn", True)
    cyrillic_first = detect_language(to_cyrillic(text[: cut + 2000]) + text[cut + 2000 :])
    assert (cyrillic_first.code, cyrillic_first.script, cyrillic_first.mixed_script) == (
        "sr-Cyrl",
        "Cyrl",
        True,
    )


@pytest.mark.parametrize(
    ("text", "code", "script"),
    [
        (SERBIAN_EKAVIAN, "sr-Latn", "Latn"),
        (to_cyrillic(SERBIAN_EKAVIAN), "sr-Cyrl", "Cyrl"),
        (CROATIAN, "hr", "Latn"),
        (BOSNIAN, "bs", "Latn"),
        (ENGLISH, "en", "Latn"),
        (RUSSIAN, "und", "Cyrl"),
    ],
)
def test_written_examples(text: str, code: str, script: str) -> None:
    guess = detect_language(text)
    assert (guess.code, guess.script, guess.mixed_script) == (code, script, False)


def test_croatian_and_bosnian_reasons() -> None:
    assert detect_language(CROATIAN).reason == (
        "ijekavian forms (uvijek ×1, prije ×1, htio ×1) outnumber ekavian (none); "
        "Croatian words (tjedan ×1, liječnika ×1, tko ×1) outnumber Bosnian/Serbian (none)"
    )
    assert "Bosnian/Serbian words (sedmice ×1, ko ×1, porodica ×1)" in detect_language(BOSNIAN).reason


def test_text_without_diacritics_is_still_recognised() -> None:
    plain = CROATIAN.translate(str.maketrans("čćšžđČĆŠŽĐ", "ccszdCCSZD"))
    assert detect_language(plain).code == "hr"


def test_ijekavian_without_croatian_markers_defaults_to_bosnian() -> None:
    text = (
        "Uvijek sam mislio da je to lijepo mjesto, ali prije nismo imali vremena da odemo tamo. "
        "Sada je drugačije i vidio sam da ovdje ima dosta djece koja se igraju."
    )
    guess = detect_language(text)
    assert guess.code == "bs"
    assert guess.confidence <= 0.5
    assert "Croatian (none)" in guess.reason


def test_bcms_without_variant_evidence_is_a_low_confidence_serbian_guess() -> None:
    text = (
        "Da li ste sigurni da je to tako? Ja mislim da nije, ali ne znam šta da kažem. "
        "Možda je bolje da sačekamo malo i da vidimo šta će biti sutra."
    )
    guess = detect_language(text)
    assert guess.code == "sr-Latn"
    assert guess.confidence <= 0.3
    assert guess.reason.startswith("no ekavian/ijekavian forms")


@pytest.mark.parametrize(
    ("text", "script"),
    [
        ("Šta je đak rekao?", "Latn"),
        ("Шта је ђак рекао?", "Cyrl"),
        (" ".join(["riječ"] * (MIN_WORDS - 1)), "Latn"),
    ],
)
def test_too_little_text_is_undetermined_but_has_a_script(text: str, script: str) -> None:
    guess = detect_language(text)
    assert (guess.code, guess.script) == ("und", script)
    assert guess.confidence <= 0.1
    assert guess.reason.startswith("too little text")


@pytest.mark.parametrize("text", ["", "   \n", "12:30 – 14:45 ... 2022."])
def test_no_letters(text: str) -> None:
    assert detect_language(text) == LanguageGuess("und", "", False, 0.0, "no letters")


def test_only_the_first_sample_chars_are_read() -> None:
    english = (ENGLISH + " ") * (SAMPLE_CHARS // len(ENGLISH) + 1)
    serbian = (SERBIAN_EKAVIAN + " ") * 2000
    assert len(english) >= SAMPLE_CHARS
    assert detect_language(english + serbian).code == "en"
    assert detect_language(serbian + english).code == "sr-Latn"
