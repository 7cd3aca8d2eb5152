"""Choosing a code's exemplar quotes, by one documented rule.

1. Passages marked important (``codings.important``) come first.
2. Then passages of participants not yet quoted for the code, then of groups (values of the
   report's group attributes, e.g. institution type and country) not yet quoted.
3. Passages of :data:`SHORTEST`–:data:`LONGEST` characters before shorter or longer ones;
   among equals the one closest to :data:`IDEAL` characters, then document and offset order.
4. A passage overlapping one already chosen is left out; the same span coded by two coders
   is one candidate (important if either marked it).

Each quote is the coded text exactly as it is in the project.
"""

from __future__ import annotations

from collections.abc import Sequence

from qualcode.report.model import Passage

SHORTEST, LONGEST, IDEAL = 80, 600, 250


def choose_quotes(passages: Sequence[Passage], count: int, groups: Sequence[str]) -> list[Passage]:
    """Up to ``count`` passages by the module's rule, in the order they were chosen."""
    candidates: dict[tuple[str, int, int], Passage] = {}
    for p in sorted(passages, key=lambda p: (p.document, p.start, p.end, p.coding_id)):
        key = (p.document, p.start, p.end)
        if key in candidates:
            candidates[key].important = candidates[key].important or p.important
        elif p.text.strip():
            candidates[key] = Passage(**p.__dict__)  # a copy: marking it must not touch the caller's
    remaining = list(candidates.values())
    chosen: list[Passage] = []
    cases: set[str] = set()
    values: set[tuple[str, str]] = set()
    while remaining and len(chosen) < count:

        def rank(p: Passage) -> tuple[bool, bool, int, bool, int, str, int]:
            length = len(p.text.strip())
            who = p.case or f"document:{p.document}"
            return (
                not p.important,
                who in cases,
                sum((g, str(p.attributes.get(g))) in values for g in groups),
                not SHORTEST <= length <= LONGEST,
                abs(length - IDEAL),
                p.document,
                p.start,
            )

        best = min(remaining, key=rank)
        chosen.append(best)
        cases.add(best.case or f"document:{best.document}")
        values.update((g, str(best.attributes.get(g))) for g in groups)
        remaining = [
            p
            for p in remaining
            if p is not best
            and not (p.document == best.document and p.start < best.end and best.start < p.end)
        ]
    return chosen
