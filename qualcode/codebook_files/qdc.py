"""REFI-QDA codebooks (``.qdc``) and the codebook of REFI-QDA projects (``.qde``).

:func:`parse_qdc` and :func:`to_qdc`, and :func:`format_description` / :func:`parse_description`,
which carry the fields REFI has no element for inside a code's ``<Description>``.
"""

from __future__ import annotations

import re
from typing import Any, NoReturn
from xml.etree.ElementTree import Element, SubElement, TreeBuilder, indent, tostring

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser, ParseError

from qualcode.codebook_files.model import (
    _COLOR_HINT,
    _TEXT_FIELDS,
    MAX_CODE_DEPTH,
    PATH_SEPARATOR,
    CodebookFormatError,
    CodebookSpec,
    CodeSpec,
    _check_codebook,
    _guid_problem,
    _language_problem,
    _name_problem,
    _normal_color,
    code_guid,
    depth_problem,
)

_QDC_NAMESPACE = "urn:QDA-XML:codebook:1.0"
_LABELS = ("Inclusion", "Exclusion", "Example")
# A line of the structured part of a <Description>: "Inclusion: …" or "Keywords (sr): …".
_LABEL_LINE = re.compile(r"(?:(Inclusion|Exclusion|Example)|Keywords \(([^()\n]*)\)):(.*)")
# Definition lines that could be taken for a label line get one more leading backslash.
_ESCAPABLE = re.compile(r"\\*(?:Inclusion:|Exclusion:|Example:|Keywords \()")
_ESCAPED = re.compile(r"\\+(?:Inclusion:|Exclusion:|Example:|Keywords \()")
_EXPAT_POSITION = re.compile(r": line \d+, column \d+$")  # the message repeats the position
# Characters XML 1.0 cannot hold at all, not even as character references.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def format_description(code: CodeSpec) -> str:
    """The text of a code's REFI ``<Description>``: the definition, then the fields REFI lacks.

    Layout (fields that are empty are left out)::

        <definition, as many lines as it has>
        <blank line, only when there is a definition and something follows>
        Inclusion: <inclusion>
        Exclusion: <exclusion>
        Example: <example>
        Keywords (sr): prosjak; prosjaci
        Keywords (en): beggar; begging

    A value with several lines continues on lines indented by two spaces (an empty line stays
    empty). A definition line that starts like a label (``Example:``…) gets a leading backslash
    so it is not taken for one; :func:`parse_description` removes it. Line ends are ``\\n``.
    """
    block = []
    for label, value in zip(_LABELS, (code.inclusion, code.exclusion, code.example), strict=True):
        if value:
            first, *rest = _lf(value).split("\n")
            block.append(f"{label}: {first}" if first else f"{label}:")
            block.extend(f"  {line}" if line else "" for line in rest)
    for language, words in code.keywords.items():
        block.append(f"Keywords ({language}): {'; '.join(words)}" if words else f"Keywords ({language}):")
    definition = "\n".join(
        "\\" + line if _ESCAPABLE.match(line) else line for line in _lf(code.definition).split("\n")
    )
    if not block:
        return definition
    return "\n".join([definition, "", *block]) if definition else "\n".join(block)


def parse_description(text: str) -> tuple[str, str, str, str, dict[str, list[str]]]:
    """Split a ``<Description>`` into definition, inclusion, exclusion, example and keywords.

    The inverse of :func:`format_description`. A description that does not end in that
    structured part (any other program's) is the definition as it stands.
    """
    lines = text.split("\n")
    start = next((i for i, line in enumerate(lines) if _LABEL_LINE.fullmatch(line)), None)
    fields = None
    if start is not None and (start == 0 or lines[start - 1] == ""):
        fields = _labelled_fields(lines[start:])
    if fields is None or start is None:
        return _unescape(text), "", "", "", {}
    inclusion, exclusion, example, keywords = fields
    return _unescape("\n".join(lines[: max(start - 1, 0)])), inclusion, exclusion, example, keywords


def _labelled_fields(lines: list[str]) -> tuple[str, str, str, dict[str, list[str]]] | None:
    values: dict[str, list[str]] = {}
    keywords: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in lines:
        match = _LABEL_LINE.fullmatch(line)
        if match is not None:
            label, language, rest = match.groups()
            value = rest.removeprefix(" ")
            if label is not None and label not in values:
                current = values[label] = [value]
                continue
            if language is not None and language not in keywords and not _language_problem(language):
                keywords[language] = [word.strip() for word in value.split(";") if word.strip()]
                current = None  # keywords take one line
                continue
            return None
        if current is None or not (line == "" or line.startswith("  ")):
            return None
        current.append(line[2:])
    inclusion, exclusion, example = ("\n".join(values.get(label, [])) for label in _LABELS)
    return inclusion, exclusion, example, keywords


