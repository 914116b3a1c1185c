"""The organiser's live dashboard per contest and per round (figures refresh without a
reload through the .json twins of each page)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from flask import Blueprint, abort, current_app, jsonify, render_template, request

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


@bp.route("/cuoc-thi/<int:contest_id>/nguoi-tham-gia")
@role_required(ROLE_ORGANISER)
def people(contest_id: int):
    """Find a participant (any part of the name, without diacritics, or the e-mail)."""
    from ..participation import services as participation

    contest = _contest(contest_id)
    q = (request.args.get("q") or "").strip()[:100]
    result = participation.participants(db.session, contest, q, None, 1, 50) if q else None
    return render_template("quiz_admin/live_people.html", contest=contest, q=q, result=result)


@bp.route("/cuoc-thi/<int:contest_id>/nguoi-tham-gia/<int:user_id>", methods=["GET", "POST"])
@role_required(ROLE_ORGANISER)
def person(contest_id: int, user_id: int):
    """One participant's attempts and answers; reset an attempt with a reason (audited)."""
    from flask import flash, redirect, url_for
    from flask_babel import gettext as _
    from flask_login import current_user

    from ..accounts.models import User
    from ..domain import ValidationFailed
    from ..quiz.models import Attempt
    from . import analysis
    from .forms import ExtraTimeForm

    contest = _contest(contest_id)
    user = db.session.get(User, user_id) or abort(404)
    status = 200
    if request.method == "POST":
        attempt = db.session.get(Attempt, request.form.get("attempt_id", type=int) or 0)
        if attempt is None or attempt.user_id != user.id or attempt.round.contest_id != contest.id:
            abort(404)
        try:
            analysis.void_attempt(db.session, current_user.id, attempt,
                                  request.form.get("reason", ""), clock.now())
        except ValidationFailed:
            db.session.rollback()
            flash(_("Vui lòng ghi rõ lý do (ít nhất 5 ký tự)."), "danger")
            status = 422
        else:
            db.session.commit()
            flash(_("Đã hủy bài làm; thí sinh có thể làm lại lượt này (ghi nhật ký)."),
                  "success")
            return redirect(url_for(".person", contest_id=contest.id, user_id=user.id))
    attempts = analysis.person_attempts(db.session, contest.id, user.id)
    extra = ExtraTimeForm(prefix="extra", data={"participant": user.email})
    return render_template("quiz_admin/live_person.html", contest=contest, person=user,
                           attempts=attempts, extra=extra), status
