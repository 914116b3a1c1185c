"""Certificate pages: the public verification page, the participant's download, and the
organiser's design, preview, bulk issue and revocation."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from .. import clock
from ..accounts.models import ROLE_ORGANISER
from ..domain import NotFound, ValidationFailed
from ..extensions import db
from ..organiser.models import record
from ..participation.services import contest_tz
from ..quiz.models import Contest, Round
from ..quiz.views import _absolute
from ..security import role_required
from . import rules, services
from .forms import RevokeForm, TemplateForm
from .models import (
    KIND_CONTEST_PRIZE,
    KIND_PARTICIPATION,
    KIND_PRIZE,
    Certificate,
    CertificateTemplate,
)

bp = Blueprint("certificates", __name__)

KIND_SLUGS = {"tham-gia": KIND_PARTICIPATION, "dat-giai": KIND_PRIZE}
SLUG_OF = {v: k for k, v in KIND_SLUGS.items()}


def verify_url(code: str) -> str:
    return _absolute("certificates.verify", code=code)


def pdf_response(data: bytes, filename: str) -> Response:
    response = Response(data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


def certificate_pdf(cert: Certificate) -> Response:
    data = services.pdf_of(db.session, cert, verify_url(cert.code), contest_tz())
    return pdf_response(data, f"giay-chung-nhan-{cert.code}.pdf")


@bp.app_template_global("certificate_kind_label")
def kind_label(kind: str) -> str:
    if kind == KIND_CONTEST_PRIZE:
        return _("Giấy chứng nhận đạt giải toàn cuộc thi")
    return _("Giấy chứng nhận đạt giải") if kind == KIND_PRIZE else _(
        "Giấy chứng nhận tham gia")


# --- Public -------------------------------------------------------------------------------

@bp.route("/xac-minh", methods=["GET"])
def verify_form():
    raw = (request.args.get("ma") or "").strip()
    error = None
    if raw:
        code = rules.normalise_code(raw)
        if code:
            return redirect(url_for(".verify", code=code))
        error = _("Mã xác minh gồm 10 ký tự (chữ và số), ví dụ ABCDE-FGHJK.")
    return render_template("certificates/verify_form.html", raw=raw, error=error), (
        422 if error else 200)


@bp.route("/xac-minh/<code>")
def verify(code: str):
    """Anyone holding the paper can check it here, without an account."""
    try:
        cert = services.by_code(db.session, code)
    except NotFound:
        return render_template("certificates/verify_missing.html", code=code[:40]), 404
    return render_template("certificates/verify.html", cert=cert,
                           code=rules.display_code(cert.code))


# --- Participant --------------------------------------------------------------------------

@bp.route("/bai-thi/<int:attempt_id>/giay-chung-nhan.pdf")
@login_required
def download(attempt_id: int):
    slug = request.args.get("loai")
    kind = KIND_SLUGS.get(slug) if slug else None
    if slug and kind is None:
        abort(404)
    try:
        cert = services.for_attempt(db.session, attempt_id, current_user.id, kind, clock.now())
    except services.CertificateUnavailable as err:
        db.session.rollback()
        flash(err.message, "warning")
        return redirect(url_for("quiz.my_results"))
    db.session.commit()
    return certificate_pdf(cert)


@bp.route("/cuoc-thi/<int:contest_id>/giay-chung-nhan.pdf")
@login_required
def contest_download(contest_id: int):
    """The owner's contest-wide prize certificate."""
    try:
        cert = services.for_contest(db.session, contest_id, current_user.id, clock.now())
    except NotFound:
        abort(404)
    except services.CertificateUnavailable as err:
        db.session.rollback()
        flash(err.message, "warning")
        return redirect(url_for("quiz.my_results"))
    db.session.commit()
    return certificate_pdf(cert)


# --- Organiser ----------------------------------------------------------------------------

def _contest(contest_id: int) -> Contest:
    return db.session.get(Contest, contest_id) or abort(404)


@bp.route("/ban-to-chuc/cuoc-thi/<int:contest_id>/giay-chung-nhan", methods=["GET", "POST"])
@role_required(ROLE_ORGANISER)
def design(contest_id: int):
    contest = _contest(contest_id)
    template = services.template_of(db.session, contest.id)
    form = TemplateForm(obj=template)
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            data = services.TemplateData(**{name: getattr(form, name).data or "" for name in
                                            services.TemplateData.__dataclass_fields__})
            try:
                services.save_template(
                    db.session, current_user.id, contest, data,
                    logo=_upload(form.logo.data), signature=_upload(form.signature.data),
                    remove_logo=form.remove_logo.data,
                    remove_signature=form.remove_signature.data)
            except ValidationFailed as err:
                db.session.rollback()
                for name, message in err.fields.items():
                    getattr(form, name).errors = [str(message)]
                status = 422
            else:
                db.session.commit()
                flash(_("Đã lưu mẫu giấy chứng nhận."), "success")
                return redirect(url_for(".design", contest_id=contest.id))
        else:
            status = 422
    return _design_page(contest, form, template, status)


