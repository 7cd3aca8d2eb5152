"""Plain text and Markdown transcripts (.txt, .md), in any of the encodings users have."""

from __future__ import annotations

import csv
import statistics
from pathlib import Path

from qualcode.ingest.encoding import decode_bytes
from qualcode.ingest.model import Block, ParsedTranscript
from qualcode.ingest.normalize import normalize_text
from qualcode.ingest.speakers import TAB_LABEL
from qualcode.ingest.zoom import looks_like_zoom_chat, looks_like_zoom_text, parse_zoom_chat, parse_zoom_text

#: Hard-wrapped paragraphs in the corpus average 2 to 6 lines; an NVivo export of YouTube comments
#: (one field a line, ten blank lines in 15,000 lines) averages 1,400.
WRAPPED_LINES_PER_BLOCK = 30


def read_plain_text(data: bytes, path: Path, encoding: str | None = None) -> ParsedTranscript:
    """Decode, normalise and split into paragraphs; Zoom's transcripts and chats become timed turns."""
    decoded = decode_bytes(data, encoding)
    text = normalize_text(decoded.text)
    if looks_like_zoom_text(text):
        return parse_zoom_text(text, decoded.encoding)
    if looks_like_zoom_chat(text):
        return parse_zoom_chat(text, decoded.encoding)
    parsed = ParsedTranscript(
        text=text,
        paragraphs=split_paragraphs(text),
        source_format=path.suffix.lower().lstrip(".") or "txt",
        encoding=decoded.encoding,
    )
    names = _parlamint_speaker_names(text, path)
    if names:
        parsed = _rename_tab_labels(parsed, names)
    return parsed


def split_paragraphs(text: str) -> list[Block]:
    """Paragraphs of plain text.

    Blank-line-separated blocks are paragraphs (hard-wrapped transcripts keep a paragraph's
    lines together). A text without blank lines, or whose lines are long and blocks few,
    was saved one paragraph per line (Word's "Save as plain text") and each line counts; so
    does one whose blocks hold more than :data:`WRAPPED_LINES_PER_BLOCK` lines on average (an
    export with one field a line and a blank line now and then, not a hard-wrapped paragraph).
    """
    lines = [
        (start + len(line) - len(line.lstrip()), start + len(line.rstrip()))
        for start, line in _lines(text)
        if line.strip()
    ]
    if not lines:
        return []
    blocks = _blocks(text)
    median = statistics.median(end - start for start, end in lines)
    if (
        "\n\n" not in text
        or len(blocks) * WRAPPED_LINES_PER_BLOCK < len(lines)
        or (len(blocks) * 5 < len(lines) and median > 100)
    ):
        return [Block(start, end) for start, end in lines]
    return blocks


def _lines(text: str) -> list[tuple[int, str]]:
    result = []
    pos = 0
    for line in text.split("\n"):
        result.append((pos, line))
        pos += len(line) + 1
    return result


def _blocks(text: str) -> list[Block]:
    blocks = []
    pos = 0
    for chunk in text.split("\n\n"):
        stripped = chunk.strip()
        if stripped:
            start = pos + chunk.index(stripped[0])
            blocks.append(Block(start, start + len(stripped)))
        pos += len(chunk) + 2
    return blocks


def _parlamint_speaker_names(text: str, path: Path) -> dict[str, str]:
    """Speaker names for ``ID<TAB>text`` lines from a ParlaMint ``*-meta.tsv`` beside the file."""
    first = TAB_LABEL.search(text)
    if first is None or ".u" not in first["label"]:
        return {}
    text_id = first["label"].rsplit(".u", 1)[0]
    for folder in (path.parent, path.parent.parent):
        meta = folder / f"{text_id}-meta.tsv"
        if meta.is_file():
            with meta.open(encoding="utf-8", newline="") as fh:
                rows = csv.DictReader(fh, delimiter="\t")
                return {
                    row["ID"]: _display_name(row.get("Speaker_name", "")) for row in rows if row.get("ID")
                }
    return {}


def _display_name(name: str) -> str:
    last, sep, first = name.partition(",")
    return f"{first.strip()} {last.strip()}" if sep else name.strip()


def _rename_tab_labels(parsed: ParsedTranscript, names: dict[str, str]) -> ParsedTranscript:
    paragraphs = []
    for para in parsed.paragraphs:
        m = TAB_LABEL.match(parsed.text, para.start)
        if m and m["label"] in names:
            paragraphs.append(Block(m.end(), para.end, names[m["label"]]))
        else:
            paragraphs.append(para)
    parsed.paragraphs = paragraphs
    parsed.speakers_from_format = True
    return parsed
