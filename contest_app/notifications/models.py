"""The notifications' sent-log and per-kind opt-outs."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..clock import now
from ..extensions import db


class NotificationSent(db.Model):
    """One notification of `kind` about `object_key` (e.g. "round:12") sent to a user: the
    unique constraint makes a rerun (or two workers at once) send nothing twice."""

    __tablename__ = "notification_sent"
    __table_args__ = (UniqueConstraint("user_id", "kind", "object_key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(30))
    object_key: Mapped[str] = mapped_column(String(60))
    sent_at: Mapped[datetime] = mapped_column(default=now)


class NotificationOptOut(db.Model):
    """A user who asked for no more e-mails of `kind` (one-click link or preferences page)."""

    __tablename__ = "notification_opt_out"
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(30), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=now)
