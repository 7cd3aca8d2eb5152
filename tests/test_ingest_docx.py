"""Word documents: real edge-case files from ../shared/corpus/fixtures/docx (see its MANIFEST)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from qualcode.errors import ImportFailed
from qualcode.ingest.docx import read_docx


def _docx(corpus: Path, name: str) -> str:
    return read_docx((corpus / "fixtures" / "docx" / name).read_bytes()).text


def test_tracked_insertions_kept_and_deletions_dropped(corpus: Path) -> None:
    assert _docx(corpus, "nwe_test14.docx") == (
        "This is a test of reviewing\n\nThis text has been inserted, and should be included"
    )
    text = _docx(corpus, "nwe_test01.docx")
    assert "deleted" not in text
    assert "∀" in text  # a character outside Latin-1 survives with its neighbours


def test_big_tracked_file_has_no_deleted_text(corpus: Path) -> None:
    data = (corpus / "fixtures" / "docx" / "nwe_bigfile-01.docx").read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        xml = z.read("word/document.xml").decode("utf-8")
    text = read_docx(data).text
    assert xml.count("<w:del ") > 0
    assert text.startswith("BlogCFC\n\nWelcome to BlogCFC, a ColdFusion based blogging application.")
    assert len(text) == 32914


def test_tables_in_document_order(corpus: Path) -> None:
    assert (
        _docx(corpus, "mammoth_tables.docx")
        == "Above\n\nTop left | Top right\n\nBottom left | Bottom right\n\nBelow"
    )


def test_merged_cells_are_not_repeated(corpus: Path) -> None:
    assert _docx(corpus, "docx2python_merged_cells.docx").split("\n\n") == [
        "0-0 | 0-12 | 0-3",
        "12-0 | 1-1 | 1-2 | 1-3",
        "2-1 | 2-2 | 2-3",
        "3-0 | 34-123",
        "4-0",
    ]


def test_soft_line_breaks_stay_inside_the_paragraph(corpus: Path) -> None:
    parsed = read_docx((corpus / "fixtures" / "docx" / "docx2python_soft_line_breaks.docx").read_bytes())
    assert parsed.text == "Line1\nLine2\nLine3 Line4"
    assert [(b.start, b.end) for b in parsed.paragraphs] == [(0, 23)]


def test_footnotes_and_endnotes_are_numbered_and_appended(corpus: Path) -> None:
    parsed = read_docx((corpus / "fixtures" / "docx" / "nwe_test13.docx").read_bytes())
    assert parsed.text == (
        "Endnotes and footnotes test\n\nParagraph 1[1]\n\nParagraph 2[2]\n\n[1] This is a footnote\n\n"
        "[2] This is an endnote"
    )
    assert parsed.notes == ["2 footnote(s)/endnote(s) added at the end as [n] paragraphs"]


def test_comments_are_counted_not_imported(corpus: Path) -> None:
    parsed = read_docx((corpus / "fixtures" / "docx" / "mammoth_comments.docx").read_bytes())
    assert parsed.text == "Ouch."
    assert parsed.notes == ["2 comment(s) were not imported (annotations, not speech)"]


def test_strict_ooxml_and_renamed_main_part_and_bom(corpus: Path) -> None:
    assert _docx(corpus, "mammoth_strict-format.docx") == "Test"
    assert _docx(corpus, "docx2python_renamed_document_xml.docx") == "This is a link to my website."
    assert _docx(corpus, "mammoth_utf8-bom.docx") == "This XML has a byte order mark."


def test_text_box_text_is_kept_once(corpus: Path) -> None:
    assert _docx(corpus, "mammoth_text-box.docx") == "Datum plane"


def test_legacy_doc_is_refused_with_conversion_advice(corpus: Path) -> None:
    with pytest.raises(
        ImportFailed, match=r"legacy .*save it as \.docx.*soffice --headless --convert-to docx"
    ):
        read_docx((corpus / "fixtures" / "docx" / "nwe_test01_legacy.doc").read_bytes())


def test_truncated_docx_is_refused(corpus: Path) -> None:
    data = (corpus / "fixtures" / "docx" / "nwe_test01.docx").read_bytes()
    with pytest.raises(ImportFailed, match="damaged or incomplete"):
        read_docx(data[: len(data) // 2])


def test_entity_expansion_is_refused() -> None:
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r>'
        "<w:t>&b;</w:t></w:r></w:p></w:body></w:document>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("word/document.xml", bomb)
    with pytest.raises(ImportFailed, match="not well-formed XML"):
        read_docx(buffer.getvalue())
