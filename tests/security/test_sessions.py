"""Hole 5: sessions end with their account.

Every session and remember cookie carries "<user id>:<session generation>"; the generation is
checked on every request (pages and the API's cookie path). "Đăng xuất khỏi mọi thiết bị", a
password change and locking the account bump it and revoke every API token, so a cookie copied
from the browser stops working at once. Cookies from before generations existed ("<id>") are
simply anonymous."""

from __future__ import annotations

from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient
from flask_login.utils import encode_cookie
from sqlalchemy import func, select

from contest_app.accounts.models import ApiToken, User, parse_session_id
from contest_app.extensions import db
from contest_app.organiser.models import AuditEvent
from tests.conftest import PASSWORD, csrf_token, login

ACCOUNT = "/tai-khoan/doi-mat-khau"
API_PROBE = "/api/v1/attempts/999999"  # 404 for a logged-in caller, 401 for anyone else
NEW_PASSWORD = "mat-khau-moi-456"


def _login(client: FlaskClient, email: str, remember: bool = False) -> None:
    data = {"email": email, "password": PASSWORD, "csrf_token": csrf_token(client)}
    if remember:
        data["remember"] = "y"
    assert client.post("/tai-khoan/dang-nhap", data=data).status_code == 302


def _copy(app: Flask, source: FlaskClient, *names: str) -> FlaskClient:
    """A second browser holding copies of `source`'s cookies."""
    thief = app.test_client()
    for name in names or ("session", "remember_token"):
        cookie = source.get_cookie(name)
        if cookie is not None:
            thief.set_cookie(name, cookie.value)
    return thief


def _logged_in_page(client: FlaskClient) -> bool:
    response = client.get(ACCOUNT)
    assert response.status_code in (200, 302)
    if response.status_code == 302:
        assert "/tai-khoan/dang-nhap" in response.headers["Location"]
    return response.status_code == 200


def _logged_in_api(client: FlaskClient) -> bool:
    status = client.get(API_PROBE).status_code
    assert status in (401, 404)
    return status == 404


def _token(client: FlaskClient, email: str, password: str = PASSWORD) -> dict[str, str]:
    response = client.post("/api/v1/tokens", json={"email": email, "password": password})
    assert response.status_code == 201
    return {"Authorization": f"Bearer {response.get_json()['token']}"}


def _token_works(client: FlaskClient, headers: dict[str, str]) -> bool:
    status = client.get(API_PROBE, headers=headers).status_code
    assert status in (401, 404)
    return status == 404


def _actions(app: Flask) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def _tokens(app: Flask, user_id: int) -> int:
    with app.app_context():
        return db.session.scalar(
            select(func.count(ApiToken.id)).where(ApiToken.user_id == user_id))


def test_copied_cookie_dies_after_logout_everywhere(app, client, make_user) -> None:
    user = make_user()
    _login(client, user.email, remember=True)
    other_device = app.test_client()
    _login(other_device, user.email)
    thief = _copy(app, client)
    remember_only = _copy(app, client, "remember_token")
    headers = _token(app.test_client(), user.email)
    assert _logged_in_page(thief) and _logged_in_api(thief) and _logged_in_page(remember_only)
    assert _token_works(thief, headers)

    page = client.get(ACCOUNT).get_data(as_text=True)
    assert "Đăng xuất khỏi mọi thiết bị" in page
    response = client.post("/tai-khoan/dang-xuat-moi-thiet-bi",
                           data={"csrf_token": csrf_token(client, ACCOUNT)})
    assert response.status_code == 302
    assert "/tai-khoan/dang-nhap" in response.headers["Location"]
    assert "Bạn đã đăng xuất khỏi mọi thiết bị" in client.get(
        response.headers["Location"]).get_data(as_text=True)

    for browser in (client, other_device, thief, remember_only, _copy(app, thief)):
        assert not _logged_in_page(browser)
        assert not _logged_in_api(browser)
    assert not _token_works(app.test_client(), headers)
    assert _tokens(app, user.id) == 0
    assert "user.logout_everywhere" in _actions(app)
    # Logging in again works as usual.
    fresh = app.test_client()
    _login(fresh, user.email)
    assert _logged_in_page(fresh) and _logged_in_api(fresh)


