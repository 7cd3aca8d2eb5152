"""Times in a recording: clock text to milliseconds and back (no imports: the CLI uses it at start-up)."""

from __future__ import annotations


def parse_clock(value: str) -> int:
    """``HH:MM:SS.mmm`` / ``MM:SS.mmm`` / ``H:MM:SS,mmm`` to milliseconds."""
    main, _, frac = value.strip().replace(",", ".").partition(".")
    parts = [int(p) for p in main.split(":")]
    while len(parts) < 3:
        parts.insert(0, 0)
    hours, minutes, seconds = parts
    millis = int((frac + "000")[:3]) if frac else 0
    return ((hours * 60 + minutes) * 60 + seconds) * 1000 + millis


def format_clock(ms: int) -> str:
    """Milliseconds as ``HH:MM:SS`` (whole seconds), as every listing and export shows a time."""
    seconds = ms // 1000
    return f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"
