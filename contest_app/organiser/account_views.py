"""Organiser pages for the accounts the organiser creates: one by one or from an Excel list,
with an invitation link (72 h) each; re-sending an invitation; a reset link to hand over.

A one-time link is shown once, on the page that issued it (only its hash is stored), so the
organiser can copy it for people who do not read e-mail."""

from __future__ import annotations

from typing import Any

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from itsdangerous import BadSignature, URLSafeSerializer

from ..accounts import invitations, staff_import
from ..accounts.models import (
    ROLE_LABELS,
    ROLE_ORGANISER,
    ROLES,
    TOKEN_INVITE,
    TOKEN_RESET,
    User,
    role_labels,
)
from ..domain import ValidationFailed
from ..exports import Book, SpreadsheetRejected
from ..extensions import db
from ..security import role_required
from .forms import AccountLinkForm, StaffAccountForm, StaffImportConfirmForm, StaffImportForm
from .views import bp

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PROBLEMS = {
    "no_header": _l("Không tìm thấy dòng tiêu đề có các cột “Họ và tên”, “Email”, “Số điện "
                    "thoại”, “Vai trò”."),
    "column_missing": _l("Thiếu cột “%(detail)s” trong dòng tiêu đề."),
    "empty": _l("Tệp không có dòng dữ liệu nào."),
    "too_many_rows": _l("Tệp có quá %(detail)s dòng."),
    "name_missing": _l("Thiếu họ và tên."),
    "name_too_long": _l("Họ và tên dài quá 150 ký tự."),
    "email_invalid": _l("Email “%(detail)s” không hợp lệ."),
    "email_repeated": _l("Email trùng với dòng %(detail)s."),
    "email_taken": _l("Email %(detail)s đã có tài khoản."),
    "phone_invalid": _l("Số điện thoại “%(detail)s” phải có 10 chữ số, bắt đầu bằng 03, 05, "
                        "07, 08 hoặc 09."),
    "phone_repeated": _l("Số điện thoại trùng với dòng %(detail)s."),
    "phone_taken": _l("Số điện thoại %(detail)s đã được dùng cho một tài khoản khác."),
    "role_unknown": _l("Vai trò “%(detail)s” không có; dùng Giám khảo, Ban tổ chức hoặc Tổ thư "
                       "ký."),
    "role_missing": _l("Thiếu vai trò."),
}
COLUMN_NAMES = {"phone": _l("Số điện thoại"), "roles": _l("Vai trò")}


@bp.app_template_filter("role_labels")
def _role_labels_filter(roles: Any) -> list[str]:
    return role_labels(set(roles))


def _serializer() -> URLSafeSerializer:
    from flask import current_app

    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="staff-import")


def _mail_and_show(created: list[tuple[User, str, Any]], purpose: str, status: int = 200
                   ) -> tuple[str, int]:
    """Mail each link, then show them all once."""
    people = []
    for user, token, row in created:
        invitations.mail_link(user, purpose, token, row.expires_at)
        people.append({"user": user, "link": invitations.link_url(purpose, token),
                       "expires_at": row.expires_at})
    response = render_template("organiser/account_links.html", people=people, purpose=purpose)
    return response, status


def _no_store(body: str, status: int) -> Response:
    response = Response(body, status=status)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/nguoi-dung/tao-moi", methods=["GET", "POST"])
