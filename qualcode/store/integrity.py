"""Which project files were found sound, so the integrity check runs only when a file changed.

SQLite's ``quick_check`` reads every page. On the 4-million-word benchmark project
(``bench/make_corpus.py`` + ``qualcode import``, 2-core machine under load) it costs 0.23-0.28 s
at schema 5 (103 MB) and 0.39-0.41 s at schema 6 (168 MB, 39 % free pages after migration 6);
opening with the check takes 0.40 s (median of 7), without it 5 ms. That is more than a command
should spend before doing anything, above the 0.2 s allowed. A file that passed the check
and has not changed since cannot have become damaged by qualcode, so each file's *fingerprint*
after a clean check (and after every clean close by qualcode) is kept in a small JSON file in
the user's cache folder. On open, a matching fingerprint skips the check (one ``stat`` and a
small read); anything else (a copy, a sync tool, a crash, another program, another computer)
changes the fingerprint, and the check runs again.

The fingerprint is the main file's size, modification time, inode and change time, and the same
for its ``-wal`` file: the change time cannot be set back by copying tools (``cp -p``,
``rsync -a`` restore the modification time only), and the inode changes when a file is replaced.
It lives outside the project file because writing it inside would change the file it describes.
The cache is only an optimisation: when it cannot be read or written, every open checks.
"""

from __future__ import annotations

import contextlib
import json
import os
from datetime import UTC, datetime
from pathlib import Path

#: Files remembered at most; the ones checked longest ago are forgotten first.
MAX_ENTRIES = 256
_CACHE_NAME = "integrity-checks.json"


def fingerprint(path: Path) -> list[int]:
    """Numbers that change whenever ``path`` or its ``-wal`` file changes (or is replaced)."""
    numbers: list[int] = []
    for candidate in (path, Path(f"{path}-wal")):
        try:
            st = candidate.stat()
        except FileNotFoundError:
            numbers.extend((-1, -1, -1, -1))
            continue
        numbers.extend((st.st_size, st.st_mtime_ns, st.st_ino, st.st_ctime_ns))
    return numbers


def is_known_clean(path: Path, current: list[int]) -> bool:
    """Whether ``path`` passed the check when it had exactly the fingerprint ``current``."""
    entry = _load().get(_key(path))
    return isinstance(entry, dict) and entry.get("fingerprint") == current


def remember_clean(path: Path, current: list[int] | None = None) -> None:
    """Note that ``path`` is sound as it is now (or as it was at fingerprint ``current``)."""
    entries = _load()
    current = current if current is not None else fingerprint(path)
    entry = entries.get(_key(path))
    if isinstance(entry, dict) and entry.get("fingerprint") == current:
        return  # a read-only command: nothing new to note, so no write
    entries[_key(path)] = {
        "fingerprint": current,
        "checked": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    if len(entries) > MAX_ENTRIES:
        newest = sorted(entries.items(), key=lambda item: str(item[1].get("checked", "")), reverse=True)
        entries = dict(newest[:MAX_ENTRIES])
    _save(entries)


def forget(path: Path) -> None:
    """Drop what is known about ``path`` (the next open checks it again)."""
    entries = _load()
    if entries.pop(_key(path), None) is not None:
        _save(entries)


def _key(path: Path) -> str:
    return str(path.resolve())


def _cache_file() -> Path:
    from qualcode.settings import cache_dir

    return cache_dir() / _CACHE_NAME


def _load() -> dict[str, dict[str, object]]:
    try:
        data = json.loads(_cache_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _save(entries: dict[str, dict[str, object]]) -> None:
    target = _cache_file()
    # Replaced in one step, but not fsync'ed: losing the note in a crash costs one re-check,
    # while a sync on every close would cost every command milliseconds.
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary.write_text(json.dumps(entries, indent=0, sort_keys=True), encoding="utf-8")
        os.replace(temporary, target)
    except OSError:  # an unwritable cache only costs a re-check next time
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)
