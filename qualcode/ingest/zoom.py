"""Zoom's text transcripts: ``[Name] HH:MM:SS`` on a line, the words on the next lines."""

from __future__ import annotations

import itertools
import re

from qualcode.clock import parse_clock
from qualcode.ingest.model import ParsedTranscript
from qualcode.ingest.timed import Cue, assemble_cues

_HEADER = re.compile(
    r"^\[(?P<name>[^\[\]\n]{1,80})\][ \t]+(?P<time>\d{1,2}:\d{2}:\d{2})[ \t]*$", re.MULTILINE
)


def looks_like_zoom_text(text: str) -> bool:
    """At least two block headers, and they start a good share of the blank-line blocks."""
    headers = len(_HEADER.findall(text))
    return headers >= 2 and headers * 3 >= text.count("\n\n") + 1


def parse_zoom_text(text: str, encoding: str | None) -> ParsedTranscript:
    """Each block is a cue with its start time; it ends where the next block starts."""
    matches = list(_HEADER.finditer(text))
    cues: list[Cue] = []
    for i, m in enumerate(matches):
        body_end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        cues.append(Cue(text[m.end() : body_end].strip(), parse_clock(m["time"]), None, m["name"].strip()))
    for cue, following in itertools.pairwise(cues):
        cue.t_end = following.t_start
    return assemble_cues(cues, "zoom-txt", encoding)
