"""Public ranking pages: published snapshots only (nothing before publication)."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from .. import clock
from ..caching import public_page
from ..domain import NotFound
from ..inputs import arg_int
from ..quiz import services as quiz
from ..quiz.models import Contest
from ..replica import reader
from . import services

bp = Blueprint("rankings", __name__, url_prefix="/bang-xep-hang")

PER_PAGE = 50
TIE_BREAK_NAMES = {"prediction": _l("dự đoán gần đúng hơn"),
                   "duration": _l("thời gian làm bài ít hơn"),
                   "submitted_at": _l("nộp bài sớm hơn")}


def _board_id(contest: Contest) -> int | None:
    return services.resolve_board(contest, arg_int("bang"))


class NotPublished(Exception):
    """No published ranking (yet): the page says so and when to come back."""


def _snapshot_or_withdrawn(rnd, board_id: int | None):
    """The published snapshot asked for, or the withdrawn one (shown as a notice only)."""
    version = arg_int("phien_ban")
    try:
        return services.current_snapshot(reader(), rnd.contest_id, rnd.id, board_id, version)
    except NotFound:
        withdrawn = services.withdrawn_snapshot(reader(), rnd.contest_id, rnd.id, board_id,
                                                version)
        if withdrawn is None:
            if version is not None:
                raise
            raise NotPublished() from None
        return withdrawn


@bp.errorhandler(NotPublished)
def not_published(_err: NotPublished):
    """A friendly 404: the ranking exists only once the organisers publish it."""
    round_id = (request.view_args or {}).get("round_id")
    contest_id = (request.view_args or {}).get("contest_id")
    rnd = quiz.get_round(reader(), round_id) if round_id else None
    contest = rnd.contest if rnd else quiz.get_contest(reader(), contest_id)
    now = clock.now()
    return render_template("rankings/not_published.html", rnd=rnd, contest=contest,
                           status=quiz.round_status(rnd, now) if rnd else None,
                           board_id=_board_id(contest)), 404


@bp.route("/vong-thi/<int:round_id>")
@public_page
def round_ranking(round_id: int):
    rnd = quiz.get_round(reader(), round_id)
    board_id = _board_id(rnd.contest)
    snapshot = _snapshot_or_withdrawn(rnd, board_id)
    if snapshot.withdrawn_at is not None:
        return render_template("rankings/withdrawn.html", rnd=rnd, contest=rnd.contest,
                               snapshot=snapshot, board_id=board_id)
    q = (request.args.get("q") or "").strip()[:100]
    unit_id = arg_int("don_vi")
    page = max(1, arg_int("trang", 1))
    if request.args.get("cua_toi") and current_user.is_authenticated:
        position = services.position_of(reader(), snapshot, current_user.id)
        if position:
            page = (position - 1) // PER_PAGE + 1
    result = services.snapshot_page(reader(), snapshot, page, PER_PAGE, q, unit_id)
    winners = []
    if page == 1 and not q and unit_id is None:
        winners = [r for r in result.rows if r.prize]
    return render_template(
        "rankings/round.html", rnd=rnd, contest=rnd.contest, snapshot=snapshot, result=result,
        q=q, unit_id=unit_id, board_id=board_id, winners=winners,
        chain=[str(TIE_BREAK_NAMES[k]) for k in snapshot.rules.get("tie_breaks", [])],
        history=services.history(reader(), rnd.contest_id, rnd.id, board_id),
        units=sorted({(r.unit_id, r.unit_name) for r in
                      services.unit_rows(reader(), snapshot)}, key=lambda t: t[1]),
        me=current_user.id if current_user.is_authenticated else None,
    )


@bp.route("/vong-thi/<int:round_id>/don-vi")
@public_page
def unit_ranking(round_id: int):
    rnd = quiz.get_round(reader(), round_id)
    board_id = _board_id(rnd.contest)
    snapshot = _snapshot_or_withdrawn(rnd, board_id)
    if snapshot.withdrawn_at is not None:
        return render_template("rankings/withdrawn.html", rnd=rnd, contest=rnd.contest,
                               snapshot=snapshot, board_id=board_id)
    rows = services.unit_rows(reader(), snapshot)
    blocks: dict[str, list] = {}
    for row in rows:
        blocks.setdefault(row.block_name, []).append(row)
    return render_template("rankings/units.html", rnd=rnd, contest=rnd.contest,
                           snapshot=snapshot, blocks=blocks, board_id=board_id)


@bp.route("/cuoc-thi/<int:contest_id>")
@public_page
def contest_ranking(contest_id: int):
    contest = quiz.get_contest(reader(), contest_id)
    board_id = _board_id(contest)
    try:
        snapshot = services.current_snapshot(reader(), contest.id, None, board_id)
    except NotFound:
        raise NotPublished() from None
    page = max(1, arg_int("trang", 1))
    q = (request.args.get("q") or "").strip()[:100]
    result = services.snapshot_page(reader(), snapshot, page, PER_PAGE, q)
    return render_template(
        "rankings/contest.html", contest=contest, snapshot=snapshot, result=result, q=q,
        board_id=board_id,
        chain=[str(TIE_BREAK_NAMES[k]) for k in snapshot.rules.get("tie_breaks", [])])