def _design_page(contest: Contest, form: TemplateForm, template: CertificateTemplate | None,
                 status: int, revoke_form: RevokeForm | None = None,
                 revoke_id: int | None = None):
    q = (request.args.get("q") or "").strip()
    certs = services.issued(db.session, contest.id, q)
    rounds = [r for r in contest.rounds if not r.is_practice]
    return render_template(
        "certificates/design.html", contest=contest, form=form, template=template,
        certs=certs, q=q, rounds=rounds, placeholders=rules.PLACEHOLDERS,
        defaults={"heading": services.DEFAULT_HEADING,
                  "participation": services.DEFAULT_PARTICIPATION_TEXT,
                  "prize": services.DEFAULT_PRIZE_TEXT},
        revoke_form=revoke_form or RevokeForm(formdata=None), revoke_id=revoke_id,
        display_code=rules.display_code), status


def _upload(storage) -> bytes | None:  # noqa: ANN001  (werkzeug FileStorage or None)
    if storage is None or not getattr(storage, "filename", ""):
        return None
    return storage.read(services.IMAGE_MAX_BYTES + 1)


@bp.route("/ban-to-chuc/cuoc-thi/<int:contest_id>/giay-chung-nhan/xem-thu.pdf")
@role_required(ROLE_ORGANISER)
def preview(contest_id: int):
    """The design on a sample certificate (nothing is issued or stored)."""
    contest = _contest(contest_id)
    kind = KIND_SLUGS.get(request.args.get("loai") or "tham-gia") or abort(404)
    rnd = next((r for r in contest.rounds if not r.is_practice), None)
    sample = Certificate(code="ABCDEFGHJK", contest_id=contest.id, kind=kind,
                         full_name="Nguyễn Văn A", unit_name=_("Đơn vị mẫu"),
                         result=_("Giải Nhất") if kind == KIND_PRIZE else _(
                             "%(score)s/%(max)s điểm", score=18, max=20),
                         issued_at=clock.now())
    sample.contest = contest
    sample.round = rnd or Round(title=_("Vòng thi"))
    template: CertificateTemplate | None = services.template_of(db.session, contest.id)
    from flask import current_app

    from .pdf import render

    content = services.content_for(sample, template, verify_url(sample.code), contest_tz(),
                                   current_app.config["ORGANISER_NAME"])
    return pdf_response(render(content), f"mau-giay-chung-nhan-{SLUG_OF[kind]}.pdf")


@bp.route("/ban-to-chuc/vong-thi/<int:round_id>/giay-chung-nhan", methods=["POST"])
@role_required(ROLE_ORGANISER)
def generate(round_id: int):
    rnd = db.session.get(Round, round_id) or abort(404)
    base = _absolute("main.index").rstrip("/")
    from .. import jobs

    if jobs.queue_enabled():  # a whole round's PDFs: a worker makes them
        job = jobs.submit("certificates_round", {"round_id": rnd.id, "base_url": base,
                                                 "actor_id": current_user.id},
                          created_by=current_user.id, dedupe_key=f"certificates:{rnd.id}")
        return redirect(url_for("jobs.show", job_id=job.id))
    report = services.generate_round_certificates(rnd.id, base)
    record(current_user.id, "certificate.generate", rnd, None,
           {"issued": report.issued, "created": report.created})
    db.session.commit()
    flash(_("Đã cấp %(n)s giấy chứng nhận cho %(round)s (%(new)s giấy mới).",
            n=report.issued, round=rnd.title, new=report.created), "success")
    return redirect(url_for(".design", contest_id=rnd.contest_id))


@bp.route("/ban-to-chuc/giay-chung-nhan/<int:certificate_id>/thu-hoi", methods=["POST"])
@role_required(ROLE_ORGANISER)
def revoke(certificate_id: int):
    cert = db.session.get(Certificate, certificate_id) or abort(404)
    form = RevokeForm()
    try:
        services.revoke(db.session, current_user.id, cert, form.reason.data or "", clock.now())
    except ValidationFailed as err:
        db.session.rollback()
        form.reason.errors = [str(message) for message in err.fields.values()]
        contest = _contest(cert.contest_id)
        template = services.template_of(db.session, contest.id)
        return _design_page(contest, TemplateForm(obj=template, formdata=None), template, 422,
                            form, cert.id)
    db.session.commit()
    flash(_("Đã thu hồi giấy chứng nhận %(code)s.", code=rules.display_code(cert.code)),
          "success")
    return redirect(url_for(".design", contest_id=cert.contest_id))
