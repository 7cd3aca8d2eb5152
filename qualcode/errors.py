"""The one exception family that crosses from the library to the command line.

Every message says what went wrong *and what to do next*: the people reading it are
researchers, not programmers.
"""

from __future__ import annotations


class QualcodeError(Exception):
    """Base class: a problem the user can fix (bad input, missing project, wrong option)."""


class ProjectError(QualcodeError):
    """The project file is missing, unreadable, or from a newer qualcode."""


class ImportFailed(QualcodeError):
    """A file could not be imported; nothing of it was written to the project."""


class UnsupportedFormat(ImportFailed):
    """The file's format is not one qualcode reads."""


class NotFound(QualcodeError):
    """A named document, case or other object does not exist in the project."""


class Conflict(QualcodeError):
    """The change would overwrite or duplicate something the user must decide about."""


class WriteFailed(QualcodeError):
    """A file could not be written where asked (the target is left as it was)."""
