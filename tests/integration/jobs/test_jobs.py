"""Background jobs: claimed once, failures recorded with a message an organiser can act on,
deduplicated submissions, the organiser's job page, and (with Redis) a real RQ queue."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from contest_app import jobs
from contest_app.domain import ValidationFailed
from contest_app.extensions import db
from contest_app.jobs.cli import schedule_tick
from contest_app.jobs.models import DONE, FAILED, QUEUED, RUNNING, BackgroundJob
from contest_app.quiz.models import Attempt
from tests import factories

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
ROOT = Path(__file__).resolve().parents[3]

calls: list[int] = []


@jobs.job_kind("test_count", "test")
def _count(ctx, value: int) -> dict:
    calls.append(value)
    return {"value": value}


@jobs.job_kind("test_domain_error", "test")
def _domain_error(ctx) -> None:
    raise ValidationFailed(reason="Lý do không được để trống.")


@jobs.job_kind("test_crash", "test")
def _crash(ctx) -> None:
    raise RuntimeError("boom: internal detail")


def _redis_available() -> bool:
    try:
        from redis import Redis

        return bool(Redis.from_url(REDIS_URL, socket_timeout=1).ping())
    except Exception:  # noqa: BLE001
        return False


needs_redis = pytest.mark.skipif(not _redis_available(), reason="Redis not reachable")


@pytest.fixture
def queue_app(app):
    """The app with a real RQ queue of its own name on the local Redis."""
    name = f"test-{uuid.uuid4().hex[:8]}"
    old = {k: app.config.get(k) for k in ("REDIS_URL", "JOBS_QUEUE")}
    app.config.update(REDIS_URL=REDIS_URL, JOBS_QUEUE=name)
    yield app
    with app.app_context():
        redis = jobs.redis_connection()
        for key in redis.scan_iter(f"*{name}*"):
            redis.delete(key)
    app.config.update(old)


def test_inline_job_runs_once_and_records_result(app_ctx) -> None:
    calls.clear()
    job = jobs.submit("test_count", {"value": 7})
    assert job.status == DONE and job.progress == 100 and job.result == {"value": 7}
    assert jobs.run(job.id) is None  # delivered again: not run again
    assert calls == [7]


def test_domain_failure_keeps_the_domain_message(app_ctx) -> None:
    job = jobs.submit("test_domain_error")
    assert job.status == FAILED
    assert job.error == "Lý do không được để trống."


def test_crash_is_recorded_without_internal_detail(app_ctx) -> None:
    job = jobs.submit("test_crash")
    assert job.status == FAILED
    assert "boom" not in job.error and "nhật ký" in job.error


def test_dedupe_returns_the_job_still_waiting(app_ctx) -> None:
    waiting = BackgroundJob(kind="test_count", params={"value": 1}, status=QUEUED,
                            dedupe_key="k", created_at=datetime.now(UTC))
    db.session.add(waiting)
    db.session.commit()
    assert jobs.submit("test_count", {"value": 2}, dedupe_key="k").id == waiting.id
    assert db.session.scalar(select(func.count()).select_from(BackgroundJob)) == 1


def test_stale_running_job_is_put_back_then_given_up(app_ctx) -> None:
    now = datetime.now(UTC)
    job = BackgroundJob(kind="test_count", params={"value": 3}, status=RUNNING, attempts=1,
                        created_at=now, started_at=now - timedelta(hours=1))
    db.session.add(job)
    db.session.commit()
    assert jobs.requeue_stale(db.session, now, timedelta(minutes=30)) == [job.id]
    assert db.session.get(BackgroundJob, job.id, populate_existing=True).status == QUEUED
    job.status, job.attempts, job.started_at = RUNNING, 3, now - timedelta(hours=1)
    db.session.commit()
    assert jobs.requeue_stale(db.session, now, timedelta(minutes=30)) == []
    given_up = db.session.get(BackgroundJob, job.id, populate_existing=True)
    assert given_up.status == FAILED
    assert given_up.error == "Công việc bị gián đoạn nhiều lần và đã dừng."


def test_job_page_is_for_organisers_only(app, client, login_as, make_user) -> None:
    from tests.conftest import login

    with app.app_context():
        job_id = jobs.submit("test_count", {"value": 1}).id
    anonymous = app.test_client().get(f"/ban-to-chuc/cong-viec/{job_id}")
    assert anonymous.status_code == 302 and "dang-nhap" in anonymous.location
    participant = app.test_client()
    login(participant, make_user().email)
    assert participant.get(f"/ban-to-chuc/cong-viec/{job_id}").status_code == 403
    assert participant.get(f"/ban-to-chuc/cong-viec/{job_id}.json").status_code == 403
    login_as("organiser")
    page = client.get(f"/ban-to-chuc/cong-viec/{job_id}")
    assert page.status_code == 200 and "Đã xong" in page.get_data(as_text=True)
    status = client.get(f"/ban-to-chuc/cong-viec/{job_id}.json").get_json()
    assert status["status"] == DONE and status["finished"] is True
    assert client.get("/ban-to-chuc/cong-viec/999999").status_code == 404


@needs_redis
def test_queued_job_waits_for_a_worker(queue_app) -> None:
    from rq import SimpleWorker

    calls.clear()
    with queue_app.app_context():
        job = jobs.submit("test_count", {"value": 5})
        assert job.status == QUEUED and calls == []
        SimpleWorker([jobs.rq_queue()], connection=jobs.redis_connection()).work(burst=True)
        done = db.session.get(BackgroundJob, job.id, populate_existing=True)
        assert done.status == DONE and done.result == {"value": 5} and calls == [5]


@needs_redis
def test_publish_through_the_queue_shows_progress_page(queue_app, client, login_as,
                                                       clock) -> None:
    with queue_app.app_context():
        contest = factories.contest(db.session)
        rnd = factories.round_(db.session, contest, clock.now(), closes_delta=timedelta(
            hours=-1), opens_delta=timedelta(days=-2))
        db.session.commit()
        round_id = rnd.id
    login_as("organiser")
    page = client.get(f"/ban-to-chuc/xep-hang/vong-thi/{round_id}")
    from tests.conftest import CSRF_RE

    token = CSRF_RE.search(page.get_data(as_text=True)).group(1)
    response = client.post(f"/ban-to-chuc/xep-hang/vong-thi/{round_id}/cong-bo",
                           data={"csrf_token": token, "confirm": "yes"})
    assert response.status_code == 302 and "/ban-to-chuc/cong-viec/" in response.location
    assert "Đang chờ" in client.get(response.location).get_data(as_text=True)
    again = client.post(f"/ban-to-chuc/xep-hang/vong-thi/{round_id}/cong-bo",
                        data={"csrf_token": token, "confirm": "yes"})
    assert again.location == response.location  # a second click joins the same job
    from rq import SimpleWorker

    with queue_app.app_context():
        SimpleWorker([jobs.rq_queue()], connection=jobs.redis_connection()).work(burst=True)
    body = client.get(response.location).get_data(as_text=True)
    assert "Đã xong" in body and f"/xep-hang/vong-thi/{round_id}" in body


@needs_redis
def test_schedule_submits_once_per_minute_across_workers(queue_app) -> None:
    epoch = 1_900_000_020.0
    assert schedule_tick(queue_app, epoch) == ["close_overdue", "notify_due"]
    assert schedule_tick(queue_app, epoch + 10) == []  # another worker, same minute
    assert schedule_tick(queue_app, epoch + 60) == ["close_overdue", "notify_due"]
    with queue_app.app_context():
        kinds = sorted(db.session.scalars(select(BackgroundJob.kind)).all())
        # no worker ran the first ones yet: the next minute's tick joins them, never piles up
        assert kinds == ["close_overdue", "notify_due"]


@needs_redis
def test_two_workers_close_each_overdue_attempt_once(queue_app, app, make_user, database_url,
                                                     tmp_path) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("several writers at once: PostgreSQL (production); SQLite has one writer")
    now = datetime.now(UTC)
    with app.app_context():
        contest = factories.contest(db.session)
        rnd = factories.round_(db.session, contest, now, opens_delta=timedelta(days=-1))
        users = [make_user() for _ in range(40)]
        for user in users:
            db.session.add(Attempt(round_id=rnd.id, user_id=user.id, number=1, seed=1,
                                   status="in_progress", started_at=now - timedelta(hours=2),
                                   deadline=now - timedelta(hours=1), max_score=5))
        db.session.commit()
        round_id = rnd.id
        first = jobs.submit("close_overdue")
        second = jobs.submit("close_overdue")
        assert first.status == second.status == QUEUED
    env = {**os.environ, "CONTEST_ENV": "development", "DATABASE_URL": database_url,
           "REDIS_URL": REDIS_URL, "JOBS_QUEUE": app.config["JOBS_QUEUE"],
           "INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "k" * 8 + uuid.uuid4().hex,
           "DATA_KEY": "d" * 8 + uuid.uuid4().hex}
    command = [sys.executable, "-m", "flask", "--app", "contest_app", "jobs", "worker",
               "--burst"]
    workers = [subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT) for _ in range(2)]
    outputs = [w.communicate(timeout=120)[0].decode() for w in workers]
    assert all(w.returncode == 0 for w in workers), outputs
    with app.app_context():
        done = db.session.scalars(select(BackgroundJob).where(
            BackgroundJob.id.in_((first.id, second.id)))).all()
        assert [j.status for j in done] == [DONE, DONE], [j.error for j in done]
        assert sum(j.result["closed"] for j in done) == 40
        statuses = db.session.scalars(select(Attempt.status).where(
            Attempt.round_id == round_id)).all()
        assert len(statuses) == 40 and "in_progress" not in statuses


def test_backup_now_from_the_dashboard(app, client, login_as, tmp_path) -> None:
    from tests.conftest import CSRF_RE

    app.config["BACKUP_DIR"] = str(tmp_path)
    try:
        login_as("organiser")
        page = client.get("/ban-to-chuc/").get_data(as_text=True)
        assert "Sao lưu ngay" in page
        token = CSRF_RE.search(page).group(1)
        response = client.post("/ban-to-chuc/cong-viec/sao-luu", data={"csrf_token": token})
        assert response.status_code == 302
        body = client.get(response.location).get_data(as_text=True)
        assert "Đã xong" in body, body[-2000:]
        assert len(list(tmp_path.iterdir())) == 1
    finally:
        app.config["BACKUP_DIR"] = None


@needs_redis
def test_export_through_the_queue_offers_the_file(queue_app, client, login_as, clock) -> None:
    from rq import SimpleWorker

    from contest_app.rankings import services as rankings

    with queue_app.app_context():
        contest = factories.contest(db.session)
        rnd = factories.round_(db.session, contest, clock.now(), closes_delta=timedelta(
            hours=-1), opens_delta=timedelta(days=-2))
        db.session.commit()
        rankings.publish_round(db.session, None, rnd, clock.now())
        db.session.commit()
        round_id = rnd.id
    login_as("organiser")
    response = client.get(f"/ban-to-chuc/xep-hang/vong-thi/{round_id}/xuat/ca-nhan.xlsx")
    assert response.status_code == 302 and "/ban-to-chuc/cong-viec/" in response.location
    with queue_app.app_context():
        SimpleWorker([jobs.rq_queue()], connection=jobs.redis_connection()).work(burst=True)
    page = client.get(response.location).get_data(as_text=True)
    assert "Đã xong" in page and "/tep" in page
    file = client.get(response.location + "/tep")
    assert file.status_code == 200 and file.data[:2] == b"PK"
    assert "xep-hang-ca-nhan" in file.headers["Content-Disposition"]
