"""Codebook files: YAML, CSV, REFI-QDA .qdc/.qde/.qdpx and QualCoder text, read and written as plain data."""

from __future__ import annotations

import csv
import dataclasses
import functools
import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qualcode.codebook_files import (
    PATH_SEPARATOR,
    CodebookFormatError,
    CodebookSpec,
    CodeSpec,
    code_guid,
    format_description,
    iter_codes,
    parse_csv,
    parse_description,
    parse_qdc,
    parse_qualcoder_text,
    parse_yaml,
    read_codebook_file,
    to_csv,
    to_qdc,
    to_yaml,
    write_codebook_file,
)
from qualcode.errors import QualcodeError, WriteFailed
from qualcode.formula_guard import FORMULA_START
from tests.conftest import CORPUS, REPO

SAMPLE = REPO / "codebooks" / "forced_begging.yaml"
FIXTURES = Path(__file__).parent / "fixtures"
ATLAS_QDE = FIXTURES / "atlasti84mac_standard_project.qde"
CODEBOOK_XSD = CORPUS / "refi_qda" / "schema" / "Codebook-mrt2019.xsd"
GUID = "0F8A1907-7E42-4739-8610-A676B4D1B69F"

TINY = CodebookSpec(
    title="Tiny",
    version="2",
    codes=[
        CodeSpec(
            name="Theme",
            color="#1f77b4",
            definition="Top.",
            keywords={"sr": ["prosjak", "prosjaci"], "en": ["beggar"]},
            children=[
                CodeSpec(
                    name="Sub, with comma",
                    definition='Says "hi"\nsecond line',
                    inclusion="In.",
                    codable=False,
                )
            ],
        ),
        CodeSpec(name="Other", example="Ex.", keywords={"en": ["x"]}, guid=GUID),
    ],
)


@functools.cache
def _codebook_schema() -> Any:
    import xmlschema

    return xmlschema.XMLSchema(str(CODEBOOK_XSD))


def _validate_qdc(data: bytes) -> None:
    """Validate against the REFI schema; call it last, as it skips the test without the corpus."""
    if not CODEBOOK_XSD.is_file():
        pytest.skip(
            f"REFI-QDA schema not found at {CODEBOOK_XSD} (../shared/corpus sits beside the repository)"
        )
    _codebook_schema().validate(data.decode("utf-8"))


def _error(call: Any, *args: Any) -> str:
    with pytest.raises(CodebookFormatError) as info:
        call(*args)
    assert isinstance(info.value, QualcodeError)
    return str(info.value)


def _count(codes: list[CodeSpec]) -> int:
    return sum(1 for _ in iter_codes(codes))


def _paths(codes: list[CodeSpec]) -> list[tuple[str, ...]]:
    return [path for path, _ in iter_codes(codes)]


def _with_guids(codes: list[CodeSpec], parent: tuple[str, ...] = ()) -> list[CodeSpec]:
    """What .qdc gives back: every code with the GUID it was exported with."""
    return [
        dataclasses.replace(
            code,
            guid=code.guid or code_guid((*parent, code.name)),
            children=_with_guids(code.children, (*parent, code.name)),
        )
        for code in codes
    ]


def _without_guids(codes: list[CodeSpec]) -> list[CodeSpec]:
    return [dataclasses.replace(code, guid=None, children=_without_guids(code.children)) for code in codes]


# --- generated codebooks ----------------------------------------------------------------------

_LINE_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
_XML_UNSAFE = [chr(c) for c in range(32) if chr(c) not in "\t\n"] + ["\ufffe", "\uffff"]


def _usable_name(name: str) -> bool:
    return (
        bool(name)
        and name == name.strip()
        and not any(c in name for c in _LINE_BREAKS)
        and PATH_SEPARATOR not in name
        and not name.endswith(" >")
    )


def _alphabet(xml_safe: bool) -> st.SearchStrategy[str]:
    # Characters that matter to our formats (separators, quotes, YAML and XML specials, Serbian
    # letters) often, and any other character now and then.
    tricky = st.sampled_from([*"ab čćđšž ЉЊЏ>-:#'\"\\;,&<\t\n{}[]|!%@`*~?", "Inclusion:", "Keywords ("])
    anything = st.characters(
        blacklist_categories=("Cs",), blacklist_characters=[*_XML_UNSAFE, "\r"] if xml_safe else []
    )
    return st.one_of(tricky, anything)


def _texts(xml_safe: bool) -> st.SearchStrategy[str]:
    return st.lists(_alphabet(xml_safe), max_size=12).map("".join)


def _names(xml_safe: bool) -> st.SearchStrategy[str]:
    return _texts(xml_safe).map(str.strip).filter(_usable_name)


def _keywords(xml_safe: bool, min_size: int) -> st.SearchStrategy[dict[str, list[str]]]:
    words = _names(xml_safe).filter(lambda w: ";" not in w)
    languages = st.from_regex(r"[a-z]{2}(-[A-Z][a-z]{3})?", fullmatch=True)
    return st.dictionaries(languages, st.lists(words, min_size=min_size, max_size=3), max_size=2)


def _codes(
    xml_safe: bool, guids: bool, min_keywords: int, depth: int = 2
) -> st.SearchStrategy[list[CodeSpec]]:
    children = _codes(xml_safe, guids, min_keywords, depth - 1) if depth else st.just([])
    guid = st.one_of(st.none(), st.uuids().map(str), st.uuids().map(lambda u: "{" + str(u).upper() + "}"))
    code = st.builds(
        CodeSpec,
        name=_names(xml_safe),
        definition=_texts(xml_safe),
        inclusion=_texts(xml_safe),
        exclusion=_texts(xml_safe),
        example=_texts(xml_safe),
        color=st.none() | st.from_regex(r"#[0-9a-f]{6}", fullmatch=True),
        keywords=_keywords(xml_safe, min_keywords),
        codable=st.booleans(),
        guid=guid if guids else st.none(),
        children=children,
    )
    return st.lists(code, max_size=3, unique_by=lambda c: c.name)


# --- the sample codebook ----------------------------------------------------------------------


