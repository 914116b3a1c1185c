"""Blind review through the submission's text: the form warns authors that judges read the
free-text fields, and an organiser can redact the judge-visible text before judging; judges
see only the redacted version while the author's text is kept and the change is audited."""

from __future__ import annotations

from sqlalchemy import select

from contest_app.extensions import db
from contest_app.initiatives.models import Initiative, ReviewAssignment
from contest_app.organiser.models import AuditEvent
from tests.integration.initiatives.conftest import AUTHOR_UNIT, make_initiative, post

APPLIED = f"Đã áp dụng tại {AUTHOR_UNIT} từ năm 2025"
REDACTED = "Đã áp dụng tại một UBND cấp xã từ năm 2025"


def test_submission_form_warns_about_naming_the_author_or_unit(client_for, world) -> None:
    page = client_for(world.author).get(f"/sang-kien/dot/{world.call_id}/gui").text
    warning = page.index('id="applied-at-warning"')
    assert "Nơi đã áp dụng" in page[warning:warning + 600]
    assert "Không ghi tên tác giả, tên đơn vị của tác giả" in page[warning:warning + 600]
    assert page.count("Giám khảo đọc phần này: không ghi tên tác giả, đơn vị") == 4


def _submission(app, clock, world) -> int:
    with app.app_context():
        item_id = make_initiative(world.call_id, world.author.id, clock.now(),
                                  title=f"Một cửa ở {AUTHOR_UNIT}")
        db.session.get(Initiative, item_id).applied_at = APPLIED
        db.session.add(ReviewAssignment(initiative_id=item_id, judge_id=world.judge1.id))
        db.session.commit()
    return item_id


def _redact(client, item_id, **texts):
    url = f"/ban-to-chuc/sang-kien/{item_id}"
    data = {"redact-title": "Một cửa điện tử cấp xã",
            "redact-problem": "Người dân phải đi lại nhiều lần.",
            "redact-solution": "Tiếp nhận hồ sơ trực tuyến.",
            "redact-benefits": "Giảm một nửa thời gian.", "redact-applied_at": REDACTED}
    data.update({f"redact-{k}": v for k, v in texts.items()})
    return post(client, f"{url}/an-danh", data, page=url)


def test_judges_see_the_organisers_redaction(app, clock, client_for, world) -> None:
    item_id = _submission(app, clock, world)
    judge = client_for(world.judge1)
    assert AUTHOR_UNIT in judge.get(f"/giam-khao/sang-kien/{item_id}").text  # the leak
    assert _redact(client_for(world.organiser), item_id).status_code == 302
    for page in (judge.get(f"/giam-khao/sang-kien/{item_id}").text, judge.get("/giam-khao/").text):
        assert AUTHOR_UNIT not in page
    page = judge.get(f"/giam-khao/sang-kien/{item_id}").text
    assert REDACTED in page and "Một cửa điện tử cấp xã" in page
    with app.app_context():
        item = db.session.get(Initiative, item_id)
        assert item.applied_at == APPLIED  # the author's text is kept as written
        assert item.judge_text_by_id == world.organiser.id
        event = db.session.scalar(select(AuditEvent).where(
            AuditEvent.action == "initiative.redact"))
        assert event.actor_id == world.organiser.id
        assert "applied_at" in event.after["fields"] and "title" in event.after["fields"]
    organiser_page = client_for(world.organiser).get(f"/ban-to-chuc/sang-kien/{item_id}").text
    assert APPLIED in organiser_page and REDACTED in organiser_page


def test_author_edit_after_redaction_is_flagged_and_not_shown(app, clock, client_for,
                                                             world) -> None:
    item_id = _submission(app, clock, world)
    _redact(client_for(world.organiser), item_id)
    with app.app_context():
        db.session.get(Initiative, item_id).applied_at = f"Nay áp dụng ở {AUTHOR_UNIT} và huyện"
        db.session.commit()
    assert AUTHOR_UNIT not in client_for(world.judge1).get(f"/giam-khao/sang-kien/{item_id}").text
    organiser_page = client_for(world.organiser).get(f"/ban-to-chuc/sang-kien/{item_id}").text
    assert "Tác giả đã sửa nội dung sau khi bạn biên tập" in organiser_page


def test_redaction_needs_a_title_and_changes_nothing_otherwise(app, clock, client_for,
                                                               world) -> None:
    item_id = _submission(app, clock, world)
    response = _redact(client_for(world.organiser), item_id, title="")
    assert response.status_code == 422
    with app.app_context():
        assert db.session.get(Initiative, item_id).judge_text is None


def test_only_organisers_redact(app, clock, client_for, world) -> None:
    item_id = _submission(app, clock, world)
    for person in (world.judge1, world.author):
        response = _redact(client_for(person), item_id, applied_at="x")
        assert response.status_code in (403, 404)
    with app.app_context():
        assert db.session.get(Initiative, item_id).judge_text is None
