"""API v1: joining a contest (board, date of birth, CCCD). The CCCD is never sent back."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import jsonify
from flask_babel import lazy_gettext as _l

from .. import clock
from ..domain import ValidationFailed
from ..extensions import db
from ..participation import services
from ..quiz import services as quiz
from . import bp
from .auth import require_user_id
from .spec import ERROR, TIMESTAMP, operation

PARTICIPATION_REQUEST = {
    "type": "object", "additionalProperties": False,
    "properties": {
        "board_id": {"type": ["integer", "null"], "minimum": 1, "maximum": 2**31 - 1},
        "date_of_birth": {"type": ["string", "null"], "pattern": r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
                          "maxLength": 10},
        "cccd": {"type": ["string", "null"], "maxLength": 20},
    },
}
PARTICIPATION = {
    "type": "object", "required": ["contest_id", "board_id", "joined_at", "cccd_declared"],
    "properties": {
        "contest_id": {"type": "integer"}, "board_id": {"type": ["integer", "null"]},
        "joined_at": TIMESTAMP, "cccd_declared": {"type": "boolean"},
    },
}


def _date(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as err:
        raise ValidationFailed(
            date_of_birth=_l("Ngày sinh không hợp lệ (dạng YYYY-MM-DD).")) from err


@bp.route("/contests/<int:contest_id>/participation", methods=["POST"])
@operation("/api/v1/contests/{contest_id}/participation", "post",
           "Join a contest (201), or repeat with the same board (200)",
           {200: PARTICIPATION, 201: PARTICIPATION, 401: ERROR, 403: ERROR, 404: ERROR,
            409: ERROR, 422: ERROR},
           body=PARTICIPATION_REQUEST)
def join_contest(contest_id: int, payload: dict[str, Any]):
    user_id = require_user_id()
    contest = quiz.get_contest(db.session, contest_id)
    joined = services.join(
        db.session, user_id, contest, payload.get("board_id"), _date(payload.get("date_of_birth")),
        payload.get("cccd"), clock.now(), services.data_key(), services.contest_tz())
    part = joined.participation
    body = {"contest_id": contest.id, "board_id": part.board_id,
            "joined_at": part.joined_at.isoformat(), "cccd_declared": part.cccd_hash is not None}
    db.session.commit()
    return jsonify(body), 201 if joined.created else 200
