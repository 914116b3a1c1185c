"""No orphans: a call takes no submission after its deadline or once its results are published
(a clear Vietnamese refusal, nothing stored), and organisers reopen it explicitly with new
deadlines, which is audited."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from contest_app.extensions import db
from contest_app.initiatives.models import Initiative, InitiativeCall
from contest_app.organiser.models import AuditEvent

from .conftest import make_initiative, post
from .test_submissions import FORM

PUBLISHED_MESSAGE = "đã công bố kết quả nên không nhận thêm"


def _count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Initiative.id)))


def _publish(app, world, clock) -> None:
    with app.app_context():
        call = db.session.get(InitiativeCall, world.call_id)
        call.results_published_at = clock.now()
        db.session.commit()


def _submit(author, call_id):
    return post(author, f"/sang-kien/dot/{call_id}/gui", {**FORM, "action": "submit"},
                page="/sang-kien/", content_type="multipart/form-data")


def test_submission_after_publication_is_refused_and_changes_nothing(
        app, clock, client_for, world) -> None:
    _publish(app, world, clock)  # published before the deadline: still closed
    author = client_for(world.author)
    page = author.get(f"/sang-kien/dot/{world.call_id}").get_data(as_text=True)
    assert "Gửi sáng kiến" not in page and "Xem kết quả" in page
    assert author.get(f"/sang-kien/dot/{world.call_id}/gui").status_code == 409
    response = _submit(author, world.call_id)
    assert response.status_code == 409
    assert PUBLISHED_MESSAGE in response.get_data(as_text=True)
    assert _count(app) == 0


def test_late_submission_after_the_deadline_is_refused(app, clock, client_for, world) -> None:
    author = client_for(world.author)
    clock.advance(days=11)
    response = _submit(author, world.call_id)
    assert response.status_code == 409
    assert "Đã hết hạn nộp sáng kiến" in response.get_data(as_text=True)
    assert _count(app) == 0


def test_a_draft_cannot_be_submitted_once_results_are_published(
        app, clock, client_for, world) -> None:
    with app.app_context():
        item_id = make_initiative(world.call_id, world.author.id, clock.now(), state="draft")
        db.session.commit()
    _publish(app, world, clock)
    author = client_for(world.author)
    response = post(author, f"/sang-kien/{item_id}/nop", page=f"/sang-kien/{item_id}")
    assert response.status_code == 409 and PUBLISHED_MESSAGE in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Initiative, item_id).state == "draft"


def _reopen(client, call_id, **overrides):
    data = {"submission_deadline": "2026-12-20T17:00", "review_deadline": "2026-12-31T17:00",
            "reason": "Gia hạn theo đề nghị của các đơn vị", "confirm": "y", **overrides}
    return post(client, f"/ban-to-chuc/sang-kien/dot/{call_id}/mo-lai", data,
                page=f"/ban-to-chuc/sang-kien/dot/{call_id}/mo-lai")


def test_organiser_reopens_a_published_call(app, clock, client_for, world) -> None:
    with app.app_context():
        make_initiative(world.call_id, world.author.id, clock.now(), decision="accepted")
        db.session.commit()
    _publish(app, world, clock)
    clock.advance(days=11)
    organiser = client_for(world.organiser)
    response = _reopen(organiser, world.call_id)
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    with app.app_context():
        call = db.session.get(InitiativeCall, world.call_id)
        assert not call.published
        # 17:00 in Hanoi is 10:00 UTC
        assert call.submission_deadline.replace(tzinfo=None).isoformat() == "2026-12-20T10:00:00"
        event = db.session.scalar(select(AuditEvent).where(
            AuditEvent.action == "initiative_call.reopen"))
        assert event.actor_id == world.organiser.id
        assert event.reason == "Gia hạn theo đề nghị của các đơn vị"
        assert event.before["results_published_at"] and not event.after["results_published_at"]
        # The decision made before reopening is kept.
        assert db.session.scalar(select(Initiative.decision)) == "accepted"
    author = client_for(world.other)
    assert _submit(author, world.call_id).status_code == 302
    assert _count(app) == 2
    log = organiser.get("/ban-to-chuc/nhat-ky").get_data(as_text=True)
    assert "Mở lại đợt thi sáng kiến" in log


def test_reopen_refuses_bad_deadlines_and_changes_nothing(app, clock, client_for, world) -> None:
    organiser = client_for(world.organiser)
    past = _reopen(organiser, world.call_id, submission_deadline="2026-11-01T08:00",
                   review_deadline="2026-11-02T08:00")
    assert past.status_code == 422
    assert "Hạn nộp mới phải sau thời điểm hiện tại" in past.get_data(as_text=True)
    order = _reopen(organiser, world.call_id, review_deadline="2026-12-10T08:00")
    assert order.status_code == 422
    assert "Hạn chấm phải sau hạn nộp sáng kiến" in order.get_data(as_text=True)
    unconfirmed = _reopen(organiser, world.call_id, confirm="")
    assert unconfirmed.status_code == 422
    with app.app_context():
        assert db.session.scalar(select(func.count(AuditEvent.id)).where(
            AuditEvent.action == "initiative_call.reopen")) == 0
        call = db.session.get(InitiativeCall, world.call_id)
        assert call.submission_deadline.replace(tzinfo=None) == (
            clock.now() + timedelta(days=10)).replace(tzinfo=None)


def test_only_organisers_reopen(client_for, world) -> None:
    author = client_for(world.author)
    assert author.get(f"/ban-to-chuc/sang-kien/dot/{world.call_id}/mo-lai").status_code in (
        403, 404)
