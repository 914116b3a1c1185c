"""Organiser pages of the question bank: list and search, bulk approve and retire, question and
its versions, create and edit, approve, retire, file import (upload, preview, confirm), topics,
Excel export and the legal-check report."""

from __future__ import annotations

import hashlib
import secrets
import time
from io import BytesIO
from pathlib import Path
from typing import Any

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from ..accounts.models import ROLE_ORGANISER
from ..domain import NotFound, ValidationFailed
from ..extensions import db
from ..inputs import arg_int
from ..security import role_required
from . import services
from .forms import (
    ANY,
    CONFIDENCE_LABELS,
    DIFFICULTY_LABELS,
    IMPORT_MODE_LABELS,
    POOL_LABELS,
    STATUS_LABELS,
    ApproveForm,
    BulkForm,
    ConfirmImportForm,
    FilterForm,
    NewQuestionForm,
    QuestionForm,
    RetireForm,
    TopicForm,
    UploadForm,
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
    "duplicate_id": "key", "bad_id": "key", "id_format": "key",
}
LABELS = {"difficulty_labels": DIFFICULTY_LABELS, "status_labels": STATUS_LABELS,
          "confidence_labels": CONFIDENCE_LABELS, "pool_labels": POOL_LABELS,
          "letters": LETTERS}


def problem_text(problem: Problem) -> str:
    return _(problem.template, **problem.params)


def _render(template: str, **context: Any) -> str:
    return render_template(template, **LABELS, problem_text=problem_text, **context)


def _index_page(status: int = 200) -> ResponseReturnValue:
    form = FilterForm(formdata=request.args)
    form.topic.choices = ANY + [(t.key, t.name) for t in services.list_topics(db.session)]
    filters = {k: (getattr(form, k).data or "").strip()
               for k in ("q", "topic", "difficulty", "status", "pool")}
    page = max(arg_int("page", 1), 1)
    rows = db.paginate(services.search_questions(**filters), page=page, per_page=50,
                       error_out=False)
    return _render("bank/index.html", form=form, rows=rows, filters=filters,
                   bulk_form=BulkForm(formdata=None),
                   counts=services.bank_counts(db.session)), status


@bp.route("/")
@role_required(ROLE_ORGANISER)
def index() -> ResponseReturnValue:
    return _index_page()


@bp.route("/hang-loat", methods=["POST"])
@role_required(ROLE_ORGANISER)
def bulk() -> ResponseReturnValue:
    """Approve or retire the questions ticked on the list page, all or none."""
    form = BulkForm()
    keys = [k for k in request.form.getlist("keys") if k][:1000]
    if not form.validate_on_submit():
        flash(_("Thao tác không hợp lệ, vui lòng thử lại."), "danger")
        return _index_page(422)
    if not keys:
        flash(_("Chưa chọn câu hỏi nào."), "danger")
        return _index_page(422)
    reason = (form.reason.data or "").strip()
    try:
        if form.action.data == "approve":
            if not form.legal_checked.data:
                flash(_("Vui lòng đánh dấu xác nhận đã kiểm tra pháp lý trước khi duyệt."),
                      "danger")
                return _index_page(422)
            done = services.bulk_approve(db.session, keys, current_user.id)
            message = _("Đã duyệt %(n)s câu hỏi.", n=len(done))
        else:
            if not reason:
                flash(_("Vui lòng nhập lý do ngừng sử dụng."), "danger")
                return _index_page(422)
            done = services.bulk_retire(db.session, keys, current_user.id, reason)
            message = _("Đã ngừng sử dụng %(n)s câu hỏi; các bài thi cũ vẫn giữ nguyên.",
                        n=len(done))
    except services.BankCheckFailed as err:
        db.session.rollback()
        flash(_("Chưa duyệt câu nào vì có câu hỏi còn lỗi: %(errors)s", errors="; ".join(
            f"{p.qid}: {problem_text(p)}" for p in err.problems if p.is_error)), "danger")
        return _index_page(422)
    except ValidationFailed as err:
        db.session.rollback()
        flash("; ".join(str(m) for m in err.fields.values()), "danger")
        return _index_page(422)
    except NotFound:
        db.session.rollback()
        flash(_("Có câu hỏi đã chọn không còn trong ngân hàng."), "danger")
        return _index_page(422)
    db.session.commit()
    flash(message, "success")
    return redirect(url_for(".index"))


