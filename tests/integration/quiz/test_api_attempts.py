"""The quiz through JSON API v1: start/resume, answers, prediction, submission, review."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import func, select

from contest_app.bank.models import QuestionVersion
from contest_app.extensions import db
from contest_app.quiz.models import Attempt, AttemptItem
from contest_app.quiz.rules import display_ids


def key_for(app, attempt_id: int) -> dict[int, list[int]]:
    """The correct display ids per question of an attempt (read from the database)."""
    with app.app_context():
        rows = db.session.execute(
            select(AttemptItem.question_id, AttemptItem.option_order, QuestionVersion.correct)
            .join(QuestionVersion, QuestionVersion.id == AttemptItem.version_id)
            .where(AttemptItem.attempt_id == attempt_id)).all()
        return {qid: display_ids(correct, order) for qid, order, correct in rows}


def start(client, headers, round_id):
    return client.post(f"/api/v1/rounds/{round_id}/attempts", headers=headers)


def test_requires_a_valid_token(client, quiz_round) -> None:
    round_id = quiz_round()
    response = start(client, {}, round_id)
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthorized"
    bad = start(client, {"Authorization": "Bearer nope"}, round_id)
    assert bad.status_code == 401


def test_token_with_wrong_password_is_401_and_bad_body_422(client, make_user) -> None:
    user = make_user()
    wrong = client.post("/api/v1/tokens", json={"email": user.email, "password": "sai"})
    assert wrong.status_code == 401
    missing = client.post("/api/v1/tokens", json={"email": user.email})
    assert missing.status_code == 422
    assert "password" in missing.get_json()["error"]["fields"]


def test_token_is_stored_only_as_a_hash(app, client, api_token) -> None:
    headers, _ = api_token()
    token = headers["Authorization"].split()[1]
    with app.app_context(), db.engine.connect() as conn:
        from contest_app.accounts.models import ApiToken

        stored = conn.execute(select(ApiToken.token_hash)).scalar()
        assert stored != token and len(stored) == 64


def test_start_returns_questions_without_the_key(app, client, api_token, quiz_round) -> None:
    round_id = quiz_round(question_count=5)
    headers, _ = api_token()
    response = start(client, headers, round_id)
    assert response.status_code == 201
    body = response.get_json()
    assert len(body["questions"]) == 5
    assert [q["position"] for q in body["questions"]] == [1, 2, 3, 4, 5]
    assert body["answers"] == {}
    assert body["deadline"].endswith("+00:00") and body["server_time"].endswith("+00:00")
    text = json.dumps(body)
    for forbidden in ("correct", "explanation", "legal_basis", "Giải thích", "Nghị định"):
        assert forbidden not in text


def test_full_attempt_scores_and_reviews(app, client, api_token, quiz_round, clock) -> None:
    round_id = quiz_round(question_count=5)
    headers, _ = api_token()
    body = start(client, headers, round_id).get_json()
    attempt_id = body["id"]
    key = key_for(app, attempt_id)
    questions = body["questions"]
    for q in questions[:3]:  # three right
        r = client.put(f"/api/v1/attempts/{attempt_id}/answers/{q['id']}", headers=headers,
                       json={"option_ids": key[q["id"]]})
        assert r.status_code == 200, r.get_json()
    wrong = next(o["id"] for o in questions[3]["options"] if o["id"] not in key[questions[3]["id"]])
    client.put(f"/api/v1/attempts/{attempt_id}/answers/{questions[3]['id']}", headers=headers,
               json={"option_ids": [wrong]})
    clock.advance(seconds=95, milliseconds=500)
    result = client.post(f"/api/v1/attempts/{attempt_id}/submission", headers=headers)
    assert result.status_code == 200
    assert result.get_json() == {"status": "submitted", "score": 3, "max_score": 5,
                                 "duration_ms": 95500}
    detail = client.get(f"/api/v1/attempts/{attempt_id}", headers=headers).get_json()
    assert detail["status"] == "submitted" and detail["score"] == 3
    review = {item["question_id"]: item for item in detail["review"]}
    assert review[questions[0]["id"]]["correct"] == key[questions[0]["id"]]
    assert review[questions[3]["id"]]["chosen"] == [wrong]
    assert review[questions[4]["id"]]["chosen"] == []
    assert review[questions[0]["id"]]["legal_basis"] == "Nghị định 61/2018/NĐ-CP"
    assert review[questions[0]["id"]]["explanation"].startswith("Giải thích")


def test_submission_is_idempotent(app, client, api_token, quiz_round, clock) -> None:
    round_id = quiz_round()
    headers, _ = api_token()
    attempt_id = start(client, headers, round_id).get_json()["id"]
    first = client.post(f"/api/v1/attempts/{attempt_id}/submission", headers=headers).get_json()
    clock.advance(seconds=30)
    second = client.post(f"/api/v1/attempts/{attempt_id}/submission", headers=headers).get_json()
    assert first == second
    with app.app_context():
        assert db.session.scalar(select(func.count(Attempt.id))) == 1


def test_resume_returns_answers_and_remaining_time(app, client, api_token, quiz_round,
                                                   clock) -> None:
    round_id = quiz_round(time_limit_s=600)
    headers, _ = api_token()
    first = start(client, headers, round_id)
    body = first.get_json()
    q = body["questions"][0]
    client.put(f"/api/v1/attempts/{body['id']}/answers/{q['id']}", headers=headers,
               json={"option_ids": [2]})
    clock.advance(minutes=4)
    again = start(client, headers, round_id)
    assert again.status_code == 200
    resumed = again.get_json()
    assert resumed["id"] == body["id"]
    assert resumed["deadline"] == body["deadline"]
    assert resumed["answers"] == {str(q["id"]): [2]}
    assert [x["options"] for x in resumed["questions"]] == [x["options"] for x in
                                                            body["questions"]]


def test_no_attempt_left_is_409(client, api_token, quiz_round) -> None:
    round_id = quiz_round(max_attempts=1)
    headers, _ = api_token()
    attempt_id = start(client, headers, round_id).get_json()["id"]
    client.post(f"/api/v1/attempts/{attempt_id}/submission", headers=headers)
    refused = start(client, headers, round_id)
    assert refused.status_code == 409
    assert refused.get_json()["error"]["code"] == "no_attempts_left"
    assert "hết số lượt" in refused.get_json()["error"]["message"]


def test_round_not_open_is_403(client, api_token, quiz_round) -> None:
    upcoming = quiz_round(opens_delta=timedelta(hours=1))
    headers, _ = api_token()
    response = start(client, headers, upcoming)
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "round_not_open"


def test_unknown_round_is_404(client, api_token) -> None:
    headers, _ = api_token()
    assert start(client, headers, 999).status_code == 404


def test_answer_after_deadline_is_409_and_nothing_saved(app, client, api_token, quiz_round,
                                                        clock) -> None:
    round_id = quiz_round(time_limit_s=60)
    headers, _ = api_token()
    body = start(client, headers, round_id).get_json()
    q = body["questions"][0]
    clock.advance(seconds=60 + app.config["ANSWER_GRACE_SECONDS"] + 1)
    late = client.put(f"/api/v1/attempts/{body['id']}/answers/{q['id']}", headers=headers,
                      json={"option_ids": [1]})
    assert late.status_code == 409
    assert late.get_json()["error"]["code"] == "attempt_closed"
    with app.app_context():
        item = db.session.scalar(select(AttemptItem).where(AttemptItem.question_id == q["id"]))
        assert item.chosen is None
        attempt = db.session.get(Attempt, body["id"])
        assert attempt.status == "expired"  # closed lazily by the request that touched it
        assert attempt.duration_ms == 60_000


def test_answer_within_grace_is_accepted(app, client, api_token, quiz_round, clock) -> None:
    round_id = quiz_round(time_limit_s=60)
    headers, _ = api_token()
    body = start(client, headers, round_id).get_json()
    clock.advance(seconds=62)
    q = body["questions"][0]
    ok = client.put(f"/api/v1/attempts/{body['id']}/answers/{q['id']}", headers=headers,
                    json={"option_ids": [1]})
    assert ok.status_code == 200


def test_answer_after_submission_is_409(client, api_token, quiz_round) -> None:
    headers, _ = api_token()
    body = start(client, headers, quiz_round()).get_json()
    client.post(f"/api/v1/attempts/{body['id']}/submission", headers=headers)
    q = body["questions"][0]
    late = client.put(f"/api/v1/attempts/{body['id']}/answers/{q['id']}", headers=headers,
                      json={"option_ids": [1]})
    assert late.status_code == 409


def test_invalid_options_are_422(client, api_token, quiz_round) -> None:
    headers, _ = api_token()
    body = start(client, headers, quiz_round()).get_json()
    url = f"/api/v1/attempts/{body['id']}/answers/{body['questions'][0]['id']}"
    assert client.put(url, headers=headers, json={"option_ids": [5]}).status_code == 422
    assert client.put(url, headers=headers, json={"option_ids": [1, 2]}).status_code == 422
    assert client.put(url, headers=headers, json={"option_ids": ["a"]}).status_code == 422
    assert client.put(url, headers=headers, json={}).status_code == 422
    assert client.put(url, headers=headers, data="not json",
                      content_type="application/json").status_code == 422


def test_question_not_in_attempt_is_404(client, api_token, quiz_round) -> None:
    headers, _ = api_token()
    body = start(client, headers, quiz_round()).get_json()
    response = client.put(f"/api/v1/attempts/{body['id']}/answers/99999", headers=headers,
                          json={"option_ids": [1]})
    assert response.status_code == 404


def test_another_users_attempt_is_404(client, api_token, quiz_round) -> None:
    round_id = quiz_round()
    owner, _ = api_token()
    body = start(client, owner, round_id).get_json()
    intruder, _ = api_token()
    q = body["questions"][0]
    assert client.get(f"/api/v1/attempts/{body['id']}", headers=intruder).status_code == 404
    assert client.put(f"/api/v1/attempts/{body['id']}/answers/{q['id']}", headers=intruder,
                      json={"option_ids": [1]}).status_code == 404
    assert client.post(f"/api/v1/attempts/{body['id']}/submission",
                       headers=intruder).status_code == 404
    assert client.put(f"/api/v1/attempts/{body['id']}/prediction", headers=intruder,
                      json={"value": 3}).status_code == 404


def test_prediction(app, client, api_token, quiz_round) -> None:
    headers, _ = api_token()
    body = start(client, headers, quiz_round(prediction_kind="full_marks")).get_json()
    assert body["prediction_enabled"] is True
    url = f"/api/v1/attempts/{body['id']}/prediction"
    assert client.put(url, headers=headers, json={"value": -1}).status_code == 422
    assert client.put(url, headers=headers, json={"value": 1234}).get_json() == {"value": 1234}
    with app.app_context():
        assert db.session.get(Attempt, body["id"]).prediction == 1234


def test_review_hidden_until_round_closes(app, client, api_token, quiz_round, clock) -> None:
    round_id = quiz_round(reveal="after_close", closes_delta=timedelta(hours=2))
    headers, _ = api_token()
    body = start(client, headers, round_id).get_json()
    client.post(f"/api/v1/attempts/{body['id']}/submission", headers=headers)
    hidden = client.get(f"/api/v1/attempts/{body['id']}", headers=headers).get_json()
    assert hidden["review"] is None
    assert "correct" not in json.dumps(hidden)
    clock.advance(hours=2)
    shown = client.get(f"/api/v1/attempts/{body['id']}", headers=headers).get_json()
    assert len(shown["review"]) == 5


def test_review_never(client, api_token, quiz_round) -> None:
    headers, _ = api_token()
    body = start(client, headers, quiz_round(reveal="never")).get_json()
    client.post(f"/api/v1/attempts/{body['id']}/submission", headers=headers)
    assert client.get(f"/api/v1/attempts/{body['id']}", headers=headers).get_json()[
        "review"] is None


def test_contests_and_units_listing(client, quiz_round, make_unit) -> None:
    quiz_round()
    make_unit("Sở Nội vụ")
    contests = client.get("/api/v1/contests").get_json()
    rnd = contests[0]["rounds"][0]
    assert set(rnd) >= {"id", "title", "opens_at", "closes_at", "question_count",
                        "time_limit_s", "max_attempts", "status"}
    assert rnd["status"] == "open"
    units = client.get("/api/v1/units").get_json()
    assert any(u["name"] == "Sở Nội vụ" for u in units)


def test_register_through_api(client, make_unit) -> None:
    unit = make_unit()
    ok = client.post("/api/v1/users", json={
        "email": "api@example.vn", "password": "mat-khau-dai", "full_name": "Người Dùng API",
        "phone": "0912000111", "unit_id": unit.id})
    assert ok.status_code == 201
    bad = client.post("/api/v1/users", json={
        "email": "api2@example.vn", "password": "mat-khau-dai", "full_name": "X Y",
        "phone": "123", "unit_id": unit.id})
    assert bad.status_code == 422
    assert "phone" in bad.get_json()["error"]["fields"]


def test_cookie_session_needs_csrf_header(app, client, login_as, quiz_round) -> None:
    from tests.conftest import csrf_token

    round_id = quiz_round()
    login_as()
    no_header = client.post(f"/api/v1/rounds/{round_id}/attempts")
    assert no_header.status_code == 400
    assert no_header.get_json()["error"]["code"] == "csrf_failed"
    token = csrf_token(client, "/")
    ok = client.post(f"/api/v1/rounds/{round_id}/attempts", headers={"X-CSRFToken": token})
    assert ok.status_code == 201


def test_openapi_document_lists_every_path(client) -> None:
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    for path in ("/api/v1/tokens", "/api/v1/users", "/api/v1/units", "/api/v1/contests",
                 "/api/v1/rounds/{round_id}/attempts",
                 "/api/v1/attempts/{attempt_id}/answers/{question_id}",
                 "/api/v1/attempts/{attempt_id}/prediction",
                 "/api/v1/attempts/{attempt_id}/submission", "/api/v1/attempts/{attempt_id}"):
        assert path in spec["paths"], path
