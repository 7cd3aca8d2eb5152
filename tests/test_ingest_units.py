"""From parsed text to turns, paragraphs, sentences and cues: offsets, speakers, times."""

from __future__ import annotations

import itertools
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from qualcode.ingest.model import ParsedTranscript, UnitSpan
from qualcode.ingest.plaintext import read_plain_text, split_paragraphs
from qualcode.ingest.subtitles import read_subtitles
from qualcode.ingest.units import build_units


def _units(text: str) -> list[UnitSpan]:
    return build_units(read_plain_text(text.encode("utf-8"), Path("t.txt")))


def _view(text: str, units: list[UnitSpan], kind: str) -> list[tuple[int, str | None, str]]:
    return [(u.ordinal, u.speaker, text[u.start : u.end]) for u in units if u.kind == kind]


def test_turns_exclude_labels_and_merge_continuation_paragraphs() -> None:
    text = (
        "Intervju SR01, Niš, 2025.\n\nI: Kako ste počeli?\n\nR: Pre četrnaest godina.\n\n"
        "To je bilo teško.\n\nI: Hvala."
    )
    units = _units(text)
    assert _view(text, units, "turn") == [
        (1, "I", "Kako ste počeli?"),
        (2, "R", "Pre četrnaest godina.\n\nTo je bilo teško."),
        (3, "I", "Hvala."),
    ]
    assert _view(text, units, "paragraph") == [
        (1, None, "Intervju SR01, Niš, 2025."),
        (2, "I", "Kako ste počeli?"),
        (3, "R", "Pre četrnaest godina."),
        (4, "R", "To je bilo teško."),
        (5, "I", "Hvala."),
    ]


def test_label_inside_a_block_starts_a_new_paragraph() -> None:
    text = "E: ¿Crees que sí?\nG: No, pero sí lo van a modificar\nhacia otros ambientes."
    units = _units(text)
    assert _view(text, units, "turn") == [
        (1, "E", "¿Crees que sí?"),
        (2, "G", "No, pero sí lo van a modificar\nhacia otros ambientes."),
    ]


def test_sentences_know_abbreviations_and_stay_in_paragraphs() -> None:
    text = "R: Deca, npr. iz Niša, dolaze leti. Zašto? Ne znam.\n\nI: Članom 49. Zakona je propisano."
    units = _units(text)
    assert _view(text, units, "sentence") == [
        (1, "R", "Deca, npr. iz Niša, dolaze leti."),
        (2, "R", "Zašto?"),
        (3, "R", "Ne znam."),
        (4, "I", "Članom 49. Zakona je propisano."),
    ]


def test_document_without_labels_gets_a_turn_per_paragraph() -> None:
    text = "Prvi pasus.\n\nDrugi pasus."
    assert _view(text, _units(text), "turn") == [(1, None, "Prvi pasus."), (2, None, "Drugi pasus.")]


def test_one_paragraph_per_line_when_there_are_no_blank_lines() -> None:
    text = "Prvi red.\nDrugi red.\nTreći red."
    assert [(b.start, b.end) for b in split_paragraphs(text)] == [(0, 9), (10, 20), (21, 31)]


def test_subtitle_cues_without_speaker_continue_the_previous_one() -> None:
    vtt = (
        "WEBVTT\n\n00:00:01.000 --> 00:00:03.500\n<v Lejla>Dobar dan.\n\n"
        "00:00:04.000 --> 00:00:06.000\n<v Amra>Dobar dan, hvala\n\n"
        "00:00:06.100 --> 00:00:08.000\nšto ste došli.\n\n"
        "00:00:09.000 --> 00:00:10.000\n<v Lejla>Počnimo.\n"
    )
    parsed = read_subtitles(vtt.encode("utf-8"), ".vtt")
    units = build_units(parsed)
    text = parsed.text
    assert text == "Lejla: Dobar dan.\n\nAmra: Dobar dan, hvala što ste došli.\n\nLejla: Počnimo."
    turns = [(u.speaker, text[u.start : u.end], u.t_start, u.t_end) for u in units if u.kind == "turn"]
    assert turns == [
        ("Lejla", "Dobar dan.", 1000, 3500),
        ("Amra", "Dobar dan, hvala što ste došli.", 4000, 8000),
        ("Lejla", "Počnimo.", 9000, 10000),
    ]
    cues = [(u.speaker, text[u.start : u.end], u.t_start) for u in units if u.kind == "cue"]
    assert cues[1:3] == [("Amra", "Dobar dan, hvala", 4000), ("Amra", "što ste došli.", 6100)]
    sentences = [(text[u.start : u.end], u.t_start, u.t_end) for u in units if u.kind == "sentence"]
    assert sentences[1] == ("Dobar dan, hvala što ste došli.", 4000, 8000)


def _check_units(parsed: ParsedTranscript, units: list[UnitSpan]) -> None:
    text = parsed.text
    for kind in ("turn", "paragraph", "sentence", "cue"):
        spans = [u for u in units if u.kind == kind]
        assert [u.ordinal for u in spans] == list(range(1, len(spans) + 1))
        for a, b in itertools.pairwise(spans):
            assert a.end <= b.start
        for u in spans:
            assert 0 <= u.start < u.end <= len(text)
            assert text[u.start : u.end] == text[u.start : u.end].strip()


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["I: ", "R: ", "Istraživač: ", "[Ana] ", "", "Интервјуер: "]),
            st.text(alphabet="abc čćđ ЉЊЂ.?!\n", min_size=0, max_size=60),
        ),
        max_size=12,
    )
)
def test_units_are_ordered_non_overlapping_and_stripped(turns: list[tuple[str, str]]) -> None:
    text = "\n\n".join(label + body for label, body in turns)
    if not text.strip():
        return
    parsed = read_plain_text(text.encode("utf-8"), Path("t.txt"))
    _check_units(parsed, build_units(parsed))
