"""Dates and times as people in Vietnam type them: dd/mm/yyyy and dd/mm/yyyy HH:MM (24 hours).

Plain functions (no Flask): the form fields in `forms_i18n` turn the errors into Vietnamese
messages. A date typed with a 24-hour time is read in the contest's time zone and returned aware
in UTC, as the database stores it. The separators people use ("/", "-", "."), one-digit days
and months and, for a phone's numeric keypad, digits only ("25112026", "251120261430") are
accepted; the ISO form a date picker sends ("2026-11-25", "2026-11-25T14:30") too."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

DATE_PLACEHOLDER = "dd/mm/yyyy"
DATETIME_PLACEHOLDER = "dd/mm/yyyy HH:MM"
# What the browser may check before sending (the server checks again, with clear messages).
DATE_PATTERN = r"\s*\d{1,2}[\/.\-]?\d{1,2}[\/.\-]?\d{4}\s*|\s*\d{4}-\d{2}-\d{2}\s*"
DATETIME_PATTERN = (r"\s*\d{1,2}[\/.\-]?\d{1,2}[\/.\-]?\d{4}[\sT,]*\d{1,2}[:hH.]?\d{2}\s*"
                    r"|\s*\d{4}-\d{2}-\d{2}[T\s]\d{2}:\d{2}(:\d{2})?\s*")

_DMY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
_DMY_DIGITS = re.compile(r"^(\d{2})(\d{2})(\d{4})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_HM = re.compile(r"^(\d{1,2})[:hH.]?(\d{2})$")
_ISO_DATETIME = re.compile(r"^(\d{4}-\d{1,2}-\d{1,2})[T ](\d{1,2}:\d{2})(?::\d{2}(?:\.\d+)?)?$")
_DMY_HM_DIGITS = re.compile(r"^(\d{8})(\d{4})$")


class DateTextError(ValueError):
    """Why a typed date or time was refused: `code` is one of "format" (not a date at all),
    "month" (month not 1-12), "day" (no such day in that month: `days` says how many it has),
    "year" (before 1900 or after 2200), "time" (hour not 0-23 or minute not 0-59)."""

    def __init__(self, code: str, text: str, **details: int) -> None:
        super().__init__(code)
        self.code = code
        self.text = text
        self.details = details


@dataclass(frozen=True)
class _Parts:
    day: int
    month: int
    year: int


def _date_parts(text: str) -> _Parts | None:
    if m := _DMY.match(text) or _DMY_DIGITS.match(text):
        return _Parts(int(m[1]), int(m[2]), int(m[3]))
    if m := _ISO_DATE.match(text):
        return _Parts(int(m[3]), int(m[2]), int(m[1]))
    return None


def _check_date(parts: _Parts, text: str) -> date:
    if not 1900 <= parts.year <= 2200:
        raise DateTextError("year", text)
    if not 1 <= parts.month <= 12:
        raise DateTextError("month", text)
    days = calendar.monthrange(parts.year, parts.month)[1]
    if not 1 <= parts.day <= days:
        raise DateTextError("day", text, days=days, month=parts.month, year=parts.year)
    return date(parts.year, parts.month, parts.day)


def parse_date(text: str | None) -> date | None:
    """`25/11/2026` -> date(2026, 11, 25); None for empty text; DateTextError otherwise."""
    text = (text or "").strip()
    if not text:
        return None
    parts = _date_parts(text)
    if parts is None:
        raise DateTextError("format", text)
    return _check_date(parts, text)


def _split_datetime(text: str) -> tuple[str, str] | None:
    if m := _ISO_DATETIME.match(text):
        return m[1], m[2]
    if m := _DMY_HM_DIGITS.match(text):
        return m[1], m[2]
    pieces = re.split(r"[\s,T]+", text, maxsplit=1)
    if len(pieces) == 2 and pieces[0] and pieces[1]:
        return pieces[0], pieces[1]
    if m := re.match(r"^(\d{1,2}[/.\-]\d{1,2}[/.\-]\d{4})(\d.*)$", text):
        return m[1], m[2]  # "25/11/20261430": the year's four digits end the date
    return None


def parse_local_datetime(text: str | None, tz: ZoneInfo) -> datetime | None:
    """`25/11/2026 14:30` typed in `tz` -> the aware UTC datetime; None for empty text;
    DateTextError otherwise (a date without a time is refused: a deadline needs its hour)."""
    text = (text or "").strip()
    if not text:
        return None
    split = _split_datetime(text)
    if split is None:
        raise DateTextError("format", text)
    day_text, time_text = split
    parts = _date_parts(day_text)
    hm = _HM.match(time_text)
    if parts is None or hm is None:
        raise DateTextError("format", text)
    day = _check_date(parts, text)
    hour, minute = int(hm[1]), int(hm[2])
    if hour > 23 or minute > 59:
        raise DateTextError("time", text, hour=hour, minute=minute)
    return datetime.combine(day, time(hour, minute), tzinfo=tz).astimezone(UTC)


def format_date(value: date | None) -> str:
    """date(2026, 11, 5) -> `05/11/2026` (empty for None)."""
    return value.strftime("%d/%m/%Y") if value else ""


def format_local_datetime(value: datetime | None, tz: ZoneInfo) -> str:
    """An aware datetime -> `25/11/2026 14:30` in `tz` (empty for None)."""
    return value.astimezone(tz).strftime("%d/%m/%Y %H:%M") if value else ""
