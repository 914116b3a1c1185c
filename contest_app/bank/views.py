"""Organiser pages of the question bank: list and search, question and its versions, edit,
approve, retire, topics, Excel export and the legal-check report."""

from __future__ import annotations

from io import BytesIO
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, send_file, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from ..accounts.models import ROLE_ORGANISER
from ..domain import ValidationFailed
from ..extensions import db
from ..inputs import arg_int
from ..security import role_required
from . import services
from .forms import (
    ANY,
    CONFIDENCE_LABELS,
    DIFFICULTY_LABELS,
    POOL_LABELS,
    STATUS_LABELS,
    ApproveForm,
    FilterForm,
    QuestionForm,
    RetireForm,
    TopicForm,
)
from .rules import LETTERS, STATUSES, Problem

bp = Blueprint("bank", __name__, url_prefix="/ban-to-chuc/ngan-hang-cau-hoi")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Which edit-form field a problem belongs to (the others are listed above the form).
FIELD_OF = {
    "empty_text": "text", "negative_lowercase": "text", "near_duplicate": "text",
    "option_count": "option_a", "empty_option": "option_a", "duplicate_option": "option_a",
    "all_of_the_above": "option_a", "no_answer": "answer", "answer_format": "answer",
    "answer_out_of_range": "answer", "several_answers_single": "answer",
    "missing_explanation": "explanation", "missing_legal_basis": "legal_basis",
    "too_long": "legal_basis", "unknown_fact": "facts", "unusable_fact": "facts",
    "fact_without_quote": "facts", "practice_shares_fact": "facts",
    "replaced_fact_present_tense": "text",
    "unknown_topic": "topic", "unknown_difficulty": "difficulty",
    "unknown_confidence": "confidence", "unknown_pool": "pool", "bad_group": "group",
}
LABELS = {"difficulty_labels": DIFFICULTY_LABELS, "status_labels": STATUS_LABELS,
          "confidence_labels": CONFIDENCE_LABELS, "pool_labels": POOL_LABELS,
          "letters": LETTERS}


def problem_text(problem: Problem) -> str:
    return _(problem.template, **problem.params)


def _render(template: str, **context: Any) -> str:
    return render_template(template, **LABELS, **context)


@bp.route("/")
@role_required(ROLE_ORGANISER)
def index() -> ResponseReturnValue:
    form = FilterForm(formdata=request.args)
    form.topic.choices = ANY + [(t.key, t.name) for t in services.list_topics(db.session)]
    filters = {k: (getattr(form, k).data or "").strip()
               for k in ("q", "topic", "difficulty", "status", "pool")}
    page = max(arg_int("page", 1), 1)
    rows = db.paginate(services.search_questions(**filters), page=page, per_page=50,
                       error_out=False)
    return _render("bank/index.html", form=form, rows=rows, filters=filters,
                   counts=services.bank_counts(db.session))


@bp.route("/<key>")
@role_required(ROLE_ORGANISER)
def question(key: str) -> ResponseReturnValue:
    item = services.get_question(db.session, key)
    return _render("bank/question.html", question=item,
                   current=services.current_version(item),
                   authors=services.version_authors(db.session, item),
                   approve_form=ApproveForm(prefix="approve", version=item.current_version),
                   retire_form=RetireForm(prefix="retire"))


@bp.route("/<key>/sua", methods=["GET", "POST"])
@role_required(ROLE_ORGANISER)
def edit(key: str) -> ResponseReturnValue:
    item = services.get_question(db.session, key)
    # A post without the pool or group field keeps the question's (older clients, scripts).
    form = QuestionForm(data={"pool": item.pool, "group": item.draw_group})
    form.topic.choices = [(t.key, t.name) for t in services.list_topics(db.session)]
    if request.method == "GET":
        form.fill(services.record_of(item))
    problems: list[str] = []
    status = 200
    if form.validate_on_submit():
        before = (item.topic_id, item.difficulty, item.pool, item.draw_group)
        try:
            created, warnings = services.edit_question(db.session, item, form.to_record(),
                                                       current_user.id)
            changed = before != (item.topic_id, item.difficulty, item.pool, item.draw_group)
        except services.BankCheckFailed as err:
            db.session.rollback()
            status = 422
            for problem in (p for p in err.problems if p.is_error):
                text = problem_text(problem)
                target = FIELD_OF.get(problem.code)
                if target:
                    getattr(form, target).errors = [*getattr(form, target).errors, text]
                problems.append(text)
        else:
            db.session.commit()
            if created:
                flash(_("Đã lưu phiên bản %(n)s của câu hỏi %(key)s; phiên bản này chưa được "
                        "duyệt.", n=item.current_version, key=key), "success")
            elif changed:
                flash(_("Đã lưu thông tin câu hỏi %(key)s; nội dung không đổi nên không tạo "
                        "phiên bản mới.", key=key), "success")
            else:
                flash(_("Nội dung không thay đổi nên không tạo phiên bản mới."), "info")
            for warning in warnings:
                flash(problem_text(warning), "warning")
            return redirect(url_for(".question", key=key))
    elif request.method == "POST":
        status = 422
    return _render("bank/edit.html", form=form, question=item, problems=problems), status