def test_sample_codebook_loads_with_all_its_codes() -> None:
    book = read_codebook_file(SAMPLE)
    assert book.title == "Forced begging as human trafficking — interview codebook"
    assert book.version == "1.0"
    assert book.description.startswith("Codebook for the thematic analysis of semi-structured interviews")
    assert len(book.codes) == 10
    assert [len(code.children) for code in book.codes] == [5, 12, 5, 5, 5, 4, 5, 4, 4, 5]
    assert _count(book.codes) == 72
    first = book.codes[0]
    assert first.name == "Perceptions of begging"
    assert first.color == "#332288"
    assert book.codes[1].color == "#88ccee"  # written "#88CCEE", normalised
    assert first.keywords["en"] == [
        "begging",
        "beg",
        "begs",
        "beggar",
        "beggars",
        "panhandling",
        "on the street",
    ]
    assert list(first.keywords) == ["sr", "en"]
    assert ("Indicators of exploitation", "Debt bondage") in _paths(book.codes)
    assert all(code.codable and code.guid is None for _, code in iter_codes(book.codes))


def test_sample_codebook_round_trips_through_yaml() -> None:
    book = read_codebook_file(SAMPLE)
    text = to_yaml(book)
    assert parse_yaml(text, "out.yaml") == book
    assert to_yaml(parse_yaml(text, "out.yaml")) == text
    assert text.startswith(
        "codebook: Forced begging as human trafficking — interview codebook\nversion: '1.0'\n"
    )
    assert "\n\n  - name: Indicators of exploitation\n    color: '#88ccee'\n" in text
    assert (
        "      sr: [prosjačenje, prosjačiti, prositi, prosi, prosjak, prosjaci, prosjakinja, na ulici]\n"
        in text
    )


def test_sample_codebook_exports_to_a_valid_qdc_and_back() -> None:
    book = read_codebook_file(SAMPLE)
    data = to_qdc(book)
    back = parse_qdc(data, "sample.qdc")
    assert back.codes == _with_guids(book.codes)
    assert to_qdc(back) == data  # the GUIDs made from paths give the same bytes again
    _validate_qdc(data)


def test_sample_codebook_round_trips_through_csv() -> None:
    book = read_codebook_file(SAMPLE)
    assert parse_csv(to_csv(book), "sample.csv").codes == book.codes


def test_a_bad_colour_in_the_sample_names_file_line_code_and_field() -> None:
    lines = SAMPLE.read_text(encoding="utf-8").split("\n")
    at = lines.index("      - name: Debt bondage")
    lines.insert(at + 1, "        color: blue-ish")
    assert _error(parse_yaml, "\n".join(lines), "forced_begging.yaml") == (
        f"forced_begging.yaml, line {at + 2}, code 'Indicators of exploitation > Debt bondage', "
        "field 'color': "
        "'blue-ish' is not a colour like #1f77b4; write # and six hexadecimal digits"
    )


# --- YAML -------------------------------------------------------------------------------------


def test_to_yaml_writes_keys_in_order_and_leaves_empty_fields_out() -> None:
    assert to_yaml(TINY) == (
        "codebook: Tiny\n"
        "version: '2'\n"
        "codes:\n"
        "  - name: Theme\n"
        "    color: '#1f77b4'\n"
        "    definition: Top.\n"
        "    keywords:\n"
        "      sr: [prosjak, prosjaci]\n"
        "      en: [beggar]\n"
        "    children:\n"
        "      - name: Sub, with comma\n"
        "        definition: |-\n"
        '          Says "hi"\n'
        "          second line\n"
        "        inclusion: In.\n"
        "        codable: false\n"
        "\n"
        "  - name: Other\n"
        "    example: Ex.\n"
        "    keywords:\n"
        "      en: [x]\n"
        f"    guid: {GUID}\n"
    )
    assert parse_yaml(to_yaml(TINY), "tiny.yaml") == TINY


def test_to_yaml_folds_long_text_and_keeps_letters_unescaped() -> None:
    long = "Prosjačenje dece na raskrsnicama, " * 6
    text = to_yaml(CodebookSpec(codes=[CodeSpec(name="Đak", definition=long.strip())]))
    assert text.startswith(
        "codes:\n  - name: Đak\n    definition: >-\n      Prosjačenje dece na raskrsnicama,"
    )
    assert max(len(line) for line in text.split("\n")) < 120
    assert parse_yaml(text, "x.yaml").codes[0].definition == long.strip()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    title=_texts(xml_safe=False),
    version=_texts(xml_safe=False),
    description=_texts(xml_safe=False),
    codes=_codes(xml_safe=False, guids=True, min_keywords=0),
)
def test_yaml_round_trip_is_lossless(
    title: str, version: str, description: str, codes: list[CodeSpec]
) -> None:
    book = CodebookSpec(title=title, version=version, description=description, codes=codes)
    assert parse_yaml(to_yaml(book), "generated.yaml") == book


def test_yaml_scalars_are_read_as_written() -> None:
    book = parse_yaml(
        "codebook: 2024\nversion: 1.10\ncodes:\n"
        "  - name: 12\n    color: '#ABC'\n    codable: no\n    definition:\n"
        "    keywords:\n      en: [no, yes, 1.0, null]\n      sr:\n",
        "x.yaml",
    )
    assert (book.title, book.version, book.description) == ("2024", "1.10", "")
    code = book.codes[0]
    assert (code.name, code.color, code.codable, code.definition) == ("12", "#aabbcc", False, "")
    assert code.keywords == {"en": ["no", "yes", "1.0", "null"], "sr": []}


def test_yaml_version_number_is_kept_as_text() -> None:
    assert parse_yaml("version: 1.0\n", "x.yaml").version == "1.0"


