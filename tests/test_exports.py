"""Data exports (qualcode.exports): codings, matrices and the codebook, byte for byte and cell for cell."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook
from sqlalchemy import update

from qualcode.cases import import_cases
from qualcode.codebook import export_codebook
from qualcode.codebook_files import write_codebook_file
from qualcode.coding import Selector, apply_code, list_codings
from qualcode.errors import NotFound, QualcodeError
from qualcode.exports import (
    CodingRecord,
    CodingsExport,
    ExportError,
    codings_export,
    export_codebook_file,
    export_codings,
    export_matrix,
    matrix_table,
)
from qualcode.ingest.importer import ImportOptions, import_paths
from qualcode.query import matrix
from qualcode.store.models import CODINGS
from qualcode.store.project import Project

VTT = (
    "WEBVTT\n\n00:00:01.000 --> 00:00:04.000\n<v Ana>Deca prose na raskrsnici.\n\n"
    "00:01:05.500 --> 00:01:09.000\n<v Marko>- Policija ih vraća roditeljima.\n"
)
HEADER = (
    "coding_id,document,participant,role,country,years,interviewed,code,coder,start,end,"
    "unit_kind,unit,speaker,timestamp,text,memo,origin,important"
)


@pytest.fixture
def worked(coded: Project) -> Project:
    """The coded project with a timed call (no participant), interview dates and eight codings."""
    folder = coded.path.parent
    (folder / "call.vtt").write_text(VTT, encoding="utf-8")
    import_paths(coded, [folder / "call.vtt"], ImportOptions(coder="ana"))
    (folder / "dates.csv").write_text("case,interviewed\nP1,2025-03-14\nP3,14.05.2025.\n", encoding="utf-8")
    import_cases(coded, folder / "dates.csv", "ana")
    apply_code(coded, "Adults watching", "int_a", Selector(units="2"), "ana")
    apply_code(coded, "Handing over money", "int_a", Selector(units="4"), "ana", memo="=money")
    apply_code(coded, "Handing over money", "int_a", Selector(units="3", unit_kind="sentence"), "marko")
    apply_code(coded, "Fines for begging", "int_b", Selector(units="4"), "ana")
    apply_code(coded, "Adults watching", "int_c", Selector(units="2"), "ana")
    apply_code(coded, "Fines for begging", "int_c", Selector(units="4"), "ana")
    apply_code(coded, "Perceptions", "int_c", Selector(span="60:90"), "ana")
    apply_code(coded, "Perceptions", "call", Selector(units="2", unit_kind="cue"), "ana")
    with coded.write() as conn:
        conn.execute(update(CODINGS).where(CODINGS.c.id == 5).values(important=True))
    return coded


# --- codings -----------------------------------------------------------------------------------


def test_codings_records_carry_participant_place_and_text(worked: Project) -> None:
    export = codings_export(worked)
    assert export.attributes == ["role", "country", "years", "interviewed"]
    assert [(r.document, r.coding_id) for r in export.records] == [
        ("call", 8),
        ("int_a", 1),
        ("int_a", 3),
        ("int_a", 2),
        ("int_b", 4),
        ("int_c", 5),
        ("int_c", 7),
        ("int_c", 6),
    ]
    call, adults, sentence, money = export.records[:4]
    assert call == CodingRecord(
        8, "call", None, {}, "Perceptions", "ana", 39, 71, "turn", 2, "Marko", "00:01:05",
        "- Policija ih vraća roditeljima.", "", "manual", False,
    )  # fmt: skip
    assert adults.attributes == {
        "role": "social worker",
        "country": "Serbia",
        "years": 14,
        "interviewed": date(2025, 3, 14),
    }
    assert (adults.unit_kind, adults.unit, adults.speaker, adults.timestamp) == ("turn", 2, "R", None)
    # A coding that is exactly a sentence is located as that sentence; one that is not exactly
    # a unit (a span) by the turn it starts in.
    assert (sentence.unit_kind, sentence.unit, sentence.text) == ("sentence", 3, "Odrasli čekaju u blizini.")
    assert (money.memo, money.coder) == ("=money", "ana")
    span = export.records[6]
    assert (span.unit_kind, span.unit, span.text) == ("turn", 2, "adults watch.\n\nQ: And the poli")
    assert export.records[5].important is True
    # Every text is exactly the coded text of the project.
    texts = {v.id: v.text for v in list_codings(worked)}
    assert all(r.text == texts[r.coding_id] for r in export.records)


def test_codings_filters_take_several_values(worked: Project) -> None:
    def ids(**filters: list[str]) -> list[int]:
        return [r.coding_id for r in codings_export(worked, **filters).records]  # type: ignore[arg-type]

    assert ids(codes=["Indicators"]) == [1, 3, 2, 5]  # with its sub-codes
    assert ids(codes=["Law", "Perceptions"]) == [8, 4, 7, 6]
    assert ids(documents=["int_b", "call"]) == [8, 4]
    assert ids(coders=["marko"]) == [3]
    assert ids(coders=["marko", "ana"], documents=["int_a"], codes=["Handing over money"]) == [3, 2]


@pytest.mark.parametrize(
    ("filters", "error", "message"),
    [
        ({"coders": ["mark"]}, NotFound, "no coder 'mark' in the project; coders: ana, marko"),
        ({"documents": ["int_d"]}, NotFound, "no document named 'int_d'"),
        ({"codes": ["Lawx"]}, NotFound, "no code 'Lawx'"),
        ({"codes": ["Law"], "coders": ["marko"]}, QualcodeError, "no codings match --codes/--doc/--coder"),
    ],
)
def test_codings_filter_mistakes(
    worked: Project, filters: dict[str, list[str]], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        codings_export(worked, **filters)  # type: ignore[arg-type]


def test_codings_of_an_empty_project(project: Project) -> None:
    with pytest.raises(QualcodeError, match="the project has no codings yet"):
        codings_export(project)


@pytest.mark.parametrize(("formula_guard", "dash"), [(True, "'- "), (False, "- ")])
def test_codings_csv_bytes(worked: Project, tmp_path: Path, formula_guard: bool, dash: str) -> None:
    out = tmp_path / "codings.csv"
    assert export_codings(worked, out, documents=["call", "int_b"], formula_guard=formula_guard) == 2
    # The transcript line starting with "- " gets the formula guard's "'" unless it is turned off.
    assert (
        out.read_bytes()
        == (
            f"{HEADER}\n"
            "8,call,,,,,,Perceptions,ana,39,71,turn,2,Marko,00:01:05,"
            f"{dash}Policija ih vraća roditeljima.,,manual,false\n"
            "4,int_b,P2,police officer,Serbia,6,,Law > Fines for begging,ana,81,119,turn,4,R,,"
            "Sudovi kažnjavaju decu za prosjačenje.,,manual,false\n"
        ).encode()
    )


def test_codings_csv_for_excel(worked: Project, tmp_path: Path) -> None:
    out = tmp_path / "codings.csv"
    export_codings(worked, out, documents=["call", "int_c"], coders=["ana"], excel=True, delimiter=";")
    data = out.read_bytes()
    # A byte-order mark, CRLF line ends, ';' between cells, text starting with - made safe by a
    # quote, and a line break inside a cell kept inside its quotes.
    assert data.startswith(b"\xef\xbb\xbfcoding_id;document;participant;role;")
    lines = data[3:].decode().split("\r\n")
    assert lines[1] == (
        "8;call;;;;;;Perceptions;ana;39;71;turn;2;Marko;00:01:05;"
        "'- Policija ih vraća roditeljima.;;manual;false"
    )
    assert lines[2] == (
        "5;int_c;P3;judge;Bosnia and Herzegovina;20;2025-05-14;Indicators > Adults watching;ana;24;73;"
        "turn;2;A;;Children begging at junctions while adults watch.;;manual;true"
    )
    assert lines[3] == (
        "7;int_c;P3;judge;Bosnia and Herzegovina;20;2025-05-14;Perceptions;ana;60;90;turn;2;A;;"
        '"adults watch.\n\nQ: And the poli";;manual;false'
    )
    assert lines[4].startswith("6;int_c;") and lines[5:] == [""]


def test_codings_xlsx_cells_and_layout(worked: Project, tmp_path: Path) -> None:
    out = tmp_path / "codings.xlsx"
    export_codings(worked, out)
    sheet = load_workbook(out).active
    assert sheet.title == "codings"
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:S9"
    header = [c.value for c in sheet[1]]
    assert ",".join(header) == HEADER
    assert all(c.font.b and c.fill.fgColor.rgb == "00DDEBF7" for c in sheet[1])
    row = dict(zip(header, sheet[3], strict=True))  # coding 1 of int_a
    assert (row["coding_id"].value, row["years"].value, row["start"].value, row["unit"].value) == (
        1,
        14,
        21,
        2,
    )
    assert row["years"].data_type == "n"
    assert row["interviewed"].value == datetime(2025, 3, 14)
    assert row["interviewed"].number_format == "yyyy-mm-dd"
    assert row["important"].value is False and row["important"].data_type == "b"
    assert row["memo"].value is None  # empty, not ""
    money = {h: c.value for h, c in zip(header, sheet[5], strict=True)}
    assert (money["coding_id"], money["memo"]) == (2, "=money")  # text, not a formula
    assert sheet.cell(5, header.index("memo") + 1).data_type == "s"
    widths = {k: v.width for k, v in sheet.column_dimensions.items()}
    # Header or longest value + 2, at least 8, at most 40 (80 for text and memo).
    assert widths == {
        "A": 11.0, "B": 10.0, "C": 13.0, "D": 16.0, "E": 24.0, "F": 8.0, "G": 13.0,
        "H": 33.0, "I": 8.0, "J": 8.0, "K": 8.0, "L": 11.0, "M": 8.0, "N": 9.0, "O": 11.0,
        "P": 54.0, "Q": 8.0, "R": 8.0, "S": 11.0,
    }  # fmt: skip


def test_codings_json(worked: Project, tmp_path: Path) -> None:
    out = tmp_path / "codings.json"
    export_codings(worked, out, codes=["Adults watching"], documents=["int_a"])
    assert json.loads(out.read_bytes()) == [
        {
            "coding_id": 1,
            "document": "int_a",
            "participant": "P1",
            "attributes": {
                "role": "social worker",
                "country": "Serbia",
                "years": 14,
                "interviewed": "2025-03-14",
            },
            "code": "Indicators > Adults watching",
            "coder": "ana",
            "start": 21,
            "end": 72,
            "unit_kind": "turn",
            "unit": 2,
            "speaker": "R",
            "timestamp": None,
            "text": "Deca prose na raskrsnici. Odrasli čekaju u blizini.",
            "memo": "",
            "origin": "manual",
            "important": False,
        }
    ]
    assert out.read_text(encoding="utf-8").startswith('[\n  {\n    "coding_id": 1,')
    assert "čekaju" in out.read_text(encoding="utf-8")  # letters as they are, not \u escapes


def test_attribute_named_like_a_fixed_column_gets_a_prefix() -> None:
    export = CodingsExport(["text", "role"])
    assert export.attribute_columns() == ["participant_text", "role"]
    assert export.table().columns[3:5] == ["participant_text", "role"]


# --- matrix ------------------------------------------------------------------------------------


def test_matrix_by_attribute_is_query_matrix(worked: Project) -> None:
    for count in ("segments", "documents", "cases"):
        table = matrix_table(worked, "country", count=count)
        query = matrix(worked, "country", count=count)
        assert table.columns == ["code", *query.columns]
        assert table.rows == [[label, *counts] for label, counts in query.rows]
    assert matrix_table(worked, "country").rows == [
        ["Indicators", 1, 3, 0],
        ["Indicators > Adults watching", 1, 1, 0],
        ["Indicators > Handing over money", 0, 2, 0],
        ["Law", 1, 1, 0],
        ["Law > Fines for begging", 1, 1, 0],
        ["Perceptions", 1, 0, 1],
    ]


def test_matrix_by_participant(worked: Project) -> None:
    segments = matrix_table(worked)
    assert segments.columns == ["code", "P1", "P2", "P3", "(none)"]
    assert segments.rows == [
        ["Indicators", 3, 0, 1, 0],
        ["Indicators > Adults watching", 1, 0, 1, 0],
        ["Indicators > Handing over money", 2, 0, 0, 0],
        ["Law", 0, 1, 1, 0],
        ["Law > Fines for begging", 0, 1, 1, 0],
        ["Perceptions", 0, 0, 1, 1],
    ]
    assert matrix_table(worked, "case") == segments  # no attribute is called 'case'
    # "(none)" only when a counted code occurs in a document without a participant (as in query).
    by_documents = matrix_table(worked, "participant", count="documents", codes=["Indicators"])
    assert (by_documents.columns, by_documents.rows) == (
        ["code", "P1", "P2", "P3"],
        [["Indicators", 1, 0, 1]],
    )
    # A document without a participant counts no participant.
    assert matrix_table(worked, count="cases", codes=["Perceptions"]).rows == [["Perceptions", 0, 0, 1, 0]]
    assert matrix_table(worked, binary=True, coder="marko").rows == [
        ["Indicators", 1, 0, 0],
        ["Indicators > Adults watching", 0, 0, 0],
        ["Indicators > Handing over money", 1, 0, 0],
        ["Law", 0, 0, 0],
        ["Law > Fines for begging", 0, 0, 0],
        ["Perceptions", 0, 0, 0],
    ]


def test_matrix_csv_and_xlsx(worked: Project, tmp_path: Path) -> None:
    out = tmp_path / "m.csv"
    export_matrix(worked, out, "role", count="documents", binary=True, codes=["Law", "Perceptions"])
    assert out.read_bytes() == (
        b"code,judge,police officer,social worker,(none)\nLaw,1,1,0,0\nPerceptions,1,0,0,1\n"
    )
    export_matrix(worked, tmp_path / "m.xlsx", "years")
    sheet = load_workbook(tmp_path / "m.xlsx").active
    assert (sheet.title, sheet.freeze_panes, sheet.auto_filter.ref) == ("matrix", "A2", "A1:E7")
    assert [[c.value for c in row] for row in sheet.iter_rows(max_row=2)] == [
        ["code", "14", "20", "6", "(none)"],  # values sorted as text, as `query matrix` does
        ["Indicators", 3, 1, 0, 0],
    ]
    assert sheet["B2"].data_type == "n"
    assert not sheet.merged_cells.ranges


@pytest.mark.parametrize(
    ("by", "count", "message"),
    [
        ("countr", "segments", "no participant attribute 'countr'; did you mean country?"),
        ("country", "words", "--count 'words': use one of segments, documents, cases"),
    ],
)
def test_matrix_mistakes(worked: Project, by: str, count: str, message: str) -> None:
    with pytest.raises(QualcodeError, match=message):
        matrix_table(worked, by, count=count)


def test_matrix_of_projects_without_codes_or_codings(coded: Project, project: Project) -> None:
    with pytest.raises(QualcodeError, match="the codebook is empty"):
        matrix_table(project)
    with pytest.raises(QualcodeError, match="there are no codings to count; code some first"):
        matrix_table(coded, "country")


# --- the codebook ------------------------------------------------------------------------------


def test_codebook_docx_has_a_table_per_theme(coded: Project, tmp_path: Path) -> None:
    out = tmp_path / "codebook.docx"
    assert export_codebook_file(coded, out) == 6
    doc = Document(str(out))
    paragraphs = [(p.style.name, p.text) for p in doc.paragraphs if p.text]
    assert paragraphs == [
        ("Title", "Test codebook"),
        ("Normal", "Version 1 · 3 themes, 6 codes"),
        ("Heading 1", "Indicators"),
        ("Heading 1", "Law"),
        ("Heading 1", "Perceptions"),
    ]
    assert len(doc.tables) == 3
    assert all(t.style.name == "Table Grid" for t in doc.tables)
    cells = [[c.text for c in row.cells] for row in doc.tables[0].rows]
    assert cells == [
        ["Code", "Definition", "Inclusion", "Exclusion", "Example"],
        ["Indicators", "Signs of exploitation", "", "", ""],
        ["Adults watching", "", "", "", ""],
        ["Handing over money", "", "", "", ""],
    ]
    assert [row.cells[0].text for row in doc.tables[1].rows] == [
        "Code",
        "Law",
        "Fines for begging",
    ]
    assert doc.tables[0].rows[0]._tr.trPr.xpath("w:tblHeader")  # repeats on every page
    assert doc.sections[0].page_width > doc.sections[0].page_height  # landscape


@pytest.mark.parametrize("suffix", [".yaml", ".csv", ".qdc"])
def test_codebook_other_formats_are_codebook_export(coded: Project, tmp_path: Path, suffix: str) -> None:
    ours, theirs = tmp_path / f"ours{suffix}", tmp_path / f"theirs{suffix}"
    export_codebook_file(coded, ours)
    write_codebook_file(export_codebook(coded), theirs)
    assert ours.read_bytes() == theirs.read_bytes()


def test_codebook_mistakes(project: Project, coded: Project, tmp_path: Path) -> None:
    with pytest.raises(
        ExportError, match=r"the codebook can be written as \.docx, \.yaml, \.yml, \.csv, \.qdc"
    ):
        export_codebook_file(coded, tmp_path / "codebook.pdf")
    with pytest.raises(ExportError, match="the codebook is empty"):
        export_codebook_file(project, tmp_path / "codebook.docx")
    assert not (tmp_path / "codebook.docx").exists()
