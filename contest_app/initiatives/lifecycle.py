"""Services of a call's cycle beyond judging: reopening a closed or published call, and the
participation quotas per unit or block. Session, actor and `now` are arguments; functions
flush, never commit."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..accounts.models import Block, Unit, User
from ..organiser.models import record
from . import cycle, rules
from .models import Initiative, InitiativeCall


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


# --- Quotas ---------------------------------------------------------------------------------


def save_quotas(session: Session, actor_id: int, call: InitiativeCall, min_per_unit: int | None,
                min_per_block: int | None) -> None:
    before = {"min_per_unit": call.min_per_unit, "min_per_block": call.min_per_block}
    call.min_per_unit = cycle.check_quota(min_per_unit)
    call.min_per_block = cycle.check_quota(min_per_block)
    session.flush()
    record(actor_id, "initiative_call.quotas", call, before=before,
           after={"min_per_unit": call.min_per_unit, "min_per_block": call.min_per_block})


@dataclass(frozen=True)
class Shortfall:
    id: int
    name: str
    submitted: int
    missing: int


@dataclass(frozen=True)
class QuotaReport:
    units: list[Shortfall]  # active units below the unit quota
    blocks: list[Shortfall]  # blocks below the block quota
    by_unit: dict[int, int]  # submitted initiatives per unit (author's unit)
    without_unit: int  # submitted initiatives whose author has no unit


def quota_report(session: Session, call: InitiativeCall) -> QuotaReport:
    """Who is short of the call's quotas, counting submitted initiatives by their author's
    unit (a unit's count adds to its block's)."""
    counted = session.execute(
        select(User.unit_id, func.count(Initiative.id))
        .join(User, User.id == Initiative.author_id)
        .where(Initiative.call_id == call.id, Initiative.state == rules.SUBMITTED)
        .group_by(User.unit_id)).all()
    by_unit = {unit_id: n for unit_id, n in counted if unit_id is not None}
    without_unit = sum(n for unit_id, n in counted if unit_id is None)
    units = list(session.scalars(select(Unit).where(Unit.active.is_(True))
                                 .order_by(Unit.name)))
    by_block: dict[int, int] = defaultdict(int)
    for unit in session.scalars(select(Unit).where(Unit.id.in_(list(by_unit) or [0]))):
        if unit.block_id is not None:
            by_block[unit.block_id] += by_unit[unit.id]
    blocks = {b.id: b.name for b in session.scalars(select(Block).order_by(Block.position,
                                                                           Block.name))}
    unit_short = cycle.shortfalls({u.id: u.name for u in units}, by_unit, call.min_per_unit)
    block_short = cycle.shortfalls(blocks, dict(by_block), call.min_per_block)
    return QuotaReport([Shortfall(*r) for r in unit_short], [Shortfall(*r) for r in block_short],
                       by_unit, without_unit)
