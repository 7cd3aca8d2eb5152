"""The project's codebook: a tree of codes, loaded from files, edited, and shown with counts.

Codes are named by their path, ``Theme > Code > Sub-code`` (see
:data:`qualcode.codebook_files.PATH_SEPARATOR`), or by their name alone when that is unique.
Every edit is one undoable change (see :mod:`qualcode.history`); none loses a coding
silently: merging moves codings (identical spans of one coder collapse into one, their memos
joined), and deleting a code that has codings or sub-codes needs ``force``.
"""

from __future__ import annotations

import difflib
import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import Connection, func, select

from qualcode.codebook_files import MAX_CODE_DEPTH, PATH_SEPARATOR, CodebookSpec, CodeSpec, iter_codes
from qualcode.errors import Conflict, NotFound, QualcodeError
from qualcode.store.backups import backup_before
from qualcode.store.changes import ChangeRecorder
from qualcode.store.codings import delete_codes, delete_codings, repoint_memos, update_coding
from qualcode.store.models import CODES, CODINGS, PROJECT_META, SUGGESTIONS
from qualcode.store.project import Project

#: The fields of a code besides its name and place, as stored in the codes table.
CODE_FIELDS = ("definition", "inclusion", "exclusion", "example", "color")
_META_KEYS = ("title", "version", "description")


@dataclass
class CodeRow:
    """A code as stored, with its path."""

    id: int
    name: str
    parent_id: int | None
    ordinal: int
    path: tuple[str, ...]
    definition: str
    inclusion: str
    exclusion: str
    example: str
    color: str | None
    keywords: dict[str, list[str]]
    codable: bool = True

    @property
    def label(self) -> str:
        """The path as people write it."""
        return PATH_SEPARATOR.join(self.path)


@dataclass
class CodeNode:
    """A code in the tree of `codebook show`, with how much it is used."""

    name: str
    path: str
    definition: str
    color: str | None
    codings: int
    documents: int
    #: The same counts with the sub-codes' codings included.
    total_codings: int
    total_documents: int
    children: list[CodeNode] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Plain data for ``--json``."""
        return asdict(self)


@dataclass
class LoadReport:
    """What loading a codebook file did, by code path."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Plain data for ``--json``."""
        return asdict(self)


@dataclass
class Codebook:
    """All codes of a project, indexed for look-ups by id and by path."""

    rows: dict[int, CodeRow]

    def by_path(self) -> dict[tuple[str, ...], CodeRow]:
        """Codes keyed by their path."""
        return {row.path: row for row in self.rows.values()}

    def children(self, parent_id: int | None) -> list[CodeRow]:
        """The direct children of a code (or the themes, for ``None``), in order."""
        return sorted(
            (r for r in self.rows.values() if r.parent_id == parent_id), key=lambda r: (r.ordinal, r.id)
        )

    def subtree(self, code_id: int) -> list[int]:
        """The code and all its descendants, parents before children."""
        ids = [code_id]
        for child in self.children(code_id):
            ids.extend(self.subtree(child.id))
        return ids

    def walk(self, parent_id: int | None = None) -> Iterator[CodeRow]:
        """Every code depth-first in order."""
        for row in self.children(parent_id):
            yield row
            yield from self.walk(row.id)

    def resolve(self, ref: str) -> CodeRow:
        """The code named by a path (``A > B``) or a unique name; suggests the closest names otherwise."""
        ref = ref.strip()
        paths = self.by_path()
        # "A > B" as written; then "A>B" typed without spaces (names may contain a bare ">").
        for separator in (PATH_SEPARATOR, PATH_SEPARATOR.strip()):
            found = paths.get(tuple(part.strip() for part in ref.split(separator)))
            if found is not None:
                return found
        named = [r for r in self.rows.values() if r.name == ref] or [
            r for r in self.rows.values() if r.name.casefold() == ref.casefold()
        ]
        if len(named) == 1:
            return named[0]
        if len(named) > 1:
            raise QualcodeError(
                f"{ref!r} names {len(named)} codes; give the path: " + "; ".join(r.label for r in named)
            )
        labels = [r.name for r in self.rows.values()] + [r.label for r in self.rows.values()]
        close = difflib.get_close_matches(ref, labels, n=3, cutoff=0.5)
        hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
        raise NotFound(f"no code {ref!r} in the codebook{hint} (`qualcode codebook show` lists them)")


