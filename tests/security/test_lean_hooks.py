"""The lean request hooks (contest_app.hooks) keep every check the extensions' own hooks made:
security headers, CSRF before the NUL guard, the session cookie and its signing key."""

from __future__ import annotations

from flask import Flask

from contest_app.security import CSP
from tests.conftest import csrf_token, login


def test_every_response_has_the_security_headers_once(client) -> None:
    for path in ("/", "/api/v1/contests", "/khong-co-trang-nay"):
        response = client.get(path)
        assert response.headers.getlist("Content-Security-Policy") == [CSP], path
        assert response.headers.getlist("X-Frame-Options") == ["DENY"]
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "same-origin"
        assert "Strict-Transport-Security" not in response.headers
        assert "Cookie" in response.headers.get("Vary", "")


def test_hsts_follows_the_secure_cookie_setting(app: Flask, client) -> None:
    app.config["SESSION_COOKIE_SECURE"] = True
    try:
        response = client.get("/")
    finally:
        app.config["SESSION_COOKIE_SECURE"] = False
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_an_unsafe_request_without_a_csrf_token_is_refused_before_the_nul_guard(client) -> None:
    response = client.post("/tai-khoan/dang-nhap", data={"email": "a\x00@b.vn", "password": "x"})
    assert response.status_code == 400
    assert b"NUL" not in response.data  # the CSRF refusal, not the NUL one


def test_nul_in_a_query_string_is_refused_on_get(client) -> None:
    assert client.get("/?q=a%00b").status_code == 400


def test_the_session_cookie_logs_in_and_logout_clears_it(client, make_user) -> None:
    user = make_user()
    assert login(client, user.email).status_code == 302
    cookie = client.get_cookie("session")
    assert cookie is not None and cookie.value
    assert client.get("/tai-khoan/doi-mat-khau").status_code == 200
    token = csrf_token(client, "/tai-khoan/doi-mat-khau")
    assert client.post("/tai-khoan/dang-xuat", data={"csrf_token": token}).status_code == 302
    assert client.get("/tai-khoan/doi-mat-khau").status_code == 302  # to the login page


def test_the_signing_serializer_is_reused_but_follows_a_new_key(app: Flask) -> None:
    interface = app.session_interface
    first = interface.get_signing_serializer(app)
    assert interface.get_signing_serializer(app) is first
    old = app.secret_key
    app.secret_key = "another-testing-key"
    try:
        other = interface.get_signing_serializer(app)
        assert other is not first
        assert other.loads(other.dumps({"a": 1})) == {"a": 1}
        from itsdangerous import BadSignature

        try:
            first.loads(other.dumps({"a": 1}))
        except BadSignature:
            pass
        else:
            raise AssertionError("a cookie signed with another key was accepted")
    finally:
        app.secret_key = old
