"""Participant pages: calls, submitting and editing an initiative with attachments, the
status timeline, downloads (author, assigned judges, organisers), public results."""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from .. import clock
from ..domain import DomainError, ValidationFailed
from ..extensions import db
from ..storage import send_upload
from . import cycle, documents, finals, judging, rules
from . import files as filestore
from . import services as svc
from .forms import InitiativeForm, file_error, upload_checks

bp = Blueprint("initiatives", __name__, url_prefix="/sang-kien")


def _limits() -> svc.Limits:
    return svc.Limits.from_config(current_app.config)


def _upload_checks(initiative) -> dict[str, str]:
    sizes = [f.size for f in initiative.files] if initiative is not None else []
    return upload_checks(_limits(), sizes, current_app.config.get("MAX_CONTENT_LENGTH"))


def _folder():
    return filestore.upload_dir(current_app.instance_path)


@bp.route("/")
def index():
    now = clock.now()
    calls = svc.calls(db.session)
    mine = svc.my_initiatives(db.session, current_user.id) if current_user.is_authenticated \
        else []
    statuses = {i.id: svc.shown_status(db.session, i, now) for i in mine}
    return render_template("initiatives/index.html", calls=calls, mine=mine, statuses=statuses,
                           now=now)


@bp.route("/dot/<int:call_id>")
def call_page(call_id: int):
    call = svc.get_call(db.session, call_id)
    return render_template("initiatives/call.html", call=call, now=clock.now())


def _form(call, initiative=None) -> InitiativeForm:
    form = InitiativeForm(obj=initiative)
    form.field.choices = [("", _("— Chọn lĩnh vực —"))] + [(f, f) for f in call.fields]
    if initiative is not None and request.method == "GET":
        form.co_authors.data = "\n".join(initiative.co_authors)
    form.submitting = request.form.get("action") == "submit"
    return form


def _data(form: InitiativeForm) -> svc.InitiativeData:
    return svc.InitiativeData(
        title=form.title.data.strip(), field=form.field.data,
        problem=(form.problem.data or "").strip(), solution=(form.solution.data or "").strip(),
        benefits=(form.benefits.data or "").strip(),
        applied_at=(form.applied_at.data or "").strip(), co_authors=form.co_author_list())


def _uploads(form: InitiativeForm, initiative, limits: svc.Limits):
    """Read and check the chosen files; None (with the error next to the field) if refused."""
    raw = [(f.filename, filestore.read_limited(f.stream, limits.max_file_bytes))
           for f in (form.files.data or []) if getattr(f, "filename", None)]
    try:
        return svc.check_uploads(initiative, raw, limits)
    except filestore.InvalidFile as err:
        form.files.errors = [file_error(err, limits)]
        return None


def _save(form: InitiativeForm, call, initiative):
    """Shared by the new and edit pages: returns a redirect, or None to show the form again."""
    limits = _limits()
    if request.method != "POST":
        return None
    valid = form.validate_on_submit()
    uploads = _uploads(form, initiative, limits)  # checked even when other fields are wrong
    if uploads is None:
        return None
    if not valid:
        if uploads:
            form.files.errors = [_("Vui lòng chọn lại tệp đính kèm sau khi sửa các lỗi trên.")]
        return None
    submit = form.submitting
    try:
        if initiative is None:
            initiative = svc.create_initiative(db.session, current_user.id, call, _data(form),
                                               clock.now(), submit, uploads, _folder())
        else:
            svc.update_initiative(db.session, current_user.id, initiative, _data(form),
                                  clock.now(), submit, uploads, _folder())
    except DomainError as err:
        db.session.rollback()
        if isinstance(err, ValidationFailed):
            for name, reason in err.fields.items():
                getattr(form, name).errors = [str(reason)]
            return None
        raise
    db.session.commit()
    flash(_("Đã nộp sáng kiến.") if submit else _("Đã lưu sáng kiến."), "success")
    return redirect(url_for(".detail", initiative_id=initiative.id))


@bp.route("/dot/<int:call_id>/gui", methods=["GET", "POST"])
@login_required
def new(call_id: int):
    call = svc.get_call(db.session, call_id)
    cycle.ensure_submissions_open(clock.now(), call.submission_deadline, call.published)
    form = _form(call)
    done = _save(form, call, None)
    if done is not None:
        return done
    status = 422 if request.method == "POST" else 200
    return render_template("initiatives/edit.html", call=call, form=form, initiative=None,
                           limits=_limits(), accept=filestore.ACCEPT,
                           checks=_upload_checks(None)), status


