"""The data of a codebook file and the rules shared by all formats.

:class:`CodeSpec` and :class:`CodebookSpec` hold a codebook as plain data; :class:`CodebookFormatError`
is what every reader and writer raises. The ``_…_problem`` helpers and :func:`_check_codebook`
apply the rules listed in :mod:`qualcode.codebook_files` and are used by every format module.
"""

from __future__ import annotations

import difflib
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field

from qualcode.errors import QualcodeError

#: How a code path is written in CSV files and in messages: ``Theme > Code > Sub-code``.
PATH_SEPARATOR = " > "

#: How many levels codes may nest (a top-level code is level 1). Real codebooks stop at four or
#: five; the bound is what keeps every reader and every walk over the tree (loading, export,
#: ``codebook show``, the TUI's code tree, most of them recursive) far from Python's recursion
#: limit, so a malformed or hostile file gets a message instead of a RecursionError.
MAX_CODE_DEPTH = 50

#: Namespace of :func:`code_guid`. Never change it: exported GUIDs would change with it, and
#: programs that imported an earlier export would see every code as new.
_GUID_NAMESPACE = uuid.UUID("79bccce4-154d-4e4c-a75d-affcf26b730d")

_TEXT_FIELDS = ("definition", "inclusion", "exclusion", "example")


@dataclass
class CodeSpec:
    """One code of a codebook file, with its sub-codes."""

    name: str
    definition: str = ""
    inclusion: str = ""
    exclusion: str = ""
    example: str = ""
    color: str | None = None
    keywords: dict[str, list[str]] = field(default_factory=dict)
    codable: bool = True
    guid: str | None = None
    children: list[CodeSpec] = field(default_factory=list)


@dataclass
class CodebookSpec:
    """A whole codebook file: its title, version, description and tree of codes."""

    title: str = ""
    version: str = ""
    description: str = ""
    codes: list[CodeSpec] = field(default_factory=list)


class CodebookFormatError(QualcodeError):
    """A codebook file (or a codebook about to be written) breaks the rules of its format.

    The message reads ``FILE, line N[, column C][, code 'A > B'][, field 'f']: problem; what to
    do``; the parts are also kept as attributes for callers that show them differently.
    """

    def __init__(
        self,
        source: str,
        problem: str,
        *,
        line: int | None = None,
        column: int | None = None,
        code: tuple[str, ...] | None = None,
        field: str | None = None,
    ) -> None:
        self.source = source
        self.problem = problem
        self.line = line
        self.column = column
        self.code = code
        self.field = field
        where = [source]
        if line is not None:
            where.append(f"line {line}")
        if column is not None:
            where.append(f"column {column}")
        if code:
            where.append(f"code '{PATH_SEPARATOR.join(code)}'")
        if field is not None:
            where.append(f"field '{field}'")
        super().__init__(f"{', '.join(where)}: {problem}")


def code_guid(path: tuple[str, ...]) -> str:
    """A GUID for a code that has none: uuid5 of its path, so re-exports give identical files."""
    return str(uuid.uuid5(_GUID_NAMESPACE, PATH_SEPARATOR.join(path)))


def iter_codes(
    codes: list[CodeSpec], parent: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], CodeSpec]]:
    """Every code with its path, depth-first, each parent before its children."""
    for code in codes:
        path = (*parent, code.name)
        yield path, code
        yield from iter_codes(code.children, path)


def depth_problem(depth: int) -> str:
    """The message for a codebook that nests ``depth`` levels, more than :data:`MAX_CODE_DEPTH`."""
    return (
        f"the codebook nests {depth} levels deep; qualcode allows at most {MAX_CODE_DEPTH}; "
        "move the deepest codes up, under fewer parents"
    )


def code_depth(codes: list[CodeSpec]) -> int:
    """How many levels ``codes`` nest (0 for none); iterative, so any depth can be measured."""
    deepest = 0
    stack = [(code, 1) for code in codes]
    while stack:
        code, depth = stack.pop()
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in code.children)
    return deepest


# --- values shared by all formats -------------------------------------------------------------