# --- create ------------------------------------------------------------------------------

def _form_problems(form: QuestionForm, err: services.BankCheckFailed) -> list[str]:
    problems = []
    for problem in (p for p in err.problems if p.is_error):
        text = problem_text(problem)
        target = FIELD_OF.get(problem.code)
        if target and hasattr(form, target):
            getattr(form, target).errors = [*getattr(form, target).errors, text]
        problems.append(text)
    return problems


@bp.route("/moi", methods=["GET", "POST"])
@role_required(ROLE_ORGANISER)
def create() -> ResponseReturnValue:
    form = NewQuestionForm()
    form.topic.choices = [(t.key, t.name) for t in services.list_topics(db.session)]
    problems: list[str] = []
    status = 200
    if form.validate_on_submit():
        try:
            item, warnings = services.create_question(db.session, form.key.data,
                                                      form.to_record(), current_user.id)
        except services.BankCheckFailed as err:
            db.session.rollback()
            status = 422
            problems = _form_problems(form, err)
        else:
            db.session.commit()
            flash(_("Đã thêm câu hỏi %(key)s (phiên bản 1, chờ duyệt).", key=item.key),
                  "success")
            for warning in warnings:
                flash(problem_text(warning), "warning")
            return redirect(url_for(".question", key=item.key))
    elif request.method == "POST":
        status = 422
    return _render("bank/edit.html", form=form, question=None, problems=problems), status


# --- import from a file ------------------------------------------------------------------

UPLOAD_SESSION_KEY = "bank_upload"
UPLOAD_MAX_AGE = 24 * 3600  # seconds a previewed upload waits for its confirmation


def _upload_dir() -> Path:
    return Path(current_app.instance_path) / "uploads" / "bank"


def _upload_path(token: str) -> Path | None:
    if not token or not token.replace("-", "").replace("_", "").isalnum():
        return None
    return _upload_dir() / f"{token}.upload"


def _sweep_uploads() -> None:
    """Forget previews nobody confirmed within a day."""
    folder = _upload_dir()
    if not folder.is_dir():
        return
    limit = time.time() - UPLOAD_MAX_AGE
    for path in folder.glob("*.upload"):
        try:
            if path.stat().st_mtime < limit:
                path.unlink()
        except OSError:
            pass


def _drop_pending() -> None:
    pending = session.pop(UPLOAD_SESSION_KEY, None)
    path = _upload_path((pending or {}).get("token", ""))
    if path is not None:
        path.unlink(missing_ok=True)


def _pending() -> dict[str, Any] | None:
    pending = session.get(UPLOAD_SESSION_KEY)
    if not isinstance(pending, dict) or pending.get("user") != current_user.id:
        return None
    return pending


def _preview(plan: services.ImportPlan, pending: dict[str, Any],
             form: ConfirmImportForm | None = None, status: int = 200,
             message: str | None = None) -> ResponseReturnValue:
    form = form or ConfirmImportForm(formdata=None)
    form.token.data, form.fingerprint.data = pending["token"], plan.fingerprint()
    return _render("bank/import_preview.html", plan=plan, form=form, name=pending["name"],
                   kind=pending["kind"], mode_label=IMPORT_MODE_LABELS[plan.mode],
                   message=message), status


