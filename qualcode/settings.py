"""Where the project file is and who the coder is, from options, environment and defaults.

Precedence (DESIGN.md): the command-line option, else the environment variable, else the default.
"""

from __future__ import annotations

import getpass
import os
from pathlib import Path

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
