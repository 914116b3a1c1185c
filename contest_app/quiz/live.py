"""Figures for the organiser's live dashboard, aggregated by the database (counts grouped by
board, hour, score and unit: never a scan of answers) and kept a few seconds in the cache, so
many organisers refreshing during the last hours of a round cost almost nothing."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, time, tzinfo

from sqlalchemy import func, literal_column, select
from sqlalchemy.orm import Session

from ..accounts.models import Block, Unit, User
from ..extensions import cache
from .models import (
    ATTEMPT_EXPIRED,
    ATTEMPT_IN_PROGRESS,
    ATTEMPT_SUBMITTED,
    Attempt,
    Contest,
    Participation,
    Round,
)

CACHE_SECONDS = 5
FINISHED = (ATTEMPT_SUBMITTED, ATTEMPT_EXPIRED)


@dataclass
class UnitLine:
    unit: str
    block: str
    participants: int
    headcount: int | None

    @property
    def rate(self) -> float | None:
        return self.participants / self.headcount if self.headcount else None


@dataclass
class RoundFigures:
    round_id: int
    started: int
    in_progress: int
    submitted: int
    submitted_today: int
    per_hour: list[tuple[str, int]] = field(default_factory=list)
    scores: list[tuple[int, int]] = field(default_factory=list)
    max_score: int = 0
    units: list[UnitLine] = field(default_factory=list)

    def counters(self) -> dict[str, int]:
        return {"started": self.started, "in_progress": self.in_progress,
                "submitted": self.submitted, "submitted_today": self.submitted_today}


@dataclass
class ContestFigures:
    contest_id: int
    registered: int
    joined: int
    per_board: list[tuple[str, int]]
    rounds: list[dict]


def _hour(session: Session, column):  # noqa: ANN001, ANN202
    """The hour a timestamp falls in, as text, in SQL (UTC)."""
    if session.get_bind().dialect.name == "postgresql":
        # to_char of a timestamptz uses the session's TimeZone: convert to UTC first.
        return func.to_char(func.timezone(literal_column("'UTC'"), column),
                            literal_column("'YYYY-MM-DD HH24'"))
    return func.strftime("%Y-%m-%d %H", column)


def day_start(now: datetime, tz: tzinfo) -> datetime:
    """Midnight of today in the contest's zone."""
    return datetime.combine(now.astimezone(tz).date(), time(), tz)


def round_figures(session: Session, rnd: Round, now: datetime, tz: tzinfo) -> RoundFigures:
    key = f"live:round:{rnd.id}"
    cached = cache.get(key)
    if cached is not None:
        return cached
    base = Attempt.round_id == rnd.id
    started = session.scalar(select(func.count(Attempt.id)).where(base)) or 0
    in_progress = session.scalar(select(func.count(Attempt.id)).where(
        base, Attempt.status == ATTEMPT_IN_PROGRESS, Attempt.deadline > now)) or 0
    submitted = session.scalar(select(func.count(Attempt.id)).where(
        base, Attempt.status.in_(FINISHED))) or 0
    today = session.scalar(select(func.count(Attempt.id)).where(
        base, Attempt.status.in_(FINISHED), Attempt.submitted_at >= day_start(now, tz))) or 0
    hour = _hour(session, Attempt.started_at).label("hour")
    per_hour = [(h, n) for h, n in session.execute(
        select(hour, func.count(Attempt.id)).where(base).group_by(hour).order_by(hour))]
    scores = [(int(s), n) for s, n in session.execute(
        select(Attempt.score, func.count(Attempt.id)).where(
            base, Attempt.status.in_(FINISHED), Attempt.score.is_not(None))
        .group_by(Attempt.score).order_by(Attempt.score))]
    people = (select(User.unit_id, func.count(func.distinct(Attempt.user_id)))
              .join(User, User.id == Attempt.user_id)
              .where(base, Attempt.status.in_(FINISHED)).group_by(User.unit_id))
    taking_part = dict(session.execute(people).tuples().all())
    units = [UnitLine(u.name, b.name if b else "", taking_part.get(u.id, 0), u.headcount)
             for u, b in session.execute(
                 select(Unit, Block).outerjoin(Block, Block.id == Unit.block_id)
                 .where(Unit.active.is_(True)))]
    units.sort(key=lambda line: (line.rate if line.rate is not None else -1, line.unit))
    figures = RoundFigures(rnd.id, started, in_progress, submitted, today,
                           [(_local_hour(h, tz), n) for h, n in per_hour], scores,
                           rnd.question_count, units)
    cache.set(key, figures, timeout=CACHE_SECONDS)
    return figures


def _local_hour(utc_hour: str, tz: tzinfo) -> str:
    """"2026-11-25 03" (UTC) -> "25/11 10:00" in the contest's zone."""
    at = datetime.strptime(utc_hour, "%Y-%m-%d %H").replace(tzinfo=UTC).astimezone(tz)
    return at.strftime("%d/%m %H:00")


def contest_figures(session: Session, contest: Contest, now: datetime, tz: tzinfo
                    ) -> ContestFigures:
    key = f"live:contest:{contest.id}"
    cached = cache.get(key)
    if cached is not None:
        return cached
    registered = session.scalar(select(func.count(User.id)).where(
        User.is_staff.is_(False))) or 0
    joined = session.scalar(select(func.count(Participation.id)).where(
        Participation.contest_id == contest.id)) or 0
    counts = dict(session.execute(
        select(Participation.board_id, func.count(Participation.id))
        .where(Participation.contest_id == contest.id)
        .group_by(Participation.board_id)).tuples().all())
    per_board = [(b.name, counts.get(b.id, 0)) for b in contest.boards]
    rounds = []
    for rnd in contest.rounds:
        f = round_figures(session, rnd, now, tz)
        rounds.append({"id": rnd.id, "title": rnd.title, **f.counters()})
    figures = ContestFigures(contest.id, registered, joined, per_board, rounds)
    cache.set(key, figures, timeout=CACHE_SECONDS)
    return figures


def as_json(figures: RoundFigures | ContestFigures) -> dict:
    data = asdict(figures)
    data.pop("units", None)
    return data

