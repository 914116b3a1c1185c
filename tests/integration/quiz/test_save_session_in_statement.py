"""Saving an answer through the cookie session checks the session inside the one UPDATE: a
valid session saves, an ended or locked one is a 401 that saves nothing (CSRF or not), and
someone else's attempt stays a 404."""

from __future__ import annotations

from sqlalchemy import select, update

from contest_app.accounts.models import User
from contest_app.extensions import db
from contest_app.quiz.models import AttemptItem
from tests.conftest import csrf_token, login


def _started(client, round_id: int) -> tuple[int, int, str]:
    token = csrf_token(client, "/")
    body = client.post(f"/api/v1/rounds/{round_id}/attempts",
                       headers={"X-CSRFToken": token}).get_json()
    return body["id"], body["questions"][0]["id"], token


def _chosen(app, attempt_id: int, question_id: int):
    with app.app_context():
        return db.session.scalar(select(AttemptItem.chosen).where(
            AttemptItem.attempt_id == attempt_id, AttemptItem.question_id == question_id))


def _end_sessions(app, user_id: int, **values: object) -> None:
    with app.app_context():
        db.session.execute(update(User).where(User.id == user_id).values(**values))
        db.session.commit()


def test_a_valid_cookie_session_saves_in_one_statement(app, client, login_as, quiz_round):
    login_as()
    attempt_id, question_id, token = _started(client, quiz_round())
    url = f"/api/v1/attempts/{attempt_id}/answers/{question_id}"
    response = client.put(url, json={"option_ids": [2]}, headers={"X-CSRFToken": token})
    assert response.status_code == 200, response.get_json()
    assert _chosen(app, attempt_id, question_id) == [2]
    assert client.put(url, json={"option_ids": [2]}).status_code == 400  # CSRF still needed
    assert client.put(url, json={"option_ids": [6]}, headers={"X-CSRFToken": token}
                      ).status_code == 422  # an option the question does not have


def test_an_ended_session_is_401_and_saves_nothing(app, client, login_as, quiz_round):
    user = login_as()
    attempt_id, question_id, token = _started(client, quiz_round())
    url = f"/api/v1/attempts/{attempt_id}/answers/{question_id}"
    _end_sessions(app, user.id, session_generation=User.session_generation + 1)
    for headers, body in (({"X-CSRFToken": token}, {"option_ids": [1]}),
                          ({}, {"option_ids": [1]}),
                          ({"X-CSRFToken": token}, {"option_ids": [1, 1]})):
        response = client.put(url, json=body, headers=headers)
        assert response.status_code == 401, (headers, body, response.get_json())
        assert response.get_json()["error"]["code"] == "unauthorized"
    assert _chosen(app, attempt_id, question_id) in (None, [])


def test_a_deactivated_account_is_401(app, client, login_as, quiz_round):
    user = login_as()
    attempt_id, question_id, token = _started(client, quiz_round())
    _end_sessions(app, user.id, active=False)
    response = client.put(f"/api/v1/attempts/{attempt_id}/answers/{question_id}",
                          json={"option_ids": [1]}, headers={"X-CSRFToken": token})
    assert response.status_code == 401
    assert _chosen(app, attempt_id, question_id) in (None, [])


def test_someone_elses_attempt_is_still_404(app, client, login_as, make_user, quiz_round):
    login_as()
    attempt_id, question_id, _ = _started(client, quiz_round())
    other = app.test_client()
    assert login(other, make_user().email).status_code == 302
    token = csrf_token(other, "/")
    response = other.put(f"/api/v1/attempts/{attempt_id}/answers/{question_id}",
                         json={"option_ids": [1]}, headers={"X-CSRFToken": token})
    assert response.status_code == 404
    assert _chosen(app, attempt_id, question_id) in (None, [])


def test_a_save_is_one_statement(app, client, login_as, quiz_round):
    from sqlalchemy import event

    login_as()
    attempt_id, question_id, token = _started(client, quiz_round())
    statements: list[str] = []
    with app.app_context():
        engine = db.engine

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        response = client.put(f"/api/v1/attempts/{attempt_id}/answers/{question_id}",
                              json={"option_ids": [3]}, headers={"X-CSRFToken": token})
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert response.status_code == 200
    assert len(statements) == 1 and statements[0].lstrip().startswith("UPDATE"), statements
