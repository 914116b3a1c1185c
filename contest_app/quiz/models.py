"""Contest, board, round, blueprint, participation, attempt and attempt item tables."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    ForeignKey,
    Index,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    false,
    or_,
    select,
    text,
)
from sqlalchemy import event as sa_event
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from ..clock import now
from ..extensions import db

ROUND_OFFICIAL = "official"
ROUND_PRACTICE = "practice"
COUNTING = ("best", "first", "last")
REVEAL = ("after_submit", "after_close", "never")
PREDICTION_KINDS = ("full_marks", "participants")

ATTEMPT_IN_PROGRESS = "in_progress"
ATTEMPT_SUBMITTED = "submitted"
ATTEMPT_VOIDED = "voided"  # reset by an organiser (with a reason): does not count, frees a try
ATTEMPT_EXPIRED = "expired"  # closed by the server at the deadline, scored with what was saved

DEFAULT_TIE_BREAKS = ["prediction", "duration", "submitted_at"]


class Contest(db.Model):
    __tablename__ = "contest"
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(255))
    # The short link /c/<slug>: made from the title when the contest is first saved (see
    # _fill_contest_slugs), never changed afterwards, so printed QR codes keep working.
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    rules_text: Mapped[str] = mapped_column(Text, default="")
    published: Mapped[bool] = mapped_column(default=True)
    # Ranking settings (issue: rankings): tie-break chain after score, contest-wide mode.
    tie_breaks: Mapped[list] = mapped_column(default=lambda: list(DEFAULT_TIE_BREAKS))
    overall_mode: Mapped[str] = mapped_column(String(10), default="sum")
    unit_settings: Mapped[dict] = mapped_column(default=dict)
    # Eligibility.
    min_age: Mapped[int | None]
    require_cccd: Mapped[bool] = mapped_column(default=False)
    # Joining asks for the date of birth (needed for the award decision) even without min_age.
    collect_birth_date: Mapped[bool] = mapped_column(default=False, server_default=false())
    # "Cấp giấy chứng nhận tham gia": participation certificates (see certificates/rules.py).
    certificates: Mapped[bool] = mapped_column(default=False, server_default=false())
    # What prize winners are told to bring or do (the winners' e-mail), written by the organiser.
    winner_instructions: Mapped[str] = mapped_column(Text, default="", server_default="")
    # The contest's look (quiz/branding.py): colours checked against white text for WCAG AA,
    # and a re-encoded banner stored under a generated name (None: the site's defaults).
    theme_primary: Mapped[str | None] = mapped_column(String(7))
    theme_accent: Mapped[str | None] = mapped_column(String(7))
    banner_name: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=now)

    boards: Mapped[list[Board]] = relationship(
        order_by="Board.position", cascade="all, delete-orphan", back_populates="contest"
    )
    rounds: Mapped[list[Round]] = relationship(
        order_by="Round.position, Round.opens_at", cascade="all, delete-orphan",
        back_populates="contest",
    )


class Board(db.Model):
    """An audience of a contest (bảng) with its own blueprint, ranking and prizes."""

    __tablename__ = "board"
    __table_args__ = (UniqueConstraint("contest_id", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(ForeignKey("contest.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(default=0)
    # Who may join: None for anyone, else one of accounts.models.KINDS ("official", "citizen").
    allowed_kind: Mapped[str | None] = mapped_column(String(10))

    contest: Mapped[Contest] = relationship(back_populates="boards")


class Participation(db.Model):
    """A participant's membership of a contest (and board); holds the encrypted CCCD."""

    __tablename__ = "participation"
    __table_args__ = (
        UniqueConstraint("contest_id", "user_id"),
        UniqueConstraint("contest_id", "cccd_hash"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(ForeignKey("contest.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    board_id: Mapped[int | None] = mapped_column(ForeignKey("board.id"))
    joined_at: Mapped[datetime] = mapped_column(default=now)
    cccd_cipher: Mapped[bytes | None] = mapped_column(LargeBinary)
    cccd_hash: Mapped[str | None] = mapped_column(String(64))


class Round(db.Model):
    """A round (đợt/tuần thi) or a practice round of a contest."""

    __tablename__ = "round"
    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(
        ForeignKey("contest.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(10), default=ROUND_OFFICIAL)
    title: Mapped[str] = mapped_column(String(255))
    position: Mapped[int] = mapped_column(default=0)
    opens_at: Mapped[datetime | None]
    closes_at: Mapped[datetime | None]
    question_count: Mapped[int]
    time_limit_s: Mapped[int]
    max_attempts: Mapped[int | None]  # None: unlimited
    counting: Mapped[str] = mapped_column(String(10), default="best")
    reveal: Mapped[str] = mapped_column(String(15), default="after_submit")
    prediction_kind: Mapped[str | None] = mapped_column(String(15))
    # The prediction question's wording shown to participants (None: the kind's default text).
    prediction_text: Mapped[str | None] = mapped_column(String(500))
    prediction_actual: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=now)

    # When finished attempts were last scored again with corrected keys: a ranking published
    # before it needs publishing again.
    regraded_at: Mapped[datetime | None]

    contest: Mapped[Contest] = relationship(back_populates="rounds")
    blueprint: Mapped[list[BlueprintLine]] = relationship(
        cascade="all, delete-orphan", order_by="BlueprintLine.id"
    )

    @property
    def is_practice(self) -> bool:
        return self.kind == ROUND_PRACTICE


class BlueprintLine(db.Model):
    """How many questions to draw from a topic and difficulty (None: any), optionally per board."""

    __tablename__ = "blueprint_line"
    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(
        ForeignKey("round.id", ondelete="CASCADE"), index=True
    )
    board_id: Mapped[int | None] = mapped_column(ForeignKey("board.id", ondelete="CASCADE"))
    topic_id: Mapped[int | None] = mapped_column(ForeignKey("topic.id"))
    difficulty: Mapped[str | None] = mapped_column(String(10))
    count: Mapped[int]


class ExtraTime(db.Model):
    """Extra minutes granted to one participant in one round (an accommodation)."""

    __tablename__ = "extra_time"
    __table_args__ = (UniqueConstraint("round_id", "user_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    seconds: Mapped[int]
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    granted_at: Mapped[datetime] = mapped_column(default=now)


class Attempt(db.Model):
    __tablename__ = "attempt"
    __table_args__ = (
        UniqueConstraint("round_id", "user_id", "number"),
        # At most one attempt in progress per participant and round, enforced by the database.
        Index(
            "uq_attempt_one_in_progress",
            "round_id",
            "user_id",
            unique=True,
            sqlite_where=text("status = 'in_progress'"),
            postgresql_where=text("status = 'in_progress'"),
        ),
        Index("ix_attempt_round_status", "round_id", "status"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    board_id: Mapped[int | None] = mapped_column(ForeignKey("board.id"))
    number: Mapped[int]
    seed: Mapped[int]
    status: Mapped[str] = mapped_column(String(12), default=ATTEMPT_IN_PROGRESS)
    started_at: Mapped[datetime]
    deadline: Mapped[datetime]
    submitted_at: Mapped[datetime | None]
    score: Mapped[int | None]
    max_score: Mapped[int]
    duration_ms: Mapped[int | None]
    prediction: Mapped[int | None]
    # Extra seconds granted to this participant (copied from ExtraTime): they also extend the
    # round's closing time for this attempt, so the deadline cap can be checked in one UPDATE.
    extra_s: Mapped[int] = mapped_column(default=0, server_default=text("0"))
    # Hash of the browser's device mark when started from a browser (suspicious-entry review).
    device_hash: Mapped[str | None] = mapped_column(String(64))

    round: Mapped[Round] = relationship()
    items: Mapped[list[AttemptItem]] = relationship(
        order_by="AttemptItem.position", cascade="all, delete-orphan"
    )

    @property
    def effective_deadline(self) -> datetime:
        """The deadline as enforced now: capped by the round's current closing time."""
        from . import rules

        rnd = self.round
        closes = None if rnd.kind == ROUND_PRACTICE else rnd.closes_at
        return rules.effective_deadline(self.deadline, closes, self.extra_s)


class AttemptItem(db.Model):
    """One drawn question of an attempt, frozen: version, option order, and the answer given."""

    __tablename__ = "attempt_item"
    __table_args__ = (
        UniqueConstraint("attempt_id", "question_id"),
        UniqueConstraint("attempt_id", "position"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempt.id", ondelete="CASCADE"))
    position: Mapped[int]
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id"))
    version_id: Mapped[int] = mapped_column(ForeignKey("question_version.id"), index=True)
    # Display order as original option indexes: the option shown n-th (id n) is option_order[n-1].
    option_order: Mapped[list]
    # Copies of the version's immutable shape so that saving an answer is a single UPDATE.
    option_count: Mapped[int]
    multiple: Mapped[bool] = mapped_column(default=False)
    chosen: Mapped[list | None]  # original option indexes
    answered_at: Mapped[datetime | None]

    version = relationship("QuestionVersion", lazy="joined")


class FraudDismissal(db.Model):
    """An organiser looked at a suspicious-entry finding and found nothing wrong (with why)."""

    __tablename__ = "fraud_dismissal"
    __table_args__ = (UniqueConstraint("round_id", "finding_key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id", ondelete="CASCADE"))
    finding_key: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(String(500))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=now)


@sa_event.listens_for(Session, "before_flush")
def _fill_contest_slugs(session: Session, flush_context, instances) -> None:
    """Every new contest without a slug gets one from its title (rules.slug_base), with a
    numeric suffix when another contest, saved or in this flush, already has it."""
    from .rules import slug_base, unique_slug

    new = [obj for obj in session.new if isinstance(obj, Contest) and not obj.slug]
    if not new:
        return
    assigned = {obj.slug for obj in session.new if isinstance(obj, Contest) and obj.slug}
    for contest in new:
        base = slug_base(contest.title or "")
        with session.no_autoflush:
            taken = set(session.scalars(select(Contest.slug).where(
                or_(Contest.slug == base, Contest.slug.like(base + "-%")))))
        contest.slug = unique_slug(base, taken | assigned)
        assigned.add(contest.slug)
