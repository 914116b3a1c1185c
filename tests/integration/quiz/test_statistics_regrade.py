"""Question statistics and regrading through the web and the API: organisers see the flags
that point at a wrong key, fix the key (a new version), preview and apply a regrade in one
transaction, see the published ranking marked "cần công bố lại", and find it in the log."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from sqlalchemy import select

from contest_app.bank.models import Question, QuestionVersion
from contest_app.extensions import db
from contest_app.organiser.models import AuditEvent
from contest_app.quiz import services
from contest_app.quiz.models import Attempt, AttemptItem, Round
from tests import factories
from tests.conftest import csrf_token


def _play(app, clock, make_user, n: int = 12) -> tuple[int, int, int]:
    """A round of 3 questions; Q1's key is wrong (A) while the right answer is C, which the
    strong half chooses. Returns (round id, Q1 id, first attempt id)."""
    with app.app_context():
        topic = factories.topic(db.session, "procedures")
        q1 = factories.question(db.session, "TTHC-901", topic, correct=[0])
        for key in ("TTHC-902", "TTHC-903"):
            factories.question(db.session, key, topic, correct=[0])
        contest = factories.contest(db.session)
        rnd = factories.round_(db.session, contest, clock.now(), question_count=3,
                               opens_delta=timedelta(hours=-2), closes_delta=timedelta(days=1))
        db.session.commit()
        round_id, q1_id = rnd.id, q1.id
    first = None
    for i in range(n):
        user = make_user(email=f"thi{i}@example.vn")
        with app.app_context():
            started = services.start_attempt(db.session, user.id, round_id, clock.now(), 5,
                                             seed=i)
            attempt = db.session.get(Attempt, started.attempt.id)
            strong = i < n // 2
            for item in attempt.items:
                order = list(item.option_order)
                wanted = 2 if item.question_id == q1_id and strong else 0
                if item.question_id != q1_id and not strong:
                    wanted = 1
                services.save_answer(db.session, user.id, attempt.id, item.question_id,
                                     [order.index(wanted) + 1], clock.now(), 5)
            services.submit(db.session, user.id, attempt.id, clock.now(), 5)
            db.session.commit()
            first = first or attempt.id
    return round_id, q1_id, first


def _fix_key(app, q1_id: int) -> None:
    """The organiser corrects Q1's key: a new version with C as the answer."""
    with app.app_context():
        question = db.session.get(Question, q1_id)
        old = db.session.scalar(select(QuestionVersion).where(
            QuestionVersion.question_id == q1_id))
        db.session.add(QuestionVersion(
            question_id=q1_id, number=2, text=old.text, options=list(old.options), correct=[2],
            explanation=old.explanation, legal_basis=old.legal_basis,
            content_hash=hashlib.sha256(b"TTHC-901 v2").hexdigest()))
        question.current_version = 2
        db.session.commit()


def test_statistics_flag_the_wrong_key(app, client, clock, make_user, login_as) -> None:
    round_id, q1_id, _ = _play(app, clock, make_user)
    login_as("organiser")
    page = client.get(f"/ban-to-chuc/vong-thi/{round_id}/thong-ke-cau-hoi").get_data(
        as_text=True)
    assert "TTHC-901" in page and "Câu hỏi cần xem lại đáp án" in page
    assert "Độ phân biệt âm" in page
    data = client.get(f"/api/v1/rounds/{round_id}/statistics").get_json()
    assert data["attempts_finished"] == 12
    q1 = next(q for q in data["questions"] if q["question_id"] == q1_id)
    assert q1["drawn"] == 12 and q1["correct"] == 6 and q1["facility"] == 0.5
    assert q1["discrimination"] < 0
    assert "negative_discrimination" in q1["flags"]  # the key is chosen as often as C
    assert [o["chosen"] for o in q1["options"]] == [6, 0, 6, 0]


