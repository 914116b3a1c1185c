"""Accounts the organiser creates: one by one or from an Excel list, each with a one-time
invitation link (72 h) mailed and shown once; roles in Vietnamese; audit; permissions."""

from __future__ import annotations

import hashlib
import io
import re

import pytest
from sqlalchemy import func, select

from contest_app.accounts.models import AccountToken, User
from contest_app.exports import Book, read_rows
from contest_app.extensions import db
from contest_app.organiser.models import AuditEvent
from tests.conftest import csrf_token, login

INVITE_RE = re.compile(r"http://localhost/tai-khoan/kich-hoat/([A-Za-z0-9_\-]+)")
NEW_PASSWORD = "mat-khau-moi-1"


def _create(client, **overrides):
    data = {"full_name": "Phạm Giám Khảo", "email": "giamkhao@example.vn",
            "phone": "0911222333", "judge": "y",
            "csrf_token": csrf_token(client, "/ban-to-chuc/nguoi-dung/tao-moi")}
    data.update(overrides)
    return client.post("/ban-to-chuc/nguoi-dung/tao-moi", data=data)


def _set_password(client, url, password=NEW_PASSWORD, confirm=None):
    return client.post(url, data={"password": password, "confirm": confirm or password,
                                  "csrf_token": csrf_token(client, url)})


def _users(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(User.id)))


def test_organiser_creates_a_judge_who_gets_a_one_time_invitation(
        app, client, login_as, outbox) -> None:
    organiser = login_as("organiser")
    response = _create(client)
    assert response.status_code == 201
    page = response.get_data(as_text=True)
    link = INVITE_RE.search(page)
    assert link, "the link is shown to the organiser"
    assert response.headers["Cache-Control"] == "no-store"
    # The mail: Vietnamese subject, plain text and HTML, the same link.
    assert len(outbox) == 1
    message = outbox[0]
    assert message.to == "giamkhao@example.vn"
    assert message.subject == "Mời bạn kích hoạt tài khoản Hội thi CCHC"
    assert link.group(0) in message.text and "Giám khảo" in message.text
    assert "Xin chào Phạm Giám Khảo" in message.text
    assert message.html and f'href="{link.group(0)}"' in message.html
    email = message.as_email()
    assert email.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in email.iter_parts()] == ["text/plain", "text/html"]
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "giamkhao@example.vn"))
        assert user.roles == {"judge"} and user.is_staff and user.unit_id is None
        row = db.session.scalar(select(AccountToken))
        # Only the hash is stored.
        token = link.group(1)
        assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
        assert token not in row.token_hash and row.purpose == "invite"
        assert (row.expires_at - row.created_at).total_seconds() == 72 * 3600
        actions = {(e.action, e.actor_id) for e in db.session.scalars(select(AuditEvent))}
        assert ("user.create", organiser.id) in actions
        assert ("user.invite_link", organiser.id) in actions

    # The person sets a password through the link, once.
    person = app.test_client()
    url = link.group(0).removeprefix("http://localhost")
    form = person.get(url)
    assert form.status_code == 200 and "Kích hoạt tài khoản" in form.get_data(as_text=True)
    assert form.headers["Referrer-Policy"] == "no-referrer"
    assert _set_password(person, url).status_code == 302
    assert login(person, "giamkhao@example.vn", NEW_PASSWORD).status_code == 302
    again = app.test_client().get(url)
    assert again.status_code == 410
    assert "đã được dùng" in again.get_data(as_text=True)
    assert "Gửi cho tôi đường dẫn mới" in again.get_data(as_text=True)


