"""What the coding screen shows, and every change it makes — through the library, no Textual.

A :class:`Session` is one coder on one project: the open document, its units of one kind, the
current unit and the selection inside it, the codings and pending suggestions of the document,
the codebook and the recently used codes. Each change calls the same library function as the
matching command (:func:`qualcode.coding.apply_code`, :func:`qualcode.history.undo`,
:func:`qualcode.suggest.review.review`…), so it is one committed transaction and one event in
the log, undoable like any other; then the session reloads what the change may have touched.
Library errors (:class:`qualcode.errors.QualcodeError`) propagate: the screen shows them.
"""

from __future__ import annotations

from sqlalchemy import func, select

from qualcode.coding import (
    CodingView,
    Selector,
    add_memo,
    apply_code,
    list_codings,
    remove_code,
    set_important,
)
from qualcode.documents import find_document, list_documents
from qualcode.errors import QualcodeError
from qualcode.history import redo, undo
from qualcode.search import SearchHit, search
from qualcode.store.models import MEMOS, UNITS
from qualcode.store.project import Project
from qualcode.suggest.review import review
from qualcode.text.fold import fold_with_map
from qualcode.tui.codes import CodeEntry, load_codes, recent_codes, remember
from qualcode.tui.records import Item, Pending, Selection, Unit, find_folded, pending_suggestions, short

__all__ = ["KINDS", "Item", "Pending", "Selection", "Session", "Unit", "short"]

KINDS = ("turn", "paragraph", "sentence", "cue")
_ELLIPSIS = ("...", "…")


