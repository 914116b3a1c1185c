"""What must hold when several stateless instances serve one site (issue: past one machine).
The last test kills instance A; the tests before it use both."""

from __future__ import annotations

import itertools
import re
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
import requests
from sqlalchemy import func, insert, select

from tests import factories

from .conftest import PASSWORD, Cluster

pytestmark = pytest.mark.cluster
_emails = itertools.count(1)


def _with_db(cluster: Cluster):
    from contest_app.extensions import db

    ctx = cluster.app.app_context()
    ctx.push()
    return ctx, db


def _user(cluster: Cluster, roles: set[str] | None = None) -> str:
    from contest_app.accounts.models import Unit
    from contest_app.accounts.services import create_user

    ctx, db = _with_db(cluster)
    try:
        n = next(_emails)
        unit = db.session.scalar(select(Unit).limit(1))
        if unit is None:
            unit = Unit(name="Sở Nội vụ")
            db.session.add(unit)
            db.session.flush()
        user = create_user(db.session, email=f"cum{n}-{uuid.uuid4().hex[:6]}@example.vn",
                           full_name=f"Người thi cụm {n}", phone=f"07{n:08d}",
                           password=PASSWORD, unit_id=unit.id, roles=roles or set())
        db.session.commit()
        return user.email
    finally:
        db.session.remove()
        ctx.pop()


@pytest.fixture(scope="module")
def open_round(cluster: Cluster) -> int:
    ctx, db = _with_db(cluster)
    try:
        factories.bank(db.session, 12)
        contest = factories.contest(db.session, title="Cuộc thi chạy cụm")
        rnd = factories.round_(db.session, contest, datetime.now(UTC), question_count=5,
                               time_limit_s=1800, max_attempts=1)
        db.session.commit()
        return rnd.id
    finally:
        db.session.remove()
        ctx.pop()


def _auth(token: str, address: str = "10.0.0.1") -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", "X-Forwarded-For": address}


def test_an_attempt_survives_alternating_instances(cluster: Cluster, open_round: int) -> None:
    headers = _auth(cluster.token(_user(cluster)))
    start = requests.post(f"{cluster.a}/api/v1/rounds/{open_round}/attempts",
                          headers=headers, timeout=10)
    assert start.status_code == 201, start.text
    attempt = start.json()
    chosen = {}
    for i, question in enumerate(attempt["questions"]):
        base = (cluster.a, cluster.b)[i % 2]
        option = question["options"][i % len(question["options"])]["id"]
        saved = requests.put(
            f"{base}/api/v1/attempts/{attempt['id']}/answers/{question['id']}",
            json={"option_ids": [option]}, headers=headers, timeout=10)
        assert saved.status_code == 200, saved.text
        chosen[str(question["id"])] = [option]
    for base in (cluster.a, cluster.b):
        resumed = requests.post(f"{base}/api/v1/rounds/{open_round}/attempts",
                                headers=headers, timeout=10)
        assert resumed.status_code == 200 and resumed.json()["id"] == attempt["id"]
        assert resumed.json()["answers"] == chosen
    submitted = requests.post(f"{cluster.b}/api/v1/attempts/{attempt['id']}/submission",
                              headers=headers, timeout=10)
    assert submitted.status_code == 200, submitted.text
    assert requests.get(f"{cluster.a}/api/v1/attempts/{attempt['id']}", headers=headers,
                        timeout=10).json()["status"] == "submitted"


def test_concurrent_starts_across_instances_make_one_attempt(cluster: Cluster,
                                                             open_round: int) -> None:
    from contest_app.quiz.models import Attempt

    email = _user(cluster)
    headers = _auth(cluster.token(email))

    def start(i: int) -> tuple[int, int]:
        base = (cluster.a, cluster.b)[i % 2]
        r = requests.post(f"{base}/api/v1/rounds/{open_round}/attempts", headers=headers,
                          timeout=30)
        return r.status_code, r.json().get("id", 0)

    with ThreadPoolExecutor(12) as pool:
        results = list(pool.map(start, range(12)))
    assert {status for status, _ in results} <= {200, 201}, results
    assert len({attempt_id for _, attempt_id in results}) == 1
    assert sum(status == 201 for status, _ in results) == 1
    ctx, db = _with_db(cluster)
    try:
        from contest_app.accounts.models import User

        user_id = db.session.scalar(select(User.id).where(User.email == email))
        count = db.session.scalar(select(func.count()).select_from(Attempt).where(
            Attempt.user_id == user_id, Attempt.round_id == open_round))
        assert count == 1
    finally:
        db.session.remove()
        ctx.pop()


