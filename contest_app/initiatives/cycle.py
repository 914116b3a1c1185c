"""Plain rules of an initiative call's cycle beyond judging: when submissions are accepted and
how a call is reopened, participation quotas per unit or block, and the two-round final
(promotion, the presentation timer, the combined result).

Nothing here imports Flask or the database session; inputs are plain values and an explicit
`now`."""

from __future__ import annotations

from datetime import datetime

from ..domain import ValidationFailed
from .rules import CallClosed


class CallResultsPublished(CallClosed):
    """The call's results are published: it takes no new or changed submission until an
    organiser reopens it."""

    code = "initiative_call_results_closed"


# --- Submissions open / reopening ------------------------------------------------------------


def submissions_open(now: datetime, deadline: datetime, published: bool) -> bool:
    """A call takes submissions until its deadline and never once its results are published
    (a submission made then could never be assigned or decided)."""
    return not published and now < deadline


def ensure_submissions_open(now: datetime, deadline: datetime, published: bool) -> None:
    if published:
        raise CallResultsPublished()
    if now >= deadline:
        raise CallClosed()


def check_reopen(now: datetime, submission_deadline: datetime | None,
                 review_deadline: datetime | None, reason: str) -> None:
    """A reopening needs a new submission deadline in the future, a review deadline after it,
    and a reason (kept in the audit log)."""
    problems: dict[str, str] = {}
    if submission_deadline is None:
        problems["submission_deadline"] = "required"
    elif submission_deadline <= now:
        problems["submission_deadline"] = "past"
    if review_deadline is None:
        problems["review_deadline"] = "required"
    elif submission_deadline is not None and review_deadline <= submission_deadline:
        problems["review_deadline"] = "before_submission"
    if not reason.strip():
        problems["reason"] = "required"
    if problems:
        raise ValidationFailed(**problems)


# --- Authors as the decision lists them -----------------------------------------------------

AUTHOR = "author"
CO_AUTHOR = "co_author"


def split_person(line: str) -> tuple[str, str]:
    """A co-author typed as "họ tên, đơn vị" -> (name, unit); the unit is "" when none was
    given. Only the first comma separates: unit names may contain commas."""
    name, _, unit = line.partition(",")
    return " ".join(name.split()), " ".join(unit.split())


def people(author_name: str, author_unit: str,
           co_authors: list[str]) -> list[tuple[str, str, str]]:
    """(role, name, unit) of everyone credited with a submission, the author first."""
    rows = [(AUTHOR, author_name, author_unit)]
    for line in co_authors:
        name, unit = split_person(line)
        if name:
            rows.append((CO_AUTHOR, name, unit))
    return rows


# --- Quotas ---------------------------------------------------------------------------------


def check_quota(value: int | None) -> int | None:
    """A quota is a whole number from 1 to 1000, or none."""
    if value is None:
        return None
    if not 1 <= value <= 1000:
        raise ValidationFailed(quota="out_of_range")
    return int(value)


def shortfalls(expected: dict[int, str], counts: dict[int, int],
               minimum: int | None) -> list[tuple[int, str, int, int]]:
    """(id, name, submitted, missing) for every expected unit or block below `minimum`
    submissions, the furthest behind first, then by name. Empty without a quota."""
    if not minimum:
        return []
    short = [(key, name, counts.get(key, 0), minimum - counts.get(key, 0))
             for key, name in expected.items() if counts.get(key, 0) < minimum]
    return sorted(short, key=lambda r: (-r[3], r[1].lower(), r[0]))
