"""Zoom's text files: transcripts (``[Name] HH:MM:SS`` blocks) and saved chats (one message a line)."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from qualcode.clock import parse_clock
from qualcode.ingest.model import Block, ParsedTranscript
from qualcode.ingest.timed import Cue, assemble_cues

_HEADER = re.compile(
    r"^\[(?P<name>[^\[\]\n]{1,80})\][ \t]+(?P<time>\d{1,2}:\d{2}:\d{2})[ \t]*$", re.MULTILINE
)
#: A chat message: ``HH:MM:SS<TAB>Name:<TAB>message`` (cloud recordings), or ``HH:MM:SS From Name
#: to Everyone: message`` / ``… From Name : message`` (the meeting's saved chat; since 2022 the
#: message is on the next lines, indented by a TAB).
_CHAT_LINE = re.compile(
    r"^(?P<time>\d{1,2}:\d{2}:\d{2})"
    r"(?:\t(?P<tab_name>[^\t\n]{1,80}?):(?:\t(?P<tab_msg>.*))?"
    r"|[ \t]+From[ \t]+(?P<name>[^\n]{1,80}?)(?:[ \t]+to[ \t]+(?P<to>[^:\n]{1,80}?))?"
    r"[ \t]*:(?:[ \t]+(?P<msg>.*))?)"
    r"[ \t]*$",
    re.MULTILINE,
)


@dataclass
class _Message:
    time: int
    speaker: str
    private: bool
    lines: list[str]


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


def looks_like_zoom_chat(text: str) -> bool:
    """At least two message lines, and at least half of the lines that are not indented."""
    messages = len(_CHAT_LINE.findall(text))
    lines = sum(1 for line in text.split("\n") if line.strip() and not line[0].isspace())
    return messages >= 2 and messages * 2 >= lines


def parse_zoom_chat(text: str, encoding: str | None) -> ParsedTranscript:
    """One paragraph ``Name: message`` per message, timed at the moment it was sent.

    The sender is the speaker, so consecutive messages of one person form one turn; each
    message is also a cue unit with its time. Lines before the first message are left out
    (there are none in Zoom's files); lines after a message that are not messages (the
    2022 layout, or a message with line breaks) belong to it.
    """
    messages: list[_Message] = []
    for line in text.split("\n"):
        m = _CHAT_LINE.match(line)
        if m is None:
            if messages and line.strip():
                messages[-1].lines.append(line.strip())
            continue
        name = (m["tab_name"] or m["name"]).strip()
        to = (m["to"] or "").casefold()
        first = (m["tab_msg"] if m["tab_name"] is not None else m["msg"]) or ""
        private = "direct message" in to or "private" in to
        messages.append(
            _Message(parse_clock(m["time"]), name, private, [first.strip()] if first.strip() else [])
        )
    return _assemble_chat([msg for msg in messages if msg.lines], encoding)


def _assemble_chat(messages: list[_Message], encoding: str | None) -> ParsedTranscript:
    parts: list[str] = []
    blocks: list[Block] = []
    offset = 0
    for msg in messages:
        label = f"{msg.speaker}: "
        words = "\n".join(msg.lines)
        parts.append(("\n\n" if parts else "") + label + words)
        offset += (2 if blocks else 0) + len(label)
        blocks.append(Block(offset, offset + len(words), msg.speaker, msg.time, msg.time))
        offset += len(words)
    parsed = ParsedTranscript(
        text="".join(parts),
        paragraphs=blocks,
        source_format="zoom-chat",
        encoding=encoding,
        cues=[Block(b.start, b.end, b.speaker, b.t_start, b.t_end) for b in blocks],
        speakers_from_format=True,
    )
    private = sum(1 for msg in messages if msg.private)
    if private:
        parsed.notes.append(
            f"{private} private message(s) (sent to one person, not to everyone) are included as their "
            "sender's turns; remove them from the file first if they should not be analysed"
        )
    return parsed