def test_invitation_expires_after_72_hours(app, client, login_as, outbox, clock) -> None:
    login_as("organiser")
    link = INVITE_RE.search(_create(client).get_data(as_text=True)).group(0)
    url = link.removeprefix("http://localhost")
    clock.advance(hours=71, minutes=59)
    assert app.test_client().get(url).status_code == 200
    clock.advance(minutes=1)
    person = app.test_client()
    page = person.get(url)
    assert page.status_code == 410
    body = page.get_data(as_text=True)
    assert "Đường dẫn này đã hết hạn" in body and "/tai-khoan/quen-mat-khau" in body
    # Posting to an expired link changes nothing.
    with app.app_context():
        before = db.session.scalar(select(User.password_hash).where(
            User.email == "giamkhao@example.vn"))
    token = csrf_token(person, "/tai-khoan/dang-nhap")
    assert person.post(url, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD,
                                  "csrf_token": token}).status_code == 410
    with app.app_context():
        assert db.session.scalar(select(User.password_hash).where(
            User.email == "giamkhao@example.vn")) == before


def test_unknown_link_is_404_and_short_password_refused(app, client, login_as, outbox) -> None:
    assert app.test_client().get("/tai-khoan/kich-hoat/khong-co").status_code == 404
    login_as("organiser")
    url = INVITE_RE.search(_create(client).get_data(as_text=True)).group(0).removeprefix(
        "http://localhost")
    person = app.test_client()
    response = _set_password(person, url, "ngan")
    assert response.status_code == 422
    assert "Mật khẩu phải có ít nhất 8 ký tự" in response.get_data(as_text=True)
    assert person.get(url).status_code == 200  # still usable


def test_resend_voids_the_older_invitation(app, client, login_as, outbox) -> None:
    login_as("organiser")
    first = INVITE_RE.search(_create(client).get_data(as_text=True)).group(0)
    with app.app_context():
        user_id = db.session.scalar(select(User.id).where(User.email == "giamkhao@example.vn"))
    page = client.get(f"/ban-to-chuc/nguoi-dung/{user_id}").get_data(as_text=True)
    assert "Gửi lại lời mời" in page
    response = client.post(f"/ban-to-chuc/nguoi-dung/{user_id}/loi-moi",
                           data={"csrf_token": csrf_token(client, "/ban-to-chuc/nguoi-dung")})
    assert response.status_code == 200
    second = INVITE_RE.search(response.get_data(as_text=True)).group(0)
    assert second != first and len(outbox) == 2 and second in outbox[1].text
    old = app.test_client().get(first.removeprefix("http://localhost"))
    assert old.status_code == 410 and "đường dẫn mới hơn" in old.get_data(as_text=True)
    assert app.test_client().get(second.removeprefix("http://localhost")).status_code == 200


def test_create_refuses_bad_input_and_needs_a_role(app, client, login_as, outbox) -> None:
    existing = login_as("organiser")
    before = _users(app)
    response = _create(client, judge="", email=existing.email, phone="123")
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "Vui lòng chọn ít nhất một vai trò" in body
    assert "Email này đã có tài khoản" in body
    assert "Số điện thoại di động phải có 10 chữ số" in body
    assert _users(app) == before and outbox == []


def test_roles_are_shown_in_vietnamese(app, client, login_as, make_user) -> None:
    login_as("organiser")
    make_user(roles={"surveyor", "judge"}, full_name="Hai Vai Trò")
    page = client.get("/ban-to-chuc/nguoi-dung").get_data(as_text=True)
    assert "Giám khảo, Tổ thư ký / nhập phiếu khảo sát" in page
    assert "Ban tổ chức" in page
    assert "surveyor" not in page and "organiser," not in page
    form = client.get("/ban-to-chuc/nguoi-dung/tao-moi").get_data(as_text=True)
    for label in ("Giám khảo", "Ban tổ chức", "Tổ thư ký / nhập phiếu khảo sát"):
        assert label in form


# --- Excel lists ----------------------------------------------------------------------------

HEADER = ["Họ và tên", "Email", "Số điện thoại", "Vai trò"]


def _xlsx(rows) -> bytes:
    book = Book()
    sheet = book.sheet("Tài khoản")
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    return book.save()


def _upload(client, data: bytes, name: str = "tai-khoan.xlsx"):
    token = csrf_token(client, "/ban-to-chuc/nguoi-dung/nhap")
    return client.post("/ban-to-chuc/nguoi-dung/nhap", content_type="multipart/form-data",
                       data={"csrf_token": token, "file": (io.BytesIO(data), name)})


