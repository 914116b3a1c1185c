"""Participant pages: joining a contest (board, date of birth, CCCD), contest documents."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from .. import clock
from ..domain import DomainError, NotFound
from ..errors import ERRORS
from ..extensions import db
from ..inputs import form_int
from ..quiz import services as quiz
from ..security import safe_next
from ..storage import send_upload
from . import documents, services
from .forms import JoinForm

bp = Blueprint("participation", __name__)


@bp.route("/cuoc-thi/<int:contest_id>/tham-gia", methods=["GET", "POST"])
@login_required
def join(contest_id: int):
    contest = quiz.get_contest(db.session, contest_id)
    form = JoinForm()
    status = services.status(db.session, contest, current_user.id)
    board_id = form_int("board_id") if request.method == "POST" else (
        status.board.id if status.board else None)
    if request.method == "GET" and current_user.date_of_birth:
        form.date_of_birth.data = current_user.date_of_birth
    code, errors = 200, {}
    if form.validate_on_submit():
        try:
            joined = services.join(
                db.session, current_user.id, contest, board_id, form.date_of_birth.data,
                form.cccd.data, clock.now(), services.data_key(), services.contest_tz())
        except DomainError as err:
            db.session.rollback()
            if err.code == "not_found":
                raise
            code = ERRORS.get(err.code, (422,))[0]
            errors = {k: str(v) for k, v in (err.fields or {}).items()}
            flash(str(ERRORS.get(err.code, (422, _("Dữ liệu chưa hợp lệ.")))[1]), "danger")
        else:
            db.session.commit()
            part = joined.participation
            board = next((b for b in contest.boards if b.id == part.board_id), None)
            if board is not None:
                flash(_("Bạn đã tham gia cuộc thi, bảng %(name)s.", name=board.name), "success")
            else:
                flash(_("Bạn đã tham gia cuộc thi."), "success")
            return redirect(safe_next(request.args.get("next"),
                                      url_for("quiz.contest", contest_id=contest.id)))
    elif request.method == "POST":
        code = 422
    for name, message in errors.items():
        field = getattr(form, name, None)
        if field is not None and hasattr(field, "errors"):
            field.errors = [message]
    return render_template("participation/join.html", contest=contest, form=form,
                           status=status, board_id=board_id, errors=errors), code


@bp.route("/cuoc-thi/<int:contest_id>/tai-lieu/<int:doc_id>")
def document(contest_id: int, doc_id: int):
    organiser = current_user.is_authenticated and current_user.has_role("organiser")
    quiz.get_contest(db.session, contest_id, include_unpublished=organiser)
    doc = documents.get_document(db.session, contest_id, doc_id)
    path = documents.file_path(doc)
    if not path.is_file():
        raise NotFound()
    return send_upload(path, doc.content_type, doc.original_name)


@bp.app_template_global()
def participation_status(contest):
    """For the contest and round pages: the signed-in participant's joining status."""
    user_id = current_user.id if current_user.is_authenticated else None
    return services.status(db.session, contest, user_id)


@bp.app_template_global()
def contest_document_list(contest_id: int):
    return documents.documents_of(db.session, contest_id)