@role_required(ROLE_ORGANISER)
def create_account():
    form = StaffAccountForm()
    status = 200
    data = invitations.StaffAccount(
        full_name=form.full_name.data, email=form.email.data, phone=form.phone.data,
        roles={r for r in ROLES if getattr(form, r).data})
    if form.validate_on_submit():
        try:
            created = invitations.create_staff_account(
                db.session, current_user._get_current_object(), data)
        except ValidationFailed as err:
            db.session.rollback()
            for key, message in err.fields.items():
                target = getattr(form, "judge" if key == "roles" else key, None)
                if target is not None:
                    target.errors = [*target.errors, str(message)]
            status = 422
        else:
            db.session.commit()
            flash(_("Đã tạo tài khoản của %(name)s và gửi lời mời tới %(email)s.",
                    name=created[0].full_name, email=created[0].email), "success")
            return _no_store(*_mail_and_show([created], TOKEN_INVITE, 201))
    elif request.method == "POST":
        # Every field's problem at once, the service's checks included (e-mail format, an
        # e-mail or phone already used, no role ticked).
        for key, message in invitations.check_staff_account(db.session, data).items():
            target = getattr(form, "judge" if key == "roles" else key, None)
            if target is not None and not target.errors:
                target.errors = [*target.errors, str(message)]
        status = 422
    return render_template("organiser/account_create.html", form=form,
                           role_fields=[getattr(form, r) for r in ROLES]), status


def _problem_text(problem: staff_import.Problem) -> str:
    detail = problem.detail
    if problem.code == "column_missing":
        detail = str(COLUMN_NAMES.get(detail, detail))
    return str(PROBLEMS[problem.code]) % {"detail": detail}


def _preview(parsed: staff_import.Parsed) -> tuple[list[str], list[dict[str, Any]]]:
    """(errors about the whole file, one entry per data row in file order)."""
    file_errors = [_problem_text(p) for p in parsed.problems if p.row == 0]
    rows: dict[int, dict[str, Any]] = {}
    for line in parsed.lines:
        rows[line.row] = {"row": line.row, "line": line, "roles": role_labels(set(line.roles)),
                          "errors": []}
    for problem in parsed.problems:
        if problem.row:
            rows.setdefault(problem.row, {"row": problem.row, "line": None, "roles": [],
                                          "errors": []})["errors"].append(_problem_text(problem))
    return file_errors, [rows[k] for k in sorted(rows)]


def _lines_payload(lines: list[staff_import.StaffLine]) -> str:
    return _serializer().dumps([[ln.row, ln.full_name, ln.email, ln.phone, sorted(ln.roles)]
                                for ln in lines])


def _lines_from_payload(payload: str) -> list[staff_import.StaffLine]:
    try:
        data = _serializer().loads(payload)
        return [staff_import.StaffLine(int(r), str(n), str(e), str(p),
                                       frozenset(str(x) for x in roles) & frozenset(ROLES))
                for r, n, e, p, roles in data]
    except (BadSignature, TypeError, ValueError):
        abort(400)


@bp.route("/nguoi-dung/nhap", methods=["GET", "POST"])
@role_required(ROLE_ORGANISER)
def import_accounts():
    """Upload: a preview of every row (nothing written); confirm: all rows or none."""
    form = StaffImportForm()
    confirm = StaffImportConfirmForm(prefix="confirm")
    status, file_errors, rows, payload = 200, [], [], None
    if request.method == "POST" and request.form.get("step") == "confirm":
        if not confirm.validate_on_submit():
            abort(400)
        lines = _lines_from_payload(confirm.payload.data)
        parsed = invitations.check_existing(db.session, staff_import.Parsed(lines=lines))
        if parsed.problems or not parsed.lines:
            file_errors, rows = _preview(parsed)
            status = 409
        else:
            try:
                created = invitations.create_staff_accounts(
                    db.session, current_user._get_current_object(),
                    [invitations.StaffAccount(ln.full_name, ln.email, ln.phone, set(ln.roles))
                     for ln in parsed.lines])
            except ValidationFailed:
                db.session.rollback()
                file_errors = [_("Danh sách đã thay đổi trong lúc xem trước; vui lòng tải tệp "
                                 "lên lại.")]
                status = 409
            else:
                db.session.commit()
                flash(_("Đã tạo %(n)s tài khoản và gửi lời mời.", n=len(created)), "success")
                return _no_store(*_mail_and_show(created, TOKEN_INVITE, 201))
    elif form.validate_on_submit():
        upload = request.files.get("file")
        limit = staff_import.LIMITS.max_bytes
        data = upload.stream.read(limit + 1) if upload and upload.filename else b""
        if not data:
            file_errors, status = [_("Vui lòng chọn tệp danh sách tài khoản.")], 422
        else:
            try:
                parsed = invitations.check_existing(
                    db.session, staff_import.parse_staff(staff_import.read_rows(data)))
            except SpreadsheetRejected as err:
                file_errors, status = [err.message], err.status
            else:
                file_errors, rows = _preview(parsed)
                if parsed.problems:
                    status = 422
                else:
                    payload = _lines_payload(parsed.lines)
                    confirm.payload.data = payload
    elif request.method == "POST":
        status = 422
    return render_template("organiser/accounts_import.html", form=form, confirm=confirm,
                           file_errors=file_errors, rows=rows, payload=payload), status


