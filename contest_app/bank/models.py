"""Question bank tables: topics, questions and their immutable versions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import now
from ..extensions import db

DIFFICULTIES = ("easy", "medium", "hard")
STATUSES = ("draft", "approved", "retired")
CONFIDENCES = ("primary", "secondary")
POOL_OFFICIAL, POOL_PRACTICE = "official", "practice"
POOLS = (POOL_OFFICIAL, POOL_PRACTICE)


class Topic(db.Model):
    __tablename__ = "topic"
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(default=0)


class Question(db.Model):
    """A question's stable identity. Its content lives in versions."""

    __tablename__ = "question"
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(40), unique=True)  # the bank's stable id
    topic_id: Mapped[int] = mapped_column(ForeignKey("topic.id"), index=True)
    difficulty: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(10), default="draft", index=True)
    current_version: Mapped[int] = mapped_column(default=1)
    # Which rounds may draw it (official or practice rounds) and its draw group: two questions
    # of one group are never drawn into the same attempt. Metadata, not versioned content.
    pool: Mapped[str] = mapped_column(String(10), default=POOL_OFFICIAL, index=True)
    draw_group: Mapped[str] = mapped_column(String(40), default="")
    search_text: Mapped[str] = mapped_column(Text, default="")  # unaccented, lower-case
    created_at: Mapped[datetime] = mapped_column(default=now)
    updated_at: Mapped[datetime] = mapped_column(default=now)

    topic: Mapped[Topic] = relationship(lazy="joined")
    versions: Mapped[list[QuestionVersion]] = relationship(
        back_populates="question", order_by="QuestionVersion.number"
    )


class QuestionVersion(db.Model):
    """Immutable content of one version of a question; attempts point here."""

    __tablename__ = "question_version"
    __table_args__ = (UniqueConstraint("question_id", "number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id"), index=True)
    number: Mapped[int]
    text: Mapped[str] = mapped_column(Text)
    options: Mapped[list]  # list[str]
    correct: Mapped[list]  # list[int], 0-based indexes into options
    multiple: Mapped[bool] = mapped_column(default=False)
    weight: Mapped[int] = mapped_column(default=1)
    explanation: Mapped[str] = mapped_column(Text, default="")
    legal_basis: Mapped[str] = mapped_column(String(500), default="")
    facts: Mapped[list] = mapped_column(default=list)
    confidence: Mapped[str] = mapped_column(String(10), default="secondary")
    content_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=now)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    approved_at: Mapped[datetime | None]
    # The approver ticked that the legal check (key, explanation, legal basis) was done.
    legal_checked: Mapped[bool] = mapped_column(default=False, server_default=false())

    question: Mapped[Question] = relationship(back_populates="versions")
