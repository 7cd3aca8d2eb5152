"""Turning a parsed transcript into units: speaker turns, paragraphs, sentences and cues.

Rules (documented in the README):
- A paragraph that starts with a speaker label belongs to that speaker; the unit starts
  after the label, so coding a unit never codes the label. A paragraph without a label
  continues the previous speaker's turn. A label alone on its line gives the speaker of
  the paragraph that follows (PDF exports write ``Dan:`` on its own line).
- A label at the start of a line inside a paragraph starts a new paragraph there.
- Consecutive paragraphs of one speaker form one turn.
- Text before the first label (a header with the interview code and date) belongs to no
  turn. A document without any speaker label gets one turn per paragraph, with no speaker.
- A role in brackets after a name (``Čedomir (istraživač):``, or a subtitle voice ``<v Đurđa
  (tužiteljka)>``) is not part of the speaker: every unit's speaker is the name, and the role is
  kept, as written, in :attr:`TranscriptUnits.roles`.
- Sentences are split inside paragraphs, never across them.
- In timed transcripts every unit takes its times from the cues it overlaps.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field, replace

from qualcode.ingest.model import Block, ParsedTranscript, UnitSpan
from qualcode.ingest.speakers import LabelHit, find_labels, split_role
from qualcode.text.sentences import split_sentences


@dataclass
class TranscriptUnits:
    """What the unit builder finds: the units, and the role written after each speaker's name."""

    units: list[UnitSpan]
    #: Speaker name -> the role in brackets after it, as first written (``"Đurđa": "tužiteljka"``).
    roles: dict[str, str] = field(default_factory=dict)


def build_units(parsed: ParsedTranscript, speaker_pattern: re.Pattern[str] | None = None) -> list[UnitSpan]:
    """All units of a transcript, numbered from 1 within each kind, in document order."""
    return build_transcript_units(parsed, speaker_pattern).units


def build_transcript_units(
    parsed: ParsedTranscript, speaker_pattern: re.Pattern[str] | None = None
) -> TranscriptUnits:
    """The units of a transcript (see :func:`build_units`) and the speakers' bracketed roles."""
    roles: dict[str, str] = {}
    cues = parsed.cues
    if parsed.speakers_from_format:
        paragraphs = [_split_speaker(b, roles) for b in parsed.paragraphs if b.end > b.start]
        cues = [_split_speaker(c, {}) for c in cues]
        labelled = any(b.speaker for b in paragraphs)
    else:
        spans = [(b.start, b.end) for b in parsed.paragraphs]
        hits = find_labels(parsed.text, speaker_pattern, spans)
        for hit in hits:
            if hit.role is not None:
                roles.setdefault(hit.speaker, hit.role)
        paragraphs = _attach_speakers(parsed.text, parsed.paragraphs, hits)
        labelled = bool(hits)
    units = _number("paragraph", paragraphs)
    units += _number("turn", _turns(paragraphs, labelled))
    units += _number("sentence", _sentences(parsed.text, paragraphs))
    if cues:
        cue_starts = [c.start for c in cues]
        units = [_timed(u, cues, cue_starts) for u in units]
        units += _number("cue", cues)
    return TranscriptUnits(units, roles)


def _split_speaker(block: Block, roles: dict[str, str]) -> Block:
    """A block whose format-given speaker is ``Name (role)``, with the name as its speaker."""
    if block.speaker is None:
        return block
    name, role = split_role(block.speaker)
    if role is not None:
        roles.setdefault(name, role)
    return replace(block, speaker=name)


def _attach_speakers(text: str, paragraphs: list[Block], hits: list[LabelHit]) -> list[Block]:
    by_line = {hit.line_start: hit for hit in hits}
    # A paragraph starts at its first letter, an indented label's line before it: key both.
    by_line.update({_indent_end(text, hit.line_start): hit for hit in hits})
    starts = sorted(hit.line_start for hit in hits)
    result: list[Block] = []
    speaker: str | None = None
    for para in _split_at_labels(paragraphs, starts):
        hit = by_line.get(para.start)
        if hit is None:
            result.append(replace(para, speaker=speaker))
            continue
        speaker = hit.speaker
        if hit.content_start < para.end:
            result.append(Block(hit.content_start, para.end, speaker))
        # else: the label stands alone; the speaker carries to the next paragraph.
    return result


def _indent_end(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \t":
        pos += 1
    return pos


def _split_at_labels(paragraphs: list[Block], label_starts: list[int]) -> list[Block]:
    pieces: list[Block] = []
    for para in paragraphs:
        lo = bisect.bisect_right(label_starts, para.start)
        hi = bisect.bisect_left(label_starts, para.end)
        start = para.start
        for cut in label_starts[lo:hi]:
            pieces.append(replace(para, start=start, end=cut - 1))  # cut - 1: the "\n" before the label
            start = cut
        pieces.append(replace(para, start=start))
    return [p for p in pieces if p.end > p.start]


def _turns(paragraphs: list[Block], labelled: bool) -> list[Block]:
    if not labelled:
        return [replace(p) for p in paragraphs]
    turns: list[Block] = []
    for para in paragraphs:
        if para.speaker is None:
            continue  # a header before the first label
        if turns and turns[-1].speaker == para.speaker:
            last = turns[-1]
            turns[-1] = replace(
                last, end=para.end, t_end=para.t_end if para.t_end is not None else last.t_end
            )
        else:
            turns.append(replace(para))
    return turns


def _sentences(text: str, paragraphs: list[Block]) -> list[Block]:
    return [
        Block(start, end, para.speaker)
        for para in paragraphs
        for start, end in split_sentences(text, para.start, para.end)
    ]


def _number(kind: str, blocks: list[Block]) -> list[UnitSpan]:
    return [
        UnitSpan(kind, i, b.start, b.end, b.speaker, b.t_start, b.t_end)
        for i, b in enumerate(blocks, start=1)
    ]


def _timed(unit: UnitSpan, cues: list[Block], starts: list[int]) -> UnitSpan:
    """Times from the first and last cue that the unit overlaps."""
    first = max(0, bisect.bisect_right(starts, unit.start) - 1)
    last = max(first, bisect.bisect_left(starts, unit.end) - 1)
    return replace(unit, t_start=cues[first].t_start, t_end=cues[last].t_end)