def test_yaml_names_are_stripped_and_empty_colours_dropped() -> None:
    code = parse_yaml("codes:\n  - name: '  Padded  '\n    color: ''\n", "x.yaml").codes[0]
    assert (code.name, code.color) == ("Padded", None)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "codebook: T\ncodes:\n  - name: A\n    definition: broken: here\n",
            "x.yaml, line 4: this is not valid YAML (mapping values are not allowed here); check "
            "the indentation "
            "there, and put text that contains ': ' or starts with a special character in double quotes",
        ),
        (
            "codebook: T\ncodes:\n  - name: Debt bondage\n    defintion: x\n",
            "x.yaml, line 4, code 'Debt bondage', field 'defintion': unknown key (did you mean "
            "'definition'?); "
            "the keys of a code are name, color, definition, inclusion, exclusion, example, "
            "keywords, codable, "
            "guid, children",
        ),
        (
            "title: T\n",
            "x.yaml, line 1, field 'title': unknown key (the title goes in 'codebook'); the keys of a "
            "codebook file are codebook, version, description, codes",
        ),
        (
            "codes:\n  - name: A\n    description: x\n",
            "x.yaml, line 3, code 'A', field 'description': unknown key (a code's description goes in "
            "'definition'); the keys of a code are name, color, definition, inclusion, exclusion, example, "
            "keywords, codable, guid, children",
        ),
        (
            "codes:\n  - name: A\n    children:\n      - name: B\n      - name: C\n      - name: B\n",
            "x.yaml, line 6, code 'A > B': the same code is also at line 4; sibling codes need "
            "different names: "
            "rename one or merge them",
        ),
        (
            "codes:\n  - name: A\n    color: blue-ish\n",
            "x.yaml, line 3, code 'A', field 'color': 'blue-ish' is not a colour like #1f77b4; "
            "write # and six "
            "hexadecimal digits",
        ),
        (
            "codes:\n  - name: A\n    definition: x\n    definition: y\n",
            "x.yaml, line 4, code 'A', field 'definition': the key is given twice (lines 3 and 4); keep one",
        ),
        (
            "codes:\n  - name: A\n    keywords:\n      sr: prosjak\n",
            "x.yaml, line 4, code 'A', field 'keywords': the sr keywords must be a list like "
            "[prosjak, prosjaci]",
        ),
        (
            "codes:\n  - name: A\n    keywords: [a, b]\n",
            "x.yaml, line 3, code 'A', field 'keywords': must map each language to a list, e.g. "
            "`sr: [prosjak, prosjaci]`",
        ),
        (
            "codes:\n  - name: A\n    keywords:\n      sr: ['a; b']\n",
            "x.yaml, line 4, code 'A', field 'keywords': the keyword 'a; b' contains ';', which "
            "separates keywords "
            "in CSV and .qdc files; split it",
        ),
        (
            "codes:\n  - name: A\n    keywords:\n      serbian latin: [a]\n",
            "x.yaml, line 4, code 'A', field 'keywords': 'serbian latin' is not a language code "
            "like sr, en or "
            "sr-Latn; keywords are grouped by language",
        ),
        (
            "codes:\n  - name: A\n    codable: maybe\n",
            "x.yaml, line 3, code 'A', field 'codable': 'maybe' is not true or false",
        ),
        ("codes:\n  - definition: x\n", "x.yaml, line 2, field 'name': a code has no name; add `name: …`"),
        (
            "codes:\n  - name: Parent\n    children:\n      - name: A > B\n",
            "x.yaml, line 4, code 'Parent', field 'name': the name 'A > B' contains '>' between "
            "spaces, which "
            "separates a code from its sub-codes in paths; use another character, such as '/' or '›'",
        ),
        (
            "codes:\n  - name: A\n    guid: 123\n",
            "x.yaml, line 3, code 'A', field 'guid': '123' is not a GUID like "
            "3f2504e0-4f89-11d3-9a0c-0305e82c3301; remove it (exports make one)",
        ),
        (
            f"codes:\n  - name: A\n    guid: {GUID}\n  - name: B\n    guid: {GUID.lower()}\n",
            "x.yaml, line 5, code 'B', field 'guid': code 'A' at line 3 has the same GUID; remove "
            "one of them",
        ),
        (
            "codes:\n  name: A\n",
            "x.yaml, line 2, field 'codes': must be a list of codes, each starting with `- name: …`",
        ),
        ("- a\n- b\n", "x.yaml, line 1: a codebook file must be a mapping of `key: value` lines"),
        ("", "x.yaml: the file is empty; a codebook starts with `codebook: Title`"),
        (
            "codes:\n  - &a\n    name: A\n  - *a\n",
            "x.yaml, line 2: YAML aliases (*name) are not supported in codebooks; write the entry "
            "out in full",
        ),
        (
            "codes:\n  - name: !!python/name:os.system A\n",
            "x.yaml, line 2, field 'name': YAML tags like !!python/name:os.system are not supported in "
            "codebooks; remove the tag",
        ),
        (
            "codebook: T\ncodes:\n  - name: A\x01\n",
            "x.yaml, line 3: the file contains the control character U+0001, which YAML does not "
            "allow; remove "
            "it (it is invisible in most editors)",
        ),
        (
            "codes:\n  - name: A\n    definition: [a, b]\n",
            "x.yaml, line 3, code 'A', field 'definition': must be text, not a list or a mapping",
        ),
    ],
)
def test_yaml_errors_name_line_code_and_field(text: str, message: str) -> None:
    assert _error(parse_yaml, text, "x.yaml") == message


def test_yaml_error_keeps_its_parts_as_attributes() -> None:
    with pytest.raises(CodebookFormatError) as info:
        parse_yaml("codes:\n  - name: A\n    children:\n      - name: B\n        color: red\n", "x.yaml")
    error = info.value
    assert (error.source, error.line, error.column, error.code, error.field) == (
        "x.yaml",
        5,
        None,
        ("A", "B"),
        "color",
    )


@pytest.mark.parametrize(
    ("codes", "message"),
    [
        (
            [CodeSpec(name="two\nlines")],
            "the codebook, code 'two\nlines', field 'name': the name 'two\\nlines' has "
            "a line break; write it on one line before saving",
        ),
        (
            [CodeSpec(name="A"), CodeSpec(name="A")],
            "the codebook, code 'A': two sibling codes have this name; rename or merge one before saving",
        ),
        (
            [CodeSpec(name="A", color="teal")],
            "the codebook, code 'A', field 'color': 'teal' is not a colour like "
            "#1f77b4; write # and six hexadecimal digits",
        ),
        (
            [CodeSpec(name="A", keywords={"sr": [" a"]})],
            "the codebook, code 'A', field 'keywords': the keyword "
            "' a' starts or ends with a space; remove it",
        ),
    ],
)
def test_writers_refuse_what_would_not_read_back(codes: list[CodeSpec], message: str) -> None:
    book = CodebookSpec(codes=codes)
    assert _error(to_yaml, book) == message
    assert _error(to_csv, book) == message
    assert _error(to_qdc, book) == message


# --- CSV --------------------------------------------------------------------------------------