GOOD = [["Nguyễn Văn An", "an@example.vn", "0905000001", "Giám khảo"],
        ["Trần Thị Bình", "binh@example.vn", "0905000002", "Tổ thư ký"],
        ["Lê Văn Cường", "cuong@example.vn", "0905000003", "Ban tổ chức, Giám khảo"]]


def test_excel_list_with_a_bad_row_creates_nothing(app, client, login_as, outbox) -> None:
    organiser = login_as("organiser")
    before = _users(app)
    rows = [*GOOD, ["Đỗ Văn Dũng", organiser.email, "0905000009", "Giám khảo"],
            ["Hoàng Văn Em", "em@example.vn", "09050", "Chủ tịch"]]
    response = _upload(client, _xlsx(rows))
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "2 dòng có lỗi; chưa có tài khoản nào được tạo" in body
    assert "đã có tài khoản" in body and "Vai trò “Chủ tịch” không có" in body
    assert "Số điện thoại “09050”" in body
    assert "Sẽ tạo tài khoản và gửi lời mời" in body  # the good rows' outcome is listed too
    assert "Xác nhận tạo" not in body
    assert _users(app) == before and outbox == []


def test_excel_list_preview_then_confirm_creates_all(app, client, login_as, outbox) -> None:
    login_as("organiser")
    before = _users(app)
    response = _upload(client, _xlsx(GOOD))
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "Xem trước: 3 tài khoản sẽ được tạo" in body
    assert "Ban tổ chức, Giám khảo" in body or "Giám khảo, Ban tổ chức" in body
    assert _users(app) == before and outbox == []  # nothing written by the preview
    payload = re.search(r'name="confirm-payload"[^>]*value="([^"]+)"', body).group(1)
    token = re.search(r'name="confirm-csrf_token"[^>]*value="([^"]+)"', body).group(1)
    confirm = client.post("/ban-to-chuc/nguoi-dung/nhap", data={
        "step": "confirm", "confirm-payload": payload, "confirm-csrf_token": token})
    assert confirm.status_code == 201
    assert _users(app) == before + 3
    assert sorted(m.to for m in outbox) == ["an@example.vn", "binh@example.vn",
                                            "cuong@example.vn"]
    assert len(INVITE_RE.findall(confirm.get_data(as_text=True))) == 3
    with app.app_context():
        binh = db.session.scalar(select(User).where(User.email == "binh@example.vn"))
        cuong = db.session.scalar(select(User).where(User.email == "cuong@example.vn"))
        assert binh.roles == {"surveyor"} and cuong.roles == {"organiser", "judge"}
        assert db.session.scalar(select(func.count(AuditEvent.id)).where(
            AuditEvent.action == "user.create")) == 3
    # Confirming the same list again creates nothing (they exist now).
    again = client.post("/ban-to-chuc/nguoi-dung/nhap", data={
        "step": "confirm", "confirm-payload": payload, "confirm-csrf_token": token})
    assert again.status_code == 409 and _users(app) == before + 3


def test_tampered_confirmation_is_refused(app, client, login_as) -> None:
    login_as("organiser")
    body = _upload(client, _xlsx(GOOD)).get_data(as_text=True)
    token = re.search(r'name="confirm-csrf_token"[^>]*value="([^"]+)"', body).group(1)
    before = _users(app)
    response = client.post("/ban-to-chuc/nguoi-dung/nhap", data={
        "step": "confirm", "confirm-payload": "W1sxLCJ4Il1d.forged", "confirm-csrf_token": token})
    assert response.status_code == 400 and _users(app) == before


def test_unreadable_file_is_refused(app, client, login_as) -> None:
    login_as("organiser")
    response = _upload(client, b"PK\x03\x04 not a zip", "x.xlsx")
    assert response.status_code == 422
    assert "Không đọc được tệp" in response.get_data(as_text=True)


