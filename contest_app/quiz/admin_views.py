"""Organiser pages for contests, boards and rounds."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from .. import clock
from ..accounts.models import ROLE_ORGANISER
from ..bank.models import Topic
from ..domain import DomainError, ValidationFailed
from ..errors import ERRORS
from ..extensions import db
from ..security import role_required
from . import admin
from . import services as quiz_services
from .forms import (
    BoardAudienceForm,
    BoardForm,
    ContestForm,
    ExtraTimeForm,
    RoundForm,
    WeeklySeriesForm,
)
from .models import Attempt, Board, Contest, ExtraTime, Round
from .services import round_has_attempts

bp = Blueprint("quiz_admin", __name__, url_prefix="/ban-to-chuc/cuoc-thi")


@bp.route("/", methods=["GET", "POST"])
@role_required(ROLE_ORGANISER)
def contests():
    form = ContestForm()
    if form.validate_on_submit():
        contest = admin.save_contest(db.session, current_user.id, None, form.title.data,
                                     form.description.data, form.rules_text.data,
                                     form.published.data)
        db.session.commit()
        flash(_("Đã tạo cuộc thi."), "success")
        return redirect(url_for(".contest", contest_id=contest.id))
    rows = list(db.session.scalars(select(Contest).order_by(Contest.created_at.desc())))
    counts = dict(db.session.execute(
        select(Round.contest_id, func.count(Attempt.id)).join(Attempt, Attempt.round_id == Round.id)
        .group_by(Round.contest_id)).all())
    status = 422 if request.method == "POST" else 200
    return render_template("quiz_admin/contests.html", contests=rows, form=form,
                           counts=counts), status


@bp.route("/<int:contest_id>", methods=["GET", "POST"])
@role_required(ROLE_ORGANISER)
def contest(contest_id: int):
    contest = db.session.get(Contest, contest_id) or abort(404)
    form = ContestForm(obj=contest)
    board_form = BoardForm(prefix="board")
    status = 200
    if request.method == "POST" and request.form.get("kind") == "board":
        if board_form.validate_on_submit():
            try:
                admin.add_board(db.session, current_user.id, contest, board_form.name.data,
                                board_form.allowed_kind.data or None)
            except ValidationFailed as err:
                db.session.rollback()
                for name, message in err.fields.items():
                    getattr(board_form, name).errors = [str(message)]
                status = 422
            else:
                db.session.commit()
                flash(_("Đã thêm bảng thi."), "success")
                return redirect(url_for(".contest", contest_id=contest.id))
        else:
            status = 422
    elif form.validate_on_submit():
        admin.save_contest(db.session, current_user.id, contest, form.title.data,
                           form.description.data, form.rules_text.data, form.published.data)
        db.session.commit()
        flash(_("Đã lưu cuộc thi."), "success")
        return redirect(url_for(".contest", contest_id=contest.id))
    elif request.method == "POST":
        status = 422
    return render_template("quiz_admin/contest.html", contest=contest, form=form,
                           board_form=board_form, series_form=WeeklySeriesForm(prefix="series"),
                           audience_form=BoardAudienceForm), status


@bp.route("/<int:contest_id>/bang/<int:board_id>/doi-tuong", methods=["POST"])
@role_required(ROLE_ORGANISER)
def board_audience(contest_id: int, board_id: int):
    """Restrict a board to officials or to citizens, or open it to anyone."""
    board = db.session.get(Board, board_id)
    if board is None or board.contest_id != contest_id:
        abort(404)
    form = BoardAudienceForm(prefix=f"aud{board.id}")
    if not form.validate_on_submit():
        flash(_("Đối tượng của bảng thi không hợp lệ."), "danger")
        return redirect(url_for(".contest", contest_id=contest_id)), 303
    admin.set_board_audience(db.session, current_user.id, board, form.allowed_kind.data or None)
    db.session.commit()
    flash(_("Đã lưu đối tượng tham gia bảng %(name)s.", name=board.name), "success")
    return redirect(url_for(".contest", contest_id=contest_id))


@bp.route("/<int:contest_id>/loat-tuan-thi", methods=["POST"])
@role_required(ROLE_ORGANISER)
def weekly_series(contest_id: int):
    contest = db.session.get(Contest, contest_id) or abort(404)
    form = WeeklySeriesForm(prefix="series")
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for message in errors:
                flash(str(message), "danger")
        return redirect(url_for(".contest", contest_id=contest.id)), 303
    rounds = admin.create_weekly_rounds(db.session, current_user.id, contest,
                                        form.first_opens.data, form.first_closes.data,
                                        form.count.data, form.title_pattern.data)
    db.session.commit()
    flash(_("Đã tạo %(n)s vòng thi hằng tuần.", n=len(rounds)), "success")
    return redirect(url_for(".contest", contest_id=contest.id))


def _round_form(contest: Contest, rnd: Round | None) -> RoundForm:
    form = RoundForm(obj=rnd)
    topics = list(db.session.scalars(select(Topic).order_by(Topic.position, Topic.name)))
    for entry in form.lines:
        entry.form.topic_id.choices = [(0, _("Mọi chủ đề"))] + [(t.id, t.name) for t in topics]
        entry.form.board_id.choices = [(0, _("Mọi bảng"))] + [(b.id, b.name)
                                                             for b in contest.boards]
    if request.method == "GET" and rnd is not None:
        form.time_limit_min.data = rnd.time_limit_s // 60
        form.max_attempts.data = rnd.max_attempts or 0
        form.prediction_kind.data = rnd.prediction_kind or ""
        for entry, line in zip(form.lines, rnd.blueprint, strict=False):
            entry.form.board_id.data = line.board_id or 0
            entry.form.topic_id.data = line.topic_id or 0
            entry.form.difficulty.data = line.difficulty or ""
            entry.form.count.data = line.count
    return form


def _round_data(form: RoundForm) -> admin.RoundData:
    lines = [
        (e.form.board_id.data or None, e.form.topic_id.data or None,
         e.form.difficulty.data or None, e.form.count.data)
        for e in form.lines if e.form.count.data
    ]
    return admin.RoundData(
        title=form.title.data, kind=form.kind.data, opens_at=form.opens_at.data,
        closes_at=form.closes_at.data, question_count=form.question_count.data,
        time_limit_s=form.time_limit_min.data * 60,
        max_attempts=form.max_attempts.data or None, counting=form.counting.data,
        reveal=form.reveal.data, prediction_kind=form.prediction_kind.data or None, lines=lines,
    )


@bp.route("/<int:contest_id>/vong-thi/moi", methods=["GET", "POST"])
@bp.route("/<int:contest_id>/vong-thi/<int:round_id>", methods=["GET", "POST"])
@role_required(ROLE_ORGANISER)
def round_edit(contest_id: int, round_id: int | None = None):
    contest = db.session.get(Contest, contest_id) or abort(404)
    rnd = None
    if round_id is not None:
        rnd = db.session.get(Round, round_id)
        if rnd is None or rnd.contest_id != contest.id:
            abort(404)
    form = _round_form(contest, rnd)
    locked = rnd is not None and round_has_attempts(db.session, rnd.id)
    from ..rankings.services import round_published

    frozen = rnd is not None and round_published(db.session, rnd.id)
    status = 200
    if form.validate_on_submit():
        try:
            saved = admin.save_round(db.session, current_user.id, contest, rnd, _round_data(form))
        except DomainError as err:
            db.session.rollback()
            if err.code == "validation_failed":
                form.question_count.errors = [str(m) for m in err.fields.values()]
            else:
                flash(str(ERRORS[err.code][1]), "danger")
            status = 422
        else:
            db.session.commit()
            flash(_("Đã lưu vòng thi."), "success")
            return redirect(url_for(".round_edit", contest_id=contest.id, round_id=saved.id))
    elif request.method == "POST":
        status = 422
    pool_problem = None
    if rnd is not None and rnd.kind == "practice" and status == 200:
        pool_problem = admin.practice_pool_problem(db.session, rnd.kind,
                                                   quiz_services.round_lines(rnd),
                                                   rnd.question_count)
    extra_form = ExtraTimeForm(prefix="extra")
    grants = []
    in_progress = 0
    if rnd is not None:
        in_progress = db.session.scalar(select(func.count(Attempt.id)).where(
            Attempt.round_id == rnd.id, Attempt.status == "in_progress")) or 0
        from ..accounts.models import User

        grants = db.session.execute(
            select(ExtraTime, User).join(User, User.id == ExtraTime.user_id)
            .where(ExtraTime.round_id == rnd.id).order_by(ExtraTime.granted_at)).all()
    return render_template("quiz_admin/round.html", contest=contest, rnd=rnd, form=form,
                           locked=locked, frozen=frozen, extra_form=extra_form, grants=grants,
                           round_state=(quiz_services.round_status(rnd, clock.now())
                                        if rnd else None),
                           in_progress=in_progress, pool_problem=pool_problem), status


@bp.route("/<int:contest_id>/vong-thi/<int:round_id>/cong-gio", methods=["POST"])
@role_required(ROLE_ORGANISER)
def extra_time(contest_id: int, round_id: int):
    rnd = db.session.get(Round, round_id)
    if rnd is None or rnd.contest_id != contest_id:
        abort(404)
    form = ExtraTimeForm(prefix="extra")
    target = url_for(".round_edit", contest_id=contest_id, round_id=round_id)
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for message in errors:
                flash(str(message), "danger")
        return redirect(target), 303
    try:
        user = admin.find_participant(db.session, form.participant.data)
        admin.grant_extra_time(db.session, current_user.id, rnd, user.id, form.minutes.data,
                               clock.now())
    except ValidationFailed as err:
        db.session.rollback()
        for message in err.fields.values():
            flash(str(message), "danger")
        return redirect(target), 303
    db.session.commit()
    flash(_("Đã cộng thêm %(m)s phút cho %(name)s.", m=form.minutes.data, name=user.full_name),
          "success")
    return redirect(target)


@bp.route("/<int:contest_id>/vong-thi/<int:round_id>/ket-thuc", methods=["POST"])
@role_required(ROLE_ORGANISER)
def close_now(contest_id: int, round_id: int):
    """"Kết thúc vòng thi ngay": closing time set to now, attempts in progress closed and
    scored, audited, in one transaction."""
    rnd = db.session.get(Round, round_id)
    if rnd is None or rnd.contest_id != contest_id:
        abort(404)
    target = url_for(".round_edit", contest_id=contest_id, round_id=round_id)
    if request.form.get("confirm") != "yes":
        flash(_("Vui lòng đánh dấu xác nhận trước khi kết thúc vòng thi."), "warning")
        return redirect(target), 303
    try:
        closed = admin.close_round_now(db.session, current_user.id, rnd, clock.now(),
                                       (request.form.get("reason") or "").strip()[:500] or None)
    except ValidationFailed as err:
        db.session.rollback()
        for message in err.fields.values():
            flash(str(message), "danger")
        return redirect(target), 303
    db.session.commit()
    flash(_("Đã kết thúc vòng thi; %(n)s bài đang làm đã được đóng và chấm điểm.",
            n=len(closed)), "success")
    return redirect(target)
