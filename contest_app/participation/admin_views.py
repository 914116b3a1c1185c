"""Organiser pages: contest documents, participants and board moves, unit import, and the
winners' list for the decision."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from .. import clock
from ..accounts import services as account_services
from ..accounts.models import ROLE_ORGANISER, User, Ward
from ..domain import DomainError, ValidationFailed
from ..exports import Book, SpreadsheetRejected
from ..extensions import db
from ..inputs import arg_int, parse_int
from ..organiser.models import record
from ..quiz.models import Board, Contest, Round
from ..rankings import services as rankings
from ..security import role_required
from . import documents, services, unit_import, ward_import, winners
from .forms import DocumentForm, MoveBoardForm, UnitImportForm, WardForm, WardImportForm

bp = Blueprint("participation_admin", __name__, url_prefix="/ban-to-chuc")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PROBLEMS = {
    "no_header": _l("Không tìm thấy dòng tiêu đề có cột “Tên đơn vị” (và “Khối”, “Biên chế”)."),
    "empty": _l("Tệp không có dòng dữ liệu nào."),
    "name_missing": _l("Thiếu tên đơn vị."),
    "name_too_long": _l("Tên đơn vị dài quá %(detail)s ký tự."),
    "block_too_long": _l("Tên khối dài quá %(detail)s ký tự."),
    "headcount_invalid": _l("Biên chế “%(detail)s” không phải số nguyên không âm."),
    "duplicate_name": _l("Tên đơn vị trùng với dòng %(detail)s."),
    "too_many_rows": _l("Tệp có quá %(detail)s dòng."),
}
WARD_PROBLEMS = {
    **PROBLEMS,
    "no_header": _l("Không tìm thấy dòng tiêu đề có cột “Tên xã, phường” (và “Mã” nếu có)."),
    "name_missing": _l("Thiếu tên xã, phường."),
    "name_too_long": _l("Tên xã, phường dài quá %(detail)s ký tự."),
    "duplicate_name": _l("Tên xã, phường trùng với dòng %(detail)s."),
    "code_too_long": _l("Mã xã, phường dài quá %(detail)s ký tự."),
}


def _contest(contest_id: int) -> Contest:
    return db.session.get(Contest, contest_id) or abort(404)


def _download(data: bytes, filename: str) -> Response:
    return Response(data, mimetype=XLSX, headers={
        "Content-Disposition": f"attachment; filename={filename}", "Cache-Control": "no-store"})


# --- Documents ----------------------------------------------------------------------------

@bp.route("/cuoc-thi/<int:contest_id>/tai-lieu", methods=["GET", "POST"])
@role_required(ROLE_ORGANISER)
def contest_documents(contest_id: int):
    contest = _contest(contest_id)
    form = DocumentForm()
    code = 200
    if form.validate_on_submit():
        upload = request.files.get("file")
        try:
            if upload is None or not upload.filename:
                raise DomainError(file=_("Vui lòng chọn một tệp PDF hoặc DOCX."))
            data = documents.read_upload(upload.stream, documents.max_bytes())
            doc = documents.add_document(db.session, current_user.id, contest,
                                         form.title.data or "", form.kind.data, upload.filename,
                                         data, clock.now())
        except DomainError as err:
            db.session.rollback()
            form.file.errors = [str(v) for v in (err.fields or {}).values()] or [
                _("Không tải lên được tệp này.")]
            code = 422
        else:
            db.session.commit()
            flash(_("Đã tải lên tài liệu %(title)s.", title=doc.title), "success")
            return redirect(url_for(".contest_documents", contest_id=contest.id))
    elif request.method == "POST":
        code = 422
    return render_template("participation/documents.html", contest=contest, form=form,
                           docs=documents.documents_of(db.session, contest.id),
                           limit_mb=f"{documents.max_bytes() / 1024 / 1024:g}"), code


@bp.route("/cuoc-thi/<int:contest_id>/tai-lieu/<int:doc_id>/xoa", methods=["POST"])
@role_required(ROLE_ORGANISER)
def delete_document(contest_id: int, doc_id: int):
    contest = _contest(contest_id)
    if request.form.get("confirm") != "yes":
        flash(_("Vui lòng xác nhận trước khi xóa tài liệu."), "warning")
        return redirect(url_for(".contest_documents", contest_id=contest.id))
    doc = documents.get_document(db.session, contest.id, doc_id)
    path = documents.remove_document(db.session, current_user.id, doc)
    db.session.commit()
    path.unlink(missing_ok=True)
    flash(_("Đã xóa tài liệu."), "success")
    return redirect(url_for(".contest_documents", contest_id=contest.id))


# --- Participants and boards --------------------------------------------------------------

@bp.route("/cuoc-thi/<int:contest_id>/nguoi-tham-gia")
@role_required(ROLE_ORGANISER)
def participants(contest_id: int):
    contest = _contest(contest_id)
    q = (request.args.get("q") or "").strip()[:100]
    board_id = arg_int("bang")
    page = min(max(1, arg_int("trang", 1)), 100000)
    result = services.participants(db.session, contest, q, board_id, page)
    boards = {b.id: b for b in contest.boards}
    return render_template("participation/participants.html", contest=contest, result=result,
                           boards=boards, q=q, board_id=board_id, form=MoveBoardForm())


@bp.route("/cuoc-thi/<int:contest_id>/nguoi-tham-gia.xlsx")
@role_required(ROLE_ORGANISER)
def participants_export(contest_id: int):
    """Every participant (the filters of the page apply): unit, board, attempts, best score."""
    from ..exports import Book
    from ..rankings.annex import file_stem

    contest = _contest(contest_id)
    q = (request.args.get("q") or "").strip()[:100]
    result = services.participants(db.session, contest, q, arg_int("bang"), per_page=None)
    boards = {b.id: b.name for b in contest.boards}
    tz = services.contest_tz()
    book = Book(write_only=True)
    sheet = book.sheet("Người tham gia")
    sheet.append(["STT", "Họ và tên", "Email", "Đơn vị / Xã, phường", "Bảng", "Tham gia lúc",
                  "Số lượt thi", "Điểm cao nhất"])
    for number, (part, user, attempts, best) in enumerate(result.rows, start=1):
        sheet.append([number, user.full_name, user.email, user.place,
                      boards.get(part.board_id, ""),
                      part.joined_at.astimezone(tz).strftime("%d/%m/%Y %H:%M"), attempts, best])
    return _download(book.save(), file_stem("nguoi-tham-gia", contest.title) + ".xlsx")


@bp.route("/cuoc-thi/<int:contest_id>/nguoi-tham-gia/chuyen-bang", methods=["POST"])
@role_required(ROLE_ORGANISER)
def move_board(contest_id: int):
    contest = _contest(contest_id)
    form = MoveBoardForm()
    if not form.validate_on_submit() or parse_int(form.participation_id.data, 1) is None:
        abort(400)
    try:
        part = services.move_board(db.session, current_user.id, contest,
                                   parse_int(form.participation_id.data, 1), form.board_id.data,
                                   form.reason.data or "")
    except DomainError as err:
        db.session.rollback()
        if err.code == "not_found":
            raise
        flash(_("Bảng thi không thuộc cuộc thi này."), "danger")
        return redirect(url_for(".participants", contest_id=contest.id)), 303
    db.session.commit()
    board = db.session.get(Board, part.board_id)
    flash(_("Đã chuyển người dự thi sang bảng %(name)s.", name=board.name), "success")
    return redirect(url_for(".participants", contest_id=contest.id))


# --- Units, blocks and headcounts ---------------------------------------------------------

@bp.route("/don-vi/nhap", methods=["GET", "POST"])
@role_required(ROLE_ORGANISER)
def import_units():
    form = UnitImportForm()
    problems: list[tuple[int, str]] = []
    code = 200
    if form.validate_on_submit():
        upload = request.files.get("file")
        limit = unit_import.LIMITS.max_bytes
        data = upload.stream.read(limit + 1) if upload and upload.filename else b""
        parsed = None
        if not data:
            problems = [(0, _("Vui lòng chọn tệp danh sách đơn vị."))]
        else:
            try:
                parsed = unit_import.parse_units(unit_import.read_rows(data))
            except SpreadsheetRejected as err:
                problems, code = [(0, err.message)], err.status
        if parsed is not None:
            problems = [(p.row, str(PROBLEMS[p.code]) % {"detail": p.detail})
                        for p in parsed.problems]
        if problems:
            code = 422 if code == 200 else code
        else:
            counts = services.import_units(db.session, current_user.id, parsed.lines)
            db.session.commit()
            flash(_("Đã nhập danh sách: %(c)s đơn vị mới, %(u)s đơn vị cập nhật, %(s)s không "
                    "đổi, %(b)s khối mới.", c=counts.created, u=counts.updated,
                    s=counts.unchanged, b=counts.blocks_created), "success")
            return redirect(url_for("organiser.units"))
    elif request.method == "POST":
        code = 422
    return render_template("participation/units_import.html", form=form,
                           problems=problems), code


@bp.route("/don-vi/mau-nhap-don-vi.xlsx")
@role_required(ROLE_ORGANISER)
def units_template():
    book = Book()
    sheet = book.sheet("Đơn vị")
    sheet.append(["Tên đơn vị", "Khối", "Biên chế"])
    sheet.append(["Sở Tư pháp", "Khối sở, ban, ngành", 85])
    sheet.append(["UBND phường Tân Lập", "Khối xã, phường", 40])
    for col, width in zip("ABC", (40, 30, 12), strict=True):
        sheet.layout.column_dimensions[col].width = width
    return _download(book.save(), "mau-nhap-don-vi.xlsx")


# --- Communes and wards (xã, phường) citizens register with ---------------------------------

@bp.route("/xa-phuong", methods=["GET", "POST"])
@role_required(ROLE_ORGANISER)
def wards():
    form = WardForm()
    code = 200
    if form.validate_on_submit():
        try:
            ward = account_services.save_ward(db.session, current_user, None, form.name.data,
                                              form.code.data)
        except ValidationFailed as err:
            db.session.rollback()
            for name, message in err.fields.items():
                getattr(form, name).errors = [str(message)]
            code = 422
        else:
            db.session.commit()
            flash(_("Đã thêm %(name)s.", name=ward.name), "success")
            return redirect(url_for(".wards"))
    elif request.method == "POST":
        code = 422
    rows = account_services.wards(db.session)
    used = set(db.session.scalars(
        select(User.ward_id).where(User.ward_id.is_not(None)).distinct()))
    return render_template("participation/wards.html", wards=rows, used=used, form=form,
                           row_form=WardForm), code


def _ward(ward_id: int) -> Ward:
    return db.session.get(Ward, ward_id) or abort(404)


@bp.route("/xa-phuong/<int:ward_id>/doi-ten", methods=["POST"])
@role_required(ROLE_ORGANISER)
def rename_ward(ward_id: int):
    ward = _ward(ward_id)
    form = WardForm(prefix=f"w{ward.id}")
    if not form.validate_on_submit():
        flash(_("Vui lòng nhập tên xã, phường."), "danger")
        return redirect(url_for(".wards")), 303
    try:
        account_services.save_ward(db.session, current_user, ward, form.name.data,
                                   form.code.data)
    except ValidationFailed as err:
        db.session.rollback()
        for message in err.fields.values():
            flash(str(message), "danger")
        return redirect(url_for(".wards")), 303
    db.session.commit()
    flash(_("Đã lưu %(name)s.", name=ward.name), "success")
    return redirect(url_for(".wards"))


@bp.route("/xa-phuong/<int:ward_id>/xoa", methods=["POST"])
@role_required(ROLE_ORGANISER)
def delete_ward(ward_id: int):
    ward = _ward(ward_id)
    if request.form.get("confirm") != "yes":
        flash(_("Vui lòng xác nhận trước khi xóa."), "warning")
        return redirect(url_for(".wards")), 303
    name = ward.name
    try:
        account_services.delete_ward(db.session, current_user, ward)
    except ValidationFailed as err:
        db.session.rollback()
        for message in err.fields.values():
            flash(str(message), "danger")
        return redirect(url_for(".wards")), 303
    db.session.commit()
    flash(_("Đã xóa %(name)s.", name=name), "success")
    return redirect(url_for(".wards"))


@bp.route("/xa-phuong/nhap", methods=["GET", "POST"])
@role_required(ROLE_ORGANISER)
def import_wards():
    form = WardImportForm()
    problems: list[tuple[int, str]] = []
    code = 200
    if form.validate_on_submit():
        upload = request.files.get("file")
        limit = ward_import.LIMITS.max_bytes
        data = upload.stream.read(limit + 1) if upload and upload.filename else b""
        parsed = None
        if not data:
            problems = [(0, _("Vui lòng chọn tệp danh sách xã, phường."))]
        else:
            try:
                parsed = ward_import.parse_wards(ward_import.read_rows(data))
            except SpreadsheetRejected as err:
                problems, code = [(0, err.message)], err.status
        if parsed is not None:
            problems = [(p.row, str(WARD_PROBLEMS[p.code]) % {"detail": p.detail})
                        for p in parsed.problems]
        if problems:
            code = 422 if code == 200 else code
        else:
            counts = services.import_wards(db.session, current_user.id, parsed.lines)
            db.session.commit()
            flash(_("Đã nhập danh sách: %(c)s xã, phường mới, %(u)s cập nhật, %(s)s không "
                    "đổi.", c=counts.created, u=counts.updated, s=counts.unchanged), "success")
            return redirect(url_for(".wards"))
    elif request.method == "POST":
        code = 422
    return render_template("participation/wards_import.html", form=form,
                           problems=problems), code


@bp.route("/xa-phuong/mau-nhap-xa-phuong.xlsx")
@role_required(ROLE_ORGANISER)
def wards_template():
    book = Book()
    sheet = book.sheet("Xã, phường")
    sheet.append(["Tên xã, phường", "Mã"])
    sheet.append(["Phường 1", ""])
    sheet.append(["Xã A", ""])
    for col, width in zip("AB", (40, 12), strict=True):
        sheet.layout.column_dimensions[col].width = width
    return _download(book.save(), "mau-nhap-xa-phuong.xlsx")


# --- Winners' list for the decision -------------------------------------------------------

@bp.route("/vong-thi/<int:round_id>/danh-sach-dat-giai.xlsx")
@role_required(ROLE_ORGANISER)
def winners_export(round_id: int):
    rnd = db.session.get(Round, round_id)
    if rnd is None or rnd.kind != "official":
        abort(404)
    contest = rnd.contest
    board = None
    if contest.boards:
        wanted = arg_int("bang")
        board = next((b for b in contest.boards if b.id == wanted), contest.boards[0])
    snapshot = rankings.current_snapshot(db.session, contest.id, rnd.id,
                                         board.id if board else None)
    people = winners.winners(db.session, snapshot, services.data_key())
    data = winners.to_xlsx(people, contest.title, rnd.title, board.name if board else None,
                           snapshot, services.contest_tz())
    record(current_user.id, "winners.export", rnd, None,
           {"board_id": board.id if board else None, "snapshot_id": snapshot.id,
            "version": snapshot.version, "rows": len(people)})
    db.session.commit()
    name = f"danh-sach-dat-giai-vong-{rnd.id}" + (f"-bang-{board.id}" if board else "")
    return _download(data, f"{name}-v{snapshot.version}.xlsx")