def read_codebook(conn: Connection) -> Codebook:
    """Every code of the project."""
    rows = conn.execute(select(CODES).order_by(CODES.c.id)).mappings().all()
    by_id = {r["id"]: r for r in rows}

    def path(code_id: int) -> tuple[str, ...]:
        parts: list[str] = []
        current: int | None = code_id
        while current is not None:
            parts.append(by_id[current]["name"])
            current = by_id[current]["parent_id"]
        return tuple(reversed(parts))

    return Codebook(
        {
            r["id"]: CodeRow(
                id=r["id"],
                name=r["name"],
                parent_id=r["parent_id"],
                ordinal=r["ordinal"],
                path=path(r["id"]),
                definition=r["definition"],
                inclusion=r["inclusion"],
                exclusion=r["exclusion"],
                example=r["example"],
                color=r["color"],
                keywords=json.loads(r["keywords"] or "{}"),
                codable=bool(r["codable"]),
            )
            for r in rows
        }
    )


def load_codebook(project: Project, spec: CodebookSpec, coder: str, source: str = "") -> LoadReport:
    """Merge a codebook into the project by code path: add new codes, update changed ones."""
    report = LoadReport()
    with project.write() as conn:
        book = read_codebook(conn)
        known = book.by_path()
        ids: dict[tuple[str, ...], int] = {p: r.id for p, r in known.items()}
        rec = ChangeRecorder(conn)
        for path, code in iter_codes(spec.codes):
            label = PATH_SEPARATOR.join(path)
            values = code_columns(code)
            existing = known.get(path)
            if existing is None:
                parent_id = ids[path[:-1]] if len(path) > 1 else None
                ids[path] = rec.insert(
                    CODES,
                    name=code.name,
                    parent_id=parent_id,
                    ordinal=next_ordinal(conn, parent_id),
                    **values,
                )
                report.added.append(label)
            elif code_columns(existing) != values:
                rec.update(CODES, existing.id, **values)
                report.updated.append(label)
            else:
                report.unchanged.append(label)
        for key in _META_KEYS:
            value = getattr(spec, key)
            if value:
                set_meta(rec, f"codebook.{key}", value)
        rec.log(
            coder,
            "codebook.load",
            f"file:{source}",
            {"added": len(report.added), "updated": len(report.updated), "unchanged": len(report.unchanged)},
        )
    return report


def export_codebook(project: Project) -> CodebookSpec:
    """The project's codebook as plain data, ready for a file."""
    with project.read() as conn:
        book = read_codebook(conn)
        meta = _meta(conn)

    def spec(row: CodeRow) -> CodeSpec:
        return CodeSpec(
            name=row.name,
            definition=row.definition,
            inclusion=row.inclusion,
            exclusion=row.exclusion,
            example=row.example,
            color=row.color,
            keywords=row.keywords,
            codable=row.codable,
            children=[spec(c) for c in book.children(row.id)],
        )

    return CodebookSpec(
        title=meta.get("codebook.title", ""),
        version=meta.get("codebook.version", ""),
        description=meta.get("codebook.description", ""),
        codes=[spec(r) for r in book.children(None)],
    )


def codebook_tree(project: Project) -> list[CodeNode]:
    """The tree of codes with the number of codings and of documents coded, per code."""
    with project.read() as conn:
        book = read_codebook(conn)
        codings: Counter[int] = Counter()
        documents: dict[int, set[int]] = {}
        for code_id, doc_id, n in conn.execute(
            select(CODINGS.c.code_id, CODINGS.c.document_id, func.count()).group_by(
                CODINGS.c.code_id, CODINGS.c.document_id
            )
        ):
            codings[code_id] += n
            documents.setdefault(code_id, set()).add(doc_id)

    def node(row: CodeRow) -> CodeNode:
        subtree = book.subtree(row.id)
        docs = set().union(*(documents.get(c, set()) for c in subtree))
        return CodeNode(
            row.name,
            row.label,
            row.definition,
            row.color,
            codings[row.id],
            len(documents.get(row.id, ())),
            sum(codings[c] for c in subtree),
            len(docs),
            [node(c) for c in book.children(row.id)],
        )

    return [node(r) for r in book.children(None)]


def add_code(project: Project, name: str, coder: str, parent: str | None = None, **fields: Any) -> CodeRow:
    """Add a code (under ``parent`` when given); refuses a name its siblings already have."""
    check_code_name(name)
    with project.write() as conn:
        book = read_codebook(conn)
        parent_row = book.resolve(parent) if parent else None
        parent_id = parent_row.id if parent_row else None
        check_sibling_free(book, parent_id, name)
        check_depth(book, parent_row, None, name)
        keywords = fields.pop("keywords", {}) or {}
        values = {k: v for k, v in fields.items() if k in CODE_FIELDS and v is not None}
        rec = ChangeRecorder(conn)
        code_id = rec.insert(
            CODES,
            name=name,
            parent_id=parent_id,
            ordinal=next_ordinal(conn, parent_id),
            keywords=json.dumps(keywords, ensure_ascii=False),
            **values,
        )
        row = read_codebook(conn).rows[code_id]
        rec.log(coder, "code.add", f"code:{code_id}", {"code": row.label})
    return row


