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
from . import admin, appearance, rules
from . import services as quiz_services
from .forms import (
    MAX_LINES,
    AppearanceForm,
    BoardAudienceForm,
    BoardForm,
    ContestForm,
    ContestSettingsForm,
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
                                     form.published.data, form.winner_instructions.data or "")
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
                           form.description.data, form.rules_text.data, form.published.data,
                           form.winner_instructions.data or "")
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
    if request.method == "GET" and rnd is not None:
        # Every saved line, plus one empty row to add another.
        while len(form.lines) < min(MAX_LINES, len(rnd.blueprint) + 1):
            form.lines.append_entry()
    elif _adding_line() and len(form.lines) < MAX_LINES:
        form.lines.append_entry()
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


def _adding_line() -> bool:
    """"Thêm dòng": the form comes back with what was typed and one more empty row."""
    return request.method == "POST" and "add_line" in request.form


def _form_lines(form: RoundForm) -> list[tuple[int | None, int | None, str | None, int]]:
    return [
        (e.form.board_id.data or None, e.form.topic_id.data or None,
         e.form.difficulty.data or None, e.form.count.data)
        for e in form.lines if isinstance(e.form.count.data, int) and e.form.count.data > 0
    ]


def _draw_summary(contest: Contest, form: RoundForm) -> tuple[list, bool]:
    """Per board, what its attempts draw from the lines in the form (as typed), and whether
    the "Mọi bảng" lines are used by no board."""
    count = form.question_count.data
    if not isinstance(count, int) or count < 1:
        return [], False
    lines = _form_lines(form)
    ids = [b.id for b in contest.boards]
    return rules.board_draws(lines, ids, count), rules.shared_lines_unused(lines, ids)


def _round_data(form: RoundForm) -> admin.RoundData:
    lines = _form_lines(form)
    return admin.RoundData(
        title=form.title.data, kind=form.kind.data, opens_at=form.opens_at.data,
        closes_at=form.closes_at.data, question_count=form.question_count.data,
        time_limit_s=form.time_limit_min.data * 60,
        max_attempts=form.max_attempts.data or None, counting=form.counting.data,
        reveal=form.reveal.data, prediction_kind=form.prediction_kind.data or None, lines=lines,
        prediction_text=" ".join((form.prediction_text.data or "").split()) or None,
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
    if _adding_line():
        pass  # re-rendered below with one more row; nothing is saved
    elif form.validate_on_submit():
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
    draws, shared_unused = _draw_summary(contest, form)
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
                           in_progress=in_progress, pool_problem=pool_problem,
                           draws=draws, shared_unused=shared_unused,
                           boards={b.id: b for b in contest.boards},
                           can_add_line=len(form.lines) < MAX_LINES, max_lines=MAX_LINES
                           ), status


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


# --- Contest settings and boards -----------------------------------------------------------

def _settings_page(contest: Contest, form: ContestSettingsForm, board_form: BoardForm,
                   status: int = 200, appearance_form: AppearanceForm | None = None):
    usage = {b.id: admin.board_usage(db.session, b) for b in contest.boards}
    if appearance_form is None:
        appearance_form = AppearanceForm(prefix="look", formdata=None, data={
            "primary": contest.theme_primary or "", "accent": contest.theme_accent or ""})
    return render_template("quiz_admin/settings.html", contest=contest, form=form,
                           appearance_form=appearance_form,
                           banner_limit_mb=f"{appearance.max_banner_bytes() / 1024 / 1024:g}",
                           board_form=board_form, locks=admin.setting_locks(db.session, contest),
                           entrants=admin.entrants(db.session, contest.id),
                           usage=usage,
                           board_lock=admin.board_add_lock(db.session, contest)), status