def test_template_download_reads_back_as_a_valid_list(app, client, login_as) -> None:
    login_as("organiser")
    response = client.get("/ban-to-chuc/nguoi-dung/mau-nhap-tai-khoan.xlsx")
    assert response.status_code == 200
    rows = read_rows(response.data)
    assert rows[0][1] == HEADER
    from contest_app.accounts import staff_import

    assert staff_import.parse_staff(rows).problems == []


# --- Permissions ----------------------------------------------------------------------------

PAGES = ["/ban-to-chuc/nguoi-dung/tao-moi", "/ban-to-chuc/nguoi-dung/nhap",
         "/ban-to-chuc/nguoi-dung/mau-nhap-tai-khoan.xlsx"]


@pytest.mark.parametrize("role", ["participant", "judge", "surveyor"])
def test_only_organisers_create_accounts_or_issue_links(app, client, login_as, make_user,
                                                        role, outbox) -> None:
    target = make_user()
    login_as(role)
    for url in PAGES:
        assert client.get(url).status_code == 403, url
    token = csrf_token(client, "/tai-khoan/doi-mat-khau")
    for url in ["/ban-to-chuc/nguoi-dung/tao-moi", "/ban-to-chuc/nguoi-dung/nhap",
                f"/ban-to-chuc/nguoi-dung/{target.id}/loi-moi",
                f"/ban-to-chuc/nguoi-dung/{target.id}/dat-lai-mat-khau"]:
        assert client.post(url, data={"csrf_token": token, "full_name": "X Y",
                                      "email": "x@example.vn", "phone": "0911000111",
                                      "organiser": "y"}).status_code == 403, url
    with app.app_context():
        assert db.session.scalar(select(func.count(AccountToken.id))) == 0
        assert db.session.scalar(select(User.id).where(User.email == "x@example.vn")) is None
    assert outbox == []


def test_anonymous_is_sent_to_login(client) -> None:
    for url in PAGES:
        response = client.get(url)
        assert response.status_code == 302 and "/tai-khoan/dang-nhap" in response.headers[
            "Location"]


def test_no_invitation_for_an_account_that_has_a_password(app, client, login_as, make_user,
                                                          outbox) -> None:
    participant = make_user()
    login_as("organiser")
    page = client.get(f"/ban-to-chuc/nguoi-dung/{participant.id}").get_data(as_text=True)
    assert "Gửi lại lời mời" not in page
    response = client.post(f"/ban-to-chuc/nguoi-dung/{participant.id}/loi-moi",
                           data={"csrf_token": csrf_token(client, "/ban-to-chuc/nguoi-dung")})
    assert response.status_code == 302 and outbox == []
    with app.app_context():
        assert db.session.scalar(select(func.count(AccountToken.id))) == 0


def test_a_racing_creation_is_refused_not_a_500(app, client, login_as, make_user, outbox,
                                                 monkeypatch) -> None:
    """The check passes, then another request takes the address: the constraint decides."""
    from contest_app.accounts import invitations

    taken = make_user(email="dua@example.vn")
    login_as("organiser")
    real = invitations.check_staff_account
    calls = {"n": 0}

    def first_check_misses(session, data):
        calls["n"] += 1
        return {} if calls["n"] == 1 else real(session, data)

    monkeypatch.setattr(invitations, "check_staff_account", first_check_misses)
    before = _users(app)
    response = _create(client, email=taken.email)
    assert response.status_code == 422
    assert "Email này đã có tài khoản" in response.get_data(as_text=True)
    assert _users(app) == before and outbox == []


def test_csv_list_and_size_limit(app, client, login_as) -> None:
    login_as("organiser")
    csv = ("Họ và tên;Email;Số điện thoại;Vai trò\n"
           "Nguyễn Văn An;an@example.vn;0905000001;Giám khảo\n").encode()
    preview = _upload(client, csv, "tai-khoan.csv")
    assert preview.status_code == 200
    assert "Xem trước: 1 tài khoản sẽ được tạo" in preview.get_data(as_text=True)
    too_big = _upload(client, b"a" * (2 * 1024 * 1024 + 1), "lon.csv")
    assert too_big.status_code == 413 and "Tệp quá lớn" in too_big.get_data(as_text=True)
