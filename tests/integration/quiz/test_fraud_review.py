"""The organiser's review of suspicious entries: evidence shown, dismiss or disqualify with a
reason (audited), nothing automatic, organisers only."""

from __future__ import annotations

from sqlalchemy import select

from contest_app.extensions import db
from contest_app.organiser.models import AuditEvent
from contest_app.rankings.models import Exclusion
from tests.conftest import csrf_token

from .test_statistics_regrade import _play


def test_copied_answers_are_shown_then_disqualified(app, client, clock, make_user,
                                                    login_as) -> None:
    round_id, _, _ = _play(app, clock, make_user, n=4)  # the weak pair answer alike, wrong
    login_as("organiser")
    url = f"/ban-to-chuc/vong-thi/{round_id}/ra-soat-gian-lan"
    page = client.get(url).get_data(as_text=True)
    assert "Đáp án giống hệt nhau" in page
    with app.app_context():
        assert db.session.scalar(select(Exclusion)) is None  # nothing automatic
    key = page.split('name="key" value="')[1].split('"')[0]
    token = csrf_token(client, url)
    short = client.post(url, data={"csrf_token": token, "key": key, "action": "disqualify",
                                   "reason": "x"})
    assert short.status_code == 422
    done = client.post(url, data={"csrf_token": token, "key": key, "action": "disqualify",
                                  "reason": "Chép bài của nhau"})
    assert done.status_code == 302
    with app.app_context():
        assert len(db.session.scalars(select(Exclusion)).all()) >= 2
        actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"fraud.disqualify", "ranking.exclude"} <= actions
    assert "Đáp án giống hệt nhau" not in client.get(url).get_data(as_text=True)


def test_a_dismissed_finding_stays_dismissed(app, client, clock, make_user, login_as) -> None:
    round_id, _, _ = _play(app, clock, make_user, n=4)
    login_as("organiser")
    url = f"/ban-to-chuc/vong-thi/{round_id}/ra-soat-gian-lan"
    page = client.get(url).get_data(as_text=True)
    key = page.split('name="key" value="')[1].split('"')[0]
    token = csrf_token(client, url)
    client.post(url, data={"csrf_token": token, "key": key, "action": "dismiss",
                           "reason": "Hai người làm cùng phòng, đã xác minh"})
    page = client.get(url).get_data(as_text=True)
    assert "Đã xem xét, không có vi phạm" in page and "đã xác minh" in page
    assert f'value="{key}"' not in page
    gone = client.post(url, data={"csrf_token": token, "key": "identical_answers:999",
                                  "action": "dismiss", "reason": "không tồn tại"})
    assert gone.status_code == 404


def test_review_is_for_organisers_only(app, client, clock, make_user, login_as) -> None:
    round_id, _, _ = _play(app, clock, make_user, n=2)
    login_as("judge", email="gk-fraud@example.vn")
    assert client.get(f"/ban-to-chuc/vong-thi/{round_id}/ra-soat-gian-lan").status_code == 403


def test_two_accounts_started_from_one_browser(app, client, clock, make_user, login_as) -> None:
    from datetime import timedelta

    from contest_app.quiz.models import Attempt

    with app.app_context():
        from tests import factories

        factories.bank(db.session, 6)
        contest = factories.contest(db.session)
        rnd = factories.round_(db.session, contest, clock.now(), question_count=3,
                               opens_delta=timedelta(hours=-1))
        db.session.commit()
        round_id = rnd.id
    browser = app.test_client()  # one browser, two accounts one after the other
    for i in range(2):
        user = make_user(email=f"cungmay{i}@example.vn")
        token = csrf_token(browser, "/tai-khoan/dang-nhap")
        browser.post("/tai-khoan/dang-nhap", data={"csrf_token": token, "email": user.email,
                                                   "password": "mat-khau-123"})
        token = csrf_token(browser, f"/vong-thi/{round_id}")
        started = browser.post(f"/vong-thi/{round_id}/bat-dau", data={"csrf_token": token})
        assert started.status_code == 302, started.get_data(as_text=True)[:300]
        browser.post("/tai-khoan/dang-xuat", data={"csrf_token": token})
    with app.app_context():
        marks = set(db.session.scalars(select(Attempt.device_hash)))
    assert len(marks) == 1 and None not in marks  # the same mark, stored hashed
    login_as("organiser")
    page = client.get(f"/ban-to-chuc/vong-thi/{round_id}/ra-soat-gian-lan").get_data(as_text=True)
    assert "cùng một trình duyệt" in page and "cungmay0@example.vn" in page
