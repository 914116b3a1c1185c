"""Hole 3: a published round cannot be silently reopened.

Once a round's ranking is published its times and rules are frozen (the form says why);
reopening needs an explicit, audited "Hủy công bố" with a reason; the withdrawn snapshot leaves
the public pages but stays in the history, and the next publication is a new version."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from contest_app.extensions import db
from contest_app.organiser.models import AuditEvent
from contest_app.quiz import admin
from contest_app.quiz.models import Round
from contest_app.quiz.rules import RoundFrozen
from contest_app.rankings import services as rankings
from contest_app.rankings.models import RankingSnapshot
from tests import factories
from tests.conftest import csrf_token

VN = timedelta(hours=7)


@pytest.fixture
def published(app, clock, make_user):
    """A closed round with one scored attempt, published once; returns (contest_id, round_id)."""
    winner = make_user(full_name="Trần Thị Thắng")
    with app.app_context():
        contest = factories.contest(db.session)
        rnd = factories.round_(db.session, contest, clock.now(), question_count=10,
                               opens_delta=timedelta(days=-7), closes_delta=timedelta(hours=-1))
        factories.finished_attempt(db.session, rnd, winner.id, 9, 60_000,
                                   clock.now() - timedelta(hours=2))
        rankings.publish_round(db.session, None, rnd, clock.now())
        db.session.commit()
        return contest.id, rnd.id


def local(t) -> str:
    """A UTC time as the form's Vietnam wall-clock value."""
    return (t + VN).strftime("%Y-%m-%dT%H:%M")


def _form(rnd: Round, **changes: str) -> dict:
    data = {"title": rnd.title, "kind": rnd.kind, "opens_at": local(rnd.opens_at),
            "closes_at": local(rnd.closes_at), "question_count": str(rnd.question_count),
            "time_limit_min": str(rnd.time_limit_s // 60),
            "max_attempts": str(rnd.max_attempts or 0), "counting": rnd.counting,
            "reveal": rnd.reveal, "prediction_kind": rnd.prediction_kind or ""}
    data.update(changes)
    return data


def _data(rnd: Round, **changes) -> admin.RoundData:
    fields = {f: getattr(rnd, f) for f in (
        "title", "kind", "opens_at", "closes_at", "question_count", "time_limit_s",
        "max_attempts", "counting", "reveal", "prediction_kind")}
    fields.update(changes)
    return admin.RoundData(lines=[], **fields)


def test_editing_times_of_a_published_round_is_refused(app, client, login_as, published,
                                                       clock) -> None:
    contest_id, round_id = published
    login_as("organiser")
    url = f"/ban-to-chuc/cuoc-thi/{contest_id}/vong-thi/{round_id}"
    page = client.get(url).get_data(as_text=True)
    assert "đã được công bố nên thời gian và quy tắc của vòng thi bị khóa" in page
    with app.app_context():
        rnd = db.session.get(Round, round_id)
        closes = rnd.closes_at
        data = _form(rnd, closes_at=((clock.now() + timedelta(days=1) + VN)
                                     .strftime("%Y-%m-%dT%H:%M")))
    response = client.post(url, data={"csrf_token": csrf_token(client, url), **data})
    assert response.status_code == 422
    assert "hủy công bố" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Round, round_id).closes_at == closes
    # The title may still change.
    renamed = client.post(url, data={"csrf_token": csrf_token(client, url),
                                     **{**data, "closes_at": _form(rnd)["closes_at"],
                                        "title": "Tuần 1 (đã sửa tên)"}})
    assert renamed.status_code == 302
    with app.app_context():
        rnd = db.session.get(Round, round_id)
        assert rnd.title == "Tuần 1 (đã sửa tên)" and rnd.closes_at == closes


@pytest.mark.parametrize("change", [
    {"closes_at": "later"}, {"opens_at": "earlier"}, {"time_limit_s": 60},
    {"max_attempts": 5}, {"counting": "last"}, {"reveal": "never"}])
