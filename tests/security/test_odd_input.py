"""Hole 11: odd input never ends in a 500. Each case is refused with a 4xx (or, for the plain
quiz form, a redirect carrying an error message), and nothing is written to the database."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select, text

from contest_app.accounts.models import User
from contest_app.extensions import db
from contest_app.quiz.models import Attempt, AttemptItem, Round
from contest_app.rankings import services as ranking_services
from tests import factories
from tests.conftest import PASSWORD, csrf_token, login
from tests.integration.surveys.conftest import form_data, make_survey, valid_answers

__all__ = ["make_survey"]  # the survey fixture, used by the cases below

TWENTY_DIGITS = "9" * 20
DEEP = 100_000


# --- What "nothing written" means: every table's row count, every answer and prediction ----


def fingerprint(app: Flask) -> tuple:
    with app.app_context():
        counts = tuple(
            (table.name, db.session.scalar(select(func.count()).select_from(table)))
            for table in db.metadata.sorted_tables)
        chosen = tuple(db.session.execute(
            select(AttemptItem.id, AttemptItem.chosen).order_by(AttemptItem.id)).all())
        predictions = tuple(db.session.execute(
            select(Attempt.id, Attempt.prediction).order_by(Attempt.id)).all())
        db.session.remove()
    return counts, chosen, predictions


def assert_refused(response, *, redirect_ok: bool = False) -> None:
    status = response.status_code
    allowed = 400 <= status < 500 or (redirect_ok and status in (302, 303))
    assert allowed, (status, response.get_data(as_text=True)[:300])
    if status >= 400 and response.is_json:
        body = response.get_json()
        assert body["error"]["message"], body


def deep_json(depth: int = DEEP) -> str:
    return "[" * depth + "]" * depth


# --- Scenery --------------------------------------------------------------------------------


@pytest.fixture
def open_survey(app, make_survey) -> int:
    return make_survey()


@pytest.fixture
def taking(app: Flask, client: FlaskClient, clock, login_as) -> dict[str, Any]:
    """A logged-in participant in the middle of an attempt on a round with a prediction."""
    with app.app_context():
        factories.bank(db.session, 12)
        contest = factories.contest(db.session)
        rnd = factories.round_(db.session, contest, clock.now(), prediction_kind="full_marks")
        db.session.commit()
        round_id = rnd.id
    login_as()
    token = csrf_token(client, f"/vong-thi/{round_id}")
    started = client.post(f"/vong-thi/{round_id}/bat-dau", data={"csrf_token": token})
    attempt_id = int(started.headers["Location"].rsplit("/", 1)[1])
    with app.app_context():
        question_id = db.session.scalar(select(AttemptItem.question_id).where(
            AttemptItem.attempt_id == attempt_id).order_by(AttemptItem.position))
    return {"attempt_id": attempt_id, "question_id": question_id,
            "csrf": csrf_token(client, f"/bai-thi/{attempt_id}")}


@pytest.fixture
def published_round(app: Flask, clock, make_unit) -> int:
    """A closed official round with two scored attempts and a published ranking."""
    unit = make_unit("Sở Nội vụ", headcount=10, block="Khối sở")
    with app.app_context():
        contest = factories.contest(db.session, title="Cuộc thi xếp hạng")
        rnd = factories.round_(db.session, contest, clock.now(), question_count=10,
                               opens_delta=timedelta(days=-7), closes_delta=timedelta(hours=-1))
        for n in range(2):
            user = User(email=f"xh{n}@example.vn", phone=f"09770000{n:02d}", unit_id=unit.id,
                        password_hash="x", created_at=clock.now())
            user.set_name(f"Người thi {n}")
            db.session.add(user)
            db.session.flush()
            factories.finished_attempt(db.session, rnd, user.id, 8 - n, 60_000,
                                       rnd.opens_at + timedelta(minutes=10))
        db.session.commit()
        ranking_services.publish_round(db.session, None, db.session.get(Round, rnd.id),
                                       clock.now())
        db.session.commit()
        return rnd.id


# --- Survey answers ---------------------------------------------------------------------------


@pytest.mark.parametrize("key", ["²", "٣", "1" * 5000, TWENTY_DIGITS, "-1"],
                         ids=["superscript-two", "arabic-indic-three", "5000-digits",
                              "20-digits", "negative"])
def test_survey_api_answer_key(app, client, open_survey, key) -> None:
    answers = {**valid_answers(app, open_survey), key: 1}
    before = fingerprint(app)
    response = client.post(f"/api/v1/surveys/{open_survey}/responses",
                           json={"answers": answers})
    assert_refused(response)
    assert fingerprint(app) == before


@pytest.mark.parametrize("value", ["²", "١", TWENTY_DIGITS, "1" * 5000],
                         ids=["superscript-two", "arabic-indic-one", "20-digits", "5000-digits"])
def test_survey_web_form_choice_value(app, client, open_survey, value) -> None:
    answers = valid_answers(app, open_survey)
    data = form_data(app, open_survey, answers)
    first_choice = next(k for k, v in answers.items() if isinstance(v, int))
    data[f"q{first_choice}"] = value
    data["csrf_token"] = csrf_token(client, f"/khao-sat/{open_survey}")
    before = fingerprint(app)
    response = client.post(f"/khao-sat/{open_survey}", data=data)
    assert_refused(response)
    assert fingerprint(app) == before


# --- Deeply nested JSON, on every kind of endpoint --------------------------------------------


@pytest.mark.parametrize("target", ["survey", "users", "tokens", "answer", "prediction",
                                    "submission", "ranking"])
def test_json_nested_100000_levels(app, client, open_survey, taking, published_round,
                                   target) -> None:
    attempt_id, question_id = taking["attempt_id"], taking["question_id"]
    method, url = {
        "survey": ("post", f"/api/v1/surveys/{open_survey}/responses"),
        "users": ("post", "/api/v1/users"),
        "tokens": ("post", "/api/v1/tokens"),
        "answer": ("put", f"/api/v1/attempts/{attempt_id}/answers/{question_id}"),
        "prediction": ("put", f"/api/v1/attempts/{attempt_id}/prediction"),
        "submission": ("post", f"/api/v1/attempts/{attempt_id}/submission"),
        "ranking": ("get", f"/api/v1/rounds/{published_round}/ranking"),
    }[target]
    before = fingerprint(app)
    response = getattr(client, method)(
        url, data=deep_json(), content_type="application/json",
        headers={"X-CSRFToken": taking["csrf"]})
    if target in ("submission", "ranking"):
        # These take no body: ignoring it is right, but never a 500.
        assert response.status_code < 500, response.get_data(as_text=True)[:300]
        return
    assert response.status_code == 400, response.get_data(as_text=True)[:300]
    assert "lồng nhau quá sâu" in response.get_json()["error"]["message"]
    assert fingerprint(app) == before


def test_deep_json_inside_a_valid_looking_body(app, client, open_survey) -> None:
    body = '{"answers": {"1": ' + deep_json(50_000) + "}}"
    before = fingerprint(app)
    response = client.post(f"/api/v1/surveys/{open_survey}/responses", data=body,
                           content_type="application/json")
    assert response.status_code == 400
    assert fingerprint(app) == before


# --- The plain quiz form ---------------------------------------------------------------------


@pytest.mark.parametrize("field,value", [
    ("prediction", "²"), ("prediction", "٣"), ("prediction", TWENTY_DIGITS),
    ("prediction", "1" * 5000), ("option", TWENTY_DIGITS), ("option", "²"),
    ("option", "1" * 5000),
], ids=["prediction-superscript", "prediction-arabic", "prediction-20-digits",
        "prediction-5000-digits", "option-20-digits", "option-superscript",
        "option-5000-digits"])
def test_quiz_form_value(app, client, taking, field, value) -> None:
    attempt_id, question_id = taking["attempt_id"], taking["question_id"]
    data = {"csrf_token": taking["csrf"], "action": "save", f"q-{question_id}": "1"}
    if field == "prediction":
        data["prediction"] = value
    else:
        data[f"q-{question_id}"] = value
    before = fingerprint(app)
    response = client.post(f"/bai-thi/{attempt_id}", data=data)
    assert_refused(response, redirect_ok=True)
    assert fingerprint(app) == before
    if response.status_code in (302, 303):
        page = client.get(response.headers["Location"]).get_data(as_text=True)
        assert "Đã lưu các câu trả lời" not in page
        assert 'class="alert alert-danger' in page or "alert-danger" in page


# --- Query strings of the public rankings ------------------------------------------------------


@pytest.mark.parametrize("path,param", [
    ("/bang-xep-hang/vong-thi/{rid}", "trang"),
    ("/bang-xep-hang/vong-thi/{rid}", "phien_ban"),
    ("/bang-xep-hang/vong-thi/{rid}", "don_vi"),
    ("/bang-xep-hang/vong-thi/{rid}", "bang"),
    ("/bang-xep-hang/vong-thi/{rid}/don-vi", "phien_ban"),
    ("/api/v1/rounds/{rid}/unit-ranking", "block_id"),
    ("/api/v1/rounds/{rid}/ranking", "board_id"),
    ("/api/v1/rounds/{rid}/ranking", "page"),
])
@pytest.mark.parametrize("value", [TWENTY_DIGITS, "²", "1" * 5000],
                         ids=["20-digits", "superscript", "5000-digits"])
def test_ranking_query_parameter(app, client, published_round, path, param, value) -> None:
    before = fingerprint(app)
    response = client.get(path.format(rid=published_round), query_string={param: value})
    assert response.status_code == 400, response.get_data(as_text=True)[:300]
    message = (response.get_json()["error"]["message"] if response.is_json
               else response.get_data(as_text=True))
    assert "Tham số gửi lên không hợp lệ" in message
    assert fingerprint(app) == before


def test_ranking_query_parameter_in_range_still_works(client, published_round) -> None:
    assert client.get(f"/bang-xep-hang/vong-thi/{published_round}?trang=2").status_code == 200
    assert client.get(f"/api/v1/rounds/{published_round}/unit-ranking?block_id=1"
                      ).status_code == 200


# --- One e-mail, many registrations -----------------------------------------------------------


def _registration(unit_id: int, n: int, email: str = "cung.email@example.vn") -> dict:
    return {"email": email, "password": PASSWORD, "full_name": f"Người đăng ký {n}",
            "phone": f"09123{n:05d}", "unit_id": unit_id}


def _users_with(app: Flask, email: str) -> int:
    with app.app_context():
        count = db.session.scalar(select(func.count(User.id)).where(User.email == email))
        db.session.remove()
        return count


def test_duplicate_registration_is_refused_with_a_message(app, client, make_unit) -> None:
    unit = make_unit()
    assert client.post("/api/v1/users", json=_registration(unit.id, 1)).status_code == 201
    again = client.post("/api/v1/users", json=_registration(unit.id, 2))
    assert again.status_code == 422
    assert "email" in again.get_json()["error"]["fields"]
    assert _users_with(app, "cung.email@example.vn") == 1


def test_registration_race_lost_on_the_unique_email(app, client, make_unit,
                                                    monkeypatch) -> None:
    """A competitor registers the same e-mail between our check and our insert: the unique
    constraint decides, and the loser gets the same 422 as a sequential duplicate."""
    from contest_app.accounts import services

    unit = make_unit()
    real_check = services.check_registration

    def check_then_competitor_commits(session, data):
        errors = real_check(session, data)
        if _users_with(app, "cung.email@example.vn"):
            return errors
        with app.app_context():
            competitor = User(email="cung.email@example.vn", phone="0999999999",
                              unit_id=unit.id, password_hash="x",
                              created_at=factories_now())
            competitor.set_name("Người nhanh tay")
            db.session.add(competitor)
            db.session.commit()
        return errors

    monkeypatch.setattr(services, "check_registration", check_then_competitor_commits)
    response = client.post("/api/v1/users", json=_registration(unit.id, 1))
    assert response.status_code == 422, response.get_data(as_text=True)[:300]
    assert "email" in response.get_json()["error"]["fields"]
    monkeypatch.undo()
    assert _users_with(app, "cung.email@example.vn") == 1


def factories_now():
    from contest_app import clock

    return clock.now()


@pytest.mark.parametrize("unit_id", [TWENTY_DIGITS, "²", "1" * 5000])
def test_web_registration_unit_id(app, client, make_unit, unit_id) -> None:
    make_unit()
    before = fingerprint(app)
    response = client.post("/tai-khoan/dang-ky", data={
        "csrf_token": csrf_token(client, "/tai-khoan/dang-ky"), "full_name": "Nguyễn Văn A",
        "email": "dv@example.vn", "phone": "0912300001", "unit_id": unit_id,
        "password": PASSWORD, "confirm": PASSWORD})
    assert_refused(response)
    assert fingerprint(app) == before


@pytest.mark.parametrize("field", ["block_id", "headcount"])
@pytest.mark.parametrize("value", [TWENTY_DIGITS, "²"], ids=["20-digits", "superscript"])
def test_organiser_unit_form_number(app, client, login_as, field, value) -> None:
    login_as("organiser")
    data = {"csrf_token": csrf_token(client, "/ban-to-chuc/don-vi"), "name": "Sở Mới",
            "block_id": "0", "headcount": "10", "active": "y", field: value}
    before = fingerprint(app)
    response = client.post("/ban-to-chuc/don-vi", data=data)
    assert_refused(response)
    assert fingerprint(app) == before


def test_ten_parallel_registrations_with_one_email(app, make_unit, database_url) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("true parallel writers need PostgreSQL (SQLite serialises them)")
    unit = make_unit()
    barrier = threading.Barrier(10)
    statuses: list[int] = []

    def register(n: int) -> None:
        client = app.test_client()
        barrier.wait()
        statuses.append(client.post("/api/v1/users",
                                    json=_registration(unit.id, n)).status_code)

    threads = [threading.Thread(target=register, args=(n,)) for n in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [201] + [422] * 9, statuses
    assert _users_with(app, "cung.email@example.vn") == 1


# --- NUL bytes --------------------------------------------------------------------------------


NUL_CASES = ["api-registration-name", "web-registration-name", "api-login-email",
             "web-login-email", "survey-api-text", "survey-web-text", "query-string"]


@pytest.mark.parametrize("case", NUL_CASES)
def test_nul_byte_in_text(app, client, make_unit, make_user, open_survey, case) -> None:
    unit = make_unit()
    user = make_user()
    answers = valid_answers(app, open_survey)
    text_qid = next(k for k, v in answers.items() if isinstance(v, str))
    before = fingerprint(app)
    if case == "api-registration-name":
        response = client.post("/api/v1/users", json={
            **_registration(unit.id, 1, "nul@example.vn"), "full_name": "Nguyễn\x00Văn"})
    elif case == "web-registration-name":
        response = client.post("/tai-khoan/dang-ky", data={
            "csrf_token": csrf_token(client, "/tai-khoan/dang-ky"), "full_name": "Nguyễn\x00Văn",
            "email": "nul@example.vn", "phone": "0912300001", "unit_id": str(unit.id),
            "password": PASSWORD, "confirm": PASSWORD})
    elif case == "api-login-email":
        response = client.post("/api/v1/tokens",
                               json={"email": user.email + "\x00", "password": PASSWORD})
    elif case == "web-login-email":
        response = login(client, user.email + "\x00")
    elif case == "survey-api-text":
        response = client.post(f"/api/v1/surveys/{open_survey}/responses",
                               json={"answers": {**answers, text_qid: "Ý kiến\x00"}})
    elif case == "survey-web-text":
        data = form_data(app, open_survey, {**answers, text_qid: "Ý kiến\x00"})
        data["csrf_token"] = csrf_token(client, f"/khao-sat/{open_survey}")
        response = client.post(f"/khao-sat/{open_survey}", data=data)
    else:
        response = client.get("/bang-xep-hang/vong-thi/1", query_string={"q": "a\x00b"})
    assert_refused(response)
    assert fingerprint(app) == before


def test_nul_free_text_still_saved(app, client, open_survey) -> None:
    """The NUL check refuses only NUL: the same text without it is stored."""
    answers = valid_answers(app, open_survey)
    before = fingerprint(app)
    response = client.post(f"/api/v1/surveys/{open_survey}/responses",
                           json={"answers": answers})
    assert response.status_code == 201
    assert fingerprint(app) != before


def test_escaped_backslash_u0000_is_not_a_nul(app, client, open_survey) -> None:
    answers = valid_answers(app, open_survey)
    text_qid = next(k for k, v in answers.items() if isinstance(v, str))
    response = client.post(f"/api/v1/surveys/{open_survey}/responses",
                           json={"answers": {**answers, text_qid: "đường dẫn \\u0000"}})
    assert response.status_code == 201
    with app.app_context():
        stored = db.session.scalar(text("SELECT text FROM survey_answer WHERE text LIKE '%u0000'"))
    assert stored == "đường dẫn \\u0000"
