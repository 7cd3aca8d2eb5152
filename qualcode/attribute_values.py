"""Typed attribute values: the one home for reading a participant's value as integer, number,
date, boolean or text — from a sheet, from `cases set`, from another program's project.

Forms accepted: integers (at most 18 digits; a longer run of digits is an identifier, text),
numbers with ``.`` or ``,`` as the decimal mark, dates in ISO form or as Serbian and Bosnian
write them (``14.03.2025.``), and yes/no, da/ne, true/false or 1/0 (also in Cyrillic).
Values are stored as canonical text plus, for numbers, the numeric value.
"""

from __future__ import annotations

import math
import re
from datetime import date

from qualcode.errors import QualcodeError

_TRUE = {"true", "yes", "y", "da", "1", "tačno", "да"}
_FALSE = {"false", "no", "n", "ne", "0", "netačno", "не"}
_INT = re.compile(r"^[+-]?\d+$")
_NUM = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)$")
#: Longest run of digits read as an integer: it fits SQLite's 64-bit integers and a float. A
#: longer one is an identifier such as a phone number (text), and would overflow the conversions.
_MAX_INT_DIGITS = 18
_DMY = re.compile(r"^(\d{1,2})\.\s?(\d{1,2})\.\s?(\d{4})\.?$")


#: The attribute types, narrowest first: a value's type is the first one it fits.
TYPES = ("integer", "number", "date", "boolean", "text")
#: What each type accepts, for messages that refuse a value.
ACCEPTED_FORMS = {
    "integer": "a whole number such as 14",
    "number": "a number such as 3.5 or 3,5",
    "date": "a date such as 2025-03-14 or 14.03.2025.",
    "boolean": "yes/no, da/ne, true/false or 1/0",
    "text": "any text",
}


def infer_type(values: list[str]) -> str:
    """The narrowest type all non-empty values fit: integer, number, date, boolean or text."""
    present = [v for v in values if v]
    if not present:
        return "text"
    return next(t for t in TYPES if all(fits(v, t) for v in present))


def fits(value: str, type_: str) -> bool:
    """Whether a (non-empty) value can be stored as ``type_``: the one test for sheets and `cases set`."""
    if type_ == "integer":
        return _is_integer(value)
    if type_ == "number":
        return _is_integer(value) or bool(_NUM.match(value) and not _INT.match(value) and _finite(value))
    if type_ == "date":
        return _parse_date(value) is not None
    if type_ == "boolean":
        return value.casefold() in _TRUE | _FALSE
    return True


def parse_value(value: str, type_: str, attribute: str) -> tuple[str, float | None]:
    """Canonical text and number of ``value`` as ``type_``, or an error naming the forms it accepts."""
    if not fits(value, type_):
        raise QualcodeError(
            f"{value!r} is not a valid {type_} for {attribute}; it takes {ACCEPTED_FORMS[type_]}"
        )
    return typed_value(value, type_)


def _is_integer(value: str) -> bool:
    return bool(_INT.match(value)) and len(value.lstrip("+-")) <= _MAX_INT_DIGITS


def _finite(value: str) -> bool:
    # 1e400 written out in digits is a float overflow ("inf"), not a number anyone measured.
    return math.isfinite(float(value.replace(",", ".")))


def _parse_date(value: str) -> str | None:
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        pass
    m = _DMY.match(value)  # 14.03.2025. — the way dates are written in Serbian and Bosnian
    if m:
        try:
            return date(int(m[3]), int(m[2]), int(m[1])).isoformat()
        except ValueError:
            return None
    return None


def typed_value(value: str, type_: str) -> tuple[str, float | None]:
    """Canonical text and (for numbers) the numeric value of ``value`` as ``type_``."""
    if type_ == "integer":
        return str(int(value)), float(int(value))
    if type_ == "number":
        number = float(value.replace(",", "."))
        return repr(number), number
    if type_ == "date":
        return _parse_date(value) or value, None
    if type_ == "boolean":
        return ("true" if value.casefold() in _TRUE else "false"), None
    return value, None


def python_value(type_: str, value: str, number: float | None) -> str | int | float | bool:
    """The value as Python gives it to a caller: int, float, bool or text."""
    if type_ == "integer" and number is not None:
        return int(number)
    if type_ == "number" and number is not None:
        return number
    if type_ == "boolean":
        return value == "true"
    return value
