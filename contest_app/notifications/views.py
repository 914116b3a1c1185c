"""One-click unsubscribe (RFC 8058) and the per-user notification preferences page."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from ..accounts.models import User
from ..extensions import csrf, db
from . import rules, services

bp = Blueprint("notifications", __name__)

LABELS = {
    rules.REGISTRATION: (_l("Xác nhận đăng ký tài khoản"),
                         _l("Luôn được gửi khi bạn đăng ký (không thể tắt).")),
    rules.ROUND_OPENED: (_l("Vòng thi mới mở"),
                         _l("Khi vòng tiếp theo của cuộc thi bạn đã dự thi bắt đầu.")),
    rules.RESULTS_PUBLISHED: (_l("Công bố kết quả"),
                              _l("Khi bảng xếp hạng của vòng thi bạn đã dự thi được công bố.")),
    rules.WINNER: (_l("Thông báo đoạt giải"),
                   _l("Khi bạn đoạt giải: giải thưởng và những gì cần mang khi nhận giải.")),
    rules.JUDGE_ASSIGNMENT: (_l("Phân công chấm sáng kiến"),
                             _l("Khi bạn được phân công chấm sáng kiến, kèm hạn chấm.")),
}


@bp.route("/thong-bao/huy-dang-ky/<token>", methods=["GET", "POST"])
@csrf.exempt  # the signed token is the authority: mail clients POST without a session (RFC 8058)
def unsubscribe(token: str):
    """GET: a page asking to confirm; POST (the page's button or a mail client's one-click
    `List-Unsubscribe=One-Click`): the kind is turned off, no login needed."""
    parsed = services.read_token(token)
    user = db.session.get(User, parsed[0]) if parsed else None
    if parsed is None or user is None:
        return render_template("notifications/invalid.html"), 404
    kind = parsed[1]
    if request.method == "POST":
        services.set_opt_out(db.session, user.id, kind, True)
        db.session.commit()
        return render_template("notifications/unsubscribed.html", label=LABELS[kind][0],
                               email=user.email)
    return render_template("notifications/unsubscribe.html", label=LABELS[kind][0],
                           email=user.email, token=token)


@bp.route("/tai-khoan/thong-bao", methods=["GET", "POST"])
@login_required
def preferences():
    if request.method == "POST":
        wanted = set(request.form.getlist("kind")) & set(rules.OPTIONAL)
        services.set_preferences(db.session, current_user.id, wanted)
        db.session.commit()
        flash(_("Đã lưu lựa chọn nhận thông báo."), "success")
        return redirect(url_for(".preferences"))
    off = services.opted_out(db.session, current_user.id)
    kinds = [(kind, *LABELS[kind], rules.may_unsubscribe(kind), kind not in off)
             for kind in rules.KINDS]
    return render_template("notifications/preferences.html", kinds=kinds)
