"""Bringing another coder's project file in (`qualcode merge`).

Each coder of a team often codes in a copy of the study's project on their own laptop. Merging
such a copy: documents are matched by content (the SHA-256 of the imported bytes) — a document
only the other project has is copied with its units and search index; codes are matched by path
and new ones added; the other project's codings are added under their coder's name (renamed by
``coder_map``), and a coding that is already here is skipped, so merging twice changes nothing.
Cases are linked by name (created when missing). Memos are not merged yet; the report says how
many were left behind.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, func, select

from qualcode.codebook import code_columns, next_ordinal, read_codebook
from qualcode.errors import QualcodeError
from qualcode.search import index_document
from qualcode.store.backups import backup_before
from qualcode.store.changes import ChangeRecorder
from qualcode.store.codings import NewCoding, add_codings, ensure_coder
from qualcode.store.models import CASES, CODERS, CODES, CODINGS, DOCUMENTS, MEMOS, UNITS, finished
from qualcode.store.project import Project, open_project


@dataclass
class ProjectMergeReport:
    """What `qualcode merge` did."""

    source: str
    documents_matched: int
    documents_added: list[str]
    codes_added: list[str]
    codings_added: dict[str, int]
    codings_already_present: int
    memos_not_merged: int

    def to_dict(self) -> dict[str, Any]:
        """Plain data for ``--json``."""
        return asdict(self)


def parse_coder_map(items: list[str]) -> dict[str, str]:
    """``OLD=NEW`` items to a mapping."""
    mapping = {}
    for item in items:
        old, sep, new = item.partition("=")
        if not sep or not old.strip() or not new.strip():
            raise QualcodeError(f"--coder-map {item!r} is not OLD=NEW, e.g. --coder-map ana=ana.petrovic")
        mapping[old.strip()] = new.strip()
    return mapping


def merge_project(
    project: Project, other_path: Path, author: str, coder_map: dict[str, str] | None = None
) -> ProjectMergeReport:
    """Merge the other project's documents, codes and codings into this one (one transaction)."""
    coder_map = coder_map or {}
    if other_path.resolve() == project.path.resolve():
        raise QualcodeError("a project cannot be merged into itself")
    with open_project(other_path) as other, other.read() as src:
        docs = (
            src.execute(
                select(DOCUMENTS, CASES.c.name.label("case_name"))
                .outerjoin(CASES, CASES.c.id == DOCUMENTS.c.case_id)
                .where(finished(DOCUMENTS.c.id))
                .order_by(DOCUMENTS.c.id)
            )
            .mappings()
            .all()
        )
        units = src.execute(select(UNITS).order_by(UNITS.c.id)).mappings().all()
        other_book = read_codebook(src)
        codings = (
            src.execute(
                select(CODINGS, CODERS.c.name.label("coder"))
                .join(CODERS, CODERS.c.id == CODINGS.c.coder_id)
                .order_by(CODINGS.c.id)
            )
            .mappings()
            .all()
        )
        memos = int(src.execute(select(func.count()).select_from(MEMOS)).scalar_one())
    report = ProjectMergeReport(other_path.name, 0, [], [], {}, 0, memos)
    backup_before(project, "merge-project")
    with project.write() as conn:
        rec = ChangeRecorder(conn)
        doc_ids = _merge_documents(rec, docs, units, report)
        code_ids = _merge_codes(conn, rec, other_book, report)
        coder_ids: dict[str, int] = {}
        wanted = []
        for c in codings:
            name = coder_map.get(c["coder"], c["coder"])
            if name not in coder_ids:
                coder_ids[name] = ensure_coder(rec, name)
            wanted.append(
                NewCoding(
                    doc_ids[c["document_id"]],
                    code_ids[c["code_id"]],
                    coder_ids[name],
                    c["start"],
                    c["end"],
                    memo=c["memo"],
                    origin=c["origin"],
                    important=c["important"],
                )
            )
        names = {coder_id: name for name, coder_id in coder_ids.items()}
        for coding, result in zip(wanted, add_codings(rec, wanted), strict=True):
            if result.created:
                name = names[coding.coder_id]
                report.codings_added[name] = report.codings_added.get(name, 0) + 1
            else:
                report.codings_already_present += 1
        rec.log(
            author,
            "project.merge",
            f"file:{other_path.name}",
            {
                "documents_added": len(report.documents_added),
                "codes_added": len(report.codes_added),
                "codings_added": sum(report.codings_added.values()),
            },
        )
    return report


def _merge_documents(
    rec: ChangeRecorder, docs: Any, units: Any, report: ProjectMergeReport
) -> dict[int, int]:
    """Other document id -> our id, copying the documents we do not have (undoably)."""
    conn = rec.conn
    mapping: dict[int, int] = {}
    units_by_doc: dict[int, list[Any]] = {}
    for u in units:
        units_by_doc.setdefault(u["document_id"], []).append(u)
    for d in docs:
        ours = conn.execute(
            select(DOCUMENTS.c.id).where(DOCUMENTS.c.sha256 == d["sha256"])
        ).scalar_one_or_none()
        if ours is not None:
            mapping[d["id"]] = int(ours)
            report.documents_matched += 1
            continue
        if conn.execute(select(DOCUMENTS.c.id).where(DOCUMENTS.c.name == d["name"])).first():
            raise QualcodeError(
                f"the other project's {d['name']} differs from the document of that name here; "
                "rename one of them "
                "first (nothing was merged)"
            )
        case_id = None
        if d["case_name"]:
            case_id = conn.execute(
                select(CASES.c.id).where(CASES.c.name == d["case_name"])
            ).scalar_one_or_none()
            if case_id is None:
                case_id = rec.insert(CASES, name=d["case_name"])
        values = {
            k: d[k]
            for k in (
                "name",
                "sha256",
                "text",
                "language",
                "script",
                "mixed_script",
                "source_format",
                "source_name",
                "encoding",
                "word_count",
                "imported_at",
            )
        }
        new_id = rec.insert(DOCUMENTS, **values, case_id=case_id)
        rows = [
            {k: u[k] for k in ("kind", "ordinal", "start", "end", "speaker", "t_start", "t_end")}
            | {"document_id": new_id}
            for u in units_by_doc.get(d["id"], [])
        ]
        rec.insert_many(UNITS, rows)
        index_document(conn, new_id)
        mapping[d["id"]] = new_id
        report.documents_added.append(d["name"])
    return mapping


def _merge_codes(
    conn: Connection, rec: ChangeRecorder, other_book: Any, report: ProjectMergeReport
) -> dict[int, int]:
    """Other code id -> our id by path, adding the codes we do not have (parents first)."""
    ours = {row.path: row.id for row in read_codebook(conn).rows.values()}
    mapping: dict[int, int] = {}
    for row in other_book.walk():
        if row.path not in ours:
            parent = ours[row.path[:-1]] if len(row.path) > 1 else None
            ours[row.path] = rec.insert(
                CODES,
                name=row.name,
                parent_id=parent,
                ordinal=next_ordinal(conn, parent),
                **code_columns(row),
            )
            report.codes_added.append(row.label)
        mapping[row.id] = ours[row.path]
    return mapping
