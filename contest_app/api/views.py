"""API v1 endpoints. Each parses input, calls one service, commits once and serialises."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import current_app, g, jsonify, request

from .. import clock
from ..accounts import services as account_services
from ..accounts.rules import matching_choices
from ..accounts.views import (
    locked_message,
    login_rate_limit,
    password_reset_rate_limit,
    registration_rate_limit,
    request_password_reset,
    reset_sent_message,
)
from ..caching import public_page
from ..extensions import db
from ..participation.documents import contest_documents
from ..quiz import device
from ..quiz import rules as quiz_rules
from ..quiz import services as quiz
from ..quiz.models import Attempt
from . import bp
from .auth import Unauthorized, require_user_id, session_checked_by_view
from .spec import ERROR, NULLABLE_TIMESTAMP, TIMESTAMP, build_spec, operation

E = ERROR


def iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _grace() -> int:
    return current_app.config["ANSWER_GRACE_SECONDS"]


# --- Schemas -----------------------------------------------------------------------------

TOKEN_REQUEST = {
    "type": "object", "additionalProperties": False, "required": ["email", "password"],
    "properties": {"email": {"type": "string", "minLength": 1, "maxLength": 254},
                   "password": {"type": "string", "minLength": 1, "maxLength": 200}},
}
TOKEN = {"type": "object", "required": ["token", "expires_at"],
         "properties": {"token": {"type": "string"}, "expires_at": TIMESTAMP}}
# "kind" says who registers: "official" (the default, for clients written before citizens
# could register) needs `unit_id`; "citizen" (người dân, doanh nghiệp) needs `ward_id`, has no
# unit and may name an organisation. A missing or unknown unit or ward is refused with 422.
USER_REQUEST = {
    "type": "object", "additionalProperties": False,
    "required": ["email", "password", "full_name", "phone"],
    "properties": {
        "email": {"type": "string", "maxLength": 254},
        "password": {"type": "string", "maxLength": 200},
        "full_name": {"type": "string", "maxLength": 150},
        "phone": {"type": "string", "maxLength": 20},
        "kind": {"type": "string", "enum": ["official", "citizen"]},
        "unit_id": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1},
        "ward_id": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1},
        "organisation": {"type": ["string", "null"], "maxLength": 200},
    },
}
USER = {"type": "object", "required": ["id", "email", "full_name", "kind", "unit_id", "ward_id"],
        "properties": {"id": {"type": "integer"}, "email": {"type": "string"},
                       "full_name": {"type": "string"},
                       "kind": {"type": "string", "enum": ["official", "citizen"]},
                       "unit_id": {"type": ["integer", "null"]},
                       "ward_id": {"type": ["integer", "null"]},
                       "organisation": {"type": ["string", "null"]}}}
PASSWORD_RESET_REQUEST = {
    "type": "object", "additionalProperties": False, "required": ["email"],
    "properties": {"email": {"type": "string", "minLength": 1, "maxLength": 254}},
}
PASSWORD_RESET = {"type": "object", "required": ["message"],
                  "properties": {"message": {"type": "string"}}}
UNITS = {"type": "array", "items": {
    "type": "object", "required": ["id", "name"],
    "properties": {"id": {"type": "integer"}, "name": {"type": "string"},
                   "block": {"type": ["string", "null"]}}}}
WARDS = {"type": "array", "items": {
    "type": "object", "required": ["id", "name"],
    "properties": {"id": {"type": "integer"}, "name": {"type": "string"},
                   "code": {"type": ["string", "null"]}}}}
ROUND = {
    "type": "object",
    "required": ["id", "title", "opens_at", "closes_at", "question_count", "time_limit_s",
                 "max_attempts", "status"],
    "properties": {
        "id": {"type": "integer"}, "title": {"type": "string"},
        "opens_at": NULLABLE_TIMESTAMP, "closes_at": NULLABLE_TIMESTAMP,
        "question_count": {"type": "integer"}, "time_limit_s": {"type": "integer"},
        "max_attempts": {"type": ["integer", "null"]},
        "status": {"type": "string", "enum": ["upcoming", "open", "closed"]},
        "kind": {"type": "string", "enum": ["official", "practice"]},
        "board_ids": {"type": "array", "items": {"type": "integer"}},
    },
}
CONTESTS = {"type": "array", "items": {
    "type": "object", "required": ["id", "title", "rounds"],
    "properties": {"id": {"type": "integer"}, "title": {"type": "string"},
                   "description": {"type": "string"},
                   "boards": {"type": "array", "items": {
                       "type": "object", "required": ["id", "name"],
                       "properties": {"id": {"type": "integer"}, "name": {"type": "string"}}}},
                   "documents": {"type": "array", "items": {
                       "type": "object", "required": ["title", "url"],
                       "properties": {"title": {"type": "string"}, "url": {"type": "string"}}}},
                   "rounds": {"type": "array", "items": ROUND}}}}
QUESTION = {
    "type": "object", "required": ["id", "position", "text", "multiple", "options"],
    "properties": {
        "id": {"type": "integer"}, "position": {"type": "integer"}, "text": {"type": "string"},
        "multiple": {"type": "boolean"},
        "options": {"type": "array", "items": {
            "type": "object", "required": ["id", "text"],
            "properties": {"id": {"type": "integer"}, "text": {"type": "string"}}}},
    },
}
ANSWERS = {"type": "object",
           "additionalProperties": {"type": "array", "items": {"type": "integer"}}}
ATTEMPT_START = {
    "type": "object",
    "required": ["id", "deadline", "server_time", "prediction_enabled", "questions", "answers"],
    "properties": {
        "id": {"type": "integer"}, "deadline": TIMESTAMP, "server_time": TIMESTAMP,
        "prediction_enabled": {"type": "boolean"},
        "prediction_question": {"type": ["string", "null"]},
        "prediction": {"type": ["integer", "null"]},
        "questions": {"type": "array", "items": QUESTION}, "answers": ANSWERS,
    },
}
ANSWER_REQUEST = {
    "type": "object", "required": ["option_ids"],
    "properties": {"option_ids": {"type": "array", "maxItems": 6,
                                  "items": {"type": "integer", "minimum": 1, "maximum": 6}}},
}
ANSWER = {"type": "object", "required": ["question_id", "option_ids", "saved_at"],
          "properties": {"question_id": {"type": "integer"},
                         "option_ids": {"type": "array", "items": {"type": "integer"}},
                         "saved_at": TIMESTAMP}}
PREDICTION_REQUEST = {
    "type": "object", "additionalProperties": False, "required": ["value"],
    "properties": {"value": {"type": "integer", "minimum": 0,
                             "maximum": quiz_rules.PREDICTION_MAX}},
}
PREDICTION = {"type": "object", "required": ["value"], "properties": {"value": {"type": "integer"}}}
RESULT = {
    "type": "object", "required": ["status", "score", "max_score", "duration_ms"],
    "properties": {"status": {"type": "string"}, "score": {"type": ["integer", "null"]},
                   "max_score": {"type": "integer"},
                   "duration_ms": {"type": ["integer", "null"]}},
}
REVIEW_ITEM = {
    "type": "object",
    "required": ["question_id", "position", "text", "options", "chosen", "correct",
                 "explanation", "legal_basis"],
    "properties": {
        "question_id": {"type": "integer"}, "position": {"type": "integer"},
        "text": {"type": "string"}, "options": QUESTION["properties"]["options"],
        "chosen": {"type": "array", "items": {"type": "integer"}},
        "correct": {"type": "array", "items": {"type": "integer"}},
        "points": {"type": ["integer", "null"]},
        "explanation": {"type": "string"}, "legal_basis": {"type": "string"},
    },
}
ATTEMPT = {
    "type": "object",
    "required": ["id", "round_id", "status", "score", "max_score", "duration_ms", "deadline",
                 "server_time", "review"],
    "properties": {
        "id": {"type": "integer"}, "round_id": {"type": "integer"},
        "status": {"type": "string", "enum": ["in_progress", "submitted", "expired"]},
        "number": {"type": "integer"},
        "started_at": TIMESTAMP, "deadline": TIMESTAMP, "server_time": TIMESTAMP,
        "submitted_at": NULLABLE_TIMESTAMP,
        "score": {"type": ["integer", "null"]}, "max_score": {"type": "integer"},
        "duration_ms": {"type": ["integer", "null"]}, "prediction": {"type": ["integer", "null"]},
        "review": {"type": ["array", "null"], "items": REVIEW_ITEM},
    },
}


# --- Accounts ----------------------------------------------------------------------------

@bp.route("/tokens", methods=["POST"])
@login_rate_limit
@operation("/api/v1/tokens", "post", "Get a bearer token",
           {201: TOKEN, 401: E, 422: E, 429: E}, body=TOKEN_REQUEST, auth=False)
def create_token(payload: dict[str, Any]):
    try:
        user = account_services.authenticate(db.session, payload["email"], payload["password"])
    except account_services.LoginLocked as err:
        db.session.commit()
        response = jsonify(error={"code": err.code, "message": locked_message(err)})
        response.status_code = 429
        response.headers["Retry-After"] = str(err.retry_after)
        return response
    db.session.commit()  # the failure counted, or the count reset
    if user is None:
        raise Unauthorized()
    token, expires = account_services.issue_token(
        db.session, user, current_app.config["API_TOKEN_HOURS"])
    db.session.commit()
    return jsonify(token=token, expires_at=iso(expires)), 201


@bp.route("/tokens", methods=["DELETE"])
@operation("/api/v1/tokens", "delete", "Revoke the bearer token in use", {204: None, 401: E})
def revoke_token():
    header = request.headers.get("Authorization", "")
    if header[:7].lower() != "bearer ":
        raise Unauthorized()
    account_services.revoke_token(db.session, header[7:].strip())
    db.session.commit()
    return "", 204


@bp.route("/users", methods=["POST"])
@registration_rate_limit
@operation("/api/v1/users", "post", "Register a participant", {201: USER, 422: E, 429: E},
           body=USER_REQUEST, auth=False)
def create_user(payload: dict[str, Any]):
    data = account_services.Registration(
        full_name=payload["full_name"], email=payload["email"], phone=payload["phone"],
        unit_id=payload.get("unit_id"), password=payload["password"],
        kind=payload.get("kind", "official"), ward_id=payload.get("ward_id"),
        organisation=payload.get("organisation"))
    user = account_services.register(db.session, data)
    db.session.commit()
    from ..notifications import services as notifications

    notifications.run_after_commit(notifications.notify_registration, user.id)
    return jsonify(id=user.id, email=user.email, full_name=user.full_name, kind=user.kind,
                   unit_id=user.unit_id, ward_id=user.ward_id,
                   organisation=user.organisation), 201


@bp.route("/password-resets", methods=["POST"])
@password_reset_rate_limit
@operation("/api/v1/password-resets", "post",
           "Ask for a password reset link by e-mail (202 whether or not the address has an "
           "account)", {202: PASSWORD_RESET, 422: E, 429: E}, body=PASSWORD_RESET_REQUEST,
           auth=False)
def create_password_reset(payload: dict[str, Any]):
    request_password_reset(payload["email"])
    return jsonify(message=reset_sent_message()), 202


NAME_QUERY = [{"name": "q", "in": "query", "required": False,
               "description": "Words the name must contain, ignoring case and diacritics "
                              "(\"phuong ben nghe\" finds \"Phường Bến Nghé\")",
               "schema": {"type": "string", "maxLength": 100}}]


def _matching(rows: list, name_query: str | None) -> list:
    """The rows whose name holds every word of ?q= (folded), in their order."""
    wanted = {value for value, _ in matching_choices(
        [(i, row.name) for i, row in enumerate(rows)], (name_query or "")[:100])}
    return [row for i, row in enumerate(rows) if i in wanted]


@bp.route("/units")
@operation("/api/v1/units", "get", "List the units to register with", {200: UNITS}, auth=False,
           parameters=NAME_QUERY)
def list_units():
    units = _matching(account_services.active_units(db.session), request.args.get("q"))
    return jsonify([{"id": u.id, "name": u.name, "block": u.block.name if u.block else None}
                    for u in units])


@bp.route("/wards")
@operation("/api/v1/wards", "get", "List the communes and wards citizens register with",
           {200: WARDS}, auth=False, parameters=NAME_QUERY)
def list_wards():
    return jsonify([{"id": w.id, "name": w.name, "code": w.code}
                    for w in _matching(account_services.wards(db.session),
                                       request.args.get("q"))])


# --- Contests and attempts ---------------------------------------------------------------

def round_json(rnd, now: datetime) -> dict[str, Any]:
    board_ids = sorted({line.board_id for line in rnd.blueprint if line.board_id is not None})
    return {
        "id": rnd.id, "title": rnd.title, "kind": rnd.kind,
        "board_ids": [] if rnd.is_practice else (board_ids or [b.id for b in rnd.contest.boards]),
        "opens_at": iso(rnd.opens_at), "closes_at": iso(rnd.closes_at),
        "question_count": rnd.question_count, "time_limit_s": rnd.time_limit_s,
        "max_attempts": None if rnd.is_practice else rnd.max_attempts,
        "status": quiz.round_status(rnd, now),
    }


@bp.route("/contests")
@operation("/api/v1/contests", "get", "List contests and their rounds", {200: CONTESTS},
           auth=False)
@public_page
def list_contests():
    now = clock.now()
    return jsonify([
        {"id": c.id, "title": c.title, "description": c.description,
         "boards": [{"id": b.id, "name": b.name} for b in c.boards],
         "documents": contest_documents(db.session, c.id),
         "rounds": [round_json(r, now) for r in c.rounds]}
        for c in quiz.public_contests(db.session)
    ])


def attempt_start_json(attempt: Attempt, now: datetime,
                       items: list[quiz.ItemView] | None = None) -> dict[str, Any]:
    if items is None:
        items = quiz.attempt_items(db.session, attempt, review=False)
    rnd = attempt.round
    return {
        "id": attempt.id,
        "deadline": iso(attempt.effective_deadline),
        "server_time": iso(now),
        "prediction_enabled": rnd.prediction_kind is not None,
        "prediction_question": quiz.prediction_question(rnd),
        "prediction": attempt.prediction,
        "questions": [
            {"id": i.question_id, "position": i.position, "text": i.text, "multiple": i.multiple,
             "options": [{"id": oid, "text": text} for oid, text in i.options]}
            for i in items
        ],
        "answers": {str(i.question_id): i.chosen for i in items if i.chosen},
    }


@bp.route("/rounds/<int:round_id>/attempts", methods=["POST"])
@operation("/api/v1/rounds/{round_id}/attempts", "post", "Start or resume an attempt",
           {200: ATTEMPT_START, 201: ATTEMPT_START, 401: E, 403: E, 404: E, 409: E})
def start_attempt(round_id: int):
    user_id = require_user_id()
    now = clock.now()
    mark = request.cookies.get(device.DEVICE_COOKIE)  # a browser using the cookie session
    started = quiz.start_attempt(db.session, user_id, round_id, now, _grace(),
                                 device_hash=device.digest(mark) if mark else None)
    body = attempt_start_json(started.attempt, now, started.items)
    db.session.commit()
    return jsonify(body), 201 if started.created else 200


@bp.route("/attempts/<int:attempt_id>/answers/<int:question_id>", methods=["PUT"])
@operation("/api/v1/attempts/{attempt_id}/answers/{question_id}", "put", "Save one answer",
           {200: ANSWER, 401: E, 404: E, 409: E, 422: E}, body=ANSWER_REQUEST,
           fast_valid=lambda p: type(p) is dict and type(p.get("option_ids")) is list
           and len(p["option_ids"]) <= 6
           and all(type(i) is int and 1 <= i <= 6 for i in p["option_ids"]))
@session_checked_by_view
def save_answer(attempt_id: int, question_id: int, payload: dict[str, Any]):
    user_id = require_user_id()
    now = clock.now()
    ids = payload["option_ids"]
    quiz.save_answer(db.session, user_id, attempt_id, question_id, ids, now, _grace(),
                     session_generation=g.api_session_generation)
    db.session.commit()
    return jsonify(question_id=question_id, option_ids=sorted(set(ids)), saved_at=iso(now))


@bp.route("/attempts/<int:attempt_id>/prediction", methods=["PUT"])
@operation("/api/v1/attempts/{attempt_id}/prediction", "put", "Save the prediction",
           {200: PREDICTION, 401: E, 404: E, 409: E, 422: E}, body=PREDICTION_REQUEST)
def save_prediction(attempt_id: int, payload: dict[str, Any]):
    user_id = require_user_id()
    quiz.set_prediction(db.session, user_id, attempt_id, payload["value"], clock.now(), _grace())
    db.session.commit()
    return jsonify(value=payload["value"])


def result_json(attempt: Attempt) -> dict[str, Any]:
    return {"status": attempt.status, "score": attempt.score, "max_score": attempt.max_score,
            "duration_ms": attempt.duration_ms}


@bp.route("/attempts/<int:attempt_id>/submission", methods=["POST"])
@operation("/api/v1/attempts/{attempt_id}/submission", "post",
           "Submit (idempotent: a repeat returns the same result)", {200: RESULT, 401: E, 404: E})
def submit_attempt(attempt_id: int):
    user_id = require_user_id()
    attempt = quiz.submit(db.session, user_id, attempt_id, clock.now(), _grace())
    body = result_json(attempt)
    db.session.commit()
    return jsonify(body)


@bp.route("/attempts/<int:attempt_id>")
@operation("/api/v1/attempts/{attempt_id}", "get", "An attempt's status, score and review",
           {200: ATTEMPT, 401: E, 404: E})
def get_attempt(attempt_id: int):
    user_id = require_user_id()
    now = clock.now()
    attempt = quiz.attempt_for(db.session, attempt_id, user_id)
    quiz.close_if_overdue(db.session, attempt, now, _grace())
    review = None
    if quiz.review_allowed(attempt, now):
        review = [
            {"question_id": i.question_id, "position": i.position, "text": i.text,
             "options": [{"id": oid, "text": text} for oid, text in i.options],
             "chosen": i.chosen, "correct": i.correct or [], "points": i.points,
             "explanation": i.explanation or "", "legal_basis": i.legal_basis or ""}
            for i in quiz.attempt_items(db.session, attempt, review=True)
        ]
    body = {
        "id": attempt.id, "round_id": attempt.round_id, "status": attempt.status,
        "number": attempt.number, "started_at": iso(attempt.started_at),
        "deadline": iso(attempt.effective_deadline), "server_time": iso(now),
        "submitted_at": iso(attempt.submitted_at), "score": attempt.score,
        "max_score": attempt.max_score, "duration_ms": attempt.duration_ms,
        "prediction": attempt.prediction, "review": review,
    }
    db.session.commit()
    return jsonify(body)


@bp.route("/openapi.json")
def openapi():
    return jsonify(build_spec())


