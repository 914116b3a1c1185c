"""Prize tiers, exclusions and published ranking snapshots (stored rows, never recomputed)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..clock import now
from ..extensions import db

SCOPE_ROUND = "round"
SCOPE_CONTEST = "contest"


class PrizeTier(db.Model):
    """A prize level with a number of winners, per round (or contest-wide) and board."""

    __tablename__ = "prize_tier"
    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(ForeignKey("contest.id", ondelete="CASCADE"),
                                            index=True)
    round_id: Mapped[int | None] = mapped_column(ForeignKey("round.id", ondelete="CASCADE"))
    board_id: Mapped[int | None] = mapped_column(ForeignKey("board.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(12), default="individual")  # or "unit"
    level: Mapped[int]  # 1 first, 2 second, 3 third, 4 consolation
    name: Mapped[str] = mapped_column(String(100))
    count: Mapped[int]
    amount: Mapped[int | None]  # prize money per winner, in đồng (for the award decision)


class Exclusion(db.Model):
    """A disqualified entry: a participant excluded from a round's (or the contest's) ranking."""

    __tablename__ = "exclusion"
    __table_args__ = (UniqueConstraint("contest_id", "round_id", "user_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(ForeignKey("contest.id", ondelete="CASCADE"))
    round_id: Mapped[int | None] = mapped_column(ForeignKey("round.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    reason: Mapped[str] = mapped_column(String(500))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=now)


class RankingSnapshot(db.Model):
    __tablename__ = "ranking_snapshot"
    __table_args__ = (
        UniqueConstraint("contest_id", "round_id", "board_id", "version"),
        Index("ix_ranking_snapshot_lookup", "contest_id", "round_id", "board_id", "is_current"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(ForeignKey("contest.id", ondelete="CASCADE"))
    round_id: Mapped[int | None] = mapped_column(ForeignKey("round.id", ondelete="CASCADE"))
    board_id: Mapped[int | None] = mapped_column(ForeignKey("board.id", ondelete="CASCADE"))
    scope: Mapped[str] = mapped_column(String(10), default=SCOPE_ROUND)
    version: Mapped[int]
    is_current: Mapped[bool] = mapped_column(default=True)
    published_at: Mapped[datetime]
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    rules: Mapped[dict]
    actual_prediction: Mapped[int | None]
    entry_count: Mapped[int] = mapped_column(default=0)
    max_score: Mapped[int] = mapped_column(default=0)
    # A withdrawn publication (Hủy công bố) stays in the history but is never shown publicly.
    withdrawn_at: Mapped[datetime | None]
    withdrawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    withdrawn_reason: Mapped[str | None] = mapped_column(String(500))


class RankingRow(db.Model):
    __tablename__ = "ranking_row"
    __table_args__ = (
        UniqueConstraint("snapshot_id", "position"),
        Index("ix_ranking_row_search", "snapshot_id", "search_name"),
        Index("ix_ranking_row_unit", "snapshot_id", "unit_id", "position"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    snapshot_id: Mapped[int] = mapped_column(
        ForeignKey("ranking_snapshot.id", ondelete="CASCADE"))
    position: Mapped[int]
    rank: Mapped[int]
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    full_name: Mapped[str] = mapped_column(String(150))
    # Byte-order collation on PostgreSQL so that prefix ranges use the index.
    search_name: Mapped[str] = mapped_column(
        String(150).with_variant(String(150, collation="C"), "postgresql"))
    search_given: Mapped[str] = mapped_column(
        String(60).with_variant(String(60, collation="C"), "postgresql"))
    phone_masked: Mapped[str] = mapped_column(String(12), default="")
    unit_id: Mapped[int | None]
    unit_name: Mapped[str] = mapped_column(String(255), default="")
    score: Mapped[int]
    duration_ms: Mapped[int]
    submitted_at: Mapped[datetime]
    prediction: Mapped[int | None]
    prediction_diff: Mapped[int | None]
    prize_level: Mapped[int | None]
    prize: Mapped[str | None] = mapped_column(String(100))


class RankingName(db.Model):
    """The distinct folded names of a published snapshot with how many rows carry each: the
    name search looks here first (a few thousand names instead of a million rows; a pg_trgm
    GIN index on PostgreSQL, see migration r21b_1), which also gives the exact match count,
    and then reads only the matching rows through ix_ranking_row_search."""

    __tablename__ = "ranking_name"
    snapshot_id: Mapped[int] = mapped_column(
        ForeignKey("ranking_snapshot.id", ondelete="CASCADE"), primary_key=True)
    search_name: Mapped[str] = mapped_column(
        String(150).with_variant(String(150, collation="C"), "postgresql"), primary_key=True)
    entries: Mapped[int]


class UnitRankingRow(db.Model):
    __tablename__ = "unit_ranking_row"
    __table_args__ = (Index("ix_unit_ranking_row_snapshot", "snapshot_id", "block_id", "rank"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    snapshot_id: Mapped[int] = mapped_column(
        ForeignKey("ranking_snapshot.id", ondelete="CASCADE"))
    rank: Mapped[int | None]  # None: nobody from the unit took part (listed, unranked)
    unit_id: Mapped[int]
    unit_name: Mapped[str] = mapped_column(String(255))
    block_id: Mapped[int | None]
    block_name: Mapped[str] = mapped_column(String(200), default="")
    participants: Mapped[int]
    attempts: Mapped[int]
    headcount: Mapped[int | None]
    participation_rate: Mapped[float | None] = mapped_column(Float)
    average_score: Mapped[float | None] = mapped_column(Float)
    best_score: Mapped[int | None]
    prizes: Mapped[int] = mapped_column(default=0)
    prize_points: Mapped[int] = mapped_column(default=0)
    collective_score: Mapped[float] = mapped_column(Float, default=0.0)
    prize: Mapped[str | None] = mapped_column(String(100))
