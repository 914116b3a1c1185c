"""The organiser's live dashboard per contest and per round (figures refresh without a
reload through the .json twins of each page)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from flask import Blueprint, abort, current_app, jsonify, render_template

from .. import clock
from ..accounts.models import ROLE_ORGANISER
from ..extensions import db
from ..security import role_required
from . import charts, live
from .models import Contest, Round

bp = Blueprint("live", __name__, url_prefix="/ban-to-chuc/theo-doi")


def _tz() -> ZoneInfo:
    return ZoneInfo(current_app.config["CONTEST_TIMEZONE"])


def _contest(contest_id: int) -> Contest:
    return db.session.get(Contest, contest_id) or abort(404)


def _round(round_id: int) -> Round:
    return db.session.get(Round, round_id) or abort(404)


@bp.route("/cuoc-thi/<int:contest_id>")
@role_required(ROLE_ORGANISER)
def contest_page(contest_id: int):
    contest = _contest(contest_id)
    figures = live.contest_figures(db.session, contest, clock.now(), _tz())
    return render_template("quiz_admin/live_contest.html", contest=contest, f=figures)


@bp.route("/cuoc-thi/<int:contest_id>.json")
@role_required(ROLE_ORGANISER)
def contest_json(contest_id: int):
    contest = _contest(contest_id)
    return jsonify(live.as_json(live.contest_figures(db.session, contest, clock.now(), _tz())))


@bp.route("/vong-thi/<int:round_id>")
@role_required(ROLE_ORGANISER)
def round_page(round_id: int):
    rnd = _round(round_id)
    figures = live.round_figures(db.session, rnd, clock.now(), _tz())
    bins = charts.score_bins(figures.scores, figures.max_score)
    return render_template(
        "quiz_admin/live_round.html", rnd=rnd, contest=rnd.contest, f=figures, bins=bins,
        bars=charts.histogram(bins), line=charts.line(figures.per_hour), chart=charts)


@bp.route("/vong-thi/<int:round_id>.json")
@role_required(ROLE_ORGANISER)
def round_json(round_id: int):
    rnd = _round(round_id)
    return jsonify(live.as_json(live.round_figures(db.session, rnd, clock.now(), _tz())))
