"""How widespread a code is: passages, interviews and participants, overall and per group.

A *passage* is a stretch of text coded with the code (or a sub-code) by at least one coder:
the codings of all coders are merged, so two coders marking the same answer count once.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from qualcode.agreement.data import merge_spans
from qualcode.report.model import GroupCount, Interview, Passage, Prevalence

NO_VALUE = "\0none"  # sorts last once replaced by the label; never a real attribute value


def merged_passages(passages: Iterable[Passage]) -> dict[str, list[tuple[int, int]]]:
    """Per document, the merged spans (sorted, non-overlapping) of these codings."""
    spans: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for p in passages:
        spans[p.document].append((p.start, p.end))
    return {doc: merge_spans(s) for doc, s in sorted(spans.items())}


def group_value(interview: Interview, attribute: str) -> str:
    """The interview's participant's value of ``attribute`` as text (:data:`NO_VALUE` if none)."""
    value = interview.attributes.get(attribute)
    return NO_VALUE if value is None else str(value)


def group_values(interviews: Sequence[Interview], attribute: str) -> list[str]:
    """The values of ``attribute`` among the interviews, sorted, with :data:`NO_VALUE` last."""
    values = {group_value(i, attribute) for i in interviews}
    return sorted(values - {NO_VALUE}, key=str.casefold) + ([NO_VALUE] if NO_VALUE in values else [])


def prevalence(
    spans: dict[str, list[tuple[int, int]]], interviews: dict[str, Interview], groups: Sequence[str]
) -> Prevalence:
    """Passages, interviews and participants of merged ``spans``, overall and by each of ``groups``."""
    docs = [d for d in spans if spans[d]]
    result = Prevalence(
        passages=sum(len(spans[d]) for d in docs),
        interviews=len(docs),
        participants=len({interviews[d].case for d in docs if interviews[d].case is not None}),
    )
    for attribute in groups:
        for value in group_values(list(interviews.values()), attribute):
            members = [i for i in interviews.values() if group_value(i, attribute) == value]
            coded = [i for i in members if spans.get(i.name)]
            result.groups.append(
                GroupCount(
                    attribute=attribute,
                    value=value,
                    passages=sum(len(spans[i.name]) for i in coded),
                    interviews=len(coded),
                    all_interviews=len(members),
                    participants=len({i.case for i in coded if i.case is not None}),
                    all_participants=len({i.case for i in members if i.case is not None}),
                )
            )
    return result
