"""Reliability data built from a project: who coded what, on which unit of analysis.

Only documents that every compared coder has coded (at least one coding, any code) are
compared: a document one coder has not opened yet is not a disagreement. Everything here is
interval arithmetic over the coders' spans — merged, sorted and cut at their boundaries —
never a loop over characters.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
from sqlalchemy import Connection, func, select

from qualcode.agreement.binary import Pattern, PatternCounts
from qualcode.codebook import Codebook, read_codebook
from qualcode.errors import NotFound, QualcodeError
from qualcode.store.models import CODERS, CODINGS, DOCUMENTS, UNITS, finished

Span = tuple[int, int]
UNITS_OF_ANALYSIS = ("characters", "units", "segments", "documents", "unitizing")


@dataclass
class AuditData:
    """The codings of the compared coders on the shared documents, grouped for the audit."""

    coders: tuple[str, ...]
    documents: dict[int, str]  # shared documents: id -> name
    lengths: dict[int, int]
    excluded: list[str]  # documents not coded by every compared coder
    codes: list[tuple[str, set[int]]]  # (label, code ids counted for it)
    #: (code index, document id) -> one merged span list per coder (in ``coders`` order)
    spans: dict[tuple[int, int], list[list[Span]]] = field(default_factory=dict)
    #: The same codings before merging, for segment matching.
    raw: dict[tuple[int, int], list[list[Span]]] = field(default_factory=dict)


def load_audit_data(
    conn: Connection,
    coders: Sequence[str] | None = None,
    codes: Sequence[str] = (),
    documents: Sequence[str] = (),
    *,
    rollup: bool = True,
) -> AuditData:
    """Collect the spans per code, document and coder for the audit.

    Named ``codes`` count with their sub-codes (``rollup``) or alone; without names, every code
    that has codings counts on its own.
    """
    all_coders = dict(
        conn.execute(
            select(CODERS.c.name, CODERS.c.id)
            .where(CODERS.c.id.in_(select(CODINGS.c.coder_id).distinct()))
            .order_by(CODERS.c.name)
        ).all()
    )
    # Consensus coders written by `agree reconcile` are not compared unless named.
    consensus = set(
        conn.execute(
            select(CODINGS.c.coder_id)
            .group_by(CODINGS.c.coder_id)
            .having(func.min(func.substr(CODINGS.c.origin, 1, 11)) == "reconciled:")
            .having(func.max(func.substr(CODINGS.c.origin, 1, 11)) == "reconciled:")
        ).scalars()
    )
    names = list(coders) if coders else [n for n, i in all_coders.items() if i not in consensus]
    for name in names:
        if name not in all_coders:
            known = ", ".join(all_coders) or "none yet"
            raise NotFound(f"coder {name!r} has no codings in this project (coders with codings: {known})")
    if len(set(names)) < 2:
        raise QualcodeError(
            "agreement needs two or more coders with codings; name them with --coders A,B "
            f"(this project has {len(all_coders)})"
        )
    coder_ids = [all_coders[n] for n in names]
    doc_rows = dict(
        conn.execute(
            select(DOCUMENTS.c.id, DOCUMENTS.c.name)
            .where(finished(DOCUMENTS.c.id))
            .order_by(DOCUMENTS.c.name)
        ).all()
    )
    wanted_docs = _wanted_documents(doc_rows, documents)
    coded_by = defaultdict(set)
    for doc_id, coder_id in conn.execute(
        select(CODINGS.c.document_id, CODINGS.c.coder_id).where(CODINGS.c.coder_id.in_(coder_ids)).distinct()
    ):
        coded_by[doc_id].add(coder_id)
    shared = {d: doc_rows[d] for d in wanted_docs if coded_by[d] >= set(coder_ids)}
    excluded = sorted(doc_rows[d] for d in wanted_docs if d not in shared and coded_by[d])
    lengths = dict(
        conn.execute(
            select(DOCUMENTS.c.id, func.length(DOCUMENTS.c.text)).where(DOCUMENTS.c.id.in_(list(shared)))
        ).all()
    )
    book = read_codebook(conn)
    rows = conn.execute(
        select(CODINGS.c.code_id, CODINGS.c.document_id, CODINGS.c.coder_id, CODINGS.c.start, CODINGS.c.end)
        .where(CODINGS.c.coder_id.in_(coder_ids), CODINGS.c.document_id.in_(list(shared)))
        .order_by(CODINGS.c.document_id, CODINGS.c.start, CODINGS.c.end)
    ).all()
    groups = _groups(book, codes, {r.code_id for r in rows}, rollup)
    member: dict[int, list[int]] = defaultdict(list)
    for index, (_, ids) in enumerate(groups):
        for code_id in ids:
            member[code_id].append(index)
    position = {coder_id: i for i, coder_id in enumerate(coder_ids)}
    raw: dict[tuple[int, int], list[list[Span]]] = {}
    for r in rows:
        for index in member.get(r.code_id, ()):
            raw.setdefault((index, r.document_id), [[] for _ in coder_ids])[position[r.coder_id]].append(
                (r.start, r.end)
            )
    spans = {key: [merge_spans(s) for s in per_coder] for key, per_coder in raw.items()}
    return AuditData(tuple(names), shared, lengths, excluded, groups, spans, raw)


def _wanted_documents(doc_rows: dict[int, str], documents: Sequence[str]) -> list[int]:
    if not documents:
        return list(doc_rows)
    by_name = {name: doc_id for doc_id, name in doc_rows.items()}
    missing = [d for d in documents if d not in by_name]
    if missing:
        raise NotFound(f"no document named {missing[0]!r} (`qualcode transcripts list` shows the names)")
    return [by_name[d] for d in documents]


def _groups(book: Codebook, refs: Sequence[str], used: set[int], rollup: bool) -> list[tuple[str, set[int]]]:
    """Named codes (with sub-codes when ``rollup``), or every used code alone, in codebook order."""
    if refs:
        rows = [book.resolve(r) for r in refs]
        return [(row.label, set(book.subtree(row.id)) if rollup else {row.id}) for row in rows]
    return [(row.label, {row.id}) for row in book.walk() if row.id in used]


def merge_spans(spans: Iterable[Span]) -> list[Span]:
    """Sorted, non-overlapping spans covering the same characters (touching spans join)."""
    merged: list[Span] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def character_patterns(per_coder: list[list[Span]], length: int) -> dict[Pattern, int]:
    """Characters of one document per pattern of coders' codings (the rest: nobody coded them)."""
    events: list[tuple[int, int, int]] = []
    for index, spans in enumerate(per_coder):
        for start, end in spans:
            events.append((min(start, length), 1, index))
            events.append((min(end, length), -1, index))
    events.sort()
    state = [0] * len(per_coder)
    counts: dict[Pattern, int] = defaultdict(int)
    position = 0
    covered = 0
    for at, step, index in events:
        if at > position and any(state):
            counts[tuple(state)] += at - position
            covered += at - position
        position = at
        state[index] += step
    counts[(0,) * len(per_coder)] += length - covered
    return dict(counts)


