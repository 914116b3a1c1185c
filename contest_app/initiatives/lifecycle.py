"""Services of a call's cycle beyond judging: reopening a closed or published call, and the
participation quotas per unit or block. Session, actor and `now` are arguments; functions
flush, never commit."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from ..organiser.models import record
from . import cycle
from .models import InitiativeCall


def _dates(call: InitiativeCall) -> dict:
    return {"submission_deadline": call.submission_deadline.isoformat(),
            "review_deadline": call.review_deadline.isoformat(),
            "results_published_at": call.results_published_at.isoformat()
            if call.results_published_at else None}


def reopen_call(session: Session, actor_id: int, call: InitiativeCall,
                submission_deadline: datetime | None, review_deadline: datetime | None,
                reason: str, now: datetime) -> None:
    """Take submissions again until the new deadline. Published results are withdrawn (the
    decisions already made are kept) so that the new submissions can be assigned, reviewed
    and decided before the results are published again."""
    cycle.check_reopen(now, submission_deadline, review_deadline, reason)
    before = _dates(call)
    call.submission_deadline = submission_deadline
    call.review_deadline = review_deadline
    call.results_published_at = None
    session.flush()
    record(actor_id, "initiative_call.reopen", call, before=before, after=_dates(call),
           reason=reason.strip()[:500])
