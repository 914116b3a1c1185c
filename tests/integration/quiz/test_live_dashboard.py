"""The organiser's live dashboard: counters, attempts per hour, score histogram and units at
0 % highlighted, with JSON twins the page refreshes from; organisers only."""

from __future__ import annotations

from datetime import timedelta

from contest_app.extensions import db
from contest_app.quiz.models import Participation
from tests import factories


def _world(app, clock, make_user, make_unit):
    busy = make_unit("Sở Tư pháp", headcount=4, block="Khối sở")
    make_unit("Sở Vắng Mặt", headcount=10, block="Khối sở")
    with app.app_context():
        contest = factories.contest(db.session, title="Cuộc thi theo dõi", boards=["Bảng A"])
        rnd = factories.round_(db.session, contest, clock.now(), question_count=5,
                               opens_delta=timedelta(hours=-3), closes_delta=timedelta(days=1))
        db.session.commit()
        contest_id, round_id, board_id = contest.id, rnd.id, contest.boards[0].id
    for i, score in enumerate((5, 3, 3)):
        user = make_user(email=f"td{i}@example.vn", unit_id=busy.id)
        with app.app_context():
            from contest_app.quiz.models import Round

            rnd = db.session.get(Round, round_id)
            db.session.add(Participation(contest_id=contest_id, user_id=user.id,
                                         board_id=board_id))
            factories.finished_attempt(db.session, rnd, user.id, score, 60_000,
                                       clock.now() - timedelta(minutes=30 * i), board_id=board_id)
            db.session.commit()
    return contest_id, round_id


def test_round_dashboard_shows_counters_charts_and_units(app, client, clock, make_user,
                                                         make_unit, login_as) -> None:
    _, round_id = _world(app, clock, make_user, make_unit)
    login_as("organiser")
    html = client.get(f"/ban-to-chuc/theo-doi/vong-thi/{round_id}").get_data(as_text=True)
    assert 'data-stat="submitted">3<' in html
    assert "<polyline" in html and html.count("<rect") >= 6  # bins 0..5
    assert '<td>3</td><td class="text-end">2</td>' in html  # two attempts scored 3
    assert 'class="table-danger fw-bold"><td>Sở Vắng Mặt</td>' in html
    assert html.index("Sở Vắng Mặt") < html.index("Sở Tư pháp</td>")  # lowest rate first
    data = client.get(f"/ban-to-chuc/theo-doi/vong-thi/{round_id}.json").get_json()
    assert data["submitted"] == 3 and data["started"] == 3 and data["in_progress"] == 0
    assert sum(n for _, n in data["per_hour"]) == 3
    assert dict((s, n) for s, n in data["scores"]) == {3: 2, 5: 1}


def test_contest_dashboard_counts_joined_per_board(app, client, clock, make_user, make_unit,
                                                   login_as) -> None:
    contest_id, round_id = _world(app, clock, make_user, make_unit)
    login_as("organiser")
    html = client.get(f"/ban-to-chuc/theo-doi/cuoc-thi/{contest_id}").get_data(as_text=True)
    assert 'data-stat="joined">3<' in html and "Bảng A" in html
    assert f'data-stat="r{round_id}-submitted">3<' in html
    data = client.get(f"/ban-to-chuc/theo-doi/cuoc-thi/{contest_id}.json").get_json()
    assert data["joined"] == 3 and data["per_board"] == [["Bảng A", 3]]
    assert "Theo dõi trực tiếp" in client.get("/ban-to-chuc/").get_data(as_text=True)


def test_dashboard_for_organisers_only(app, client, clock, make_user, make_unit,
                                       login_as) -> None:
    contest_id, round_id = _world(app, clock, make_user, make_unit)
    login_as("judge")
    for url in (f"/ban-to-chuc/theo-doi/vong-thi/{round_id}",
                f"/ban-to-chuc/theo-doi/vong-thi/{round_id}.json",
                f"/ban-to-chuc/theo-doi/cuoc-thi/{contest_id}"):
        assert client.get(url).status_code == 403


def test_find_a_participant_see_answers_and_void_an_attempt(app, client, clock, make_user,
                                                            login_as) -> None:
    from sqlalchemy import select

    from contest_app.organiser.models import AuditEvent
    from contest_app.quiz import services
    from contest_app.quiz.models import Attempt

    from .test_statistics_regrade import _play

    round_id, _, first = _play(app, clock, make_user, n=2)
    with app.app_context():
        attempt = db.session.get(Attempt, first)
        user_id, contest_id = attempt.user_id, attempt.round.contest_id
        from contest_app.accounts.models import User

        db.session.get(User, user_id).set_name("Nguyễn Thị Hồng Nhung")
        db.session.add(Participation(contest_id=contest_id, user_id=user_id))
        db.session.commit()
    login_as("organiser")
    found = client.get(f"/ban-to-chuc/theo-doi/cuoc-thi/{contest_id}/nguoi-tham-gia?q=hong+nhung")
    assert "Nguyễn Thị Hồng Nhung" in found.get_data(as_text=True)
    url = f"/ban-to-chuc/theo-doi/cuoc-thi/{contest_id}/nguoi-tham-gia/{user_id}"
    page = client.get(url).get_data(as_text=True)
    assert "TTHC-901" in page and "<td>C</td><td>A</td><td>Sai</td>" in page
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    assert client.post(url, data={"csrf_token": token, "attempt_id": first,
                                  "reason": "x"}).status_code == 422
    done = client.post(url, data={"csrf_token": token, "attempt_id": first,
                                  "reason": "Mất điện giữa giờ, đã xác minh"})
    assert done.status_code == 302
    with app.app_context():
        assert db.session.get(Attempt, first).status == "voided"
        assert services.attempts_used(db.session, round_id, user_id) == 0
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "attempt.void"))
        assert event.reason == "Mất điện giữa giờ, đã xác minh"
        # The participant may start again (max_attempts is 1): a new attempt, number 2.
        started = services.start_attempt(db.session, user_id, round_id, clock.now(), 5)
        assert started.created and started.attempt.number == 2
        db.session.commit()
    assert "Đã hủy" in client.get(url).get_data(as_text=True)


def test_attempts_per_hour_ignore_the_database_session_time_zone(app, clock, make_user,
                                                                 make_unit) -> None:
    """The hour buckets are UTC hours shown in the contest's zone, whatever TimeZone the
    PostgreSQL session happens to use."""
    from zoneinfo import ZoneInfo

    from sqlalchemy import text

    from contest_app.quiz.live import round_figures
    from contest_app.quiz.models import Round

    _, round_id = _world(app, clock, make_user, make_unit)
    tz = ZoneInfo("Asia/Ho_Chi_Minh")
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            db.session.execute(text("SET TIME ZONE 'Asia/Tokyo'"))
        figures = round_figures(db.session, db.session.get(Round, round_id), clock.now(), tz)
        db.session.rollback()
    from contest_app.quiz.models import Attempt

    with app.app_context():
        started = db.session.scalars(db.select(Attempt.started_at).where(
            Attempt.round_id == round_id)).all()
    expected = sorted({s.astimezone(tz).strftime("%d/%m %H:00") for s in started})
    assert sorted(h for h, _ in figures.per_hour) == expected
