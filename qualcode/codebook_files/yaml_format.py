"""Codebooks in qualcode's native YAML layout: :func:`parse_yaml` and :func:`to_yaml`.

YAML keeps everything: ``parse_yaml(to_yaml(cb)) == cb``.
"""

from __future__ import annotations

from typing import Any, NoReturn

import yaml

from qualcode.codebook_files.model import (
    _COLOR_HINT,
    _FALSE,
    _TEXT_FIELDS,
    _TRUE,
    MAX_CODE_DEPTH,
    PATH_SEPARATOR,
    CodebookFormatError,
    CodebookSpec,
    CodeSpec,
    _check_codebook,
    _guid_problem,
    _keyword_problem,
    _language_problem,
    _name_problem,
    _normal_color,
    _suggest,
    code_depth,
    depth_problem,
)

_TOP_KEYS = ("codebook", "version", "description", "codes")
_CODE_KEYS = (
    "name",
    "color",
    "definition",
    "inclusion",
    "exclusion",
    "example",
    "keywords",
    "codable",
    "guid",
    "children",
)
_YAML_CORE = "tag:yaml.org,2002:"
# The tags PyYAML's safe loader gives plain and quoted scalars; anything else was written as an
# explicit tag (`!!python/…`, `!custom`), which a codebook has no use for.
_SCALAR_TAGS = frozenset(_YAML_CORE + t for t in ("str", "int", "float", "bool", "null", "timestamp"))
# Keys people write by habit (from other tools, or British spelling) and where their value goes.
_KEY_HINTS = {
    ("a codebook file", "title"): " (the title goes in 'codebook')",
    ("a codebook file", "children"): " (the top-level codes go in 'codes')",
    ("a code", "colour"): " (call it 'color')",
    ("a code", "description"): " (a code's description goes in 'definition')",
    ("a code", "memo"): " (a code's memo goes in 'definition')",
    ("a code", "codes"): " (sub-codes go in 'children')",
}


def parse_yaml(text: str, source: str) -> CodebookSpec:
    """Read a codebook in qualcode's YAML layout (see ``codebooks/forced_begging.yaml``).

    The YAML is composed with PyYAML's safe loader into nodes (no objects are ever constructed)
    and read from the nodes, which carry line numbers for messages. Scalars are taken as the
    text written, so ``version: 1.10`` is the string ``"1.10"`` and a keyword ``no`` stays "no".
    """
    try:
        _check_nesting(text, source)
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.reader.ReaderError as exc:
        # Raised before any parsing: a control character the YAML spec forbids anywhere.
        raise CodebookFormatError(
            source,
            f"the file contains the control character U+{exc.character:04X}, which YAML does not allow; "
            "remove it (it is invisible in most editors)",
            line=text.count("\n", 0, exc.position) + 1,
        ) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        line = mark.line + 1 if mark is not None else None
        raise CodebookFormatError(
            source,
            f"this is not valid YAML ({problem}); check the indentation there, and put text that "
            "contains ': ' or starts with a special character in double quotes",
            line=line,
        ) from None
    if root is None:
        raise CodebookFormatError(source, "the file is empty; a codebook starts with `codebook: Title`")
    spec = _YamlReader(source).codebook(root)
    # The exact count, for a file _check_nesting let through (its bound has room for keywords).
    if (depth := code_depth(spec.codes)) > MAX_CODE_DEPTH:
        raise CodebookFormatError(source, depth_problem(depth))
    return spec


#: The YAML nesting a codebook of MAX_CODE_DEPTH levels needs: the top mapping, then per level
#: a list (`codes:`/`children:`) and a code's mapping, then a deepest code's keywords mapping and list.
_MAX_YAML_DEPTH = 2 * MAX_CODE_DEPTH + 3