def test_to_csv_exact_text() -> None:
    assert to_csv(TINY) == (
        "code,definition,inclusion,exclusion,example,color,codable,keywords_sr,keywords_en\r\n"
        "Theme,Top.,,,,#1f77b4,true,prosjak; prosjaci,beggar\r\n"
        '"Theme > Sub, with comma","Says ""hi""\nsecond line",In.,,,,false,,\r\n'
        "Other,,,,Ex.,,true,,x\r\n"
    )
    assert parse_csv(to_csv(TINY), "tiny.csv").codes == _without_guids(TINY.codes)


def test_parse_csv_semicolons_bom_implicit_parents_and_late_parent_rows() -> None:
    text = (
        "\ufeffCode;Color;Keywords_sr;Definition\r\n"
        "Theme > Sub > Leaf;;a;  leaf text \r\n"
        "\r\n"
        'Theme;#ABC;"x; y;";"top; with semicolon"\r\n'
        "Other;;;\r\n"
    )
    book = parse_csv(text, "codes.csv")
    assert (book.title, book.version, book.description) == ("", "", "")
    assert _paths(book.codes) == [("Theme",), ("Theme", "Sub"), ("Theme", "Sub", "Leaf"), ("Other",)]
    theme, other = book.codes
    assert (theme.color, theme.keywords, theme.definition) == (
        "#aabbcc",
        {"sr": ["x", "y"]},
        "top; with semicolon",
    )
    sub = theme.children[0]
    assert sub == CodeSpec(
        name="Sub", children=[CodeSpec(name="Leaf", definition="  leaf text ", keywords={"sr": ["a"]})]
    )
    assert other == CodeSpec(name="Other")


@pytest.mark.parametrize(
    ("cell", "codable"),
    [("", True), ("TRUE", True), ("yes", True), ("da", True), ("0", False), ("Ne", False)],
)
def test_parse_csv_codable_values(cell: str, codable: bool) -> None:
    assert parse_csv(f"code,codable\nA,{cell}\n", "x.csv").codes[0].codable is codable


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(codes=_codes(xml_safe=False, guids=False, min_keywords=1))
def test_csv_round_trip_keeps_every_code_field(codes: list[CodeSpec]) -> None:
    assert parse_csv(to_csv(CodebookSpec(title="lost", codes=codes)), "generated.csv") == CodebookSpec(
        codes=codes
    )


# --- CSV: the formula guard (qualcode.formula_guard) ------------------------------------------

GUARDED = CodebookSpec(
    codes=[
        CodeSpec(
            name="@Home",
            definition="=1+2",
            inclusion="+381 11",
            exclusion="- Da, tako je.",
            example="\tTab",
            keywords={"sr": ["-x", "y"]},
            children=[CodeSpec(name="'=kept", definition="\rCR", inclusion="'quoted'", codable=False)],
        )
    ]
)


def test_to_csv_guards_formula_text_exact_text() -> None:
    # Each of = + - @ TAB CR gets a ' in front; "'=kept" alone at the start of a cell would get one more.
    assert to_csv(GUARDED) == (
        "code,definition,inclusion,exclusion,example,color,codable,keywords_sr\r\n"
        "'@Home,'=1+2,'+381 11,\"'- Da, tako je.\",'\tTab,,true,'-x; y\r\n"
        "'@Home > '=kept,\"'\rCR\",'quoted',,,,false,\r\n"
    )
    assert to_csv(CodebookSpec(codes=[CodeSpec(name="'=kept")])).endswith("\r\n''=kept,,,,,,true\r\n")


def test_to_csv_without_the_guard_writes_text_as_it_is() -> None:
    assert to_csv(GUARDED, formula_guard=False) == (
        "code,definition,inclusion,exclusion,example,color,codable,keywords_sr\r\n"
        '@Home,=1+2,+381 11,"- Da, tako je.",\tTab,,true,-x; y\r\n'
        "@Home > '=kept,\"\rCR\",'quoted',,,,false,\r\n"
    )


def test_parse_csv_undoes_the_guard_only_where_it_is_unambiguous() -> None:
    text = (
        "code,definition,inclusion,exclusion,example,keywords_sr\r\n"
        "'=A,'=1+2,''=kept,'quoted',x'=y,'-a; '-b\r\n"
        # A partner's file without the guard is read as it is: a formula-like cell is just text.
        "=B,=SUM(1),'5,',,\r\n"
    )
    a, b = parse_csv(text, "codes.csv").codes
    assert (a.name, a.definition, a.inclusion, a.exclusion, a.example, a.keywords) == (
        "=A",
        "=1+2",
        "'=kept",
        "'quoted'",
        "x'=y",
        {"sr": ["-a", "'-b"]},  # the guard is undone per cell, not per keyword
    )
    assert (b.name, b.definition, b.inclusion, b.exclusion) == ("=B", "=SUM(1)", "'5", "'")


def test_guarded_csv_file_round_trips_and_an_unguarded_one_only_loses_a_leading_quote(tmp_path: Path) -> None:
    out = tmp_path / "codebook.csv"
    write_codebook_file(GUARDED, out)
    assert out.read_bytes().startswith(b"\xef\xbb\xbfcode,")
    assert read_codebook_file(out).codes == GUARDED.codes
    # Without the guard the file has no marker: a text starting with ' and = loses its ' (documented).
    write_codebook_file(
        CodebookSpec(codes=[CodeSpec(name="A", definition="'=x", inclusion="=y")]), out, formula_guard=False
    )
    assert out.read_bytes() == (
        b"\xef\xbb\xbfcode,definition,inclusion,exclusion,example,color,codable\r\nA,'=x,=y,,,,true\r\n"
    )
    [a] = read_codebook_file(out).codes
    assert (a.definition, a.inclusion) == ("=x", "=y")


def _formula_texts(min_size: int = 0) -> st.SearchStrategy[str]:
    """Text that starts like a formula, or like an already guarded one, or not."""
    quotes = st.sampled_from(["", "'", "''"])
    first = st.sampled_from(["=", "+", "-", "@", "\t", "\r", "a", ""])
    return st.tuples(quotes, first, _texts(xml_safe=False)).map("".join).filter(lambda t: len(t) >= min_size)


def _formula_codes(depth: int = 1) -> st.SearchStrategy[list[CodeSpec]]:
    names = _formula_texts(1).map(str.strip).filter(_usable_name)
    words = names.filter(lambda w: ";" not in w)
    code = st.builds(
        CodeSpec,
        name=names,
        definition=_formula_texts(),
        inclusion=_formula_texts(),
        exclusion=_formula_texts(),
        example=_formula_texts(),
        keywords=st.dictionaries(st.sampled_from(["sr", "en"]), st.lists(words, min_size=1, max_size=3)),
        codable=st.booleans(),
        children=_formula_codes(depth - 1) if depth else st.just([]),
    )
    return st.lists(code, max_size=3, unique_by=lambda c: c.name)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(codes=_formula_codes())
