"""Organiser pages for a round's question statistics and for regrading after a key fix."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from .. import clock
from ..accounts.models import ROLE_ORGANISER
from ..domain import NotFound, ValidationFailed
from ..extensions import db
from ..security import role_required
from . import analysis, fraud, statistics
from .models import ROUND_OFFICIAL, Round

bp = Blueprint("quiz_analysis", __name__, url_prefix="/ban-to-chuc/vong-thi")

FLAG_LABELS = {
    statistics.FLAG_NEGATIVE: _l("Độ phân biệt âm: người giỏi làm sai nhiều hơn (kiểm tra đáp án)"),
    statistics.FLAG_LOW: _l("Độ phân biệt gần 0"),
    statistics.FLAG_DISTRACTOR: _l("Một phương án nhiễu được chọn nhiều hơn đáp án"),
    statistics.FLAG_EASY: _l("Quá dễ (trên 95% làm đúng)"),
    statistics.FLAG_HARD: _l("Quá khó (dưới 20% làm đúng)"),
}


def _round(round_id: int) -> Round:
    rnd = db.session.get(Round, round_id)
    if rnd is None:
        abort(404)
    return rnd


@bp.route("/<int:round_id>/thong-ke-cau-hoi")
@role_required(ROLE_ORGANISER)
def statistics_page(round_id: int):
    rnd = _round(round_id)
    report = analysis.round_statistics(db.session, rnd)
    flagged = sorted((s for s in report.questions if s.flags),
                     key=lambda s: (statistics.FLAG_NEGATIVE not in s.flags,
                                    statistics.FLAG_DISTRACTOR not in s.flags, s.question_id))
    return render_template("quiz_admin/statistics.html", rnd=rnd, contest=rnd.contest,
                           report=report, flagged=flagged, labels=FLAG_LABELS,
                           min_sample=statistics.MIN_SAMPLE)


@bp.route("/<int:round_id>/cham-lai", methods=["GET", "POST"])
@role_required(ROLE_ORGANISER)
def regrade_page(round_id: int):
    rnd = _round(round_id)
    if rnd.kind != ROUND_OFFICIAL:
        abort(404)
    if request.method == "POST":
        if request.form.get("confirm") != "yes":
            flash(_("Vui lòng đánh dấu xác nhận trước khi chấm lại."), "warning")
            return redirect(url_for(".regrade_page", round_id=rnd.id)), 303
        changed = analysis.apply_regrade(db.session, current_user.id, rnd, clock.now())
        db.session.commit()
        flash(_("Đã chấm lại: %(n)s bài thay đổi điểm. Nếu bảng xếp hạng đã công bố, hãy công "
                "bố lại (phiên bản mới).", n=len(changed)), "success")
        return redirect(url_for("rankings_admin.round_live", round_id=rnd.id))
    plan = analysis.regrade_plan(db.session, rnd)
    return render_template("quiz_admin/regrade.html", rnd=rnd, contest=rnd.contest, plan=plan,
                           changed=[r for r in plan if r.changed],
                           kept=sorted({q for r in plan for q in r.kept}))


KIND_LABELS = {
    fraud.KIND_IDENTICAL: _l("Đáp án giống hệt nhau (kể cả các câu sai), thời gian làm bài gần "
                             "bằng nhau"),
    fraud.KIND_FAST: _l("Đạt điểm tuyệt đối nhanh bất thường"),
    fraud.KIND_CCCD: _l("Một số CCCD khai cho nhiều tài khoản"),
    fraud.KIND_DEVICE: _l("Nhiều tài khoản bắt đầu làm bài trên cùng một trình duyệt trong ít "
                          "phút"),
}


@bp.route("/<int:round_id>/ra-soat-gian-lan", methods=["GET", "POST"])
@role_required(ROLE_ORGANISER)
def fraud_page(round_id: int):
    """Suspicious entries, each with its evidence, for the organiser to dismiss or disqualify
    (with a reason, audited); nothing happens on its own."""
    rnd = _round(round_id)
    status = 200
    if request.method == "POST":
        action, key = request.form.get("action"), request.form.get("key", "")
        reason = request.form.get("reason", "")
        try:
            if action == "dismiss":
                analysis.dismiss_finding(db.session, current_user.id, rnd, key, reason,
                                         clock.now())
                message = _("Đã ghi nhận: không có dấu hiệu gian lận (ghi nhật ký).")
            elif action == "disqualify":
                analysis.disqualify_finding(db.session, current_user.id, rnd, key, reason,
                                            clock.now())
                message = _("Đã loại các bài dự thi liên quan khỏi bảng xếp hạng (ghi nhật ký).")
            else:
                abort(400)
        except ValidationFailed:
            db.session.rollback()
            flash(_("Vui lòng ghi rõ lý do (ít nhất 5 ký tự)."), "danger")
            status = 422
        except NotFound:
            db.session.rollback()
            flash(_("Không còn phát hiện này (có thể đã được xử lý)."), "warning")
            status = 404
        else:
            db.session.commit()
            flash(message, "success")
            return redirect(url_for(".fraud_page", round_id=rnd.id))
    report = analysis.fraud_report(db.session, rnd)
    return render_template("quiz_admin/fraud.html", rnd=rnd, contest=rnd.contest, report=report,
                           kinds=KIND_LABELS), status
