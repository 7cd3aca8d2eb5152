"""Reading a checked ``project.qde`` into plain data: what qualcode can hold, and what it cannot.

Everything the store has a place for is read: users, the code tree (through
:func:`qualcode.codebook_files.parse_qdc`, so the codebook rules of ``codebook load`` apply),
text sources (``TextSource`` and the text representation of a ``PDFSource``) with their
``PlainTextSelection`` codings, notes and where they are attached, variables, cases and their
values. Everything else is counted in :attr:`RefiProject.unsupported` so the import can say
what it left out; nothing is dropped without a count.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from xml.etree.ElementTree import Element

from qualcode.codebook_files import CodebookSpec, iter_codes, parse_qdc
from qualcode.refi.qde import local


@dataclass
class RefiCoding:
    """A code applied to a selection (or to a whole source)."""

    guid: str
    code: str  # the code's GUID
    user: str | None
    created: datetime | None
    notes: list[str] = field(default_factory=list)


@dataclass
class RefiSelection:
    """A ``PlainTextSelection``: positions in the program's units, its description and codings."""

    guid: str
    start: int
    end: int
    description: str
    user: str | None
    codings: list[RefiCoding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class RefiSource:
    """A text source: where its text is, and what is coded in it."""

    guid: str
    name: str
    element: Element  # the TextSource (or a PDF's Representation) that holds the text
    selections: list[RefiSelection] = field(default_factory=list)
    codings: list[RefiCoding] = field(default_factory=list)  # of the whole source
    notes: list[str] = field(default_factory=list)


@dataclass
class RefiNote:
    """A note (memo): its text and who wrote it when."""

    guid: str
    text: str
    user: str | None
    created: datetime | None
    element: Element


@dataclass
class RefiCase:
    """A case with its variable values (variable GUID -> value text) and its sources."""

    guid: str
    name: str
    values: dict[str, str] = field(default_factory=dict)
    sources: list[str] = field(default_factory=list)


@dataclass
class RefiProject:
    """What a REFI-QDA project holds, as far as qualcode can keep it."""

    origin: str
    users: dict[str, str]
    codebook: CodebookSpec
    code_paths: dict[str, tuple[str, ...]]
    variables: dict[str, tuple[str, str]]  # GUID -> (name, typeOfVariable)
    cases: list[RefiCase]
    sources: list[RefiSource]
    notes: dict[str, RefiNote]
    #: (target kind, target GUID, note GUID): project, source, code, selection, coding.
    note_refs: list[tuple[str, str, str]]
    unsupported: Counter[str] = field(default_factory=Counter)


def _children(element: Element, name: str) -> list[Element]:
    return [child for child in element if local(child.tag) == name]


def _child(element: Element, name: str) -> Element | None:
    return next((child for child in element if local(child.tag) == name), None)


def _all(element: Element, name: str) -> list[Element]:
    return [e for e in element.iter() if isinstance(e.tag, str) and local(e.tag) == name]


def _text(element: Element | None) -> str:
    return (element.text or "") if element is not None else ""


def _time(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None


def _guid(value: str | None) -> str:
    return (value or "").strip().strip("{}").lower()


def read_project(root: Element, qde: bytes, source_name: str) -> RefiProject:
    """Plain data from a ``<Project>`` already checked by :func:`qualcode.refi.qde.check_structure`."""
    codebook = parse_qdc(qde, source_name)
    paths = {_guid(code.guid): path for path, code in iter_codes(codebook.codes) if code.guid}
    users = {}
    for user in _all(root, "User"):
        users[_guid(user.get("guid"))] = (user.get("name") or user.get("id") or "").strip()
    project = RefiProject(
        origin=root.get("origin") or "",
        users=users,
        codebook=codebook,
        code_paths=paths,
        variables={
            _guid(v.get("guid")): ((v.get("name") or "").strip(), v.get("typeOfVariable", "Text").strip())
            for v in _all(root, "Variable")
        },
        cases=[],
        sources=[],
        notes={},
        note_refs=[],
    )
    _read_sources(root, project)
    _read_cases(root, project)
    _read_notes(root, project)
    _count_unsupported(root, project)
    return project


def _codings(parent: Element, project: RefiProject) -> list[RefiCoding]:
    result = []
    for coding in _children(parent, "Coding"):
        ref = _child(coding, "CodeRef")
        item = RefiCoding(
            guid=_guid(coding.get("guid")),
            code=_guid(ref.get("targetGUID")) if ref is not None else "",
            user=_guid(coding.get("creatingUser")) or None,
            created=_time(coding.get("creationDateTime")),
        )
        for note in _children(coding, "NoteRef"):
            project.note_refs.append(("coding", item.guid, _guid(note.get("targetGUID"))))
        result.append(item)
    return result


def _note_refs(element: Element, kind: str, guid: str, project: RefiProject) -> None:
    for note in _children(element, "NoteRef"):
        project.note_refs.append((kind, guid, _guid(note.get("targetGUID"))))


def _read_sources(root: Element, project: RefiProject) -> None:
    sources = _child(root, "Sources")
    if sources is None:
        return
    for element in sources:
        kind = local(element.tag)
        guid = _guid(element.get("guid"))
        name = (element.get("name") or "").strip()
        holder: Element | None = element
        if kind == "PDFSource":
            holder = _child(element, "Representation")
            project.unsupported["PDF region selections"] += len(_children(element, "PDFSelection"))
            if holder is None:
                project.unsupported["PDF sources without a text representation"] += 1
                continue
        elif kind != "TextSource":
            continue  # counted in _count_unsupported
        assert holder is not None
        source = RefiSource(guid=guid, name=name, element=holder)
        _note_refs(element, "source", guid, project)
        source.codings = _codings(element, project)
        if holder is not element:
            source.codings += _codings(holder, project)
        for selection in _children(holder, "PlainTextSelection"):
            item = RefiSelection(
                guid=_guid(selection.get("guid")),
                start=int(selection.get("startPosition", "0")),
                end=int(selection.get("endPosition", "0")),
                description=_text(_child(selection, "Description")).strip(),
                user=_guid(selection.get("creatingUser")) or None,
            )
            item.codings = _codings(selection, project)
            _note_refs(selection, "selection", item.guid, project)
            source.selections.append(item)
        source_values = len(_children(element, "VariableValue"))
        if source_values:
            project.unsupported["variable values of sources (qualcode keeps attributes on cases)"] += (
                source_values
            )
        project.sources.append(source)


def _read_cases(root: Element, project: RefiProject) -> None:
    for element in _all(root, "Case"):
        guid = _guid(element.get("guid"))
        case = RefiCase(guid=guid, name=(element.get("name") or "").strip() or f"case {guid[:8]}")
        for value in _children(element, "VariableValue"):
            ref = _child(value, "VariableRef")
            typed = next((c for c in value if local(c.tag) != "VariableRef"), None)
            if ref is None or typed is None or not (typed.text or "").strip():
                continue
            case.values[_guid(ref.get("targetGUID"))] = (typed.text or "").strip()
        case.sources = [_guid(ref.get("targetGUID")) for ref in _children(element, "SourceRef")]
        skipped = len(_children(element, "CodeRef")) + len(_children(element, "SelectionRef"))
        if skipped:
            project.unsupported["code and selection references of cases"] += skipped
        project.cases.append(case)


def _read_notes(root: Element, project: RefiProject) -> None:
    notes = _child(root, "Notes")
    for element in _children(notes, "Note") if notes is not None else []:
        guid = _guid(element.get("guid"))
        project.notes[guid] = RefiNote(
            guid=guid,
            text="",
            user=_guid(element.get("creatingUser")) or None,
            created=_time(element.get("creationDateTime")),
            element=element,
        )
        selections = len(_children(element, "PlainTextSelection"))
        if selections:
            project.unsupported["selections inside notes"] += selections
    _note_refs(root, "project", "", project)
    for code in _all(root, "Code"):
        _note_refs(code, "code", _guid(code.get("guid")), project)


_UNSUPPORTED = {
    "PictureSource": "picture sources",
    "PictureSelection": "picture selections",
    "AudioSource": "audio sources",
    "VideoSource": "video sources",
    "AudioSelection": "audio selections",
    "VideoSelection": "video selections",
    "Transcript": "audio/video transcripts",
    "TranscriptSelection": "transcript selections",
    "Graph": "graphs",
    "Link": "links",
    "Set": "sets (qualcode has no code or document groups)",
}


def _count_unsupported(root: Element, project: RefiProject) -> None:
    for element in root.iter():
        if isinstance(element.tag, str):
            label = _UNSUPPORTED.get(local(element.tag))
            if label:
                project.unsupported[label] += 1


def read_project_notes(project: RefiProject, read_text: Callable[[str], str | None]) -> None:
    """Fill in each note's text: its name (unless the text starts with it), description and content.

    ``read_text`` reads a ``plainTextPath`` from the archive (``None`` when it is missing).
    """
    for note in project.notes.values():
        element = note.element
        content_element = _child(element, "PlainTextContent")
        content: str | None = content_element.text or "" if content_element is not None else None
        path = element.get("plainTextPath")
        if content is None and path:
            content = read_text(path)
            if content is None:
                project.unsupported["notes whose text is missing from the archive"] += 1
        content = (content or "").strip()
        name = (element.get("name") or "").strip()
        parts = [name] if name and not content.startswith(name) else []
        description = _text(_child(element, "Description")).strip()
        if description and description not in content:
            parts.append(description)
        if content:
            parts.append(content)
        note.text = "\n\n".join(parts)