@bp.route("/nguoi-dung/mau-nhap-tai-khoan.xlsx")
@role_required(ROLE_ORGANISER)
def accounts_template():
    book = Book()
    sheet = book.sheet("Tài khoản")
    sheet.append(["Họ và tên", "Email", "Số điện thoại", "Vai trò"])
    sheet.append(["Nguyễn Văn An", "an.nv@example.gov.vn", "0905123456", "Giám khảo"])
    sheet.append(["Trần Thị Bình", "binh.tt@example.gov.vn", "0912345678",
                  f"{ROLE_LABELS['surveyor']}"])
    sheet.append(["Lê Văn Cường", "cuong.lv@example.gov.vn", "0987654321",
                  "Ban tổ chức, Giám khảo"])
    for col, width in zip("ABCD", (30, 34, 16, 40), strict=True):
        sheet.layout.column_dimensions[col].width = width
    return Response(book.save(), mimetype=XLSX, headers={
        "Content-Disposition": "attachment; filename=mau-nhap-tai-khoan.xlsx",
        "Cache-Control": "no-store"})


def _link_user(user_id: int) -> User:
    user = db.session.get(User, user_id) or abort(404)
    if not AccountLinkForm().validate_on_submit():
        abort(400)
    return user


@bp.route("/nguoi-dung/<int:user_id>/loi-moi", methods=["POST"])
@role_required(ROLE_ORGANISER)
def resend_invitation(user_id: int):
    """A new invitation (the older link stops working), mailed and shown once."""
    user = _link_user(user_id)
    if not user.active:
        flash(_("Tài khoản đang bị khóa: hãy mở khóa trước khi gửi lời mời."), "danger")
        return redirect(url_for(".edit_user", user_id=user.id))
    if invitations.invitation_state(db.session, user) != "pending":
        flash(_("Tài khoản của %(name)s đã có mật khẩu; nếu cần, hãy cấp đường dẫn đặt lại "
                "mật khẩu.", name=user.full_name), "warning")
        return redirect(url_for(".edit_user", user_id=user.id))
    token, row = invitations.issue_link(db.session, user, TOKEN_INVITE, current_user.id)
    db.session.commit()
    flash(_("Đã gửi lại lời mời tới %(email)s; đường dẫn cũ không còn dùng được.",
            email=user.email), "success")
    return _no_store(*_mail_and_show([(user, token, row)], TOKEN_INVITE))


@bp.route("/nguoi-dung/<int:user_id>/dat-lai-mat-khau", methods=["POST"])
@role_required(ROLE_ORGANISER)
def issue_reset_link(user_id: int):
    """A reset link to hand over to someone without e-mail: shown once, not mailed."""
    user = _link_user(user_id)
    if not user.active:
        flash(_("Tài khoản đang bị khóa: hãy mở khóa trước khi cấp đường dẫn."), "danger")
        return redirect(url_for(".edit_user", user_id=user.id))
    token, row = invitations.issue_link(db.session, user, TOKEN_RESET, current_user.id)
    db.session.commit()
    people = [{"user": user, "link": invitations.link_url(TOKEN_RESET, token),
               "expires_at": row.expires_at}]
    return _no_store(render_template("organiser/account_links.html", people=people,
                                     purpose=TOKEN_RESET, handed_over=True), 200)
