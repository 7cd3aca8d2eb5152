"""Subtitle files from recorded calls and automatic transcription: WebVTT, SubRip, SBV."""

from __future__ import annotations

import io
import itertools
import re

from qualcode.clock import parse_clock
from qualcode.errors import ImportFailed
from qualcode.ingest.encoding import decode_bytes
from qualcode.ingest.model import ParsedTranscript
from qualcode.ingest.timed import Cue, assemble_cues, assign_prefix_speakers

FORMATS = {".vtt": "vtt", ".srt": "srt", ".sbv": "sbv"}
_CLOCK = r"(?:\d{1,2}:)?\d{1,2}:\d{2}[.,]\d{1,3}"
_TIMING = {
    "vtt": re.compile(rf"^\s*{_CLOCK}\s+-->\s+{_CLOCK}(?:\s.*)?$"),
    "srt": re.compile(rf"^\s*{_CLOCK}\s+-->\s+{_CLOCK}(?:\s.*)?$"),
    "sbv": re.compile(rf"^\s*{_CLOCK},{_CLOCK}\s*$"),
}


def read_subtitles(data: bytes, suffix: str, encoding: str | None = None) -> ParsedTranscript:
    """Cues with times (ms); the speaker from ``<v Name>`` or a recurring ``Name:`` prefix."""
    import webvtt  # imported here: only subtitle imports pay for it
    from webvtt.errors import MalformedCaptionError, MalformedFileError

    fmt = FORMATS[suffix]
    decoded = decode_bytes(data, encoding)
    text = decoded.text.replace("\r\n", "\n").replace("\r", "\n")
    check_cue_blocks(text, fmt)
    try:
        captions = webvtt.from_buffer(io.StringIO(text), format=fmt).captions
    except (MalformedFileError, MalformedCaptionError) as exc:
        raise ImportFailed(
            f"not a valid {fmt.upper()} file ({exc}); check that it was exported completely"
        ) from None
    cues = [
        Cue(" ".join(c.text.split()), parse_clock(c.start), parse_clock(c.end), c.voice or None)
        for c in captions
    ]
    backwards = [
        cue for cue in cues if cue.t_end is not None and cue.t_start is not None and cue.t_end < cue.t_start
    ]
    for cue in backwards:
        cue.t_end = cue.t_start  # keep the words; the end time is the part that is wrong
    assign_prefix_speakers(cues)
    parsed = assemble_cues(cues, fmt, decoded.encoding)
    if backwards:
        parsed.notes.append(
            f"{len(backwards)} cue(s) ended before they started; their end time was set to their start"
        )
    return parsed


def check_cue_blocks(text: str, fmt: str) -> None:
    """Refuse what webvtt-py would silently drop or merge: text without a cue time, two times in a row.

    Every blank-line-separated block (except the WebVTT header and NOTE/STYLE/REGION blocks)
    starts with a time line, or with an identifier and then a time line; a later time line
    inside the block starts the next cue (youtube-dl writes cues without blank lines).
    """
    timing = _TIMING[fmt]
    line_no = 1
    for block in text.split("\n\n"):
        lines = block.split("\n")
        first = next((i for i, line in enumerate(lines) if line.strip()), None)
        if first is not None:
            _check_block(lines[first:], line_no + first, fmt, timing)
        line_no += block.count("\n") + 2


def _check_block(lines: list[str], line_no: int, fmt: str, timing: re.Pattern[str]) -> None:
    head = lines[0].strip()
    if fmt == "vtt" and (head.startswith("WEBVTT") or head.split(" ", 1)[0] in ("NOTE", "STYLE", "REGION")):
        return
    times = [i for i, line in enumerate(lines) if "-->" in line or timing.match(line)]
    if not times:
        raise ImportFailed(
            f"not a valid {fmt.upper()} file: line {line_no} ({head[:40]!r}) has text but no cue time; "
            "add the time line or remove the text"
        )
    if times[0] > 1:
        raise ImportFailed(f"not a valid {fmt.upper()} file: line {line_no} has text before its cue time")
    for a, b in itertools.pairwise(times):
        if b == a + 1:
            raise ImportFailed(
                f"not a valid {fmt.upper()} file: line {line_no + b} is a second cue time in a row"
            )
    for i in times:
        if not timing.match(lines[i]):
            raise ImportFailed(
                f"not a valid {fmt.upper()} file: line {line_no + i} has a malformed cue time "
                f"({lines[i].strip()[:60]!r})"
            )
