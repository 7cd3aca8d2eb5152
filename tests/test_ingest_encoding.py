"""Decoding transcript bytes (qualcode.ingest.encoding)."""

from __future__ import annotations

import codecs
import random
from pathlib import Path

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from qualcode.errors import ImportFailed, QualcodeError
from qualcode.ingest.encoding import BinaryContent, DecodedText, EncodingError, decode_bytes
from qualcode.text.script import to_cyrillic

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
PARLAMINT = CORPUS / "transcripts" / "parlamint_bcms"
ENCODINGS = CORPUS / "fixtures" / "encodings"
needs_corpus = pytest.mark.skipif(
    not CORPUS.is_dir(), reason=f"shared test corpus not found at {CORPUS} (clone it beside the repo)"
)


@needs_corpus
@pytest.mark.parametrize(
    ("derived", "original", "encoding"),
    [
        ("ParlaMint-RS_2022-02-14-0.cp1250-crlf.txt", "ParlaMint-RS_2022-02-14-0.txt", "cp1250"),
        ("ParlaMint-RS_2022-02-14-0.utf16le-bom.txt", "ParlaMint-RS_2022-02-14-0.txt", "utf-16-le"),
        ("ParlaMint-BA_2006-07-07-0.iso8859-2.txt", "ParlaMint-BA_2006-07-07-0.txt", "iso-8859-2"),
        ("ParlaMint-BA_2006-07-07-0.utf8-bom.txt", "ParlaMint-BA_2006-07-07-0.txt", "utf-8-sig"),
        ("ParlaMint-RS_2022-02-14-0.sr-Cyrl-transliterated.txt", None, "utf-8"),
    ],
)
def test_parlamint_re_encodings(derived: str, original: str | None, encoding: str) -> None:
    decoded = decode_bytes((PARLAMINT / "derived" / derived).read_bytes())
    assert decoded.encoding == encoding
    assert not decoded.text.startswith("\ufeff")
    if original is not None:
        expected = (PARLAMINT / original).read_text(encoding="utf-8")
        assert decoded.text.replace("\r\n", "\n") == expected
    else:
        assert decoded.text.startswith("ParlaMint-RS_2022-02-14-0.u12402\tПоштоване даме и господо")


@needs_corpus
def test_croatian_in_cp1250_and_iso_8859_2() -> None:
    cp1250 = decode_bytes((ENCODINGS / "chardet_windows-1250-croatian_ude_1.txt").read_bytes())
    latin2 = decode_bytes((ENCODINGS / "chardet_iso-8859-2-croatian_ude_1.txt").read_bytes())
    assert (cp1250.encoding, latin2.encoding) == ("cp1250", "iso-8859-2")
    assert cp1250.text.startswith("Eto, ni genocid nije što je nekad bio. Iznenada su pooštrili kriterije")
    # Same text; the ISO-8859-2 copy has "?" where cp1250 has typographic quotes (Latin-2 has none).
    assert latin2.text == cp1250.text.replace("“", "?").replace("”", "?")
    assert sum(cp1250.text.count(c) for c in "šžčćđ") == 51 + 27 + 62 + 23 + 7


@needs_corpus
def test_utf16_subtitles_with_bom() -> None:
    le = decode_bytes((ENCODINGS / "chardet_bom-utf-16-le.srt").read_bytes())
    be = decode_bytes((ENCODINGS / "chardet_bom-utf-16-be.srt").read_bytes())
    assert (le.encoding, be.encoding) == ("utf-16-le", "utf-16-be")
    assert le.text == be.text
    assert le.text.startswith("1\n00:00:06,500 --> 00:00:09,000\nAbout 2 months ago I found myself on\n")
    assert len(le.text) == 856


