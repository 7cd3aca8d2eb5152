"""Plain data passed from the format readers to the unit builder and the importer."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Block:
    """A stretch of the text as a reader found it: a paragraph, or a subtitle cue.

    ``speaker`` is set when the format itself says who speaks (subtitle voices, Zoom blocks);
    otherwise the speaker finder looks for a label at the start of the block's lines.
    Times are milliseconds from the start of the recording.
    """

    start: int
    end: int
    speaker: str | None = None
    t_start: int | None = None
    t_end: int | None = None


@dataclass
class ParsedTranscript:
    """What a reader returns: normalised text and the structure it knows about."""

    text: str
    #: Paragraph spans in document order (speaker labels included; the unit builder strips them).
    paragraphs: list[Block]
    source_format: str
    encoding: str | None = None
    #: Subtitle cues with times, for timed formats; empty otherwise.
    cues: list[Block] = field(default_factory=list)
    #: True when the reader set every paragraph's speaker itself (timed formats).
    speakers_from_format: bool = False
    #: Things the user should know (comments not imported, pages without text…).
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class UnitSpan:
    """A unit ready to store: kind, 1-based ordinal within its kind, offsets, speaker, times."""

    kind: str
    ordinal: int
    start: int
    end: int
    speaker: str | None = None
    t_start: int | None = None
    t_end: int | None = None
