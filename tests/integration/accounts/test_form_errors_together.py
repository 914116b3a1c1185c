"""Every field's error shows at once (the service's checks run even when the form fails), and
mobile numbers follow the Vietnamese prefixes, +84 accepted and stored as 0…"""

from __future__ import annotations

from sqlalchemy import select

from contest_app.accounts.models import User
from contest_app.extensions import db
from tests.conftest import csrf_token

PHONE_MESSAGE = "Số điện thoại di động phải có 10 chữ số, bắt đầu bằng 03, 05, 07, 08 hoặc 09."


def _register(client, **fields):
    data = {"full_name": "Nguyễn Văn Đủ", "email": "du@example.vn", "phone": "0905123456",
            "unit_id": "", "password": "mot-mat-khau", "confirm": "mot-mat-khau",
            "csrf_token": csrf_token(client, "/tai-khoan/dang-ky"), **fields}
    return client.post("/tai-khoan/dang-ky", data=data)


def _error_of(body: str, field: str) -> str:
    marker = f'id="{field}-error"'
    assert marker in body, f"no error shown for {field}"
    return body.split(marker, 1)[1].split(">", 1)[1].split("</div>", 1)[0]


def test_a_bad_email_shows_with_the_other_errors_not_after_them(app, client, make_unit) -> None:
    unit = make_unit()
    response = _register(client, unit_id=str(unit.id), full_name="", email="khong-phai-email",
                         phone="0123456789", password="ngan", confirm="khac")
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "Vui lòng điền thông tin này." in _error_of(body, "full_name")
    assert "Địa chỉ email không hợp lệ." in _error_of(body, "email")
    assert PHONE_MESSAGE in _error_of(body, "phone")
    assert "Mật khẩu phải có ít nhất 8 ký tự." in _error_of(body, "password")
    assert "Hai mật khẩu không khớp." in _error_of(body, "confirm")
    # one message per field: the form's own, not the service's repeat
    assert _error_of(body, "phone").count("10 chữ số") == 1
    with app.app_context():
        assert db.session.scalar(select(User)) is None


def test_a_taken_email_shows_beside_a_missing_unit(client, make_user) -> None:
    existing = make_user(email="da-co@example.vn")
    response = _register(client, email="Da-Co@example.vn", phone=existing.phone)
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Email này đã được dùng để đăng ký." in _error_of(body, "email")
    assert "Số điện thoại này đã được dùng cho một tài khoản khác." in _error_of(body, "phone")
    assert "Vui lòng chọn đơn vị trong danh sách." in _error_of(body, "unit_id")


def test_a_landline_is_refused_and_plus_84_is_stored_as_zero(app, client, make_unit) -> None:
    unit = make_unit()
    landline = _register(client, unit_id=str(unit.id), phone="0243 823 4567")
    assert landline.status_code == 422
    assert PHONE_MESSAGE in landline.get_data(as_text=True)
    accepted = _register(client, unit_id=str(unit.id), phone="+84 388 123 456")
    assert accepted.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(User.phone)) == "0388123456"


def test_the_staff_account_form_shows_every_error_at_once(app, client, login_as) -> None:
    login_as("organiser")
    url = "/ban-to-chuc/nguoi-dung/tao-moi"
    response = client.post(url, data={"full_name": "", "email": "sai-email", "phone": "0612345678",
                                      "csrf_token": csrf_token(client, url)})
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "Vui lòng nhập họ và tên." in _error_of(body, "full_name")
    assert "Địa chỉ email không hợp lệ." in _error_of(body, "email")
    assert PHONE_MESSAGE in _error_of(body, "phone")
    assert "Vui lòng chọn ít nhất một vai trò." in _error_of(body, "judge")


def test_english_pages_get_the_english_phone_message(client, make_unit) -> None:
    unit = make_unit()
    client.get("/ngon-ngu/en")
    body = _register(client, unit_id=str(unit.id), phone="0612345678").get_data(as_text=True)
    assert "The mobile number must have 10 digits and start with 03, 05, 07, 08 or 09." in body