def test_logout_everywhere_needs_post_and_csrf(app, client, login_as) -> None:
    user = login_as()
    assert client.get("/tai-khoan/dang-xuat-moi-thiet-bi").status_code == 405
    assert client.post("/tai-khoan/dang-xuat-moi-thiet-bi").status_code == 400
    assert _logged_in_page(client)
    with app.app_context():
        assert db.session.get(User, user.id).session_generation == 1
    anonymous = app.test_client()
    response = anonymous.post("/tai-khoan/dang-xuat-moi-thiet-bi",
                              data={"csrf_token": csrf_token(anonymous)})
    assert response.status_code == 302 and "/tai-khoan/dang-nhap" in response.headers["Location"]


def test_password_change_ends_other_sessions_and_tokens_but_not_this_one(app, client,
                                                                       make_user) -> None:
    user = make_user()
    _login(client, user.email, remember=True)
    thief = _copy(app, client)
    headers = _token(app.test_client(), user.email)
    assert _logged_in_page(thief) and _token_works(client, headers)
    # A wrong current password ends nothing.
    wrong = client.post(ACCOUNT, data={
        "current_password": "khong-dung-1", "new_password": NEW_PASSWORD,
        "confirm": NEW_PASSWORD, "csrf_token": csrf_token(client, ACCOUNT)})
    assert wrong.status_code == 422
    assert _logged_in_page(thief) and _logged_in_api(thief) and _token_works(client, headers)

    response = client.post(ACCOUNT, data={
        "current_password": PASSWORD, "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD,
        "csrf_token": csrf_token(client, ACCOUNT)})
    assert response.status_code == 302

    # The changing browser goes on, on pages and on the API.
    assert _logged_in_page(client) and _logged_in_api(client)
    # Its new remember cookie carries the new session id.
    assert _logged_in_page(_copy(app, client, "remember_token"))
    # Every copy of the old cookies and every token is dead.
    assert not _logged_in_page(thief) and not _logged_in_api(thief)
    assert not _token_works(app.test_client(), headers)
    assert _tokens(app, user.id) == 0
    assert "user.password_change" in _actions(app)
    assert _token_works(app.test_client(), _token(app.test_client(), user.email, NEW_PASSWORD))


def _lock(organiser: FlaskClient, user_id: int, action: str = "lock", reason: str = ""):
    page = f"/ban-to-chuc/nguoi-dung/{user_id}"
    html = organiser.get(page).get_data(as_text=True)
    token = csrf_token(organiser, page)
    assert 'name="lock-action"' in html
    return organiser.post(f"{page}/khoa", data={"lock-action": action, "lock-reason": reason,
                                                "lock-csrf_token": token})


def test_deactivation_ends_pages_api_cookie_and_tokens(app, client, make_user) -> None:
    user = make_user()
    _login(client, user.email, remember=True)
    headers = _token(app.test_client(), user.email)
    assert _logged_in_page(client) and _logged_in_api(client)

    organiser = app.test_client()
    boss = make_user(roles={"organiser"})
    _login(organiser, boss.email)
    response = _lock(organiser, user.id, reason="Nghỉ hưu")
    assert response.status_code == 302
    assert "Đã khóa tài khoản" in organiser.get(response.headers["Location"]).get_data(
        as_text=True)

    assert not _logged_in_page(client)  # the page sends the browser to the login page
    assert client.get(API_PROBE).status_code == 401
    assert not _logged_in_page(_copy(app, client, "remember_token"))
    assert client.get(API_PROBE, headers=headers).status_code == 401
    assert _tokens(app, user.id) == 0
    # No new token nor session for a locked account.
    assert app.test_client().post("/api/v1/tokens", json={
        "email": user.email, "password": PASSWORD}).status_code == 401
    assert login(app.test_client(), user.email).status_code == 422
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(
            AuditEvent.action == "user.deactivate"))
        assert event.actor_id == boss.id and event.reason == "Nghỉ hưu"
        assert event.object_id == str(user.id)

    # Unlocking lets the holder log in again; the old cookies stay dead.
    assert _lock(organiser, user.id, "unlock").status_code == 302
    assert not _logged_in_page(client)
    fresh = app.test_client()
    _login(fresh, user.email)
    assert _logged_in_page(fresh)
    assert "user.reactivate" in _actions(app)


