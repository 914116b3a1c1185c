"""API v1: published rankings (404 until published)."""

from __future__ import annotations

from flask import jsonify

from ..domain import NotFound
from ..extensions import db
from ..inputs import arg_int
from ..quiz import services as quiz
from ..rankings import services
from . import bp
from .spec import ERROR, TIMESTAMP, operation

MAX_PAGE = 100_000
MAX_PER_PAGE = 200
QUERY = [
    {"name": "page", "in": "query", "required": False,
     "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE}},
    {"name": "per_page", "in": "query", "required": False,
     "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE}},
    {"name": "board_id", "in": "query", "required": False,
     "schema": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}},
]
RANKING = {
    "type": "object", "required": ["published_at", "actual_prediction", "entries"],
    "properties": {
        "published_at": TIMESTAMP, "version": {"type": "integer"},
        "actual_prediction": {"type": ["integer", "null"]},
        "total": {"type": "integer"}, "page": {"type": "integer"},
        "per_page": {"type": "integer"},
        "entries": {"type": "array", "items": {
            "type": "object",
            "required": ["rank", "full_name", "unit", "score", "duration_ms", "prize"],
            "properties": {"rank": {"type": "integer"}, "full_name": {"type": "string"},
                           "unit": {"type": "string"}, "score": {"type": "integer"},
                           "duration_ms": {"type": "integer"},
                           "prize": {"type": ["string", "null"]}}}},
    },
}
UNIT_RANKING = {
    "type": "object", "required": ["published_at", "entries"],
    "properties": {
        "published_at": TIMESTAMP, "version": {"type": "integer"},
        "entries": {"type": "array", "items": {
            "type": "object",
            "required": ["rank", "unit", "block", "participants", "headcount",
                         "participation_rate", "average_score", "best_score", "prizes",
                         "collective_score"],
            "properties": {
                "rank": {"type": ["integer", "null"]}, "unit": {"type": "string"},
                "block": {"type": "string"}, "participants": {"type": "integer"},
                "headcount": {"type": ["integer", "null"]},
                "participation_rate": {"type": ["number", "null"]},
                "average_score": {"type": ["number", "null"]},
                "best_score": {"type": ["integer", "null"]}, "prizes": {"type": "integer"},
                "collective_score": {"type": "number"}}}},
    },
}


def _snapshot(round_id: int):
    rnd = quiz.get_round(db.session, round_id)
    if rnd.kind != "official":
        raise NotFound()
    board_id = services.resolve_board(rnd.contest, arg_int("board_id", minimum=1),
                                      strict=True)
    return services.current_snapshot(db.session, rnd.contest_id, rnd.id, board_id)


@bp.route("/rounds/<int:round_id>/ranking")
@operation("/api/v1/rounds/{round_id}/ranking", "get", "A round's published ranking",
           {200: RANKING, 404: ERROR}, auth=False, parameters=QUERY)
def round_ranking(round_id: int):
    snapshot = _snapshot(round_id)
    page = arg_int("page", 1, minimum=1, maximum=MAX_PAGE)
    per_page = arg_int("per_page", 50, minimum=1, maximum=MAX_PER_PAGE)
    result = services.snapshot_page(db.session, snapshot, page, per_page)
    return jsonify(
        published_at=snapshot.published_at.isoformat(), version=snapshot.version,
        actual_prediction=snapshot.actual_prediction, total=result.total, page=page,
        per_page=per_page,
        entries=[{"rank": r.rank, "full_name": r.full_name, "unit": r.unit_name,
                  "score": r.score, "duration_ms": r.duration_ms, "prize": r.prize}
                 for r in result.rows])


@bp.route("/rounds/<int:round_id>/unit-ranking")
@operation("/api/v1/rounds/{round_id}/unit-ranking", "get", "A round's published unit ranking",
           {200: UNIT_RANKING, 404: ERROR}, auth=False, parameters=[
               QUERY[2], {"name": "block_id", "in": "query", "required": False,
                          "schema": {"type": "integer", "minimum": 1,
                                     "maximum": 2**31 - 1}}])
def unit_ranking(round_id: int):
    snapshot = _snapshot(round_id)
    rows = services.unit_rows(db.session, snapshot, arg_int("block_id", minimum=1))
    return jsonify(
        published_at=snapshot.published_at.isoformat(), version=snapshot.version,
        entries=[{"rank": r.rank, "unit": r.unit_name, "block": r.block_name,
                  "participants": r.participants, "headcount": r.headcount,
                  "participation_rate": r.participation_rate,
                  "average_score": r.average_score, "best_score": r.best_score,
                  "prizes": r.prizes, "collective_score": r.collective_score}
                 for r in rows])
