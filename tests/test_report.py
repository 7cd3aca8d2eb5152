"""The thematic Word report: gathered figures, structure, quotes, languages, template, determinism."""

from __future__ import annotations

import re
import zipfile
from datetime import date
from pathlib import Path

import pytest
from docx import Document
from docx.shared import RGBColor

from qualcode.coding import Selector, add_memo, apply_code, list_codings, set_important
from qualcode.report import ReportOptions, write_report
from qualcode.report.gather import gather
from qualcode.report.labels import Labels
from qualcode.store.project import Project

DAY = date(2026, 3, 14)
W_NS = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture
def reported(coded: Project) -> Project:
    """Two coders; one passage coded by both, a span overlapping two codes, an important coding, a memo."""
    apply_code(coded, "Adults watching", "int_a", Selector(units="2"), "ana")
    apply_code(coded, "Adults watching", "int_a", Selector(units="2"), "marko")
    apply_code(coded, "Handing over money", "int_a", Selector(units="4"), "ana")
    apply_code(coded, "Fines for begging", "int_b", Selector(units="4"), "ana")
    apply_code(coded, "Adults watching", "int_c", Selector(units="2"), "ana")
    apply_code(coded, "Fines for begging", "int_c", Selector(units="4"), "marko")
    apply_code(coded, "Perceptions", "int_c", Selector(span="60:90"), "ana")
    [fines_c] = [c for c in list_codings(coded, code="Fines for begging") if c.document == "int_c"]
    set_important(coded, fines_c.id, True, "marko")
    add_memo(coded, "Mostly in Serbia so far.", "ana", code="Fines for begging")
    return coded


def _write(project: Project, path: Path, **options: object) -> Document:
    write_report(project, path, ReportOptions(day=DAY, **options))  # type: ignore[arg-type]
    return Document(str(path))


def _text(doc: Document) -> str:
    """Every paragraph and table cell of the body (what a reader sees)."""
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        parts.extend(cell.text for row in table.rows for cell in row.cells)
    return "\n".join(parts)


def test_gathered_prevalence_quotes_and_cooccurrence(reported: Project) -> None:
    data = gather(reported, ReportOptions(day=DAY))
    assert (len(data.interviews), data.participants, data.words) == (3, 3, 67)
    assert data.groups == ("country",) and data.attribution == ("role",)
    # 6 codes' own passages merged across coders: Adults 2, Money 1, Fines 2, Perceptions 1.
    assert data.passages == 6
    assert data.coders == [("ana", 5, 3), ("marko", 2, 2)]
    indicators, law, perceptions = data.themes
    assert [t.name for t in data.themes] == ["Indicators", "Law", "Perceptions"]
    prev = indicators.prevalence
    assert (prev.passages, prev.interviews, prev.participants) == (3, 2, 2)
    assert [(g.value, g.passages, g.interviews, g.all_interviews) for g in prev.groups] == [
        ("Bosnia and Herzegovina", 1, 1, 1),
        ("Serbia", 2, 1, 2),
    ]
    adults, money = indicators.children
    assert (adults.name, adults.prevalence.passages, adults.prevalence.interviews) == (
        "Adults watching",
        2,
        2,
    )
    assert [q.text for q in adults.quotes] == [
        "Deca prose na raskrsnici. Odrasli čekaju u blizini.",
        "Children begging at junctions while adults watch.",
    ]
    assert [(q.attribution, q.document, q.turn) for q in adults.quotes] == [
        ("social worker", "int_a", 2),
        ("judge", "int_c", 2),
    ]
    assert adults.cooccurs == [("Perceptions", 1)]
    assert indicators.cooccurs == [("Perceptions", 1)]
    assert perceptions.cooccurs == [("Indicators", 1)]
    [fines] = law.children
    # The important quote comes first even though the other one is earlier in document order.
    assert [(q.document, q.important) for q in fines.quotes] == [("int_c", True), ("int_b", False)]
    assert fines.memos == ["Mostly in Serbia so far. (ana)"]
    assert money.cooccurs == []
    assert indicators.uncoded == [] and law.uncoded == []
    assert data.agreement.coders == ("ana", "marko")
    assert [line.code for line in data.agreement.lines] == [
        "Indicators > Adults watching",
        "Indicators > Handing over money",
        "Law > Fines for begging",
        "Perceptions",
    ]
    values, rows = data.group_tables["country"]
    assert values == ["Bosnia and Herzegovina", "Serbia"]
    assert rows == [
        ("Indicators", 0, [1, 1]),
        ("Adults watching", 1, [1, 1]),
        ("Handing over money", 1, [0, 1]),
        ("Law", 0, [1, 1]),
        ("Fines for begging", 1, [1, 1]),
        ("Perceptions", 0, [1, 0]),
    ]


