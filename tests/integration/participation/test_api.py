"""POST /api/v1/contests/{id}/participation: 201, 200, 409, 422, 403 not_eligible, and the
operation documented in the OpenAPI document."""

from __future__ import annotations

from sqlalchemy import func, select

from contest_app.extensions import db
from contest_app.quiz.models import Participation


def url(contest_id: int) -> str:
    return f"/api/v1/contests/{contest_id}/participation"


def count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Participation.id)))


def test_join_repeat_and_other_board(app, client, make_user, token_for, contest_ids) -> None:
    ids = contest_ids(boards=["Cán bộ, công chức", "Người dân"])
    headers = token_for(make_user())
    a, b = ids.boards["Cán bộ, công chức"], ids.boards["Người dân"]
    first = client.post(url(ids.contest_id), json={"board_id": a}, headers=headers)
    assert first.status_code == 201
    body = first.get_json()
    assert body["board_id"] == a and body["contest_id"] == ids.contest_id
    assert body["cccd_declared"] is False and body["joined_at"].startswith("2026-11-25")
    again = client.post(url(ids.contest_id), json={"board_id": a}, headers=headers)
    assert again.status_code == 200 and again.get_json()["board_id"] == a
    other = client.post(url(ids.contest_id), json={"board_id": b}, headers=headers)
    assert other.status_code == 409
    assert other.get_json()["error"]["code"] == "board_conflict"
    assert count(app) == 1


def test_board_validation(app, client, make_user, token_for, contest_ids) -> None:
    ids = contest_ids(boards=["A", "B"])
    plain = contest_ids()
    other = contest_ids(boards=["C"])
    headers = token_for(make_user())
    for payload in ({"board_id": other.boards["C"]}, {"board_id": None}, {}):
        response = client.post(url(ids.contest_id), json=payload, headers=headers)
        assert response.status_code == 422, payload
        assert "board_id" in response.get_json()["error"]["fields"]
    response = client.post(url(plain.contest_id), json={"board_id": ids.boards["A"]},
                           headers=headers)
    assert response.status_code == 422
    assert client.post(url(plain.contest_id), json={}, headers=headers).status_code == 201
    assert client.post(url(plain.contest_id), json={"board_id": None},
                       headers=headers).status_code == 200
    assert count(app) == 1


def test_not_eligible_says_which(app, client, make_user, token_for, contest_ids) -> None:
    ids = contest_ids(min_age=18, require_cccd=True)
    headers = token_for(make_user())
    response = client.post(url(ids.contest_id), json={}, headers=headers)
    assert response.status_code == 403
    error = response.get_json()["error"]
    assert error["code"] == "not_eligible"
    assert set(error["fields"]) == {"date_of_birth", "cccd"}
    response = client.post(url(ids.contest_id), json={"date_of_birth": "2008-11-26",
                                                      "cccd": "001203004567"}, headers=headers)
    assert response.status_code == 403
    assert set(response.get_json()["error"]["fields"]) == {"date_of_birth"}
    response = client.post(url(ids.contest_id), json={"date_of_birth": "2008-11-25"},
                           headers=headers)
    assert response.status_code == 403
    assert set(response.get_json()["error"]["fields"]) == {"cccd"}
    assert count(app) == 0
    response = client.post(url(ids.contest_id), json={"date_of_birth": "2008-11-25",
                                                      "cccd": "001203004567"}, headers=headers)
    assert response.status_code == 201 and response.get_json()["cccd_declared"] is True


def test_invalid_values(app, client, make_user, token_for, contest_ids) -> None:
    ids = contest_ids(min_age=14, require_cccd=True)
    headers = token_for(make_user())
    cases = [({"date_of_birth": "2008-02-30", "cccd": "001203004567"}, "date_of_birth"),
             ({"date_of_birth": "25/11/2008"}, "date_of_birth"),
             ({"date_of_birth": "2008-01-01", "cccd": "12345"}, "cccd"),
             ({"date_of_birth": "2008-01-01", "cccd": "00120300456a"}, "cccd"),
             ({"board_id": "x"}, "board_id")]
    for payload, field in cases:
        response = client.post(url(ids.contest_id), json=payload, headers=headers)
        assert response.status_code == 422, payload
        assert field in response.get_json()["error"]["fields"], response.get_json()
    assert count(app) == 0


def test_auth_and_unknown_contest(client, make_user, token_for, contest_ids, app) -> None:
    ids = contest_ids()
    assert client.post(url(ids.contest_id), json={}).status_code == 401
    headers = token_for(make_user())
    assert client.post(url(999999), json={}, headers=headers).status_code == 404
    with app.app_context():
        from contest_app.quiz.models import Contest

        db.session.get(Contest, ids.contest_id).published = False
        db.session.commit()
    assert client.post(url(ids.contest_id), json={}, headers=headers).status_code == 404


def test_cookie_session_needs_the_csrf_header(client, login_as, contest_ids) -> None:
    from tests.conftest import csrf_token

    ids = contest_ids()
    login_as("participant")
    assert client.post(url(ids.contest_id), json={}).status_code == 400
    token = csrf_token(client, f"/cuoc-thi/{ids.contest_id}/tham-gia")
    response = client.post(url(ids.contest_id), json={}, headers={"X-CSRFToken": token})
    assert response.status_code == 201


def test_documented_in_openapi(client) -> None:
    spec = client.get("/api/v1/openapi.json").get_json()
    operation = spec["paths"]["/api/v1/contests/{contest_id}/participation"]["post"]
    assert {"200", "201", "403", "409", "422"} <= set(operation["responses"])
    props = operation["requestBody"]["content"]["application/json"]["schema"]["properties"]
    assert set(props) == {"board_id", "date_of_birth", "cccd"}
