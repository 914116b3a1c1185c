"""Reading the province's list of communes and wards (Tên xã, phường; Mã) from an XLSX or CSV
file, with the unit import's limits and reader.

Plain Python (no database): the file's rows in, checked lines or row-numbered problems out."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..accounts.rules import unaccent
from .unit_import import LIMITS, MAX_ROWS, Problem, clean, read_rows  # units' reader, limits

NAME_MAX, CODE_MAX = 255, 20
COLUMNS = {
    "ten xa, phuong": "name", "ten xa phuong": "name", "xa, phuong": "name",
    "xa phuong": "name", "xa/phuong": "name", "ten xa/phuong": "name", "ten": "name",
    "name": "name", "ward": "name",
    "ma": "code", "ma xa": "code", "ma xa, phuong": "code", "ma don vi hanh chinh": "code",
    "code": "code",
}
__all__ = ["LIMITS", "Parsed", "Problem", "WardLine", "parse_wards", "read_rows"]


@dataclass(frozen=True)
class WardLine:
    row: int
    name: str
    code: str | None


@dataclass
class Parsed:
    lines: list[WardLine] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


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


def parse_wards(rows: Iterable[tuple[int, list[Any]]]) -> Parsed:
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
        name, code = clean(cell(cells, "name")), clean(cell(cells, "code"))
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
        if len(code) > CODE_MAX:
            result.problems.append(Problem(number, "code_too_long", str(CODE_MAX)))
            bad = True
        if not bad:
            result.lines.append(WardLine(number, name, code or None))
    if not result.lines and not result.problems:
        result.problems.append(Problem(0, "empty"))
    return result