def rename_code(project: Project, ref: str, new_name: str, coder: str) -> CodeRow:
    """Give a code a new name (its codings stay)."""
    check_code_name(new_name)
    with project.write() as conn:
        book = read_codebook(conn)
        row = book.resolve(ref)
        check_sibling_free(book, row.parent_id, new_name, exclude=row.id)
        rec = ChangeRecorder(conn)
        rec.update(CODES, row.id, name=new_name)
        rec.log(coder, "code.rename", f"code:{row.id}", {"from": row.label, "to": new_name})
        return read_codebook(conn).rows[row.id]


def move_code(project: Project, ref: str, new_parent: str | None, coder: str) -> CodeRow:
    """Move a code (with its sub-codes and codings) under another code, or to the top level."""
    with project.write() as conn:
        book = read_codebook(conn)
        row = book.resolve(ref)
        parent = book.resolve(new_parent) if new_parent else None
        if parent is not None and parent.id in book.subtree(row.id):
            raise Conflict(f"cannot move {row.label} under {parent.label}: that is inside it")
        parent_id = parent.id if parent else None
        check_sibling_free(book, parent_id, row.name, exclude=row.id)
        check_depth(book, parent, row, row.name)
        rec = ChangeRecorder(conn)
        rec.update(CODES, row.id, parent_id=parent_id, ordinal=next_ordinal(conn, parent_id))
        moved = read_codebook(conn).rows[row.id]
        rec.log(coder, "code.move", f"code:{row.id}", {"from": row.label, "to": moved.label})
        return moved


@dataclass
class MergeReport:
    """What `codebook merge` did."""

    source: str
    target: str
    moved: int
    collapsed: int
    children_moved: int

    def to_dict(self) -> dict[str, Any]:
        """Plain data for ``--json``."""
        return asdict(self)


def merge_codes(project: Project, source_ref: str, target_ref: str, coder: str) -> MergeReport:
    """Move every coding (and sub-code) of the source to the target, then remove the source.

    A source coding whose coder already has the target on the identical span collapses into
    that coding; its memo, if any, is appended to the surviving coding's memo. A backup copy of
    the project is written first.
    """
    backup_before(project, "merge")
    with project.write() as conn:
        book = read_codebook(conn)
        source, target = book.resolve(source_ref), book.resolve(target_ref)
        if source.id == target.id:
            raise QualcodeError("a code cannot be merged into itself")
        if target.id in book.subtree(source.id):
            raise Conflict(
                f"cannot merge {source.label} into {target.label}: the target is inside the source"
            )
        rec = ChangeRecorder(conn)
        existing = {
            (r.document_id, r.coder_id, r.start, r.end): (r.id, r.memo)
            for r in conn.execute(select(CODINGS).where(CODINGS.c.code_id == target.id))
        }
        moved = collapsed = 0
        for r in conn.execute(
            select(CODINGS).where(CODINGS.c.code_id == source.id).order_by(CODINGS.c.id)
        ).all():
            twin = existing.get((r.document_id, r.coder_id, r.start, r.end))
            if twin is None:
                update_coding(rec, r.id, code_id=target.id)
                existing[(r.document_id, r.coder_id, r.start, r.end)] = (r.id, r.memo)
                moved += 1
                continue
            if r.memo and r.memo not in twin[1]:
                joined = f"{twin[1]}\n{r.memo}".strip()
                update_coding(rec, twin[0], memo=joined)
                existing[(r.document_id, r.coder_id, r.start, r.end)] = (twin[0], joined)
            repoint_memos(rec, "coding", r.id, twin[0])
            for suggestion_id in conn.execute(
                select(SUGGESTIONS.c.id).where(SUGGESTIONS.c.coding_id == r.id).order_by(SUGGESTIONS.c.id)
            ).scalars():
                rec.update(SUGGESTIONS, suggestion_id, coding_id=twin[0])
            delete_codings(rec, [r.id])
            collapsed += 1
        children = book.children(source.id)
        for child in children:
            check_sibling_free(book, target.id, child.name, exclude=child.id)
            check_depth(book, target, child, child.name)
            rec.update(CODES, child.id, parent_id=target.id, ordinal=next_ordinal(conn, target.id))
        repoint_memos(rec, "code", source.id, target.id)
        # The source's suggestions become the target's, decisions included: a rejected
        # suggestion stays rejected instead of coming back under the new name.
        for suggestion_id in conn.execute(
            select(SUGGESTIONS.c.id).where(SUGGESTIONS.c.code_id == source.id).order_by(SUGGESTIONS.c.id)
        ).scalars():
            rec.update(SUGGESTIONS, suggestion_id, code_id=target.id)
        delete_codes(rec, [source.id])
        report = MergeReport(source.label, target.label, moved, collapsed, len(children))
        rec.log(coder, "code.merge", f"code:{source.id}", report.to_dict())
    return report