def test_csv_round_trip_with_formula_like_text_and_no_cell_starts_a_formula(codes: list[CodeSpec]) -> None:
    text = to_csv(CodebookSpec(codes=codes))
    assert parse_csv(text, "generated.csv") == CodebookSpec(codes=codes)
    cells = [cell for row in csv.reader(io.StringIO(text, newline="")) for cell in row]
    assert not [cell for cell in cells if cell.startswith(FORMULA_START)]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "code,definition\r\nA,def\r\n,orphan\r\n",
            "codes.csv, line 3, column 1: the code is empty; write the code's path, like 'Theme > Code', or "
            "delete the row",
        ),
        (
            'code,definition,color\r\n"A",x,\r\nA > B,"two\nlines",blue\r\n',
            "codes.csv, line 3, column 3, code 'A > B', field 'color': 'blue' is not a colour like #1f77b4; "
            "write # and six hexadecimal digits",
        ),
        (
            'code,definition,color\r\nA,"a\nrecord\non three lines",\r\nB,,#12\r\n',
            "codes.csv, line 5, column 3, code 'B', field 'color': '#12' is not a colour like "
            "#1f77b4; write # "
            "and six hexadecimal digits",
        ),
        (
            "code,defintion\r\n",
            "codes.csv, line 1, column 2: unknown column 'defintion' (did you mean 'definition'?); "
            "the columns "
            "are code, definition, inclusion, exclusion, example, color, codable and keywords_<language> "
            "(keywords_sr, keywords_en…)",
        ),
        (
            "name,definition\r\n",
            "codes.csv, line 1, column 1: unknown column 'name' (the code's path goes in the "
            "column 'code'); the "
            "columns are code, definition, inclusion, exclusion, example, color, codable and "
            "keywords_<language> (keywords_sr, keywords_en…)",
        ),
        (
            "definition\r\n",
            "codes.csv, line 1: there is no column 'code' (the code path, like 'Theme > Code')",
        ),
        ("code,color,Color\r\n", "codes.csv, line 1, column 3: the column 'color' appears twice; keep one"),
        (
            "code,definition\r\nA,b,c\r\n",
            "codes.csv, line 2, column 3: the row has 3 cells but the header names 2 columns; put text that "
            "contains the delimiter in double quotes",
        ),
        (
            "code\r\nA\r\nB\r\nA\r\n",
            "codes.csv, line 4, column 1, code 'A': this code already has a row at line 2; keep "
            "one row per code",
        ),
        (
            "code,codable\r\nA,maybe\r\n",
            "codes.csv, line 2, column 2, code 'A', field 'codable': 'maybe' is not true or false (leave it "
            "empty for true)",
        ),
        (
            "code\r\nA >  > B\r\n",
            "codes.csv, line 2, column 1: the path 'A >  > B' has an empty name in it; write it like "
            "'Theme > Code'",
        ),
        ("", "codes.csv: the file is empty; the first row must name the columns, starting with code"),
    ],
)
def test_csv_errors_name_line_and_column(text: str, message: str) -> None:
    assert _error(parse_csv, text, "codes.csv") == message


# --- REFI-QDA .qdc ----------------------------------------------------------------------------


def test_description_layout_is_pinned() -> None:
    code = CodeSpec(
        name="x",
        definition="Line one\nInclusion: a definition line that looks like a label\n\nend",
        inclusion="first\n\n indented",
        example="one",
        keywords={"sr": ["a", "b c"], "en": []},
    )
    text = format_description(code)
    assert text == (
        "Line one\n"
        "\\Inclusion: a definition line that looks like a label\n"
        "\n"
        "end\n"
        "\n"
        "Inclusion: first\n"
        "\n"
        "   indented\n"
        "Example: one\n"
        "Keywords (sr): a; b c\n"
        "Keywords (en):"
    )
    assert parse_description(text) == (code.definition, code.inclusion, "", "one", code.keywords)
    assert format_description(CodeSpec(name="y", exclusion="only")) == "Exclusion: only"
    assert format_description(CodeSpec(name="z", definition="just this")) == "just this"


@pytest.mark.parametrize(
    "text",
    [
        "A description from another program.\nExample: in the middle\nmore text",
        "Inclusion: the first line\nfollowed by an unindented line",
        "Text\nInclusion: not after a blank line",
        "Text\n\nKeywords (sr): a\n  keywords take one line",
        "Text\n\nExample: one\nExample: two",
    ],
)
def test_a_foreign_description_is_the_definition(text: str) -> None:
    assert parse_description(text) == (text, "", "", "", {})


def test_a_foreign_description_with_a_trailing_labelled_block_is_split() -> None:
    assert parse_description("Anything about jobs\n\nExample: taxes") == (
        "Anything about jobs",
        "",
        "",
        "taxes",
        {},
    )


def test_to_qdc_exact_bytes_and_schema() -> None:
    data = to_qdc(TINY)
    assert data.decode("utf-8") == (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="qualcode">\n'
        "  <Codes>\n"
        f'    <Code guid="{code_guid(("Theme",))}" name="Theme" isCodable="true" color="#1f77b4">\n'
        "      <Description>Top.\n\nKeywords (sr): prosjak; prosjaci\nKeywords (en): beggar</Description>\n"
        f'      <Code guid="{code_guid(("Theme", "Sub, with comma"))}" name="Sub, with comma" '
        'isCodable="false">\n'
        '        <Description>Says "hi"\nsecond line\n\nInclusion: In.</Description>\n'
        "      </Code>\n"
        "    </Code>\n"
        f'    <Code guid="{GUID}" name="Other" isCodable="true">\n'
        "      <Description>Example: Ex.\nKeywords (en): x</Description>\n"
        "    </Code>\n"
        "  </Codes>\n"
        "</CodeBook>\n"
    )
    assert parse_qdc(data, "tiny.qdc").codes == _with_guids(TINY.codes)
    _validate_qdc(data)


