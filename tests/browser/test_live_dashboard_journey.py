"""An organiser opens the demo round's live dashboard on a phone and sees its charts with their
tables (issue 18's browser check)."""

from __future__ import annotations

from playwright.sync_api import expect
from sqlalchemy import select

from contest_app.demo import load_demo
from contest_app.extensions import db
from contest_app.quiz.demo import DEMO_TITLE
from contest_app.quiz.models import Contest

from .test_surveys_journey import log_in


def test_organiser_sees_the_demo_round_dashboard(app, page, make_user) -> None:
    with app.app_context():
        load_demo(db.session)
        db.session.commit()
        contest = db.session.scalar(select(Contest).where(Contest.title == DEMO_TITLE))
        official = next(r for r in contest.rounds if r.kind == "official")
        round_title = official.title
    organiser = make_user(email="btc-live@example.vn", roles={"organiser"})
    log_in(page, organiser)
    page.goto("/ban-to-chuc/")
    page.get_by_role("link", name=DEMO_TITLE).first.click()
    expect(page.get_by_role("heading", name=f"Theo dõi trực tiếp: {DEMO_TITLE}")).to_be_visible()
    page.get_by_role("link", name=round_title).first.click()
    expect(page.get_by_role("heading", name="Lượt bắt đầu theo giờ")).to_be_visible()
    expect(page.get_by_role("heading", name="Phân bố điểm (bài đã nộp)")).to_be_visible()
    expect(page.get_by_role("heading", name="Tham gia theo đơn vị (so với biên chế)")
           ).to_be_visible()
    expect(page.locator("[data-stat=started]")).to_be_visible()
    # Every chart has its numbers in a table beside it.
    page.locator("details").evaluate_all("els => els.forEach(e => { e.open = true; })")
    expect(page.get_by_role("columnheader", name="Giờ")).to_be_visible()
    expect(page.get_by_role("columnheader", name="Tỷ lệ tham gia")).to_be_visible()
