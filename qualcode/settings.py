"""Where the project file is and who the coder is, from options, environment and defaults.

Precedence (DESIGN.md): the command-line option, else the environment variable, else the default.
"""

from __future__ import annotations

import getpass
import os
import sys
from pathlib import Path

from qualcode.errors import QualcodeError

#: The project file used when neither --project nor QUALCODE_PROJECT says otherwise.
DEFAULT_PROJECT = "qualcode.db"
PROJECT_ENV = "QUALCODE_PROJECT"
CODER_ENV = "QUALCODE_CODER"


def project_path(option: Path | None = None) -> Path:
    """The project file: ``--project``, else ``$QUALCODE_PROJECT``, else ``./qualcode.db``."""
    if option is not None:
        return option
    env = os.environ.get(PROJECT_ENV, "").strip()
    return Path(env) if env else Path.cwd() / DEFAULT_PROJECT


def coder_name(option: str | None = None) -> str:
    """The coder: ``--coder``, else ``$QUALCODE_CODER``, else the operating-system user name."""
    for candidate in (option, os.environ.get(CODER_ENV)):
        if candidate and candidate.strip():
            return candidate.strip()
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no user database entry (containers) or no login name
        return "unknown"


BACKUPS_ENV = "QUALCODE_BACKUPS"
#: How many "before …" backup copies of a project are kept when QUALCODE_BACKUPS does not say.
DEFAULT_BACKUPS = 5
CACHE_ENV = "QUALCODE_CACHE_DIR"


def backups_to_keep() -> int:
    """How many automatic backup copies to keep per project: ``$QUALCODE_BACKUPS``, else 5 (0 = none)."""
    raw = os.environ.get(BACKUPS_ENV, "").strip()
    if not raw:
        return DEFAULT_BACKUPS
    try:
        value = int(raw)
    except ValueError:
        value = -1
    if value < 0:
        raise QualcodeError(
            f"{BACKUPS_ENV} must be a whole number of backup copies to keep (0 turns them off), "
            f"not {raw!r}; change or unset it"
        )
    return value


def cache_dir() -> Path:
    """Where qualcode keeps small notes for itself (``$QUALCODE_CACHE_DIR``, else the user's cache folder).

    Nothing in it is needed: deleting it only means the next open re-checks each project file.
    """
    env = os.environ.get(CACHE_ENV, "").strip()
    if env:
        return Path(env)
    home = Path.home()
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or home / "AppData" / "Local")
        return base / "qualcode" / "Cache"
    if sys.platform == "darwin":
        return home / "Library" / "Caches" / "qualcode"
    return Path(os.environ.get("XDG_CACHE_HOME") or home / ".cache") / "qualcode"
