"""Kiosk pages: staff start a kiosk session on a shared tablet; the tablet then shows only the
survey, a thank-you screen that returns to an empty form, and the staff's stop page. While the
device holds an active kiosk cookie every other page of the site sends it back to the survey."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from .. import clock
from ..accounts import services as account_services
from ..accounts.models import ROLE_ORGANISER, ROLE_SURVEYOR
from ..domain import NotFound, ValidationFailed
from ..extensions import db, limiter
from ..security import role_required
from . import kiosk, rules, services
from .forms import ActionForm, KioskStopForm, answers_from_form, split_errors

bp = Blueprint("survey_kiosk", __name__, url_prefix="/kiosk")

# What a device in kiosk mode may still open: the survey, its thank-you screen, the staff's
# stop page, static files and the favicon. Everything else redirects to the survey.
KIOSK_ENDPOINTS = frozenset({
    "survey_kiosk.answer", "survey_kiosk.thanks", "survey_kiosk.stop", "static",
    "main.favicon", "main.health"})
DEFAULT_RESET_SECONDS = 8


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def reset_seconds() -> int:
    return int(current_app.config.get("SURVEY_KIOSK_RESET_SECONDS", DEFAULT_RESET_SECONDS))


def _current_kiosk():
    return kiosk.kiosk_from_cookie(db.session, request.cookies.get(kiosk.COOKIE), clock.now())


def _set_cookie(response: Response, value: str, max_age: int) -> Response:
    response.set_cookie(kiosk.COOKIE, value, max_age=max_age, path="/", httponly=True,
                        samesite="Strict",
                        secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")))
    return response


def _drop_cookie(response: Response) -> Response:
    response.delete_cookie(kiosk.COOKIE, path="/")
    return response


@bp.before_app_request
def _confine_kiosk():
    """A citizen at the kiosk cannot leave the survey for other pages."""
    if kiosk.COOKIE not in request.cookies or request.endpoint in KIOSK_ENDPOINTS:
        return None
    if request.path.startswith("/api/"):
        return None
    if _current_kiosk() is None:
        return None
    return redirect(url_for("survey_kiosk.answer"))


@bp.after_request
def _no_store(response: Response) -> Response:
    """Nothing of a kiosk page is kept for the back button or the next citizen."""
    response.headers["Cache-Control"] = "no-store"
    return response


def _inactive_page():
    return _drop_cookie(make_response(render_template("surveys/kiosk/inactive.html"), 403))


@bp.route("/", methods=["GET", "POST"])
def answer():
    active = _current_kiosk()
    if active is None:
        return _inactive_page()
    survey = services.get_survey(db.session, active.survey_id)
    now = clock.now()
    state = services.status(survey, now)
    if state != rules.STATUS_OPEN:
        return render_template("surveys/kiosk/closed.html", survey=survey, state=state), 409
    sections = services.answer_form(survey)
    errors: dict[int, str] = {}
    status = 200
    if request.method == "POST":
        raw = answers_from_form(sections, request.form)
        try:
            kiosk.submit(db.session, active, raw, now)
        except ValidationFailed as err:
            db.session.rollback()
            errors, general = split_errors(err.fields)
            for message in general:
                flash(message, "danger")
            status = 422
        except rules.KioskTooFast as err:
            db.session.rollback()
            flash(_("Máy này vừa gửi một phiếu. Vui lòng đợi %(n)s giây rồi bấm Gửi lại.",
                    n=err.wait_seconds), "warning")
            response = make_response(render_template(
                "surveys/kiosk/answer.html", survey=survey, sections=sections, errors={},
                values=request.form), 429)
            response.headers["Retry-After"] = str(err.wait_seconds)
            return response
        else:
            db.session.commit()
            return redirect(url_for(".thanks"))
    return render_template("surveys/kiosk/answer.html", survey=survey, sections=sections,
                           errors=errors, values=request.form if errors else None), status


@bp.route("/cam-on")
def thanks():
    active = _current_kiosk()
    if active is None:
        return _inactive_page()
    survey = services.get_survey(db.session, active.survey_id)
    response = make_response(render_template(
        "surveys/kiosk/thanks.html", survey=survey, seconds=reset_seconds()))
    # Back to an empty form by itself, with or without JavaScript.
    response.headers["Refresh"] = f"{reset_seconds()}; url={url_for('.answer')}"
    return response


@bp.route("/dung", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def stop():
    """Staff end kiosk mode on the device with their e-mail and password (and are logged in)."""
    active = _current_kiosk()
    if active is None:
        return _inactive_page()
    form = KioskStopForm()
    status = 200
    if form.validate_on_submit():
        try:
            user = account_services.authenticate(db.session, form.email.data,
                                                 form.password.data)
        except account_services.LoginLocked:
            db.session.commit()
            form.password.errors = [_("Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau ít "
                                      "phút.")]
            return render_template("surveys/kiosk/stop.html", form=form), 429
        db.session.commit()  # the failure counted, or the count reset
        if user is None:
            form.password.errors = [_("Email hoặc mật khẩu không đúng.")]
        elif not rules.may_run_kiosk(user.roles):
            form.password.errors = [_("Chỉ Ban tổ chức hoặc Tổ thư ký mới dừng được chế độ "
                                      "kiosk.")]
        else:
            survey_id = active.survey_id
            kiosk.stop(db.session, user, active, clock.now())
            db.session.commit()
            login_user(user)
            flash(_("Đã dừng chế độ kiosk trên thiết bị này."), "success")
            return _drop_cookie(redirect(url_for(".manage", survey_id=survey_id)))
        status = 422
    elif request.method == "POST":
        status = 422
    return render_template("surveys/kiosk/stop.html", form=form), status


@bp.route("/khao-sat/<int:survey_id>", methods=["GET", "POST"])
@role_required(ROLE_ORGANISER, ROLE_SURVEYOR)
def manage(survey_id: int):
    """The survey's kiosk sessions (answers per session) and "start kiosk on this device"."""
    survey = services.get_survey(db.session, survey_id)
    now = clock.now()
    form = ActionForm()
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                started = kiosk.start(db.session, current_user._get_current_object(), survey,
                                      now)
            except rules.SurveyNotOpen:
                db.session.rollback()
                flash(_("Chỉ chạy được chế độ kiosk khi khảo sát đang mở."), "danger")
                status = 409
            else:
                db.session.commit()
                value = kiosk.cookie_value(started)
                max_age = int((started.expires_at - now).total_seconds())
                # The staff member's session leaves the shared device with kiosk mode.
                logout_user()
                return _set_cookie(redirect(url_for(".answer")), value, max_age)
        else:
            status = 400
    rows = kiosk.sessions_of(db.session, survey.id, now)
    return render_template("surveys/kiosk/manage.html", survey=survey, rows=rows, form=form,
                           state=services.status(survey, now), hours=kiosk.hours(),
                           interval=kiosk.interval()), status


@bp.route("/khao-sat/<int:survey_id>/phien/<int:kiosk_id>/dung", methods=["POST"])
@role_required(ROLE_ORGANISER, ROLE_SURVEYOR)
def stop_remote(survey_id: int, kiosk_id: int):
    """End a kiosk session from the staff's own computer (the tablet leaves kiosk mode)."""
    form = ActionForm()
    found = kiosk.get_kiosk(db.session, survey_id, kiosk_id)
    if found is None:
        raise NotFound()
    if not form.validate_on_submit():
        flash(_("Phiên làm việc đã hết hạn, vui lòng tải lại trang và thử lại."), "danger")
        return redirect(url_for(".manage", survey_id=survey_id))
    if kiosk.stop(db.session, current_user._get_current_object(), found, clock.now()):
        flash(_("Đã dừng phiên kiosk."), "success")
    db.session.commit()
    return redirect(url_for(".manage", survey_id=survey_id))
