"""The home page on a 390x844 phone: the open round's countdown (running), the number of
participants and the "Vào thi" button are all in the first screen, without scrolling; the
rankings and documents come below."""

from __future__ import annotations

import re
from datetime import timedelta

from playwright.sync_api import expect

from contest_app import clock
from contest_app.accounts import services as account_services
from contest_app.extensions import db
from tests import factories

from .test_accessibility import violations

VIEWPORT_HEIGHT = 844


def in_first_screen(locator) -> bool:
    box = locator.bounding_box()
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= VIEWPORT_HEIGHT


def test_countdown_count_and_enter_button_in_the_first_phone_screen(app, page) -> None:
    with app.app_context():
        now = clock.now()
        contest = factories.contest(
            db.session, title="Cuộc thi trực tuyến tìm hiểu chính sách, pháp luật về cải cách "
                              "hành chính tỉnh năm 2026")
        week = factories.round_(db.session, contest, now, title="Tuần thi thứ 2",
                                opens_delta=timedelta(days=-1),
                                closes_delta=timedelta(days=2, hours=3))
        for i in range(3):
            user = account_services.create_user(
                db.session, email=f"home{i}@example.vn", full_name=f"Người {i}",
                phone=f"0966{i:06d}", password="mat-khau-123", unit_id=None, roles=set())
            db.session.flush()
            factories.finished_attempt(db.session, week, user.id, 5, 60_000,
                                       now - timedelta(hours=1))
        db.session.commit()
        round_id = week.id
    page.goto("/")
    timer = page.locator("#home-countdown")
    expect(timer).to_be_visible()
    expect(timer).to_have_text(re.compile(r"^2 ngày \d\d:\d\d:\d\d$"))
    first = timer.text_content()
    page.wait_for_timeout(1200)
    assert timer.text_content() != first  # it counts down
    count = page.locator("#home-participants")
    expect(count).to_have_text(re.compile(r"^3 người đã tham gia$"))
    enter = page.get_by_role("link", name="Vào thi")
    expect(enter).to_be_visible()
    for locator in (timer, count, enter, page.locator("#home-end")):
        assert in_first_screen(locator), locator
    assert enter.bounding_box()["height"] >= 44
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert violations(page) == []
    enter.click()
    expect(page).to_have_url(re.compile(rf"/vong-thi/{round_id}$"))


def test_without_javascript_the_end_time_is_shown(app, browser, live_server) -> None:
    with app.app_context():
        now = clock.now()
        contest = factories.contest(db.session, title="Cuộc thi không JavaScript")
        factories.round_(db.session, contest, now, opens_delta=timedelta(days=-1),
                         closes_delta=timedelta(days=1))
        db.session.commit()
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False,
                                  viewport={"width": 390, "height": 844})
    try:
        pg = context.new_page()
        pg.goto("/")
        end = pg.locator("#home-end")
        expect(end).to_have_text(re.compile(
            r"^Kết thúc lúc \d\d/\d\d/\d{4} \d\d:\d\d \(giờ Việt Nam\)$"))
        expect(pg.locator("#home-countdown")).to_be_hidden()
        assert in_first_screen(end) and in_first_screen(pg.get_by_role("link", name="Vào thi"))
    finally:
        context.close()


def test_error_pages_pass_axe_on_a_phone(page) -> None:
    response = page.goto("/khong-co-trang-nay")
    assert response.status == 404
    expect(page.get_by_role("heading", name="Không tìm thấy trang")).to_be_visible()
    expect(page.get_by_role("link", name="Về trang chủ")).to_be_visible()
    assert violations(page) == []
