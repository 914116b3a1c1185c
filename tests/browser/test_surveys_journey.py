"""Answering the demo survey on a phone-sized page (one section per screen, progress, answers
kept across a reload), then seeing the response counted in the organiser's results."""

from __future__ import annotations

import re

from playwright.sync_api import expect
from sqlalchemy import func, select

from contest_app.demo import load_units
from contest_app.extensions import db
from contest_app.surveys.demo import DEMO_TITLE, SAMPLE_RESPONSES, load_demo_survey
from contest_app.surveys.models import SurveyResponse
from tests.conftest import PASSWORD


def log_in(page, user) -> None:
    page.goto("/tai-khoan/dang-nhap")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_text("Đăng nhập thành công")).to_be_visible()


def answer_required_scales(page) -> None:
    """Choose "Hài lòng" (4th level) for every required question of the visible section."""
    section = page.locator("section.survey-section:visible")
    required = section.locator('fieldset.survey-q[data-kind="scale"][data-required="true"]')
    for i in range(required.count()):
        required.nth(i).locator("label.option").nth(3).click()


def test_answer_the_demo_survey_on_a_phone_and_see_it_counted(app, page, make_user) -> None:
    with app.app_context():
        load_units(db.session)
        survey_id = load_demo_survey(db.session).id
        db.session.commit()
    page.goto("/khao-sat/")
    page.get_by_role("link", name=re.compile(DEMO_TITLE)).click()
    progress = page.locator("#progress-label")
    expect(progress).to_have_text("Phần 1/7: Thông tin chung")
    expect(page.get_by_role("button", name="Gửi phiếu khảo sát")).to_be_hidden()
    page.get_by_label("Sở Tư pháp", exact=True).check()
    page.get_by_label("Trực tuyến", exact=True).check()
    page.get_by_role("button", name="Tiếp tục").click()
    expect(progress).to_have_text(re.compile(r"^Phần 2/7: Tiếp cận thông tin"))

    # A required question left blank keeps the respondent on the section, with the reason.
    page.get_by_role("button", name="Tiếp tục").click()
    expect(page.get_by_text("Vui lòng trả lời câu hỏi này.").first).to_be_visible()
    expect(progress).to_have_text(re.compile(r"^Phần 2/7"))
    answer_required_scales(page)
    page.get_by_role("button", name="Tiếp tục").click()
    expect(progress).to_have_text(re.compile(r"^Phần 3/7: Thủ tục hành chính"))
    answer_required_scales(page)

    # The connection drops and the page is reloaded: nothing typed is lost.
    page.wait_for_timeout(200)
    page.reload()
    expect(page.get_by_text("Đã khôi phục các câu trả lời")).to_be_visible()
    expect(progress).to_have_text(re.compile(r"^Phần 3/7"))
    expect(page.get_by_label("Sở Tư pháp", exact=True)).to_be_checked()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    for _ in range(4):
        page.get_by_role("button", name="Tiếp tục").click()
        answer_required_scales(page)
    expect(progress).to_have_text(re.compile(r"^Phần 7/7"))
    page.get_by_label("Ông/Bà có góp ý gì").fill("Nên có thêm chỗ ngồi chờ cho người cao tuổi.")
    # Offline at the moment of sending: the page says so and keeps everything for later.
    page.context.set_offline(True)
    page.get_by_role("button", name="Gửi phiếu khảo sát").click()
    expect(page.locator("#offline-banner")).to_be_visible()
    expect(progress).to_have_text(re.compile(r"^Phần 7/7"))
    page.context.set_offline(False)
    page.get_by_role("button", name="Gửi phiếu khảo sát").click()
    expect(page.get_by_role("heading", name="Cảm ơn Ông/Bà!")).to_be_visible()
    # The thank-you page's script forgets the kept answers once it runs.
    page.wait_for_function(f"localStorage.getItem('survey-answers-{survey_id}') === null")
    with app.app_context():
        total = db.session.scalar(select(func.count(SurveyResponse.id)))
    assert total == SAMPLE_RESPONSES + 1

    # The same browser cannot send a second response.
    page.goto(f"/khao-sat/{survey_id}")
    expect(page.get_by_text("Trình duyệt này đã gửi phiếu cho khảo sát này.")).to_be_visible()

    log_in(page, make_user(roles={"organiser"}))
    page.goto(f"/ban-to-chuc/khao-sat/{survey_id}/ket-qua")
    expect(page.locator("#total-responses")).to_have_text(str(SAMPLE_RESPONSES + 1))
    expect(page.locator("#breakdown-unit")).to_contain_text("Sở Tư pháp")
    page.goto(f"/ban-to-chuc/khao-sat/{survey_id}/y-kien?q=nguoi+cao+tuoi")
    expect(page.get_by_text("Nên có thêm chỗ ngồi chờ cho người cao tuổi.")).to_be_visible()


def test_surveyor_types_in_a_paper_form_with_the_keyboard(app, page, make_user) -> None:
    with app.app_context():
        load_units(db.session)
        survey_id = load_demo_survey(db.session, sample_responses=0).id
        db.session.commit()
    log_in(page, make_user(roles={"surveyor"}))
    page.goto(f"/ban-to-chuc/khao-sat/{survey_id}/nhap-phieu")
    first = page.locator("fieldset.survey-q").first
    expect(first.locator("input").first).to_be_focused()
    page.keyboard.press("2")  # procedure: the 2nd option, then on to the unit question
    expect(first.locator("input").nth(1)).to_be_checked()
    second = page.locator("fieldset.survey-q").nth(1)
    expect(second.locator("input").first).to_be_focused()
    page.keyboard.press("Control+Enter")
    expect(page.get_by_text(re.compile(r"Đã lưu phiếu số \d+ \(Phiếu giấy\)"))).to_be_visible()
    expect(page.get_by_text("Bạn đã nhập 1 phiếu")).to_be_visible()
    with app.app_context():
        row = db.session.execute(select(SurveyResponse.source)).one()
    assert row.source == "paper"