def test_login_limits_are_shared_by_the_instances(cluster: Cluster) -> None:
    """LOGIN_RATE_LIMIT is 5 per minute per address: the sixth try, whichever instance
    (and worker process) it reaches, is refused, because the counters live in Redis."""
    address = f"10.{uuid.uuid4().int % 200}.7.9"
    statuses = []
    for i in range(6):
        base = (cluster.a, cluster.b)[i % 2]
        r = requests.post(f"{base}/api/v1/tokens", json={
            "email": f"khongco{i}-{uuid.uuid4().hex[:4]}@example.vn", "password": "sai-mat-khau"},
            headers={"X-Forwarded-For": address}, timeout=10)
        statuses.append(r.status_code)
    assert statuses[:5] == [401] * 5 and statuses[5] == 429, statuses


def test_two_workers_close_an_overdue_attempt_exactly_once(cluster: Cluster) -> None:
    from contest_app import jobs
    from contest_app.jobs.models import DONE, BackgroundJob
    from contest_app.quiz.models import Attempt

    now = datetime.now(UTC)
    ctx, db = _with_db(cluster)
    try:
        contest = factories.contest(db.session, title="Cuộc thi quá hạn")
        rnd = factories.round_(db.session, contest, now, opens_delta=timedelta(days=-1))
        db.session.commit()
        round_id = rnd.id
        users = [_user(cluster) for _ in range(30)]
        from contest_app.accounts.models import User

        ids = db.session.scalars(select(User.id).where(User.email.in_(users))).all()
        for user_id in ids:
            db.session.add(Attempt(round_id=round_id, user_id=user_id, number=1, seed=1,
                                   status="in_progress", started_at=now - timedelta(hours=2),
                                   deadline=now - timedelta(hours=1), max_score=5))
        db.session.commit()
        submitted = [jobs.submit("close_overdue").id for _ in range(2)]
        deadline = time.time() + 60
        while time.time() < deadline:
            rows = db.session.scalars(select(BackgroundJob).where(
                BackgroundJob.id.in_(submitted)).execution_options(
                populate_existing=True)).all()
            if all(j.finished for j in rows):
                break
            db.session.rollback()
            time.sleep(0.3)
        assert [j.status for j in rows] == [DONE, DONE], [j.error for j in rows]
        assert sum(j.result["closed"] for j in rows) == 30
        statuses = db.session.scalars(select(Attempt.status).where(
            Attempt.round_id == round_id)).all()
        assert len(statuses) == 30 and "in_progress" not in statuses
    finally:
        db.session.remove()
        ctx.pop()


ENTRIES = 100_000


def _fill_closed_round(cluster: Cluster) -> int:
    """A closed official round with ENTRIES finished attempts, inserted in bulk."""
    from contest_app.accounts.models import User
    from contest_app.quiz.models import Attempt

    now = datetime.now(UTC)
    ctx, db = _with_db(cluster)
    try:
        contest = factories.contest(db.session, title="Cuộc thi mười vạn")
        rnd = factories.round_(db.session, contest, now, question_count=20,
                               opens_delta=timedelta(days=-8), closes_delta=timedelta(hours=-1))
        db.session.commit()
        start_id = (db.session.scalar(select(func.max(User.id))) or 0) + 1000
        chunk = 20_000
        for offset in range(0, ENTRIES, chunk):
            users = [{"id": start_id + i, "email": f"m{i}@muoivan.vn",
                      "full_name": f"Người thi số {i}", "search_name": f"nguoi thi so {i}",
                      "search_given": str(i), "phone": f"03{i:08d}", "password_hash": "x",
                      "is_staff": False, "active": True, "created_at": now}
                     for i in range(offset, offset + chunk)]
            db.session.execute(insert(User), users)
            db.session.execute(insert(Attempt), [{
                "round_id": rnd.id, "user_id": u["id"], "number": 1, "seed": 1,
                "status": "submitted", "started_at": now - timedelta(days=2),
                "deadline": now - timedelta(days=2) + timedelta(minutes=15),
                "submitted_at": now - timedelta(days=2) + timedelta(seconds=60 + i % 800),
                "score": 20 - (i % 13), "max_score": 20, "duration_ms": (60 + i % 800) * 1000}
                for i, u in enumerate(users, start=offset)])
            db.session.commit()
        db.session.execute(select(func.setval("user_account_id_seq",
                                              start_id + ENTRIES + 10)))
        db.session.commit()
        return rnd.id
    finally:
        db.session.remove()
        ctx.pop()