SERBIAN = "Šta je đak rekao? Čuo sam da će učiteljica doći u ponedeljak, a Žarko i Ćira ostaju kod kuće."
ENGLISH = "She said the “café” was closed — it’s been naïve to expect €5 coffee there, hasn’t it?"


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        (SERBIAN, "cp1250"),
        (SERBIAN, "iso-8859-2"),
        (to_cyrillic(SERBIAN), "cp1251"),
        ("Марко и Петар", "cp1251"),  # whole words of bytes that are also č/ć/đ in cp1250
        (ENGLISH, "cp1252"),
        ("Résumé of the café meeting", "cp1252"),  # identical bytes in cp1250: labelled Western
        ("It costs 5 € or €5, and “that’s” it…", "cp1252"),  # € is Ђ in cp1251
        ("Šta je đak rekao?", "cp1250"),
        ("Šta je đak rekao?", "iso-8859-2"),
        ("Žaba i šuma", "iso-8859-2"),
    ],
)
def test_legacy_encodings(text: str, encoding: str) -> None:
    assert decode_bytes(text.encode(encoding)) == DecodedText(text, encoding)


def test_ambiguous_short_text_decodes_right_but_is_labelled_cp1250() -> None:
    # č ć đ Č Ć Đ have the same bytes in cp1250 and ISO-8859-2: the text is right either way,
    # and the label is cp1250, what Windows writes.
    text = "Ćao, čika Đoko, kako ste?"
    assert decode_bytes(text.encode("iso-8859-2")) == DecodedText(text, "cp1250")


@pytest.mark.parametrize(
    ("bom", "codec", "name"),
    [
        (codecs.BOM_UTF8, "utf-8", "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16-le", "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be", "utf-16-be"),
        (codecs.BOM_UTF32_LE, "utf-32-le", "utf-32-le"),
        (codecs.BOM_UTF32_BE, "utf-32-be", "utf-32-be"),
    ],
)
def test_byte_order_marks_decide_and_are_stripped(bom: bytes, codec: str, name: str) -> None:
    text = "Ђорђе: Šta je đak rekao?\r\n"
    assert decode_bytes(bom + text.encode(codec)) == DecodedText(text, name)


def test_utf8_and_ascii() -> None:
    assert decode_bytes(b"") == DecodedText("", "utf-8")
    assert decode_bytes(b"plain ASCII\n") == DecodedText("plain ASCII\n", "utf-8")
    assert decode_bytes("Ђорђе čita".encode()) == DecodedText("Ђорђе čita", "utf-8")


def test_bom_declared_but_invalid() -> None:
    with pytest.raises(EncodingError, match=r"UTF-16-LE byte-order mark.*offset 4"):
        decode_bytes(codecs.BOM_UTF16_LE + b"a\x00b")
    with pytest.raises(EncodingError, match=r"UTF-8 byte-order mark.*offset 5.*--encoding"):
        decode_bytes(codecs.BOM_UTF8 + b"ab\xff")


PNG_HEADER = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000100000001008060000001ff3ff61")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (PNG_HEADER, "contains NUL bytes"),
        (b"PK\x03\x04\x14\x00\x06\x00", "contains NUL bytes"),
        ("UTF-16 without a BOM".encode("utf-16-le"), "--encoding utf-16-le"),
        (random.Random(7).randbytes(4096), "looks binary"),
        (bytes(b for b in random.Random(8).randbytes(4096) if b), "control characters"),
        (b"text\x01\x02\x03 more", "control characters"),
    ],
)
def test_binary_content_is_refused(data: bytes, message: str) -> None:
    with pytest.raises(BinaryContent, match=message) as caught:
        decode_bytes(data)
    assert ".docx, .pdf or .vtt" in str(caught.value)


def test_a_stray_control_character_is_not_binary() -> None:
    text = "Pauza.\x0c Nastavak razgovora, uz jedan escape \x1b znak u dugom tekstu bez drugih problema."
    assert decode_bytes(text.encode("utf-8")) == DecodedText(text, "utf-8")


def test_binary_behind_a_bom_is_refused() -> None:
    with pytest.raises(BinaryContent, match="UTF-16-LE byte-order mark but does not contain text"):
        decode_bytes(codecs.BOM_UTF16_LE + ("\x01\x02\x03\x04" * 40).encode("utf-16-le"))


