"""Documents attached to a contest: the rules (thể lệ) and reference legal texts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from ..clock import now
from ..extensions import db

DOC_RULES = "rules"
DOC_LEGAL = "legal"
DOC_KINDS = (DOC_RULES, DOC_LEGAL)


class ContestDocument(db.Model):
    """A PDF or DOCX file stored under <instance>/uploads/contest-docs/ with a generated name."""

    __tablename__ = "contest_document"
    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(
        ForeignKey("contest.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(10), default=DOC_LEGAL)
    title: Mapped[str] = mapped_column(String(255))
    original_name: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    size: Mapped[int]
    content_type: Mapped[str] = mapped_column(String(100))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    uploaded_at: Mapped[datetime] = mapped_column(default=now)
