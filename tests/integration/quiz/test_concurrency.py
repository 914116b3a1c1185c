"""Races that other platforms lost: simultaneous starts, double submits, answers racing a
submission. Real threads against the real database (SQLite or PostgreSQL)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select

from contest_app.extensions import db
from contest_app.quiz.models import Attempt, AttemptItem


def run_together(n: int, fn):
    barrier = threading.Barrier(n)

    def call(i):
        barrier.wait()
        return fn(i)

    with ThreadPoolExecutor(max_workers=n) as pool:
        return list(pool.map(call, range(n)))


def test_simultaneous_starts_give_one_attempt(app, api_token, quiz_round) -> None:
    round_id = quiz_round()
    headers, _ = api_token()

    def start(_):
        response = app.test_client().post(f"/api/v1/rounds/{round_id}/attempts", headers=headers)
        assert "id" in response.get_json(), response.get_json()
        return response.status_code, response.get_json()["id"]

    results = run_together(6, start)
    assert len({attempt_id for _, attempt_id in results}) == 1
    assert sorted(code for code, _ in results).count(201) == 1
    with app.app_context():
        assert db.session.scalar(select(func.count(Attempt.id))) == 1
        assert db.session.scalar(select(func.count(AttemptItem.id))) == 5


def test_simultaneous_submits_score_once(app, api_token, quiz_round, client) -> None:
    round_id = quiz_round()
    headers, _ = api_token()
    body = client.post(f"/api/v1/rounds/{round_id}/attempts", headers=headers).get_json()
    q = body["questions"][0]
    client.put(f"/api/v1/attempts/{body['id']}/answers/{q['id']}", headers=headers,
               json={"option_ids": [1]})

    def submit(_):
        response = app.test_client().post(f"/api/v1/attempts/{body['id']}/submission",
                                          headers=headers)
        return response.status_code, response.get_json()

    results = run_together(5, submit)
    assert {code for code, _ in results} == {200}
    assert len({repr(sorted(r.items())) for _, r in results}) == 1
    with app.app_context():
        attempt = db.session.get(Attempt, body["id"])
        assert attempt.status == "submitted"


def test_answers_racing_a_submission_are_either_scored_or_refused(app, api_token, quiz_round,
                                                                 client) -> None:
    """An answer acknowledged with 200 is always part of the stored attempt (no lost answer)."""
    round_id = quiz_round(question_count=5)
    headers, _ = api_token()
    body = client.post(f"/api/v1/rounds/{round_id}/attempts", headers=headers).get_json()
    questions = body["questions"]

    def act(i):
        c = app.test_client()
        if i == len(questions):
            return "submit", c.post(f"/api/v1/attempts/{body['id']}/submission",
                                    headers=headers).status_code
        q = questions[i]
        return q["id"], c.put(f"/api/v1/attempts/{body['id']}/answers/{q['id']}",
                              headers=headers, json={"option_ids": [1]}).status_code

    results = run_together(len(questions) + 1, act)
    acknowledged = {qid for qid, code in results if qid != "submit" and code == 200}
    with app.app_context():
        saved = {qid for qid, chosen in db.session.execute(
            select(AttemptItem.question_id, AttemptItem.chosen)
            .where(AttemptItem.attempt_id == body["id"])) if chosen}
        attempt = db.session.get(Attempt, body["id"])
        assert attempt.status == "submitted"
    assert acknowledged == saved
    assert all(code in (200, 409) for qid, code in results if qid != "submit")
