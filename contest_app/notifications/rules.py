"""Which notifications exist and which are due: plain Python, no Flask, no database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

REGISTRATION = "registration"
ROUND_OPENED = "round_opened"
RESULTS_PUBLISHED = "results_published"
WINNER = "winner"
JUDGE_ASSIGNMENT = "judge_assignment"

# Transactional messages are sent whatever the preferences say and carry no unsubscribe
# link (password reset and invitations, in accounts/, are transactional too).
TRANSACTIONAL = frozenset({REGISTRATION})
# The kinds a person may turn off, in the order the preferences page lists them.
OPTIONAL = (ROUND_OPENED, RESULTS_PUBLISHED, WINNER, JUDGE_ASSIGNMENT)
KINDS = (REGISTRATION, *OPTIONAL)


def may_unsubscribe(kind: str) -> bool:
    return kind in OPTIONAL


def object_key(kind: str, object_id: int) -> str:
    """The sent-log's object of a notification: "round:12", "user:3", "assignment:40"."""
    prefix = {REGISTRATION: "user", JUDGE_ASSIGNMENT: "assignment"}.get(kind, "round")
    return f"{prefix}:{object_id}"


def contest_key(contest_id: int) -> str:
    """The sent-log's object of a contest-wide notification (the contest ranking's winners)."""
    return f"contest:{contest_id}"


@dataclass(frozen=True)
class RoundTimes:
    id: int
    opens_at: datetime | None
    closes_at: datetime | None
    practice: bool = False


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def previous_round(rounds: list[RoundTimes], round_id: int) -> int | None:
    """The official round of the same contest that opened last before `round_id` did (None
    for the first round, a practice round or a round without an opening time)."""
    current = next((r for r in rounds if r.id == round_id), None)
    if current is None or current.practice or current.opens_at is None:
        return None
    earlier = [r for r in rounds if r.id != round_id and not r.practice
               and r.opens_at is not None and _utc(r.opens_at) < _utc(current.opens_at)]
    if not earlier:
        return None
    return max(earlier, key=lambda r: (_utc(r.opens_at), r.id)).id


def has_opened(rnd: RoundTimes, now: datetime) -> bool:
    """An official round is open at `now`: it opened, and has not closed yet."""
    if rnd.practice or rnd.opens_at is None or _utc(rnd.opens_at) > _utc(now):
        return False
    return rnd.closes_at is None or _utc(now) < _utc(rnd.closes_at)
