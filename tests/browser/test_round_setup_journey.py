"""Round set-up in a browser (issue 15, point 6): the contest's rules folded behind "Xem thể lệ"
on a phone and open on a wide screen; "Thêm dòng" adding a blueprint row in place."""

from __future__ import annotations

from datetime import UTC, datetime

from playwright.sync_api import expect
from sqlalchemy import select

from contest_app.extensions import db
from contest_app.quiz.models import Round
from tests import factories
from tests.conftest import PASSWORD


def test_rules_folded_on_a_phone_and_open_on_a_wide_screen(page, browser, live_server,
                                                          app) -> None:
    with app.app_context():
        contest = factories.contest(db.session, title="Cuộc thi có thể lệ dài")
        contest.rules_text = "Điều 1. Đối tượng dự thi.\n" * 40 + "Điều cuối. Hiệu lực."
        db.session.commit()
        contest_id = contest.id
    page.goto(f"/cuoc-thi/{contest_id}")
    last = page.get_by_text("Điều cuối. Hiệu lực.")
    expect(last).to_be_hidden()
    page.get_by_text("Xem thể lệ").click()
    expect(last).to_be_visible()
    wide = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 800})
    try:
        desk = wide.new_page()
        desk.goto(f"/cuoc-thi/{contest_id}")
        expect(desk.get_by_text("Điều cuối. Hiệu lực.")).to_be_visible()
    finally:
        wide.close()


def test_add_line_adds_a_row_in_place(page, app, make_user) -> None:
    with app.app_context():
        factories.bank(db.session, 12)
        contest = factories.contest(db.session, title="Cuộc thi mới")
        db.session.commit()
        contest_id = contest.id
    organiser = make_user(roles={"organiser"})
    page.goto("/tai-khoan/dang-nhap")
    page.get_by_label("Email").fill(organiser.email)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.goto(f"/ban-to-chuc/cuoc-thi/{contest_id}/vong-thi/moi")
    page.get_by_label("Tên vòng thi").fill("Tuần mở rộng")
    # A text field, not the browser's date picker (mm/dd/yyyy and AM/PM on an English phone).
    expect(page.get_by_label("Mở lúc")).to_have_attribute("type", "text")
    expect(page.get_by_label("Mở lúc")).to_have_attribute("placeholder", "dd/mm/yyyy HH:MM")
    page.get_by_label("Mở lúc").fill("10/12/2030 10:00")
    page.get_by_label("Đóng lúc").fill("17/12/2030 09:00")
    page.get_by_label("Số câu hỏi", exact=True).fill("7")
    page.get_by_label("Thời gian làm bài (phút)").fill("10")
    counts = page.locator("input[name$='-count']")
    expect(counts).to_have_count(6)
    page.evaluate("window.sameDocument = true")
    page.get_by_role("button", name="Thêm dòng").click()
    expect(counts).to_have_count(7)
    assert page.evaluate("window.sameDocument === true")  # added in place, no round trip
    expect(page.locator("select[name='lines-6-topic_id']")).to_be_focused()
    for i in range(7):
        page.locator(f"input[name='lines-{i}-count']").fill("1")
    page.get_by_role("button", name="Lưu vòng thi").click()
    expect(page.get_by_text("Đã lưu vòng thi.")).to_be_visible()
    with app.app_context():
        rnd = db.session.scalar(select(Round).where(Round.contest_id == contest_id))
        assert len(rnd.blueprint) == 7
        # typed in Việt Nam time (UTC+7), stored in UTC
        assert rnd.opens_at.astimezone(UTC) == datetime(2030, 12, 10, 3, 0, tzinfo=UTC)