def test_regrade_preview_then_apply(app, client, clock, make_user, login_as) -> None:
    round_id, q1_id, first = _play(app, clock, make_user)
    _fix_key(app, q1_id)
    login_as("organiser")
    preview = client.post(f"/api/v1/rounds/{round_id}/regrade", json={"dry_run": True},
                          headers={"X-CSRFToken": csrf_token(client, "/")})
    assert preview.status_code == 200
    body = preview.get_json()
    assert body["dry_run"] is True and len(body["attempts"]) == 12  # every score moves by one
    with app.app_context():
        assert db.session.get(Attempt, first).score == 2  # strong: Q2, Q3 right, Q1 "wrong"
        assert db.session.scalar(select(AuditEvent).where(
            AuditEvent.action == "round.regrade")) is None

    page = client.get(f"/ban-to-chuc/vong-thi/{round_id}/cham-lai").get_data(as_text=True)
    assert "12 bài đổi điểm" in page and "2/3" in page and "3/3" in page and "0/3" in page
    token = csrf_token(client, f"/ban-to-chuc/vong-thi/{round_id}/cham-lai")
    refused = client.post(f"/ban-to-chuc/vong-thi/{round_id}/cham-lai",
                          data={"csrf_token": token})
    assert refused.status_code == 303
    done = client.post(f"/ban-to-chuc/vong-thi/{round_id}/cham-lai",
                       data={"csrf_token": token, "confirm": "yes"})
    assert done.status_code == 302
    with app.app_context():
        attempt = db.session.get(Attempt, first)
        assert attempt.score == 3
        versions = set(db.session.scalars(select(AttemptItem.version_id).where(
            AttemptItem.question_id == q1_id)))
        current = db.session.scalar(select(QuestionVersion.id).where(
            QuestionVersion.question_id == q1_id, QuestionVersion.number == 2))
        assert versions == {current}
        assert db.session.get(Round, round_id).regraded_at is not None
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "round.regrade"))
        assert event.after["attempts_changed"] == 12
    # Nothing left to change: a second regrade is a no-op.
    again = client.post(f"/api/v1/rounds/{round_id}/regrade", json={"dry_run": True},
                        headers={"X-CSRFToken": token}).get_json()
    assert again["attempts"] == []


def test_a_published_ranking_needs_republishing_after_a_regrade(app, client, clock, make_user,
                                                                login_as) -> None:
    round_id, q1_id, _ = _play(app, clock, make_user)
    login_as("organiser")
    clock.advance(days=2)
    token = csrf_token(client, f"/ban-to-chuc/xep-hang/vong-thi/{round_id}")
    client.post(f"/ban-to-chuc/xep-hang/vong-thi/{round_id}/cong-bo",
                data={"csrf_token": token, "confirm": "yes"})
    _fix_key(app, q1_id)
    clock.advance(minutes=5)
    client.post(f"/ban-to-chuc/vong-thi/{round_id}/cham-lai",
                data={"csrf_token": token, "confirm": "yes"})
    page = client.get(f"/ban-to-chuc/xep-hang/vong-thi/{round_id}").get_data(as_text=True)
    assert "Cần công bố lại." in page
    clock.advance(minutes=1)
    client.post(f"/ban-to-chuc/xep-hang/vong-thi/{round_id}/cong-bo",
                data={"csrf_token": token, "confirm": "yes"})
    page = client.get(f"/ban-to-chuc/xep-hang/vong-thi/{round_id}").get_data(as_text=True)
    assert "Cần công bố lại." not in page


def test_only_organisers(app, client, clock, make_user, login_as) -> None:
    round_id, _, _ = _play(app, clock, make_user, n=2)
    for role in ("participant", "judge"):
        login_as(role, email=f"{role}-x@example.vn")
        assert client.get(f"/ban-to-chuc/vong-thi/{round_id}/thong-ke-cau-hoi"
                          ).status_code == 403
        assert client.get(f"/api/v1/rounds/{round_id}/statistics").status_code == 403
        token = csrf_token(client, "/")
        assert client.post(f"/api/v1/rounds/{round_id}/regrade", json={"dry_run": True},
                           headers={"X-CSRFToken": token}).status_code == 403
        client.post("/tai-khoan/dang-xuat", data={"csrf_token": token})
    assert app.test_client().get(f"/api/v1/rounds/{round_id}/statistics").status_code == 401
