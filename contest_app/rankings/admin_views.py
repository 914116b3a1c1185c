"""Organiser ranking pages: live ranking, exclusions, prize tiers, settings, publish, exports."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from .. import clock, jobs
from ..accounts.models import ROLE_ORGANISER
from ..caching import invalidate_public_pages
from ..domain import DomainError
from ..errors import ERRORS, register_domain_error
from ..extensions import db
from ..inputs import arg_int, form_int, parse_int
from ..jobs.models import DONE, FAILED
from ..quiz.models import Contest, Round
from ..security import role_required
from . import annex, exports, rules, services
from .models import Exclusion

bp = Blueprint("rankings_admin", __name__, url_prefix="/ban-to-chuc/xep-hang")

register_domain_error("round_still_open", 409,
                      _l("Vòng thi chưa kết thúc nên chưa thể công bố kết quả."))
register_domain_error("nothing_to_publish", 409,
                      _l("Chưa có vòng thi chính thức nào được công bố xếp hạng: hãy công bố "
                         "xếp hạng từng vòng trước."))
register_domain_error("ranking_not_published", 409,
                      _l("Bảng xếp hạng của vòng thi chưa được công bố."))


def _round(round_id: int) -> Round:
    rnd = db.session.get(Round, round_id)
    if rnd is None or rnd.kind != "official":
        abort(404)
    return rnd


def _board(contest: Contest) -> int | None:
    return services.resolve_board(contest, form_int("bang", values=True))


def _count(name: str) -> int:
    """A prize count from the form: blank is 0, anything but a bounded integer a ValueError."""
    count = parse_int(request.form.get(name) or "0")
    if count is None:
        raise ValueError(name)
    return count


def _amount(name: str) -> int | None:
    """Prize money from the form (đồng): blank is "not decided"; dots and spaces typed as
    thousands separators are allowed ("2.000.000"); anything else a ValueError."""
    text = (request.form.get(name) or "").replace(".", "").replace(" ", "").replace(",", "")
    if not text:
        return None
    amount = parse_int(text)
    if amount is None:
        raise ValueError(name)
    return amount


def _flash_error(err: DomainError) -> None:
    flash(str(ERRORS.get(err.code, (400, err.detail or err.code))[1]), "danger")


@bp.route("/vong-thi/<int:round_id>")
@role_required(ROLE_ORGANISER)
def round_live(round_id: int):
    rnd = _round(round_id)
    board_id = _board(rnd.contest)
    page = max(1, arg_int("trang", 1))
    result, actual = services.live_page(db.session, rnd, board_id, page, 100)
    individual = services.tiers_for(db.session, rnd.contest_id, rnd.id, board_id)
    collective = services.tiers_for(db.session, rnd.contest_id, rnd.id, board_id, kind="unit")
    tiers = {t.level: t.count for t in individual}
    unit_tiers = {t.level: t.count for t in collective}
    amounts = {t.level: t.amount for t in individual if t.amount is not None}
    unit_amounts = {t.level: t.amount for t in collective if t.amount is not None}
    return render_template(
        "rankings_admin/round.html", rnd=rnd, contest=rnd.contest, board_id=board_id,
        result=result, actual=actual, tiers=tiers, unit_tiers=unit_tiers, amounts=amounts,
        unit_amounts=unit_amounts,
        exclusions=services.exclusions(db.session, rnd, board_id),
        history=services.history(db.session, rnd.contest_id, rnd.id, board_id),
        published=services.round_published(db.session, rnd.id),
        closed=rnd.closes_at is not None and clock.now() >= rnd.closes_at,
        names=services.PRIZE_NAMES,
    )


@bp.route("/vong-thi/<int:round_id>/loai-bai", methods=["POST"])
@role_required(ROLE_ORGANISER)
def exclude(round_id: int):
    rnd = _round(round_id)
    board_id = _board(rnd.contest)
    user_id = parse_int(request.form.get("user_id", ""), 1)
    try:
        if user_id is None:
            raise DomainError("missing user")
        reason_given = len(" ".join(request.form.get("reason", "").split())) >= 5
        change = (None if request.form.get("confirm_prediction") == "yes" or not reason_given
                  else services.prediction_after_exclusion(db.session, rnd, board_id, user_id))
        if change is not None:
            from ..accounts.models import User

            person = db.session.get(User, user_id) or abort(404)
            return render_template(
                "rankings_admin/confirm_exclusion.html", rnd=rnd, contest=rnd.contest,
                board_id=board_id, person=person, reason=request.form.get("reason", ""),
                before=change[0], after=change[1]), 409
        services.exclude(db.session, current_user.id, rnd, user_id,
                         request.form.get("reason", ""), clock.now())
    except DomainError as err:
        db.session.rollback()
        message = err.fields.get("reason") if err.fields else None
        flash(message or _("Không thể loại bài này."), "danger")
        return redirect(url_for(".round_live", round_id=rnd.id, bang=board_id)), 303
    db.session.commit()
    flash(_("Đã loại bài dự thi khỏi bảng xếp hạng và ghi nhật ký."), "success")
    return redirect(url_for(".round_live", round_id=rnd.id, bang=board_id))


@bp.route("/vong-thi/<int:round_id>/phuc-hoi/<int:exclusion_id>", methods=["POST"])
@role_required(ROLE_ORGANISER)
def reinstate(round_id: int, exclusion_id: int):
    rnd = _round(round_id)
    exclusion = db.session.get(Exclusion, exclusion_id)
    if exclusion is None or exclusion.contest_id != rnd.contest_id:
        abort(404)
    board_id = _board(rnd.contest)
    if request.form.get("confirm") != "yes":
        flash(_("Vui lòng đánh dấu xác nhận trước khi khôi phục bài dự thi."), "warning")
        return redirect(url_for(".round_live", round_id=rnd.id, bang=board_id)), 303
    try:
        services.lift_exclusion(db.session, current_user.id, exclusion,
                                request.form.get("reason", ""))
    except DomainError as err:
        db.session.rollback()
        flash(str(err.fields.get("reason") if err.fields else err), "danger")
        return redirect(url_for(".round_live", round_id=rnd.id, bang=board_id)), 303
    db.session.commit()
    flash(_("Đã khôi phục bài dự thi và ghi nhật ký."), "success")
    return redirect(url_for(".round_live", round_id=rnd.id, bang=board_id))


@bp.route("/vong-thi/<int:round_id>/giai-thuong", methods=["POST"])
@role_required(ROLE_ORGANISER)
def prizes(round_id: int):
    rnd = _round(round_id)
    board_id = _board(rnd.contest)
    kind = "unit" if request.form.get("kind") == "unit" else "individual"
    try:
        counts = {level: _count(f"level_{level}") for level in rules.PRIZE_LEVELS}
        amounts = {level: _amount(f"amount_{level}") for level in rules.PRIZE_LEVELS}
        services.set_tiers(db.session, current_user.id, rnd.contest, rnd.id, board_id, kind,
                           counts, amounts)
    except (ValueError, DomainError):
        db.session.rollback()
        flash(_("Số giải và mức thưởng phải là số nguyên không âm."), "danger")
        return redirect(url_for(".round_live", round_id=rnd.id, bang=board_id))
    db.session.commit()
    flash(_("Đã lưu cơ cấu giải thưởng."), "success")
    return redirect(url_for(".round_live", round_id=rnd.id, bang=board_id))


@bp.route("/vong-thi/<int:round_id>/cong-bo", methods=["POST"])
@role_required(ROLE_ORGANISER)
def publish(round_id: int):
    rnd = _round(round_id)
    board_id = _board(rnd.contest)
    if request.form.get("confirm") != "yes":
        flash(_("Vui lòng đánh dấu xác nhận trước khi công bố."), "warning")
        return redirect(url_for(".round_live", round_id=rnd.id, bang=board_id))
    # A background job (RQ) when a queue is configured: at 10^5-10^6 entries publishing does
    # not belong in a request. Without a queue the job has already run when submit returns.
    job = jobs.submit("publish_round", {"round_id": rnd.id, "actor_id": current_user.id},
                      created_by=current_user.id, dedupe_key=f"publish_round:{rnd.id}")
    if job.status == FAILED:
        flash(job.error or _("Không công bố được."), "danger")
        return redirect(url_for(".round_live", round_id=rnd.id, bang=board_id))
    if job.status != DONE:
        flash(_("Đang công bố bảng xếp hạng; trang này cho biết khi nào xong."), "info")
        return redirect(url_for("jobs.show", job_id=job.id))
    flash(_("Đã công bố bảng xếp hạng. Trang công khai hiển thị bản vừa công bố."), "success")
    return redirect(url_for("rankings.round_ranking", round_id=rnd.id, bang=board_id))


@bp.route("/vong-thi/<int:round_id>/huy-cong-bo", methods=["POST"])
@role_required(ROLE_ORGANISER)
def withdraw(round_id: int):
    """Withdraw the round's publication (with a reason, audited): the round may change again
    and the next publication is a new version."""
    rnd = _round(round_id)
    try:
        services.withdraw_round(db.session, current_user.id, rnd,
                                request.form.get("reason", ""), clock.now())
    except DomainError as err:
        db.session.rollback()
        message = err.fields.get("reason") if err.fields else None
        flash(str(message or ERRORS.get(err.code, (400, err.code))[1]), "danger")
        return redirect(url_for(".round_live", round_id=rnd.id, bang=_board(rnd.contest))), 303
    db.session.commit()
    invalidate_public_pages()
    flash(_("Đã hủy công bố bảng xếp hạng; trang công khai không còn hiển thị bản này."),
          "success")
    return redirect(url_for(".round_live", round_id=rnd.id, bang=_board(rnd.contest)))


def _download(data: bytes, filename: str, mimetype: str) -> Response:
    return Response(data, mimetype=mimetype, headers={
        "Content-Disposition": f"attachment; filename={filename}"})


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.route("/vong-thi/<int:round_id>/xuat/<string:what>.<string:fmt>")
@role_required(ROLE_ORGANISER)
def export(round_id: int, what: str, fmt: str):
    rnd = _round(round_id)
    if what not in ("ca-nhan", "don-vi") or fmt not in ("csv", "xlsx"):
        abort(404)
    snapshot = services.current_snapshot(db.session, rnd.contest_id, rnd.id,
                                         _board(rnd.contest))
    if jobs.queue_enabled():  # a large ranking is written by a worker, not in the request
        job = jobs.submit("export_ranking", {"round_id": rnd.id, "what": what, "fmt": fmt,
                                             "board_id": _board(rnd.contest)},
                          created_by=current_user.id)
        return redirect(url_for("jobs.show", job_id=job.id))
    tz = ZoneInfo(current_app.config["CONTEST_TIMEZONE"])
    if what == "ca-nhan":
        header, rows = exports.RANKING_HEADER, exports.ranking_rows(db.session, snapshot, tz)
    else:
        header, rows = exports.UNIT_HEADER, exports.unit_rows(db.session, snapshot)
    name = f"xep-hang-{what}-vong-{rnd.id}-v{snapshot.version}"
    if fmt == "csv":
        return _download(exports.to_csv(header, rows), name + ".csv", "text/csv; charset=utf-8")
    return _download(exports.to_xlsx(what, header, rows), name + ".xlsx", XLSX)


@bp.route("/cuoc-thi/<int:contest_id>", methods=["GET", "POST"])
@role_required(ROLE_ORGANISER)
def contest_settings(contest_id: int):
    contest = db.session.get(Contest, contest_id) or abort(404)
    if request.method == "POST":
        action = request.form.get("action")
        try:
            if action == "settings":
                _save_settings(contest)
            elif action == "publish":
                services.publish_contest(db.session, current_user.id, contest, clock.now())
            else:
                abort(400)
        except DomainError as err:
            db.session.rollback()
            _flash_error(err)
        except ValueError:
            db.session.rollback()
            flash(_("Cấu hình xếp hạng không hợp lệ."), "danger")
        else:
            db.session.commit()
            invalidate_public_pages()
            if action == "publish":  # the contest-wide winners hear of their prize
                from ..notifications import services as notifications

                notifications.run_after_commit(notifications.notify_contest_winners,
                                               contest.id)
            flash(_("Đã lưu."), "success")
        return redirect(url_for(".contest_settings", contest_id=contest.id))
    order, formula = services.unit_settings(contest)
    return render_template("rankings_admin/contest.html", contest=contest,
                           chain=services.contest_chain(contest), order=order, formula=formula,
                           rules=rules)


def _save_settings(contest: Contest) -> None:
    from ..organiser.models import record

    chain = [k for k in request.form.getlist("tie_breaks") if k]
    chain = list(rules.validate_chain(chain))
    mode = request.form.get("overall_mode", "sum")
    if mode not in ("sum", "best"):
        raise ValueError(mode)
    order = request.form.get("unit_order", "collective_score")
    kind = request.form.get("formula", "participation_rate")
    if order not in rules.UNIT_METRICS or kind not in rules.COLLECTIVE_FORMULAS:
        raise ValueError(order)
    weights = {k: float(request.form.get(f"w_{k}") or 0)
               for k in ("participation_rate", "average_score", "prize_points")}
    points = {str(level): form_int(f"points_{level}", 0) for level in rules.PRIZE_LEVELS}
    before = {"tie_breaks": contest.tie_breaks, "overall_mode": contest.overall_mode,
              "unit_settings": contest.unit_settings}
    contest.tie_breaks, contest.overall_mode = chain, mode
    contest.unit_settings = {"order": order, "formula": kind, "weights": weights,
                             "prize_points": points}
    record(current_user.id, "ranking.settings", contest, before,
           {"tie_breaks": chain, "overall_mode": mode, "unit_settings": contest.unit_settings})


# --- The award decision's paperwork ---------------------------------------------------------

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _heading(contest: Contest, scope: str, snapshots: list) -> annex.Heading:
    tz = ZoneInfo(current_app.config["CONTEST_TIMEZONE"])
    latest = max(snapshots, key=lambda s: s.published_at) if snapshots else None
    published = (_("công bố lúc %(when)s (phiên bản %(v)s)",
                   when=latest.published_at.astimezone(tz).strftime("%d/%m/%Y %H:%M"),
                   v=latest.version) if latest else "")
    return annex.Heading(current_app.config["ORGANISER_NAME"], contest.title, scope, published)


def _published_by_board(contest: Contest, round_id: int | None) -> list:
    """(board name, current snapshot) for every board of the scope; 409 unless all are published."""
    pairs = []
    for board in services.boards_of(contest):
        try:
            snapshot = services.current_snapshot(db.session, contest.id, round_id,
                                                 board.id if board else None)
        except DomainError:
            raise rules.NotPublished() from None
        pairs.append((board.name if board else "", snapshot))
    return pairs


def _document(data: bytes, stem: str, fmt: str) -> Response:
    if fmt == "docx":
        return _download(data, stem + ".docx", DOCX)
    return _download(data, stem + ".xlsx", XLSX)


@bp.route("/vong-thi/<int:round_id>/phu-luc-khen-thuong.<string:fmt>")
@bp.route("/cuoc-thi/<int:contest_id>/phu-luc-khen-thuong.<string:fmt>")
@role_required(ROLE_ORGANISER)
def award_annex(fmt: str, round_id: int | None = None, contest_id: int | None = None):
    """The annex to the award decision: every winner of the round (or of the contest-wide
    ranking) across all boards, with prize money, totals and the signature block."""
    if fmt not in ("docx", "xlsx"):
        abort(404)
    if round_id is not None:
        rnd = _round(round_id)
        contest, scope = rnd.contest, rnd.title
    else:
        rnd = None
        contest = db.session.get(Contest, contest_id) or abort(404)
        scope = _("Toàn cuộc thi")
    try:
        pairs = _published_by_board(contest, rnd.id if rnd else None)
    except DomainError as err:
        _flash_error(err)
        back = (url_for(".round_live", round_id=rnd.id) if rnd
                else url_for(".contest_settings", contest_id=contest.id))
        return redirect(back), 303
    rows = annex.annex_rows(db.session, pairs)
    heading = _heading(contest, scope, [s for _, s in pairs])
    data = annex.annex_docx(heading, rows) if fmt == "docx" else annex.annex_xlsx(heading, rows)
    from ..organiser.models import record

    record(current_user.id, "annex.export", rnd or contest, None,
           {"format": fmt, "rows": len(rows), "snapshots": [s.id for _, s in pairs]})
    db.session.commit()
    return _document(data, annex.file_stem("phu-luc-khen-thuong", contest.title,
                                           rnd.title if rnd else "toan-cuoc-thi"), fmt)


@bp.route("/cuoc-thi/<int:contest_id>/bai-bi-loai.<string:fmt>")
@role_required(ROLE_ORGANISER)
def excluded_export(contest_id: int, fmt: str):
    """Every excluded entry of the contest with its reason, for the organisers' minutes."""
    if fmt not in ("docx", "xlsx"):
        abort(404)
    from sqlalchemy import select

    from ..quiz.models import Participation

    contest = db.session.get(Contest, contest_id) or abort(404)
    boards = {b.id: b.name for b in contest.boards}
    boards_of = {user_id: boards.get(board_id, "") for user_id, board_id in db.session.execute(
        select(Participation.user_id, Participation.board_id).where(
            Participation.contest_id == contest.id))}
    titles = {r.id: r.title for r in contest.rounds}
    rows = annex.excluded_rows(db.session, contest.id, titles, boards_of)
    tz = ZoneInfo(current_app.config["CONTEST_TIMEZONE"])
    heading = annex.Heading(current_app.config["ORGANISER_NAME"], contest.title,
                            _("Toàn cuộc thi"), _("lập lúc %(when)s", when=clock.now().astimezone(
                                tz).strftime("%d/%m/%Y %H:%M")))
    data = (annex.excluded_docx(heading, rows, tz) if fmt == "docx"
            else annex.excluded_xlsx(heading, rows, tz))
    return _document(data, annex.file_stem("bai-bi-loai", contest.title), fmt)
