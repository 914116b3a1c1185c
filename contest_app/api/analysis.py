"""API v1 for organisers: a round's question statistics and regrading (participants and
judges get 403)."""

from __future__ import annotations

from typing import Any

from flask import jsonify

from .. import clock
from ..accounts.models import ROLE_ORGANISER, User
from ..domain import Forbidden, NotFound
from ..extensions import db
from ..quiz import analysis
from ..quiz.models import ROUND_OFFICIAL, Round
from . import bp
from .auth import require_user_id
from .spec import ERROR, operation

STATISTICS = {
    "type": "object", "required": ["round_id", "attempts_finished", "questions"],
    "properties": {
        "round_id": {"type": "integer"}, "attempts_finished": {"type": "integer"},
        "questions": {"type": "array", "items": {
            "type": "object",
            "required": ["question_id", "version_id", "drawn", "correct", "facility",
                         "discrimination", "options", "flags"],
            "properties": {
                "question_id": {"type": "integer"}, "version_id": {"type": "integer"},
                "drawn": {"type": "integer"}, "correct": {"type": "integer"},
                "facility": {"type": ["number", "null"]},
                "discrimination": {"type": ["number", "null"]},
                "options": {"type": "array", "items": {
                    "type": "object", "required": ["id", "chosen"],
                    "properties": {"id": {"type": "integer"}, "chosen": {"type": "integer"},
                                   "correct": {"type": "boolean"}}}},
                "flags": {"type": "array", "items": {"type": "string"}}}}},
    },
}
REGRADE_REQUEST = {
    "type": "object", "additionalProperties": False,
    "properties": {"dry_run": {"type": "boolean"}},
}
REGRADE = {
    "type": "object", "required": ["round_id", "dry_run", "attempts"],
    "properties": {
        "round_id": {"type": "integer"}, "dry_run": {"type": "boolean"},
        "attempts": {"type": "array", "items": {
            "type": "object", "required": ["attempt_id", "old_score", "new_score"],
            "properties": {"attempt_id": {"type": "integer"}, "old_score": {"type": "integer"},
                           "new_score": {"type": "integer"}, "old_max": {"type": "integer"},
                           "new_max": {"type": "integer"}}}},
        "not_regradable_question_ids": {"type": "array", "items": {"type": "integer"}},
    },
}


def _organiser_round(round_id: int) -> tuple[int, Round]:
    user_id = require_user_id()
    user = db.session.get(User, user_id)
    if user is None or not user.has_role(ROLE_ORGANISER):
        raise Forbidden()
    rnd = db.session.get(Round, round_id)
    if rnd is None:
        raise NotFound()
    return user_id, rnd


@bp.route("/rounds/<int:round_id>/statistics")
@operation("/api/v1/rounds/{round_id}/statistics", "get",
           "Item analysis of a round's finished attempts (organisers)",
           {200: STATISTICS, 401: ERROR, 403: ERROR, 404: ERROR})
def round_statistics(round_id: int):
    _, rnd = _organiser_round(round_id)
    report = analysis.round_statistics(db.session, rnd)
    return jsonify({
        "round_id": rnd.id, "attempts_finished": report.attempts_finished,
        "questions": [{
            "question_id": s.question_id, "version_id": s.version_id, "drawn": s.drawn,
            "correct": s.correct,
            "facility": None if s.facility is None else round(s.facility, 4),
            "discrimination": None if s.discrimination is None else round(s.discrimination, 4),
            "options": [{"id": i + 1, "chosen": n, "correct": i in s.key}
                        for i, n in sorted(s.options.items())],
            "flags": s.flags,
        } for s in report.questions],
    })


@bp.route("/rounds/<int:round_id>/regrade", methods=["POST"])
@operation("/api/v1/rounds/{round_id}/regrade", "post",
           "Regrade finished attempts with the current keys; dry_run previews (organisers)",
           {200: REGRADE, 401: ERROR, 403: ERROR, 404: ERROR, 422: ERROR}, body=REGRADE_REQUEST)
def regrade_round(round_id: int, payload: dict[str, Any]):
    user_id, rnd = _organiser_round(round_id)
    if rnd.kind != ROUND_OFFICIAL:
        raise NotFound()
    dry_run = bool(payload.get("dry_run", False))
    if dry_run:
        plan = analysis.regrade_plan(db.session, rnd)
        changed = [r for r in plan if r.changed]
        kept = sorted({q for r in plan for q in r.kept})
        db.session.rollback()
    else:
        plan = analysis.regrade_plan(db.session, rnd)
        kept = sorted({q for r in plan for q in r.kept})
        changed = analysis.apply_regrade(db.session, user_id, rnd, clock.now())
        db.session.commit()
    return jsonify({
        "round_id": rnd.id, "dry_run": dry_run,
        "attempts": [{"attempt_id": r.attempt_id, "old_score": r.old_score,
                      "new_score": r.new_score, "old_max": r.old_max, "new_max": r.new_max}
                     for r in changed],
        "not_regradable_question_ids": kept,
    })