@pytest.mark.parametrize(
    ("data", "override", "expected"),
    [
        ("čaša".encode("cp1250"), "windows-1250", DecodedText("čaša", "cp1250")),
        ("čaša".encode("iso-8859-2"), "latin2", DecodedText("čaša", "iso8859-2")),
        ("čaša".encode("cp1250"), "cp1251", DecodedText("иaљa", "cp1251")),  # strictly what was asked
        (codecs.BOM_UTF8 + b"abc", "UTF8", DecodedText("abc", "utf-8")),
        ("abc".encode("utf-16"), "utf-16", DecodedText("abc", "utf-16")),
        (b"\x00a\x00b", "utf-16-be", DecodedText("ab", "utf-16-be")),  # no binary check
    ],
)
def test_explicit_encoding(data: bytes, override: str, expected: DecodedText) -> None:
    assert decode_bytes(data, override) == expected


def test_explicit_encoding_still_refuses_binary() -> None:
    with pytest.raises(BinaryContent, match=r"decoded as cp1252, the file does not contain text"):
        decode_bytes(PNG_HEADER, "cp1252")


def test_explicit_encoding_that_does_not_fit() -> None:
    with pytest.raises(EncodingError) as caught:
        decode_bytes(b"abc " + "čaša".encode("cp1250"), "utf-8")
    message = str(caught.value)
    assert "not valid utf-8" in message
    assert "offset 4 (0xE8)" in message
    assert "omit --encoding" in message


@pytest.mark.parametrize("name", ["klingon-8", "base64", "rot13"])
def test_unknown_or_non_text_encoding(name: str) -> None:
    with pytest.raises(EncodingError, match=rf"unknown text encoding '{name}'.*omit --encoding"):
        decode_bytes(b"abc", name)


def test_errors_belong_to_the_import_family() -> None:
    assert issubclass(EncodingError, ImportFailed)
    assert issubclass(BinaryContent, ImportFailed)
    assert issubclass(ImportFailed, QualcodeError)


# Real Serbian/Croatian/Bosnian words (each with ASCII letters around any diacritic, as in
# running text): single letters such as "ž" alone are genuinely ambiguous between encodings.
_WORDS = str.split(
    "šta je đak rekao čovjek čovek žena muškarac ćerka kuća škola učiteljica Žarko Ćira Đorđe "
    "Šabac Čačak Užice dečak djevojčica ljubav njegov džep vodič srećan ključ grožđe "
    "i a u na da se ne sa o svi dobro sutra danas juče rečenica"
)
_SEPARATORS = [" ", ", ", ". ", "? ", "\n", "\r\n"]
_serbian_text = st.lists(
    st.tuples(st.sampled_from(_WORDS), st.sampled_from(_SEPARATORS)), min_size=3, max_size=30
).map(lambda xs: "".join(w + s for w, s in xs))


@given(_serbian_text, st.sampled_from(["cp1250", "iso-8859-2", "utf-8", "utf-16", "utf-32", "utf-8-sig"]))
def test_generated_latin_text_round_trips(text: str, encoding: str) -> None:
    decoded = decode_bytes(text.encode(encoding))
    assert decoded.text == text
    if encoding in ("cp1250", "iso-8859-2") and any(c in text for c in "šžŠŽ"):
        assert decoded.encoding == encoding  # š and ž are where the two differ


@given(_serbian_text)
def test_generated_cyrillic_text_round_trips(text: str) -> None:
    cyrillic = to_cyrillic(text)
    assert decode_bytes(cyrillic.encode("cp1251")) == DecodedText(cyrillic, "cp1251")


_ENGLISH_WORDS = str.split("the café was “closed” — it’s naïve to pay €5 résumé said she and I")


@given(st.lists(st.sampled_from(_ENGLISH_WORDS), min_size=3, max_size=30).map(" ".join))
def test_generated_western_text_round_trips(text: str) -> None:
    assume(not text.isascii())
    assert decode_bytes(text.encode("cp1252")) == DecodedText(text, "cp1252")
