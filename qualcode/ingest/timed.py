"""Assembling timed cues (subtitles, Zoom blocks) into a transcript with turns.

Text layout: one paragraph per speaker turn, ``Speaker: `` followed by the cue texts of
that turn joined with spaces (so sentences that run across cues stay whole), paragraphs
separated by a blank line. Every cue keeps its own span and times as a ``cue`` unit; the
turn's times are its first cue's start and its last cue's end.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from qualcode.errors import ImportFailed
from qualcode.ingest.model import Block, ParsedTranscript
from qualcode.ingest.normalize import normalize_text

#: ``Name: words`` inside a cue (Zoom, Teams and many captioners put the speaker there).
_NAME_PREFIX = re.compile(r"^(?P<name>[^\W\d_][\w'’.\-]*(?: [\w'’.\-]+){0,3}):\s+(?=\S)")
#: Without speakers, a pause this long (ms) between cues starts a new paragraph.
PARAGRAPH_PAUSE_MS = 2000


@dataclass
class Cue:
    """One timed piece of speech as read from the file."""

    text: str
    t_start: int | None
    t_end: int | None
    speaker: str | None = None


def assign_prefix_speakers(cues: list[Cue]) -> None:
    """Take ``Name:`` prefixes as speakers; a cue without one continues the previous speaker.

    A prefix counts when the name recurs, or, in a file where most cues carry a prefix (Zoom),
    when it is written like a name (every word capitalised) — someone may speak only once.
    """
    matches = [(_NAME_PREFIX.match(c.text) if c.speaker is None else None) for c in cues]
    counts = Counter(m["name"] for m in matches if m)
    prefixed = sum(counts.values()) * 2 >= len(cues)

    def accepted(name: str) -> bool:
        return counts[name] >= 2 or (prefixed and all(w[0].isupper() or w[0].isdigit() for w in name.split()))

    current: str | None = None
    for cue, m in zip(cues, matches, strict=True):
        if m and accepted(m["name"]):
            cue.speaker = m["name"]
            cue.text = cue.text[m.end() :]
        if cue.speaker:
            current = cue.speaker
        else:
            cue.speaker = current


def assemble_cues(cues: list[Cue], source_format: str, encoding: str | None) -> ParsedTranscript:
    """Build the text, paragraphs (turns) and cue blocks from cues in order."""
    cues = [Cue(" ".join(normalize_text(c.text).split()), c.t_start, c.t_end, c.speaker) for c in cues]
    cues = [c for c in cues if c.text]
    if not cues:
        raise ImportFailed("the file has no cues with text; check that it is a complete subtitle file")
    parts: list[str] = []
    paragraphs: list[Block] = []
    blocks: list[Block] = []
    offset = 0
    previous: Cue | None = None
    for cue in cues:
        if previous is None or _new_paragraph(previous, cue):
            if parts:
                parts.append("\n\n")
                offset += 2
            label = f"{cue.speaker}: " if cue.speaker else ""
            parts.append(label)
            offset += len(label)
            paragraphs.append(Block(offset, offset, cue.speaker, cue.t_start, cue.t_end))
        else:
            parts.append(" ")
            offset += 1
        parts.append(cue.text)
        blocks.append(Block(offset, offset + len(cue.text), cue.speaker, cue.t_start, cue.t_end))
        offset += len(cue.text)
        paragraphs[-1].end = offset
        paragraphs[-1].t_end = cue.t_end if cue.t_end is not None else paragraphs[-1].t_end
        previous = cue
    return ParsedTranscript(
        text="".join(parts),
        paragraphs=paragraphs,
        source_format=source_format,
        encoding=encoding,
        cues=blocks,
        speakers_from_format=True,
    )


def _new_paragraph(previous: Cue, cue: Cue) -> bool:
    if cue.speaker != previous.speaker:
        return True
    if cue.speaker is None and previous.t_end is not None and cue.t_start is not None:
        return cue.t_start - previous.t_end >= PARAGRAPH_PAUSE_MS
    return False