@bp.route("/<int:initiative_id>/sua", methods=["GET", "POST"])
@login_required
def edit(initiative_id: int):
    initiative = svc.initiative_for_author(db.session, initiative_id, current_user.id)
    if not svc.can_edit(db.session, initiative, clock.now()):
        if request.method == "POST":
            svc.ensure_editable(db.session, initiative, clock.now())
        flash(_("Sáng kiến không thể sửa nữa (đã hết hạn nộp, đã được chấm hoặc đã có quyết "
                "định)."), "warning")
        return redirect(url_for(".detail", initiative_id=initiative.id))
    form = _form(initiative.call, initiative)
    done = _save(form, initiative.call, initiative)
    if done is not None:
        return done
    status = 422 if request.method == "POST" else 200
    return render_template("initiatives/edit.html", call=initiative.call, form=form,
                           initiative=initiative, limits=_limits(),
                           accept=filestore.ACCEPT, checks=_upload_checks(initiative)), status


@bp.route("/<int:initiative_id>")
@login_required
def detail(initiative_id: int):
    now = clock.now()
    initiative = svc.initiative_for_author(db.session, initiative_id, current_user.id)
    status = svc.shown_status(db.session, initiative, now)
    return render_template(
        "initiatives/detail.html", initiative=initiative, status=status,
        steps=rules.timeline(status), editable=svc.can_edit(db.session, initiative, now),
        reviews=judging.author_reviews(db.session, initiative), now=now)


def _author_action(initiative_id: int, action, message: str):
    """Submit or withdraw: a missing part of the content sends the author back to the form;
    a closed call or a locked submission is an error page (409) and nothing changes."""
    initiative = svc.initiative_for_author(db.session, initiative_id, current_user.id)
    try:
        action(db.session, current_user.id, initiative, clock.now())
    except ValidationFailed:
        db.session.rollback()
        flash(_("Vui lòng điền đủ thực trạng, giải pháp và hiệu quả trước khi nộp."), "danger")
        return redirect(url_for(".edit", initiative_id=initiative_id))
    db.session.commit()
    flash(message, "success")
    return redirect(url_for(".detail", initiative_id=initiative_id))


@bp.route("/<int:initiative_id>/nop", methods=["POST"])
@login_required
def submit(initiative_id: int):
    return _author_action(initiative_id, svc.submit_initiative, _("Đã nộp sáng kiến."))


@bp.route("/<int:initiative_id>/rut", methods=["POST"])
@login_required
def withdraw(initiative_id: int):
    return _author_action(initiative_id, svc.withdraw_initiative, _("Đã rút sáng kiến."))


@bp.route("/<int:initiative_id>/tep/<int:file_id>/xoa", methods=["POST"])
@login_required
def remove_file(initiative_id: int, file_id: int):
    initiative = svc.initiative_for_author(db.session, initiative_id, current_user.id)
    stored = svc.remove_file(db.session, current_user.id, initiative, file_id, clock.now())
    db.session.commit()
    filestore.discard(_folder(), stored)
    flash(_("Đã xoá tệp đính kèm."), "success")
    return redirect(url_for(".edit", initiative_id=initiative_id))


@bp.route("/tep/<int:file_id>")
@login_required
def download(file_id: int):
    """Streams an attachment to its author and organisers (the original), and to its assigned
    judges (the copy without the author's metadata, under a neutral name); anyone else gets
    404."""
    row, audience = svc.file_for(db.session, file_id, current_user)
    if audience == svc.JUDGE:
        path = svc.judge_copy_path(db.session, row, _folder())
        db.session.commit()  # keeps a copy made now for a file stored before copies existed
        name = svc.blind_file_name(row, svc.file_position(row))
    else:
        path = filestore.stored_path(_folder(), row.stored_name)
        if not path.is_file():
            raise svc.NotFound()
        name = row.original_name
    return send_upload(path, filestore.KINDS[row.kind][1], name)


@bp.route("/ket-qua/<int:call_id>")
def results(call_id: int):
    call = svc.get_call(db.session, call_id)
    rows = documents.decision_rows(db.session, call) if call.published else []
    final = finals.final_of(db.session, call) if call.published else None
    standings = finals.results(db.session, final) if final else []
    return render_template("initiatives/results.html", call=call, rows=rows, final=final,
                           standings=standings)
