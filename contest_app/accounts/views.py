"""Registration, login, logout, change password."""

from __future__ import annotations

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
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from ..domain import ValidationFailed
from ..extensions import db, limiter
from ..i18n import format_dt
from ..notifications import services as notifications
from ..notifications.services import run_after_commit as notify_after_commit
from ..security import safe_next
from . import invitations, services
from .forms import (
    ChangePasswordForm,
    ForgotPasswordForm,
    LoginForm,
    RegistrationForm,
    SetPasswordForm,
)
from .models import KIND_CITIZEN, KIND_OFFICIAL, TOKEN_INVITE, TOKEN_RESET
from .rules import matching_choices

bp = Blueprint("accounts", __name__, url_prefix="/tai-khoan")


def _safe_next(default: str) -> str:
    return safe_next(request.args.get("next"), default)


def login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def registration_limit() -> str:
    return current_app.config["REGISTRATION_RATE_LIMIT"]


def password_reset_limit() -> str:
    return current_app.config["PASSWORD_RESET_RATE_LIMIT"]


# One counter per client address for each, whichever door (page or API) is used.
login_rate_limit = limiter.shared_limit(login_limit, scope="login", methods=["POST"])
registration_rate_limit = limiter.shared_limit(registration_limit, scope="registration",
                                               methods=["POST"])
password_reset_rate_limit = limiter.shared_limit(password_reset_limit, scope="password_reset",
                                                 methods=["POST"])


