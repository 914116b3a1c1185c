"""A background job as the organiser sees it: what, who asked, progress and result."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..clock import now
from ..extensions import db

QUEUED = "queued"
RUNNING = "running"
DONE = "done"
FAILED = "failed"
STATUSES = (QUEUED, RUNNING, DONE, FAILED)


class BackgroundJob(db.Model):
    """One run of a job kind. The row is the truth (RQ only carries its id): a worker claims
    it by moving it from `queued` to `running` in one UPDATE, so a job delivered twice, or to
    two workers, runs once. `dedupe_key` makes submitting the same work twice return the job
    already queued or running (e.g. two clicks on "Công bố")."""

    __tablename__ = "background_job"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40), index=True)
    params: Mapped[dict]
    status: Mapped[str] = mapped_column(String(10), default=QUEUED, index=True)
    progress: Mapped[int] = mapped_column(default=0)
    message: Mapped[str | None] = mapped_column(String(300))
    result: Mapped[dict | None]
    error: Mapped[str | None] = mapped_column(Text)
    dedupe_key: Mapped[str | None] = mapped_column(String(120), index=True)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=now)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(default=0)

    @property
    def finished(self) -> bool:
        return self.status in (DONE, FAILED)
