"""One-time links (invitations, password resets) and the accounts organisers create.

The rules (lifetimes, states) are in accounts/rules.py; this module reads and writes them.
Only the SHA-256 of a link's token is stored. Callers commit, then mail the link (so no mail
leaves for a transaction that did not happen)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime

from flask import current_app, render_template, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .. import mail
from ..clock import now
from ..domain import DomainError, ValidationFailed
from ..organiser.models import record
from . import staff_import
from .models import (
    PHONE_INVALID,
    ROLES,
    TOKEN_INVITE,
    TOKEN_RESET,
    AccountToken,
    LoginThrottle,
    User,
    UserRole,
    role_labels,
)
from .rules import (
    TOKEN_VALID,
    is_valid_phone,
    normalise_email,
    normalise_phone,
    reset_mail_due,
    token_expiry,
    token_state,
)
from .services import _email_key, dummy_password_hash, set_password, token_hash

MAX_TOKEN_CHARS = 100
INVITE_ENDPOINT = "accounts.accept_invitation"
RESET_ENDPOINT = "accounts.reset_password"


class LinkInvalid(DomainError):
    """The link cannot set a password: `state` is "unknown", "used", "voided", "expired" or
    "locked" (the account is locked)."""

    code = "link_invalid"

    def __init__(self, state: str) -> None:
        super().__init__(state)
        self.state = state


# --- links ------------------------------------------------------------------------------------

def void_links(session: Session, user_id: int, purpose: str | None, moment: datetime) -> int:
    """Void every open link of the account (of `purpose`, or of any purpose when None)."""
    stmt = update(AccountToken).where(
        AccountToken.user_id == user_id, AccountToken.used_at.is_(None),
        AccountToken.voided_at.is_(None))
    if purpose is not None:
        stmt = stmt.where(AccountToken.purpose == purpose)
    result = session.execute(stmt.values(voided_at=moment).execution_options(
        synchronize_session=False))
    return result.rowcount or 0


def issue_link(session: Session, user: User, purpose: str, actor_id: int | None = None
               ) -> tuple[str, AccountToken]:
    """A new one-time link of `purpose` for `user` (older ones of that purpose are voided);
    returns the token, which is never stored, and its row."""
    moment = now()
    void_links(session, user.id, purpose, moment)
    token = secrets.token_urlsafe(32)
    row = AccountToken(purpose=purpose, user_id=user.id, token_hash=token_hash(token),
                       created_at=moment, expires_at=token_expiry(purpose, moment),
                       issued_by=actor_id)
    session.add(row)
    session.flush()
    record(actor_id, f"user.{purpose}_link", user, None,
           {"expires_at": row.expires_at.isoformat(), "by_organiser": actor_id is not None})
    return token, row


def find_link(session: Session, token: str, purpose: str) -> AccountToken | None:
    if not token or len(token) > MAX_TOKEN_CHARS:
        return None
    return session.scalar(select(AccountToken).where(
        AccountToken.token_hash == token_hash(token), AccountToken.purpose == purpose))


def check_link(session: Session, token: str, purpose: str) -> AccountToken:
    """The valid link for `token`, or LinkInvalid saying why not."""
    row = find_link(session, token, purpose)
    if row is None:
        raise LinkInvalid("unknown")
    state = token_state(row.expires_at, row.used_at, row.voided_at, now())
    if state != TOKEN_VALID:
        raise LinkInvalid(state)
    if not row.user.active:
        raise LinkInvalid("locked")
    return row


def use_link(session: Session, token: str, purpose: str, new_password: str) -> User:
    """Set the account's password through a valid link: the link is spent (once, even under
    concurrent use), every other open link voided, every session and API token ended, any
    login lock of the address lifted."""
    row = check_link(session, token, purpose)
    user = row.user
    set_password(session, user, new_password, action=f"user.password_{purpose}")
    moment = now()
    spent = session.execute(
        update(AccountToken).where(AccountToken.id == row.id, AccountToken.used_at.is_(None),
                                   AccountToken.voided_at.is_(None))
        .values(used_at=moment).execution_options(synchronize_session=False))
    if spent.rowcount != 1:  # another request used it a moment ago
        session.rollback()
        raise LinkInvalid("used")
    void_links(session, user.id, None, moment)
    session.execute(delete(LoginThrottle).where(LoginThrottle.email_hash == _email_key(user.email)))
    session.flush()
    return user


def request_reset(session: Session, email: str) -> tuple[User, str, datetime] | None:
    """"Quên mật khẩu?": a reset link for the active account with this address, or None (no
    such account, locked, or a link was sent less than a minute ago). The caller answers
    the same in every case."""
    user = session.scalar(select(User).where(User.email == normalise_email(email)))
    if user is None or not user.active:
        return None
    last = session.scalar(
        select(AccountToken.created_at).where(
            AccountToken.user_id == user.id, AccountToken.purpose == TOKEN_RESET,
            AccountToken.issued_by.is_(None))
        .order_by(AccountToken.created_at.desc()).limit(1))
    if not reset_mail_due(last, now()):
        return None
    token, row = issue_link(session, user, TOKEN_RESET)
    return user, token, row.expires_at


def invitation_state(session: Session, user: User) -> str | None:
    """None (never invited), "pending" (invited, no password set through a link yet) or
    "accepted"."""
    rows = session.execute(select(AccountToken.purpose, AccountToken.used_at).where(
        AccountToken.user_id == user.id)).all()
    if not any(r.purpose == TOKEN_INVITE for r in rows):
        return None
    return "accepted" if any(r.used_at is not None for r in rows) else "pending"


# --- mail ---------------------------------------------------------------------------------

def link_url(purpose: str, token: str) -> str:
    """The absolute link, from PUBLIC_BASE_URL when set (never from a Host header then)."""
    endpoint = INVITE_ENDPOINT if purpose == TOKEN_INVITE else RESET_ENDPOINT
    base = (current_app.config.get("PUBLIC_BASE_URL") or "").rstrip("/")
    if base:
        return base + url_for(endpoint, token=token)
    return url_for(endpoint, token=token, _external=True)


def mail_link(user: User, purpose: str, token: str, expires_at: datetime) -> mail.Message:
    """Mail the link to the account's address, in Vietnamese (plain text and HTML)."""
    from ..i18n import format_dt

    link = link_url(purpose, token)
    name = "invite" if purpose == TOKEN_INVITE else "reset"
    with force_locale("vi"):
        context = {"user": user, "link": link, "expires": format_dt(expires_at),
                   "roles": role_labels(user.roles),
                   "organiser": current_app.config.get("ORGANISER_NAME")}
        subject = (_("Mời bạn kích hoạt tài khoản Hội thi CCHC") if purpose == TOKEN_INVITE
                   else _("Đặt lại mật khẩu tài khoản Hội thi CCHC"))
        text = render_template(f"mail/{name}.txt", **context)
        html = render_template(f"mail/{name}.html", **context)
    return mail.send(user.email, subject, text, html)


