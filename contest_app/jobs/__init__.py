"""Background jobs: long work (publishing a ranking, backups, closing overdue attempts, e-mail
and certificate batches) leaves the request and runs on RQ workers over Redis.

The database row (`BackgroundJob`) is the truth; RQ only carries the row's id. A worker claims
a job by moving it from `queued` to `running` in one conditional UPDATE, so a job delivered
twice or picked by two workers runs once, and every job kind is written to be safe to run
again after a crash (each commits only complete steps). Without `REDIS_URL` (the embedded
default, and the tests) `submit` runs the job at once in the calling process, so `make run`
works alone and the organiser sees the same page either way.

    submit("publish_round", {"round_id": 5}, created_by=user.id,
           dedupe_key="publish_round:5")
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from .. import clock
from ..domain import DomainError
from ..extensions import db
from .models import DONE, FAILED, QUEUED, RUNNING, BackgroundJob

log = logging.getLogger("contest_app.jobs")

JobFunction = Callable[..., "dict[str, Any] | None"]


@dataclass(frozen=True)
class JobKind:
    name: str
    label: object  # lazy Vietnamese label shown to organisers
    function: JobFunction


KINDS: dict[str, JobKind] = {}


def job_kind(name: str, label: object) -> Callable[[JobFunction], JobFunction]:
    """Register a job function `f(ctx: JobContext, **params) -> dict | None` under `name`."""

    def register(function: JobFunction) -> JobFunction:
        KINDS[name] = JobKind(name, label, function)
        return function

    return register


class JobContext:
    """What a running job may use: the session and a way to report progress. `checkpoint`
    commits the session, so call it only between complete steps."""

    def __init__(self, session: Session, job_id: int) -> None:
        self.session = session
        self.job_id = job_id

    def checkpoint(self, progress: int, message: str | None = None) -> None:
        self.session.execute(update(BackgroundJob).where(BackgroundJob.id == self.job_id)
                             .values(progress=max(0, min(99, int(progress))),
                                     message=message))
        self.session.commit()


def queue_enabled() -> bool:
    return bool(current_app.config.get("REDIS_URL")) and not current_app.config.get(
        "JOBS_INLINE")


def redis_connection():  # -> redis.Redis
    from redis import Redis

    return Redis.from_url(current_app.config["REDIS_URL"])


def rq_queue():  # -> rq.Queue
    from rq import Queue

    return Queue(current_app.config.get("JOBS_QUEUE", "cchc"), connection=redis_connection())


def submit(kind: str, params: dict[str, Any] | None = None, *, created_by: int | None = None,
           dedupe_key: str | None = None, session: Session | None = None) -> BackgroundJob:
    """Queue a job and return its row (committed). With `dedupe_key`, a job with the same key
    still queued or running is returned instead of a second one. Without a queue the job has
    already run when this returns."""
    if kind not in KINDS:
        raise KeyError(kind)
    session = session or db.session
    if dedupe_key:
        existing = session.scalar(
            select(BackgroundJob).where(BackgroundJob.dedupe_key == dedupe_key,
                                        BackgroundJob.status.in_((QUEUED, RUNNING)))
            .order_by(BackgroundJob.id.desc()).limit(1))
        if existing is not None:
            return existing
    job = BackgroundJob(kind=kind, params=dict(params or {}), status=QUEUED,
                        dedupe_key=dedupe_key, created_by=created_by, created_at=clock.now())
    session.add(job)
    session.commit()
    if queue_enabled():
        _enqueue(job.id)
    else:
        run(job.id, session)
        session.refresh(job)
    return job


def _enqueue(job_id: int) -> None:
    rq_queue().enqueue("contest_app.jobs.rq_entry", job_id, job_id=f"cchc-{job_id}",
                       job_timeout=int(current_app.config.get("JOBS_TIMEOUT", 3600)),
                       result_ttl=3600, failure_ttl=86400)


def rq_entry(job_id: int) -> str | None:
    """What RQ calls on the worker (inside the app context `flask jobs worker` pushed)."""
    job = run(job_id)
    return job.status if job is not None else None


def run(job_id: int, session: Session | None = None) -> BackgroundJob | None:
    """Claim and run one job. Returns None when the job was not queued any more (another
    worker has it, or it is finished): running a job twice is a no-op."""
    session = session or db.session
    claimed = session.execute(
        update(BackgroundJob)
        .where(BackgroundJob.id == job_id, BackgroundJob.status == QUEUED)
        .values(status=RUNNING, started_at=clock.now(), progress=0,
                attempts=BackgroundJob.attempts + 1)
        .execution_options(synchronize_session=False)).rowcount
    session.commit()
    if not claimed:
        return None
    job = session.get(BackgroundJob, job_id, populate_existing=True)
    assert job is not None
    kind = KINDS.get(job.kind)
    try:
        if kind is None:
            raise LookupError(f"unknown job kind {job.kind!r}")
        result = kind.function(JobContext(session, job_id), **job.params)
        session.commit()
    except Exception as err:  # noqa: BLE001 - a failed job is recorded, never lost
        session.rollback()
        if not isinstance(err, DomainError):
            log.exception("job %s (%s) failed", job_id, job.kind if job else "?")
        _finish(session, job_id, FAILED, error=describe_error(err))
    else:
        _finish(session, job_id, DONE, result=result or {})
    return session.get(BackgroundJob, job_id, populate_existing=True)


def _finish(session: Session, job_id: int, status: str, result: dict | None = None,
            error: str | None = None) -> None:
    session.execute(update(BackgroundJob).where(BackgroundJob.id == job_id).values(
        status=status, result=result, error=error, finished_at=clock.now(),
        progress=100 if status == DONE else BackgroundJob.progress)
        .execution_options(synchronize_session=False))
    session.commit()


def describe_error(err: Exception) -> str:
    """A message an organiser can act on: the domain's own Vietnamese message, or a generic
    one (the details are in the log)."""
    from ..errors import ERRORS

    if isinstance(err, DomainError):
        fields = "; ".join(str(m) for m in (err.fields or {}).values())
        return fields or str(ERRORS.get(err.code, (400, err.detail or err.code))[1])
    from flask_babel import gettext as _

    return _("Lỗi hệ thống khi chạy công việc; chi tiết đã được ghi vào nhật ký máy chủ.")


def requeue_stale(session: Session, now: datetime, older_than: timedelta,
                  max_attempts: int = 3) -> list[int]:
    """Jobs left `running` by a worker that died: put back in the queue (or failed after
    `max_attempts`). Returns the ids put back."""
    stale = session.scalars(
        select(BackgroundJob.id).where(BackgroundJob.status == RUNNING,
                                       BackgroundJob.started_at < now - older_than)).all()
    again = []
    for job_id in stale:
        job = session.get(BackgroundJob, job_id, populate_existing=True)
        if job is None or job.status != RUNNING:
            continue
        if job.attempts >= max_attempts:
            job.status, job.finished_at = FAILED, now
            from flask_babel import gettext as _

            job.error = _("Công việc bị gián đoạn nhiều lần và đã dừng.")
        else:
            job.status = QUEUED
            again.append(job_id)
    session.commit()
    if queue_enabled():
        for job_id in again:
            _enqueue(job_id)
    return again


def output_dir(job_id: int) -> Path:
    """Where a job writes the file it makes (an export), under the shared INSTANCE_PATH so
    the instance serving the download finds what a worker wrote elsewhere."""
    folder = Path(current_app.instance_path) / "jobs" / str(int(job_id))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def latest(session: Session, dedupe_key: str) -> BackgroundJob | None:
    """The most recent job submitted with `dedupe_key` (for the page that started it)."""
    return session.scalar(select(BackgroundJob).where(BackgroundJob.dedupe_key == dedupe_key)
                          .order_by(BackgroundJob.id.desc()).limit(1))


from . import tasks  # noqa: E402,F401  (register the job kinds)
