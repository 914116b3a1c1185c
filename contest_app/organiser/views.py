"""Organiser pages: dashboard, units and blocks, users and roles, audit log."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, or_, select

from .. import clock
from ..accounts import services as account_services
from ..accounts.models import ROLE_ORGANISER, Block, Unit, User
from ..accounts.rules import unaccent
from ..datetext import DateTextError, parse_date
from ..domain import ValidationFailed
from ..extensions import db
from ..forms_i18n import date_text_message
from ..inputs import arg_int
from ..security import role_required
from . import audit
from .forms import AccountLinkForm, AccountLockForm, BlockForm, RolesForm, UnitForm
from .models import AuditEvent, record

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _tz() -> ZoneInfo:
    return ZoneInfo(current_app.config["CONTEST_TIMEZONE"])

bp = Blueprint("organiser", __name__, url_prefix="/ban-to-chuc")
BACKUP_STALE_AFTER = timedelta(hours=26)  # a daily backup that missed its slot


@bp.route("/")
@role_required(ROLE_ORGANISER)
def dashboard():
    counts = {
        "users": db.session.scalar(select(func.count(User.id))),
        "units": db.session.scalar(select(func.count(Unit.id))),
    }
    last_backup = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "backup.create")
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(1))
    stale = last_backup is None or clock.now() - last_backup.at > BACKUP_STALE_AFTER
    from ..quiz.models import Contest

    contests = list(db.session.scalars(select(Contest).order_by(Contest.created_at.desc())))
    return render_template("organiser/dashboard.html", counts=counts, last_backup=last_backup,
                           backup_stale=stale, contests=contests)


@bp.route("/don-vi", methods=["GET", "POST"])
@role_required(ROLE_ORGANISER)
def units():
    blocks = list(db.session.scalars(select(Block).order_by(Block.position, Block.name)))
    form = UnitForm()
    form.block_id.choices = [(0, _("— Không thuộc khối —"))] + [(b.id, b.name) for b in blocks]
    block_form = BlockForm(prefix="block")
    status = 200
    if request.method == "POST" and request.form.get("kind") == "block":
        if block_form.validate_on_submit():
            name = " ".join(block_form.name.data.split())
            if db.session.scalar(select(Block.id).where(Block.name == name)):
                block_form.name.errors = [_("Đã có khối với tên này.")]
                status = 422
            else:
                block = Block(name=name, position=len(blocks))
                db.session.add(block)
                db.session.flush()
                record(current_user.id, "block.create", block, after={"name": name})
                db.session.commit()
                flash(_("Đã thêm khối %(name)s.", name=name), "success")
                return redirect(url_for(".units"))
        else:
            status = 422
    elif request.method == "POST":
        if form.validate_on_submit():
            try:
                unit = account_services.save_unit(
                    db.session, current_user, None, form.name.data, form.block_id.data or None,
                    form.headcount.data, True,
                )
            except ValidationFailed as err:
                db.session.rollback()
                for key, message in err.fields.items():
                    getattr(form, key).errors = [str(message)]
                status = 422
            else:
                db.session.commit()
                flash(_("Đã thêm đơn vị %(name)s.", name=unit.name), "success")
                return redirect(url_for(".units"))
        else:
            status = 422
    rows = list(db.session.scalars(select(Unit).order_by(Unit.name)))
    return render_template(
        "organiser/units.html", units=rows, blocks=blocks, form=form, block_form=block_form
    ), status


@bp.route("/don-vi/<int:unit_id>", methods=["GET", "POST"])
@role_required(ROLE_ORGANISER)
def edit_unit(unit_id: int):
    unit = db.session.get(Unit, unit_id) or abort(404)
    blocks = list(db.session.scalars(select(Block).order_by(Block.position, Block.name)))
    form = UnitForm(obj=unit)
    form.block_id.choices = [(0, _("— Không thuộc khối —"))] + [(b.id, b.name) for b in blocks]
    if request.method == "GET":
        form.block_id.data = unit.block_id or 0
    status = 200
    if form.validate_on_submit():
        try:
            account_services.save_unit(
                db.session, current_user, unit, form.name.data, form.block_id.data or None,
                form.headcount.data, form.active.data,
            )
        except ValidationFailed as err:
            db.session.rollback()
            for key, message in err.fields.items():
                getattr(form, key).errors = [str(message)]
            status = 422
        else:
            db.session.commit()
            flash(_("Đã lưu đơn vị."), "success")
            return redirect(url_for(".units"))
    elif request.method == "POST":
        status = 422
    return render_template("organiser/unit_edit.html", form=form, unit=unit), status


@bp.route("/nguoi-dung")
@role_required(ROLE_ORGANISER)
def users():
    q = (request.args.get("q") or "").strip()
    page = max(arg_int("page", 1), 1)
    stmt = select(User).order_by(User.full_name)
    if q:
        like = f"%{q.lower()}%"
        stmt = stmt.where(or_(func.lower(User.email).like(like), User.phone.like(like),
                              func.lower(User.full_name).like(like)))
    rows = db.paginate(stmt, page=page, per_page=50, error_out=False)
    return render_template("organiser/users.html", rows=rows, q=q, unaccent=unaccent)


@bp.route("/nguoi-dung/<int:user_id>", methods=["GET", "POST"])
@role_required(ROLE_ORGANISER)
def edit_user(user_id: int):
    user = db.session.get(User, user_id) or abort(404)
    form = RolesForm()
    if request.method == "GET":
        for role in ("judge", "organiser", "surveyor"):
            getattr(form, role).data = role in user.roles
        form.is_staff.data = user.is_staff
    if form.validate_on_submit():
        roles = {r for r in ("judge", "organiser", "surveyor") if getattr(form, r).data}
        if user.id == current_user.id and "organiser" not in roles:
            flash(_("Bạn không thể tự bỏ vai trò ban tổ chức của chính mình."), "danger")
            return redirect(url_for(".edit_user", user_id=user.id))
        account_services.set_roles(db.session, current_user, user, roles)
        if user.is_staff != form.is_staff.data:
            record(current_user.id, "user.staff", user, {"is_staff": user.is_staff},
                   {"is_staff": form.is_staff.data})
            user.is_staff = form.is_staff.data
        db.session.commit()
        flash(_("Đã cập nhật vai trò của %(name)s.", name=user.full_name), "success")
        return redirect(url_for(".users"))
    from ..accounts.invitations import invitation_state

    return render_template("organiser/user_edit.html", form=form, user=user,
                           lock_form=AccountLockForm(
                               prefix="lock", action="lock" if user.active else "unlock"),
                           link_form=AccountLinkForm(),
                           invitation=invitation_state(db.session, user))


@bp.route("/nguoi-dung/<int:user_id>/khoa", methods=["POST"])
@role_required(ROLE_ORGANISER)
def set_user_active(user_id: int):
    """Lock or unlock an account; locking ends its sessions and API tokens at once."""
    user = db.session.get(User, user_id) or abort(404)
    form = AccountLockForm(prefix="lock")
    if not form.validate_on_submit():
        abort(400)
    actor = current_user._get_current_object()
    reason = (form.reason.data or "").strip() or None
    if form.action.data == "lock":
        try:
            account_services.deactivate_user(db.session, actor, user, reason)
        except ValidationFailed as err:
            db.session.rollback()
            for message in err.fields.values():
                flash(str(message), "danger")
            return redirect(url_for(".edit_user", user_id=user.id))
        db.session.commit()
        flash(_("Đã khóa tài khoản của %(name)s; mọi phiên đăng nhập của tài khoản đã kết "
                "thúc và mọi mã truy cập API đã bị thu hồi.", name=user.full_name), "success")
    else:
        account_services.reactivate_user(db.session, actor, user, reason)
        db.session.commit()
        flash(_("Đã mở khóa tài khoản của %(name)s.", name=user.full_name), "success")
    return redirect(url_for(".edit_user", user_id=user.id))


def _audit_filters() -> tuple[audit.Filters, dict, list[str]]:
    """The filters from the query string; bad values are reported, never a 500."""
    problems = []
    dates = {}
    for name in ("tu_ngay", "den_ngay"):
        raw = (request.args.get(name) or "").strip()
        dates[name] = None
        if raw:
            try:
                dates[name] = parse_date(raw[:20])
            except DateTextError as err:
                problems.append(date_text_message(err, with_time=False))
    action = (request.args.get("thao_tac") or "").strip()[:60] or None
    actor = arg_int("nguoi")
    filters = audit.Filters(actor_id=actor, action=action, since=dates["tu_ngay"],
                            until=dates["den_ngay"])
    args = {"nguoi": actor, "thao_tac": action, "tu_ngay": request.args.get("tu_ngay") or None,
            "den_ngay": request.args.get("den_ngay") or None}
    return filters, args, problems


def _actors_of(events) -> dict[int, User]:
    return {u.id: u for u in db.session.scalars(
        select(User).where(User.id.in_({e.actor_id for e in events if e.actor_id})))}


@bp.route("/nhat-ky")
@role_required(ROLE_ORGANISER)
def audit_log():
    page = max(arg_int("page", 1), 1)
    filters, args, problems = _audit_filters()
    for message in problems:
        flash(message, "warning")
    rows = db.paginate(audit.query(filters, _tz()), page=page, per_page=100,
                       error_out=False)
    actions = sorted(db.session.scalars(select(AuditEvent.action).distinct()),
                     key=audit.action_label)
    return render_template(
        "organiser/audit.html", rows=rows, actors=_actors_of(rows.items), audit=audit,
        args=args, filters=filters, actions=actions,
        people=list(db.session.scalars(audit.actors_query())))


@bp.route("/nhat-ky.xlsx")
@role_required(ROLE_ORGANISER)
def audit_export():
    from ..exports import Book

    filters, _args, _problems = _audit_filters()
    events = list(db.session.scalars(audit.query(filters, _tz()).limit(100_000)))
    book = Book(write_only=True)
    sheet = book.sheet("Nhật ký thao tác")
    sheet.append(audit.EXPORT_HEADER)
    for row in audit.export_rows(events, _actors_of(events), _tz()):
        sheet.append(row)
    stamp = clock.now().astimezone(_tz()).strftime("%Y%m%d-%H%M")
    return Response(book.save(), mimetype=XLSX, headers={
        "Content-Disposition": f"attachment; filename=nhat-ky-thao-tac-{stamp}.xlsx",
        "Cache-Control": "no-store"})


from . import account_views  # noqa: E402,F401  (more routes on this blueprint)