# Everything Python's str.splitlines() and YAML treat as a line end.
_LINE_BREAK = re.compile(r"[\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
_COLOR = re.compile(r"#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})")
_LANGUAGE = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:[-_][A-Za-z0-9]+)*")
_GUID = re.compile(
    r"[0-9a-fA-F]{8}(?:-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}|\{[0-9a-fA-F]{8}(?:-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}\}"
)
_COLOR_HINT = "is not a colour like #1f77b4; write # and six hexadecimal digits"
# How ``true`` and ``false`` may be written (YAML's ``codable``; CSV also takes 1/0 and da/ne).
_TRUE = ("true", "yes", "on")
_FALSE = ("false", "no", "off")


def _name_problem(name: str) -> str | None:
    if not name:
        return "the name is empty; give the code a name"
    if name != name.strip():
        return f"the name {name!r} starts or ends with a space; remove it"
    if _LINE_BREAK.search(name):
        return f"the name {name!r} has a line break; write it on one line"
    if PATH_SEPARATOR in name or name.endswith(PATH_SEPARATOR.rstrip()):
        return (
            f"the name {name!r} contains '{PATH_SEPARATOR.strip()}' between spaces, which separates "
            "a code from its sub-codes in paths; use another character, such as '/' or '›'"
        )
    return None


def _normal_color(value: str) -> str | None:
    """``#rrggbb`` in lower case, or ``None`` when ``value`` is not a colour."""
    match = _COLOR.fullmatch(value.strip())
    if match is None:
        return None
    digits = match.group(1).lower()
    return "#" + (digits if len(digits) == 6 else "".join(c * 2 for c in digits))


def _keyword_problem(word: str) -> str | None:
    if not word:
        return "a keyword is empty; remove it"
    if word != word.strip():
        return f"the keyword {word!r} starts or ends with a space; remove it"
    if _LINE_BREAK.search(word):
        return f"the keyword {word!r} has a line break; write each keyword on one line"
    if ";" in word:
        return f"the keyword {word!r} contains ';', which separates keywords in CSV and .qdc files; split it"
    return None


def _language_problem(language: str) -> str | None:
    if _LANGUAGE.fullmatch(language):
        return None
    return f"{language!r} is not a language code like sr, en or sr-Latn; keywords are grouped by language"


def _guid_problem(guid: str) -> str | None:
    if _GUID.fullmatch(guid):
        return None
    return f"{guid!r} is not a GUID like 3f2504e0-4f89-11d3-9a0c-0305e82c3301; remove it (exports make one)"


def _check_codebook(codebook: CodebookSpec, source: str) -> None:
    """Refuse to write a codebook that would not read back the same."""
    depth = code_depth(codebook.codes)  # first: iter_codes below recurses once per level
    if depth > MAX_CODE_DEPTH:
        raise CodebookFormatError(source, f"{depth_problem(depth)} before saving")
    siblings: dict[tuple[str, ...], set[str]] = {}
    guids: dict[str, tuple[str, ...]] = {}
    for path, code in iter_codes(codebook.codes):
        problem = _name_problem(code.name)
        if problem:
            raise CodebookFormatError(source, f"{problem} before saving", code=path, field="name")
        names = siblings.setdefault(path[:-1], set())
        if code.name in names:
            raise CodebookFormatError(
                source, "two sibling codes have this name; rename or merge one before saving", code=path
            )
        names.add(code.name)
        if code.color is not None and _normal_color(code.color) is None:
            raise CodebookFormatError(source, f"{code.color!r} {_COLOR_HINT}", code=path, field="color")
        for language, words in code.keywords.items():
            problem = _language_problem(language)
            for word in words:
                problem = problem or _keyword_problem(word)
            if problem:
                raise CodebookFormatError(source, problem, code=path, field="keywords")
        if code.guid is not None:
            problem = _guid_problem(code.guid)
            if problem is None and code.guid.lower() in guids:
                other = PATH_SEPARATOR.join(guids[code.guid.lower()])
                problem = f"the GUID {code.guid} is also the GUID of '{other}'; remove one of them"
            if problem:
                raise CodebookFormatError(source, problem, code=path, field="guid")
            guids[code.guid.lower()] = path


def _suggest(word: str, allowed: tuple[str, ...]) -> str:
    close = difflib.get_close_matches(word, allowed, n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""
