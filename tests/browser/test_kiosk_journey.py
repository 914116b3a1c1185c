"""A survey kiosk on a shared tablet: a staff member starts kiosk mode, two citizens answer in a
row on the same browser, the screen returns to an empty form after each (nothing of the
previous citizen on screen, in the form or in localStorage), and each answer is tagged with the
kiosk session."""

from __future__ import annotations

import re
from datetime import timedelta

from playwright.sync_api import expect
from sqlalchemy import select

from contest_app import clock
from contest_app.demo import load_units
from contest_app.extensions import db
from contest_app.surveys import design
from contest_app.surveys.models import SurveyKiosk, SurveyResponse

from .test_accessibility import violations
from .test_surveys_journey import log_in

COMMENT = "Tôi là Nguyễn Văn A, số điện thoại 0912345678"


def fill_survey(page, pick: int, comment: str | None) -> None:
    """Answer every required question section by section, then send the form."""
    submit = page.get_by_role("button", name="Gửi phiếu khảo sát")
    for _ in range(20):
        section = page.locator("section.survey-section:visible")
        required = section.locator('fieldset.survey-q[data-required="true"]')
        for i in range(required.count()):
            fs = required.nth(i)
            options = fs.locator("label.option")
            if options.count():
                options.nth(min(pick, options.count() - 1)).click()
            else:
                fs.locator("input, textarea").first.fill("5")
        if comment:
            boxes = section.locator("textarea")
            for i in range(boxes.count()):
                boxes.nth(i).fill(comment)
        if submit.is_visible():
            submit.click()
            return
        section.get_by_role("button", name="Tiếp tục").click()
    raise AssertionError("the survey never reached its last section")


def test_two_citizens_answer_in_a_row_on_one_kiosk(app, page, live_server, make_user) -> None:
    served = live_server.app
    saved = {k: served.config.get(k) for k in ("SURVEY_KIOSK_INTERVAL_SECONDS",
                                               "SURVEY_KIOSK_RESET_SECONDS")}
    served.config.update(SURVEY_KIOSK_INTERVAL_SECONDS=1, SURVEY_KIOSK_RESET_SECONDS=2)
    try:
        with app.app_context():
            load_units(db.session)
            now = clock.now()
            survey = design.create_from_template(db.session, None, "Khảo sát tại quầy", now,
                                                 opens_at=now - timedelta(hours=1),
                                                 closes_at=now + timedelta(days=1))
            survey.published = True
            db.session.commit()
            survey_id = survey.id
        staff = make_user(roles={"surveyor"})
        log_in(page, staff)
        page.goto(f"/kiosk/khao-sat/{survey_id}")
        page.on("dialog", lambda dialog: dialog.accept())
        page.get_by_role("button", name="Bắt đầu chế độ kiosk trên thiết bị này").click()
        expect(page).to_have_url(re.compile(r"/kiosk/$"))
        expect(page.get_by_role("heading", name="Khảo sát tại quầy")).to_be_visible()
        assert violations(page) == []
        # Only the survey: no site navigation, and other pages lead back to it.
        expect(page.get_by_role("link", name="Đăng nhập")).to_have_count(0)
        page.goto("/tai-khoan/dang-nhap")
        expect(page).to_have_url(re.compile(r"/kiosk/$"))

        # First citizen: answers, with a comment naming themselves.
        fill_survey(page, pick=3, comment=COMMENT)
        expect(page.get_by_role("heading", name="Cảm ơn Ông/Bà!")).to_be_visible()
        expect(page.get_by_role("link", name="Người tiếp theo")).to_be_visible()
        # The thank-you screen returns to an empty form by itself.
        expect(page.get_by_role("button", name="Tiếp tục").first).to_be_visible(timeout=8000)
        expect(page).to_have_url(re.compile(r"/kiosk/$"))
        assert page.locator("input:checked").count() == 0
        assert page.locator("textarea").evaluate_all(
            "els => els.filter(e => e.value !== '').length") == 0
        assert COMMENT not in page.content()
        assert page.evaluate("Object.keys(window.localStorage).length") == 0
        expect(page.locator("#survey-form")).to_have_attribute("autocomplete", "off")

        # Second citizen, then "Người tiếp theo" for the third.
        page.wait_for_timeout(1100)  # the kiosk's pace (1 s here, 20 s by default)
        fill_survey(page, pick=4, comment=None)
        expect(page.get_by_role("heading", name="Cảm ơn Ông/Bà!")).to_be_visible()
        page.get_by_role("link", name="Người tiếp theo").click()
        expect(page).to_have_url(re.compile(r"/kiosk/$"))
        assert page.locator("input:checked").count() == 0

        # The thank-you and staff pages pass axe too (the screen held still for the check).
        served.config["SURVEY_KIOSK_RESET_SECONDS"] = 60
        for path in ("/kiosk/cam-on", "/kiosk/dung"):
            page.goto(path)
            assert violations(page) == [], path

        with app.app_context():
            rows = db.session.scalars(select(SurveyResponse).where(
                SurveyResponse.survey_id == survey_id)).all()
            kiosk_ids = {k.id for k in db.session.scalars(select(SurveyKiosk))}
        assert len(rows) == 2 and {r.kiosk_id for r in rows} <= kiosk_ids and all(
            r.kiosk_id for r in rows)
    finally:
        for key, value in saved.items():
            if value is None:
                served.config.pop(key, None)
            else:
                served.config[key] = value
