"""Speaker labels at line starts: the forms transcribers use, and what must not count."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qualcode.errors import QualcodeError
from qualcode.ingest.speakers import compile_speaker_pattern, find_labels, split_role


def _speakers(text: str) -> list[tuple[str, str]]:
    """(speaker, the words that follow on that line) for every accepted label."""
    return [(h.speaker, text[h.content_start :].split("\n", 1)[0]) for h in find_labels(text)]


def test_short_interviewer_labels_count_even_once() -> None:
    assert _speakers("I: Dobar dan.\nR: Dobar dan.") == [("I", "Dobar dan."), ("R", "Dobar dan.")]


@pytest.mark.parametrize(
    "label",
    [
        "Istraživač",
        "Интервјуер",
        "Đorđe",
        "Čedomir Ćirić",
        "Šefica Žarković",
        "Љиљана",
        "Socijalna radnica",
        "admin-1",
        "Speaker 1",
    ],
)
def test_unicode_names_roles_and_ids_are_labels_when_repeated(label: str) -> None:
    text = f"{label}: Prva rečenica.\n\nOther: odgovor.\n\n{label}: Druga rečenica."
    assert [s for s, _ in _speakers(text) if s == label] == [label, label]


def test_bracket_labels_but_not_transcription_marks() -> None:
    text = "[id1] hello there\n\n[inaudible] something\n\n[id2] hi\n\n[id1] again\n\n[inaudible] more\n\n"
    text += "[id2] ok"
    assert [s for s, _ in _speakers(text)] == ["id1", "id2", "id1", "id2"]


def test_cyrillic_transcription_marks_are_not_speakers() -> None:
    text = "[неразумљиво] па да\n\n[неразумљиво] не знам\n\nР: добро"
    assert [s for s, _ in _speakers(text)] == ["Р"]


def test_a_one_off_colon_phrase_is_not_a_speaker() -> None:
    text = "I: Kako ste?\n\nR: Dobro.\nZnate šta: nije lako.\n\nI: Hvala."
    assert [s for s, _ in _speakers(text)] == ["I", "R", "I"]


def test_lower_case_sentence_with_colon_is_not_a_speaker() -> None:
    text = "and then he said: go\n\nand then he said: stop"
    assert _speakers(text) == []


def test_header_fields_are_not_speakers() -> None:
    text = "Datum: 12. 3. 2025.\nMesto: Niš\nDatum: 13. 3. 2025.\nMesto: Beograd"
    assert _speakers(text) == []


def test_timestamps_are_not_labels() -> None:
    assert _speakers("10:30 počeli smo\n\n10:45 kraj") == []


def test_label_alone_on_its_line_points_to_the_next_line() -> None:
    text = "Dan:\nOkay, so.\nParticipant:\nYes.\nDan:\nGood."
    hits = find_labels(text)
    assert [(h.speaker, text[h.content_start : h.content_start + 4]) for h in hits] == [
        ("Dan", "Okay"),
        ("Participant", "Yes."),
        ("Dan", "Good"),
    ]


def test_parlamint_tab_separated_utterance_ids() -> None:
    text = "PM.u1\tPoštovane dame i gospodo.\nPM.u2\tHvala.\nPM.u3\tIzvolite."
    assert [s for s, _ in _speakers(text)] == ["PM.u1", "PM.u2", "PM.u3"]


def test_user_pattern_replaces_the_rules() -> None:
    pattern = compile_speaker_pattern(r"^>>\s*(?P<speaker>[^:]+):\s*")
    hits = find_labels(">> Ana Petrović: Zdravo\nI: ignored\n>> Marko: Ćao", pattern)
    assert [h.speaker for h in hits] == ["Ana Petrović", "Marko"]


def test_user_pattern_without_group_or_invalid_is_a_clear_error() -> None:
    with pytest.raises(QualcodeError, match="needs a group"):
        compile_speaker_pattern(r"^\w+:")
    with pytest.raises(QualcodeError, match="not a valid regular expression"):
        compile_speaker_pattern(r"^(\w+:")


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=300))
def test_hits_are_ordered_line_starts_inside_the_text(text: str) -> None:
    hits = find_labels(text)
    starts = [h.line_start for h in hits]
    assert starts == sorted(set(starts))
    for hit in hits:
        assert hit.line_start == 0 or text[hit.line_start - 1] == "\n"
        assert hit.line_start < hit.content_start <= len(text)
        assert split_role(hit.speaker) == (hit.speaker, None)  # the role never stays in the name


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["Čedomir (istraživač): ", "Đurđa: ", "Шћепан: ", "[Ана] ", "", "Znate šta: "]),
            st.text(alphabet="abc ČĆđ ЉЊЂ.?!:\n", min_size=0, max_size=40),
        ),
        max_size=10,
    )
)
def test_labels_of_generated_interviews_point_into_their_lines(turns: list[tuple[str, str]]) -> None:
    text = "\n\n".join(label + body for label, body in turns)
    for hit in find_labels(text):
        line = text[hit.line_start :].split("\n", 1)[0]
        assert line.lstrip(" \t[").startswith(hit.speaker)
        assert hit.content_start <= len(text)


# --- Issue 13: labels read as a person reads them -------------------------------------------

#: A prosecutor's interview (Latin): two established speakers with roles in brackets, and a
#: note-taker and a guest who speak once. Before issue 13 their words were glued to Đurđa's turn.
ONCE_LATIN = (
    "Intervju BG07, tužilaštvo, Beograd\n"
    "Datum: 2. 4. 2025.\n\n"
    "Čedomir (istraživač): Dobar dan. Hvala što ste pristali na razgovor.\n\n"
    "Đurđa (tužiteljka): Dobar dan. Nema na čemu.\n\n"
    "Čedomir (istraživač): Koliko predmeta prosjačenja imate godišnje?\n\n"
    "Đurđa (tužiteljka): Malo, možda dva ili tri.\n\n"
    "Šćepan: Izvinite što upadam, snimak je prekinut na minut.\n\n"
    "Čedomir (istraživač): Zašto je to retkost?\n\n"
    "Đurđa (tužiteljka): Zato što policija ne prepozna eksploataciju.\n\n"
    "Žaklina: Ja sam iz NVO-a, mogu li da dodam nešto?\n\n"
    "Đurđa (tužiteljka): Naravno, izvolite."
)
#: The same interview in Cyrillic.
ONCE_CYRILLIC = (
    "Интервју БГ07, тужилаштво, Београд\n"
    "Датум: 2. 4. 2025.\n\n"
    "Чедомир (истраживач): Добар дан. Хвала што сте пристали на разговор.\n\n"
    "Ђурђа (тужитељка): Добар дан. Нема на чему.\n\n"
    "Чедомир (истраживач): Колико предмета просјачења имате годишње?\n\n"
    "Ђурђа (тужитељка): Мало, можда два или три.\n\n"
    "Шћепан: Извините што упадам, снимак је прекинут на минут.\n\n"
    "Чедомир (истраживач): Зашто је то реткост?\n\n"
    "Ђурђа (тужитељка): Зато што полиција не препозна експлоатацију.\n\n"
    "Жаклина: Ја сам из НВО-а, могу ли да додам нешто?\n\n"
    "Ђурђа (тужитељка): Наравно, изволите."
)


def test_once_only_speakers_and_bracketed_roles_latin() -> None:
    hits = [(h.speaker, h.role, h.line_start, h.content_start) for h in find_labels(ONCE_LATIN)]
    assert hits == [
        ("Čedomir", "istraživač", 55, 77),
        ("Đurđa", "tužiteljka", 125, 145),
        ("Čedomir", "istraživač", 171, 193),
        ("Đurđa", "tužiteljka", 238, 258),
        ("Šćepan", None, 284, 292),
        ("Čedomir", "istraživač", 343, 365),
        ("Đurđa", "tužiteljka", 387, 407),
        ("Žaklina", None, 453, 462),
        ("Đurđa", "tužiteljka", 504, 524),
    ]
    assert ONCE_LATIN[284:292] == "Šćepan: " and ONCE_LATIN[453:462] == "Žaklina: "


def test_once_only_speakers_and_bracketed_roles_cyrillic() -> None:
    hits = [(h.speaker, h.role, h.line_start, h.content_start) for h in find_labels(ONCE_CYRILLIC)]
    assert hits == [
        ("Чедомир", "истраживач", 55, 77),
        ("Ђурђа", "тужитељка", 125, 144),
        ("Чедомир", "истраживач", 170, 192),
        ("Ђурђа", "тужитељка", 235, 254),
        ("Шћепан", None, 280, 288),
        ("Чедомир", "истраживач", 339, 361),
        ("Ђурђа", "тужитељка", 383, 402),
        ("Жаклина", None, 448, 457),
        ("Ђурђа", "тужитељка", 499, 518),
    ]
    assert ONCE_CYRILLIC[280:288] == "Шћепан: " and ONCE_CYRILLIC[448:457] == "Жаклина: "


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("Čedomir (istraživač)", ("Čedomir", "istraživač")),
        ("Ђурђа (тужитељка)", ("Ђурђа", "тужитељка")),
        ("Socijalna radnica (CSR Niš)", ("Socijalna radnica", "CSR Niš")),
        ("Đorđe", ("Đorđe", None)),
        ("(pauza)", ("(pauza)", None)),  # no name before the bracket: nothing to split
        ("Ana ( )", ("Ana ( )", None)),  # an empty bracket is not a role
    ],
)
def test_split_role(label: str, expected: tuple[str, str | None]) -> None:
    assert split_role(label) == expected


def test_repeated_label_with_a_role_counts_by_its_name() -> None:
    text = "Socijalna radnica (CSR Niš): Prva rečenica.\n\nI: Pitanje.\n\nSocijalna radnica: Druga."
    hits = [(h.speaker, h.role) for h in find_labels(text)]
    assert hits == [("Socijalna radnica", "CSR Niš"), ("I", None), ("Socijalna radnica", None)]


_ANA_MARKO = (
    "Ana: Dobar dan.\n\nMarko: Dobar dan.\n\nAna: Kako radite sa policijom?\n\n"
    "Marko: Dobro, policija dolazi brzo.\n\n{line}\n\nAna: Hvala."
)
_ANA_MARKO_CYRILLIC = (
    "Ана: Добар дан.\n\nМарко: Добар дан.\n\nАна: Како радите са полицијом?\n\n"
    "Марко: Добро, полиција долази брзо.\n\n{line}\n\nАна: Хвала."
)


@pytest.mark.parametrize(
    ("base", "line", "expected"),
    [
        # Once-only labels of the established shape (one capitalised word, at a paragraph start).
        (_ANA_MARKO, "Marija: Nije lako.", [("Marija", None)]),
        (_ANA_MARKO, "Danica: Sve ide preko centra.", [("Danica", None)]),
        (_ANA_MARKO_CYRILLIC, "Даница: Све иде преко центра.", [("Даница", None)]),
        # A sentence going on after its colon in lower case.
        (_ANA_MARKO, "Marija: nije lako.", []),
        (_ANA_MARKO_CYRILLIC, "Марија: није лако.", []),
        (_ANA_MARKO, "Znate šta: nije lako.", []),
        # A word that opens sentences.
        (_ANA_MARKO, "Dakle: Sve ide preko centra.", []),
        (_ANA_MARKO_CYRILLIC, "Дакле: Све иде преко центра.", []),
        # A word the text also writes in lower case ("policija") is not a name ...
        (_ANA_MARKO, "Policija: Ona dođe kad stigne.", []),
        (_ANA_MARKO_CYRILLIC, "Полиција: Она дође кад стигне.", []),
        # ... unless a role in brackets marks it as a label.
        (_ANA_MARKO, "Policija (dežurni): Ona dođe kad stigne.", [("Policija", "dežurni")]),
        # Another shape: a heading, an ID among names.
        (_ANA_MARKO, "Blok B: Saradnja institucija", []),
        (_ANA_MARKO, "Speaker 3: Da.", []),
        # Not where the labels stand: a hard-wrapped line inside a paragraph.
        (_ANA_MARKO, "Kad stigne prijava, pišem\nTom: Hi, ovo je prelomljen red.", []),
    ],
)
def test_once_only_label_must_read_like_the_established_ones(
    base: str, line: str, expected: list[tuple[str, str | None]]
) -> None:
    first, second = ("Ana", "Marko") if base is _ANA_MARKO else ("Ана", "Марко")
    around = [(first, None), (second, None)] * 2
    assert [(h.speaker, h.role) for h in find_labels(base.format(line=line))] == [
        *around,
        *expected,
        (first, None),
    ]


def test_the_same_words_twice_in_an_interview_are_a_speaker_three_times_a_title() -> None:
    twice = _ANA_MARKO.format(line="Milan: Tako je.\n\nAna: Milane?\n\nMilan: Tako je.")
    assert [h.speaker for h in find_labels(twice)] == ["Ana", "Marko"] * 2 + ["Milan", "Ana", "Milan", "Ana"]
    thrice = _ANA_MARKO.format(line="Blok B: Saradnja\n\nAna: Dalje.\n\nBlok B: Saradnja\n\nBlok B: Saradnja")
    assert [h.speaker for h in find_labels(thrice)] == ["Ana", "Marko"] * 2 + ["Ana", "Ana"]


def test_once_only_labels_need_a_turn_structured_document() -> None:
    # The same "Šćepan:" line, in notes where only a quarter of the paragraphs are turns.
    text = (
        "Beleška sa terena.\n\nBili smo u centru.\n\nRazgovarali smo dugo.\n\n"
        "Ana: Dobar dan.\n\nMarko: Dobar dan.\n\nOpet beleška.\n\nJoš jedna beleška.\n\n"
        "Šćepan: Izvinite što upadam.\n\nAna: Hvala.\n\nMarko: Molim.\n\nKraj.\n\nPotpis."
    )
    assert [h.speaker for h in find_labels(text)] == ["Ana", "Marko", "Ana", "Marko"]


def test_misspelt_or_undotted_once_only_label_is_the_frequent_speaker() -> None:
    text = (
        "Dan: Hi.\n\nParticipant: Hello.\n\nDan: So?\n\nParticipant: Yes.\n\nDan: Okay.\n\n"
        "Particpant: Right.\n\nDan: Yeah.\n\nParticipant: Okay."
    )
    assert [h.speaker for h in find_labels(text)] == ["Dan", "Participant"] * 4
    cyrillic = (
        "Ђурђа: Здраво.\n\nМилица: Здраво.\n\nЂурђа: Па?\n\nМилица: Да.\n\nЂурђа: Добро.\n\n"
        "Djurdja: Ево.\n\nМилица: Хвала."
    )
    speakers = [h.speaker for h in find_labels(cyrillic)]
    assert speakers == ["Ђурђа", "Милица", "Ђурђа", "Милица", "Ђурђа", "Ђурђа", "Милица"]


def test_a_name_with_an_ending_is_another_person() -> None:
    text = (
        "Dragan: Zdravo.\n\nMilica: Zdravo.\n\nDragan: Pa?\n\nMilica: Da.\n\nDragan: Dobro.\n\n"
        "Dragana: Ja sam koleginica.\n\nMilica: Hvala."
    )
    speakers = [h.speaker for h in find_labels(text)]
    assert speakers == ["Dragan", "Milica", "Dragan", "Milica", "Dragan", "Dragana", "Milica"]


def test_titles_repeated_word_for_word_are_not_speakers() -> None:
    # A flattened export of video comments (as in the NVivo corpus project): one field a line,
    # the video's title above each of its comments.
    rows = [
        ("HhkH", "Kötelező oltás: Alkotmánymódosítás is jöhet?", "Na mi van? Nem mertétek?"),
        ("HhkH", "Kötelező oltás: Alkotmánymódosítás is jöhet?", "sabbat asboth, ennyit tudtál"),
        ("HhkH", "Kötelező oltás: Alkotmánymódosítás is jöhet?", "Szülők, Nevelők!!!"),
        ("TLpr", "PSZ: Januártól leállhat az oktatás", "Én a tetves parazitákat követem"),
        ("TLpr", "PSZ: Januártól leállhat az oktatás", "Tessék rákeresni"),
    ]
    text = "video_id\nvideo_title\ncomment_text\n" + "\n".join("\n".join(row) for row in rows)
    assert find_labels(text) == []


def test_a_field_used_twice_in_notes_is_not_a_speaker() -> None:
    # The Sheffield dataset's read-me: "ORCiD ID:" twice, in a document that is not a dialogue.
    text = (
        "ReadMe:\n\nFostering cultures of open qualitative research.\n\n"
        "The dataset was deposited on 27-Jun-2023.\n\nDr. Matthew S. Hanchard\n\n"
        "ORCiD ID: 0000-0003-2460-8638\n\nDr. Itzel San Roman Pineda\n\n"
        "ORCiD ID: 0000-0002-3785-8057\n\nLicence: CC-BY-NC."
    )
    assert find_labels(text) == []


def test_labels_with_a_digit_first_are_not_people() -> None:
    text = "I: Kada?\n\n2025.02.11. Botka István: Tada.\n\nR: Dobro.\n\n2025.02.11. Botka István: Opet."
    assert [h.speaker for h in find_labels(text)] == ["I", "R"]
