"""Gathering the report's data from the project into plain dataclasses (no Word here).

Passages are the codings located by :class:`qualcode.query.Locator` in the interviews that the
``--where`` conditions select (evaluated as `retrieve` evaluates them), participants come from
:func:`qualcode.cases.case_attributes`, the codebook from :func:`qualcode.codebook.read_codebook`,
agreement from the audit.
"""

from __future__ import annotations

import difflib
from collections import defaultdict
from collections.abc import Sequence
from datetime import date

from sqlalchemy import Connection, select

from qualcode.cases import case_attributes
from qualcode.codebook import Codebook, CodeRow, read_codebook
from qualcode.errors import QualcodeError
from qualcode.query import Condition, Locator, case_matches, parse_condition
from qualcode.report.agreement_summary import summarise_agreement
from qualcode.report.cooccurrence import overlapping_passages
from qualcode.report.model import (
    DEFAULT_ATTRIBUTION,
    DEFAULT_GROUPS,
    CodebookEntry,
    Interview,
    Passage,
    Quote,
    ReportData,
    ReportOptions,
    Section,
)
from qualcode.report.prevalence import group_values, merged_passages, prevalence
from qualcode.report.quotes import choose_quotes
from qualcode.store.models import ATTRIBUTES, CODERS, CODINGS, DOCUMENTS, MEMOS, PROJECT_META, finished
from qualcode.store.project import Project

#: How many co-occurring codes or themes a section names.
COOCCURS_SHOWN = 3


def gather(project: Project, options: ReportOptions) -> ReportData:
    """Everything the report shows, for the interviews and codes the options select."""
    if options.quotes < 0:
        raise QualcodeError("--quotes must be 0 or more")
    with project.read() as conn:
        book = read_codebook(conn)
        names = list(conn.execute(select(ATTRIBUTES.c.name).order_by(ATTRIBUTES.c.id)).scalars())
        groups = _attributes(options.groups, DEFAULT_GROUPS, names, "--by")
        attribution = _attributes(
            options.attribute_quotes_by, DEFAULT_ATTRIBUTION, names, "--attribute-quotes-by"
        )
        conditions = [parse_condition(w) for w in options.where]
        _check(names, [c.attribute for c in conditions], "--where")
        interviews = _interviews(conn, conditions)
        if conn.execute(select(CODINGS.c.id).limit(1)).first() is None:
            raise QualcodeError(
                "the project has no codings yet, so there is nothing to report; "
                "code some passages first (`qualcode code apply …`)"
            )
        memos = _code_memos(conn)
        meta = dict(conn.execute(select(PROJECT_META.c.key, PROJECT_META.c.value)).all())
        roots = [book.resolve(ref) for ref in options.codes] or book.children(None)
        included = {i for r in roots for i in book.subtree(r.id)}
        passages = _passages(conn, included, interviews)
    if not passages:
        raise QualcodeError(
            "no coded passages in the interviews selected by --where "
            + " and ".join(options.where)
            + "; loosen the conditions"
        )
    by_code: dict[int, list[Passage]] = defaultdict(list)
    for p in passages:
        by_code[p.code_id].append(p)
    builder = _Builder(book, included, by_code, interviews, memos, groups, attribution, options.quotes)
    themes = [builder.section(t, 0) for t in book.children(None) if included & set(book.subtree(t.id))]
    builder.add_cooccurrence(themes)
    coders: dict[str, tuple[int, set[str]]] = {}
    for p in passages:
        count, docs = coders.get(p.coder, (0, set()))
        coders[p.coder] = (count + 1, docs | {p.document})
    shown = {book.rows[i].label for i in included}
    return ReportData(
        title=options.title or "",
        day=options.day or date.today(),
        interviews=list(interviews.values()),
        participants=len({i.case for i in interviews.values() if i.case is not None}),
        words=sum(i.words for i in interviews.values()),
        passages=sum(len(s) for code in by_code.values() for s in merged_passages(code).values()),
        where=tuple(options.where),
        groups=groups,
        attribution=attribution,
        quotes_per_code=options.quotes,
        coders=[(name, n, len(docs)) for name, (n, docs) in sorted(coders.items())],
        codebook_title=meta.get("codebook.title", ""),
        codebook_version=meta.get("codebook.version", ""),
        codebook=_codebook(book, included),
        themes=themes,
        agreement=summarise_agreement(
            project,
            unit=options.agreement_unit,
            unit_kind=options.unit_kind,
            documents=sorted({p.document for p in passages}),
            codes=shown,
        ),
        group_tables=_group_tables(themes, groups, list(interviews.values())),
    )


