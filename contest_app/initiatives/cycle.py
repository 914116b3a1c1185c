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