def unit_patterns(per_coder: list[list[Span]], units: Sequence[Span] | UnitArrays) -> dict[Pattern, int]:
    """Units per pattern: a coder applied the code to a unit when a coding overlaps it."""
    arrays = units if isinstance(units, UnitArrays) else UnitArrays.of(units)
    if not arrays.size:
        return {}
    code = np.zeros(arrays.size, dtype=np.int64)
    k = len(per_coder)
    for index, spans in enumerate(per_coder):
        if not spans:
            continue
        starts = np.fromiter((s[0] for s in spans), dtype=np.int64, count=len(spans))
        ends = np.fromiter((s[1] for s in spans), dtype=np.int64, count=len(spans))
        # The first span ending after the unit's start overlaps it if it also starts before the unit ends.
        first = np.searchsorted(ends, arrays.starts, side="right")
        inside = first < len(spans)
        hit = np.zeros(arrays.size, dtype=bool)
        hit[inside] = starts[first[inside]] < arrays.ends[inside]
        code += hit.astype(np.int64) << (k - 1 - index)  # the pattern as a k-bit number, first coder highest
    counts = np.bincount(code, minlength=1 << k)
    return {
        tuple((value >> (k - 1 - i)) & 1 for i in range(k)): int(n)
        for value, n in enumerate(counts.tolist())
        if n
    }


