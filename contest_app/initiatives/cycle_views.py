"""Organiser pages of a call's cycle: reopening a call, the decision documents (DOCX, XLSX)
and the quota page listing units and blocks short of their minimum submissions."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from .. import clock
from ..accounts.models import ROLE_ORGANISER
from ..domain import ValidationFailed
from ..extensions import db
from ..i18n import format_dt
from ..organiser.models import record
from ..rankings import annex
from ..security import role_required
from . import documents, finals, lifecycle
from . import services as svc
from .export import XLSX
from .forms import QuotaForm, ReopenForm

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

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



# --- The decision list ----------------------------------------------------------------------


def _heading(call) -> annex.Heading:
    tz = ZoneInfo(current_app.config["CONTEST_TIMEZONE"])
    if call.published:
        when = _("công bố lúc %(when)s",
                 when=call.results_published_at.astimezone(tz).strftime("%d/%m/%Y %H:%M"))
    else:
        when = _("các quyết định ghi nhận đến %(when)s (chưa công bố)",
                 when=clock.now().astimezone(tz).strftime("%d/%m/%Y %H:%M"))
    return annex.Heading(current_app.config["ORGANISER_NAME"], call.title,
                         _("Hội thi sáng kiến, giải pháp cải cách hành chính"), when)


@bp.route("/dot/<int:call_id>/danh-sach-quyet-dinh.<string:fmt>")
@role_required(ROLE_ORGANISER)
def decision_list(call_id: int, fmt: str):
    """The list attached to the official decision: award level per submission, each author and
    co-author on their own row with their unit."""
    if fmt not in ("docx", "xlsx"):
        raise svc.NotFound()
    call = svc.get_call(db.session, call_id)
    rows = documents.decision_rows(db.session, call)
    heading = _heading(call)
    title = documents.score_header(call, finals.final_of(db.session, call) is not None)
    data = (documents.decision_docx(heading, rows, title) if fmt == "docx"
            else documents.decision_xlsx(heading, rows, title))
    record(current_user.id, "initiative_call.decision_list", call,
           after={"format": fmt, "submissions": len(rows), "published": call.published})
    db.session.commit()
    stem = annex.file_stem("danh-sach-cong-nhan-sang-kien", call.title)
    return Response(data, mimetype=DOCX if fmt == "docx" else XLSX, headers={
        "Content-Disposition": f"attachment; filename={stem}.{fmt}"})


# --- Quotas ---------------------------------------------------------------------------------


@bp.route("/dot/<int:call_id>/chi-tieu", methods=["GET", "POST"])
@role_required(ROLE_ORGANISER)
def quotas(call_id: int):
    """The call's quotas (minimum submissions per unit and per block) and who is short."""
    call = svc.get_call(db.session, call_id)
    form = QuotaForm(obj=call)
    if form.validate_on_submit():
        lifecycle.save_quotas(db.session, current_user.id, call, form.min_per_unit.data,
                              form.min_per_block.data)
        db.session.commit()
        flash(_("Đã lưu chỉ tiêu số sáng kiến."), "success")
        return redirect(url_for(".quotas", call_id=call.id))
    status = 422 if request.method == "POST" else 200
    return render_template("initiatives/admin_quotas.html", call=call, form=form,
                           report=lifecycle.quota_report(db.session, call)), status