def test_code_guid_is_a_fixed_uuid5_of_the_path() -> None:
    assert code_guid(("Theme",)) == "544cdaae-405a-597d-a02a-9f7ad7ea3669"
    assert (
        code_guid(("Theme", "Sub")) == "1310d3f7-10bf-57e4-a6a8-4855c6f18370"
    )  # uuid5(our namespace, "Theme > Sub")
    assert code_guid(("Sub",)) != code_guid(("Theme", "Sub"))


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(codes=_codes(xml_safe=True, guids=True, min_keywords=0).filter(bool), origin=_texts(xml_safe=True))
def test_qdc_round_trip_keeps_every_code_field_and_validates(codes: list[CodeSpec], origin: str) -> None:
    data = to_qdc(CodebookSpec(title="lost", version="lost", description="lost", codes=codes), origin=origin)
    assert parse_qdc(data, "generated.qdc") == CodebookSpec(codes=_with_guids(codes))
    if CODEBOOK_XSD.is_file():  # the round trip is checked without the corpus too
        _validate_qdc(data)


@pytest.mark.parametrize(
    "root",
    [
        '<CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="x">',
        '<CodeBook xmlns="urn:QDA-XML:codebook:1:0">',  # NVivo for Mac
        "<CodeBook>",
        '<CodeBook xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xsi:schemaLocation="urn:QDA-XML:codebook:0:4 Codebook.xsd">',  # ATLAS.ti
    ],
)
def test_parse_qdc_accepts_namespace_variants(root: str) -> None:
    data = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n{root}<Codes>\n'
        f'<Code guid="{{{GUID}}}" name="Topics" isCodable="false">\n</Code>\n'
        f'<Code guid="{GUID.lower()}" name=" Economy " isCodable="1" color="#ff0">'
        "<Description>Anything about jobs or taxes</Description>"
        f'<Code guid="{code_guid(("x",))}" name="Taxes"/></Code>\n'
        "</Codes><Sets><Set guid='9fa9bcb7-5b59-47a9-8c3e-f65cffdc7520' name='ignored'/></Sets></CodeBook>"
    ).encode()
    book = parse_qdc(data, "book.qdc")
    assert book == CodebookSpec(
        codes=[
            CodeSpec(name="Topics", codable=False, guid="{" + GUID + "}"),
            CodeSpec(
                name="Economy",
                definition="Anything about jobs or taxes",
                color="#ffff00",
                guid=GUID.lower(),
                children=[CodeSpec(name="Taxes", guid=code_guid(("x",)))],
            ),
        ]
    )


def test_parse_qdc_reads_the_codebook_of_a_project() -> None:
    data = (
        b'<Project xmlns="urn:QDA-XML:project:1.0" name="p"><Users/>'
        b'<CodeBook><Codes><Code guid="' + GUID.encode() + b'" name="A" isCodable="true">'
        b'<Description>d</Description><NoteRef targetGUID="x"/></Code></Codes></CodeBook>'
        b"<Sources/></Project>"
    )
    assert parse_qdc(data, "p.qde").codes == [CodeSpec(name="A", definition="d", guid=GUID)]
    assert parse_qdc(b'<Project xmlns="urn:QDA-XML:project:1.0"/>', "p.qde") == CodebookSpec()


_LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
    b' <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">\n]>\n'
    b'<CodeBook><Codes><Code guid="'
    + GUID.encode()
    + b'" name="&lol2;" isCodable="true"/></Codes></CodeBook>'
)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            b'<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>\n<Code guid="' + GUID.encode() + b'" '
            b'isCodable="true"/></Codes></CodeBook>',
            f"book.qdc, line 2, field 'name': the <Code> with guid {GUID} has no name; name the code in the "
            "program that made the file and export it again",
        ),
        (
            b"<CodeBook><Codes>\n<Code name='A' isCodable='true'>\n<Code "
            b"isCodable='true'/></Code></Codes></CodeBook>",
            "book.qdc, line 3, code 'A', field 'name': a <Code> without name or guid has no name; "
            "name the code "
            "in the program that made the file and export it again",
        ),
        (
            _LAUGHS,
            "book.qdc, line 3: the XML declares the entity 'lol' (<!ENTITY …>); qualcode refuses entities "
            "because they can make a small file expand to gigabytes or read other files on this "
            "computer: export "
            "the codebook again from the program that made it",
        ),
        (
            b'<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>\n<CodeBook/>',
            "book.qdc, line 2: the XML declares the entity 'e' (<!ENTITY …>); qualcode refuses "
            "entities because "
            "they can make a small file expand to gigabytes or read other files on this computer: export the "
            "codebook again from the program that made it",
        ),
        (
            b'<CodeBook>\n<Codes>\n<Code name="a" </Codes></CodeBook>',
            "book.qdc, line 3, column 16: the XML cannot be read (not well-formed (invalid "
            "token)); the file is "
            "damaged or not a REFI-QDA file: export it again",
        ),
        (
            b"<Foo/>",
            "book.qdc, line 1: the root element is <Foo>, not <CodeBook> or <Project>; this is not "
            "a REFI-QDA "
            "codebook (.qdc) or project (.qde)",
        ),
        (
            b"<CodeBook><Codes>\n<Code name='A' isCodable='true' color='red'/></Codes></CodeBook>",
            "book.qdc, line 2, code 'A', field 'color': 'red' is not a colour like #1f77b4; write # and six "
            "hexadecimal digits",
        ),
        (
            b"<CodeBook><Codes>\n<Code name='A' isCodable='true'/>\n<Code name='A' "
            b"isCodable='true'/></Codes></CodeBook>",
            "book.qdc, line 3, code 'A', field 'name': the same code is also at line 2; sibling codes need "
            "different names: rename one in the program that made the file and export it again",
        ),
        (
            b"<CodeBook><Codes>\n<Code name='A' isCodable='yes'/></Codes></CodeBook>",
            "book.qdc, line 2, code 'A', field 'isCodable': isCodable is 'yes', not true or false",
        ),
        (
            b"<CodeBook><Codes>\n<Code name='A' guid='" + GUID.encode() + b"' isCodable='true'/>\n"
            b"<Code name='B' guid='" + GUID.lower().encode() + b"' isCodable='true'/></Codes></CodeBook>",
            "book.qdc, line 3, code 'B', field 'guid': code 'A' at line 2 has the same GUID; "
            "export the file again",
        ),
    ],
)
def test_qdc_errors(data: bytes, message: str) -> None:
    assert _error(parse_qdc, data, "book.qdc") == message


