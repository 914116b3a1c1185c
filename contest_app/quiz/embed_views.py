"""The contest widget that provincial portals and newspapers frame (/nhung/...). The security
headers let only these pages be framed (see security.EMBED_PREFIX)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from flask import Blueprint, render_template
from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import clock
from ..caching import public_page
from ..rankings.models import RankingSnapshot
from ..replica import reader
from . import rules
from . import services as quiz
from .models import Round

bp = Blueprint("embed", __name__, url_prefix="/nhung")

TOP = 5


@dataclass(frozen=True)
class Countdown:
    round: Round
    until: datetime  # aware UTC
    opening: bool  # True: counts down to the round's opening, else to its closing


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def countdown(rounds: list[Round], now: datetime) -> Countdown | None:
    """The open round with a closing time (an official one first, the earliest to close); if
    none is open, the next round to open. None when there is nothing to count down to."""
    open_rounds = [r for r in rounds if r.closes_at is not None
                   and rules.round_status(now, r.opens_at, r.closes_at) == rules.ROUND_OPEN]
    if open_rounds:
        rnd = min(open_rounds, key=lambda r: (r.is_practice, _utc(r.closes_at)))
        return Countdown(rnd, _utc(rnd.closes_at), opening=False)
    upcoming = [r for r in rounds if r.opens_at is not None
                and rules.round_status(now, r.opens_at, r.closes_at) == rules.ROUND_UPCOMING]
    if upcoming:
        rnd = min(upcoming, key=lambda r: (_utc(r.opens_at), r.is_practice))
        return Countdown(rnd, _utc(rnd.opens_at), opening=True)
    return None


def latest_round_snapshot(session: Session, contest_id: int) -> RankingSnapshot | None:
    """The most recently published, not withdrawn, current ranking of one of the contest's
    rounds (any board)."""
    return session.scalar(select(RankingSnapshot).where(
        RankingSnapshot.contest_id == contest_id, RankingSnapshot.round_id.is_not(None),
        RankingSnapshot.is_current.is_(True), RankingSnapshot.withdrawn_at.is_(None),
    ).order_by(RankingSnapshot.published_at.desc(), RankingSnapshot.id.desc()).limit(1))


@bp.route("/cuoc-thi/<int:contest_id>")
@public_page
def contest(contest_id: int):
    """Framed by portals, so requested often: cached like the public rankings (a framed
    visitor sends no session cookie across sites)."""
    from ..rankings import services as rankings

    contest = quiz.get_contest(reader(), contest_id)
    snapshot = latest_round_snapshot(reader(), contest.id)
    top = rankings.snapshot_page(reader(), snapshot, 1, TOP).rows if snapshot else []
    snapshot_round = reader().get(Round, snapshot.round_id) if snapshot else None
    board = None
    if snapshot is not None and snapshot.board_id is not None:
        board = next((b for b in contest.boards if b.id == snapshot.board_id), None)
    return render_template(
        "embed/contest.html", contest=contest, countdown=countdown(contest.rounds, clock.now()),
        snapshot=snapshot, snapshot_round=snapshot_round, board=board, top=top)
