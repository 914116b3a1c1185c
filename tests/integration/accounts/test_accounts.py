"""Registration, login, logout, change password, roles, CSRF."""

from __future__ import annotations

import logging

from sqlalchemy import func, select

from contest_app.accounts.models import User
from contest_app.extensions import db
from tests.conftest import PASSWORD, csrf_token, login


def _register(client, unit_id, **overrides):
    data = {
        "full_name": "Nguyễn Văn Thí Sinh",
        "email": "thisinh@example.vn",
        "phone": "0905123456",
        "unit_id": str(unit_id),
        "password": "mot-mat-khau",
        "confirm": "mot-mat-khau",
        "csrf_token": csrf_token(client, "/tai-khoan/dang-ky"),
    }
    data.update(overrides)
    return client.post("/tai-khoan/dang-ky", data=data)


def _count_users(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(User.id)))


def test_register_logs_in_and_lists_units(app, client, make_unit) -> None:
    unit = make_unit("Sở Nội vụ")
    page = client.get("/tai-khoan/dang-ky").get_data(as_text=True)
    assert "Sở Nội vụ" in page
    response = _register(client, unit.id)
    assert response.status_code == 302
    home = client.get("/").get_data(as_text=True)
    assert "Nguyễn Văn Thí Sinh" in home
    with app.app_context():
        user = db.session.scalar(select(User))
        assert user.phone == "0905123456" and user.unit_id == unit.id
        assert user.roles == set()


def test_register_rejects_bad_phone_with_vietnamese_message(app, client, make_unit) -> None:
    unit = make_unit()
    response = _register(client, unit.id, phone="12345")
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "Số điện thoại di động phải có 10 chữ số, bắt đầu bằng 03, 05, 07, 08 hoặc 09" in body
    assert 'value="Nguyễn Văn Thí Sinh"' in body  # what was typed is kept
    assert _count_users(app) == 0


def test_register_refuses_duplicate_email_and_phone(app, client, make_user, make_unit) -> None:
    existing = make_user(email="a@example.vn")
    unit = make_unit()
    response = _register(client, unit.id, email="A@example.vn", phone=existing.phone)
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Email này đã được dùng" in body
    assert "Số điện thoại này đã được dùng" in body
    assert _count_users(app) == 1


def test_register_requires_a_unit(app, client) -> None:
    response = _register(client, 0)
    assert response.status_code == 422
    assert "Vui lòng chọn đơn vị" in response.get_data(as_text=True)
    assert _count_users(app) == 0


def test_login_wrong_password_then_right(client, make_user) -> None:
    user = make_user()
    bad = login(client, user.email, "sai-mat-khau")
    assert bad.status_code == 422
    assert "Email hoặc mật khẩu không đúng" in bad.get_data(as_text=True)
    good = login(client, user.email.upper())
    assert good.status_code == 302


def test_logout_requires_post_with_csrf(client, login_as) -> None:
    login_as()
    assert client.get("/tai-khoan/dang-xuat").status_code == 405
    assert client.post("/tai-khoan/dang-xuat").status_code == 400  # no CSRF token
    token = csrf_token(client, "/")
    assert client.post("/tai-khoan/dang-xuat", data={"csrf_token": token}).status_code == 302
    assert client.get("/tai-khoan/doi-mat-khau").status_code == 302  # logged out


def test_remember_me_sets_a_remember_cookie(client, make_user) -> None:
    user = make_user()
    token = csrf_token(client)
    response = client.post("/tai-khoan/dang-nhap", data={
        "email": user.email, "password": PASSWORD, "remember": "y", "csrf_token": token})
    assert response.status_code == 302
    assert any("remember_token=" in h for h in response.headers.getlist("Set-Cookie"))


def test_change_password(app, client, login_as) -> None:
    user = login_as()
    token = csrf_token(client, "/tai-khoan/doi-mat-khau")
    wrong = client.post("/tai-khoan/doi-mat-khau", data={
        "current_password": "khong-dung", "new_password": "mat-khau-moi-1",
        "confirm": "mat-khau-moi-1", "csrf_token": token})
    assert wrong.status_code == 422
    assert "Mật khẩu hiện tại không đúng" in wrong.get_data(as_text=True)
    ok = client.post("/tai-khoan/doi-mat-khau", data={
        "current_password": PASSWORD, "new_password": "mat-khau-moi-1",
        "confirm": "mat-khau-moi-1", "csrf_token": token})
    assert ok.status_code == 302
    fresh = app.test_client()
    assert login(fresh, user.email, PASSWORD).status_code == 422
    assert login(fresh, user.email, "mat-khau-moi-1").status_code == 302


def test_post_without_csrf_changes_nothing(app, client, make_unit, login_as) -> None:
    unit = make_unit()
    response = client.post("/tai-khoan/dang-ky", data={
        "full_name": "Không CSRF", "email": "x@example.vn", "phone": "0905000000",
        "unit_id": str(unit.id), "password": "mot-mat-khau", "confirm": "mot-mat-khau"})
    assert response.status_code == 400
    assert "Phiên làm việc đã hết hạn" in response.get_data(as_text=True)
    assert _count_users(app) == 0
    login_as("organiser")
    before = _count_users(app)
    response = client.post("/ban-to-chuc/don-vi", data={"kind": "unit", "name": "Đơn vị lạ"})
    assert response.status_code == 400
    assert _count_users(app) == before
    assert "Đơn vị lạ" not in client.get("/ban-to-chuc/don-vi").get_data(as_text=True)


def test_password_never_stored_or_logged_in_clear(app, client, make_unit, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    unit = make_unit()
    _register(client, unit.id, password="bi-mat-tuyet-doi", confirm="bi-mat-tuyet-doi")
    login(app.test_client(), "thisinh@example.vn", "bi-mat-tuyet-doi")
    with app.app_context():
        stored = db.session.scalar(select(User.password_hash))
        assert "bi-mat-tuyet-doi" not in stored
        assert stored.startswith(("scrypt:", "pbkdf2:"))
        with db.engine.connect() as conn:
            for table in db.metadata.sorted_tables:
                for row in conn.execute(table.select()):
                    assert "bi-mat-tuyet-doi" not in repr(tuple(row))
    assert "bi-mat-tuyet-doi" not in caplog.text
