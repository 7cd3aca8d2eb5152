"""PDF (text layer, tab-separated words) and OpenDocument text."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from qualcode.errors import ImportFailed
from qualcode.ingest.odt import read_odt
from qualcode.ingest.pdf import read_pdf


def test_pdf_words_separated_by_tabs_come_out_as_normal_text(corpus: Path) -> None:
    parsed = read_pdf((corpus / "transcripts" / "pdpilot_user_study_pdf" / "P1.pdf").read_bytes())
    assert "\t" not in parsed.text
    assert parsed.text.startswith(
        "Interview\n\nDan: Okay. So now you can stop sharing your screen and then we'll just end up "
        "with a few "
        "questions that I have for you.\n\nParticipant: Okay.\n\nDan: Okay. Okay. So my first question is"
    )
    assert "1/5" not in parsed.text  # page furniture dropped


def test_pdf_layout_lines_are_joined_into_paragraphs(corpus: Path) -> None:
    parsed = read_pdf((corpus / "transcripts" / "pdpilot_user_study_pdf" / "P1.pdf").read_bytes())
    fourth = parsed.text[parsed.paragraphs[4].start : parsed.paragraphs[4].end]
    assert fourth == (
        "Participant: Ah, yeah. Not all the time, so it's not the main thing we do, but in our initial data "
        "explorations, we tend to use ICE plots."
    )


def _blank_pdf() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def test_pdf_without_text_layer_is_refused_with_ocr_advice() -> None:
    with pytest.raises(ImportFailed, match=r"no text layer.*OCR"):
        read_pdf(_blank_pdf())


def test_damaged_pdf_is_refused(corpus: Path) -> None:
    data = (corpus / "transcripts" / "pdpilot_user_study_pdf" / "P2.pdf").read_bytes()
    with pytest.raises(ImportFailed, match=r"damaged|no text layer"):
        read_pdf(data[:2000])


def test_odt_paragraphs(corpus: Path) -> None:
    parsed = read_odt((corpus / "transcripts" / "qualcoder_examples" / "ID2.odt").read_bytes())
    assert parsed.text.startswith(
        "I have not studied much before, but my father Joe Bloggs really encouraged me to study again."
    )
    assert parsed.source_format == "odt"
    assert all(
        parsed.text[b.start : b.end].strip() == parsed.text[b.start : b.end] for b in parsed.paragraphs
    )


def _odt(body: str) -> bytes:
    import zipfile

    content = (
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/"><office:body><office:text>'
        f"{body}</office:text></office:body></office:document-content>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        z.writestr("content.xml", content)
    return buffer.getvalue()


def test_odt_tracked_changes_notes_spaces_and_comments() -> None:
    data = _odt(
        "<text:tracked-changes><text:changed-region text:id='c1'><text:deletion><text:p>obrisano</text:p>"
        "</text:deletion></text:changed-region></text:tracked-changes>"
        "<text:p>R:<text:s text:c='2'/>Deca su<text:change text:change-id='c1'/> bila tu"
        "<text:note><text:note-citation>1</text:note-citation><text:note-body><text:p>Napomena.</text:p>"
        "</text:note-body></text:note>.<office:annotation><dc:creator>A</dc:creator><text:p>kom</text:p>"
        "</office:annotation><text:line-break/>Drugi red</text:p>"
    )
    parsed = read_odt(data)
    assert parsed.text == "R:  Deca su bila tu[1].\nDrugi red\n\n[1] Napomena."
    assert parsed.notes == [
        "1 comment(s) were not imported (annotations, not speech)",
        "1 footnote(s)/endnote(s) added at the end as [n] paragraphs",
    ]