class Session:
    """One coder's view of a project; the screen renders it and calls its methods on keys."""

    def __init__(self, project: Project, coder: str, document: str | None = None, kind: str = "turn") -> None:
        self.project = project
        self.coder = coder
        self.documents = [d.name for d in list_documents(project)]
        if not self.documents:
            raise QualcodeError("the project has no transcripts yet; import some with `qualcode import`")
        self.codes: list[CodeEntry] = []
        self.recent: list[str] = []
        self.codings: list[CodingView] = []
        self.suggestions: list[Pending] = []
        self.memos: dict[int, int] = {}
        self.units: list[Unit] = []
        self.sentences: list[Unit] = []
        self.kinds: list[str] = []
        self.document = ""
        self.text = ""
        self.kind = kind
        self.pos = 0
        self.sub: Selection | None = None
        self.item = 0
        self.reload_codes()
        self.recent = recent_codes(project, coder)
        self.open(document or self.documents[0])

    # --- loading -------------------------------------------------------------------------

    def open(self, document: str, offset: int | None = None) -> None:
        """Open a document (at the unit holding ``offset``, else the first unit)."""
        with self.project.read() as conn:
            doc_id, text = find_document(conn, document)
            rows = conn.execute(
                select(
                    UNITS.c.kind,
                    UNITS.c.ordinal,
                    UNITS.c.start,
                    UNITS.c.end,
                    UNITS.c.speaker,
                    UNITS.c.t_start,
                )
                .where(UNITS.c.document_id == doc_id)
                .order_by(UNITS.c.kind, UNITS.c.ordinal)
            ).all()
        by_kind: dict[str, list[Unit]] = {}
        for r in rows:
            by_kind.setdefault(r.kind, []).append(Unit(r.ordinal, r.start, r.end, r.speaker, r.t_start))
        self._by_kind = by_kind
        self.kinds = [k for k in KINDS if by_kind.get(k)]
        if not self.kinds:
            raise QualcodeError(f"{document} has no units; import it again")
        self.document, self.text = document, text
        self.sentences = by_kind.get("sentence", [])
        self.reload_document()
        self._set_kind(self.kind if self.kind in self.kinds else self.kinds[0], offset)

    def reload_document(self, *, suggestions: bool = True) -> None:
        """Read the document's codings and memo counts (and pending suggestions) again."""
        self.codings = list_codings(self.project, document=self.document)
        ids = [c.id for c in self.codings]
        with self.project.read() as conn:
            if suggestions:
                self.suggestions = pending_suggestions(conn, self.document)
            rows = conn.execute(
                select(MEMOS.c.coding_id, func.count())
                .where(MEMOS.c.coding_id.in_(ids))
                .group_by(MEMOS.c.coding_id)
            ).all()
        self.memos = {int(target): int(n) for target, n in rows}

    def reload_codes(self) -> None:
        """Read the codebook and its counts again."""
        self.codes = load_codes(self.project)
        self.colors = {c.label: c.color for c in self.codes}

    def _set_kind(self, kind: str, offset: int | None) -> None:
        self.kind = kind
        self.units = self._by_kind[kind]
        self.pos = self.unit_at(offset) if offset is not None else 0
        self.sub = None
        self.item = 0

    def unit_at(self, offset: int) -> int:
        """The index of the unit holding ``offset`` (or the nearest one after it)."""
        for i, unit in enumerate(self.units):
            if offset < unit.end:
                return i
        return len(self.units) - 1

    # --- moving --------------------------------------------------------------------------

    @property
    def unit(self) -> Unit:
        """The current unit."""
        return self.units[self.pos]

    def move(self, delta: int) -> None:
        """Go ``delta`` units forward (or back), stopping at either end."""
        self.go(self.pos + delta)

    def go(self, index: int) -> None:
        """Go to the unit at ``index`` (clamped)."""
        index = max(0, min(len(self.units) - 1, index))
        if index != self.pos:
            self.pos, self.sub, self.item = index, None, 0

    def next_document(self, delta: int) -> None:
        """Open the next (or previous) document of the project, in name order, wrapping round."""
        i = self.documents.index(self.document)
        self.open(self.documents[(i + delta) % len(self.documents)])

    def cycle_kind(self) -> str:
        """Switch to the next unit kind the document has, staying at the same place in the text."""
        i = self.kinds.index(self.kind)
        self._set_kind(self.kinds[(i + 1) % len(self.kinds)], self.unit.start)
        return self.kind

    # --- selecting -----------------------------------------------------------------------

    @property
    def selection(self) -> Selection:
        """The selection: a sentence or text chosen inside the unit, else the whole unit."""
        if self.sub is not None:
            return self.sub
        u = self.unit
        return Selection(
            u.start, u.end, f"{self.kind} {u.ordinal}", Selector(units=str(u.ordinal), unit_kind=self.kind)
        )

    def unit_sentences(self) -> list[Unit]:
        """The sentences inside the current unit."""
        u = self.unit
        return [s for s in self.sentences if s.start < u.end and s.end > u.start]

    def next_sentence(self, delta: int) -> Selection:
        """Select the next (or previous) sentence of the current unit, wrapping round."""
        sentences = self.unit_sentences()
        if self.kind == "sentence" or len(sentences) < 2:
            raise QualcodeError(f"this {self.kind} is a single sentence; it is selected as a whole")
        starts = [s.start for s in sentences]
        now = (
            starts.index(self.sub.start)
            if self.sub and self.sub.start in starts
            else (-1 if delta > 0 else 0)
        )
        s = sentences[(now + delta) % len(sentences)]
        start, end = max(s.start, self.unit.start), min(s.end, self.unit.end)
        if (start, end) == (s.start, s.end):
            selector = Selector(units=str(s.ordinal), unit_kind="sentence")
        else:  # a sentence that runs past the unit (rare): code only the part inside it
            selector = Selector(span=f"{start}:{end}")
        self.sub = Selection(start, end, f"sentence {s.ordinal}", selector)
        return self.sub

    def select_text(self, typed: str) -> Selection:
        """Select text of the current unit: a phrase, or ``FROM...TO`` (case, script, diacritics ignored)."""
        u = self.unit
        part = self.text[u.start : u.end]
        folded, origin = fold_with_map(part)
        for mark in _ELLIPSIS:
            if mark in typed:
                first, last = typed.split(mark, 1)
                break
        else:
            first, last = typed, ""
        begin = find_folded(folded, first, 0)
        if begin is None:
            raise QualcodeError(f"{first.strip()!r} is not in this {self.kind}")
        stop = begin[1]
        if last.strip():
            found = find_folded(folded, last, begin[1])
            if found is None:
                raise QualcodeError(
                    f"{last.strip()!r} does not come after {first.strip()!r} in this {self.kind}"
                )
            stop = found[1]
        start = u.start + origin[begin[0]]
        # As in search: the end is where the next folded character came from, so marks folded away
        # at the end of the last word stay inside the selection.
        end = u.start + max(origin[stop] if stop < len(origin) else len(part), origin[stop - 1] + 1)
        self.sub = Selection(start, end, f"span {start}:{end}", Selector(span=f"{start}:{end}"))
        return self.sub

    def clear_selection(self) -> None:
        """Select the whole unit again."""
        self.sub = None

    # --- the side panel ------------------------------------------------------------------

    def items(self) -> list[Item]:
        """The current unit's codings (every coder's) and pending suggestions, in text order."""
        u = self.unit
        codings = [
            Item("coding", c.id, c.code, c.start, c.end)
            for c in self.codings
            if c.start < u.end and c.end > u.start
        ]
        pending = [
            Item("suggestion", s.id, s.code, s.start, s.end)
            for s in self.suggestions
            if s.start < u.end and s.end > u.start
        ]
        return codings + pending

    def cycle_item(self, delta: int) -> None:
        """Highlight the next (or previous) item of the panel."""
        n = len(self.items())
        self.item = (self.item + delta) % n if n else 0

    def current_item(self, kind: str | None = None) -> Item | None:
        """The highlighted item; with ``kind``, else the first item of that kind."""
        items = self.items()
        chosen = items[self.item] if self.item < len(items) else None
        if kind is None or (chosen is not None and chosen.kind == kind):
            return chosen
        return next((i for i in items if i.kind == kind), None)

    def coding(self, coding_id: int) -> CodingView:
        """A coding of the open document."""
        return next(c for c in self.codings if c.id == coding_id)

    def suggestion(self, suggestion_id: int) -> Pending:
        """A pending suggestion of the open document."""
        return next(s for s in self.suggestions if s.id == suggestion_id)

    # --- changes -------------------------------------------------------------------------

    def apply(self, code: str) -> str:
        """Apply a code to the selection; returns what happened, for the status line."""
        sel = self.selection
        report = apply_code(self.project, code, self.document, sel.selector, self.coder)
        self.recent = remember(self.recent, report.code)
        self._changed(codes=True, suggestions=False)
        if not report.created:
            return f"{sel.label} already has {short(report.code)}"
        return f"Coded {sel.label}: {short(report.code)}"

    def apply_recent(self, number: int) -> str:
        """Apply recent code ``number`` (1 is the latest)."""
        if not 1 <= number <= len(self.recent):
            raise QualcodeError(f"no recent code {number} yet: apply a code from the codebook first (c)")
        return self.apply(self.recent[number - 1])

    def remove(self) -> str:
        """Remove the highlighted coding (your own: undo and the log are per coder)."""
        item = self._need("coding")
        coding = self.coding(item.id)
        if coding.coder != self.coder:
            raise QualcodeError(
                f"coding {coding.id} is {coding.coder}'s; you can remove only your own codings"
            )
        remove_code(
            self.project,
            coding.code,
            self.document,
            Selector(span=f"{coding.start}:{coding.end}"),
            self.coder,
        )
        self._changed(codes=True, suggestions=False)
        return f"Removed {short(coding.code)} from {coding.start}:{coding.end}"

    def toggle_important(self) -> str:
        """Mark the highlighted coding important (a quote for the report), or clear the mark."""
        coding = self.coding(self._need("coding").id)
        set_important(self.project, coding.id, not coding.important, self.coder)
        self._changed(suggestions=False)
        return f"Coding {coding.id} " + (
            "is no longer marked important" if coding.important else "marked important"
        )

    def memo(self, text: str) -> str:
        """A memo on the highlighted coding, or on the document when no coding is highlighted."""
        item = self.current_item("coding")
        if item is not None:
            add_memo(self.project, text, self.coder, coding=item.id)
            where = f"coding {item.id} ({short(item.code)})"
        else:
            add_memo(self.project, text, self.coder, document=self.document)
            where = self.document
        self._changed(suggestions=False)
        return f"Memo added to {where}"

    def review(self, accept: bool) -> str:
        """Accept (as your coding) or reject the highlighted suggestion, else the unit's first one."""
        item = self._need("suggestion")
        review(self.project, [item.id], self.coder, accept=accept)
        self._changed(codes=accept)
        return f"{'Accepted' if accept else 'Rejected'} suggestion {item.id}: {short(item.code)}"

    def undo(self, backwards: bool = True) -> str:
        """Undo (or redo) the coder's last change, wherever it was."""
        entry = (undo if backwards else redo)(self.project, self.coder)[0]
        self._changed(codes=True)
        what = ", ".join(
            short(str(v)) for k, v in entry.summary.items() if k in ("code", "selector", "document", "memo")
        )
        return f"{'Undid' if backwards else 'Redid'} {entry.action}" + (f" ({what})" if what else "")

    def search(self, query: str, limit: int = 200) -> tuple[int, list[SearchHit]]:
        """Search every transcript, as `qualcode search` does: (total paragraphs, the first ``limit``)."""
        results = search(self.project, query, limit=limit)
        return results.total, results.hits

    def jump(self, hit: SearchHit) -> None:
        """Go to a search hit (its first occurrence)."""
        offset = hit.matches[0].start if hit.matches else hit.start
        if hit.document != self.document:
            self.open(hit.document, offset)
        else:
            self.go(self.unit_at(offset))

    def _need(self, kind: str) -> Item:
        item = self.current_item(kind)
        if item is None:
            raise QualcodeError(f"this {self.kind} has no {kind}s (Tab moves between the panel's items)")
        return item

    def _changed(self, *, codes: bool = False, suggestions: bool = True) -> None:
        """Reload after a write; the selection and the place in the text stay."""
        self.reload_document(suggestions=suggestions)
        if codes:
            self.reload_codes()
        n = len(self.items())
        self.item = min(self.item, max(n - 1, 0))
