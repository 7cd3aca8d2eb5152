"""Which codes and themes go together: for each one, how many of its passages overlap another's.

This differs on purpose from :func:`qualcode.query.cooccurrence` (pairs of codings, shared
units over the whole project): the report counts *passages* — merged across coders, within the
report's selection of interviews — so "5 / 12" reads as "5 of the code's 12 passages".
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable


def overlapping_passages(
    spans: dict[int, dict[str, list[tuple[int, int]]]], related: Callable[[int, int], bool]
) -> dict[int, dict[int, int]]:
    """section -> other section -> number of the section's passages that overlap the other's.

    ``spans`` maps a section to its merged passages per document; pairs for which
    ``related(a, b)`` holds (a code and its own theme, say) are not counted.
    """
    by_doc: dict[str, list[tuple[int, int, int, int]]] = defaultdict(list)
    for section, docs in spans.items():
        for doc, passages in docs.items():
            by_doc[doc].extend((start, end, section, i) for i, (start, end) in enumerate(passages))
    hits: dict[tuple[int, int], set[tuple[str, int]]] = defaultdict(set)
    for doc, items in sorted(by_doc.items()):
        items.sort()
        active: list[tuple[int, int, int, int]] = []
        for item in items:
            start, _end, section, index = item
            active = [a for a in active if a[1] > start]
            for partner in active:
                if partner[2] != section and not related(section, partner[2]):
                    hits[(section, partner[2])].add((doc, index))
                    hits[(partner[2], section)].add((doc, partner[3]))
            active.append(item)
    result: dict[int, dict[int, int]] = defaultdict(dict)
    for (section, other), hit in hits.items():
        result[section][other] = len(hit)
    return dict(result)