def _attributes(
    chosen: tuple[str, ...] | None, defaults: tuple[str, ...], names: list[str], option: str
) -> tuple[str, ...]:
    if chosen is None:
        return tuple(a for a in defaults if a in names)
    wanted = tuple(a.strip() for a in chosen if a.strip())
    _check(names, list(wanted), option)
    return wanted


def _check(names: list[str], wanted: Sequence[str], option: str) -> None:
    for name in wanted:
        if name not in names:
            close = difflib.get_close_matches(name, names, n=3)
            hint = (
                f"; did you mean {', '.join(close)}?"
                if close
                else f"; attributes: {', '.join(names) or 'none'}"
            )
            raise QualcodeError(f"{option}: no participant attribute {name!r}{hint}")


def _interviews(conn: Connection, conditions: list[Condition]) -> dict[str, Interview]:
    cases = case_attributes(conn)
    interviews = {}
    for name, case_id, words in conn.execute(
        select(DOCUMENTS.c.name, DOCUMENTS.c.case_id, DOCUMENTS.c.word_count)
        .where(finished(DOCUMENTS.c.id))
        .order_by(DOCUMENTS.c.name)
    ):
        case = cases.get(case_id)
        if case_matches(case, conditions, conn):
            interviews[name] = Interview(
                name, case.name if case else None, dict(case.values) if case else {}, words
            )
    return interviews


def _code_memos(conn: Connection) -> dict[int, list[str]]:
    memos: dict[int, list[str]] = defaultdict(list)
    for target, coder, text in conn.execute(
        select(MEMOS.c.code_id, CODERS.c.name, MEMOS.c.text)
        .join(CODERS, CODERS.c.id == MEMOS.c.coder_id)
        .where(MEMOS.c.code_id.is_not(None))
        .order_by(MEMOS.c.id)
    ):
        memos[target].append(f"{text} ({coder})")
    return memos


def _passages(conn: Connection, included: set[int], interviews: dict[str, Interview]) -> list[Passage]:
    """Every coding of the included codes in the selected interviews, located as `retrieve` does.

    One query and one :class:`~qualcode.query.Locator` for all codes: calling ``retrieve`` per
    theme read every document's text and units once per theme, most of the time on a large study.
    """
    rows = conn.execute(
        select(
            CODINGS.c.id,
            CODINGS.c.document_id,
            CODINGS.c.code_id,
            CODINGS.c.start,
            CODINGS.c.end,
            CODINGS.c.important,
            CODERS.c.name.label("coder"),
            DOCUMENTS.c.name.label("document"),
        )
        .join(CODERS, CODERS.c.id == CODINGS.c.coder_id)
        .join(DOCUMENTS, DOCUMENTS.c.id == CODINGS.c.document_id)
        .where(CODINGS.c.code_id.in_(sorted(included)), DOCUMENTS.c.name.in_(sorted(interviews)))
        .order_by(DOCUMENTS.c.name, CODINGS.c.start, CODINGS.c.end, CODINGS.c.id)
    ).all()
    doc_ids = sorted({r.document_id for r in rows})
    texts = dict(
        conn.execute(select(DOCUMENTS.c.id, DOCUMENTS.c.text).where(DOCUMENTS.c.id.in_(doc_ids))).all()
    )
    locator = Locator(conn, doc_ids)
    passages = []
    for r in rows:
        interview = interviews[r.document]
        _speaker, turn, t_start = locator.find(r.document_id, r.start)
        passages.append(
            Passage(
                coding_id=r.id,
                document=r.document,
                case=interview.case,
                attributes=interview.attributes,
                code_id=r.code_id,
                coder=r.coder,
                start=r.start,
                end=r.end,
                text=texts[r.document_id][r.start : r.end],
                turn=turn,
                t_start=t_start,
                important=bool(r.important),
            )
        )
    return passages


