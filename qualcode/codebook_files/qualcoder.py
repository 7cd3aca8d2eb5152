"""QualCoder's plain-text code list (``.txt``), read only: :func:`parse_qualcoder_text`.

It has names, the hierarchy and one memo per code.
"""

from __future__ import annotations

import re

from qualcode.codebook_files.model import (
    MAX_CODE_DEPTH,
    CodebookFormatError,
    CodebookSpec,
    CodeSpec,
    _name_problem,
    depth_problem,
)

# QualCoder's plain-text codebook: `category>>category>>code<TAB>memo`; `>>>` (or longer) puts a
# code under a code instead of under a category. See QualCoder's ImportPlainTextCodes.
_QUALCODER_SEPARATOR = re.compile(r"(>{3,}|>>)")


def parse_qualcoder_text(text: str, source: str) -> CodebookSpec:
    """Read QualCoder's plain-text code list: one ``cat>>sub>>code<TAB>memo`` per line.

    Categories become parent codes that cannot be applied (``codable=False``); ``>>>`` makes a
    parent that is itself a code. The memo becomes the definition; QualCoder also accepts two
    or more spaces instead of the tab, and so does this reader. A name that is a category in one
    line and a code in another is one code here (QualCoder keeps categories and codes apart);
    that code is codable.
    """
    roots: list[CodeSpec] = []
    nodes: dict[tuple[str, ...], CodeSpec] = {}
    defined: dict[tuple[str, ...], int] = {}
    for number, line in enumerate(re.split(r"\r\n|\r|\n", text.removeprefix("\ufeff")), start=1):
        if not line.strip():
            continue
        path_text, memo = _qualcoder_columns(line)
        segments = _qualcoder_segments(path_text.strip(), source, number)
        path: tuple[str, ...] = ()
        for name, is_code in segments:
            path = (*path, name)
            node = nodes.get(path)
            if node is None:
                node = nodes[path] = CodeSpec(name=name, codable=is_code)
                (nodes[path[:-1]].children if len(path) > 1 else roots).append(node)
            node.codable = node.codable or is_code
        if path in defined:
            raise CodebookFormatError(
                source,
                f"this code is already listed at line {defined[path]}; keep one line per code",
                line=number,
                code=path,
            )
        defined[path] = number
        nodes[path].definition = memo
    return CodebookSpec(codes=roots)


def _qualcoder_segments(path_text: str, source: str, number: int) -> list[tuple[str, bool]]:
    """The names of a QualCoder path, each with whether it is a code (else a category)."""
    parts = [part.strip() for part in _QUALCODER_SEPARATOR.split(path_text)]
    names, separators = parts[0::2], parts[1::2]
    if len(names) > MAX_CODE_DEPTH:
        raise CodebookFormatError(source, depth_problem(len(names)), line=number)
    if not all(names):
        problem = (
            f"the path {path_text!r} has an empty name in it" if path_text else "the line has no code name"
        )
        raise CodebookFormatError(source, f"{problem}; write it as category>>code<TAB>memo", line=number)
    segments = []
    under_code = False
    for depth, name in enumerate(names):
        bad_name = _name_problem(name)
        if bad_name:
            raise CodebookFormatError(source, bad_name, line=number, code=tuple(names[:depth]) or None)
        # The last name is a code, and so is one followed by ">>>"; after a code, ">>" counts as
        # ">>>" (QualCoder has no categories under codes).
        under_code = under_code or depth == len(names) - 1 or separators[depth] != ">>"
        segments.append((name, under_code))
    return segments


def _qualcoder_columns(line: str) -> tuple[str, str]:
    path, tab, memo = line.partition("\t")
    if not tab:
        path, *rest = re.split(r"\s{2,}", line.strip(), maxsplit=1)
        memo = rest[0] if rest else ""
    memo = memo.strip()
    if len(memo) >= 2 and memo[0] == memo[-1] == '"':
        memo = memo[1:-1].replace('""', '"')
    return path, memo