@dataclass(frozen=True)
class UnitArrays:
    """A document's units as numpy arrays, built once and reused for every code."""

    starts: np.ndarray
    ends: np.ndarray

    @property
    def size(self) -> int:
        """The number of units."""
        return int(self.starts.size)

    @classmethod
    def of(cls, units: Sequence[Span]) -> UnitArrays:
        """Arrays from (start, end) pairs in document order."""
        return cls(
            np.array([u[0] for u in units], dtype=np.int64), np.array([u[1] for u in units], dtype=np.int64)
        )


def load_units(conn: Connection, doc_ids: Iterable[int], kind: str) -> dict[int, list[Span]]:
    """The units of one kind per document, in order."""
    result: dict[int, list[Span]] = defaultdict(list)
    for doc_id, start, end in conn.execute(
        select(UNITS.c.document_id, UNITS.c.start, UNITS.c.end)
        .where(UNITS.c.document_id.in_(list(doc_ids)), UNITS.c.kind == kind)
        .order_by(UNITS.c.document_id, UNITS.c.start)
    ):
        result[doc_id].append((start, end))
    return result


def add_patterns(total: dict[Pattern, int], more: dict[Pattern, int]) -> None:
    """Add pattern counts into ``total``."""
    for pattern, n in more.items():
        total[pattern] = total.get(pattern, 0) + n


def to_counts(coders: tuple[str, ...], counts: dict[Pattern, int]) -> PatternCounts:
    """Pattern counts as the statistics take them."""
    return PatternCounts(coders, {p: n for p, n in counts.items() if n})


@dataclass(frozen=True)
class SegmentMatch:
    """Coded segments of two coders matched by overlap."""

    matched: int
    only_first: int
    only_second: int


def match_segments(first: Sequence[Span], second: Sequence[Span], threshold: float) -> SegmentMatch:
    """Pair segments greedily by overlap (shared characters / characters covered by either) ≥ threshold."""
    candidates = []
    ordered = sorted(second)
    for i, (a_start, a_end) in enumerate(first):
        for k, (b_start, b_end) in enumerate(ordered):
            if b_start >= a_end:
                break
            shared = min(a_end, b_end) - max(a_start, b_start)
            if shared > 0:
                ratio = shared / (max(a_end, b_end) - min(a_start, b_start))
                if ratio >= threshold:
                    candidates.append((-ratio, i, k))
    candidates.sort()
    used_a: set[int] = set()
    used_b: set[int] = set()
    for _, i, k in candidates:
        if i not in used_a and k not in used_b:
            used_a.add(i)
            used_b.add(k)
    return SegmentMatch(len(used_a), len(first) - len(used_a), len(second) - len(used_b))


def disagreement_stretches(per_coder: list[list[Span]], length: int) -> list[tuple[int, int, Pattern]]:
    """Stretches of text where the coders differ, with who coded them (adjacent equal stretches joined)."""
    events: list[tuple[int, int, int]] = []
    for index, spans in enumerate(per_coder):
        for start, end in spans:
            events.append((min(start, length), 1, index))
            events.append((min(end, length), -1, index))
    events.sort()
    state = [0] * len(per_coder)
    stretches: list[tuple[int, int, Pattern]] = []
    position = 0
    for at, step, index in events:
        if at > position and any(state) and not all(state):
            pattern = tuple(state)
            if stretches and stretches[-1][1] == position and stretches[-1][2] == pattern:
                stretches[-1] = (stretches[-1][0], at, pattern)
            else:
                stretches.append((position, at, pattern))
        position = at
        state[index] += step
    return stretches