def _unescape(text: str) -> str:
    return "\n".join(line[1:] if _ESCAPED.match(line) else line for line in text.split("\n"))


def _lf(text: str) -> str:
    # XML parsers turn CR LF and CR into LF; doing it here keeps exports deterministic.
    return text.replace("\r\n", "\n").replace("\r", "\n")


def to_qdc(codebook: CodebookSpec, origin: str = "qualcode") -> bytes:
    """The codebook as a REFI-QDA codebook (``.qdc``), valid against ``Codebook-mrt2019.xsd``.

    Every code gets its GUID (or :func:`code_guid` of its path), ``isCodable`` and its colour;
    the definition and the fields REFI has no element for go into ``<Description>`` (see
    :func:`format_description`). Title, version and description have no place in the schema.
    """
    source = "the codebook"
    _check_codebook(codebook, source)
    if not codebook.codes:
        raise CodebookFormatError(source, "it has no codes, and a REFI-QDA codebook needs at least one")
    _check_xml_text(origin, source, None, "origin")
    root = Element("CodeBook", {"xmlns": _QDC_NAMESPACE, "origin": origin})
    codes = SubElement(root, "Codes")
    for code in codebook.codes:
        _code_element(codes, code, (), source)
    indent(root, space="  ")
    return (
        b'<?xml version="1.0" encoding="utf-8"?>\n'
        + tostring(root, encoding="unicode").encode("utf-8")
        + b"\n"
    )


def _code_element(parent: Element, code: CodeSpec, parent_path: tuple[str, ...], source: str) -> None:
    path = (*parent_path, code.name)
    _check_xml_text(code.name, source, path, "name")
    attributes = {
        "guid": code.guid or code_guid(path),
        "name": code.name,
        "isCodable": "true" if code.codable else "false",
    }
    if code.color is not None:
        attributes["color"] = _normal_color(code.color) or ""
    element = SubElement(parent, "Code", attributes)
    description = format_description(code)
    if description:
        for key in _TEXT_FIELDS:
            _check_xml_text(getattr(code, key), source, path, key)
        for words in code.keywords.values():
            _check_xml_text("".join(words), source, path, "keywords")
        SubElement(element, "Description").text = description
    for child in code.children:
        _code_element(element, child, path, source)


def _check_xml_text(text: str, source: str, path: tuple[str, ...] | None, field: str) -> None:
    bad = _NOT_XML.search(text)
    if bad:
        raise CodebookFormatError(
            source,
            f"it contains the character U+{ord(bad.group()):04X}, which an XML file cannot hold; remove it",
            code=path,
            field=field,
        )


class _LineTreeBuilder(TreeBuilder):
    """An ElementTree builder that notes the line where each element starts, for messages."""

    def __init__(self) -> None:
        super().__init__()
        self.lines: dict[Element, int] = {}
        self.expat: Any = None

    def start(self, tag: Any, attrs: dict[Any, Any], /) -> Element:
        element = super().start(tag, attrs)
        self.lines[element] = self.expat.CurrentLineNumber
        return element


def parse_qdc(data: bytes, source: str) -> CodebookSpec:
    """Read the codes of a REFI-QDA codebook (``.qdc``) or project (``.qde``, inside ``.qdpx``).

    Any namespace is accepted (``urn:QDA-XML:codebook:1.0``, NVivo for Mac's ``…:1:0``, older
    ATLAS.ti files, none), and so is a ``<Project>`` root, whose ``<CodeBook>`` is read. Sets,
    notes and everything else are left out. Entity declarations and external references are
    refused (defusedxml), as they serve only to blow up or to read other files.
    """
    builder = _LineTreeBuilder()
    parser = DefusedXMLParser(target=builder, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    builder.expat = parser.parser
    try:
        parser.feed(data)
        root = parser.close()
    except ParseError as exc:
        line, column = exc.position
        raise CodebookFormatError(
            source,
            f"the XML cannot be read ({_EXPAT_POSITION.sub('', str(exc))}); the file is damaged or not a "
            "REFI-QDA file: export it again",
            line=line,
            column=column + 1,
        ) from None
    except DefusedXmlException as exc:
        entity = getattr(exc, "name", None) or getattr(exc, "sysid", None) or "?"
        raise CodebookFormatError(
            source,
            f"the XML declares the entity '{entity}' (<!ENTITY …>); qualcode refuses entities because "
            "they can make a small file expand to gigabytes or read other files on this computer: "
            "export the codebook again from the program that made it",
            line=parser.parser.CurrentLineNumber,
        ) from None
    return _QdcReader(source, builder.lines).codebook(root)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _child(element: Element, name: str) -> Element | None:
    return next((child for child in element if _local(child.tag) == name), None)


def _code_height(element: Element) -> int:
    """How many levels of ``<Code>`` the element is, with those nested in it (counted iteratively)."""
    deepest = 0
    stack = [(element, 1)]
    while stack:
        current, depth = stack.pop()
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in current if _local(child.tag) == "Code")
    return deepest


