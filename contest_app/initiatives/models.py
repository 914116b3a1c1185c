"""Calls for initiatives, their rubric, submissions, attachments, assignments, conflicts and
reviews."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import User
from ..clock import now
from ..extensions import db
from .conflicts import KINDS as CONFLICT_KINDS
from .conflicts import OTHER
from .rules import AFTER_REVIEW_DEADLINE, COJUDGE_VISIBILITY, DRAFT, REFORM_FIELDS
from .scoring import POINTS, WEIGHTED, bands_from_json


class InitiativeCall(db.Model):
    """A call for initiatives (đợt phát động): deadlines, fields, rubric, judges per submission."""

    __tablename__ = "initiative_call"
    __table_args__ = (
        CheckConstraint("judges_per_submission BETWEEN 1 AND 10", name="judges_per_submission"),
        CheckConstraint("cojudge_visibility IN ({})".format(
            ", ".join(f"'{v}'" for v in COJUDGE_VISIBILITY)), name="cojudge_visibility"),
        CheckConstraint("scoring IN ('points', 'weighted')", name="scoring"),
        CheckConstraint("third_judge_gap IS NULL OR third_judge_gap > 0", name="third_judge_gap"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(255))
    description: Mapped[str] = mapped_column(Text, default="")
    submission_deadline: Mapped[datetime]
    review_deadline: Mapped[datetime]
    fields: Mapped[list] = mapped_column(default=lambda: list(REFORM_FIELDS))
    judges_per_submission: Mapped[int] = mapped_column(default=2)
    # When a judge sees the co-judges' reviews: after the review deadline (default) or as soon
    # as their own review is in.
    cojudge_visibility: Mapped[str] = mapped_column(String(20), default=AFTER_REVIEW_DEADLINE)
    results_published_at: Mapped[datetime | None]
    # Participation quotas: the minimum of submitted initiatives expected from each unit and
    # from each block of units (None: no quota).
    min_per_unit: Mapped[int | None]
    min_per_block: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=now)
    # 'points' (each criterion out of its maximum, the total is the sum) or 'weighted'
    # (weights and 0–10 / 1–5 scales, on 100). Rows built without it keep the weighted model
    # of earlier calls; the call form offers 'points' first.
    scoring: Mapped[str] = mapped_column(String(10), default=WEIGHTED)
    # Ask another judge when two judges' totals differ by more than this (None: never).
    third_judge_gap: Mapped[float | None]

    criteria: Mapped[list[Criterion]] = relationship(
        order_by="Criterion.position", cascade="all, delete-orphan", back_populates="call"
    )

    @property
    def published(self) -> bool:
        return self.results_published_at is not None

    def open_for_submissions(self, now: datetime) -> bool:
        from .cycle import submissions_open

        return submissions_open(now, self.submission_deadline, self.published)
    @property
    def in_points(self) -> bool:
        return self.scoring == POINTS

    @property
    def total_max(self) -> int:
        """What a review totals at most: the sum of the maxima in points, else 100."""
        if self.in_points:
            return sum(c.max_points or 0 for c in self.criteria)
        return 100


class Criterion(db.Model):
    """One rubric criterion: a maximum in points with optional bands (calls scored in points),
    or a weight and a scale (0–10 or 1–5) for weighted calls."""

    __tablename__ = "initiative_criterion"
    __table_args__ = (
        CheckConstraint("weight > 0", name="weight_positive"),
        CheckConstraint("scale IN ('0-10', '1-5')", name="scale"),
        CheckConstraint("max_points IS NULL OR max_points BETWEEN 1 AND 1000", name="max_points"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(
        ForeignKey("initiative_call.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(String(1000), default="")
    weight: Mapped[int]
    scale: Mapped[str] = mapped_column(String(5), default="0-10")
    max_points: Mapped[int | None]
    # [[low, high, label], ...] from the highest band down (scoring.bands_to_json).
    bands: Mapped[list] = mapped_column(default=list)

    call: Mapped[InitiativeCall] = relationship(back_populates="criteria")

    @property
    def band_list(self):
        return bands_from_json(self.bands)

    @property
    def scale_min(self) -> int:
        return 0 if self.scale == "0-10" else 1

    @property
    def scale_max(self) -> int:
        return 10 if self.scale == "0-10" else 5


class Initiative(db.Model):
    """A submission (sáng kiến, giải pháp). `state` is what the author did; `decision` and
    `award` are the organiser's, shown to others only once the call's results are published."""

    __tablename__ = "initiative"
    __table_args__ = (
        CheckConstraint("state IN ('draft', 'submitted', 'withdrawn')", name="state"),
        CheckConstraint("decision IS NULL OR decision IN ('accepted', 'rejected', 'awarded')",
                        name="decision"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(
        ForeignKey("initiative_call.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    field: Mapped[str] = mapped_column(String(200))
    problem: Mapped[str] = mapped_column(Text)
    solution: Mapped[str] = mapped_column(Text)
    benefits: Mapped[str] = mapped_column(Text)
    applied_at: Mapped[str] = mapped_column(Text, default="")
    co_authors: Mapped[list] = mapped_column(default=list)
    state: Mapped[str] = mapped_column(String(12), default=DRAFT)
    submitted_at: Mapped[datetime | None]
    decision: Mapped[str | None] = mapped_column(String(12))
    award: Mapped[str | None] = mapped_column(String(60))
    decision_note: Mapped[str] = mapped_column(String(2000), default="")
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    # The organiser's redaction of the judge-visible text, kept apart from what the author
    # wrote: {field: {"text": shown to judges, "source": the author's text it was made from}}.
    judge_text: Mapped[dict | None]
    judge_text_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    judge_text_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=now)
    updated_at: Mapped[datetime] = mapped_column(default=now)

    call: Mapped[InitiativeCall] = relationship()
    author: Mapped[User] = relationship(foreign_keys=[author_id])
    files: Mapped[list[InitiativeFile]] = relationship(
        order_by="InitiativeFile.id", cascade="all, delete-orphan", back_populates="initiative"
    )


class InitiativeFile(db.Model):
    """An attachment stored as `<instance>/uploads/initiatives/<stored_name>` (the original, for
    the author and organisers) and `<judge_copy_name>` (without the metadata naming the author,
    the only copy judges download; None for files stored before copies were made)."""

    __tablename__ = "initiative_file"
    __table_args__ = (UniqueConstraint("stored_name"), UniqueConstraint("judge_copy_name"),
                      CheckConstraint("size > 0", name="size"))
    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(
        ForeignKey("initiative.id", ondelete="CASCADE"), index=True
    )
    original_name: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(8))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    judge_copy_name: Mapped[str | None] = mapped_column(String(64))
    judge_copy_size: Mapped[int | None]
    uploaded_at: Mapped[datetime] = mapped_column(default=now)

    initiative: Mapped[Initiative] = relationship(back_populates="files")


class ReviewAssignment(db.Model):
    """A judge asked to review a submission."""

    __tablename__ = "initiative_assignment"
    __table_args__ = (UniqueConstraint("initiative_id", "judge_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(
        ForeignKey("initiative.id", ondelete="CASCADE"), index=True
    )
    judge_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    assigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    automatic: Mapped[bool] = mapped_column(default=False)
    assigned_at: Mapped[datetime] = mapped_column(default=now)

    initiative: Mapped[Initiative] = relationship()
    judge: Mapped[User] = relationship(foreign_keys=[judge_id])


class ConflictOfInterest(db.Model):
    """A typed conflict between a judge and a submission, declared by the judge or set by an
    organiser (`declared_by_id`): the judge is never assigned to it again. Automatic conflicts
    (own unit, co-authorship) are computed, not stored (`conflicts.py`)."""

    __tablename__ = "initiative_conflict"
    __table_args__ = (UniqueConstraint("initiative_id", "judge_id"),
                      CheckConstraint("kind IN ({})".format(
                          ", ".join(f"'{k}'" for k in CONFLICT_KINDS)), name="kind"))
    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(
        ForeignKey("initiative.id", ondelete="CASCADE"), index=True
    )
    judge_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    reason: Mapped[str] = mapped_column(String(1000), default="")
    kind: Mapped[str] = mapped_column(String(20), default=OTHER)
    declared_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    declared_at: Mapped[datetime] = mapped_column(default=now)

    judge: Mapped[User] = relationship(foreign_keys=[judge_id])
    declared_by: Mapped[User | None] = relationship(foreign_keys=[declared_by_id])


class Review(db.Model):
    """A judge's scores ({criterion id: score}), total (sum of points, or weighted on 100) and
    comment.
    One per judge and submission."""

    __tablename__ = "initiative_review"
    __table_args__ = (UniqueConstraint("initiative_id", "judge_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(
        ForeignKey("initiative.id", ondelete="CASCADE"), index=True
    )
    judge_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    scores: Mapped[dict]
    total: Mapped[float]
    comment: Mapped[str] = mapped_column(Text)
    submitted_at: Mapped[datetime] = mapped_column(default=now)
    updated_at: Mapped[datetime] = mapped_column(default=now)

    judge: Mapped[User] = relationship()
