"""Public survey pages: open surveys, the answer page (one section per screen with JavaScript,
one plain form without), the thank-you page and the QR code. No account is needed."""

from __future__ import annotations

import io
import secrets

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
from flask_login import current_user

from .. import clock
from ..accounts.models import ROLE_ORGANISER, ROLE_SURVEYOR
from ..domain import ValidationFailed
from ..errors import ERRORS
from ..extensions import db, limiter
from . import rules, services
from .forms import answers_from_form, split_errors
from .models import SOURCE_WEB

bp = Blueprint("surveys", __name__, url_prefix="/khao-sat")

TOKEN_COOKIE = "survey_browser"
TOKEN_MAX_AGE = 2 * 365 * 24 * 3600
DEFAULT_RATE_LIMIT = "30 per hour"


def submit_limit() -> str:
    return current_app.config.get("SURVEY_RATE_LIMIT", DEFAULT_RATE_LIMIT)


def _with_token(response: Response, token: str, new: bool) -> Response:
    """The per-browser token lives in a long-lived cookie; only its hash is ever stored."""
    if new:
        response.set_cookie(
            TOKEN_COOKIE, token, max_age=TOKEN_MAX_AGE, path=bp.url_prefix, httponly=True,
            samesite="Lax", secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")))
    return response


def _browser_token() -> tuple[str, bool]:
    token = request.cookies.get(TOKEN_COOKIE, "")
    if 16 <= len(token) <= 100:
        return token, False
    return secrets.token_urlsafe(24), True


def is_staff() -> bool:
    """Organisers and survey staff may preview a draft survey's public pages."""
    return bool(current_user.is_authenticated and (
        current_user.has_role(ROLE_ORGANISER) or current_user.has_role(ROLE_SURVEYOR)))


@bp.route("/")
def index():
    surveys = services.open_surveys(db.session, clock.now())
    return render_template("surveys/index.html", surveys=surveys)


@bp.route("/<int:survey_id>", methods=["GET", "POST"])
@limiter.limit(submit_limit, methods=["POST"])
def answer(survey_id: int):
    survey = services.get_public_survey(db.session, survey_id, staff=is_staff())
    now = clock.now()
    token, new_token = _browser_token()
    state = services.status(survey, now)
    if state != rules.STATUS_OPEN:
        return render_template("surveys/closed.html", survey=survey, state=state), 409
    if request.method == "GET" and services.token_used(db.session, survey, token):
        return render_template("surveys/closed.html", survey=survey, state="answered",
                               message=ERRORS["survey_already_answered"][1])
    sections = services.answer_form(survey)
    errors: dict[int, str] = {}
    status = 200
    if request.method == "POST":
        raw = answers_from_form(sections, request.form)
        try:
            services.submit_response(db.session, survey.id, raw, now, SOURCE_WEB, token=token)
        except ValidationFailed as err:
            db.session.rollback()
            errors, general = split_errors(err.fields)
            for message in general:
                flash(message, "danger")
            status = 422
        except rules.AlreadyAnswered:
            db.session.rollback()
            return _with_token(make_response(render_template(
                "surveys/closed.html", survey=survey, state="answered",
                message=ERRORS["survey_already_answered"][1]), 409), token, new_token)
        else:
            db.session.commit()
            return _with_token(redirect(url_for(".thanks", survey_id=survey.id)), token,
                               new_token)
    page = render_template("surveys/answer.html", survey=survey, sections=sections,
                           errors=errors, values=request.form if errors else None)
    return _with_token(make_response(page, status), token, new_token)


@bp.route("/<int:survey_id>/cam-on")
def thanks(survey_id: int):
    survey = services.get_public_survey(db.session, survey_id, staff=is_staff())
    return render_template("surveys/thanks.html", survey=survey)


@bp.route("/<int:survey_id>/qr.svg")
def qr_code(survey_id: int):
    """The public link as a QR code (SVG made here, no outside service)."""
    import segno

    survey = services.get_public_survey(db.session, survey_id, staff=is_staff())
    link = url_for(".answer", survey_id=survey.id, _external=True)
    buffer = io.BytesIO()
    segno.make(link, error="m").save(buffer, kind="svg", scale=8, border=2,
                                     title=survey.title, xmldecl=True, svgclass=None,
                                     lineclass=None)
    response = Response(buffer.getvalue(), mimetype="image/svg+xml")
    if request.args.get("tai-ve"):
        response.headers["Content-Disposition"] = (
            f'attachment; filename="khao-sat-{survey.id}-qr.svg"')
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response
