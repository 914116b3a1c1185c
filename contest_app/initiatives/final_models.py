"""The final round (chung khảo) of a call: its settings, rubric and panel, the submissions
promoted from the preliminary round with their presentation timer, and the panel's scores."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import User
from ..clock import now
from ..extensions import db
from .models import Initiative, InitiativeCall
from .scoring import POINTS, bands_from_json


class FinalRound(db.Model):
    """A call's final: presentation and question minutes, the weights that combine the
    preliminary score with the final's, its own rubric and judges."""

    __tablename__ = "initiative_final"
    __table_args__ = (
        UniqueConstraint("call_id"),
        CheckConstraint("presentation_minutes BETWEEN 1 AND 120", name="presentation_minutes"),
        CheckConstraint("questions_minutes BETWEEN 0 AND 120", name="questions_minutes"),
        CheckConstraint("preliminary_weight >= 0 AND final_weight >= 0 "
                        "AND preliminary_weight + final_weight > 0", name="weights"),
        CheckConstraint("scoring IN ('points', 'weighted')", name="scoring"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("initiative_call.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(255))
    presentation_minutes: Mapped[int] = mapped_column(default=10)
    questions_minutes: Mapped[int] = mapped_column(default=5)
    preliminary_weight: Mapped[int] = mapped_column(default=30)
    final_weight: Mapped[int] = mapped_column(default=70)
    judge_ids: Mapped[list] = mapped_column(default=list)
    # 'points': each criterion out of its maximum, a score is the sum (scoring.py);
    # 'weighted': the earlier 0-10 / 1-5 scales with weights, on 100.
    scoring: Mapped[str] = mapped_column(String(10), default=POINTS)
    created_at: Mapped[datetime] = mapped_column(default=now)

    call: Mapped[InitiativeCall] = relationship()
    criteria: Mapped[list[FinalCriterion]] = relationship(
        order_by="FinalCriterion.position", cascade="all, delete-orphan",
        back_populates="final")
    finalists: Mapped[list[Finalist]] = relationship(
        order_by="Finalist.position", cascade="all, delete-orphan", back_populates="final")

    @property
    def in_points(self) -> bool:
        return self.scoring == POINTS

    @property
    def total_max(self) -> int:
        """What a final score totals at most: the sum of the maxima in points, else 100."""
        if self.in_points:
            return sum(c.max_points or 0 for c in self.criteria)
        return 100


class FinalCriterion(db.Model):
    __tablename__ = "initiative_final_criterion"
    __table_args__ = (
        CheckConstraint("weight > 0", name="weight_positive"),
        CheckConstraint("scale IN ('0-10', '1-5')", name="scale"),
        CheckConstraint("max_points IS NULL OR max_points BETWEEN 1 AND 1000", name="max_points"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    final_id: Mapped[int] = mapped_column(
        ForeignKey("initiative_final.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(String(1000), default="")
    weight: Mapped[int]
    scale: Mapped[str] = mapped_column(String(5), default="0-10")
    max_points: Mapped[int | None]
    # [[low, high, label], ...] from the highest band down (scoring.bands_to_json).
    bands: Mapped[list] = mapped_column(default=list)

    final: Mapped[FinalRound] = relationship(back_populates="criteria")

    @property
    def band_list(self):
        return bands_from_json(self.bands)

    @property
    def scale_min(self) -> int:
        return 0 if self.scale == "0-10" else 1

    @property
    def scale_max(self) -> int:
        return 10 if self.scale == "0-10" else 5


class Finalist(db.Model):
    """A promoted submission: its preliminary score frozen at promotion, its order of
    presentation and its timer (the server's start time of the running stretch and the
    seconds run before it)."""

    __tablename__ = "initiative_finalist"
    __table_args__ = (UniqueConstraint("final_id", "initiative_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    final_id: Mapped[int] = mapped_column(
        ForeignKey("initiative_final.id", ondelete="CASCADE"), index=True)
    initiative_id: Mapped[int] = mapped_column(
        ForeignKey("initiative.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    preliminary_score: Mapped[float]
    timer_started_at: Mapped[datetime | None]
    timer_elapsed: Mapped[int] = mapped_column(default=0)
    promoted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    promoted_at: Mapped[datetime] = mapped_column(default=now)

    final: Mapped[FinalRound] = relationship(back_populates="finalists")
    initiative: Mapped[Initiative] = relationship()


class FinalScore(db.Model):
    """A final judge's scores ({criterion id: score}) of a finalist; the total is the sum of
    the points (out of the final's total_max), or on 100 for a weighted rubric."""

    __tablename__ = "initiative_final_score"
    __table_args__ = (UniqueConstraint("finalist_id", "judge_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    finalist_id: Mapped[int] = mapped_column(
        ForeignKey("initiative_finalist.id", ondelete="CASCADE"), index=True)
    judge_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    scores: Mapped[dict]
    total: Mapped[float]
    comment: Mapped[str] = mapped_column(Text, default="")
    submitted_at: Mapped[datetime] = mapped_column(default=now)
    updated_at: Mapped[datetime] = mapped_column(default=now)

    judge: Mapped[User] = relationship()
