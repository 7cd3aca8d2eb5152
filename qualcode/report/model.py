"""The report's options and the plain data it is rendered from.

Gathering (:mod:`qualcode.report.gather`) fills these dataclasses from the project; rendering
(:mod:`qualcode.report.document`) turns them into Word without looking at the project again.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

AttributeValue = str | int | float | bool

#: Attributes used when none are chosen, each only when the project has it.
DEFAULT_GROUPS = ("institution_type", "country")
DEFAULT_ATTRIBUTION = ("role", "institution_type", "city")


@dataclass
class ReportOptions:
    """What goes into the report (the options of `qualcode export report`)."""

    language: str = "en"
    title: str | None = None
    #: Only these codes, each with its sub-codes (paths or unique names); empty: all.
    codes: tuple[str, ...] = ()
    #: ``ATTR=VALUE`` conditions on the participant (also != >= <= > <), all must hold.
    where: tuple[str, ...] = ()
    quotes: int = 3
    #: Participant attributes a quote is attributed by; ``None``: role, institution type, city.
    attribute_quotes_by: tuple[str, ...] | None = None
    #: Participant attributes prevalence is broken down by; ``None``: institution type, country.
    groups: tuple[str, ...] | None = None
    template: Path | None = None
    #: The date on the title page (and in the file's properties); ``None``: today.
    day: date | None = None
    #: Unit of analysis of the agreement figures (see :func:`qualcode.agreement.audit.agreement`).
    agreement_unit: str = "units"
    unit_kind: str = "turn"


@dataclass
class ReportSummary:
    """What `write_report` wrote."""

    path: Path
    language: str
    themes: int
    codes: int
    interviews: int
    participants: int
    passages: int
    quotes: int
    charts: int
    tables: int

    def to_dict(self) -> dict[str, Any]:
        """Plain data for ``--json``."""
        data = asdict(self)
        data["path"] = str(self.path)
        return data


@dataclass
class Passage:
    """One coding, located and attributed."""

    coding_id: int
    document: str
    case: str | None
    attributes: dict[str, AttributeValue]
    code_id: int
    coder: str
    start: int
    end: int
    text: str
    turn: int | None
    t_start: int | None
    important: bool


@dataclass
class Interview:
    """A document within the report's selection."""

    name: str
    case: str | None
    attributes: dict[str, AttributeValue]
    words: int


@dataclass
class GroupCount:
    """Prevalence within one group of participants (one value of an attribute)."""

    attribute: str
    value: str
    passages: int
    interviews: int
    all_interviews: int
    participants: int
    all_participants: int


@dataclass
class Prevalence:
    """How widespread a code (with its sub-codes) is: overall and per group."""

    passages: int
    interviews: int
    participants: int
    groups: list[GroupCount] = field(default_factory=list)


@dataclass
class Quote:
    """A chosen passage with its attribution and location, ready to print."""

    text: str
    attribution: str
    document: str
    turn: int | None
    t_start: int | None
    important: bool


@dataclass
class Section:
    """A theme or a code: what it means, how widespread, its quotes, memos and neighbours."""

    code_id: int
    name: str
    label: str
    depth: int
    definition: str
    prevalence: Prevalence
    quotes: list[Quote] = field(default_factory=list)
    memos: list[str] = field(default_factory=list)
    #: (label of the other code or theme, overlapping passages), most first.
    cooccurs: list[tuple[str, int]] = field(default_factory=list)
    children: list[Section] = field(default_factory=list)
    #: Codes under this theme with no passage in the selection (names, in codebook order).
    uncoded: list[str] = field(default_factory=list)


@dataclass
class CodebookEntry:
    """A code as the codebook appendix lists it."""

    label: str
    depth: int
    definition: str
    inclusion: str
    exclusion: str
    example: str


@dataclass
class AgreementLine:
    """Agreement for one code (or pooled): statistic name -> value (``None``: not defined)."""

    code: str
    values: dict[str, float | None]
    alpha: float | None
    kappa: float | None


@dataclass
class AgreementSummary:
    """The agreement audit as the report shows it; ``reason`` set when it could not be measured."""

    unit: str
    unit_kind: str | None
    overlap: float | None
    coders: tuple[str, ...]
    documents: int
    statistics: list[str]
    pooled: AgreementLine | None
    lines: list[AgreementLine]
    reason: str | None = None


@dataclass
class ReportData:
    """Everything the report shows, gathered from the project in one go."""

    title: str
    day: date
    interviews: list[Interview]
    participants: int
    words: int
    passages: int
    where: tuple[str, ...]
    groups: tuple[str, ...]
    attribution: tuple[str, ...]
    quotes_per_code: int
    coders: list[tuple[str, int, int]]  # name, codings, interviews
    codebook_title: str
    codebook_version: str
    codebook: list[CodebookEntry]
    themes: list[Section]
    agreement: AgreementSummary
    #: attribute -> (group values, [(code label, depth, participants per value)])
    group_tables: dict[str, tuple[list[str], list[tuple[str, int, list[int]]]]]