class _QdcReader:
    """Turns parsed QDA-XML into a :class:`CodebookSpec`, checking every code."""

    def __init__(self, source: str, lines: dict[Element, int]) -> None:
        self.source = source
        self.lines = lines
        self.guids: dict[str, tuple[tuple[str, ...], int]] = {}

    def fail(
        self, element: Element, problem: str, path: tuple[str, ...] | None, field: str | None
    ) -> NoReturn:
        raise CodebookFormatError(self.source, problem, line=self.lines.get(element), code=path, field=field)

    def codebook(self, root: Element) -> CodebookSpec:
        book: Element | None = root
        if _local(root.tag) == "Project":
            book = _child(root, "CodeBook")
        elif _local(root.tag) != "CodeBook":
            self.fail(
                root,
                f"the root element is <{_local(root.tag)}>, not <CodeBook> or <Project>; "
                "this is not a REFI-QDA codebook (.qdc) or project (.qde)",
                None,
                None,
            )
        codes = _child(book, "Codes") if book is not None else None
        return CodebookSpec(codes=self.codes(codes, ()) if codes is not None else [])

    def codes(self, parent: Element, parent_path: tuple[str, ...]) -> list[CodeSpec]:
        result: list[CodeSpec] = []
        lines: dict[str, int | None] = {}
        for element in parent:
            if _local(element.tag) != "Code":
                continue
            code = self.code(element, parent_path)
            path = (*parent_path, code.name)
            if code.name in lines:
                self.fail(
                    element,
                    f"the same code is also at line {lines[code.name]}; sibling codes need different "
                    "names: rename one in the program that made the file and export it again",
                    path,
                    "name",
                )
            lines[code.name] = self.lines.get(element)
            result.append(code)
        return result

    def code(self, element: Element, parent_path: tuple[str, ...]) -> CodeSpec:
        if len(parent_path) >= MAX_CODE_DEPTH:  # this reader recurses once per level
            depth = len(parent_path) + _code_height(element)
            self.fail(element, depth_problem(depth), None, None)  # a path that long says nothing
        guid = (element.get("guid") or "").strip()
        raw_name = element.get("name")
        if raw_name is None or not raw_name.strip():
            who = f"the <Code> with guid {guid}" if guid else "a <Code> without name or guid"
            self.fail(
                element,
                f"{who} has no name; name the code in the program that made the file and export it again",
                parent_path or None,
                "name",
            )
        name = raw_name.strip()
        problem = _name_problem(name)
        if problem:
            self.fail(element, problem, parent_path or None, "name")
        path = (*parent_path, name)
        spec = CodeSpec(name=name, guid=self.guid(element, guid, path))
        codable = (element.get("isCodable") or "true").strip().lower()
        if codable not in ("true", "1", "false", "0"):
            self.fail(element, f"isCodable is {codable!r}, not true or false", path, "isCodable")
        spec.codable = codable in ("true", "1")
        color = element.get("color")
        if color is not None and color.strip():
            spec.color = _normal_color(color)
            if spec.color is None:
                self.fail(element, f"{color!r} {_COLOR_HINT}", path, "color")
        description = _child(element, "Description")
        if description is not None and description.text:
            spec.definition, spec.inclusion, spec.exclusion, spec.example, spec.keywords = parse_description(
                description.text
            )
        spec.children = self.codes(element, path)
        return spec

    def guid(self, element: Element, guid: str, path: tuple[str, ...]) -> str | None:
        if not guid:
            return None
        problem = _guid_problem(guid)
        if problem is None and guid.lower() in self.guids:
            other, line = self.guids[guid.lower()]
            problem = (
                f"code '{PATH_SEPARATOR.join(other)}' at line {line} has the same GUID; export the file again"
            )
        if problem:
            self.fail(element, problem, path, "guid")
        self.guids[guid.lower()] = (path, self.lines.get(element, 0))
        return guid
