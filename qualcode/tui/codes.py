"""The codebook as the coding screen shows it: a flat tree with counts, colours and a filter.

No Textual here: plain data, so the filter and the colours are tested without a terminal.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from qualcode.codebook import CodeNode, codebook_tree, read_codebook
from qualcode.store.models import CODERS, CODINGS
from qualcode.store.project import Project
from qualcode.text.fold import fold

#: How many recently used codes get a number key (1-9).
RECENT = 9
# Codes without a colour of their own and without a coloured ancestor get one of these, by
# theme, so that neighbouring themes differ (Paul Tol's "muted" scheme, readable for most
# colour-blind people, like the sample codebook's own colours).
_FALLBACK = ("#cc6677", "#332288", "#ddcc77", "#117733", "#88ccee", "#882255", "#44aa99", "#999933")


@dataclass(frozen=True)
class CodeEntry:
    """One line of the codebook tree."""

    label: str  # the path, `Theme > Code`, as the library resolves it
    name: str
    depth: int
    color: str
    codings: int  # with the sub-codes' codings
    #: What the filter matches, folded: the path and the code's keywords in every language
    #: (a coder reading Serbian types "kvota" for "Daily quotas").
    search_key: str = ""


@dataclass(frozen=True)
class ShownCode:
    """A code in the filtered tree; ``match`` is False for an ancestor shown only as context."""

    entry: CodeEntry
    match: bool


def load_codes(project: Project) -> list[CodeEntry]:
    """Every code depth-first, with its colour (its own, else its nearest ancestor's) and count."""
    entries: list[CodeEntry] = []
    with project.read() as conn:
        keywords = {row.label: row.keywords for row in read_codebook(conn).rows.values()}

    def walk(node: CodeNode, depth: int, inherited: str) -> None:
        color = node.color or inherited
        words = [w for ws in keywords.get(node.path, {}).values() for w in ws]
        key = fold(" | ".join([node.path, *words]))
        entries.append(CodeEntry(node.path, node.name, depth, color, node.total_codings, key))
        for child in node.children:
            walk(child, depth + 1, color)

    for i, theme in enumerate(codebook_tree(project)):
        walk(theme, 0, _FALLBACK[i % len(_FALLBACK)])
    return entries


def filter_codes(entries: list[CodeEntry], typed: str) -> list[ShownCode]:
    """The codes whose path or a keyword contains ``typed`` (script, case and diacritics ignored).

    Ancestors of a match are kept, unmarked, so the tree still reads as a tree.
    """
    key = fold(typed.strip())
    if not key:
        return [ShownCode(e, True) for e in entries]
    hits = [key in (e.search_key or fold(e.label)) for e in entries]
    keep = list(hits)
    for i, hit in enumerate(hits):
        if not hit:
            continue
        depth = entries[i].depth
        for j in range(i - 1, -1, -1):  # walk back to each shallower ancestor
            if entries[j].depth < depth:
                keep[j] = True
                depth = entries[j].depth
                if depth == 0:
                    break
    return [ShownCode(e, hit) for e, hit, k in zip(entries, hits, keep, strict=True) if k]


def recent_codes(project: Project, coder: str) -> list[str]:
    """The coder's most recently applied codes, newest first (at most :data:`RECENT`)."""
    with project.read() as conn:
        labels = {row.id: row.label for row in read_codebook(conn).rows.values()}
        rows = conn.execute(
            select(CODINGS.c.code_id)
            .join(CODERS, CODERS.c.id == CODINGS.c.coder_id)
            .where(CODERS.c.name == coder)
            .order_by(CODINGS.c.id.desc())
            .limit(500)
        ).scalars()
        recent: list[str] = []
        for code_id in rows:
            label = labels.get(code_id)
            if label and label not in recent:
                recent.append(label)
                if len(recent) == RECENT:
                    break
    return recent


def remember(recent: list[str], label: str) -> list[str]:
    """``recent`` with ``label`` moved to the front (number key 1)."""
    return [label, *(r for r in recent if r != label)][:RECENT]