def test_to_qdc_refuses_what_xml_cannot_hold() -> None:
    assert (
        _error(to_qdc, CodebookSpec())
        == "the codebook: it has no codes, and a REFI-QDA codebook needs at least one"
    )
    book = CodebookSpec(codes=[CodeSpec(name="A", example="bell\x07")])
    assert _error(to_qdc, book) == (
        "the codebook, code 'A', field 'example': it contains the character U+0007, which an XML file cannot "
        "hold; remove it"
    )


def test_to_qdc_writes_carriage_returns_as_line_feeds() -> None:
    book = CodebookSpec(codes=[CodeSpec(name="A", definition="one\r\ntwo\rthree")])
    assert b"<Description>one\ntwo\nthree</Description>" in to_qdc(book)
    assert parse_qdc(to_qdc(book), "a.qdc").codes[0].definition == "one\ntwo\nthree"


# --- real REFI-QDA exports --------------------------------------------------------------------


def test_atlasti_project_codebook() -> None:
    book = read_codebook_file(ATLAS_QDE)
    assert (book.title, book.version, book.description) == ("", "", "")
    assert len(book.codes) == 14 and _count(book.codes) == 14  # ATLAS.ti 8 codes are flat
    names = [code.name for code in book.codes]
    assert names[:4] == ["happiness", "Feelings", "disgust", "waste of time"]
    assert names[-1] == '"rushed"'  # name="&quot;rushed&quot;"
    by_name = {code.name: code for code in book.codes}
    assert by_name["Feelings"].definition == "thoughts about breakfast foods"
    assert by_name["Feelings"].guid == "0F8A1907-7E42-4739-8610-A676B4D1B69F"
    assert by_name["cornflakes"].definition == "breakfast cereal made by Kellogg’s"
    assert (by_name["Coke::diet Coke"].color, by_name["Coke::diet Coke"].definition) == (
        "#966450",
        "non sucré",
    )
    assert by_name["milk"].color is None
    assert sum(1 for code in book.codes if code.definition) == 7
    assert all(code.codable for code in book.codes)


def _project_codebook(name: str) -> CodebookSpec:
    path = CORPUS / "refi_qda" / "projects" / name
    if not path.is_file():
        pytest.skip(f"{path} not found (../shared/corpus sits beside the repository)")
    return read_codebook_file(path)


def test_nvivo12_windows_project_codebook() -> None:
    book = _project_codebook("pyqdpx_nvivo12win_oltas0517.qdpx")
    codes = list(iter_codes(book.codes))
    assert len(book.codes) == 12 and len(codes) == 152
    assert max(len(path) for path, _ in codes) == 4
    assert book.codes[0].name == "1. Oltás típusa"
    assert book.codes[0].guid == "5067d381-1dc9-4816-81dd-ae1dbfea2ad7"
    assert [child.name for child in book.codes[0].children] == ["COVID", "Nem COVID"]
    assert [path for path, code in codes if not code.codable] == [("Attituderoots",)]
    assert ("Attituderoots", "2. Distrust", "Oppressive outgroups", "+Jews") in dict(codes)
    attitude = dict(codes)[("2. Attitűd szint az oltáshoz",)]
    assert (
        attitude.definition
        == "Erősen szkeptikus (piros)\nEnyhén szkeptikus, kétkedő (sárga)\nElfogadó (zöld)"
    )
    assert sum(1 for _, code in codes if code.definition) == 82
    assert sum(1 for _, code in codes if "\n" in code.definition) == 9
    # NVivo's descriptions are plain text: nothing is mistaken for our labelled fields.
    assert not any(code.inclusion or code.exclusion or code.example or code.keywords for _, code in codes)
    assert all(code.color is None for _, code in codes)
    # Re-exported, the codebook is valid REFI and reads back the same (GUIDs kept).
    data = to_qdc(book, origin="qualcode test")
    assert parse_qdc(data, "again.qdc") == book
    assert parse_yaml(to_yaml(book), "again.yaml") == book
    _validate_qdc(data)


@pytest.mark.parametrize("name", ["qc_demo_qc132.qdpx", "qc_nvivo_mac15_project.qdpx"])
def test_qualitative_coding_project_codebooks(name: str) -> None:
    book = _project_codebook(name)
    codes = dict(iter_codes(book.codes))
    assert [code.name for code in book.codes] == [
        "rq1_definition",
        "rq2_curriculum_and_instruction",
        "rq3_process",
    ]
    assert len(codes) == 262
    deepest = (
        "rq2_curriculum_and_instruction",
        "curriculum",
        "interdisciplinary_cs",
        "other_subject_areas",
        "humanities",
        "english",
        "writing",
    )
    assert deepest in codes and max(len(path) for path in codes) == 7
    assert codes[("rq1_definition", "competencies")].guid == "31366536-3938-3831-6231-633830313036"


def test_atlasti_qdpx_with_capital_project_entry() -> None:
    book = _project_codebook("skyloom_atlasti84mac_standard_project.qdpx")
    assert book == read_codebook_file(ATLAS_QDE)


# --- QualCoder plain text ---------------------------------------------------------------------


def test_qualcoder_sample_file_structure() -> None:
    path = CORPUS / "codebooks" / "qualcoder_plain_codes_categories_for_import.txt"
    if not path.is_file():
        pytest.skip(f"{path} not found (../shared/corpus sits beside the repository)")
    book = read_codebook_file(path)

    def category(name: str, *children: CodeSpec) -> CodeSpec:
        return CodeSpec(name=name, codable=False, children=list(children))

    assert book == CodebookSpec(
        codes=[
            CodeSpec(name="code1", definition="A memo for code 1"),
            category("cat1", CodeSpec(name="code2"), CodeSpec(name="code3")),
            category(
                "cat3",
                category("cat2", CodeSpec(name="code4", definition="another memo")),
                CodeSpec(name="code5"),
            ),
            CodeSpec(name="code6"),
        ]
    )


