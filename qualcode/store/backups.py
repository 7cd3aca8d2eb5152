"""Backup copies of a project: before destructive commands, and before every schema upgrade.

Where: a folder beside the project named after it, ``study.db.backups/``. One folder keeps
the study folder tidy however many copies there are (a sync tool or a person sees one extra
entry, not a row of look-alike ``.db`` files to open by mistake), sorts right under the
project, and can be excluded from syncing or deleted in one step.

Names say whose copy it is, before what, and when (local time, as a person reads it):
``study.db.before-remove-20261208-101500.bak`` (``-2``, ``-3``… when two fall in one second).
The project's name stays in the file name so a copy taken out of the folder still says where it
came from; ``.bak`` keeps it from being mistaken for the live project. Each copy is made with
SQLite's online backup (consistent even while another program writes) into a ``.part`` file
that is renamed only when complete, and is switched to rollback-journal mode so it is a single
file (no ``-wal``/``-shm``) that opens on read-only media.

Rotation: the newest ``QUALCODE_BACKUPS`` (default 5; 0 turns them off) "before" copies are
kept. Copies taken before a schema upgrade (``study.db.before-upgrade-from-v5-….bak``) are
always made (DESIGN.md) and never rotated away: they are rare, and the only way back to the
qualcode version that wrote the file. Upgrade copies by older qualcode versions
(``study.db.v5-20261208-101500.bak`` beside the project) are listed too.
"""

from __future__ import annotations

import contextlib
import re
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy.exc import DBAPIError

from qualcode.errors import ProjectError
from qualcode.store import sqlite

if TYPE_CHECKING:
    from qualcode.store.project import Project

FOLDER_SUFFIX = ".backups"
SUFFIX = ".bak"
_STAMP = "%Y%m%d-%H%M%S"
_UPGRADE = "upgrade-from-v"


@dataclass(frozen=True)
class Backup:
    """One backup copy of a project."""

    path: Path
    #: What it was taken before: ``remove``, ``merge``, ``upgrade-from-v5``…
    action: str
    #: When, in local time (from the file name).
    taken_at: datetime
    size: int
    sequence: int = 1
    written_ns: int = 0

    def to_dict(self) -> dict[str, Any]:
        """Plain data for ``--json``."""
        return {
            "path": str(self.path),
            "action": self.action,
            "taken_at": self.taken_at.isoformat(timespec="seconds"),
            "bytes": self.size,
        }


def backups_folder(project_path: Path) -> Path:
    """The folder that holds a project's backup copies (it may not exist yet)."""
    return project_path.with_name(project_path.name + FOLDER_SUFFIX)


def backup_before(project: Project, action: str) -> Path | None:
    """Write a backup copy of ``project`` before ``action`` and rotate old ones; return its path.

    Returns None when backups are turned off (``QUALCODE_BACKUPS=0``). Refuses, before creating
    anything, a project that cannot be written anyway (read-only or damaged): the command that
    asked would fail right after. Raises :class:`ProjectError` with advice when the copy
    cannot be written (full disk, read-only folder); then nothing was changed.
    """
    from qualcode.settings import backups_to_keep

    keep = backups_to_keep()
    if keep == 0:
        return None
    project.ensure_writable()
    path = _take(project, _slug(action), optional=True)
    prune_backups(project.path, keep)
    return path


def upgrade_backup(project: Project, version: int) -> Path:
    """The copy taken before upgrading from schema ``version`` (always made, never rotated away)."""
    return _take(project, f"{_UPGRADE}{int(version)}", optional=False)


def list_backups(project_path: Path) -> list[Backup]:
    """The project's backup copies, newest first (including upgrade copies of older qualcode versions)."""
    name = re.escape(project_path.name)
    current = re.compile(
        rf"^{name}\.before-(?P<action>[a-z0-9][a-z0-9-]*?)-(?P<stamp>\d{{8}}-\d{{6}})"
        rf"(?:-(?P<n>\d+))?{re.escape(SUFFIX)}$"
    )
    legacy = re.compile(rf"^{name}\.v(?P<version>\d+)-(?P<stamp>\d{{8}}-\d{{6}}){re.escape(SUFFIX)}$")
    found: list[Backup] = []
    for folder, pattern in ((backups_folder(project_path), current), (project_path.parent, legacy)):
        try:
            entries = list(folder.iterdir())
        except OSError:
            continue
        for entry in entries:
            match = pattern.match(entry.name)
            if match is None or not entry.is_file():
                continue
            groups = match.groupdict()
            action = groups.get("action") or f"{_UPGRADE}{groups.get('version')}"
            try:
                taken_at = datetime.strptime(groups["stamp"], _STAMP)
                st = entry.stat()
            except (ValueError, OSError):
                continue
            sequence = int(groups.get("n") or 1)
            found.append(Backup(entry, action, taken_at, st.st_size, sequence, st.st_mtime_ns))
    # The name's time is to the second; within one second, the file's own time orders them.
    return sorted(found, key=lambda b: (b.taken_at, b.written_ns, b.sequence), reverse=True)


def newest_backup(project_path: Path) -> Path | None:
    """The newest backup copy of the project, if there is one."""
    backups = list_backups(project_path)
    return backups[0].path if backups else None


def prune_backups(project_path: Path, keep: int) -> list[Path]:
    """Delete all but the newest ``keep`` "before" copies (upgrade copies stay); return what went."""
    rotating = [b for b in list_backups(project_path) if not b.action.startswith(_UPGRADE)]
    removed = []
    for backup in rotating[keep:]:
        if backup.path.parent != backups_folder(project_path):
            continue  # only copies in our folder are ours to rotate
        with contextlib.suppress(FileNotFoundError):  # another command rotated it first
            backup.path.unlink()
            removed.append(backup.path)
    return removed


def _slug(action: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", action.lower()).strip("-")[:40].strip("-")
    return slug or "change"


def _take(project: Project, label: str, *, optional: bool) -> Path:
    folder = backups_folder(project.path)
    # An upgrade needs its copy (DESIGN.md); other copies can be turned off.
    way_out = " or set QUALCODE_BACKUPS=0 to work without backup copies" if optional else ""
    try:
        folder.mkdir(exist_ok=True)
    except OSError as exc:
        raise ProjectError(
            f"cannot create the backup folder {folder} ({exc.strerror}); nothing was changed. Make the "
            f"folder writable{way_out}"
        ) from None
    target = _free_name(folder, f"{project.path.name}.before-{label}-{datetime.now().strftime(_STAMP)}")
    part = target.with_name(target.name + ".part")
    try:
        with project.engine.connect() as conn:
            raw = cast(sqlite3.Connection, conn.connection.dbapi_connection)
            sqlite.backup_connection(raw, part)
        part.replace(target)
    except (sqlite3.Error, DBAPIError, OSError) as exc:
        for leftover in (part, Path(f"{part}-journal"), Path(f"{part}-wal"), Path(f"{part}-shm")):
            with contextlib.suppress(OSError):
                leftover.unlink(missing_ok=True)
        kind = None if isinstance(exc, OSError) else sqlite.error_kind(exc)
        reason = "the disk is full" if kind == "full" else (getattr(exc, "strerror", None) or str(exc))
        raise ProjectError(
            f"cannot write the backup copy {target} ({reason}); nothing was changed. Free some space{way_out}"
        ) from None
    return target


def _free_name(folder: Path, stem: str) -> Path:
    candidate = folder / f"{stem}{SUFFIX}"
    sequence = 1
    while candidate.exists() or Path(f"{candidate}.part").exists():
        sequence += 1
        candidate = folder / f"{stem}-{sequence}{SUFFIX}"
    return candidate
