"""Speaker labels at line starts: the forms transcribers use, and what must not count."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qualcode.errors import QualcodeError
from qualcode.ingest.speakers import compile_speaker_pattern, find_labels


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
        "Socijalna radnica (CSR Niš)",
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
