"""Taking a quiz in a real browser on a phone-sized screen: a whole quiz with review, the timer
running out by itself, and a reload in the middle that keeps answers and time."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from playwright.sync_api import expect

from contest_app.extensions import db
from tests import factories
from tests.conftest import PASSWORD


@pytest.fixture
def round_for(app):
    def build(**fields) -> int:
        with app.app_context():
            factories.bank(db.session, 8)
            contest = factories.contest(db.session, title="Cuộc thi trên trình duyệt")
            rnd = factories.round_(db.session, contest, datetime.now(UTC), **fields)
            db.session.commit()
            return rnd.id
    return build


def log_in(page, user) -> None:
    page.goto("/tai-khoan/dang-nhap")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_text("Đăng nhập thành công")).to_be_visible()


def answer_first_option(page, position: int) -> None:
    page.locator(f"#q{position} label.option").first.click()
    expect(page.locator(f"#q{position} .save-state")).to_have_text("Đã lưu ✓")


def test_take_a_whole_quiz_and_see_the_review(page, make_user, round_for) -> None:
    round_id = round_for(question_count=4, time_limit_s=600, prediction_kind="full_marks")
    log_in(page, make_user())
    page.goto(f"/vong-thi/{round_id}")
    page.get_by_role("button", name="Bắt đầu làm bài").click()
    expect(page.locator("#timer")).to_have_text(re.compile(r"^(10:00|09:5\d)$"))
    for position in range(1, 4):  # leave question 4 unanswered
        answer_first_option(page, position)
    expect(page.locator(".nav-q.answered")).to_have_count(3)
    page.get_by_label(re.compile("Câu hỏi dự đoán")).fill("12")
    page.get_by_label(re.compile("Câu hỏi dự đoán")).blur()
    page.get_by_role("button", name="Nộp bài").click()
    dialog = page.locator("#confirm-submit")
    expect(dialog).to_contain_text("Bạn chưa trả lời các câu: 4.")
    dialog.get_by_role("button", name="Nộp bài").click()
    expect(page.get_by_role("heading", name=re.compile("Kết quả"))).to_be_visible()
    expect(page.locator("#score")).to_have_text(re.compile(r"^[0-3]/4$"))
    expect(page.get_by_text("Dự đoán của bạn: 12")).to_be_visible()
    expect(page.get_by_text("Căn cứ pháp lý").first).to_be_visible()
    expect(page.get_by_text("Chưa trả lời")).to_be_visible()


def test_timer_runs_out_and_submits_by_itself(page, make_user, round_for) -> None:
    round_id = round_for(question_count=3, time_limit_s=4)
    log_in(page, make_user())
    page.goto(f"/vong-thi/{round_id}")
    page.get_by_role("button", name="Bắt đầu làm bài").click()
    answer_first_option(page, 1)
    expect(page.locator("#timer")).to_have_class(re.compile("text-bg-danger"))
    expect(page.get_by_role("heading", name=re.compile("Kết quả"))).to_be_visible(timeout=15_000)
    expect(page.locator("#score")).to_have_text(re.compile(r"^[01]/3$"))


def test_reload_keeps_answers_and_remaining_time(page, make_user, round_for) -> None:
    round_id = round_for(question_count=4, time_limit_s=600)
    log_in(page, make_user())
    page.goto(f"/vong-thi/{round_id}")
    page.get_by_role("button", name="Bắt đầu làm bài").click()
    answer_first_option(page, 1)
    page.locator("#q2 label.option").nth(1).click()
    expect(page.locator("#q2 .save-state")).to_have_text("Đã lưu ✓")
    page.wait_for_timeout(1200)
    page.reload()
    expect(page.locator("#q1 input").first).to_be_checked()
    expect(page.locator("#q2 input").nth(1)).to_be_checked()
    expect(page.locator("#q3 input:checked")).to_have_count(0)
    expect(page.locator(".nav-q.answered")).to_have_count(2)
    remaining = page.locator("#timer").inner_text()
    minutes, seconds = (int(x) for x in remaining.split(":"))
    assert 9 * 60 <= minutes * 60 + seconds < 600  # the server's time, not a fresh 10:00