@bp.route("/<key>/duyet", methods=["POST"])
@role_required(ROLE_ORGANISER)
def approve(key: str) -> ResponseReturnValue:
    item = services.get_question(db.session, key)
    form = ApproveForm(prefix="approve")
    if not form.validate_on_submit():
        flash(_("Vui lòng đánh dấu xác nhận đã kiểm tra pháp lý trước khi duyệt."), "danger")
        return redirect(url_for(".question", key=key))
    try:
        version = services.approve_version(db.session, item, form.version.data,
                                           current_user.id)
    except services.BankCheckFailed as err:
        db.session.rollback()
        flash(_("Chưa thể duyệt vì câu hỏi còn lỗi: %(errors)s",
                errors="; ".join(problem_text(p) for p in err.problems if p.is_error)), "danger")
    except ValidationFailed as err:
        db.session.rollback()
        flash("; ".join(str(m) for m in err.fields.values()), "danger")
    else:
        db.session.commit()
        flash(_("Đã duyệt phiên bản %(n)s của câu hỏi %(key)s.", n=version.number, key=key),
              "success")
    return redirect(url_for(".question", key=key))


@bp.route("/<key>/ngung-su-dung", methods=["POST"])
@role_required(ROLE_ORGANISER)
def retire(key: str) -> ResponseReturnValue:
    item = services.get_question(db.session, key)
    form = RetireForm(prefix="retire")
    if not form.validate_on_submit():
        flash(_("Vui lòng đánh dấu xác nhận trước khi ngừng sử dụng câu hỏi."), "danger")
        return redirect(url_for(".question", key=key))
    services.retire_question(db.session, item, current_user.id, form.reason.data)
    db.session.commit()
    flash(_("Câu hỏi %(key)s đã ngừng sử dụng; các bài thi cũ vẫn giữ nguyên.", key=key),
          "success")
    return redirect(url_for(".question", key=key))


@bp.route("/chu-de", methods=["GET", "POST"])
@role_required(ROLE_ORGANISER)
def topics() -> ResponseReturnValue:
    form = TopicForm()
    status = 200
    if form.validate_on_submit():
        try:
            topic = services.add_topic(db.session, form.key.data, form.name.data,
                                       current_user.id)
        except ValidationFailed as err:
            db.session.rollback()
            form.key.errors = [str(m) for m in err.fields.values()]
            status = 422
        else:
            db.session.commit()
            flash(_("Đã thêm chủ đề %(name)s.", name=topic.name), "success")
            return redirect(url_for(".topics"))
    elif request.method == "POST":
        status = 422
    return _render("bank/topics.html", form=form,
                   topics=services.list_topics(db.session)), status


@bp.route("/xuat-excel")
@role_required(ROLE_ORGANISER)
def export() -> ResponseReturnValue:
    buffer = BytesIO()
    services.export_xlsx(db.session, buffer)
    buffer.seek(0)
    return send_file(buffer, mimetype=XLSX, as_attachment=True,
                     download_name="ngan-hang-cau-hoi.xlsx")


@bp.route("/bao-cao-phap-ly")
@role_required(ROLE_ORGANISER)
def report() -> ResponseReturnValue:
    statuses = [s for s in request.args.getlist("status") if s in STATUSES] or ["approved"]
    buffer = BytesIO()
    services.write_report(db.session, buffer, statuses=statuses)
    buffer.seek(0)
    return send_file(buffer, mimetype=XLSX, as_attachment=True,
                     download_name="bao-cao-kiem-tra-phap-ly.xlsx")
