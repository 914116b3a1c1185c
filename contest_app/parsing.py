"""Bounded integers from text, and walks over parsed JSON: plain functions (no Flask), used by
the rules and by `inputs` (the request-side guards).

`str.isdigit()` and `int()` accept far more than a database id: "²" is a digit to `isdigit`
but not to `int`, "١٢" (Arabic-Indic) is an int to `int`, and 20 digits overflow PostgreSQL's
int4/int8. Every number read from a request goes through `parse_int`."""

from __future__ import annotations

import re
from typing import Any

INT4_MAX = 2**31 - 1  # PostgreSQL `integer`, and every primary key here
MAX_ID = INT4_MAX
MAX_JSON_DEPTH = 32  # the deepest body the API accepts is 3 levels (survey answers)

_ASCII_INT = re.compile(r"-?[0-9]{1,19}")  # at most int8's digits; the bounds come after


def parse_int(value: Any, minimum: int = 0, maximum: int = INT4_MAX) -> int | None:
    """`value` (a str, or an int that is not a bool) as an int within [minimum, maximum],
    else None. Strings must be ASCII digits with an optional minus sign, surrounding blanks
    allowed; no Unicode digits, no underscores, no more digits than the bound needs."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, str):
        text = value.strip(" \t\r\n")
        if not _ASCII_INT.fullmatch(text):
            return None
        number = int(text)
    else:
        return None
    return number if minimum <= number <= maximum else None


def json_depth_exceeds(value: Any, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether containers in `value` nest deeper than `limit` (iterative: no recursion)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children
                     if isinstance(child, dict | list))
    return False


def contains_nul(value: Any) -> bool:
    """Whether a parsed JSON value holds a NUL in any string (keys included)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def coerce_id(value: Any) -> int:
    """WTForms `coerce` for id choices: a bounded ASCII integer (0 = none chosen), else
    ValueError (the field then reports an invalid choice instead of querying with it)."""
    number = parse_int(value)
    if number is None:
        raise ValueError(value)
    return number
