"""Kiosk mode on a shared tablet: staff start it (audited, their session leaves the device),
the device then accepts one answer per citizen at the per-kiosk pace (no per-browser rule),
each answer tagged with the kiosk session, cannot leave the survey for other pages, and ends
with a staff password, from the staff's list, or at its expiry."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from contest_app.extensions import db
from contest_app.organiser.models import AuditEvent
from contest_app.surveys import kiosk
from contest_app.surveys.models import SurveyKiosk, SurveyResponse
from tests.conftest import PASSWORD, csrf_token, login

from .conftest import form_data, response_count, valid_answers


def start_kiosk(client, survey_id: int):
    token = csrf_token(client, f"/kiosk/khao-sat/{survey_id}")
    return client.post(f"/kiosk/khao-sat/{survey_id}", data={"csrf_token": token})


def kiosk_post(app, client, survey_id: int, pick: int = 0):
    answers = valid_answers(app, survey_id, pick)
    return client.post("/kiosk/", data={**form_data(app, survey_id, answers),
                                        "csrf_token": csrf_token(client, "/kiosk/")})


def test_staff_start_a_kiosk_and_citizens_answer_one_after_another(app, client, clock,
                                                                   make_survey,
                                                                   login_as) -> None:
    survey_id = make_survey(one_per_browser=True)
    staff = login_as("surveyor")
    started = start_kiosk(client, survey_id)
    assert started.status_code == 302 and started.headers["Location"].endswith("/kiosk/")
    cookie = client.get_cookie(kiosk.COOKIE)
    assert cookie is not None and cookie.http_only
    # The staff member is logged out of the shared device.
    assert client.get("/tai-khoan/doi-mat-khau").status_code == 302

    page = client.get("/kiosk/")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'autocomplete="off"' in html
    assert 'data-kiosk="true"' in html and page.headers["Cache-Control"] == "no-store"
    assert "Đăng nhập" not in html and "Cuộc thi" not in html  # no site navigation

    first = kiosk_post(app, client, survey_id, pick=0)
    assert first.status_code == 302 and first.headers["Location"].endswith("/kiosk/cam-on")
    thanks = client.get("/kiosk/cam-on")
    text = thanks.get_data(as_text=True)
    assert "Người tiếp theo" in text and "Ý kiến thử nghiệm" not in text
    assert thanks.headers["Refresh"].endswith("url=/kiosk/")

    # A second citizen 5 s later is too fast for the kiosk: refused, nothing stored.
    clock.advance(seconds=5)
    too_fast = kiosk_post(app, client, survey_id, pick=1)
    assert too_fast.status_code == 429
    assert "đợi 15 giây" in too_fast.get_data(as_text=True)
    assert response_count(app, survey_id) == 1

    # After the interval the same browser answers again: the one-per-browser rule is off here.
    clock.advance(seconds=16)
    second = kiosk_post(app, client, survey_id, pick=1)
    assert second.status_code == 302
    empty = client.get("/kiosk/").get_data(as_text=True)
    assert "checked" not in empty and "Ý kiến thử nghiệm" not in empty
    with app.app_context():
        rows = db.session.scalars(select(SurveyResponse).where(
            SurveyResponse.survey_id == survey_id)).all()
        session_row = db.session.scalar(select(SurveyKiosk))
        assert len(rows) == 2 and {r.kiosk_id for r in rows} == {session_row.id}
        assert session_row.started_by_id == staff.id
        assert session_row.expires_at - session_row.started_at == timedelta(hours=12)
        actions = db.session.scalars(select(AuditEvent.action)).all()
        assert "survey_kiosk.start" in actions


def test_a_kiosk_cannot_leave_the_survey_for_other_pages(app, client, make_survey,
                                                         login_as) -> None:
    survey_id = make_survey()
    login_as("organiser")
    start_kiosk(client, survey_id)
    for path in ("/", "/khao-sat/", f"/khao-sat/{survey_id}", "/tai-khoan/dang-nhap",
                 "/ban-to-chuc/", "/trang-khong-ton-tai"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.headers["Location"].endswith("/kiosk/"), path
    assert client.get("/kiosk/dung").status_code == 200


def test_a_citizen_cannot_stop_the_kiosk_and_staff_stop_it_with_their_password(
        app, client, make_survey, make_user, login_as) -> None:
    survey_id = make_survey()
    login_as("surveyor")
    start_kiosk(client, survey_id)
    citizen = make_user(email="dan@example.vn")
    for email, password in (("dan@example.vn", PASSWORD), ("khong-co@example.vn", "sai")):
        refused = client.post("/kiosk/dung", data={
            "email": email, "password": password,
            "csrf_token": csrf_token(client, "/kiosk/dung")})
        assert refused.status_code == 422
        assert client.get("/").status_code == 302  # still confined
    assert citizen.email == "dan@example.vn"
    organiser = make_user(roles={"organiser"}, email="btc@example.vn")
    stopped = client.post("/kiosk/dung", data={
        "email": organiser.email, "password": PASSWORD,
        "csrf_token": csrf_token(client, "/kiosk/dung")})
    assert stopped.status_code == 302
    assert stopped.headers["Location"].endswith(f"/kiosk/khao-sat/{survey_id}")
    assert client.get_cookie(kiosk.COOKIE) is None
    assert client.get("/").status_code == 200  # free again, and logged in as the organiser
    assert client.get(f"/kiosk/khao-sat/{survey_id}").status_code == 200
    with app.app_context():
        row = db.session.scalar(select(SurveyKiosk))
        assert row.ended_at is not None and row.ended_by_id == organiser.id
        assert "survey_kiosk.stop" in db.session.scalars(select(AuditEvent.action)).all()


def test_an_expired_or_remotely_stopped_or_forged_kiosk_is_no_kiosk(app, client, clock,
                                                                   make_survey,
                                                                   login_as) -> None:
    survey_id = make_survey()
    login_as("surveyor")
    start_kiosk(client, survey_id)
    clock.advance(hours=12, seconds=1)
    expired = client.get("/kiosk/")
    assert expired.status_code == 403
    assert "Chế độ kiosk đã kết thúc" in expired.get_data(as_text=True)
    assert client.get_cookie(kiosk.COOKIE) is None
    assert client.get("/").status_code == 200

    # A forged cookie naming a real session is refused.
    login_as("surveyor")
    start_kiosk(client, survey_id)
    value = client.get_cookie(kiosk.COOKIE).value
    client.set_cookie(kiosk.COOKIE, value[:-2] + ("AA" if not value.endswith("AA") else "BB"))
    assert client.get("/kiosk/").status_code == 403
    assert client.get("/").status_code == 200

    # Ended from the staff's own computer: the tablet leaves kiosk mode at once.
    client.set_cookie(kiosk.COOKIE, value)
    assert client.get("/").status_code == 302
    staff = app.test_client()
    staff.post("/tai-khoan/dang-nhap", data={
        "email": db_email(app), "password": PASSWORD,
        "csrf_token": csrf_token(staff)})
    with app.app_context():
        active = db.session.scalars(select(SurveyKiosk).where(
            SurveyKiosk.ended_at.is_(None))).all()
    target = max(active, key=lambda k: k.id)
    listing = staff.get(f"/kiosk/khao-sat/{survey_id}")
    assert listing.status_code == 200 and "Đang chạy" in listing.get_data(as_text=True)
    ended = staff.post(f"/kiosk/khao-sat/{survey_id}/phien/{target.id}/dung", data={
        "csrf_token": csrf_token(staff, f"/kiosk/khao-sat/{survey_id}")})
    assert ended.status_code == 302
    assert client.get("/kiosk/").status_code == 403
    assert response_count(app, survey_id) == 0


def db_email(app) -> str:
    from contest_app.accounts.models import User

    with app.app_context():
        users = db.session.scalars(select(User).order_by(User.id)).all()
        return next(u.email for u in reversed(users) if u.has_role("surveyor"))


def test_kiosk_needs_staff_and_an_open_survey(app, client, make_survey, make_user,
                                              login_as) -> None:
    survey_id = make_survey()
    closed_id = make_survey(title="Đã đóng", opens_delta=timedelta(days=-10),
                            closes_delta=timedelta(days=-1))
    assert client.get(f"/kiosk/khao-sat/{survey_id}").status_code == 302  # to the login page
    for role in (None, "judge"):
        other = app.test_client()
        user = make_user(roles={role} if role else set())
        login(other, user.email)
        assert other.get(f"/kiosk/khao-sat/{survey_id}").status_code == 403
    login_as("surveyor")
    refused = start_kiosk(client, closed_id)
    assert refused.status_code == 409
    assert "khảo sát đang mở" in refused.get_data(as_text=True)
    assert client.get_cookie(kiosk.COOKIE) is None
    # Without a kiosk session the kiosk page is no survey at all.
    assert client.get("/kiosk/").status_code == 403
    with app.app_context():
        assert db.session.scalar(select(SurveyKiosk)) is None


def test_an_invalid_kiosk_answer_keeps_the_pace_free(app, client, make_survey,
                                                     login_as) -> None:
    survey_id = make_survey()
    login_as("surveyor")
    start_kiosk(client, survey_id)
    bad = client.post("/kiosk/", data={"csrf_token": csrf_token(client, "/kiosk/")})
    assert bad.status_code == 422
    assert kiosk_post(app, client, survey_id).status_code == 302
    assert response_count(app, survey_id) == 1