def _check_nesting(text: str, source: str) -> None:
    """Refuse YAML nested deeper than any allowed codebook, before PyYAML composes it.

    PyYAML's composer recurses once or twice per level and would end in a RecursionError; its
    parser, which produces the events counted here, does not recurse.
    """
    depth = deepest = 0
    line: int | None = None  # where the nesting first goes too deep
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth == _MAX_YAML_DEPTH + 1 and deepest <= _MAX_YAML_DEPTH and event.start_mark:
                line = event.start_mark.line + 1
            deepest = max(deepest, depth)
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
    if deepest > _MAX_YAML_DEPTH:
        # Each level of codes is two levels of YAML (a list, then the code's mapping).
        raise CodebookFormatError(source, depth_problem((deepest - 1) // 2), line=line)


class _YamlReader:
    """Turns composed YAML nodes into a :class:`CodebookSpec`, checking every value."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.seen: set[int] = set()
        self.guids: dict[str, tuple[tuple[str, ...], int]] = {}

    def fail(
        self, node: yaml.Node, problem: str, code: tuple[str, ...] | None = None, field: str | None = None
    ) -> NoReturn:
        raise CodebookFormatError(self.source, problem, line=node.start_mark.line + 1, code=code, field=field)

    def entries(
        self, node: yaml.Node, allowed: tuple[str, ...], what: str, code: tuple[str, ...] | None = None
    ) -> dict[str, tuple[yaml.Node, yaml.Node]]:
        """The key → (key node, value node) pairs of a mapping, refusing unknown and repeated keys."""
        if not isinstance(node, yaml.MappingNode):
            self.fail(node, f"{what} must be a mapping of `key: value` lines", code)
        self.enter(node)
        found: dict[str, tuple[yaml.Node, yaml.Node]] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            if not isinstance(key, str) or key not in allowed:
                shown = key if isinstance(key, str) else "?"
                self.fail(
                    key_node,
                    f"unknown key{_KEY_HINTS.get((what, shown)) or _suggest(shown, allowed)}; "
                    f"the keys of {what} are {', '.join(allowed)}",
                    code,
                    shown,
                )
            if key in found:
                first = found[key][0].start_mark.line + 1
                self.fail(
                    key_node,
                    f"the key is given twice (lines {first} and {key_node.start_mark.line + 1}); keep one",
                    code,
                    key,
                )
            found[key] = (key_node, value_node)
        return found

    def enter(self, node: yaml.Node) -> None:
        # An alias (*name) makes one node appear in several places; repeated among sibling codes
        # it could also blow a small file up exponentially. Codebooks are written out in full.
        if id(node) in self.seen:
            self.fail(
                node, "YAML aliases (*name) are not supported in codebooks; write the entry out in full"
            )
        self.seen.add(id(node))

    def text(self, node: yaml.Node, code: tuple[str, ...] | None, field: str) -> str:
        """A scalar as the text it was written as (``null`` too); empty for ``field:`` or ``field: ~``."""
        if not isinstance(node, yaml.ScalarNode):
            self.fail(node, "must be text, not a list or a mapping", code, field)
        if node.tag not in _SCALAR_TAGS:
            tag = node.tag.replace(_YAML_CORE, "!!")
            self.fail(
                node, f"YAML tags like {tag} are not supported in codebooks; remove the tag", code, field
            )
        value: str = node.value
        return "" if node.tag == _YAML_CORE + "null" and value == "~" else value

    def codebook(self, root: yaml.Node) -> CodebookSpec:
        entries = self.entries(root, _TOP_KEYS, "a codebook file")
        spec = CodebookSpec()
        for key, attr in (("codebook", "title"), ("version", "version"), ("description", "description")):
            if key in entries:
                setattr(spec, attr, self.text(entries[key][1], None, key))
        if "codes" in entries:
            spec.codes = self.codes(entries["codes"][1], ())
        return spec

    def codes(self, node: yaml.Node, parent: tuple[str, ...]) -> list[CodeSpec]:
        if isinstance(node, yaml.ScalarNode) and node.tag == _YAML_CORE + "null":
            return []
        field = "children" if parent else "codes"
        if not isinstance(node, yaml.SequenceNode):
            self.fail(node, "must be a list of codes, each starting with `- name: …`", parent or None, field)
        self.enter(node)
        codes: list[CodeSpec] = []
        lines: dict[str, int] = {}
        for item in node.value:
            code = self.code(item, parent)
            if code.name in lines:
                self.fail(
                    item,
                    f"the same code is also at line {lines[code.name]}; sibling codes need different "
                    "names: rename one or merge them",
                    (*parent, code.name),
                )
            lines[code.name] = item.start_mark.line + 1
            codes.append(code)
        return codes

    def code(self, node: yaml.Node, parent: tuple[str, ...]) -> CodeSpec:
        if not isinstance(node, yaml.MappingNode):
            self.fail(node, "each code must be a mapping starting with `- name: …`", parent or None)
        # The name first, so that every later message can say which code it is about.
        names = [(k, v) for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == "name"]
        if not names:
            self.fail(node, "a code has no name; add `name: …`", parent or None, "name")
        name = self.text(names[0][1], parent or None, "name").strip()
        problem = _name_problem(name)
        if problem:
            self.fail(names[0][1], problem, parent or None, "name")
        path = (*parent, name)
        entries = self.entries(node, _CODE_KEYS, "a code", path)
        spec = CodeSpec(name=name)
        for key in _TEXT_FIELDS:
            if key in entries:
                setattr(spec, key, self.text(entries[key][1], path, key))
        if "color" in entries:
            spec.color = self.color(entries["color"][1], path)
        if "keywords" in entries:
            spec.keywords = self.keywords(entries["keywords"][1], path)
        if "codable" in entries:
            spec.codable = self.flag(entries["codable"][1], path)
        if "guid" in entries:
            spec.guid = self.guid(entries["guid"][1], path)
        if "children" in entries:
            spec.children = self.codes(entries["children"][1], path)
        return spec

    def color(self, node: yaml.Node, path: tuple[str, ...]) -> str | None:
        value = self.text(node, path, "color")
        if not value.strip():
            return None
        color = _normal_color(value)
        if color is None:
            self.fail(node, f"{value!r} {_COLOR_HINT}", path, "color")
        return color

    def flag(self, node: yaml.Node, path: tuple[str, ...]) -> bool:
        value = self.text(node, path, "codable").lower()
        if value not in _TRUE and value not in _FALSE:
            self.fail(node, f"{value!r} is not true or false", path, "codable")
        return value in _TRUE

    def guid(self, node: yaml.Node, path: tuple[str, ...]) -> str | None:
        value = self.text(node, path, "guid").strip()
        if not value:
            return None
        problem = _guid_problem(value)
        if problem is None and value.lower() in self.guids:
            other, line = self.guids[value.lower()]
            problem = (
                f"code '{PATH_SEPARATOR.join(other)}' at line {line} has the same GUID; remove one of them"
            )
        if problem:
            self.fail(node, problem, path, "guid")
        self.guids[value.lower()] = (path, node.start_mark.line + 1)
        return value

    def keywords(self, node: yaml.Node, path: tuple[str, ...]) -> dict[str, list[str]]:
        if isinstance(node, yaml.ScalarNode) and node.tag == _YAML_CORE + "null":
            return {}
        if not isinstance(node, yaml.MappingNode):
            self.fail(
                node, "must map each language to a list, e.g. `sr: [prosjak, prosjaci]`", path, "keywords"
            )
        self.enter(node)
        result: dict[str, list[str]] = {}
        for key_node, value_node in node.value:
            language = self.text(key_node, path, "keywords").strip()
            problem = _language_problem(language)
            if problem is None and language in result:
                problem = f"the language {language} is given twice; join its keywords in one list"
            if problem:
                self.fail(key_node, problem, path, "keywords")
            result[language] = self.word_list(value_node, path, language)
        return result

    def word_list(self, node: yaml.Node, path: tuple[str, ...], language: str) -> list[str]:
        if isinstance(node, yaml.ScalarNode) and node.tag == _YAML_CORE + "null":
            return []
        if not isinstance(node, yaml.SequenceNode):
            self.fail(
                node, f"the {language} keywords must be a list like [prosjak, prosjaci]", path, "keywords"
            )
        self.enter(node)
        words = []
        for item in node.value:
            word = self.text(item, path, "keywords").strip()
            problem = _keyword_problem(word)
            if problem:
                self.fail(item, problem, path, "keywords")
            words.append(word)
        return words


class _FlowList(list[str]):
    """A keyword list, written on one line (``sr: [a, b]``) as in hand-written codebooks."""


class _Dumper(yaml.SafeDumper):
    """Block style with sequences indented under their key, as in ``codebooks/forced_begging.yaml``."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)

    def ignore_aliases(self, data: Any) -> bool:
        return True


#: Single-line text longer than this is written folded (``>-``), wrapped at the dumper's width.
_FOLD_AFTER = 80
_YAML_ONLY_BREAKS = "\x85\u2028\u2029"
_YAML_WIDTH = 100


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    # Multi-line text keeps its lines in a literal block; long prose is folded. PyYAML falls back
    # to a quoted style by itself whenever a block style could not give the same text back
    # (trailing spaces, special characters), so every choice here reads back identically.
    if any(char in value for char in _YAML_ONLY_BREAKS):
        # PyYAML writes these raw in plain, single-quoted and block scalars and then reads them
        # back as spaces or line feeds; double quotes escape them (\N, \L, \P).
        return dumper.represent_scalar(_YAML_CORE + "str", value, style='"')
    if "\n" in value:
        return dumper.represent_scalar(_YAML_CORE + "str", value, style="|")
    if len(value) > _FOLD_AFTER:
        return dumper.represent_scalar(_YAML_CORE + "str", value, style=">")
    return dumper.represent_scalar(_YAML_CORE + "str", value)


def _represent_flow(dumper: yaml.SafeDumper, value: _FlowList) -> yaml.SequenceNode:
    return dumper.represent_sequence(_YAML_CORE + "seq", value, flow_style=True)


_Dumper.add_representer(str, _represent_str)
_Dumper.add_representer(_FlowList, _represent_flow)


def to_yaml(codebook: CodebookSpec) -> str:
    """The codebook in qualcode's YAML layout; :func:`parse_yaml` reads it back unchanged.

    Keys come in a fixed order, empty fields are left out, keyword lists are written on one line
    each, and a blank line separates the top-level codes.
    """
    _check_codebook(codebook, "the codebook")
    data: dict[str, Any] = {}
    if codebook.title:
        data["codebook"] = codebook.title
    if codebook.version:
        data["version"] = codebook.version
    if codebook.description:
        data["description"] = codebook.description
    if codebook.codes:
        data["codes"] = [_code_data(code) for code in codebook.codes]
    text = yaml.dump(
        data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, default_flow_style=False, width=_YAML_WIDTH
    )
    return _space_top_codes(text)


def _code_data(code: CodeSpec) -> dict[str, Any]:
    data: dict[str, Any] = {"name": code.name}
    if code.color is not None:
        data["color"] = _normal_color(code.color)
    for key in _TEXT_FIELDS:
        if getattr(code, key):
            data[key] = getattr(code, key)
    if code.keywords:
        data["keywords"] = {language: _FlowList(words) for language, words in code.keywords.items()}
    if not code.codable:
        data["codable"] = False
    if code.guid is not None:
        data["guid"] = code.guid
    if code.children:
        data["children"] = [_code_data(child) for child in code.children]
    return data


def _space_top_codes(text: str) -> str:
    # `codes:` is the last top-level key, and inside it only the top-level items start at
    # column 2 with "- " (nested keys and scalar continuation lines are indented further).
    head, marker, body = text.partition("\ncodes:\n")
    if not marker:
        return text
    lines = body.split("\n")
    spaced = [lines[0]]
    for line in lines[1:]:
        if line.startswith("  - "):
            spaced.append("")
        spaced.append(line)
    return head + marker + "\n".join(spaced)