def test_service_refuses_every_time_or_rule_change(app, published, clock, change) -> None:
    _, round_id = published
    with app.app_context():
        rnd = db.session.get(Round, round_id)
        if change.get("closes_at") == "later":
            change = {"closes_at": clock.now() + timedelta(days=2)}
        elif change.get("opens_at") == "earlier":
            change = {"opens_at": rnd.opens_at - timedelta(days=1)}
        with pytest.raises(RoundFrozen):
            admin.save_round(db.session, None, rnd.contest, rnd, _data(rnd, **change))


def test_withdraw_with_reason_then_republish_is_a_new_version(
        app, client, login_as, published, clock) -> None:
    contest_id, round_id = published
    organiser = login_as("organiser")
    live = f"/ban-to-chuc/xep-hang/vong-thi/{round_id}"
    assert "Hủy công bố" in client.get(live).get_data(as_text=True)
    token = csrf_token(client, live)
    no_reason = client.post(live + "/huy-cong-bo", data={"csrf_token": token, "reason": " "})
    assert no_reason.status_code == 303
    with app.app_context():
        assert rankings.round_published(db.session, round_id)
    reason = "Phát hiện sai sót trong đáp án câu 3"
    response = client.post(live + "/huy-cong-bo", data={"csrf_token": token, "reason": reason})
    assert response.status_code == 302
    with app.app_context():
        snapshots = db.session.scalars(select(RankingSnapshot).where(
            RankingSnapshot.round_id == round_id)).all()
        assert len(snapshots) == 1  # the history keeps the withdrawn snapshot
        assert snapshots[0].withdrawn_at is not None and not snapshots[0].is_current
        assert snapshots[0].withdrawn_reason == reason
        event = db.session.scalar(select(AuditEvent).where(
            AuditEvent.action == "ranking.withdraw"))
        assert event.actor_id == organiser.id and event.reason == reason
        assert not rankings.round_published(db.session, round_id)

    public = app.test_client()
    page = public.get(f"/bang-xep-hang/vong-thi/{round_id}").get_data(as_text=True)
    assert "hủy công bố" in page and "Trần Thị Thắng" not in page
    old = public.get(f"/bang-xep-hang/vong-thi/{round_id}?phien_ban=1").get_data(as_text=True)
    assert "Trần Thị Thắng" not in old
    assert public.get(f"/api/v1/rounds/{round_id}/ranking").status_code == 404

    # Unfrozen: the organiser may now reopen the round, then close and publish again.
    with app.app_context():
        rnd = db.session.get(Round, round_id)
        admin.save_round(db.session, organiser.id, rnd.contest, rnd,
                         _data(rnd, closes_at=clock.now() + timedelta(hours=1)))
        db.session.commit()
    clock.advance(hours=2)
    with app.app_context():
        again = rankings.publish_round(db.session, organiser.id,
                                       db.session.get(Round, round_id), clock.now())
        db.session.commit()
        assert [s.version for s in again] == [2]
    page = public.get(f"/bang-xep-hang/vong-thi/{round_id}").get_data(as_text=True)
    assert "Trần Thị Thắng" in page and "Phiên bản 1" in page
    assert public.get(f"/api/v1/rounds/{round_id}/ranking").get_json()["version"] == 2


def test_withdraw_refused_when_nothing_is_published(app, client, login_as, clock) -> None:
    with app.app_context():
        contest = factories.contest(db.session)
        rnd = factories.round_(db.session, contest, clock.now(),
                               closes_delta=timedelta(hours=-1))
        db.session.commit()
        round_id = rnd.id
    login_as("organiser")
    live = f"/ban-to-chuc/xep-hang/vong-thi/{round_id}"
    response = client.post(live + "/huy-cong-bo", data={
        "csrf_token": csrf_token(client, live), "reason": "Không có gì để hủy cả"})
    assert response.status_code == 303
    with app.app_context():
        assert db.session.scalar(select(AuditEvent).where(
            AuditEvent.action == "ranking.withdraw")) is None