@bp.route("/<int:contest_id>/cai-dat", methods=["GET", "POST"])
@role_required(ROLE_ORGANISER)
def settings(contest_id: int):
    """Joining and certificate settings, and the contest's boards."""
    contest = db.session.get(Contest, contest_id) or abort(404)
    form = ContestSettingsForm(obj=contest)
    if not form.validate_on_submit():
        return _settings_page(contest, form, BoardForm(prefix="board"),
                              422 if request.method == "POST" else 200)
    try:
        admin.save_settings(db.session, current_user.id, contest, admin.ContestSettings(
            require_cccd=form.require_cccd.data, min_age=form.min_age.data or None,
            collect_birth_date=form.collect_birth_date.data,
            certificates=form.certificates.data))
    except ValidationFailed as err:
        db.session.rollback()
        contest = db.session.get(Contest, contest_id)
        for name, message in err.fields.items():
            getattr(form, name).errors = [str(message)]
        flash(_("Chưa lưu: có thiết lập bị khóa vì đã có người tham gia."), "danger")
        return _settings_page(contest, form, BoardForm(prefix="board"), 422)
    db.session.commit()
    flash(_("Đã lưu thiết lập cuộc thi."), "success")
    return redirect(url_for(".settings", contest_id=contest.id))


def _contest_board(contest_id: int, board_id: int) -> tuple[Contest, Board]:
    contest = db.session.get(Contest, contest_id) or abort(404)
    board = db.session.get(Board, board_id)
    if board is None or board.contest_id != contest.id:
        abort(404)
    return contest, board


@bp.route("/<int:contest_id>/bang", methods=["POST"])
@role_required(ROLE_ORGANISER)
def board_add(contest_id: int):
    contest = db.session.get(Contest, contest_id) or abort(404)
    board_form = BoardForm(prefix="board")
    if board_form.validate_on_submit():
        try:
            board = admin.add_board(db.session, current_user.id, contest, board_form.name.data)
        except ValidationFailed as err:
            db.session.rollback()
            contest = db.session.get(Contest, contest_id)
            board_form.name.errors = [str(err.fields["name"])]
        else:
            db.session.commit()
            flash(_("Đã thêm bảng %(name)s.", name=board.name), "success")
            return redirect(url_for(".settings", contest_id=contest.id))
    return _settings_page(contest, ContestSettingsForm(formdata=None, obj=contest), board_form,
                          422)


@bp.route("/<int:contest_id>/bang/<int:board_id>", methods=["POST"])
@role_required(ROLE_ORGANISER)
def board_change(contest_id: int, board_id: int):
    """Rename ("action=rename"), move up or down ("up", "down") or delete ("delete", with
    confirmation) one board; refusals come back as a message on the settings page."""
    contest, board = _contest_board(contest_id, board_id)
    target = url_for(".settings", contest_id=contest.id)
    action = request.form.get("action")
    try:
        if action == "rename":
            old = board.name
            admin.rename_board(db.session, current_user.id, contest, board,
                               (request.form.get("name") or "")[:1000])
            message = _("Đã đổi tên bảng %(old)s thành %(name)s.", old=old, name=board.name)
        elif action in ("up", "down"):
            admin.move_board(db.session, current_user.id, contest, board,
                             -1 if action == "up" else 1)
            message = _("Đã đổi thứ tự các bảng.")
        elif action == "delete":
            if request.form.get("confirm") != "yes":
                flash(_("Vui lòng đánh dấu xác nhận trước khi xóa bảng."), "warning")
                return redirect(target), 303
            name = board.name
            admin.delete_board(db.session, current_user.id, contest, board)
            message = _("Đã xóa bảng %(name)s.", name=name)
        else:
            abort(400)
    except ValidationFailed as err:
        db.session.rollback()
        for text in err.fields.values():
            flash(str(text), "danger")
        contest = db.session.get(Contest, contest_id)
        return _settings_page(contest, ContestSettingsForm(formdata=None, obj=contest),
                              BoardForm(prefix="board"), 409 if action == "delete" else 422)
    db.session.commit()
    flash(message, "success")
    return redirect(target)
