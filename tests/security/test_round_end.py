"""Hole 2: ending a round early ends the attempts in it.

Moving a round's closing time into the past caps every attempt's deadline at once (saves and
submissions after it are refused or not counted), and "Kết thúc vòng thi ngay" / `flask rounds
close` close and score every attempt in progress in the same transaction, with an audit row."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from contest_app.bank.models import QuestionVersion
from contest_app.extensions import db
from contest_app.organiser.models import AuditEvent
from contest_app.quiz import services
from contest_app.quiz.models import Attempt, AttemptItem, Round
from contest_app.quiz.rules import display_ids
from tests.conftest import csrf_token

GRACE = 5  # the testing config's ANSWER_GRACE_SECONDS is read below


def _key(attempt_id: int) -> dict[int, list[int]]:
    rows = db.session.execute(
        select(AttemptItem.question_id, AttemptItem.option_order, QuestionVersion.correct)
        .join(QuestionVersion, QuestionVersion.id == AttemptItem.version_id)
        .where(AttemptItem.attempt_id == attempt_id)).all()
    return {qid: display_ids(correct, order) for qid, order, correct in rows}


def _start(client, headers, round_id: int) -> dict:
    response = client.post(f"/api/v1/rounds/{round_id}/attempts", headers=headers)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def _move_close(app, round_id: int, when) -> None:
    with app.app_context():
        db.session.get(Round, round_id).closes_at = when
        db.session.commit()


def test_late_save_and_submit_after_closing_time_moved_into_the_past(
        app, client, api_token, quiz_round, clock) -> None:
    round_id = quiz_round(question_count=5, time_limit_s=3600)
    headers, _ = api_token()
    body = _start(client, headers, round_id)
    attempt_id = body["id"]
    with app.app_context():
        key = _key(attempt_id)
    first = body["questions"][0]["id"]
    saved = client.put(f"/api/v1/attempts/{attempt_id}/answers/{first}", headers=headers,
                       json={"option_ids": key[first]})
    assert saved.status_code == 200
    clock.advance(minutes=5)
    closed_at = clock.now() - timedelta(minutes=1)
    _move_close(app, round_id, closed_at)  # the organiser ends the round a minute ago
    clock.advance(seconds=app.config["ANSWER_GRACE_SECONDS"] + 1)

    # The attempt's payload and the countdown report the capped deadline.
    state = client.get(f"/api/v1/attempts/{attempt_id}", headers=headers).get_json()
    assert state["deadline"] == closed_at.isoformat()

    for q in body["questions"][1:]:
        late = client.put(f"/api/v1/attempts/{attempt_id}/answers/{q['id']}",
                          headers=headers, json={"option_ids": key[q["id"]]})
        assert late.status_code == 409
        assert late.get_json()["error"]["code"] == "attempt_closed"
    result = client.post(f"/api/v1/attempts/{attempt_id}/submission", headers=headers)
    assert result.status_code == 200
    assert result.get_json()["status"] == "expired"
    assert result.get_json()["score"] == 1  # only the answer saved before the close counts
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        assert attempt.submitted_at == closed_at
        chosen = db.session.scalars(select(AttemptItem.chosen).where(
            AttemptItem.attempt_id == attempt_id)).all()
        assert len([c for c in chosen if c]) == 1


def test_submit_within_grace_after_close_is_capped(app, api_token, client, quiz_round,
                                                   clock) -> None:
    round_id = quiz_round(question_count=5, time_limit_s=3600)
    headers, _ = api_token()
    attempt_id = _start(client, headers, round_id)["id"]
    closed_at = clock.now() + timedelta(minutes=2)
    _move_close(app, round_id, closed_at)
    clock.advance(minutes=2, seconds=1)  # after the close, within the grace
    result = client.post(f"/api/v1/attempts/{attempt_id}/submission", headers=headers)
    assert result.get_json()["status"] == "submitted"
    with app.app_context():
        assert db.session.get(Attempt, attempt_id).submitted_at == closed_at


def test_take_page_countdown_shows_the_capped_deadline(app, client, login_as, quiz_round,
                                                       clock) -> None:
    round_id = quiz_round(time_limit_s=3600)
    login_as()
    token = csrf_token(client, f"/vong-thi/{round_id}")
    started = client.post(f"/vong-thi/{round_id}/bat-dau", data={"csrf_token": token})
    attempt_id = int(started.headers["Location"].rsplit("/", 1)[1])
    closes = clock.now() + timedelta(minutes=3)
    _move_close(app, round_id, closes)
    page = client.get(f"/bai-thi/{attempt_id}").get_data(as_text=True)
    assert f'data-deadline="{closes.isoformat()}"' in page
    assert "03:00" in page


def test_extra_time_still_extends_the_moved_closing_time(app, make_user, quiz_round,
                                                         clock) -> None:
    from contest_app.quiz import admin

    round_id = quiz_round(time_limit_s=3600)
    user = make_user()
    with app.app_context():
        rnd = db.session.get(Round, round_id)
        admin.grant_extra_time(db.session, user.id, rnd, user.id, 10, clock.now())
        started = services.start_attempt(db.session, user.id, round_id, clock.now(), GRACE)
        attempt_id = started.attempt.id
        question_id = started.items[0].question_id
        db.session.commit()
    _move_close(app, round_id, clock.now())
    clock.advance(minutes=9)  # past the close, within this participant's extra ten minutes
    with app.app_context():
        services.save_answer(db.session, user.id, attempt_id, question_id, [1], clock.now(),
                             GRACE)
        db.session.commit()
    clock.advance(minutes=2)
    with app.app_context():
        try:
            services.save_answer(db.session, user.id, attempt_id, question_id, [2],
                                 clock.now(), GRACE)
        except Exception as err:  # noqa: BLE001
            assert getattr(err, "code", None) == "attempt_closed"
        else:
            raise AssertionError("a save after the extended close was accepted")


def _two_in_progress(app, client, api_token, round_id):
    attempts = []
    for _ in range(2):
        headers, _user = api_token()
        body = _start(client, headers, round_id)
        with app.app_context():
            key = _key(body["id"])
        q = body["questions"][0]["id"]
        assert client.put(f"/api/v1/attempts/{body['id']}/answers/{q}", headers=headers,
                          json={"option_ids": key[q]}).status_code == 200
        attempts.append((headers, body))
    return attempts


def _assert_closed_and_audited(app, round_id, attempts, now, actor_id) -> None:
    with app.app_context():
        rnd = db.session.get(Round, round_id)
        assert rnd.closes_at == now
        for _headers, body in attempts:
            attempt = db.session.get(Attempt, body["id"])
            assert attempt.status == "expired"
            assert attempt.score == 1 and attempt.submitted_at == now
        event = db.session.scalar(select(AuditEvent).where(
            AuditEvent.action == "round.close_now"))
        assert event is not None and event.actor_id == actor_id
        assert sorted(event.after["closed_attempts"]) == sorted(b["id"] for _, b in attempts)


def test_end_round_now_button_closes_and_scores_attempts(app, client, api_token, login_as,
                                                         quiz_round, clock) -> None:
    round_id = quiz_round(question_count=5, time_limit_s=3600)
    attempts = _two_in_progress(app, client, api_token, round_id)
    clock.advance(minutes=3)
    organiser = login_as("organiser")
    with app.app_context():
        contest_id = db.session.get(Round, round_id).contest_id
    url = f"/ban-to-chuc/cuoc-thi/{contest_id}/vong-thi/{round_id}"
    page = client.get(url).get_data(as_text=True)
    assert "Kết thúc vòng thi ngay" in page
    token = csrf_token(client, url)
    unconfirmed = client.post(url + "/ket-thuc", data={"csrf_token": token})
    assert unconfirmed.status_code == 303
    with app.app_context():
        assert db.session.get(Attempt, attempts[0][1]["id"]).status == "in_progress"
    response = client.post(url + "/ket-thuc", data={"csrf_token": token, "confirm": "yes",
                                                   "reason": "Sự cố kỹ thuật"})
    assert response.status_code == 302
    _assert_closed_and_audited(app, round_id, attempts, clock.now(), organiser.id)
    headers, body = attempts[0]
    late = client.put(f"/api/v1/attempts/{body['id']}/answers/{body['questions'][1]['id']}",
                      headers=headers, json={"option_ids": [1]})
    assert late.status_code == 409
    headers = attempts[1][0]  # a participant whose attempt was closed tries again
    again = app.test_client().post(f"/api/v1/rounds/{round_id}/attempts", headers=headers)
    assert again.status_code == 403  # the round is closed: no new attempt


def test_rounds_close_cli_closes_and_scores_attempts(app, client, api_token, quiz_round,
                                                     clock) -> None:
    round_id = quiz_round(question_count=5, time_limit_s=3600)
    attempts = _two_in_progress(app, client, api_token, round_id)
    clock.advance(minutes=3)
    result = app.test_cli_runner().invoke(args=["rounds", "close", str(round_id)])
    assert result.exit_code == 0, result.output
    assert "2 bài" in result.output
    _assert_closed_and_audited(app, round_id, attempts, clock.now(), None)
    missing = app.test_cli_runner().invoke(args=["rounds", "close", "999999"])
    assert missing.exit_code != 0
