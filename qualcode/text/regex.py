"""Regular expressions typed by users (``--speaker-pattern``, ``--match``), compiled safely."""

from __future__ import annotations

import re
import warnings

from qualcode.errors import QualcodeError


def compile_user_regex(pattern: str, option: str, flags: int = 0) -> re.Pattern[str]:
    """Compile ``pattern``; a :class:`QualcodeError` naming ``option`` for any pattern Python refuses.

    Besides :class:`re.error`, Python's compiler raises :class:`OverflowError` for a repeat count
    such as ``a{99999999999}`` and :class:`RecursionError` for groups nested a few hundred deep;
    both become the same one-line message. Warnings the compiler gives about how a later Python
    may read the pattern (``FutureWarning: Possible nested set``) are not shown: the pattern
    works today as written, and the warning would only print library noise around the output.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return re.compile(pattern, flags)
        except re.error as exc:
            problem = str(exc)
        except OverflowError:
            problem = "a repeat count such as {n} is larger than Python allows; use a smaller one"
        except RecursionError:
            problem = "its groups are nested too deeply for Python to compile; remove some parentheses"
    raise QualcodeError(f"{option} is not a valid regular expression: {problem}")
