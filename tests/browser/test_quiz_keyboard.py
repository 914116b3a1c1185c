"""The quiz page with the keyboard only, for screen readers and on a phone (issue 23): focus
order and a visible focus ring, Space/Enter choosing options, the navigator and the submit
confirmation by keyboard, the timer announced politely only at thresholds, a sticky header of
at most 20 % of a 390x844 screen, and no sideways scrolling at 320 CSS px (200 % zoom)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from contest_app.extensions import db
from tests import factories
from tests.browser.test_quiz_journey import log_in

FOCUSABLE = "a[href], button, input, select, textarea, [tabindex]"


@pytest.fixture
def quiz_round(app):
    """A round drawing every question of a bank whose last question has several right
    answers (checkboxes)."""
    def build(question_count: int, **fields) -> int:
        with app.app_context():
            factories.bank(db.session, question_count - 1)
            topic = factories.topic(db.session, "procedures")
            factories.question(db.session, "MULTI-001", topic, correct=[0, 1], multiple=True)
            contest = factories.contest(db.session, title="Cuộc thi bàn phím")
            rnd = factories.round_(db.session, contest, datetime.now(UTC),
                                   question_count=question_count, **fields)
            db.session.commit()
            return rnd.id
    return build


def start(page, user, round_id: int) -> None:
    log_in(page, user)
    page.goto(f"/vong-thi/{round_id}")
    page.get_by_role("button", name="Bắt đầu làm bài").click()
    page.wait_for_url("**/bai-thi/**")


def focused(page) -> dict:
    return page.evaluate("""() => {
        const el = document.activeElement, css = getComputedStyle(el);
        const fs = el.closest('fieldset[data-q]');
        return {tag: el.tagName, type: el.type || '', id: el.id, text: el.textContent.trim(),
                question: fs ? fs.id : '', checked: !!el.checked,
                outline: css.outlineStyle, width: parseFloat(css.outlineWidth),
                color: css.outlineColor};
    }""")


def luminance(rgb: str) -> float:
    channels = [int(c) / 255 for c in re.findall(r"\d+", rgb)[:3]]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def tab_until(page, predicate, limit: int = 60) -> list[dict]:
    """Press Tab until `predicate(focused)` holds; every stop is returned, each after the
    previous one in the document (the focus order follows the page)."""
    stops = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        page.evaluate("() => { window.__stops = window.__stops || [];"
                      " window.__stops.push(document.activeElement); }")
        stops.append(focused(page))
        if predicate(stops[-1]):
            ordered = page.evaluate("""() => window.__stops.every((el, i, all) => i === 0 ||
                (all[i - 1].compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING))""")
            page.evaluate("() => { window.__stops = []; }")
            assert ordered, stops
            return stops
    raise AssertionError(f"focus never reached the target: {stops[-5:]}")


def test_a_whole_quiz_with_the_keyboard_only(page, make_user, quiz_round) -> None:
    round_id = quiz_round(question_count=3, time_limit_s=600, prediction_kind="full_marks")
    start(page, make_user(), round_id)
    # Every control has a name a screen reader can read.
    unnamed = page.evaluate("""() => Array.from(document.querySelectorAll(
        '#quiz input:not([type=hidden]), #quiz button, #quiz a, #quiz select, #quiz textarea'))
        .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label')
                      && !el.textContent.trim()).map(el => el.outerHTML)""")
    assert unnamed == []
    # From the top of the page: the skip link, the menu, the navigator button, then question 1.
    page.locator("body").focus()
    stops = tab_until(page, lambda f: f["question"] == "q1")
    assert stops[0]["text"] == "Bỏ qua đến nội dung chính"
    assert [s["id"] for s in stops].index("nav-toggle") < len(stops) - 1
    ring = stops[-1]
    assert ring["outline"] == "solid" and ring["width"] >= 2
    assert contrast(ring["color"], "rgb(255, 255, 255)") >= 3
    # Space chooses the focused option (a radio, or a checkbox when several answers count).
    kinds = {n: page.locator(f"#q{n}").get_attribute("data-multiple") == "true" for n in (1, 2, 3)}
    page.keyboard.press("Space")
    expect(page.locator("#q1 input").first).to_be_checked()
    expect(page.locator("#q1 .save-state")).to_have_text("Đã lưu ✓")
    if not kinds[1]:  # the arrows move the choice within a radio group
        page.keyboard.press("ArrowDown")
        expect(page.locator("#q1 input").nth(1)).to_be_checked()
        expect(page.locator("#q1 input:checked")).to_have_count(1)
    # Tab leaves for question 2; Enter chooses there (and does not post the form).
    tab_until(page, lambda f: f["question"] == "q2")
    page.keyboard.press("Enter")
    expect(page.locator("#q2 input").first).to_be_checked()
    expect(page.locator("#q2 .save-state")).to_have_text("Đã lưu ✓")
    assert "/bai-thi/" in page.url and page.locator("#q2 input:checked").count() == 1
    # The navigator: opened with Enter, question 3 chosen by keyboard, the focus moves there.
    toggle = page.get_by_role("button", name=re.compile("Danh sách câu"))
    expect(toggle).to_have_attribute("aria-expanded", "false")
    toggle.focus()
    page.keyboard.press("Enter")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(page.get_by_role("link", name="Câu 1, đã trả lời")).to_be_visible()
    page.get_by_role("link", name="Câu 3, chưa trả lời").focus()
    page.keyboard.press("Enter")
    assert focused(page)["question"] == "q3"
    expect(toggle).to_have_attribute("aria-expanded", "false")
    page.keyboard.press("Space")
    if kinds[3]:  # checkboxes: Tab to the next box, Enter ticks it too
        page.keyboard.press("Tab")
        page.keyboard.press("Enter")
        expect(page.locator("#q3 input:checked")).to_have_count(2)
    expect(page.locator("#q3 .save-state")).to_have_text("Đã lưu ✓")
    expect(toggle).to_contain_text("3/3")
    assert list(kinds.values()).count(True) == 1
    # The prediction: typed, Enter saves it without posting the form.
    tab_until(page, lambda f: f["id"] == "prediction")
    page.keyboard.type("12")
    page.keyboard.press("Enter")
    expect(page.locator("#prediction ~ .save-state")).to_have_text("Đã lưu ✓")
    assert "/bai-thi/" in page.url
    # Submitting: Tab to "Nộp bài", Enter; the dialog takes the focus; Tab, Enter submits.
    tab_until(page, lambda f: f["id"] == "submit-btn")
    page.keyboard.press("Enter")
    expect(page.locator("#confirm-submit")).to_be_visible()
    assert focused(page)["id"] == "confirm-cancel"
    page.keyboard.press("Tab")
    assert focused(page)["id"] == "confirm-ok"
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name=re.compile("Kết quả"))).to_be_visible()


def test_the_timer_speaks_politely_at_thresholds_only(page, make_user, quiz_round) -> None:
    round_id = quiz_round(question_count=2, time_limit_s=62)
    page.add_init_script("""window.__spoken = [];
        new MutationObserver(records => records.forEach(r => {
            const el = r.target.nodeType === 3 ? r.target.parentNode : r.target;
            if (el && el.id === 'timer-announce') { window.__spoken.push(el.textContent); }
        })).observe(document, {childList: true, characterData: true, subtree: true});""")
    start(page, make_user(), round_id)
    timer = page.locator("#timer")
    expect(timer).to_have_attribute("role", "timer")
    expect(timer).to_have_attribute("aria-live", "off")
    expect(page.locator("#timer-announce")).to_have_attribute("aria-live", "polite")
    first = timer.inner_text()
    expect(page.locator("#timer-announce")).to_have_text(
        "Còn 1 phút. Bài sẽ tự động nộp khi hết giờ.", timeout=5_000)
    page.wait_for_timeout(1500)
    assert timer.inner_text() != first
    # Two announcements over several seconds of countdown: 5 minutes (on arrival), 1 minute.
    assert page.evaluate("window.__spoken") == [
        "Còn 5 phút.", "Còn 1 phút. Bài sẽ tự động nộp khi hết giờ."]


def test_the_sticky_header_is_compact_on_a_phone(page, make_user, quiz_round) -> None:
    round_id = quiz_round(question_count=20, time_limit_s=1200)
    start(page, make_user(), round_id)
    toggle = page.get_by_role("button", name=re.compile("Danh sách câu"))
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(page.locator("#question-nav")).to_be_hidden()
    page.locator("#q5").scroll_into_view_if_needed()
    box = page.locator("#quiz-bar").bounding_box()
    assert box is not None and box["y"] <= 1 and box["height"] <= 0.2 * 844, box
    page.locator("#q2 label.option").first.click()
    expect(toggle).to_contain_text("1/20")
    toggle.click()
    expect(page.locator(".nav-q")).to_have_count(20)
    expect(page.locator(".nav-q.answered")).to_have_count(1)
    expect(page.get_by_role("link", name="Câu 2, đã trả lời")).to_be_visible()
    # A number jumps to its question: visible below the bar, not hidden under it.
    page.get_by_role("link", name="Câu 17, chưa trả lời").click()
    expect(page.locator("#question-nav")).to_be_hidden()
    bar = page.locator("#quiz-bar").bounding_box()
    q17 = page.locator("#q17").bounding_box()
    assert bar is not None and q17 is not None and q17["y"] >= bar["y"] + bar["height"] - 1


def test_no_sideways_scrolling_at_200_percent_zoom(page, app, make_user, quiz_round) -> None:
    from contest_app.quiz.models import Round
    from contest_app.rankings import services as rankings

    round_id = quiz_round(question_count=3, time_limit_s=600)
    person = make_user(email="dai@example.vn",
                       full_name="Nguyễn Thị Hoàng Phương Thảo Nguyên Khánh Linh")
    with app.app_context():
        rnd = db.session.get(Round, round_id)
        done = factories.round_(db.session, rnd.contest, datetime.now(UTC), question_count=3,
                                title="Tuần 0 đã kết thúc", opens_delta=timedelta(days=-8),
                                closes_delta=timedelta(days=-1))
        db.session.flush()
        factories.finished_attempt(db.session, done, person.id, 3, 61_000,
                                   done.opens_at + timedelta(hours=1))
        rankings.publish_round(db.session, None, done, datetime.now(UTC))
        db.session.commit()
        done_id = done.id
    page.set_viewport_size({"width": 320, "height": 640})
    wide = "() => document.scrollingElement.scrollWidth <= document.scrollingElement.clientWidth"
    for url in ("/tai-khoan/dang-ky", f"/vong-thi/{round_id}",
                f"/bang-xep-hang/vong-thi/{done_id}"):
        assert page.goto(url).ok
        assert page.evaluate(wide), url
    expect(page.get_by_text("Nguyễn Thị Hoàng Phương Thảo Nguyên Khánh Linh")).to_be_visible()
    start(page, make_user(), round_id)
    assert page.evaluate(wide), "quiz"
    page.get_by_role("button", name=re.compile("Danh sách câu")).click()
    assert page.evaluate(wide), "quiz with the navigator open"
