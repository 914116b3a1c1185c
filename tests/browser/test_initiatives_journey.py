"""An initiative from submission to published results, in a real browser on a phone-sized
screen: the author submits with an attachment, the organiser assigns judges automatically, two
judges review blind, the organiser decides and publishes, and anyone sees the results."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from playwright.sync_api import expect

from contest_app.extensions import db
from contest_app.initiatives import rules
from contest_app.initiatives.forms import DEFAULT_CRITERIA
from contest_app.initiatives.models import Criterion, InitiativeCall
from tests.conftest import PASSWORD
from tests.unit.initiatives.samples import PDF

TITLE = "Hẹn giờ nộp hồ sơ qua Zalo"


def log_in(page, user) -> None:
    page.context.clear_cookies()
    page.goto("/tai-khoan/dang-nhap")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_text("Đăng nhập thành công")).to_be_visible()


def review(page, judge, scores: list[int], comment: str) -> None:
    log_in(page, judge)
    page.goto("/giam-khao/")
    expect(page.locator("#progress")).to_have_text("0/1 đã chấm")
    page.get_by_role("link", name=re.compile(TITLE)).click()
    expect(page.get_by_text("Nguyễn Tác Giả")).to_have_count(0)
    expect(page.get_by_text("Phường Thử Nghiệm")).to_have_count(0)
    for criterion, score in zip(DEFAULT_CRITERIA, scores, strict=True):
        page.get_by_label(re.compile(criterion[0])).fill(str(score))
    page.get_by_label("Nhận xét").fill(comment)
    page.get_by_role("button", name="Gửi phiếu chấm").click()
    expect(page.get_by_text("Đã gửi phiếu chấm.")).to_be_visible()


def test_submit_assign_review_decide_publish(app, page, make_user, make_unit) -> None:
    page.on("dialog", lambda dialog: dialog.accept())
    organiser = make_user(roles={"organiser"}, full_name="Ban Tổ Chức")
    judge1 = make_user(roles={"judge"}, full_name="Giám Khảo Một")
    judge2 = make_user(roles={"judge"}, full_name="Giám Khảo Hai")
    author = make_user(full_name="Nguyễn Tác Giả", unit=make_unit("UBND Phường Thử Nghiệm"))
    with app.app_context():
        now = datetime.now(UTC)
        db.session.add(InitiativeCall(
            title="Sáng kiến CCHC trên trình duyệt", submission_deadline=now + timedelta(days=7),
            review_deadline=now + timedelta(days=14), fields=list(rules.REFORM_FIELDS),
            judges_per_submission=2,
            criteria=[Criterion(name=n, description=d, weight=w, scale=s, position=i)
                      for i, (n, d, w, s) in enumerate(DEFAULT_CRITERIA)]))
        db.session.commit()

    # The author submits with an attachment.
    log_in(page, author)
    page.goto("/sang-kien/")
    page.get_by_role("link", name=re.compile("Sáng kiến CCHC trên trình duyệt")).click()
    page.get_by_role("link", name="Gửi sáng kiến").click()
    page.get_by_label("Tên sáng kiến, giải pháp").fill(TITLE)
    page.get_by_label("Lĩnh vực").select_option(label="Cải cách thủ tục hành chính")
    page.get_by_label("Thực trạng, vấn đề cần giải quyết").fill("Người dân chờ lâu.")
    page.get_by_label("Nội dung giải pháp, điểm mới").fill("Hẹn giờ qua Zalo OA.")
    page.get_by_label("Hiệu quả, lợi ích mang lại").fill("Giảm thời gian chờ 70%.")
    page.get_by_label(re.compile("Đồng tác giả")).fill("Lê Đồng Tác")
    page.get_by_label(re.compile("Tệp đính kèm")).set_input_files(
        files=[{"name": "Thuyết minh.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    page.get_by_role("button", name="Nộp sáng kiến").click()
    expect(page.get_by_text("Đã nộp sáng kiến.")).to_be_visible()
    expect(page.get_by_role("link", name="Thuyết minh.pdf")).to_be_visible()
    expect(page.locator("#status")).to_have_text("Đã nộp")

    # The organiser assigns judges automatically.
    log_in(page, organiser)
    page.goto("/ban-to-chuc/")
    page.get_by_role("link", name="Sáng kiến CCHC").click()
    page.get_by_role("link", name="Bảng chấm").click()
    page.get_by_role("button", name="Phân công tự động").click()
    expect(page.get_by_text("Đã phân công tự động 2 lượt chấm.")).to_be_visible()
    expect(page.locator("#judge-progress")).to_contain_text("0/1 đã chấm")

    # Two judges review, blind; before the review deadline the second does not see the
    # first's review, even after sending their own (the default of a call).
    review(page, judge1, [8, 7, 9, 6], "Giải pháp thiết thực, dễ nhân rộng.")
    review(page, judge2, [6, 6, 7, 5], "Cần số liệu đánh giá đầy đủ hơn.")
    expect(page.get_by_text(re.compile("chỉ hiển thị sau khi hết hạn chấm"))).to_be_visible()
    expect(page.get_by_text("Giải pháp thiết thực, dễ nhân rộng.")).to_have_count(0)

    # The organiser decides and publishes.
    log_in(page, organiser)
    page.goto("/ban-to-chuc/sang-kien/")
    page.get_by_role("link", name="Bảng chấm").click()
    table = page.locator("#judging-table")
    expect(table).to_contain_text("69,00")  # (77 + 61) / 2
    table.get_by_role("link", name=TITLE).click()
    page.get_by_label("Quyết định").select_option(label="Trao giải")
    page.get_by_label("Mức giải").select_option(label="Giải Nhất")
    page.get_by_role("button", name="Ghi quyết định").click()
    expect(page.get_by_text("Đã ghi quyết định.")).to_be_visible()
    page.get_by_label(re.compile("Tôi xác nhận công bố kết quả")).check()
    page.get_by_role("button", name="Công bố kết quả").click()
    expect(page.get_by_text("Đã công bố kết quả.")).to_be_visible()

    # Anyone sees the results; the author sees the award and the judges' comments.
    page.context.clear_cookies()
    page.goto(page.url)
    results = page.locator("#results")
    expect(results).to_contain_text(TITLE)
    expect(results).to_contain_text("Giải Nhất")
    # Each person on their own line, beside their unit.
    people = results.locator(".results-people li")
    expect(people).to_have_count(2)
    expect(people.nth(0)).to_have_text(re.compile(
        r"Tác giả:\s+Nguyễn Tác Giả — UBND Phường Thử Nghiệm"))
    expect(people.nth(1)).to_have_text(re.compile(r"Đồng tác giả:\s+Lê Đồng Tác — chưa ghi đơn vị"))
    log_in(page, author)
    page.goto("/sang-kien/")
    page.get_by_role("link", name=re.compile(TITLE)).click()
    expect(page.locator("#status")).to_have_text("Đạt giải")
    expect(page.get_by_text("Cần số liệu đánh giá đầy đủ hơn.")).to_be_visible()


TABLET = {"width": 820, "height": 1180}


def test_live_final_scoring_with_the_timer_on_a_tablet(app, browser, live_server, make_user,
                                                      make_unit) -> None:
    """The secretary starts a team's timer; the judge's tablet shows it running from the
    server's start time, the judge scores the team, and the secretary sees the score."""
    from contest_app.initiatives.final_models import FinalCriterion, Finalist, FinalRound
    from contest_app.initiatives.models import Initiative, Review
    from tests.browser.test_accessibility import violations

    secretary = make_user(roles={"organiser"}, full_name="Thư Ký Hội Đồng")
    judge = make_user(roles={"judge"}, full_name="Giám Khảo Chung Khảo")
    author = make_user(full_name="Trần Đội Thi", unit=make_unit("UBND Phường Chung Khảo"))
    with app.app_context():
        now = datetime.now(UTC)
        call = InitiativeCall(
            title="Sáng kiến CCHC hai vòng", submission_deadline=now - timedelta(days=7),
            review_deadline=now - timedelta(days=1), fields=list(rules.REFORM_FIELDS),
            judges_per_submission=1,
            criteria=[Criterion(name=n, description=d, weight=w, scale=s, position=i)
                      for i, (n, d, w, s) in enumerate(DEFAULT_CRITERIA)])
        db.session.add(call)
        db.session.flush()
        item = Initiative(call_id=call.id, author_id=author.id, title=TITLE,
                          field=rules.REFORM_FIELDS[1], problem="Chờ lâu.", solution="Hẹn giờ.",
                          benefits="Nhanh hơn.", state="submitted", submitted_at=now)
        db.session.add(item)
        db.session.flush()
        db.session.add(Review(initiative_id=item.id, judge_id=judge.id, scores={}, total=90.0,
                              comment="Tốt"))
        final = FinalRound(call_id=call.id, title="Chung khảo hai vòng", presentation_minutes=10,
                           questions_minutes=5, preliminary_weight=30, final_weight=70,
                           judge_ids=[judge.id], scoring="points",
                           criteria=[FinalCriterion(name="Trình bày", weight=60, max_points=60,
                                                    position=0),
                                     FinalCriterion(name="Trả lời câu hỏi", weight=40,
                                                    max_points=40, position=1)])
        final.finalists.append(Finalist(initiative_id=item.id, position=1,
                                        preliminary_score=90.0))
        db.session.add(final)
        db.session.commit()
        final_id, finalist_id = final.id, final.finalists[0].id

    contexts = [browser.new_context(base_url=live_server.url, viewport=TABLET, locale="vi-VN")
                for _ in range(2)]
    try:
        desk, tablet = (c.new_page() for c in contexts)
        for pg in (desk, tablet):
            pg.set_default_timeout(10_000)
            pg.on("dialog", lambda dialog: dialog.accept())
        log_in(tablet, judge)
        tablet.goto("/giam-khao/")
        tablet.get_by_role("link", name="Chấm chung khảo: Chung khảo hai vòng").click()
        expect(tablet.locator("#final-progress")).to_have_text("0/1 đội đã chấm")
        tablet.get_by_role("link", name=re.compile(TITLE)).click()
        timer = tablet.locator("#final-timer [data-timer-clock]")
        expect(timer).to_have_text("10:00")
        expect(tablet.locator("#final-timer [data-timer-phase]")).to_have_text("Chưa bắt đầu")
        assert violations(tablet) == []

        log_in(desk, secretary)
        desk.goto(f"/ban-to-chuc/sang-kien/chung-khao/doi/{finalist_id}")
        desk.get_by_role("button", name="Bắt đầu / Tiếp tục").click()
        expect(desk.locator("#final-timer")).to_have_attribute("data-running", "1")
        # The judge's tablet picks the start up from the server within a poll and counts down.
        expect(tablet.locator("#final-timer [data-timer-phase]")).to_have_text("Đang trình bày")
        expect(timer).to_have_text(re.compile(r"^09:[45]\d$"))
        desk.get_by_role("button", name="Tạm dừng").click()
        expect(tablet.locator("#final-timer")).to_have_attribute("data-running", "0")
        paused = timer.text_content()
        tablet.wait_for_timeout(1500)
        assert timer.text_content() == paused
        # No horizontal scrolling at tablet width.
        assert tablet.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

        # Points as the rules print them, in steps of 0,5 (the server also reads "54,5").
        tablet.get_by_label(re.compile("Trình bày")).fill("54.5")
        tablet.get_by_role("button", name="Lưu điểm").click()
        expect(tablet.get_by_text("Vui lòng chấm tiêu chí này.")).to_be_visible()
        tablet.get_by_label(re.compile("Trả lời câu hỏi")).fill("31.5")
        tablet.get_by_role("button", name="Lưu điểm").click()
        expect(tablet.get_by_text("Đã lưu điểm chung khảo của đội.")).to_be_visible()
        tablet.goto(f"/giam-khao/chung-khao/{final_id}")
        expect(tablet.locator("#final-progress")).to_have_text("1/1 đội đã chấm")

        desk.reload()
        expect(desk.locator("#panel-scores")).to_contain_text("86,00")  # 54,5 + 31,5 of 100
        assert violations(desk) == []
    finally:
        for c in contexts:
            c.close()