class _Builder:
    """Builds the sections of the theme tree (kept together: they share the look-ups)."""

    def __init__(
        self,
        book: Codebook,
        included: set[int],
        by_code: dict[int, list[Passage]],
        interviews: dict[str, Interview],
        memos: dict[int, list[str]],
        groups: tuple[str, ...],
        attribution: tuple[str, ...],
        quotes: int,
    ) -> None:
        self.book, self.included, self.by_code = book, included, by_code
        self.interviews, self.memos, self.groups = interviews, memos, groups
        self.attribution, self.quotes = attribution, quotes
        self.spans: dict[int, dict[str, list[tuple[int, int]]]] = {}

    def section(self, row: CodeRow, depth: int) -> Section:
        ids = [i for i in self.book.subtree(row.id) if i in self.included]
        spans = merged_passages(p for i in ids for p in self.by_code.get(i, []))
        own = self.by_code.get(row.id, []) if row.id in self.included else []
        section = Section(
            code_id=row.id,
            name=row.name,
            label=row.label,
            depth=depth,
            definition=row.definition,
            prevalence=prevalence(spans, self.interviews, self.groups),
            quotes=[self._quote(p) for p in choose_quotes(own, self.quotes, self.groups)],
            memos=self.memos.get(row.id, []),
        )
        if spans:
            self.spans[row.id] = spans
        for child in self.book.children(row.id):
            if not self.included & set(self.book.subtree(child.id)):
                continue
            sub = self.section(child, depth + 1)
            if sub.prevalence.passages:
                section.children.append(sub)
            else:
                section.uncoded.append(child.name)
            section.uncoded.extend(sub.uncoded)
            sub.uncoded = []
        return section

    def _quote(self, p: Passage) -> Quote:
        values = [str(p.attributes[a]) for a in self.attribution if a in p.attributes]
        return Quote(p.text, ", ".join(values), p.document, p.turn, p.t_start, p.important)

    def add_cooccurrence(self, themes: list[Section]) -> None:
        """Name each section's most frequent companions: other themes for a theme, other codes for a code."""

        subtrees = {i: set(self.book.subtree(i)) for i in self.spans}

        def related(a: int, b: int) -> bool:
            return a in subtrees[b] or b in subtrees[a]

        counts = overlapping_passages(self.spans, related)
        theme_ids = {t.code_id for t in themes}
        # A theme without coded codes is as specific as a code: a code's companion too.
        broad = {t.code_id for t in themes if t.children}

        def visit(section: Section) -> None:
            is_theme = section.code_id in theme_ids
            others = counts.get(section.code_id, {})
            ranked = sorted(
                (
                    (self.book.rows[o].label, n)
                    for o, n in others.items()
                    if (o in theme_ids if is_theme else o not in broad)
                ),
                key=lambda item: (-item[1], item[0]),
            )
            section.cooccurs = ranked[:COOCCURS_SHOWN]
            for child in section.children:
                visit(child)

        for theme in themes:
            visit(theme)


def _codebook(book: Codebook, included: set[int]) -> list[CodebookEntry]:
    shown = set(included)
    for code_id in included:  # the themes above the chosen codes, so the tree reads
        parent = book.rows[code_id].parent_id
        while parent is not None:
            shown.add(parent)
            parent = book.rows[parent].parent_id
    return [
        CodebookEntry(r.label, len(r.path) - 1, r.definition, r.inclusion, r.exclusion, r.example)
        for r in book.walk()
        if r.id in shown
    ]


def _group_tables(
    themes: list[Section], groups: tuple[str, ...], interviews: list[Interview]
) -> dict[str, tuple[list[str], list[tuple[str, int, list[int]]]]]:
    sections = [s for theme in themes if theme.prevalence.passages for s in _flatten(theme)]
    tables = {}
    for attribute in groups:
        values = group_values(interviews, attribute)
        rows = []
        for section in sections:
            counts = {g.value: g.participants for g in section.prevalence.groups if g.attribute == attribute}
            rows.append((section.name, section.depth, [counts.get(v, 0) for v in values]))
        tables[attribute] = (values, rows)
    return tables


def _flatten(section: Section) -> list[Section]:
    return [section, *(s for child in section.children for s in _flatten(child))]