def test_locked_account_is_refused_by_the_api_cookie_and_bearer(app, client,
                                                                make_user) -> None:
    """Locked directly in the database (sessions and tokens left in place): the API's cookie
    path used to trust the session's user id without loading the account."""
    user = make_user()
    _login(client, user.email)
    headers = _token(app.test_client(), user.email)
    with app.app_context():
        db.session.get(User, user.id).active = False
        db.session.commit()
    assert client.get(API_PROBE).status_code == 401
    assert app.test_client().get(API_PROBE, headers=headers).status_code == 401


def test_organiser_cannot_lock_themselves_and_others_cannot_lock(app, client, make_user) -> None:
    boss = make_user(roles={"organiser"})
    _login(client, boss.email)
    response = _lock(client, boss.id)
    assert response.status_code == 302
    assert "Bạn không thể tự khóa tài khoản của chính mình" in client.get(
        response.headers["Location"]).get_data(as_text=True)
    assert _logged_in_page(client)
    participant = make_user()
    other = app.test_client()
    _login(other, participant.email)
    token = csrf_token(other, "/")
    assert other.post(f"/ban-to-chuc/nguoi-dung/{boss.id}/khoa", data={
        "lock-action": "lock", "lock-csrf_token": token}).status_code == 403
    # A forged action is refused.
    assert client.post(f"/ban-to-chuc/nguoi-dung/{participant.id}/khoa", data={
        "lock-action": "drop", "lock-csrf_token": csrf_token(client, "/")}).status_code == 400
    with app.app_context():
        assert db.session.get(User, boss.id).active
        assert db.session.get(User, participant.id).active


def test_cli_deactivate_and_reactivate(app, client, make_user) -> None:
    user = make_user()
    _login(client, user.email)
    runner = CliRunner()
    with app.app_context():
        from contest_app.cli import users_cli

        result = runner.invoke(users_cli, ["deactivate", user.email.upper(), "--reason", "test"])
        assert result.exit_code == 0, result.output
        assert "Đã khóa" in result.output
        missing = runner.invoke(users_cli, ["deactivate", "khong-co@example.vn"])
        assert missing.exit_code != 0
        db.session.remove()
    assert not _logged_in_page(client)
    with app.app_context():
        assert runner.invoke(users_cli, ["reactivate", user.email]).exit_code == 0
        db.session.remove()
    fresh = app.test_client()
    _login(fresh, user.email)
    assert _logged_in_page(fresh)


def test_old_format_cookies_are_anonymous(app, client, make_user) -> None:
    user = make_user()
    serializer = app.session_interface.get_signing_serializer(app)
    for value in (str(user.id), f"{user.id}:x", f"{user.id}:1:1", "²:1", f"{10**30}:1", 7):
        old = app.test_client()
        old.set_cookie("session", serializer.dumps({"_user_id": value, "_fresh": True}))
        assert not _logged_in_page(old)
        assert old.get(API_PROBE).status_code == 401
        assert old.get("/").status_code == 200
    old_remember = app.test_client()
    with app.app_context():
        old_remember.set_cookie("remember_token", encode_cookie(str(user.id)))
    assert not _logged_in_page(old_remember)
    assert old_remember.get(API_PROBE).status_code == 401
    # The current format does log in (the test above is not vacuous).
    current = app.test_client()
    current.set_cookie("session", serializer.dumps({"_user_id": f"{user.id}:1", "_fresh": True}))
    assert _logged_in_page(current)
    current_remember = app.test_client()
    with app.app_context():
        current_remember.set_cookie("remember_token", encode_cookie(f"{user.id}:1"))
    assert _logged_in_page(current_remember) and _logged_in_api(current_remember)


def test_parse_session_id() -> None:
    assert parse_session_id("12:3") == (12, 3)
    for bad in ("12", "12:", ":3", "a:1", "1:b", "²:1", "1:²", "1:2:3", "", None, 12,
                "1" * 11 + ":1"):
        assert parse_session_id(bad) is None
