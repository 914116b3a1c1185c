"""Organiser pages for designing surveys: the list, a new survey from the template, settings and
profile questions, sections and questions. Results and staff entry are in results_views.py."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import clock
from ..accounts.models import ROLE_ORGANISER, ROLE_SURVEYOR
from ..domain import DomainError, ValidationFailed
from ..errors import ERRORS
from ..extensions import db
from ..security import role_required
from . import design, services
from .forms import (
    KIND_LABELS,
    PROFILE_LABELS,
    ActionForm,
    CreateSurveyForm,
    QuestionForm,
    SectionForm,
    SettingsForm,
)
from .models import SCALE, Survey, SurveyQuestion

bp = Blueprint("surveys_admin", __name__, url_prefix="/ban-to-chuc/khao-sat")


def _message(err: DomainError) -> str:
    return str(ERRORS.get(err.code, ERRORS["validation_failed"])[1])


@bp.route("/")
@role_required(ROLE_ORGANISER, ROLE_SURVEYOR)
def surveys():
    return _list_page(CreateSurveyForm(), 200)


def _list_page(form: CreateSurveyForm, status: int):
    now = clock.now()
    rows = services.all_surveys(db.session)
    return render_template(
        "surveys/admin/list.html", surveys=rows, form=form,
        counts=services.response_counts(db.session),
        statuses={s.id: services.status(s, now) for s in rows},
        can_design=current_user.has_role(ROLE_ORGANISER)), status


@bp.route("/tao-moi", methods=["POST"])
@role_required(ROLE_ORGANISER)
def create():
    form = CreateSurveyForm()
    if not form.validate_on_submit():
        return _list_page(form, 422)
    survey = design.create_from_template(db.session, current_user.id, form.title.data,
                                         clock.now())
    db.session.commit()
    flash(_("Đã tạo khảo sát từ mẫu có sẵn (bản nháp). Hãy xem lại câu hỏi và thời gian rồi "
            "mở khảo sát."), "success")
    return redirect(url_for(".edit", survey_id=survey.id))


def _settings_form(survey: Survey) -> SettingsForm:
    form = SettingsForm(obj=survey)
    if request.method == "GET":
        for i, label in enumerate(survey.scale_labels, start=1):
            getattr(form, f"label_{i}").data = label
        form.profile.data = design.profile_keys(survey)
    return form


def _design_page(survey: Survey, form: SettingsForm, section_form: SectionForm, status: int):
    return render_template(
        "surveys/admin/design.html", survey=survey, form=form, section_form=section_form,
        action_form=ActionForm(), answered=services.has_responses(db.session, survey.id),
        state=services.status(survey, clock.now()), kind_labels=KIND_LABELS,
        profile_labels=PROFILE_LABELS,
        count=services.response_counts(db.session).get(survey.id, 0)), status


@bp.route("/<int:survey_id>", methods=["GET", "POST"])
@role_required(ROLE_ORGANISER)
def edit(survey_id: int):
    survey = services.get_survey(db.session, survey_id)
    form = _settings_form(survey)
    status = 200
    if form.validate_on_submit():
        data = design.Settings(
            title=form.title.data, introduction=form.introduction.data,
            thank_you=form.thank_you.data, opens_at=form.opens_at.data,
            closes_at=form.closes_at.data, scale_labels=form.labels(),
            one_per_browser=form.one_per_browser.data, population=form.population.data,
            profile_keys=list(form.profile.data or []))
        try:
            design.update_settings(db.session, current_user.id, survey, data)
        except ValidationFailed as err:
            db.session.rollback()
            form.closes_at.errors = [str(v) for v in err.fields.values()]
            status = 422
        else:
            db.session.commit()
            flash(_("Đã lưu cài đặt khảo sát."), "success")
            return redirect(url_for(".edit", survey_id=survey.id))
    elif request.method == "POST":
        status = 422
    return _design_page(survey, form, SectionForm(prefix="section"), status)


@bp.route("/<int:survey_id>/cong-bo", methods=["POST"])
@role_required(ROLE_ORGANISER)
def publish(survey_id: int):
    survey = services.get_survey(db.session, survey_id)
    form = ActionForm()
    action = request.form.get("action")
    if not form.validate_on_submit() or action not in ("publish", "unpublish"):
        flash(_("Thao tác không hợp lệ."), "danger")
        return _design_page(survey, _settings_form(survey), SectionForm(prefix="section"), 422)
    if services.set_published(current_user.id, survey, action == "publish"):
        db.session.commit()
        if survey.published:
            flash(_("Đã mở khảo sát: người dân xem và trả lời được trong thời gian mở."), "success")
        else:
            flash(_("Đã chuyển khảo sát về bản nháp: người dân không còn thấy."), "success")
    return redirect(url_for(".edit", survey_id=survey.id))


@bp.route("/<int:survey_id>/phan-moi", methods=["POST"])
@role_required(ROLE_ORGANISER)
def add_section(survey_id: int):
    survey = services.get_survey(db.session, survey_id)
    section_form = SectionForm(prefix="section")
    if not section_form.validate_on_submit():
        return _design_page(survey, _settings_form(survey), section_form, 422)
    design.add_section(db.session, current_user.id, survey, section_form.title.data,
                       section_form.description.data)
    db.session.commit()
    flash(_("Đã thêm phần mới."), "success")
    return redirect(url_for(".edit", survey_id=survey.id))


@bp.route("/<int:survey_id>/phan/<int:section_id>", methods=["GET", "POST"])
@role_required(ROLE_ORGANISER)
def section(survey_id: int, section_id: int):
    survey = services.get_survey(db.session, survey_id)
    sec = services.get_section(survey, section_id)
    form = SectionForm(obj=sec)
    status = 200
    if form.validate_on_submit():
        design.update_section(db.session, current_user.id, sec, form.title.data,
                              form.description.data)
        db.session.commit()
        flash(_("Đã lưu phần."), "success")
        return redirect(url_for(".edit", survey_id=survey.id))
    if request.method == "POST":
        status = 422
    return render_template("surveys/admin/section.html", survey=survey, section=sec,
                           form=form), status


@bp.route("/<int:survey_id>/phan/<int:section_id>/thao-tac", methods=["POST"])
@role_required(ROLE_ORGANISER)
def section_action(survey_id: int, section_id: int):
    survey = services.get_survey(db.session, survey_id)
    sec = services.get_section(survey, section_id)
    if not ActionForm().validate_on_submit():
        return redirect(url_for(".edit", survey_id=survey.id))
    action = request.form.get("action")
    try:
        if action in ("up", "down"):
            design.move_section(db.session, sec, -1 if action == "up" else 1)
        elif action == "delete":
            design.delete_section(db.session, current_user.id, sec)
            flash(_("Đã xoá phần."), "success")
    except DomainError as err:
        db.session.rollback()
        flash(_message(err), "danger")
        return redirect(url_for(".edit", survey_id=survey.id, _anchor=f"s{sec.id}"), 303)
    db.session.commit()
    return redirect(url_for(".edit", survey_id=survey.id, _anchor=f"s{sec.id}"))


def _question_data(form: QuestionForm, question: SurveyQuestion | None) -> design.QuestionData:
    option_texts, remove = {}, set()
    for option in question.options if question else []:
        option_texts[option.id] = request.form.get(f"option-{option.id}", "")[:500]
        if request.form.get(f"remove-{option.id}"):
            remove.add(option.id)
    return design.QuestionData(
        text=form.text.data, kind=form.kind.data, required=form.required.data,
        option_texts=option_texts, remove_option_ids=remove, new_options=form.new_option_lines())


@bp.route("/<int:survey_id>/phan/<int:section_id>/cau-hoi-moi", methods=["GET", "POST"])
@bp.route("/<int:survey_id>/cau-hoi/<int:question_id>", methods=["GET", "POST"])
@role_required(ROLE_ORGANISER)
def question(survey_id: int, section_id: int | None = None, question_id: int | None = None):
    survey = services.get_survey(db.session, survey_id)
    q = services.get_question(survey, question_id) if question_id is not None else None
    sec = q.section if q is not None else services.get_section(survey, section_id)
    form = QuestionForm(obj=q)
    status = 200
    if form.validate_on_submit():
        try:
            saved = design.save_question(db.session, current_user.id, survey, sec, q,
                                         _question_data(form, q))
        except DomainError as err:
            db.session.rollback()
            target = {"kind": form.kind, "text": form.text}
            field = next(iter(err.fields), "")
            (target.get(field) or form.new_options).errors = [
                str(err.fields[field]) if err.code == "validation_failed" else _message(err)]
            status = 409 if err.code == "survey_question_locked" else 422
        else:
            db.session.commit()
            flash(_("Đã lưu câu hỏi."), "success")
            return redirect(url_for(".edit", survey_id=survey.id, _anchor=f"q{saved.id}"))
    elif request.method == "POST":
        status = 422
    return render_template(
        "surveys/admin/question.html", survey=survey, section=sec, question=q, form=form,
        answered=services.has_responses(db.session, survey.id), scale=SCALE), status


@bp.route("/<int:survey_id>/cau-hoi/<int:question_id>/thao-tac", methods=["POST"])
@role_required(ROLE_ORGANISER)
def question_action(survey_id: int, question_id: int):
    survey = services.get_survey(db.session, survey_id)
    q = services.get_question(survey, question_id)
    back = url_for(".edit", survey_id=survey.id, _anchor=f"q{q.id}")
    if not ActionForm().validate_on_submit():
        return redirect(back)
    action = request.form.get("action")
    try:
        if action in ("up", "down"):
            design.move_question(db.session, q, -1 if action == "up" else 1)
        elif action in ("retire", "restore"):
            design.set_retired(db.session, current_user.id, q, action == "retire")
            flash(_("Câu hỏi đã ngừng sử dụng.") if action == "retire"
                  else _("Câu hỏi được dùng lại."), "success")
        elif action == "delete":
            design.delete_question(db.session, current_user.id, q)
            flash(_("Đã xoá câu hỏi."), "success")
            back = url_for(".edit", survey_id=survey.id)
        elif action == "sync_units":
            design.sync_unit_options(db.session, q)
            flash(_("Đã cập nhật danh sách đơn vị."), "success")
    except DomainError as err:
        db.session.rollback()
        flash(_message(err), "danger")
        return redirect(back, 303)
    db.session.commit()
    return redirect(back)


from . import results_views  # noqa: E402,F401  (results and staff entry routes on this bp)
