"""What the home page shows first: the contest to feature (the one with an open round, else the
next to open, else the newest), its countdown, how many have taken part so far (cached
briefly), its latest published ranking and winners, and its documents."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..caching import remembered
from ..participation.documents import documents_of
from ..participation.models import ContestDocument
from ..quiz.embed_views import Countdown, countdown, latest_round_snapshot
from ..quiz.models import ATTEMPT_VOIDED, Attempt, Contest, Round
from ..rankings.models import RankingRow, RankingSnapshot

DEFAULT_COUNT_SECONDS = 30
TOP = 5
WINNERS = 10


@dataclass
class Featured:
    contest: Contest
    countdown: Countdown | None
    participants: int
    snapshot: RankingSnapshot | None = None
    snapshot_round: Round | None = None
    winners: list[RankingRow] = field(default_factory=list)
    top: list[RankingRow] = field(default_factory=list)
    documents: list[ContestDocument] = field(default_factory=list)


def pick(contests: list[Contest], now: datetime) -> tuple[Contest, Countdown | None] | None:
    """The contest with an open round closing soonest; else the one opening soonest; else the
    newest (contests come newest first)."""
    if not contests:
        return None
    timed = [(c, countdown(c.rounds, now)) for c in contests]
    running = [(c, cd) for c, cd in timed if cd is not None and not cd.opening]
    if running:
        return min(running, key=lambda t: (t[1].round.is_practice, t[1].until))
    upcoming = [(c, cd) for c, cd in timed if cd is not None]
    if upcoming:
        return min(upcoming, key=lambda t: t[1].until)
    return contests[0], None


def participant_count(session: Session, contest_id: int) -> int:
    """People who have started at least one attempt (not voided) in the contest's rounds."""
    return session.scalar(
        select(func.count(func.distinct(Attempt.user_id)))
        .join(Round, Round.id == Attempt.round_id)
        .where(Round.contest_id == contest_id, Attempt.status != ATTEMPT_VOIDED)) or 0


def cached_participant_count(session: Session, contest_id: int) -> int:
    seconds = int(current_app.config.get("HOME_COUNT_SECONDS", DEFAULT_COUNT_SECONDS))
    return remembered(f"home:participants:{contest_id}", seconds,
                      lambda: participant_count(session, contest_id))


def featured(session: Session, contests: list[Contest], now: datetime) -> Featured | None:
    chosen = pick(contests, now)
    if chosen is None:
        return None
    contest, timer = chosen
    result = Featured(contest, timer, cached_participant_count(session, contest.id),
                      documents=documents_of(session, contest.id))
    snapshot = latest_round_snapshot(session, contest.id)
    if snapshot is not None:
        result.snapshot = snapshot
        result.snapshot_round = session.get(Round, snapshot.round_id)
        result.winners = list(session.scalars(
            select(RankingRow).where(RankingRow.snapshot_id == snapshot.id,
                                     RankingRow.prize.is_not(None))
            .order_by(RankingRow.position).limit(WINNERS)))
        if not result.winners:
            result.top = list(session.scalars(
                select(RankingRow).where(RankingRow.snapshot_id == snapshot.id)
                .order_by(RankingRow.position).limit(TOP)))
    return result