@bp.route("/nhap-tu-tep", methods=["GET", "POST"])
@role_required(ROLE_ORGANISER)
def upload() -> ResponseReturnValue:
    """Upload an Excel or YAML file: nothing is written, a preview lists what would be."""
    form = UploadForm()
    status = 200
    if form.validate_on_submit():
        file = request.files.get("file")
        kind = services.upload_kind(file.filename if file else "")
        try:
            if file is None or not file.filename:
                raise services.UploadRejected(_("Vui lòng chọn một tệp Excel hoặc YAML."))
            if kind is None:
                raise services.UploadRejected(
                    _("Chỉ nhận tệp Excel (.xlsx) hoặc YAML (.yaml, .yml)."))
            limit = (services.SHEET_LIMITS.max_bytes if kind == "xlsx"
                     else services.YAML_MAX_BYTES)
            data = file.stream.read(limit + 1)
            mode = form.mode.data if form.mode.data in services.IMPORT_MODES \
                else services.MODE_MERGE
            approve = bool(form.legal_checked.data)
            name = Path(file.filename).name[:200]
            plan, _topics = services.plan_upload(db.session, data, name, mode=mode,
                                                 approve=approve)
        except services.UploadRejected as err:
            db.session.rollback()
            form.file.errors = [err.message]
            status = 422
        else:
            db.session.rollback()  # planning never writes
            _drop_pending()
            _sweep_uploads()
            if not plan.ok:  # nothing to confirm: the file is not kept
                return _preview(plan, {"token": "", "name": name, "kind": kind}, status=422)
            token = secrets.token_urlsafe(24)
            folder = _upload_dir()
            folder.mkdir(parents=True, exist_ok=True)
            (folder / f"{token}.upload").write_bytes(data)
            pending = {"token": token, "name": name, "kind": kind, "mode": mode,
                       "approve": approve, "user": current_user.id,
                       "sha256": hashlib.sha256(data).hexdigest()}
            session[UPLOAD_SESSION_KEY] = pending
            return _preview(plan, pending)
    elif request.method == "POST":
        status = 422
    return _render("bank/import.html", form=form,
                   xlsx_mb=services.SHEET_LIMITS.max_bytes // (1024 * 1024),
                   yaml_mb=services.YAML_MAX_BYTES // (1024 * 1024)), status


@bp.route("/nhap-tu-tep/xac-nhan", methods=["POST"])
@role_required(ROLE_ORGANISER)
def confirm_upload() -> ResponseReturnValue:
    """Write the previewed import, if the file and the plan are still those previewed."""
    form = ConfirmImportForm()
    pending = _pending()
    path = _upload_path(pending["token"]) if pending else None
    if (not form.validate_on_submit() or pending is None or path is None
            or form.token.data != pending["token"] or not path.is_file()):
        flash(_("Không tìm thấy tệp đã xem trước (có thể đã quá hạn); vui lòng tải tệp lên "
                "lại."), "danger")
        return redirect(url_for(".upload")), 303
    data = path.read_bytes()
    if hashlib.sha256(data).hexdigest() != pending["sha256"]:
        _drop_pending()
        flash(_("Tệp đã xem trước không còn nguyên vẹn; vui lòng tải tệp lên lại."), "danger")
        return redirect(url_for(".upload")), 303
    plan, topics = services.plan_upload(db.session, data, pending["name"],
                                        mode=pending["mode"], approve=pending["approve"])
    if plan.fingerprint() != form.fingerprint.data:
        db.session.rollback()
        return _preview(plan, pending, status=409, message=_(
            "Ngân hàng đã thay đổi từ lúc xem trước: vui lòng xem lại kế hoạch mới rồi xác "
            "nhận."))
    if not plan.ok:
        db.session.rollback()
        return _preview(plan, pending, status=422)
    if plan.mode == services.MODE_REPLACE and plan.retired and not form.confirm_replace.data:
        form.confirm_replace.errors = [_("Vui lòng đánh dấu đồng ý ngừng sử dụng các câu "
                                         "hỏi này trước khi nhập.")]
        return _preview(plan, pending, form=form, status=422)
    summary = services.apply_plan(db.session, plan, topics, actor_id=current_user.id)
    db.session.commit()
    _drop_pending()
    counts = summary.counts()
    flash(_("Đã nhập tệp %(name)s: thêm mới %(added)s, phiên bản mới %(changed)s, cập nhật "
            "thuộc tính %(updated)s, duyệt %(approved)s, không đổi %(unchanged)s, giữ nguyên "
            "%(left)s, ngừng sử dụng %(retired)s.", name=pending["name"],
            added=counts["added"], changed=counts["new_versions"], updated=counts["updated"],
            approved=counts["approved"], unchanged=counts["unchanged"],
            left=counts["left_alone"], retired=counts["retired"]), "success")
    return redirect(url_for(".index"))


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
            problems = _form_problems(form, err)
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
