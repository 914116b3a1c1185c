"""Organiser pages of a call's cycle: reopening a call, the decision documents (DOCX, XLSX)
and the quota page listing units and blocks short of their minimum submissions."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import clock
from ..accounts.models import ROLE_ORGANISER
from ..domain import ValidationFailed
from ..extensions import db
from ..i18n import format_dt
from ..security import role_required
from . import lifecycle
from . import services as svc
from .forms import ReopenForm

bp = Blueprint("initiatives_cycle", __name__, url_prefix="/ban-to-chuc/sang-kien")

REOPEN_ERRORS = {
    "past": lambda: _("Hạn nộp mới phải sau thời điểm hiện tại."),
    "before_submission": lambda: _("Hạn chấm phải sau hạn nộp sáng kiến."),
    "required": lambda: _("Vui lòng điền thông tin này."),
}


@bp.route("/dot/<int:call_id>/mo-lai", methods=["GET", "POST"])
@role_required(ROLE_ORGANISER)
def reopen(call_id: int):
    call = svc.get_call(db.session, call_id)
    form = ReopenForm()
    if form.validate_on_submit():
        try:
            lifecycle.reopen_call(db.session, current_user.id, call,
                                  form.submission_deadline.data, form.review_deadline.data,
                                  form.reason.data or "", clock.now())
        except ValidationFailed as err:
            db.session.rollback()
            for name, reason in err.fields.items():
                getattr(form, name).errors = [REOPEN_ERRORS.get(reason, REOPEN_ERRORS[
                    "required"])()]
        else:
            db.session.commit()
            flash(_("Đã mở lại đợt phát động; sáng kiến được nhận đến %(d)s.",
                    d=format_dt(call.submission_deadline)), "success")
            return redirect(url_for("initiatives_admin.call_edit", call_id=call.id))
    status = 422 if request.method == "POST" else 200
    return render_template("initiatives/admin_reopen.html", call=call, form=form,
                           now=clock.now()), status

