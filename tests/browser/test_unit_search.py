"""Long lists of units and of communes/wards found by typing without diacritics (issue 23,
phone comfort): on the registration page and in the ranking's unit filter; without
JavaScript the plain list and the server's search still work."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from contest_app.accounts.models import Unit, Ward
from contest_app.extensions import db
from tests import factories


@pytest.fixture
def long_lists(app) -> None:
    with app.app_context():
        db.session.add_all([Ward(name=f"Xã Số {i:03d}") for i in range(120)])
        db.session.add_all([Ward(name="Phường Bến Nghé"), Ward(name="Phường Bến Thành"),
                            Ward(name="Xã Nghĩa Hưng")])
        db.session.add_all([Unit(name=f"UBND xã Số {i:03d}") for i in range(110)])
        db.session.add_all([Unit(name="Sở Nội vụ"), Unit(name="Sở Tư pháp")])
        db.session.commit()


def test_registration_lists_are_searched_without_diacritics(page, long_lists) -> None:
    page.goto("/tai-khoan/dang-ky")
    units = page.get_by_label("Đơn vị", exact=True)
    expect(units.locator("option")).to_have_count(113)
    page.get_by_label("Tìm theo tên cơ quan").fill("so noi")
    expect(units.locator("option")).to_have_text(["— Chọn đơn vị —", "Sở Nội vụ"])
    expect(page.locator("#unit-search-count")).to_have_text("1 / 112")
    page.get_by_role("radio", name="Người dân / doanh nghiệp").check()
    search = page.get_by_label("Tìm theo tên xã, phường")
    wards = page.get_by_label("Xã, phường nơi cư trú")
    search.fill("phuong ben nghe")
    expect(wards.locator("option")).to_have_text(["— Chọn xã, phường —", "Phường Bến Nghé"])
    # Enter in the box does not post the registration form; it moves on to the list.
    search.press("Enter")
    expect(wards).to_be_focused()
    wards.select_option(label="Phường Bến Nghé")
    search.fill("ben")  # the choice made stays while the list narrows around it
    expect(wards.locator("option")).to_have_count(3)
    expect(wards).to_have_value(wards.locator("option", has_text="Phường Bến Nghé")
                                .get_attribute("value"))


def test_without_javascript_the_server_searches(browser, live_server, long_lists) -> None:
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False,
                                  viewport={"width": 390, "height": 844})
    try:
        page = context.new_page()
        page.goto("/tai-khoan/dang-ky")
        page.get_by_label("Tìm theo tên xã, phường").fill("PHUONG ben")
        page.locator("#ward-search-q ~ button").click()
        wards = page.get_by_label("Xã, phường nơi cư trú")
        expect(wards.locator("option")).to_have_text(
            ["— Chọn xã, phường —", "Phường Bến Nghé", "Phường Bến Thành"])
        assert "tim_xa=PHUONG+ben" in page.url
    finally:
        context.close()


def test_the_ranking_unit_filter_is_searchable(page, app, long_lists) -> None:
    from contest_app.quiz.models import Round
    from contest_app.rankings import services as rankings

    with app.app_context():
        factories.bank(db.session, 4)
        contest = factories.contest(db.session, title="Cuộc thi có nhiều đơn vị")
        rnd = factories.round_(db.session, contest, datetime.now(UTC), question_count=3,
                               opens_delta=timedelta(days=-8), closes_delta=timedelta(days=-1))
        db.session.commit()
        rankings.publish_round(db.session, None, db.session.get(Round, rnd.id),
                               datetime.now(UTC))
        db.session.commit()
        round_id = rnd.id
    page.goto(f"/bang-xep-hang/vong-thi/{round_id}")
    units = page.get_by_label("Đơn vị", exact=True)
    page.get_by_label("Tìm theo tên cơ quan").fill("so tu phap")
    expect(units.locator("option")).to_have_text(["Tất cả đơn vị", "Sở Tư pháp"])
    units.select_option(label="Sở Tư pháp")
    page.get_by_role("button", name="Tìm", exact=True).click()
    assert "don_vi=" in page.url
