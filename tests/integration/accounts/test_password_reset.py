"""Forgotten passwords: the same answer whether or not the address has an account, a reset
link used once and expiring after 2 hours, sessions ended, the API's 202, and the reset link an
organiser hands over to someone without e-mail."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from contest_app.accounts.models import AccountToken, User
from contest_app.extensions import db
from contest_app.organiser.models import AuditEvent
from tests.conftest import PASSWORD, csrf_token, login

RESET_RE = re.compile(r"http://localhost/tai-khoan/dat-lai-mat-khau/([A-Za-z0-9_\-]+)")
SENT = "Nếu email này có tài khoản, chúng tôi đã gửi đường dẫn đặt lại mật khẩu"
NEW_PASSWORD = "mat-khau-moi-2"


def _forgot(client, email: str):
    token = csrf_token(client, "/tai-khoan/quen-mat-khau")
    return client.post("/tai-khoan/quen-mat-khau", data={"email": email, "csrf_token": token})


def _tokens(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(AccountToken.id)))


def _path(link: str) -> str:
    return link.removeprefix("http://localhost")


def test_login_page_offers_forgotten_password(client) -> None:
    page = client.get("/tai-khoan/dang-nhap").get_data(as_text=True)
    assert "Quên mật khẩu?" in page and 'href="/tai-khoan/quen-mat-khau"' in page


def test_same_answer_for_known_and_unknown_addresses(app, client, make_user, outbox) -> None:
    user = make_user(email="co-tai-khoan@example.vn")
    other = app.test_client()
    known = _forgot(client, "Co-Tai-Khoan@example.vn")
    unknown = _forgot(other, "khong-co@example.vn")
    assert known.status_code == unknown.status_code == 302
    assert known.headers["Location"] == unknown.headers["Location"] == "/tai-khoan/dang-nhap"
    assert SENT in client.get("/tai-khoan/dang-nhap").get_data(as_text=True)
    assert SENT in other.get("/tai-khoan/dang-nhap").get_data(as_text=True)
    # Only the known address got a link, by mail.
    assert [m.to for m in outbox] == [user.email]
    message = outbox[0]
    assert message.subject == "Đặt lại mật khẩu tài khoản Hội thi CCHC"
    link = RESET_RE.search(message.text).group(0)
    assert message.html and link in message.html
    assert _tokens(app) == 1


def test_reset_link_sets_the_password_once_and_ends_sessions(
        app, client, make_user, outbox) -> None:
    user = make_user(email="quen@example.vn")
    session_elsewhere = app.test_client()
    assert login(session_elsewhere, user.email).status_code == 302
    _forgot(client, user.email)
    url = _path(RESET_RE.search(outbox[0].text).group(0))
    page = client.get(url)
    assert page.status_code == 200 and "Đặt lại mật khẩu" in page.get_data(as_text=True)
    response = client.post(url, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD,
                                      "csrf_token": csrf_token(client, url)})
    assert response.status_code == 302
    # The other session has ended; the old password no longer works, the new one does.
    assert session_elsewhere.get("/tai-khoan/doi-mat-khau").status_code == 302
    assert login(app.test_client(), user.email, PASSWORD).status_code == 422
    assert login(app.test_client(), user.email, NEW_PASSWORD).status_code == 302
    with app.app_context():
        assert db.session.get(User, user.id).session_generation == user.session_generation + 1
        assert db.session.scalar(select(AuditEvent.id).where(
            AuditEvent.action == "user.password_reset")) is not None
    used = client.get(url)
    assert used.status_code == 410 and "đã được dùng" in used.get_data(as_text=True)


def test_reset_link_expires_after_two_hours(app, client, make_user, outbox, clock) -> None:
    user = make_user()
    _forgot(client, user.email)
    url = _path(RESET_RE.search(outbox[0].text).group(0))
    clock.advance(hours=2)
    page = client.get(url)
    assert page.status_code == 410
    body = page.get_data(as_text=True)
    assert "Đường dẫn này đã hết hạn" in body and "Gửi cho tôi đường dẫn mới" in body


def test_a_new_request_voids_the_older_link(app, client, make_user, outbox, clock) -> None:
    user = make_user()
    _forgot(client, user.email)
    _forgot(client, user.email)  # within a minute: same answer, no second mail
    assert len(outbox) == 1
    clock.advance(minutes=1)
    _forgot(client, user.email)
    assert len(outbox) == 2
    first, second = (_path(RESET_RE.search(m.text).group(0)) for m in outbox)
    assert client.get(first).status_code == 410
    assert client.get(second).status_code == 200


def test_locked_account_gets_no_link(app, client, make_user, outbox) -> None:
    user = make_user(active=False)
    response = _forgot(client, user.email)
    assert response.status_code == 302 and outbox == [] and _tokens(app) == 0


def test_api_answers_202_for_known_and_unknown(app, client, make_user, outbox) -> None:
    user = make_user()
    known = client.post("/api/v1/password-resets", json={"email": user.email})
    unknown = client.post("/api/v1/password-resets", json={"email": "ai-do@example.vn"})
    assert known.status_code == unknown.status_code == 202
    assert known.get_json() == unknown.get_json()
    assert SENT in known.get_json()["message"]
    assert [m.to for m in outbox] == [user.email]
    bad = client.post("/api/v1/password-resets", json={"mail": user.email})
    assert bad.status_code == 422
    spec = client.get("/api/v1/openapi.json").get_json()
    operation = spec["paths"]["/api/v1/password-resets"]["post"]
    assert "202" in operation["responses"] and operation["security"] == []


def test_api_is_rate_limited_with_the_page(app, make_user) -> None:
    from contest_app import create_app
    from contest_app.extensions import limiter
    from tests.conftest import make_test_config

    try:
        limited = create_app(make_test_config(app.config["SQLALCHEMY_DATABASE_URI"],
                                              RATELIMIT_ENABLED=True,
                                              PASSWORD_RESET_RATE_LIMIT="2 per minute"))
        client = limited.test_client()
        codes = [client.post("/api/v1/password-resets", json={"email": f"x{i}@example.vn"}
                             ).status_code for i in range(2)]
        token = csrf_token(client, "/tai-khoan/quen-mat-khau")
        codes.append(client.post("/tai-khoan/quen-mat-khau",
                                 data={"email": "y@example.vn", "csrf_token": token}
                                 ).status_code)
        assert codes == [202, 202, 429]
    finally:  # the limiter is one object shared by every app in the process
        limiter.reset()
        limiter.enabled = False


def test_organiser_hands_over_a_reset_link(app, client, login_as, make_user, outbox) -> None:
    person = make_user(full_name="Bà Không Email")
    login_as("organiser")
    page = client.get(f"/ban-to-chuc/nguoi-dung/{person.id}").get_data(as_text=True)
    assert "Tạo đường dẫn đặt lại mật khẩu" in page
    response = client.post(f"/ban-to-chuc/nguoi-dung/{person.id}/dat-lai-mat-khau",
                           data={"csrf_token": csrf_token(client, "/ban-to-chuc/nguoi-dung")})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    link = RESET_RE.search(response.get_data(as_text=True)).group(0)
    assert outbox == []  # handed over, not mailed
    # Shown once: the user page does not show it again.
    assert link not in client.get(f"/ban-to-chuc/nguoi-dung/{person.id}").get_data(as_text=True)
    holder = app.test_client()
    url = _path(link)
    assert holder.post(url, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD,
                                  "csrf_token": csrf_token(holder, url)}).status_code == 302
    assert login(app.test_client(), person.email, NEW_PASSWORD).status_code == 302


def test_no_reset_link_for_a_locked_account(app, client, login_as, make_user) -> None:
    person = make_user(active=False)
    login_as("organiser")
    response = client.post(f"/ban-to-chuc/nguoi-dung/{person.id}/dat-lai-mat-khau",
                           data={"csrf_token": csrf_token(client, "/ban-to-chuc/nguoi-dung")})
    assert response.status_code == 302 and _tokens(app) == 0


def test_mailed_links_use_the_public_address_not_the_host_header(
        app, client, make_user, outbox) -> None:
    user = make_user()
    app.config["PUBLIC_BASE_URL"] = "https://hoithi.example.vn/"
    try:
        forged = {"Host": "ke-gian.example"}
        page = client.get("/tai-khoan/quen-mat-khau", headers=forged).get_data(as_text=True)
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
        client.post("/tai-khoan/quen-mat-khau", data={"email": user.email, "csrf_token": token},
                    headers=forged)
    finally:
        app.config["PUBLIC_BASE_URL"] = ""
    assert "https://hoithi.example.vn/tai-khoan/dat-lai-mat-khau/" in outbox[0].text
    assert "ke-gian" not in outbox[0].text and "ke-gian" not in (outbox[0].html or "")


def test_a_link_stops_working_while_the_account_is_locked(app, client, make_user,
                                                          outbox) -> None:
    from contest_app.accounts import services

    user = make_user()
    _forgot(client, user.email)
    url = _path(RESET_RE.search(outbox[0].text).group(0))
    with app.app_context():
        services.deactivate_user(db.session, None, db.session.get(User, user.id))
        db.session.commit()
    page = client.get(url)
    assert page.status_code == 410 and "đang bị khóa" in page.get_data(as_text=True)