def test_qualcoder_sub_codes_quotes_and_space_separated_memos() -> None:
    text = 'a>>>b>>c\t"quoted ""memo"""\r\n\r\nx  two spaces memo\r\ncat>>y>>z\r\ncat\tnow a code too\r\n'
    book = parse_qualcoder_text(text, "codes.txt")
    assert _paths(book.codes) == [
        ("a",),
        ("a", "b"),
        ("a", "b", "c"),
        ("x",),
        ("cat",),
        ("cat", "y"),
        ("cat", "y", "z"),
    ]
    a, x, cat = book.codes
    assert a.codable and a.children[0].codable  # ">>>" makes a parent code, and ">>" after a code too
    assert a.children[0].children[0].definition == 'quoted "memo"'
    assert x.definition == "two spaces memo"
    assert (cat.codable, cat.definition, cat.children[0].codable) == (True, "now a code too", False)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "cat>>a\tm\r\ncat>>a\tn\r\n",
            "codes.txt, line 2, code 'cat > a': this code is already listed at line 1; "
            "keep one line per code",
        ),
        (
            "ok\r\ncat>> >>a\r\n",
            "codes.txt, line 2: the path 'cat>> >>a' has an empty name in it; write it as "
            "category>>code<TAB>memo",
        ),
        ("\tmemo\r\n", "codes.txt, line 1: the line has no code name; write it as category>>code<TAB>memo"),
        (
            "a > b\r\n",
            "codes.txt, line 1: the name 'a > b' contains '>' between spaces, which separates a code "
            "from its sub-codes in paths; use another character, such as '/' or '›'",
        ),
    ],
)
def test_qualcoder_errors(text: str, message: str) -> None:
    assert _error(parse_qualcoder_text, text, "codes.txt") == message


# --- files ------------------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".yaml", ".yml", ".csv", ".qdc"])
def test_write_then_read_each_format(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"tiny{suffix}"
    write_codebook_file(TINY, path)
    assert [p.name for p in tmp_path.iterdir()] == [path.name]  # no temporary file left behind
    back = read_codebook_file(path)
    expected = {
        ".yaml": TINY,
        ".yml": TINY,
        ".csv": CodebookSpec(codes=_without_guids(TINY.codes)),
        ".qdc": CodebookSpec(codes=_with_guids(TINY.codes)),
    }[suffix]
    assert back == expected


def test_csv_is_written_with_a_bom_for_excel(tmp_path: Path) -> None:
    path = tmp_path / "tiny.csv"
    write_codebook_file(TINY, path)
    assert path.read_bytes().startswith(b"\xef\xbb\xbfcode,definition,")


def test_a_failed_write_leaves_the_old_file_alone(tmp_path: Path) -> None:
    path = tmp_path / "book.yaml"
    path.write_text("codebook: old\n", encoding="utf-8")
    bad = CodebookSpec(codes=[CodeSpec(name="A", color="blue")])
    assert _error(write_codebook_file, bad, path) == (
        "book.yaml, code 'A', field 'color': 'blue' is not a colour like #1f77b4; write # and six "
        "hexadecimal digits"
    )
    assert path.read_text(encoding="utf-8") == "codebook: old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["book.yaml"]


def test_write_replaces_an_existing_file(tmp_path: Path) -> None:
    path = tmp_path / "book.yaml"
    path.write_text("codebook: old\n", encoding="utf-8")
    write_codebook_file(TINY, path)
    assert path.read_text(encoding="utf-8") == to_yaml(TINY)


def test_read_a_windows_1250_csv_from_excel(tmp_path: Path) -> None:
    path = tmp_path / "kodovi.csv"
    path.write_bytes("code;definition\r\nPrinuda;Đak je morao da prosi, šta god da kaže\r\n".encode("cp1250"))
    assert read_codebook_file(path).codes == [
        CodeSpec(name="Prinuda", definition="Đak je morao da prosi, šta god da kaže")
    ]


def test_read_qdpx_without_project_entry(tmp_path: Path) -> None:
    path = tmp_path / "empty.qdpx"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("Sources/a.txt", "x")
    path.write_bytes(buffer.getvalue())
    assert (
        _error(read_codebook_file, path)
        == "empty.qdpx: the archive has no project.qde, so it is not a REFI-QDA project; export it again"
    )
    path.write_bytes(b"not a zip")
    assert _error(read_codebook_file, path).startswith("empty.qdpx: the file is not a readable .qdpx archive")


@pytest.mark.parametrize(
    ("call", "name", "message"),
    [
        (
            read_codebook_file,
            "book.json",
            "book.json: qualcode reads codebooks from .yaml, .yml, .csv, .qdc, .qde, "
            ".qdpx, .txt files; save it as one of those",
        ),
        (
            lambda path: write_codebook_file(TINY, path),
            "book.txt",
            "book.txt: qualcode writes codebooks as .yaml, .yml, .csv, .qdc; use one of those",
        ),
    ],
)
def test_file_errors(tmp_path: Path, call: Any, name: str, message: str) -> None:
    assert _error(call, tmp_path / name) == message


def test_missing_file_and_folder(tmp_path: Path) -> None:
    # The reason in brackets is the operating system's (it differs on Windows).
    message = _error(read_codebook_file, tmp_path / "missing.yaml")
    assert message.startswith("missing.yaml: the file cannot be read (") and message.endswith(
        "); check the path"
    )
    with pytest.raises(WriteFailed) as caught:
        write_codebook_file(TINY, tmp_path / "no" / "book.yaml")
    assert str(caught.value).startswith(f"cannot write book.yaml in {tmp_path / 'no'} (")
    assert str(caught.value).endswith("); check that the folder exists and that you may write there")


def test_a_binary_file_is_refused_with_its_name(tmp_path: Path) -> None:
    path = tmp_path / "codes.csv"
    path.write_bytes(b"PK\x03\x04\x00\x00binary\x00" * 20)
    assert _error(read_codebook_file, path) == (
        "codes.csv: the file is not text (it looks binary: a spreadsheet or an archive renamed?); save the "
        "codebook as UTF-8 text (.yaml, .csv or QualCoder .txt) and read that"
    )
    path.write_bytes(b"\xff\xfeA\x00\x00\xd8")  # a UTF-16 BOM, then a lone surrogate
    assert _error(read_codebook_file, path) == (
        "codes.csv: the file starts with a byte-order mark but is not valid text in that encoding; it may be "
        "damaged: save it again as UTF-8"
    )


def test_iter_codes_is_depth_first_with_parents_first() -> None:
    assert _paths(TINY.codes) == [("Theme",), ("Theme", "Sub, with comma"), ("Other",)]
    assert list(iter_codes([CodeSpec(name="x")], ("Parent",))) == [(("Parent", "x"), CodeSpec(name="x"))]