# --- accounts the organiser creates ---------------------------------------------------------

@dataclass
class StaffAccount:
    full_name: str
    email: str
    phone: str
    roles: set[str] = field(default_factory=set)


def check_staff_account(session: Session, data: StaffAccount) -> dict[str, object]:
    """Field errors for an account the organiser creates (empty when valid)."""
    errors: dict[str, object] = {}
    name = " ".join((data.full_name or "").split())
    if len(name) < 2:
        errors["full_name"] = _l("Vui lòng nhập họ và tên.")
    elif len(name) > 150:
        errors["full_name"] = _l("Họ và tên dài quá 150 ký tự.")
    email = normalise_email(data.email)
    if len(email) > 254 or "@" not in email or "." not in email.rsplit("@", 1)[-1] \
            or " " in email:
        errors["email"] = _l("Địa chỉ email không hợp lệ.")
    elif session.scalar(select(User.id).where(User.email == email)):
        errors["email"] = _l("Email này đã có tài khoản.")
    phone = normalise_phone(data.phone)
    if not is_valid_phone(phone):
        errors["phone"] = PHONE_INVALID
    elif session.scalar(select(User.id).where(User.phone == phone)):
        errors["phone"] = _l("Số điện thoại này đã được dùng cho một tài khoản khác.")
    if not data.roles or not set(data.roles) <= set(ROLES):
        errors["roles"] = _l("Vui lòng chọn ít nhất một vai trò.")
    return errors


def create_staff_account(session: Session, actor: User, data: StaffAccount
                         ) -> tuple[User, str, AccountToken]:
    """Create a judge, secretariat or organiser account with no usable password, and its
    invitation link (72 h). Staff of the organising board are never ranked. Returns the
    account, the invitation token and its row; raises ValidationFailed."""
    errors = check_staff_account(session, data)
    if errors:
        raise ValidationFailed(**errors)
    user = User(
        email=normalise_email(data.email), phone=normalise_phone(data.phone),
        # The hash of a random password nobody knows (made once per process, so a list of
        # hundreds is created in one request, and a login attempt costs the usual hash check):
        # the account is usable once the link sets a password.
        password_hash=dummy_password_hash(), is_staff=True,
        created_at=now(), role_rows=[UserRole(role=r) for r in sorted(data.roles)],
    )
    user.set_name(data.full_name)
    try:
        with session.begin_nested():
            session.add(user)
            session.flush()
    except IntegrityError:
        # Another request took the e-mail or phone between the check and the insert: the
        # unique constraints decide, and the check, run again, names the field.
        raise ValidationFailed(**(check_staff_account(session, data) or {
            "email": _l("Email này đã có tài khoản.")})) from None
    record(actor.id, "user.create", user, None,
           {"email": user.email, "roles": sorted(data.roles), "is_staff": True})
    token, row = issue_link(session, user, TOKEN_INVITE, actor.id)
    return user, token, row


def create_staff_accounts(session: Session, actor: User, rows: list[StaffAccount]
                          ) -> list[tuple[User, str, AccountToken]]:
    """All of `rows` or none: any invalid row raises ValidationFailed naming it (the caller
    rolls back)."""
    created = []
    for number, data in enumerate(rows, start=1):
        try:
            created.append(create_staff_account(session, actor, data))
        except ValidationFailed as err:
            raise ValidationFailed(row=str(number), **err.fields) from None
    return created


def check_existing(session: Session, parsed: staff_import.Parsed) -> staff_import.Parsed:
    """`parsed` with every line whose e-mail or phone already has an account moved to the
    problems (rows in file order)."""
    emails = {line.email for line in parsed.lines}
    phones = {line.phone for line in parsed.lines}
    taken_emails = set(session.scalars(select(User.email).where(User.email.in_(emails)))) \
        if emails else set()
    taken_phones = set(session.scalars(select(User.phone).where(User.phone.in_(phones)))) \
        if phones else set()
    result = staff_import.Parsed(problems=list(parsed.problems))
    for line in parsed.lines:
        bad = []
        if line.email in taken_emails:
            bad.append(staff_import.Problem(line.row, "email_taken", line.email))
        if line.phone in taken_phones:
            bad.append(staff_import.Problem(line.row, "phone_taken", line.phone))
        if bad:
            result.problems.extend(bad)
        else:
            result.lines.append(line)
    result.problems.sort(key=lambda p: p.row)
    return result
