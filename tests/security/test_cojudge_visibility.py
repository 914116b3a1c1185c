"""Judges score independently: by default a judge sees the co-judges' reviews only once the
review deadline has passed (when nobody can edit a review any more); a call may instead open
them to a judge as soon as their own review is in. Enforced in the rule and the service, not
only in the page."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from contest_app.extensions import db
from contest_app.initiatives import judging, rules
from contest_app.initiatives.models import Criterion, Initiative, InitiativeCall, ReviewAssignment
from tests.integration.initiatives.conftest import make_initiative, post

SECRET_COMMENT = "Nhận xét riêng của giám khảo một"
NOW = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
DEADLINE = NOW + timedelta(days=1)


@pytest.mark.parametrize(("visibility", "now", "published", "own", "expected"), [
    ("after_deadline", NOW, False, False, False),
    ("after_deadline", NOW, False, True, False),  # own review in, still editable
    ("after_deadline", DEADLINE, False, True, True),
    ("after_deadline", DEADLINE, False, False, True),
    ("after_deadline", NOW, True, False, True),  # published: reviews closed
    ("after_own_review", NOW, False, False, False),
    ("after_own_review", NOW, False, True, True),
    ("after_own_review", DEADLINE, False, False, True),
    ("anything else", NOW, False, True, False),  # unknown settings fall back to the strict one
])
def test_rule(visibility, now, published, own, expected) -> None:
    assert rules.may_see_cojudges(visibility, now, DEADLINE, published, own) is expected


@pytest.fixture
def reviewed(app, clock, world):
    """A submission assigned to both judges; returns (initiative id, criterion ids)."""
    with app.app_context():
        item_id = make_initiative(world.call_id, world.author.id, clock.now())
        for judge in (world.judge1, world.judge2):
            db.session.add(ReviewAssignment(initiative_id=item_id, judge_id=judge.id))
        db.session.commit()
        criteria = list(db.session.scalars(select(Criterion.id).order_by(Criterion.position)))
    return item_id, criteria


def _review(client, item_id, criteria, comment, values=(8, 7, 9, 6)):
    url = f"/giam-khao/sang-kien/{item_id}"
    data = {f"c{c}": str(v) for c, v in zip(criteria, values, strict=True)}
    return post(client, url, {**data, "comment": comment}, page=url)


def test_default_hides_cojudges_until_the_review_deadline(app, clock, client_for, world,
                                                         reviewed) -> None:
    item_id, criteria = reviewed
    judge1, judge2 = client_for(world.judge1), client_for(world.judge2)
    assert _review(judge1, item_id, criteria, SECRET_COMMENT).status_code == 302
    assert _review(judge2, item_id, criteria, "Của GK2", (5, 5, 5, 5)).status_code == 302
    page = judge2.get(f"/giam-khao/sang-kien/{item_id}").get_data(as_text=True)
    assert SECRET_COMMENT not in page
    assert "chỉ hiển thị sau khi hết hạn chấm" in page
    # Judge 2 can still change their review, so must not have seen judge 1's yet.
    assert _review(judge2, item_id, criteria, "Của GK2, sửa", (6, 6, 6, 6)).status_code == 302
    clock.advance(days=21)
    after = judge2.get(f"/giam-khao/sang-kien/{item_id}").get_data(as_text=True)
    assert SECRET_COMMENT in after
    assert "Giám Khảo Một" not in after  # still anonymous to each other


def test_service_returns_no_cojudge_review_before_the_deadline(app, clock, client_for, world,
                                                               reviewed) -> None:
    item_id, criteria = reviewed
    _review(client_for(world.judge1), item_id, criteria, SECRET_COMMENT)
    _review(client_for(world.judge2), item_id, criteria, "Của GK2")
    with app.app_context():
        item = db.session.get(Initiative, item_id)
        assert judging.other_reviews(db.session, item, world.judge2.id, clock.now()) == []
        later = clock.now() + timedelta(days=21)
        shown = judging.other_reviews(db.session, item, world.judge2.id, later)
        assert [r.comment for r in shown] == [SECRET_COMMENT]


CALL_FORM = {
    "title": "Sáng kiến CCHC 2026", "description": "", "submission_deadline": "2026-12-20T17:00",
    "review_deadline": "2026-12-31T17:00", "fields_text": "Cải cách thủ tục hành chính",
    "judges_per_submission": "2", "scoring": "weighted",
    "criteria-0-name": "Tính mới", "criteria-0-weight": "60", "criteria-0-scale": "0-10",
    "criteria-1-name": "Hiệu quả", "criteria-1-weight": "40", "criteria-1-scale": "0-10",
}


def test_new_call_defaults_to_after_the_review_deadline(app, client_for, world) -> None:
    organiser = client_for(world.organiser)
    page = organiser.get("/ban-to-chuc/sang-kien/").get_data(as_text=True)
    assert '<option selected value="after_deadline">' in page
    response = post(organiser, "/ban-to-chuc/sang-kien/", {**CALL_FORM, "title": "Đợt 3"},
                    page="/ban-to-chuc/sang-kien/")
    assert response.status_code == 302
    with app.app_context():
        call = db.session.scalar(select(InitiativeCall).where(InitiativeCall.title == "Đợt 3"))
        assert call.cojudge_visibility == "after_deadline"


def test_organiser_can_open_cojudges_after_own_review(app, client_for, world, reviewed) -> None:
    item_id, criteria = reviewed
    url = f"/ban-to-chuc/sang-kien/dot/{world.call_id}"
    organiser = client_for(world.organiser)
    response = post(organiser, url, {**CALL_FORM, "cojudge_visibility": "after_own_review"},
                    page=url)
    assert response.status_code == 302, response.get_data(as_text=True)[-2000:]
    with app.app_context():
        criteria = list(db.session.scalars(select(Criterion.id).order_by(Criterion.position)))
    judge1, judge2 = client_for(world.judge1), client_for(world.judge2)
    _review(judge1, item_id, criteria, SECRET_COMMENT, (8, 7))
    before = judge2.get(f"/giam-khao/sang-kien/{item_id}").get_data(as_text=True)
    assert SECRET_COMMENT not in before and "sau khi gửi phiếu của mình" in before
    _review(judge2, item_id, criteria, "Của GK2", (5, 5))
    after = judge2.get(f"/giam-khao/sang-kien/{item_id}").get_data(as_text=True)
    assert SECRET_COMMENT in after


def test_unknown_setting_is_refused(app, client_for, world) -> None:
    url = f"/ban-to-chuc/sang-kien/dot/{world.call_id}"
    response = post(client_for(world.organiser), url,
                    {**CALL_FORM, "title": "Đổi tên", "cojudge_visibility": "always"}, page=url)
    assert response.status_code == 422
    with app.app_context():
        call = db.session.get(InitiativeCall, world.call_id)
        assert call.cojudge_visibility == "after_deadline" and call.title != "Đổi tên"
