"""Participation rules in plain Python: age in full years, eligibility, CCCD format.

Nothing here imports Flask or the database session."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
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
    collect_birth_date: bool = False,
) -> dict[str, str]:
    """What keeps a participant out of a contest on a day: {field: reason}; empty if eligible.
    A contest that collects the date of birth needs one even without a minimum age."""
    problems: dict[str, str] = {}
    if min_age:
        if born is None:
            problems["date_of_birth"] = MISSING
        elif age_on(born, on) < min_age:
            problems["date_of_birth"] = TOO_YOUNG
    elif collect_birth_date and born is None:
        problems["date_of_birth"] = MISSING
    if require_cccd and not has_cccd:
        problems["cccd"] = MISSING
    return problems


def needs_joining(has_boards: bool, min_age: int | None, require_cccd: bool,
                  collect_birth_date: bool = False) -> bool:
    """Whether official rounds of a contest need the participant to join it first."""
    return bool(has_boards or min_age or require_cccd or collect_birth_date)


def board_admits(allowed_kind: str | None, kind: str | None) -> bool:
    """Whether a board open to `allowed_kind` (None: anyone; "official"; "citizen") takes a
    participant of `kind`. An account without a kind counts as an official (every account
    was one before citizens could register)."""
    return allowed_kind is None or allowed_kind == (kind or "official")


# --- Changing a contest's settings once people have joined ---------------------------------
#
# A setting that would change an entry already made is locked: once anyone has joined (or
# made an official attempt), joining may not become stricter, since those already in would
# lose their eligibility or their entry would lack what the new rule asks for. Relaxing a
# setting (turning a requirement off, lowering the age) changes no entry and stays allowed.

ENTRIES_EXIST = "entries_exist"
HAS_MEMBERS = "has_members"
HAS_ATTEMPTS = "has_attempts"
HAS_RANKINGS = "has_rankings"


@dataclass(frozen=True)
class EntrySettings:
    """The settings that decide who may join a contest and what joining asks for."""

    require_cccd: bool
    min_age: int | None
    collect_birth_date: bool


def locked_settings(current: EntrySettings, entrants: int) -> dict[str, str]:
    """Which settings may no longer be made stricter, {field: reason}; empty while nobody has
    joined. The settings page shows these as locked with the reason."""
    if entrants <= 0:
        return {}
    locked = {"min_age": ENTRIES_EXIST}
    if not current.require_cccd:
        locked["require_cccd"] = ENTRIES_EXIST
    if not current.collect_birth_date:
        locked["collect_birth_date"] = ENTRIES_EXIST
    return locked


def refused_setting_changes(current: EntrySettings, wanted: EntrySettings,
                            entrants: int) -> dict[str, str]:
    """The changes from `current` to `wanted` that would change an entry already made:
    turning on the CCCD requirement or the date of birth, setting or raising the minimum age.
    {field: reason}; empty when the change is allowed."""
    if entrants <= 0:
        return {}
    refused: dict[str, str] = {}
    if wanted.require_cccd and not current.require_cccd:
        refused["require_cccd"] = ENTRIES_EXIST
    if wanted.min_age and (not current.min_age or wanted.min_age > current.min_age):
        refused["min_age"] = ENTRIES_EXIST
    if wanted.collect_birth_date and not current.collect_birth_date:
        refused["collect_birth_date"] = ENTRIES_EXIST
    return refused


def board_delete_problem(members: int, attempts: int, rankings: int) -> str | None:
    """Why a board may not be deleted: it has members (participations), attempts drawn for
    it, or published rankings; None when it is empty."""
    if members:
        return HAS_MEMBERS
    if attempts:
        return HAS_ATTEMPTS
    if rankings:
        return HAS_RANKINGS
    return None


def board_add_problem(boards: int, entrants: int) -> str | None:
    """Adding the first board to a contest that people joined without boards would leave each
    of them without a board (and unable to take official rounds): refused once anyone has
    joined. Adding a further board changes no entry."""
    if boards == 0 and entrants > 0:
        return ENTRIES_EXIST
    return None


def move_in_order(ids: Sequence[int], moved: int, step: int) -> list[int]:
    """The order of `ids` after moving `moved` one place up (step -1) or down (step +1); the
    same order at either end. Raises ValueError for an id not in the list."""
    order = list(ids)
    i = order.index(moved)
    j = i + (1 if step > 0 else -1)
    if 0 <= j < len(order):
        order[i], order[j] = order[j], order[i]
    return order
