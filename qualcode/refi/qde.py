"""Parsing ``project.qde`` safely and checking that it has the shape of QDA-XML 1.0.

XML comes from other programs and other people, so it is parsed with defusedxml and any
document type declaration is refused: REFI-QDA files never have one, and a DTD is what
entity expansion (billion laughs) and external entities (reading local files) need.

Validation at run time is a structural check, not XSD validation: xmlschema is a development
dependency only (the tests validate every export against ``Project-mrt2019.xsd``). The check
covers what the import relies on: the root and namespace, known element names, the
attributes the schema requires (GUIDs, names, positions, ``isCodable``, variable types)
with their value formats, so a file that does not match the schema is refused with the
element and attribute named, instead of being half imported.
"""

from __future__ import annotations

import re
from xml.etree.ElementTree import Element

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring

from qualcode.errors import ImportFailed

NAMESPACE = "urn:QDA-XML:project:1.0"
# NVivo for Mac writes ':1:0' in codebooks; accept the same spelling for projects.
_NAMESPACES = frozenset({NAMESPACE, "urn:QDA-XML:project:1:0"})
_GUID = re.compile(
    r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
    r"|\{[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\}"
)
_INTEGER = re.compile(r"[+-]?\d+")
_BOOLEAN = frozenset({"true", "false", "1", "0"})
VARIABLE_TYPES = frozenset({"Text", "Boolean", "Integer", "Float", "Date", "DateTime"})

#: Every element of the schema, with the attributes it must have.
_REQUIRED: dict[str, tuple[str, ...]] = {
    "Project": ("name",),
    "Users": (),
    "User": ("guid",),
    "CodeBook": (),
    "Codes": (),
    "Code": ("guid", "name", "isCodable"),
    "Variables": (),
    "Variable": ("guid", "name", "typeOfVariable"),
    "Cases": (),
    "Case": ("guid",),
    "VariableValue": (),
    "VariableRef": ("targetGUID",),
    "TextValue": (),
    "BooleanValue": (),
    "IntegerValue": (),
    "FloatValue": (),
    "DateValue": (),
    "DateTimeValue": (),
    "Sources": (),
    "TextSource": ("guid",),
    "PlainTextContent": (),
    "PlainTextSelection": ("guid", "startPosition", "endPosition"),
    "PictureSource": ("guid",),
    "TextDescription": ("guid",),
    "PictureSelection": ("guid", "firstX", "firstY", "secondX", "secondY"),
    "PDFSource": ("guid",),
    "PDFSelection": ("guid", "page", "firstX", "firstY", "secondX", "secondY"),
    "Representation": ("guid",),
    "AudioSource": ("guid",),
    "VideoSource": ("guid",),
    "AudioSelection": ("guid", "begin", "end"),
    "VideoSelection": ("guid", "begin", "end"),
    "Transcript": ("guid",),
    "TranscriptSelection": ("guid",),
    "SyncPoint": ("guid",),
    "Coding": ("guid",),
    "CodeRef": ("targetGUID",),
    "NoteRef": ("targetGUID",),
    "SourceRef": ("targetGUID",),
    "SelectionRef": ("targetGUID",),
    "MemberCode": ("targetGUID",),
    "MemberSource": ("targetGUID",),
    "MemberNote": ("targetGUID",),
    "Notes": (),
    "Note": ("guid",),
    "Links": (),
    "Link": ("guid",),
    "Sets": (),
    "Set": ("guid", "name"),
    "Graphs": (),
    "Graph": ("guid",),
    "Vertex": ("guid", "firstX", "firstY"),
    "Edge": ("guid", "sourceVertex", "targetVertex"),
    "Description": (),
}
_GUID_ATTRIBUTES = frozenset(
    {
        "guid",
        "targetGUID",
        "creatingUser",
        "modifyingUser",
        "creatingUserGUID",
        "modifyingUserGUID",
        "representedGUID",
        "originGUID",
        "sourceVertex",
        "targetVertex",
        "fromSyncPoint",
        "toSyncPoint",
    }
)
_INTEGER_ATTRIBUTES = frozenset(
    {"startPosition", "endPosition", "firstX", "firstY", "secondX", "secondY", "page", "begin", "end"}
)


def local(tag: str) -> str:
    """An element's name without its namespace."""
    return tag.rsplit("}", 1)[-1]


def parse_project_xml(data: bytes) -> Element:
    """Parse ``project.qde`` and check its structure; raise :class:`ImportFailed` otherwise."""
    try:
        root: Element = fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        raise ImportFailed(
            "project.qde declares a document type or entities (<!DOCTYPE …>/<!ENTITY …>), which "
            "REFI-QDA files never have; qualcode refuses them because they can make a small file "
            "expand to gigabytes or read other files on this computer"
        ) from None
    except ParseError as exc:
        raise ImportFailed(f"project.qde is not well-formed XML ({exc}); export the project again") from None
    check_structure(root)
    return root


def check_structure(root: Element) -> None:
    """Refuse XML that does not have the shape of a QDA-XML 1.0 project (see module doc)."""
    namespace = root.tag[1:].split("}", 1)[0] if root.tag.startswith("{") else ""
    if local(root.tag) != "Project" or namespace not in _NAMESPACES:
        raise ImportFailed(
            f"project.qde has the root <{local(root.tag)}> in the namespace {namespace or '(none)'!r}, "
            f"not <Project> in {NAMESPACE!r}; it is not a REFI-QDA project (QDA-XML 1.0)"
        )
    for element in root.iter():  # the parser drops comments, so every item is an element
        name = local(element.tag)
        if name not in _REQUIRED or not element.tag.startswith(f"{{{namespace}}}"):
            raise ImportFailed(
                f"project.qde has an element <{name}> that QDA-XML 1.0 does not define; "
                "the file does not match the REFI-QDA schema"
            )
        for attribute in _REQUIRED[name]:
            if element.get(attribute) is None:
                raise ImportFailed(
                    f"project.qde: a <{name}> has no {attribute} attribute, which the REFI-QDA "
                    "schema requires; the file does not match the schema"
                )
        _check_values(name, element)


def _check_values(name: str, element: Element) -> None:
    for attribute, value in element.attrib.items():
        value = value.strip()
        problem = ""
        if attribute in _GUID_ATTRIBUTES and not _GUID.fullmatch(value):
            problem = "is not a GUID"
        elif attribute in _INTEGER_ATTRIBUTES and not _INTEGER.fullmatch(value):
            problem = "is not a whole number"
        elif attribute == "isCodable" and value not in _BOOLEAN:
            problem = "is not true or false"
        elif attribute == "typeOfVariable" and value not in VARIABLE_TYPES:
            problem = f"is not one of {', '.join(sorted(VARIABLE_TYPES))}"
        if problem:
            raise ImportFailed(
                f"project.qde: <{name} {attribute}={value!r}> {problem}; the file does not match "
                "the REFI-QDA schema"
            )
    if name == "PlainTextSelection":
        start, end = int(element.get("startPosition", "0")), int(element.get("endPosition", "0"))
        if start < 0 or end < start:
            raise ImportFailed(
                f"project.qde: a <PlainTextSelection> runs from {start} to {end}; positions must be "
                "0 or more and the end must not come before the start"
            )
