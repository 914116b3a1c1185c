"""Survey endpoints of the JSON API v1 (no authentication, rate-limited), so that a survey can
also be answered from a kiosk or another app. Same services as the pages."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import current_app, jsonify

from .. import clock
from ..api import bp
from ..api.spec import ERROR, TIMESTAMP, operation
from ..extensions import db, limiter
from . import services
from .models import KINDS, SOURCE_API
from .views import submit_limit

E = ERROR
ID = {"type": "integer"}
OPTION = {"type": "object", "required": ["id", "text"],
          "properties": {"id": ID, "text": {"type": "string"}}}
QUESTION = {
    "type": "object", "required": ["id", "type", "text", "required", "options"],
    "properties": {"id": ID, "type": {"type": "string", "enum": list(KINDS)},
                   "text": {"type": "string"}, "required": {"type": "boolean"},
                   "options": {"type": "array", "items": OPTION}},
}
SECTION = {
    "type": "object", "required": ["id", "title", "description", "questions"],
    "properties": {"id": ID, "title": {"type": "string"}, "description": {"type": "string"},
                   "questions": {"type": "array", "items": QUESTION}},
}
SURVEY_SUMMARY = {"type": "object", "required": ["id", "title", "opens_at", "closes_at"],
                  "properties": {"id": ID, "title": {"type": "string"}, "opens_at": TIMESTAMP,
                                 "closes_at": TIMESTAMP}}
SURVEYS = {"type": "array", "items": SURVEY_SUMMARY}
SURVEY = {
    "type": "object",
    "required": ["id", "title", "introduction", "opens_at", "closes_at", "status", "sections"],
    "properties": {
        "id": ID, "title": {"type": "string"}, "introduction": {"type": "string"},
        "opens_at": TIMESTAMP, "closes_at": TIMESTAMP,
        "status": {"type": "string", "enum": ["upcoming", "open", "closed"]},
        "sections": {"type": "array", "items": SECTION},
    },
}
ANSWER_VALUE = {"anyOf": [
    {"type": "integer", "description": "an option id (scale, single choice)"},
    {"type": "array", "maxItems": 100, "items": {"type": "integer"},
     "description": "option ids (multiple choice)"},
    {"type": "string", "maxLength": 5000, "description": "short or long text"},
    {"type": "number", "description": "a number"},
]}
RESPONSE_REQUEST = {
    "type": "object", "required": ["answers"], "additionalProperties": False,
    "properties": {
        "answers": {"type": "object", "maxProperties": 500,
                    "additionalProperties": ANSWER_VALUE,
                    "description": "Answers keyed by question id."},
        "respondent_token": {
            "type": "string", "minLength": 16, "maxLength": 100,
            "description": "Optional random token kept by the device: one response per token."},
    },
}
CREATED = {"type": "object", "required": ["id", "survey_id", "submitted_at"],
           "properties": {"id": ID, "survey_id": ID, "submitted_at": TIMESTAMP}}


def iso(value: datetime) -> str:
    return value.isoformat()


def read_limit() -> str:
    return current_app.config.get("SURVEY_API_READ_LIMIT", "120 per minute")


@bp.route("/surveys")
@limiter.limit(read_limit)
@operation("/api/v1/surveys", "get", "List the surveys open now", {200: SURVEYS, 429: E},
           auth=False)
def list_open_surveys():
    return jsonify([
        {"id": s.id, "title": s.title, "opens_at": iso(s.opens_at),
         "closes_at": iso(s.closes_at)}
        for s in services.open_surveys(db.session, clock.now())
    ])


@bp.route("/surveys/<int:survey_id>")
@limiter.limit(read_limit)
@operation("/api/v1/surveys/{survey_id}", "get", "A survey's sections and questions",
           {200: SURVEY, 404: E, 429: E}, auth=False)
def get_survey_questions(survey_id: int):
    survey = services.get_public_survey(db.session, survey_id)
    return jsonify({
        "id": survey.id, "title": survey.title, "introduction": survey.introduction,
        "opens_at": iso(survey.opens_at), "closes_at": iso(survey.closes_at),
        "status": services.status(survey, clock.now()),
        "sections": [
            {"id": s.id, "title": s.title, "description": s.description,
             "questions": [
                 {"id": q.id, "type": q.kind, "text": q.text, "required": q.required,
                  "options": [{"id": oid, "text": text} for oid, text in q.options]}
                 for q in s.questions]}
            for s in services.answer_form(survey)
        ],
    })


@bp.route("/surveys/<int:survey_id>/responses", methods=["POST"])
@limiter.limit(submit_limit)
@operation("/api/v1/surveys/{survey_id}/responses", "post",
           "Submit an anonymous response (nothing is stored unless every answer is valid)",
           {201: CREATED, 400: E, 404: E, 409: E, 422: E, 429: E}, body=RESPONSE_REQUEST,
           auth=False)
def submit_survey_response(survey_id: int, payload: dict[str, Any]):
    response = services.submit_response(
        db.session, survey_id, payload["answers"], clock.now(), SOURCE_API,
        token=payload.get("respondent_token"))
    body = {"id": response.id, "survey_id": survey_id, "submitted_at": iso(response.submitted_at)}
    db.session.commit()
    return jsonify(body), 201
