"""From parsed text to turns, paragraphs, sentences and cues: offsets, speakers, times."""

from __future__ import annotations

import itertools
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from qualcode.ingest.model import ParsedTranscript, UnitSpan
from qualcode.ingest.plaintext import read_plain_text, split_paragraphs
from qualcode.ingest.subtitles import read_subtitles
from qualcode.ingest.units import build_transcript_units, build_units
from tests.test_ingest_speakers import ONCE_CYRILLIC, ONCE_LATIN


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


def _turns(text: str) -> list[tuple[str | None, int, int, str]]:
    units = _units(text)
    return [(u.speaker, u.start, u.end, text[u.start : u.end]) for u in units if u.kind == "turn"]


def test_once_only_speakers_get_their_own_turns_latin() -> None:
    assert _turns(ONCE_LATIN) == [
        ("Čedomir", 77, 123, "Dobar dan. Hvala što ste pristali na razgovor."),
        ("Đurđa", 145, 169, "Dobar dan. Nema na čemu."),
        ("Čedomir", 193, 236, "Koliko predmeta prosjačenja imate godišnje?"),
        ("Đurđa", 258, 282, "Malo, možda dva ili tri."),
        ("Šćepan", 292, 341, "Izvinite što upadam, snimak je prekinut na minut."),
        ("Čedomir", 365, 385, "Zašto je to retkost?"),
        ("Đurđa", 407, 451, "Zato što policija ne prepozna eksploataciju."),
        ("Žaklina", 462, 502, "Ja sam iz NVO-a, mogu li da dodam nešto?"),
        ("Đurđa", 524, 542, "Naravno, izvolite."),
    ]


def test_once_only_speakers_get_their_own_turns_cyrillic() -> None:
    assert _turns(ONCE_CYRILLIC) == [
        ("Чедомир", 77, 123, "Добар дан. Хвала што сте пристали на разговор."),
        ("Ђурђа", 144, 168, "Добар дан. Нема на чему."),
        ("Чедомир", 192, 233, "Колико предмета просјачења имате годишње?"),
        ("Ђурђа", 254, 278, "Мало, можда два или три."),
        ("Шћепан", 288, 337, "Извините што упадам, снимак је прекинут на минут."),
        ("Чедомир", 361, 381, "Зашто је то реткост?"),
        ("Ђурђа", 402, 446, "Зато што полиција не препозна експлоатацију."),
        ("Жаклина", 457, 497, "Ја сам из НВО-а, могу ли да додам нешто?"),
        ("Ђурђа", 518, 536, "Наравно, изволите."),
    ]


def test_every_unit_kind_has_the_name_and_the_roles_are_kept_apart() -> None:
    for text, roles in (
        (ONCE_LATIN, {"Čedomir": "istraživač", "Đurđa": "tužiteljka"}),
        (ONCE_CYRILLIC, {"Чедомир": "истраживач", "Ђурђа": "тужитељка"}),
    ):
        built = build_transcript_units(read_plain_text(text.encode("utf-8"), Path("t.txt")))
        assert built.roles == roles
        names = {
            kind: {u.speaker for u in built.units if u.kind == kind}
            for kind in ("turn", "paragraph", "sentence")
        }
        assert names["turn"] == names["paragraph"] - {None} == names["sentence"] - {None}
        assert len(names["turn"]) == 4 and not any("(" in (name or "") for name in names["turn"])


def test_indented_labels_start_turns() -> None:
    text = "Uvod.\n\n  I: Kako ste?\n\n  R: Dobro.\n\n  I: Hvala."
    assert _turns(text) == [("I", 12, 21, "Kako ste?"), ("R", 28, 34, "Dobro."), ("I", 41, 47, "Hvala.")]


