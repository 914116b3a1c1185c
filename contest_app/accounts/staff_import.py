"""Reading a list of staff accounts (Họ và tên, Email, Số điện thoại, Vai trò) from an XLSX
or CSV file: plain Python, no database. Row numbers are the spreadsheet's own (the header is
usually row 1). Checks against existing accounts are the service's (invitations.py)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..exports import Limits, unescape
from ..exports import read_rows as read_spreadsheet
from .models import ROLE_JUDGE, ROLE_ORGANISER, ROLE_SURVEYOR
from .rules import is_valid_phone, normalise_email, normalise_phone, unaccent

MAX_ROWS = 500
COLUMNS = {
    "ho va ten": "full_name", "ho ten": "full_name", "ten": "full_name", "name": "full_name",
    "full name": "full_name",
    "email": "email", "e-mail": "email", "thu dien tu": "email",
    "so dien thoai": "phone", "dien thoai": "phone", "sdt": "phone", "phone": "phone",
    "vai tro": "roles", "roles": "roles", "role": "roles",
}
# How a role may be written in the file (unaccented, lower case), Vietnamese or English.
ROLE_WORDS = {
    "giam khao": ROLE_JUDGE, "judge": ROLE_JUDGE,
    "ban to chuc": ROLE_ORGANISER, "btc": ROLE_ORGANISER, "organiser": ROLE_ORGANISER,
    "organizer": ROLE_ORGANISER,
    "to thu ky / nhap phieu khao sat": ROLE_SURVEYOR, "to thu ky": ROLE_SURVEYOR,
    "thu ky": ROLE_SURVEYOR, "nhap phieu": ROLE_SURVEYOR, "nhap phieu khao sat": ROLE_SURVEYOR,
    "secretariat": ROLE_SURVEYOR, "surveyor": ROLE_SURVEYOR,
}
ROLE_SEPARATORS = re.compile(r"[,;\n]")

# The upload's limits (see contest_app.exports): a few hundred short rows.
LIMITS = Limits(max_bytes=2 * 1024 * 1024, max_unpacked=10 * 1024 * 1024,
                max_shared_strings=20_000, max_rows=MAX_ROWS + 50, max_columns=30,
                max_cell_chars=500)


@dataclass(frozen=True)
class StaffLine:
    row: int
    full_name: str
    email: str
    phone: str
    roles: frozenset[str]


@dataclass(frozen=True)
class Problem:
    row: int  # 0: the whole file
    code: str
    detail: str = ""


@dataclass
class Parsed:
    lines: list[StaffLine] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def read_rows(data: bytes) -> list[tuple[int, list[Any]]]:
    """(row number, cells) of the file's first sheet; raises SpreadsheetRejected."""
    return read_spreadsheet(data, LIMITS)


def clean(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(unescape(str(value)).split())


def parse_roles(text: str) -> tuple[set[str], list[str]]:
    """(roles, words not understood) of a "Vai trò" cell such as "Giám khảo, Ban tổ chức"."""
    roles, unknown = set(), []
    whole = ROLE_WORDS.get(unaccent(text))
    if whole:
        return {whole}, []
    for part in ROLE_SEPARATORS.split(text or ""):
        word = unaccent(part).strip(" .")
        if not word:
            continue
        role = ROLE_WORDS.get(word)
        if role:
            roles.add(role)
        else:
            unknown.append(part.strip())
    return roles, unknown


def _phone(value: Any) -> str:
    text = clean(value)
    phone = normalise_phone(text)
    if re.fullmatch(r"[1-9]\d{8}", phone):  # Excel dropped the leading 0 of a number cell
        phone = "0" + phone
    return phone


def _header(rows: Sequence[tuple[int, list[Any]]]) -> tuple[int, dict[str, int]] | None:
    for index, (_, cells) in enumerate(rows[:20]):
        found: dict[str, int] = {}
        for col, cell in enumerate(cells):
            key = COLUMNS.get(unaccent(clean(cell)).rstrip(" :*"))
            if key and key not in found:
                found[key] = col
        if {"full_name", "email"} <= set(found):
            return index, found
    return None


def parse_staff(rows: Iterable[tuple[int, list[Any]]]) -> Parsed:
    """Check every row; `problems` lists each bad row by number (a row may have several)."""
    rows = list(rows)
    result = Parsed()
    header = _header(rows)
    if header is None:
        result.problems.append(Problem(0, "no_header"))
        return result
    start, columns = header
    for needed in ("phone", "roles"):
        if needed not in columns:
            result.problems.append(Problem(0, "column_missing", needed))
    if result.problems:
        return result

    def cell(cells: list[Any], key: str) -> Any:
        col = columns.get(key)
        return cells[col] if col is not None and col < len(cells) else None

    emails: dict[str, int] = {}
    phones: dict[str, int] = {}
    count = 0
    for number, cells in rows[start + 1:]:
        if not any(clean(c) for c in cells):
            continue
        count += 1
        if count > MAX_ROWS:
            result.problems.append(Problem(number, "too_many_rows", str(MAX_ROWS)))
            break
        bad = []
        name = clean(cell(cells, "full_name"))
        if len(name) < 2:
            bad.append(Problem(number, "name_missing"))
        elif len(name) > 150:
            bad.append(Problem(number, "name_too_long", "150"))
        email = normalise_email(clean(cell(cells, "email")))
        if len(email) > 254 or "@" not in email or "." not in email.rsplit("@", 1)[-1] \
                or " " in email:
            bad.append(Problem(number, "email_invalid", email[:60]))
        elif email in emails:
            bad.append(Problem(number, "email_repeated", str(emails[email])))
        else:
            emails[email] = number
        phone = _phone(cell(cells, "phone"))
        if not is_valid_phone(phone):
            bad.append(Problem(number, "phone_invalid", clean(cell(cells, "phone"))[:30]))
        elif phone in phones:
            bad.append(Problem(number, "phone_repeated", str(phones[phone])))
        else:
            phones[phone] = number
        roles, unknown = parse_roles(clean(cell(cells, "roles")))
        if unknown:
            bad.append(Problem(number, "role_unknown", ", ".join(unknown)[:60]))
        elif not roles:
            bad.append(Problem(number, "role_missing"))
        if bad:
            result.problems.extend(bad)
        else:
            result.lines.append(StaffLine(number, name, email, phone, frozenset(roles)))
    if not result.lines and not result.problems:
        result.problems.append(Problem(0, "empty"))
    return result
