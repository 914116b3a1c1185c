"""Weekly round series, extra time for one participant, and practice rounds kept apart."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from contest_app.extensions import db
from contest_app.organiser.models import AuditEvent
from contest_app.quiz import services
from contest_app.quiz.models import Attempt, Round
from contest_app.rankings import services as ranking_services
from tests import factories
from tests.conftest import csrf_token


def test_weekly_series_copies_the_first_round(app, client, login_as, clock) -> None:
    with app.app_context():
        t = factories.topic(db.session)
        contest = factories.contest(db.session)
        factories.round_(db.session, contest, clock.now(), question_count=15, time_limit_s=600,
                         max_attempts=3, prediction_kind="participants",
                         lines=[(None, t.id, None, 15)])
        db.session.commit()
        contest_id = contest.id
    login_as("organiser")
    url = f"/ban-to-chuc/cuoc-thi/{contest_id}"
    token = csrf_token(client, url)
    response = client.post(f"{url}/loat-tuan-thi", data={
        "csrf_token": token, "series-count": "4", "series-first_opens": "28/12/2026 10:00",
        "series-first_closes": "04/01/2027 09:00", "series-title_pattern": "Tuần {n}"})
    assert response.status_code == 302
    with app.app_context():
        rounds = db.session.scalars(select(Round).where(Round.contest_id == contest_id)
                                    .order_by(Round.opens_at)).all()[1:]
        assert [r.title for r in rounds] == ["Tuần 2", "Tuần 3", "Tuần 4", "Tuần 5"]
        assert [r.opens_at.isoformat() for r in rounds] == [
            "2026-12-28T03:00:00+00:00", "2027-01-04T03:00:00+00:00",
            "2027-01-11T03:00:00+00:00", "2027-01-18T03:00:00+00:00"]
        assert all(r.closes_at - r.opens_at == timedelta(days=7, hours=-1) for r in rounds)
        assert {(r.question_count, r.time_limit_s, r.max_attempts, r.prediction_kind)
                for r in rounds} == {(15, 600, 3, "participants")}
        assert all(len(r.blueprint) == 1 and r.blueprint[0].count == 15 for r in rounds)


def test_extra_time_during_an_attempt_moves_the_deadline(app, client, login_as, make_user,
                                                         quiz_round, clock) -> None:
    round_id = quiz_round(time_limit_s=600)
    participant = make_user(email="cham@example.vn")
    with app.app_context():
        started = services.start_attempt(db.session, participant.id, round_id, clock.now(), 5)
        db.session.commit()
        attempt_id, deadline = started.attempt.id, started.attempt.deadline
        contest_id = db.session.get(Round, round_id).contest_id
    organiser = login_as("organiser")
    url = f"/ban-to-chuc/cuoc-thi/{contest_id}/vong-thi/{round_id}"
    token = csrf_token(client, url)
    response = client.post(url + "/cong-gio", data={
        "csrf_token": token, "extra-participant": "cham@example.vn", "extra-minutes": "15"})
    assert response.status_code == 302
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        assert attempt.deadline == deadline + timedelta(minutes=15)
        event = db.session.scalar(select(AuditEvent).where(
            AuditEvent.action == "round.extra_time"))
        assert event.actor_id == organiser.id and event.after["seconds"] == 900
    clock.advance(minutes=20)  # past the normal limit, within the extended one
    with app.app_context():
        services.save_answer(db.session, participant.id, attempt_id,
                             db.session.get(Attempt, attempt_id).items[0].question_id, [1],
                             clock.now(), 5)
        db.session.commit()
    unknown = client.post(url + "/cong-gio", data={
        "csrf_token": token, "extra-participant": "khong-co@example.vn", "extra-minutes": "5"})
    assert unknown.status_code == 303


def test_extra_time_granted_before_starting(app, make_user, quiz_round, clock) -> None:
    from contest_app.quiz import admin

    round_id = quiz_round(time_limit_s=600)
    user = make_user()
    with app.app_context():
        rnd = db.session.get(Round, round_id)
        admin.grant_extra_time(db.session, user.id, rnd, user.id, 10, clock.now())
        started = services.start_attempt(db.session, user.id, round_id, clock.now(), 5)
        assert started.attempt.deadline == clock.now() + timedelta(minutes=20)


def test_practice_never_ranked_nor_using_real_attempts(app, make_user, clock) -> None:
    user = make_user()
    with app.app_context():
        factories.bank(db.session, 12)
        factories.bank(db.session, 5, pool="practice")
        contest = factories.contest(db.session)
        official = factories.round_(db.session, contest, clock.now(), max_attempts=1,
                                    closes_delta=timedelta(hours=1))
        practice = factories.round_(db.session, contest, clock.now(), kind="practice",
                                    max_attempts=1, title="Thi thử")
        db.session.commit()
        for _ in range(3):
            started = services.start_attempt(db.session, user.id, practice.id, clock.now(), 5)
            services.submit(db.session, user.id, started.attempt.id, clock.now(), 5)
            db.session.commit()
        info = services.round_info(db.session, official, user.id, clock.now())
        assert (info.used, info.left) == (0, 1)
        clock.advance(hours=2)
        page, _ = ranking_services.live_page(db.session, official, None, 1, 50)
        assert page.total == 0
        snapshots = ranking_services.publish_round(db.session, None, official, clock.now())
        assert snapshots[0].entry_count == 0