def test_subtitle_voice_with_a_role_is_the_name() -> None:
    vtt = (
        "WEBVTT\n\n00:00:01.000 --> 00:00:03.000\n<v Čedomir (istraživač)>Dobar dan.\n\n"
        "00:00:04.000 --> 00:00:06.000\n<v Đurđa (tužiteljka)>Dobar dan.\n\n"
        "00:00:07.000 --> 00:00:08.000\n<v Čedomir (istraživač)>Počnimo.\n"
    )
    built = build_transcript_units(read_subtitles(vtt.encode("utf-8"), ".vtt"))
    assert built.roles == {"Čedomir": "istraživač", "Đurđa": "tužiteljka"}
    spans = [(u.kind, u.speaker, u.start, u.end, u.t_start) for u in built.units if u.kind in ("turn", "cue")]
    assert spans == [
        ("turn", "Čedomir", 22, 32, 1000),
        ("turn", "Đurđa", 54, 64, 4000),
        ("turn", "Čedomir", 88, 96, 7000),
        ("cue", "Čedomir", 22, 32, 1000),
        ("cue", "Đurđa", 54, 64, 4000),
        ("cue", "Čedomir", 88, 96, 7000),
    ]


def test_zoom_chat_with_tabs_gets_speakers_and_times() -> None:
    chat = (
        "00:21:14\tAndrew Knight:\tHello Everyone, welcome.\n00:21:35\tAndrew Knight:\tPlease use the chat.\n"
        "00:22:01\tRingo Starr:\tAlso drop in questions: here.\n00:36:43\tGeorge Harrison:\tCockpit\n"
    )
    parsed = read_plain_text(chat.encode("utf-8"), Path("meeting_chat.txt"))
    assert parsed.source_format == "zoom-chat"
    assert parsed.text == (
        "Andrew Knight: Hello Everyone, welcome.\n\nAndrew Knight: Please use the chat.\n\n"
        "Ringo Starr: Also drop in questions: here.\n\nGeorge Harrison: Cockpit"
    )
    units = build_units(parsed)
    assert [
        (u.ordinal, u.speaker, u.start, u.end, u.t_start, u.t_end) for u in units if u.kind == "turn"
    ] == [
        (1, "Andrew Knight", 15, 76, 1_274_000, 1_295_000),
        (2, "Ringo Starr", 91, 120, 1_321_000, 1_321_000),
        (3, "George Harrison", 139, 146, 2_203_000, 2_203_000),
    ]
    assert [(u.speaker, parsed.text[u.start : u.end], u.t_start) for u in units if u.kind == "cue"][:2] == [
        ("Andrew Knight", "Hello Everyone, welcome.", 1_274_000),
        ("Andrew Knight", "Please use the chat.", 1_295_000),
    ]


def test_zoom_saved_chat_from_to_everyone_and_direct_messages() -> None:
    chat = (
        "10:02:15 From Ana Petrović to Everyone: Dobar dan svima: počinjemo u 10:05.\n"
        "10:03:01 From  Marko Marković  to  Everyone : Hvala!\n"
        "10:04:12 From Ana Petrović to Marko Marković(Direct Message):\n"
        "\tMožeš li da uključiš snimanje?\n\tHvala.\n"
        "10:05:00 From Јелена : Ево ме.\n"
    )
    parsed = read_plain_text(chat.encode("utf-8"), Path("meeting_saved_chat.txt"))
    assert parsed.text == (
        "Ana Petrović: Dobar dan svima: počinjemo u 10:05.\n\nMarko Marković: Hvala!\n\n"
        "Ana Petrović: Možeš li da uključiš snimanje?\nHvala.\n\nЈелена: Ево ме."
    )
    turns = [(u.speaker, u.start, u.end, u.t_start) for u in build_units(parsed) if u.kind == "turn"]
    assert turns == [
        ("Ana Petrović", 14, 49, 36_135_000),
        ("Marko Marković", 67, 73, 36_181_000),
        ("Ana Petrović", 89, 126, 36_252_000),
        ("Јелена", 136, 143, 36_300_000),
    ]
    assert parsed.notes == [
        "1 private message(s) (sent to one person, not to everyone) are included as their sender's turns; "
        "remove them from the file first if they should not be analysed"
    ]


def test_an_interview_with_times_is_not_a_chat() -> None:
    # One line reads like a chat message; a chat needs most of its lines to.
    text = "00:01:10 I: Dobar dan.\n\n00:01:15 R: Dobar dan.\n\n00:02:00 From the start: yes."
    parsed = read_plain_text(text.encode("utf-8"), Path("t.txt"))
    assert parsed.source_format == "txt"


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
