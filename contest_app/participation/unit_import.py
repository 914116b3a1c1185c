"""Reading a list of units (Tên đơn vị, Khối, Biên chế) from an XLSX or CSV file.

Plain Python (no database): the file's bytes in, checked lines or row-numbered
problems out. Row numbers are the spreadsheet's own (the header is usually row 1)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..accounts.rules import unaccent
from ..exports import Limits
from ..exports import read_rows as read_spreadsheet

MAX_ROWS = 5000
NAME_MAX, BLOCK_MAX = 255, 200
MAX_HEADCOUNT = 10_000_000
COLUMNS = {
    "ten don vi": "name", "don vi": "name", "name": "name", "unit": "name",
    "khoi": "block", "block": "block",
    "bien che": "headcount", "so bien che": "headcount", "headcount": "headcount",
}
THOUSANDS = re.compile(r"\d{1,3}([.,\s]\d{3})+")


@dataclass(frozen=True)
class UnitLine:
    row: int
    name: str
    block: str | None
    headcount: int | None


@dataclass(frozen=True)
class Problem:
    row: int  # 0: the whole file
    code: str
    detail: str = ""


@dataclass
class Parsed:
    lines: list[UnitLine] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def clean(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def parse_headcount(value: Any) -> int | None:
    """A non-negative whole number; "1.200" and "1 200" are read as 1200. Raises ValueError."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int | float):
        if isinstance(value, float) and not value.is_integer():
            raise ValueError(value)
        number = int(value)
    else:
        text = value.strip()
        if THOUSANDS.fullmatch(text):
            text = re.sub(r"[.,\s]", "", text)
        if not re.fullmatch(r"[0-9]+", text, re.ASCII):
            raise ValueError(value)
        number = int(text)
    if not 0 <= number <= MAX_HEADCOUNT:
        raise ValueError(value)
    return number


# The upload's limits (see contest_app.exports): a list of units is a few thousand short rows.
LIMITS = Limits(max_bytes=5 * 1024 * 1024, max_unpacked=20 * 1024 * 1024,
                max_shared_strings=100_000, max_rows=MAX_ROWS + 50, max_columns=50,
                max_cell_chars=1000)


def read_rows(data: bytes) -> list[tuple[int, list[Any]]]:
    """(row number, cells) of the first sheet of an XLSX, or of a CSV (UTF-8 or Windows-1258,
    comma, semicolon or tab). Raises SpreadsheetRejected when the file cannot be read or is
    over a limit."""
    return read_spreadsheet(data, LIMITS)


def _header(rows: Sequence[tuple[int, list[Any]]]) -> tuple[int, dict[str, int]] | None:
    for index, (_, cells) in enumerate(rows[:20]):
        found: dict[str, int] = {}
        for col, cell in enumerate(cells):
            key = COLUMNS.get(unaccent(clean(cell)).rstrip(" :*"))
            if key and key not in found:
                found[key] = col
        if "name" in found:
            return index, found
    return None


def parse_units(rows: Iterable[tuple[int, list[Any]]]) -> Parsed:
    """Check every row; `problems` lists each bad row by number (nothing is partial)."""
    rows = list(rows)
    result = Parsed()
    header = _header(rows)
    if header is None:
        result.problems.append(Problem(0, "no_header"))
        return result
    start, columns = header

    def cell(cells: list[Any], key: str) -> Any:
        col = columns.get(key)
        return cells[col] if col is not None and col < len(cells) else None

    seen: dict[str, int] = {}
    for number, cells in rows[start + 1:]:
        if not any(clean(c) for c in cells):
            continue
        if len(result.lines) + len(result.problems) >= MAX_ROWS:
            result.problems.append(Problem(number, "too_many_rows", str(MAX_ROWS)))
            break
        name, block = clean(cell(cells, "name")), clean(cell(cells, "block"))
        bad = False
        if not name:
            result.problems.append(Problem(number, "name_missing"))
            bad = True
        elif len(name) > NAME_MAX:
            result.problems.append(Problem(number, "name_too_long", str(NAME_MAX)))
            bad = True
        elif name.lower() in seen:
            result.problems.append(Problem(number, "duplicate_name", str(seen[name.lower()])))
            bad = True
        else:
            seen[name.lower()] = number
        if len(block) > BLOCK_MAX:
            result.problems.append(Problem(number, "block_too_long", str(BLOCK_MAX)))
            bad = True
        try:
            headcount = parse_headcount(cell(cells, "headcount"))
        except ValueError:
            result.problems.append(Problem(number, "headcount_invalid",
                                           clean(cell(cells, "headcount"))[:30]))
            bad = True
        if not bad:
            result.lines.append(UnitLine(number, name, block or None, headcount))
    if not result.lines and not result.problems:
        result.problems.append(Problem(0, "empty"))
    return result
