"""Hole 4: option ids are integers only.

`1.0`, `1e0`, `"1"` and `true` are refused by the API's schema (422) and nothing is stored; an
attempt poisoned before this fix cannot stop `attempts close-overdue` from closing the others."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from contest_app.extensions import db
from contest_app.quiz import services
from contest_app.quiz.models import Attempt, AttemptItem

BAD_BODIES = ['{"option_ids": [1.0]}', '{"option_ids": ["1"]}', '{"option_ids": [true]}',
              '{"option_ids": [1e0]}', '{"option_ids": [1, 2.0]}']


def _items(app, attempt_id: int) -> list:
    with app.app_context():
        return [tuple(r) for r in db.session.execute(
            select(AttemptItem.question_id, AttemptItem.chosen, AttemptItem.answered_at)
            .where(AttemptItem.attempt_id == attempt_id)
            .order_by(AttemptItem.position)).all()]


@pytest.mark.parametrize("body", BAD_BODIES)
def test_non_integer_option_ids_are_422_and_nothing_is_stored(app, client, api_token,
                                                              quiz_round, body) -> None:
    round_id = quiz_round(question_count=5)
    headers, _ = api_token()
    started = client.post(f"/api/v1/rounds/{round_id}/attempts", headers=headers).get_json()
    attempt_id = started["id"]
    question_id = started["questions"][0]["id"]
    before = _items(app, attempt_id)
    response = client.put(f"/api/v1/attempts/{attempt_id}/answers/{question_id}",
                          headers={**headers, "Content-Type": "application/json"}, data=body)
    assert response.status_code == 422, response.get_json()
    assert response.get_json()["error"]["code"] == "validation_failed"
    assert _items(app, attempt_id) == before
    # The attempt is still healthy: submit answers 200 with a score.
    result = client.post(f"/api/v1/attempts/{attempt_id}/submission", headers=headers)
    assert result.status_code == 200 and result.get_json()["score"] == 0


def test_float_prediction_is_422(app, client, api_token, quiz_round) -> None:
    round_id = quiz_round(question_count=5, prediction_kind="participants")
    headers, _ = api_token()
    attempt_id = client.post(f"/api/v1/rounds/{round_id}/attempts",
                             headers=headers).get_json()["id"]
    response = client.put(f"/api/v1/attempts/{attempt_id}/prediction",
                          headers={**headers, "Content-Type": "application/json"},
                          data='{"value": 12.0}')
    assert response.status_code == 422
    with app.app_context():
        assert db.session.get(Attempt, attempt_id).prediction is None


def test_service_refuses_non_integer_ids_too(app, make_user, quiz_round, clock) -> None:
    from contest_app.quiz.rules import InvalidOption

    round_id = quiz_round(question_count=5)
    user = make_user()
    with app.app_context():
        started = services.start_attempt(db.session, user.id, round_id, clock.now(), 5)
        db.session.commit()
        for bad in ([1.0], ["1"], [True]):
            with pytest.raises(InvalidOption):
                services.save_answer(db.session, user.id, started.attempt.id,
                                     started.items[0].question_id, bad, clock.now(), 5)


def test_close_overdue_skips_a_poisoned_attempt_and_closes_the_others(
        app, make_user, quiz_round, clock) -> None:
    round_id = quiz_round(question_count=5, time_limit_s=60, max_attempts=None)
    ids = []
    with app.app_context():
        for _ in range(3):
            user = make_user()
            started = services.start_attempt(db.session, user.id, round_id, clock.now(), 5)
            db.session.commit()
            ids.append(started.attempt.id)
        # An answer stored as [1.0] before the fix (written directly, as the old API did).
        db.session.execute(update(AttemptItem).where(AttemptItem.attempt_id == ids[1])
                           .values(chosen=[1.0]))
        db.session.commit()
    clock.advance(minutes=5)
    result = app.test_cli_runner().invoke(args=["attempts", "close-overdue"])
    assert result.exit_code == 0, result.output
    assert "Đã đóng 2 bài thi quá hạn." in result.output
    assert f"Không đóng được 1 bài thi (mã: {ids[1]})" in result.output
    with app.app_context():
        statuses = {a.id: a.status for a in db.session.scalars(
            select(Attempt).where(Attempt.id.in_(ids)))}
        assert statuses == {ids[0]: "expired", ids[1]: "in_progress", ids[2]: "expired"}


def test_close_overdue_reports_how_many(app, make_user, quiz_round, clock) -> None:
    round_id = quiz_round(question_count=5, time_limit_s=60)
    user = make_user()
    with app.app_context():
        services.start_attempt(db.session, user.id, round_id, clock.now(), 5)
        db.session.commit()
    clock.advance(seconds=30)
    early = app.test_cli_runner().invoke(args=["attempts", "close-overdue"])
    assert "Đã đóng 0 bài thi quá hạn." in early.output
    clock.advance(minutes=2)
    with app.app_context():
        report = services.close_overdue(db.session, clock.now(), 5)
        assert (len(report.closed), report.failed) == (1, [])
