"""E-mail notifications with the console backend: who gets each kind, both parts in
Vietnamese, one-click unsubscribe (RFC 8058) without login, no second message on a rerun,
nothing of a kind for people who turned it off."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import func, select

from contest_app.accounts.models import User
from contest_app.extensions import db
from contest_app.notifications import rules, services
from contest_app.notifications.models import NotificationOptOut, NotificationSent
from contest_app.quiz.models import Contest, Round
from contest_app.rankings.models import PrizeTier
from tests import factories
from tests.conftest import csrf_token, login
from tests.integration.quiz.test_embed_widget import NAMES, publish, setup_contest

EMAILS = [f"w{i}@example.vn" for i in range(len(NAMES))]
LINK_RE = re.compile(r"<(http://localhost/thong-bao/huy-dang-ky/[^>]+)>")


def headers(message) -> dict[str, str]:
    return dict(message.headers)


def unsubscribe_path(message) -> str:
    url = LINK_RE.fullmatch(headers(message)["List-Unsubscribe"]).group(1)
    assert url in message.text and url in (message.html or "")
    return url.removeprefix("http://localhost")


def of_kind(outbox, subject_start: str) -> list:
    return [m for m in outbox if m.subject.startswith(subject_start)]


def add_prizes(app, contest_id: int, round_id: int) -> None:
    with app.app_context():
        db.session.add(PrizeTier(contest_id=contest_id, round_id=round_id, board_id=None,
                                 level=1, name="Giải Nhất", count=1, amount=2_000_000))
        db.session.add(PrizeTier(contest_id=contest_id, round_id=round_id, board_id=None,
                                 level=2, name="Giải Nhì", count=1, amount=1_000_000))
        contest = db.session.get(Contest, contest_id)
        contest.winner_instructions = "Mang theo căn cước công dân và giấy giới thiệu của đơn vị."
        db.session.commit()


def test_registration_confirmation_is_transactional(app, client, make_unit, outbox) -> None:
    unit = make_unit("Sở Tư pháp")
    response = client.post("/tai-khoan/dang-ky", data={
        "full_name": "Đặng Thị Thu Hà", "email": "thuha@example.vn", "phone": "0905123456",
        "unit_id": str(unit.id), "password": "mot-mat-khau", "confirm": "mot-mat-khau",
        "csrf_token": csrf_token(client, "/tai-khoan/dang-ky")})
    assert response.status_code == 302
    assert [m.to for m in outbox] == ["thuha@example.vn"]
    message = outbox[0]
    assert message.subject == "Xác nhận đăng ký tài khoản Hội thi CCHC"
    assert "Xin chào Đặng Thị Thu Hà," in message.text
    assert "Bạn đã đăng ký tài khoản thuha@example.vn" in message.text
    assert "http://localhost/tai-khoan/dang-nhap" in message.text
    assert "<p>Xin chào Đặng Thị Thu Hà,</p>" in message.html
    assert "List-Unsubscribe" not in headers(message)
    assert "huy-dang-ky" not in message.text + message.html
    email = message.as_email()
    assert [p.get_content_type() for p in email.iter_parts()] == ["text/plain", "text/html"]
    with app.app_context():
        user_id = db.session.scalar(select(User.id).where(User.email == "thuha@example.vn"))
        assert services.notify_registration(user_id) == 0  # a rerun sends nothing
    assert len(outbox) == 1


def test_api_registration_also_confirms(app, client, make_unit, outbox) -> None:
    unit = make_unit("Sở Nội vụ")
    response = client.post("/api/v1/users", json={
        "full_name": "Lò Văn Páo", "email": "pao@example.vn", "phone": "0905123457",
        "unit_id": unit.id, "password": "mot-mat-khau"})
    assert response.status_code == 201
    assert [m.to for m in outbox] == ["pao@example.vn"]


def test_results_and_winners_on_publication(app, client, clock, login_as, outbox) -> None:
    contest_id, round_id = setup_contest(app, clock)
    add_prizes(app, contest_id, round_id)
    login_as("organiser")
    assert publish(client, round_id).status_code == 302
    results = of_kind(outbox, "Kết quả Tuần 1 – Tìm hiểu CCHC tỉnh 2026")
    assert sorted(m.to for m in results) == sorted(EMAILS)
    first = next(m for m in results if m.to == "w0@example.vn")
    assert "Ban Tổ chức đã công bố kết quả Tuần 1 của Tìm hiểu CCHC tỉnh 2026." in first.text
    assert "Bạn xếp hạng 1 với 10 điểm." in first.text
    assert "Bạn xếp hạng 1 với 10 điểm." in first.html
    assert f"http://localhost/bang-xep-hang/vong-thi/{round_id}" in first.text
    assert headers(first)["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe_path(first)
    winners = of_kind(outbox, "Chúc mừng bạn đoạt giải")
    assert sorted(m.to for m in winners) == ["w0@example.vn", "w1@example.vn"]
    top = next(m for m in winners if m.to == "w0@example.vn")
    assert "Chúc mừng bạn đoạt Giải Nhất tại Tuần 1 của Tìm hiểu CCHC tỉnh 2026." in top.text
    assert "Mang theo căn cước công dân và giấy giới thiệu của đơn vị." in top.text
    assert "Mang theo căn cước công dân và giấy giới thiệu của đơn vị." in top.html
    assert len(outbox) == 8
    with app.app_context():
        assert services.notify_round_published(round_id) == 0
        assert db.session.scalar(select(func.count(NotificationSent.id))) == 8
    assert len(outbox) == 8


def test_one_click_unsubscribe_without_login(app, client, clock, login_as, outbox) -> None:
    contest_id, round_id = setup_contest(app, clock)
    login_as("organiser")
    publish(client, round_id)
    message = next(m for m in outbox if m.to == "w2@example.vn")
    path = unsubscribe_path(message)
    anonymous = app.test_client()
    page = anonymous.get(path)
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Địa chỉ w2@example.vn sẽ không nhận thư loại “Công bố kết quả” nữa." in text
    assert "Xác nhận ngừng nhận" in text
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(NotificationOptOut)) == 0
    # What a mail client sends for List-Unsubscribe-Post (RFC 8058): no cookie, no CSRF token.
    response = anonymous.post(path, data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert "Đã ngừng nhận thư" in response.get_data(as_text=True)
    assert anonymous.post(path, data={"List-Unsubscribe": "One-Click"}).status_code == 200
    with app.app_context():
        rows = db.session.execute(select(NotificationOptOut.kind, User.email).join(
            User, User.id == NotificationOptOut.user_id)).all()
    assert [tuple(r) for r in rows] == [(rules.RESULTS_PUBLISHED, "w2@example.vn")]


def test_bad_tokens_are_refused(app, client, clock) -> None:
    with app.test_request_context("/"):
        user_id = 1
        good = services.unsubscribe_token(user_id, rules.RESULTS_PUBLISHED)
        transactional = services.unsubscribe_token(user_id, rules.REGISTRATION)
    for token in (good[:-2] + "xx", transactional, "abc"):
        response = client.post(f"/thong-bao/huy-dang-ky/{token}")
        assert response.status_code == 404
        assert "Đường dẫn không hợp lệ" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(NotificationOptOut)) == 0


def test_unsubscribed_users_get_nothing_of_that_kind(app, client, clock, login_as,
                                                     outbox) -> None:
    contest_id, round_id = setup_contest(app, clock)
    add_prizes(app, contest_id, round_id)
    participant = app.test_client()
    login(participant, "w0@example.vn")
    prefs = participant.get("/tai-khoan/thong-bao").get_data(as_text=True)
    assert 'value="registration"' in prefs and "disabled" in prefs
    for kind in rules.OPTIONAL:
        assert f'value="{kind}" id="kind-{kind}" checked' in prefs
    # Keep everything but the results.
    response = participant.post("/tai-khoan/thong-bao", data={
        "csrf_token": csrf_token(participant, "/tai-khoan/thong-bao"),
        "kind": [rules.ROUND_OPENED, rules.WINNER, rules.JUDGE_ASSIGNMENT]})
    assert response.status_code == 302
    prefs = participant.get("/tai-khoan/thong-bao").get_data(as_text=True)
    assert f'value="{rules.RESULTS_PUBLISHED}" id="kind-{rules.RESULTS_PUBLISHED}" aria' in prefs
    login_as("organiser")
    publish(client, round_id)
    results = of_kind(outbox, "Kết quả Tuần 1")
    assert "w0@example.vn" not in [m.to for m in results] and len(results) == 5
    # Another kind still arrives.
    assert "w0@example.vn" in [m.to for m in of_kind(outbox, "Chúc mừng bạn đoạt giải")]


def test_preferences_need_login_and_csrf(app, client, make_user) -> None:
    assert client.get("/tai-khoan/thong-bao").status_code == 302
    user = make_user(email="pref@example.vn")
    login(client, user.email)
    response = client.post("/tai-khoan/thong-bao", data={"kind": []})
    assert response.status_code == 400
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(NotificationOptOut)) == 0


def test_round_opening_reaches_the_previous_rounds_participants(app, clock, outbox) -> None:
    contest_id, _closed = setup_contest(app, clock)
    with app.app_context():
        contest = db.session.get(Contest, contest_id)
        third = factories.round_(db.session, contest, clock.now(), title="Tuần 3",
                                 opens_delta=timedelta(days=7),
                                 closes_delta=timedelta(days=14))
        db.session.commit()
        third_id = third.id
        unsubscribed = db.session.scalar(select(User.id).where(User.email == "w5@example.vn"))
        services.set_opt_out(db.session, unsubscribed, rules.ROUND_OPENED, True)
        db.session.commit()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["notify", "due"])
    assert result.exit_code == 0, result.output
    assert "Đã gửi 5 thư báo vòng thi đã mở." in result.output
    assert sorted(m.to for m in outbox) == EMAILS[:5]  # Tuần 2 opened; w5 turned it off
    message = outbox[0]
    assert message.subject == "Tuần 2 của Tìm hiểu CCHC tỉnh 2026 đã mở"
    assert "Bạn đã tham gia vòng trước của Tìm hiểu CCHC tỉnh 2026. Tuần 2 đã mở." in message.text
    assert "Vòng thi kết thúc lúc 02/12/2026 10:00 (giờ Việt Nam)." in message.html
    assert "http://localhost/vong-thi/" in message.text
    unsubscribe_path(message)
    result = runner.invoke(args=["notify", "due"])
    assert "Đã gửi 0 thư báo vòng thi đã mở." in result.output and len(outbox) == 5
    # Tuần 3 is not open yet; once it is, only those who took part in Tuần 2 hear of it.
    with app.app_context():
        second = db.session.scalar(select(Round).where(Round.title == "Tuần 2"))
        w1 = db.session.scalar(select(User.id).where(User.email == "w1@example.vn"))
        factories.finished_attempt(db.session, second, w1, 7, 60_000,
                                   clock.now() + timedelta(minutes=5))
        db.session.commit()
        assert services.notify_round_opened(third_id) == 0
    clock.advance(days=7, minutes=1)
    with app.app_context():
        assert services.send_due() == {rules.ROUND_OPENED: 1}
    assert outbox[-1].to == "w1@example.vn" and outbox[-1].subject.startswith("Tuần 3")


def test_links_use_public_base_url_outside_a_request(app, clock, outbox, monkeypatch) -> None:
    setup_contest(app, clock)
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", "https://hoithi.example.vn")
    with app.app_context():
        assert services.send_due()[rules.ROUND_OPENED] == 6
    assert "https://hoithi.example.vn/vong-thi/" in outbox[0].text
    assert headers(outbox[0])["List-Unsubscribe"].startswith(
        "<https://hoithi.example.vn/thong-bao/huy-dang-ky/")


def test_winner_instructions_are_written_on_the_contest_page(app, client, clock,
                                                              login_as) -> None:
    contest_id, _ = setup_contest(app, clock)
    login_as("organiser")
    url = f"/ban-to-chuc/cuoc-thi/{contest_id}"
    page = client.get(url).get_data(as_text=True)
    assert "Dặn dò người đoạt giải" in page
    response = client.post(url, data={
        "csrf_token": csrf_token(client, url), "kind": "contest",
        "title": "Tìm hiểu CCHC tỉnh 2026", "description": "Mô tả", "rules_text": "Thể lệ",
        "published": "y", "winner_instructions": "  Mang theo căn cước.  "})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Contest, contest_id).winner_instructions == "Mang theo căn cước."
