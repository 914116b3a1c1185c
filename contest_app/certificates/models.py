"""A contest's certificate design and the certificates issued (one per participant, round and
kind; the verification code is printed on the PDF and looked up by /xac-minh/<code>)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import now
from ..extensions import db
from ..quiz.models import Contest, Round

KIND_PARTICIPATION = "participation"
KIND_PRIZE = "prize"
KINDS = (KIND_PARTICIPATION, KIND_PRIZE)
# A prize in the contest-wide ranking: no round, no attempt (one per person and contest).
KIND_CONTEST_PRIZE = "contest_prize"


class CertificateTemplate(db.Model):
    """How a contest's certificates look. Empty texts fall back to the defaults in rules.py;
    `revision` grows on every change so cached PDFs made from an older design are not served."""

    __tablename__ = "certificate_template"
    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(
        ForeignKey("contest.id", ondelete="CASCADE"), unique=True)
    organiser_name: Mapped[str] = mapped_column(String(255), default="")
    heading: Mapped[str] = mapped_column(String(120), default="")
    participation_text: Mapped[str] = mapped_column(Text, default="")
    prize_text: Mapped[str] = mapped_column(Text, default="")
    signer_name: Mapped[str] = mapped_column(String(150), default="")
    signer_title: Mapped[str] = mapped_column(String(200), default="")
    # PNG bytes, re-encoded by Pillow at upload (no metadata kept).
    logo: Mapped[bytes | None] = mapped_column(LargeBinary)
    signature: Mapped[bytes | None] = mapped_column(LargeBinary)
    revision: Mapped[int] = mapped_column(default=1)
    updated_at: Mapped[datetime] = mapped_column(default=now)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))


class Certificate(db.Model):
    """An issued certificate: created once (the unique constraints make issuing idempotent);
    the name and result are those certified at issue time. Revoked ones stay, with why.
    A round's certificates name the round and the counting attempt; a contest-wide prize
    certificate (KIND_CONTEST_PRIZE) has neither."""

    __tablename__ = "certificate"
    __table_args__ = (
        UniqueConstraint("round_id", "user_id", "kind"),
        Index("uq_certificate_contest_wide", "contest_id", "user_id", unique=True,
              sqlite_where=text(f"kind = '{KIND_CONTEST_PRIZE}'"),
              postgresql_where=text(f"kind = '{KIND_CONTEST_PRIZE}'")),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    contest_id: Mapped[int] = mapped_column(ForeignKey("contest.id", ondelete="CASCADE"),
                                            index=True)
    round_id: Mapped[int | None] = mapped_column(ForeignKey("round.id", ondelete="CASCADE"))
    attempt_id: Mapped[int | None] = mapped_column(
        ForeignKey("attempt.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    kind: Mapped[str] = mapped_column(String(15))
    full_name: Mapped[str] = mapped_column(String(150))
    unit_name: Mapped[str] = mapped_column(String(255), default="")
    result: Mapped[str] = mapped_column(String(200))
    issued_at: Mapped[datetime] = mapped_column(default=now)
    revoked_at: Mapped[datetime | None]
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    revoked_reason: Mapped[str | None] = mapped_column(String(500))

    contest: Mapped[Contest] = relationship()
    round: Mapped[Round | None] = relationship()

    @property
    def contest_wide(self) -> bool:
        return self.kind == KIND_CONTEST_PRIZE

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None