def locked_message(err: services.LoginLocked) -> str:
    """When a locked address may try again, in words and as a time of day."""
    seconds = err.retry_after
    wait = (_("%(n)s giây", n=seconds) if seconds < 60
            else _("%(n)s phút", n=-(-seconds // 60)))
    return _("Email này đã đăng nhập sai quá nhiều lần liên tiếp. Vui lòng thử lại sau "
             "%(wait)s (lúc %(time)s).", wait=wait,
             time=format_dt(err.locked_until, "%H:%M:%S"))


def _apply_errors(form, errors: dict, only_new: bool = False) -> None:
    """Add service errors to the form's fields; with `only_new`, only to fields the form found
    nothing wrong with (one message per field)."""
    for name, message in errors.items():
        field = getattr(form, name, None)
        if field is not None and not (only_new and field.errors):
            field.errors = [*field.errors, str(message)]


def _registration_choices(form: RegistrationForm) -> dict[str, str]:
    """Fill the unit and ward lists; returns the search words. Without JavaScript, the small
    search forms beside the lists reload the page with `?tim_don_vi=` or `?tim_xa=` (a GET:
    nothing typed in the registration form travels in the address, and no registration
    attempt is counted); with JavaScript the lists filter as one types."""
    units = [(u.id, u.name) for u in services.active_units(db.session)]
    wards = [(w.id, w.name) for w in services.wards(db.session)]
    search = {"unit_q": "", "ward_q": ""}
    if request.method == "GET":
        search = {"unit_q": (request.args.get("tim_don_vi") or "").strip()[:100],
                  "ward_q": (request.args.get("tim_xa") or "").strip()[:100]}
        units = matching_choices(units, search["unit_q"])
        wards = matching_choices(wards, search["ward_q"])
        if request.args.get("loai") == KIND_CITIZEN or search["ward_q"]:
            form.kind.data = KIND_CITIZEN
    form.unit_id.choices = [(0, _("— Chọn đơn vị —"))] + units
    form.ward_id.choices = [(0, _("— Chọn xã, phường —"))] + wards
    return search


@bp.route("/dang-ky", methods=["GET", "POST"])
@registration_rate_limit
def register():
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = RegistrationForm()
    search = _registration_choices(form)
    kind = form.kind.data if form.kind.data in (KIND_OFFICIAL, KIND_CITIZEN) else KIND_OFFICIAL
    citizen = kind == KIND_CITIZEN
    data = services.Registration(
        full_name=form.full_name.data, email=form.email.data, phone=form.phone.data,
        # The page shows both lists; only the one for the chosen kind counts.
        unit_id=None if citizen else (form.unit_id.data or None),
        password=form.password.data, kind=form.kind.data,
        ward_id=(form.ward_id.data or None) if citizen else None,
        organisation=form.organisation.data if citizen else None,
    )
    if form.validate_on_submit():
        try:
            user = services.register(db.session, data)
        except ValidationFailed as err:
            db.session.rollback()
            _apply_errors(form, err.fields)
        else:
            db.session.commit()
            notify_after_commit(notifications.notify_registration, user.id)
            login_user(user)
            flash(_("Đăng ký thành công. Chào mừng %(name)s!", name=user.full_name), "success")
            return redirect(_safe_next(url_for("main.index")))
    elif request.method == "POST":
        # Every field's problem at once: the service's checks (e-mail format, an e-mail or
        # phone already used, the unit or ward) run too, not only once the form passes.
        errors = services.check_registration(db.session, data)
        # The list that does not apply to the chosen kind says nothing; the one that does
        # says which list to choose from, not WTForms' "invalid choice".
        form.ward_id.errors = [] if not citizen else form.ward_id.errors
        form.unit_id.errors = [] if citizen else form.unit_id.errors
        for name in ("unit_id", "ward_id"):
            if name in errors:
                getattr(form, name).errors = []
        _apply_errors(form, errors, only_new=True)
    status = 422 if request.method == "POST" else 200
    return render_template("accounts/register.html", form=form, **search), status


@bp.route("/dang-nhap", methods=["GET", "POST"])
@login_rate_limit
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = services.authenticate(db.session, form.email.data, form.password.data)
        except services.LoginLocked as err:
            db.session.commit()
            form.password.errors = [locked_message(err)]
            response: Response = make_response(
                render_template("accounts/login.html", form=form), 429)
            response.headers["Retry-After"] = str(err.retry_after)
            return response
        db.session.commit()  # the failure counted, or the count reset
        if user is not None:
            login_user(user, remember=form.remember.data)
            flash(_("Đăng nhập thành công."), "success")
            return redirect(_safe_next(url_for("main.index")))
        form.password.errors = [_("Email hoặc mật khẩu không đúng.")]
    status = 422 if request.method == "POST" else 200
    return render_template("accounts/login.html", form=form), status


@bp.route("/dang-xuat", methods=["POST"])
def logout():
    logout_user()
    flash(_("Bạn đã đăng xuất."), "info")
    return redirect(url_for("main.index"))


@bp.route("/dang-xuat-moi-thiet-bi", methods=["POST"])
@login_required
def logout_everywhere():
    services.logout_everywhere(db.session, current_user._get_current_object())
    db.session.commit()
    logout_user()
    flash(_("Bạn đã đăng xuất khỏi mọi thiết bị. Vui lòng đăng nhập lại."), "info")
    return redirect(url_for(".login"))


def _has_remember_cookie() -> bool:
    return bool(request.cookies.get(
        current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token")))


@bp.route("/doi-mat-khau", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(
                current_user._get_current_object(), form.current_password.data,
                form.new_password.data,
            )
        except ValidationFailed as err:
            db.session.rollback()
            _apply_errors(form, err.fields)
        else:
            db.session.commit()
            # Every other session and API token has ended; this one goes on with the new
            # session id (and a new remember cookie if it had one).
            login_user(current_user._get_current_object(), remember=_has_remember_cookie())
            flash(_("Đã đổi mật khẩu. Các phiên đăng nhập khác đã kết thúc và mọi mã truy "
                    "cập API đã bị thu hồi."), "success")
            return redirect(url_for("main.index"))
    status = 422 if request.method == "POST" else 200
    return render_template("accounts/change_password.html", form=form), status


# --- Forgotten passwords and invitations ----------------------------------------------------

def reset_sent_message() -> str:
    return _("Nếu email này có tài khoản, chúng tôi đã gửi đường dẫn đặt lại mật khẩu tới "
             "địa chỉ đó. Đường dẫn dùng được một lần, trong 2 giờ. Nếu không thấy thư, hãy "
             "xem cả hộp thư rác.")


def request_password_reset(email: str) -> None:
    """The one path of "Quên mật khẩu?" (page and API): a link is issued and mailed only
    when the address has an active account; the caller answers the same either way."""
    issued = invitations.request_reset(db.session, email)
    db.session.commit()
    if issued is not None:
        user, token, expires_at = issued
        invitations.mail_link(user, TOKEN_RESET, token, expires_at)


@bp.route("/quen-mat-khau", methods=["GET", "POST"])
@password_reset_rate_limit
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        request_password_reset(form.email.data)
        flash(reset_sent_message(), "info")
        return redirect(url_for(".login"))
    status = 422 if request.method == "POST" else 200
    return render_template("accounts/forgot_password.html", form=form), status


def _no_referrer(response: Response) -> Response:
    """The token is in the page's address: never send it on as a Referer."""
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-store"
    return response


def _link_page(token: str, purpose: str):
    try:
        row = invitations.check_link(db.session, token, purpose)
    except invitations.LinkInvalid as err:
        db.session.rollback()
        status = 404 if err.state == "unknown" else 410
        return _no_referrer(make_response(render_template(
            "accounts/link_invalid.html", state=err.state, purpose=purpose), status))
    form = SetPasswordForm()
    if form.validate_on_submit():
        try:
            invitations.use_link(db.session, token, purpose, form.password.data)
        except invitations.LinkInvalid as err:
            db.session.rollback()
            return _no_referrer(make_response(render_template(
                "accounts/link_invalid.html", state=err.state, purpose=purpose), 410))
        except ValidationFailed as err:
            db.session.rollback()
            form.password.errors = [str(m) for m in err.fields.values()]
        else:
            db.session.commit()
            if current_user.is_authenticated:
                logout_user()
            flash(_("Đã đặt mật khẩu. Vui lòng đăng nhập bằng email và mật khẩu mới."),
                  "success")
            return _no_referrer(redirect(url_for(".login")))
    status = 422 if request.method == "POST" else 200
    return _no_referrer(make_response(render_template(
        "accounts/set_password.html", form=form, purpose=purpose, user=row.user,
        expires_at=row.expires_at), status))


@bp.route("/dat-lai-mat-khau/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    return _link_page(token, TOKEN_RESET)


@bp.route("/kich-hoat/<token>", methods=["GET", "POST"])
def accept_invitation(token: str):
    return _link_page(token, TOKEN_INVITE)