def test_a_publish_job_at_1e5_runs_once_and_shows_on_both_instances(cluster: Cluster) -> None:
    from contest_app.jobs.models import BackgroundJob
    from contest_app.rankings.models import RankingSnapshot

    round_id = _fill_closed_round(cluster)
    organiser = _user(cluster, {"organiser"})
    browser = requests.Session()
    browser.headers["X-Forwarded-For"] = "10.1.2.3"
    page = browser.get(f"{cluster.nginx}/tai-khoan/dang-nhap", timeout=10).text
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    logged = browser.post(f"{cluster.nginx}/tai-khoan/dang-nhap", data={
        "email": organiser, "password": PASSWORD, "csrf_token": token},
        allow_redirects=False, timeout=10)
    assert logged.status_code == 302
    live = browser.get(f"{cluster.nginx}/ban-to-chuc/xep-hang/vong-thi/{round_id}", timeout=30)
    assert live.status_code == 200
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', live.text).group(1)
    form = {"csrf_token": token, "confirm": "yes"}
    url = f"{cluster.nginx}/ban-to-chuc/xep-hang/vong-thi/{round_id}/cong-bo"
    first = browser.post(url, data=form, allow_redirects=False, timeout=30)
    second = browser.post(url, data=form, allow_redirects=False, timeout=30)
    assert first.status_code == 302 and "/ban-to-chuc/cong-viec/" in first.headers["Location"]
    assert second.headers["Location"] == first.headers["Location"]  # the same job
    status_url = cluster.nginx + first.headers["Location"] + ".json"
    deadline = time.time() + 180
    while time.time() < deadline:
        job = browser.get(status_url, timeout=10).json()
        if job["finished"]:
            break
        time.sleep(0.5)
    assert job["status"] == "done", job
    assert job["result"]["snapshots"][0]["entries"] == ENTRIES
    ctx, db = _with_db(cluster)
    try:
        versions = db.session.scalars(select(RankingSnapshot.version).where(
            RankingSnapshot.round_id == round_id)).all()
        assert versions == [1]  # published once, though asked twice
        assert db.session.scalar(select(func.count()).select_from(BackgroundJob).where(
            BackgroundJob.kind == "publish_round")) == 1
    finally:
        db.session.remove()
        ctx.pop()
    for base in (cluster.a, cluster.b):
        ranking = requests.get(f"{base}/bang-xep-hang/vong-thi/{round_id}", timeout=30)
        assert ranking.status_code == 200
        assert "Người thi số 0" in ranking.text


def test_killing_an_instance_mid_quiz_loses_no_acknowledged_answer(cluster: Cluster,
                                                                   open_round: int) -> None:
    from contest_app.quiz.models import AttemptItem

    headers = _auth(cluster.token(_user(cluster)))
    start = requests.post(f"{cluster.nginx}/api/v1/rounds/{open_round}/attempts",
                          headers=headers, timeout=10)
    assert start.status_code == 201, start.text
    attempt = start.json()
    acknowledged: dict[int, list[int]] = {}
    for i, question in enumerate(attempt["questions"]):
        if i == 2:
            cluster.kill("a")  # instance A dies mid-quiz
        option = question["options"][0]["id"]
        for _try in range(4):  # as the quiz page does: retry what was not acknowledged
            try:
                r = requests.put(
                    f"{cluster.nginx}/api/v1/attempts/{attempt['id']}/answers/{question['id']}",
                    json={"option_ids": [option]}, headers=headers, timeout=10)
            except requests.RequestException:
                continue
            if r.status_code == 200:
                acknowledged[question["id"]] = [option]
                break
    assert len(acknowledged) == len(attempt["questions"])
    ctx, db = _with_db(cluster)
    try:
        stored = dict(db.session.execute(select(AttemptItem.question_id, AttemptItem.chosen)
                                         .where(AttemptItem.attempt_id == attempt["id"])).all())
    finally:
        db.session.remove()
        ctx.pop()
    for question_id, chosen in acknowledged.items():
        assert sorted(stored[question_id]) == chosen
    resumed = requests.post(f"{cluster.nginx}/api/v1/rounds/{open_round}/attempts",
                            headers=headers, timeout=10)
    assert resumed.status_code == 200  # instance B carries on alone
