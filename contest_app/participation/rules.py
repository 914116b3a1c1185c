"""Participation rules in plain Python: age in full years, eligibility, CCCD format.

Nothing here imports Flask or the database session."""

from __future__ import annotations

import re
from datetime import date, datetime, tzinfo

from ..domain import DomainError

CCCD_RE = re.compile(r"[0-9]{12}", re.ASCII)


class NotEligible(DomainError):
    """The contest's minimum age or CCCD requirement is not met (`fields` says which)."""

    code = "not_eligible"


class BoardConflict(DomainError):
    """The participant already belongs to another board of this contest."""

    code = "board_conflict"


class BoardNotAllowed(DomainError):
    """The board is restricted to officials or to citizens, and the participant is not one."""

    code = "board_not_allowed"


class CccdTaken(DomainError):
    """Another account already joined this contest with the same CCCD."""

    code = "cccd_taken"


# Reasons returned by `eligibility_problems`, keyed by field.
MISSING = "missing"
TOO_YOUNG = "too_young"


def age_on(born: date, on: date) -> int:
    """Age in full years on a day. Someone born on 29 February has their birthday on 1 March
    in common years (they are not a year older on 28 February)."""
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def local_date(moment: datetime, tz: tzinfo) -> date:
    """The calendar date of an aware moment in the contest's time zone."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime")
    return moment.astimezone(tz).date()


def normalise_cccd(raw: str | None) -> str:
    """Drop spaces the participant may type between groups of digits."""
    return "".join((raw or "").split())


def is_valid_cccd(cccd: str) -> bool:
    """Exactly 12 ASCII digits (the citizen identity card number)."""
    return bool(CCCD_RE.fullmatch(cccd or ""))


def eligibility_problems(
    min_age: int | None, require_cccd: bool, born: date | None, has_cccd: bool, on: date,
) -> dict[str, str]:
    """What keeps a participant out of a contest on a day: {field: reason}; empty if eligible."""
    problems: dict[str, str] = {}
    if min_age:
        if born is None:
            problems["date_of_birth"] = MISSING
        elif age_on(born, on) < min_age:
            problems["date_of_birth"] = TOO_YOUNG
    if require_cccd and not has_cccd:
        problems["cccd"] = MISSING
    return problems


def needs_joining(has_boards: bool, min_age: int | None, require_cccd: bool) -> bool:
    """Whether official rounds of a contest need the participant to join it first."""
    return bool(has_boards or min_age or require_cccd)


def board_admits(allowed_kind: str | None, kind: str | None) -> bool:
    """Whether a board open to `allowed_kind` (None: anyone; "official"; "citizen") takes a
    participant of `kind`. An account without a kind counts as an official (every account
    was one before citizens could register)."""
    return allowed_kind is None or allowed_kind == (kind or "official")
