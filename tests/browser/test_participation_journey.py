"""Joining a contest with two boards on a phone: the round asks to join first, the participant
picks a board, is granted extra time and starts the official round in their board with a
countdown that includes it."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from playwright.sync_api import expect
from sqlalchemy import select

from contest_app.extensions import db
from contest_app.quiz.models import Attempt, Participation
from tests import factories
from tests.conftest import PASSWORD


def test_join_a_board_and_start_the_official_round(page, app, make_user) -> None:
    with app.app_context():
        factories.bank(db.session, 8)
        contest = factories.contest(db.session, title="Cuộc thi có hai bảng",
                                    boards=["Cán bộ, công chức", "Người dân"])
        rnd = factories.round_(db.session, contest, datetime.now(UTC), question_count=3,
                               title="Tuần 1", time_limit_s=600)
        db.session.commit()
        contest_id, round_id = contest.id, rnd.id
        citizens = next(b.id for b in contest.boards if b.name == "Người dân")
    user = make_user()
    page.goto("/tai-khoan/dang-nhap")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_text("Đăng nhập thành công")).to_be_visible()

    page.goto(f"/cuoc-thi/{contest_id}")
    expect(page.get_by_role("heading", name="Đăng ký dự thi")).to_be_visible()
    page.get_by_role("link", name="Tuần 1").click()
    # Starting before joining is refused with a clear message and a way to join.
    page.get_by_role("button", name="Bắt đầu làm bài").click()
    expect(page.get_by_text("Bạn cần chọn bảng thi trước khi bắt đầu làm bài.")).to_be_visible()
    page.locator(".alert-info").get_by_role("link", name="Tham gia cuộc thi").click()
    expect(page.get_by_role("heading", name="Tham gia cuộc thi")).to_be_visible()
    page.get_by_role("button", name="Xác nhận tham gia").click()
    expect(page.get_by_text("Vui lòng chọn bảng thi.")).to_be_visible()
    page.get_by_label("Người dân").check()
    page.get_by_role("button", name="Xác nhận tham gia").click()
    expect(page.get_by_text("Bạn đã tham gia cuộc thi, bảng Người dân.")).to_be_visible()
    expect(page).to_have_url(re.compile(rf"/vong-thi/{round_id}$"))
    # The organisers grant this participant 5 extra minutes: the countdown includes them.
    from contest_app.quiz import admin
    from contest_app.quiz.models import Round

    with app.app_context():
        admin.grant_extra_time(db.session, None, db.session.get(Round, round_id), user.id, 5,
                               datetime.now(UTC))
        db.session.commit()
    page.get_by_role("button", name="Bắt đầu làm bài").click()
    expect(page.locator("#timer")).to_have_text(re.compile(r"^(15:00|14:5\d)$"))
    expect(page.locator(".nav-q")).to_have_count(3)
    # The join page now shows the board taken; the other one cannot be picked.
    page.goto(f"/cuoc-thi/{contest_id}/tham-gia")
    expect(page.get_by_label("Người dân")).to_be_checked()
    expect(page.get_by_label("Cán bộ, công chức")).to_be_disabled()
    with app.app_context():
        assert db.session.scalar(select(Participation.board_id).where(
            Participation.user_id == user.id)) == citizens
        assert db.session.scalar(select(Attempt.board_id).where(
            Attempt.round_id == round_id, Attempt.user_id == user.id)) == citizens
