"""axe-core on the public and participant pages at phone and desktop sizes: no critical or
serious WCAG 2.1 A/AA violation (issue 23, the machine check)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from contest_app.extensions import db
from tests import factories
from tests.conftest import PASSWORD

AXE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text(encoding="utf-8")
SIZES = {"phone": (390, 844), "desktop": (1280, 800)}


def violations(page) -> list[str]:
    # Evaluated through the DevTools protocol: the page's CSP (script-src 'self') is untouched.
    page.evaluate(AXE + "\n;window.axe = axe; true")
    result = page.evaluate("""async () => {
        const r = await axe.run(document, {runOnly: {type: 'tag',
            values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}});
        return r.violations.map(v => ({id: v.id, impact: v.impact,
            nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
    }""")
    return [f"{v['id']} ({v['impact']}): {v['nodes']}" for v in result
            if v["impact"] in ("critical", "serious")]


@pytest.fixture
def world(app, make_user, make_unit):
    from contest_app.initiatives.demo import load_demo_initiatives
    from contest_app.rankings import services as rankings
    from contest_app.surveys.demo import load_demo_survey

    unit = make_unit("Sở Tư pháp")
    with app.app_context():
        factories.bank(db.session, 8)
        contest = factories.contest(db.session, title="Cuộc thi kiểm tra truy cập")
        now = datetime.now(UTC)
        rnd = factories.round_(db.session, contest, now, question_count=3,
                               opens_delta=timedelta(hours=-1), reveal="after_submit")
        done = factories.round_(db.session, contest, now, question_count=3, title="Tuần 0",
                                opens_delta=timedelta(days=-8), closes_delta=timedelta(days=-1))
        db.session.commit()
        ids = {"contest": contest.id, "round": rnd.id, "closed": done.id}
    for i in range(3):
        person = make_user(email=f"xh{i}@example.vn", unit=unit)
        with app.app_context():
            from contest_app.quiz.models import Round

            closed = db.session.get(Round, ids["closed"])
            factories.finished_attempt(db.session, closed, person.id, 3 - i, 60_000 + i,
                                       closed.opens_at + timedelta(hours=1))
            db.session.commit()
    with app.app_context():
        from contest_app.quiz.models import Round

        rankings.publish_round(db.session, None, db.session.get(Round, ids["closed"]),
                               datetime.now(UTC))
        ids["survey"] = load_demo_survey(db.session, sample_responses=0).id
        ids["call"] = load_demo_initiatives(db.session).id
        db.session.commit()
    user = make_user(email="axe@example.vn")
    return ids, user


@pytest.mark.parametrize("size", sorted(SIZES))
def test_public_and_participant_pages_have_no_serious_violations(page, world, size) -> None:
    ids, user = world
    page.set_viewport_size(dict(zip(("width", "height"), SIZES[size], strict=True)))
    found: dict[str, list[str]] = {}
    for name, url in (("home", "/"), ("contest", f"/cuoc-thi/{ids['contest']}"),
                      ("round", f"/vong-thi/{ids['round']}"),
                      ("login", "/tai-khoan/dang-nhap"), ("register", "/tai-khoan/dang-ky"),
                      ("ranking", f"/bang-xep-hang/vong-thi/{ids['closed']}"),
                      ("surveys", "/khao-sat/"), ("survey", f"/khao-sat/{ids['survey']}"),
                      ("initiatives", "/sang-kien/")):
        response = page.goto(url)
        assert response is not None and response.ok, (name, response and response.status)
        found[name] = violations(page)
    page.goto("/tai-khoan/dang-nhap")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.goto(f"/vong-thi/{ids['round']}")
    page.get_by_role("button", name="Bắt đầu làm bài").first.click()
    page.wait_for_url("**/bai-thi/**")
    found["quiz"] = violations(page)
    attempt_url = page.url
    assert page.goto(attempt_url.rstrip("/") + "/ket-qua").ok
    found["result"] = violations(page)
    response = page.goto(f"/sang-kien/dot/{ids['call']}/gui")
    assert response is not None and response.ok and "/dang-nhap" not in page.url
    found["initiative form"] = violations(page)
    assert {k: v for k, v in found.items() if v} == {}