def test_where_and_codes_narrow_the_report(reported: Project) -> None:
    data = gather(reported, ReportOptions(where=("country=Serbia",), codes=("Law",), day=DAY))
    assert [i.name for i in data.interviews] == ["int_a", "int_b"]
    [law] = data.themes
    assert (law.name, law.prevalence.passages, law.prevalence.interviews) == ("Law", 1, 1)
    assert [e.label for e in data.codebook] == ["Law", "Law > Fines for begging"]


def test_report_structure_and_exact_quotes(reported: Project, tmp_path: Path) -> None:
    doc = _write(reported, tmp_path / "report.docx", title="Forced begging study")
    headings = [(p.style.name, p.text) for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert [text for style, text in headings if style == "Heading 1"] == [
        "Methods",
        "Indicators",
        "Law",
        "Perceptions",
        "Appendix A. Codebook",
        "Appendix B. Agreement per code",
        "Appendix C. Codes by participant group",
    ]
    assert [text for style, text in headings if style == "Heading 2"][-6:] == [
        "Adults watching",
        "Handing over money",
        "Fines for begging",
        "Indicators",
        "Law",
        "Perceptions",
    ]
    assert doc.paragraphs[0].style.name == "Title" and doc.paragraphs[0].text == "Forced begging study"
    assert doc.paragraphs[1].text == "Thematic report"
    assert doc.paragraphs[2].text == "14 March 2026"
    assert doc.paragraphs[3].text == "Interviews: 3 · participants: 3 · words: 67 · coded passages: 6"
    # Every quote is exactly a coded text of the project, and is followed by its attribution.
    coded = {c.text for c in list_codings(reported)}
    paragraphs = doc.paragraphs
    quotes = [(p.text, paragraphs[i + 1].text) for i, p in enumerate(paragraphs) if p.style.name == "Quote"]
    assert len(quotes) == 6
    assert all(text in coded for text, _ in quotes)
    assert quotes[0] == (
        "Deca prose na raskrsnici. Odrasli čekaju u blizini.",
        "— social worker (interview int_a, turn 2)",
    )
    # A chart per theme with data and per code; Indicators has two coded codes, so an overview too;
    # Law's passages are all its one code's, so its own chart would repeat the code's.
    chapter = _chapter_pictures(doc)
    assert chapter == {"Indicators": 4, "Law": 1, "Perceptions": 1}
    assert len(doc.inline_shapes) == 6
    captions = [p.text for p in paragraphs if p.style.name == "Caption"]
    assert captions[0] == "Table 1. Interviews and participants by country"
    assert (
        "Figure 1. Indicators: interviews in which each code was coded (dark), out of all interviews (light)"
        in (captions)
    )
    # The contents field lists the headings until Word refreshes it.
    xml = doc.element.body.xml
    assert 'TOC \\o "1-3" \\h \\z \\u' in xml
    assert _text(doc).count("Fines for begging") >= 3


def _chapter_pictures(doc: Document) -> dict[str, int]:
    counts: dict[str, int] = {}
    current = None
    for p in doc.paragraphs:
        if p.style.name == "Heading 1":
            current = p.text
        pictures = len(p._p.findall(f".//{W_NS}drawing"))
        if pictures and current is not None:
            counts[current] = counts.get(current, 0) + pictures
    return counts


def test_same_input_same_file_apart_from_the_date(reported: Project, tmp_path: Path) -> None:
    first, second, later = tmp_path / "a.docx", tmp_path / "b.docx", tmp_path / "c.docx"
    write_report(reported, first, ReportOptions(day=DAY))
    write_report(reported, second, ReportOptions(day=DAY))
    assert first.read_bytes() == second.read_bytes()
    write_report(reported, later, ReportOptions(day=date(2026, 3, 15)))
    with zipfile.ZipFile(first) as a, zipfile.ZipFile(later) as c:
        assert a.namelist() == c.namelist()
        assert {info.date_time for info in a.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        changed = [n for n in a.namelist() if a.read(n) != c.read(n)]
        assert changed == ["docProps/core.xml", "word/document.xml"]
        diff = set(re.findall(r"<w:t>([^<]*)</w:t>", a.read(changed[1]).decode())) ^ set(
            re.findall(r"<w:t>([^<]*)</w:t>", c.read(changed[1]).decode())
        )
        assert diff == {"14 March 2026", "15 March 2026"}


@pytest.mark.parametrize(
    ("language", "title_line", "date_line"),
    [
        ("sr-Latn", "Tematski izveštaj", "14. mart 2026."),
        ("sr-Cyrl", "Тематски извештај", "14. март 2026."),
    ],
)
def test_serbian_reports_have_no_english_label(
    reported: Project, tmp_path: Path, language: str, title_line: str, date_line: str
) -> None:
    doc = _write(reported, tmp_path / "r.docx", language=language)
    assert (doc.paragraphs[0].text, doc.paragraphs[2].text) == (title_line, date_line)
    text = _text(doc)
    english = Labels("en").text()
    for key, label in english.items():
        for fragment in re.split(r"\{[^}]*\}", label):
            words = re.findall(r"[A-Za-z']{3,}", fragment)
            if len(words) >= 2 or any(len(w) >= 6 for w in words):
                assert fragment.strip(" .:;,·()") not in text, f"English label {key!r} left: {fragment!r}"
    if language == "sr-Cyrl":
        latin = {
            key: re.findall(r"[A-Za-z]+", re.sub(r"\{[^}]*\}|AC1", "", value))
            for key, value in Labels("sr-Cyrl").text().items()
        }
        assert {key: letters for key, letters in latin.items() if letters} == {}


def test_template_styles_carry_over(reported: Project, tmp_path: Path) -> None:
    template = Document()
    heading = template.styles["Heading 1"]
    heading.font.name = "Georgia"
    heading.font.color.rgb = RGBColor(0x8B, 0x00, 0x00)
    template.add_paragraph("Old content that must not appear in the report.")
    template_path = tmp_path / "styles.docx"
    template.save(str(template_path))
    doc = _write(reported, tmp_path / "r.docx", template=template_path)
    style = doc.styles["Heading 1"]
    assert (style.font.name, style.font.color.rgb) == ("Georgia", RGBColor(0x8B, 0x00, 0x00))
    headings = [p for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert len(headings) == 7
    # Nothing overrides the style on the headings themselves.
    assert all(r.font.name is None and r.font.color.rgb is None for p in headings for r in p.runs)
    assert "Old content" not in _text(doc)


def test_template_without_the_builtin_styles_gets_them(reported: Project, tmp_path: Path) -> None:
    bare = tmp_path / "bare.docx"
    source = Document()
    source.save(str(bare))
    # Drop Quote and Caption from the template's styles.xml, as a file saved by Word may lack them.
    rewritten = tmp_path / "stripped.docx"
    with zipfile.ZipFile(bare) as zin, zipfile.ZipFile(rewritten, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "word/styles.xml":
                text = data.decode()
                for style_id in ("Quote", "Caption"):
                    text = re.sub(rf'<w:style [^>]*w:styleId="{style_id}".*?</w:style>', "", text, flags=re.S)
                data = text.encode()
            zout.writestr(item, data)
    doc = _write(reported, tmp_path / "r.docx", template=rewritten)
    assert sum(p.style.name == "Quote" for p in doc.paragraphs) == 6
    assert any(p.style.name == "Caption" for p in doc.paragraphs)


def test_without_group_attributes_every_theme_with_data_still_has_a_chart(
    reported: Project, tmp_path: Path
) -> None:
    doc = _write(reported, tmp_path / "r.docx", groups=())
    assert _chapter_pictures(doc) == {"Indicators": 1, "Law": 1, "Perceptions": 1}
    assert not any(p.text.startswith("Table") and "overall and by group" in p.text for p in doc.paragraphs)