@dataclass
class DeleteReport:
    """What `codebook delete` removed."""

    code: str
    codes: int
    codings: int
    memos: int

    def to_dict(self) -> dict[str, Any]:
        """Plain data for ``--json``."""
        return asdict(self)


def delete_code(project: Project, ref: str, coder: str, *, force: bool = False) -> DeleteReport:
    """Remove a code; with sub-codes or codings only when ``force`` (then all of them go, undoably)."""
    if force:
        backup_before(project, "delete")
    with project.write() as conn:
        book = read_codebook(conn)
        row = book.resolve(ref)
        ids = book.subtree(row.id)
        codings = conn.execute(select(CODINGS.c.id).where(CODINGS.c.code_id.in_(ids)).order_by(CODINGS.c.id))
        coding_ids = list(codings.scalars())
        if (coding_ids or len(ids) > 1) and not force:
            parts = []
            if coding_ids:
                parts.append(f"{len(coding_ids)} coding(s)")
            if len(ids) > 1:
                parts.append(f"{len(ids) - 1} sub-code(s)")
            raise Conflict(
                f"{row.label} has {' and '.join(parts)}; merge it into another code, "
                "or add --force to delete "
                "them too (undo brings them back)"
            )
        rec = ChangeRecorder(conn)
        memos = delete_codings(rec, coding_ids)
        memos += delete_codes(rec, list(reversed(ids)))  # children before parents
        report = DeleteReport(row.label, len(ids), len(coding_ids), memos)
        rec.log(coder, "code.delete", f"code:{row.id}", report.to_dict())
    return report


def code_columns(code: CodeSpec | CodeRow) -> dict[str, Any]:
    """The columns of a code's row other than its name and place: what load, merge and REFI import write."""
    return {
        "definition": code.definition,
        "inclusion": code.inclusion,
        "exclusion": code.exclusion,
        "example": code.example,
        "color": code.color,
        "keywords": json.dumps(code.keywords, ensure_ascii=False),
        "codable": code.codable,
    }


def check_code_name(name: str) -> None:
    """Refuse a name that cannot be a code's name, with the rule it breaks."""
    # The same rule as the codebook files: " > " separates a path, so a name cannot hold it.
    if not name.strip() or "\n" in name or PATH_SEPARATOR in name or name.rstrip().endswith(" >"):
        raise QualcodeError(
            f"{name!r} is not a usable code name (it must not be empty, contain ' > ' or a line break)"
        )


def check_depth(book: Codebook, parent: CodeRow | None, moved: CodeRow | None, name: str) -> None:
    """Refuse to put a new code (``moved`` None) or ``moved`` and its sub-codes deeper than allowed."""
    height = 1 + max(len(book.rows[i].path) for i in book.subtree(moved.id)) - len(moved.path) if moved else 1
    depth = (len(parent.path) if parent else 0) + height
    if depth > MAX_CODE_DEPTH:
        raise QualcodeError(
            f"putting {name!r} there would make the codebook nest {depth} levels deep; qualcode allows "
            f"at most {MAX_CODE_DEPTH}; choose a parent higher up"
        )


def check_sibling_free(book: Codebook, parent_id: int | None, name: str, exclude: int | None = None) -> None:
    """Refuse a name that a sibling (another child of the same parent) already has."""
    for sibling in book.children(parent_id):
        if sibling.name == name and sibling.id != exclude:
            raise Conflict(f"there is already a code {sibling.label}")


def next_ordinal(conn: Connection, parent_id: int | None) -> int:
    """The position after the last child of ``parent_id`` (or the last theme)."""
    condition = CODES.c.parent_id.is_(None) if parent_id is None else CODES.c.parent_id == parent_id
    current = conn.execute(select(func.max(CODES.c.ordinal)).where(condition)).scalar_one_or_none()
    return 0 if current is None else int(current) + 1


def _meta(conn: Connection) -> dict[str, str]:
    return dict(conn.execute(select(PROJECT_META.c.key, PROJECT_META.c.value)).all())


def set_meta(rec: ChangeRecorder, key: str, value: str) -> None:
    """Set a project-level fact (undoably, through the recorder)."""
    row_id = rec.conn.execute(select(PROJECT_META.c.id).where(PROJECT_META.c.key == key)).scalar_one_or_none()
    if row_id is None:
        rec.insert(PROJECT_META, key=key, value=value)
    else:
        rec.update(PROJECT_META, row_id, value=value)
