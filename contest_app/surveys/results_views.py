"""Results, free-text answers, the XLSX export and staff entry of paper and phone responses:
organisers and surveyors only (participants get 403, the public the login page)."""

from __future__ import annotations

from io import BytesIO
from zoneinfo import ZoneInfo

from flask import current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import clock
from ..accounts.models import ROLE_ORGANISER, ROLE_SURVEYOR
from ..domain import DomainError, ValidationFailed
from ..errors import ERRORS
from ..extensions import db
from ..inputs import arg_int
from ..security import role_required
from . import results, services
from .admin_views import bp
from .forms import (
    CHANNEL_LABELS,
    KIND_LABELS,
    EntryForm,
    PopulationForm,
    answers_from_form,
    split_errors,
)
from .models import TEXT_KINDS

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TEXT_PAGE = 50


@bp.route("/<int:survey_id>/ket-qua")
@role_required(ROLE_ORGANISER, ROLE_SURVEYOR)
def results_page(survey_id: int):
    survey = services.get_survey(db.session, survey_id)
    form = PopulationForm(request.args)
    population = survey.population
    if request.args.get("n"):
        population = form.n.data if form.validate() else None
    res = results.compute(db.session, survey, population)
    return render_template(
        "surveys/admin/results.html", survey=survey, res=res, form=form,
        state=services.status(survey, clock.now()), kind_labels=KIND_LABELS,
        source_label=results.source_label,
        can_design=current_user.has_role(ROLE_ORGANISER)), 200 if not form.errors else 422


@bp.route("/<int:survey_id>/ket-qua.xlsx")
@role_required(ROLE_ORGANISER, ROLE_SURVEYOR)
def export(survey_id: int):
    survey = services.get_survey(db.session, survey_id)
    buffer = BytesIO()
    results.export_xlsx(db.session, survey, buffer,
                        ZoneInfo(current_app.config["CONTEST_TIMEZONE"]))
    buffer.seek(0)
    return send_file(buffer, mimetype=XLSX, as_attachment=True,
                     download_name=f"ket-qua-khao-sat-{survey.id}.xlsx")


@bp.route("/<int:survey_id>/y-kien")
@role_required(ROLE_ORGANISER, ROLE_SURVEYOR)
def free_text(survey_id: int):
    survey = services.get_survey(db.session, survey_id)
    query = (request.args.get("q") or "").strip()[:200]
    question_id = arg_int("cau-hoi")
    rows = results.free_text(db.session, survey, query, question_id)
    page = max(1, arg_int("trang", 1))
    pages = max(1, -(-len(rows) // TEXT_PAGE))
    page = min(page, pages)
    questions = [q for q in services.questions_of(survey) if q.kind in TEXT_KINDS]
    return render_template(
        "surveys/admin/free_text.html", survey=survey, rows=rows[(page - 1) * TEXT_PAGE:
                                                                page * TEXT_PAGE],
        total=len(rows), query=query, question_id=question_id, questions=questions,
        page=page, pages=pages)


@bp.route("/<int:survey_id>/nhap-phieu", methods=["GET", "POST"])
@role_required(ROLE_ORGANISER, ROLE_SURVEYOR)
def entry(survey_id: int):
    """Staff type in a paper or phone response: every question on one page, keyboard first.
    Required questions may stay blank (a respondent may skip them on paper)."""
    survey = services.get_survey(db.session, survey_id)
    sections = services.answer_form(survey)
    form = EntryForm(channel=request.args.get("kenh", "paper"))
    errors: dict[int, str] = {}
    status = 200
    if form.validate_on_submit():
        raw = answers_from_form(sections, request.form)
        try:
            response = services.submit_response(
                db.session, survey.id, raw, clock.now(), form.channel.data,
                entered_by_id=current_user.id, enforce_required=False)
        except ValidationFailed as err:
            db.session.rollback()
            errors, general = split_errors(err.fields)
            for message in general:
                flash(message, "danger")
            status = 422
        except DomainError as err:
            db.session.rollback()
            flash(str(ERRORS[err.code][1]), "danger")
            status = 409
        else:
            db.session.commit()
            flash(_("Đã lưu phiếu số %(n)s (%(channel)s).", n=response.id,
                    channel=CHANNEL_LABELS[form.channel.data]), "success")
            return redirect(url_for(".entry", survey_id=survey.id, kenh=form.channel.data))
    elif request.method == "POST":
        status = 422
    return render_template(
        "surveys/admin/entry.html", survey=survey, sections=sections, form=form, errors=errors,
        values=request.form if status != 200 else None,
        mine=services.entries_by(db.session, survey.id, current_user.id)), status
