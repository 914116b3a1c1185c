"""Account operations: registration, authentication, passwords, roles, units, API tokens."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from ..clock import now
from ..domain import DomainError, ValidationFailed
from ..extensions import db
from ..organiser.models import record
from ..parsing import MAX_ID
from .models import (
    KIND_CITIZEN,
    KIND_OFFICIAL,
    KINDS,
    PHONE_INVALID,
    ROLES,
    ApiToken,
    LoginThrottle,
    Unit,
    User,
    UserRole,
    Ward,
    parse_session_id,
)
from .rules import (
    failures_so_far,
    is_valid_phone,
    lock_seconds,
    normalise_email,
    normalise_phone,
    seconds_until,
)

MIN_PASSWORD = 8
ORGANISATION_MAX = 200


@dataclass
class Registration:
    full_name: str
    email: str
    phone: str
    unit_id: int | None
    password: str
    # "official" (a unit is required) or "citizen" (a ward is required, no unit; an optional
    # organisation name for a business).
    kind: str = KIND_OFFICIAL
    ward_id: int | None = None
    organisation: str | None = None


def hash_password(password: str) -> str:
    return generate_password_hash(password)


def check_registration(session: Session, data: Registration) -> dict[str, object]:
    """Field errors for a registration (empty when valid)."""
    errors: dict[str, object] = {}
    if not data.full_name or len(data.full_name.strip()) < 2:
        errors["full_name"] = _l("Vui lòng nhập họ và tên.")
    email = normalise_email(data.email)
    if "@" not in email or "." not in email.rsplit("@", 1)[-1]:
        errors["email"] = _l("Địa chỉ email không hợp lệ.")
    elif session.scalar(select(User.id).where(User.email == email)):
        errors["email"] = _l("Email này đã được dùng để đăng ký.")
    phone = normalise_phone(data.phone)
    if not is_valid_phone(phone):
        errors["phone"] = PHONE_INVALID
    elif session.scalar(select(User.id).where(User.phone == phone)):
        errors["phone"] = _l("Số điện thoại này đã được dùng cho một tài khoản khác.")
    if data.kind not in KINDS:
        errors["kind"] = _l("Vui lòng cho biết bạn là cán bộ, công chức, viên chức, người lao "
                            "động hay người dân, doanh nghiệp.")
    elif data.kind == KIND_OFFICIAL:
        if data.unit_id is None or not 1 <= data.unit_id <= MAX_ID or not session.scalar(
            select(Unit.id).where(Unit.id == data.unit_id, Unit.active.is_(True))
        ):
            errors["unit_id"] = _l("Vui lòng chọn đơn vị trong danh sách.")
    else:
        if data.unit_id is not None:
            errors["unit_id"] = _l("Người dân, doanh nghiệp không chọn đơn vị; vui lòng chọn "
                                   "xã, phường nơi cư trú.")
        if data.ward_id is None or not 1 <= data.ward_id <= MAX_ID or not session.scalar(
            select(Ward.id).where(Ward.id == data.ward_id)
        ):
            errors["ward_id"] = _l("Vui lòng chọn xã, phường nơi cư trú trong danh sách.")
        if len(" ".join((data.organisation or "").split())) > ORGANISATION_MAX:
            errors["organisation"] = _l("Tên tổ chức, doanh nghiệp dài quá 200 ký tự.")
    if not data.password or len(data.password) < MIN_PASSWORD:
        errors["password"] = _l("Mật khẩu phải có ít nhất 8 ký tự.")
    return errors


def register(session: Session, data: Registration) -> User:
    """Create a participant account or raise ValidationFailed with field errors."""
    errors = check_registration(session, data)
    if errors:
        raise ValidationFailed(**errors)
    citizen = data.kind == KIND_CITIZEN
    user = User(
        email=normalise_email(data.email),
        phone=normalise_phone(data.phone),
        kind=data.kind,
        unit_id=None if citizen else data.unit_id,
        ward_id=data.ward_id if citizen else None,
        organisation=(" ".join((data.organisation or "").split()) or None) if citizen else None,
        password_hash=hash_password(data.password),
        created_at=now(),
    )
    user.set_name(data.full_name)
    session.add(user)
    try:
        session.flush()
    except IntegrityError:
        # A simultaneous registration took the e-mail (or phone) between the check and the
        # insert: the unique constraint decides. Registration is the request's only write, so
        # the whole transaction goes; the check, run again, now names the field taken.
        session.rollback()
        raise ValidationFailed(**(check_registration(session, data) or {
            "email": _l("Email này đã được dùng để đăng ký.")})) from None
    return user


class LoginLocked(DomainError):
    """Too many consecutive failed logins for this e-mail address: refused until
    `locked_until` (the caller tells the person when to retry)."""

    code = "login_locked"
    persist = True  # the failure that set the lock must be kept

    def __init__(self, locked_until: datetime, retry_after: int) -> None:
        super().__init__()
        self.locked_until = locked_until
        self.retry_after = retry_after


_DUMMY_HASH: list[str] = []


def dummy_password_hash() -> str:
    """A hash of a random password made like every real one (same method and parameters), so
    checking a password for an unknown address costs what it costs for a known one."""
    if not _DUMMY_HASH:
        _DUMMY_HASH.append(hash_password(secrets.token_urlsafe(24)))
    return _DUMMY_HASH[0]


def _email_key(email: str) -> str:
    return hashlib.sha256(normalise_email(email).encode()).hexdigest()


def authenticate(session: Session, email: str, password: str) -> User | None:
    """The active account with this e-mail and password, or None; the answer and the work done
    are the same whether or not the address has an account. Failures are counted per address
    in the database (every worker, every client address): from the fifth in a row the address
    is refused with LoginLocked for a delay that grows (accounts/rules.py); a success resets
    the count. The caller commits in both cases."""
    moment = now()
    key = _email_key(email)
    throttle = session.get(LoginThrottle, key, with_for_update=True)
    user = session.scalar(select(User).where(User.email == normalise_email(email)))
    # Always exactly one hash check, against the account's hash or the dummy one.
    valid = check_password_hash(user.password_hash if user else dummy_password_hash(),
                                password)
    if throttle is not None:
        wait = seconds_until(throttle.locked_until, moment)
        if wait:
            raise LoginLocked(throttle.locked_until, wait)
    if user is not None and user.active and valid:
        if throttle is not None:
            session.delete(throttle)
            session.flush()
        return user
    _record_failure(session, key, throttle, moment)
    return None


def _record_failure(session: Session, key: str, throttle: LoginThrottle | None,
                    moment: datetime) -> None:
    if throttle is None:
        try:
            with session.begin_nested():
                throttle = LoginThrottle(email_hash=key, failures=0, last_failure_at=moment)
                session.add(throttle)
        except IntegrityError:  # another worker counted the first failure at the same time
            throttle = session.get(LoginThrottle, key, with_for_update=True,
                                   populate_existing=True)
            if throttle is None:  # pragma: no cover - the row was deleted in between
                return
            wait = seconds_until(throttle.locked_until, moment)
            if wait:  # the racing failure set the lock: refused like any locked attempt
                raise LoginLocked(throttle.locked_until, wait) from None
    failures = failures_so_far(throttle.failures, throttle.last_failure_at, moment) + 1
    throttle.failures = failures
    throttle.last_failure_at = moment
    delay = lock_seconds(failures)
    throttle.locked_until = moment + timedelta(seconds=delay) if delay else None
    session.flush()
    if delay:
        raise LoginLocked(throttle.locked_until, delay)


def change_password(user: User, current: str, new: str) -> None:
    """Set a new password. Every session and API token of the account ends; the caller logs
    the changing session in again with the new session id."""
    if not check_password_hash(user.password_hash, current):
        raise ValidationFailed(current_password=_l("Mật khẩu hiện tại không đúng."))
    set_password(db.session, user, new)


def set_password(session: Session, user: User, new: str,
                 action: str = "user.password_change") -> None:
    """Give the account a new password (at least MIN_PASSWORD characters): every session and
    API token of the account ends, and the change is audited as `action`."""
    if not new or len(new) < MIN_PASSWORD:
        raise ValidationFailed(new_password=_l("Mật khẩu phải có ít nhất 8 ký tự."))
    user.password_hash = hash_password(new)
    end_sessions(session, user)
    record(user.id, action, user)


def end_sessions(session: Session, user: User) -> int:
    """End every session and remember cookie of `user` (their session id changes) and revoke
    every API token; returns how many tokens were revoked."""
    user.session_generation = (user.session_generation or 0) + 1
    result = session.execute(
        ApiToken.__table__.delete().where(ApiToken.user_id == user.id))
    session.flush()
    return result.rowcount or 0


def logout_everywhere(session: Session, user: User) -> None:
    """"Đăng xuất khỏi mọi thiết bị": every session and API token of the account ends."""
    tokens = end_sessions(session, user)
    record(user.id, "user.logout_everywhere", user, None, {"tokens_revoked": tokens})


def deactivate_user(session: Session, actor: User | None, user: User,
                    reason: str | None = None) -> None:
    """Lock an account: it can no longer log in, and its sessions and API tokens end now."""
    if actor is not None and actor.id == user.id:
        raise ValidationFailed(active=_l("Bạn không thể tự khóa tài khoản của chính mình."))
    was = user.active
    user.active = False
    tokens = end_sessions(session, user)
    record(actor.id if actor else None, "user.deactivate", user, {"active": was},
           {"active": False, "tokens_revoked": tokens}, reason)


def reactivate_user(session: Session, actor: User | None, user: User,
                    reason: str | None = None) -> None:
    """Unlock an account; its holder logs in again (old sessions stay ended)."""
    was = user.active
    user.active = True
    session.flush()
    record(actor.id if actor else None, "user.reactivate", user, {"active": was},
           {"active": True}, reason)


def session_user_id(session: Session, value: object) -> int | None:
    """The account a session id ("<id>:<generation>") still belongs to: None when the id is
    malformed or old-style, the account is locked or gone, or its sessions were ended."""
    parsed = parse_session_id(value)
    if parsed is None:
        return None
    user_id, generation = parsed
    if user_id > MAX_ID:
        return None
    row = session.execute(
        select(User.active, User.session_generation).where(User.id == user_id)).first()
    if row is None or not row.active or row.session_generation != generation:
        return None
    return user_id


def load_session_user(session: Session, value: object) -> User | None:
    """Flask-Login's user loader: the account of a valid, current session id, else None."""
    parsed = parse_session_id(value)
    if parsed is None:
        return None
    user_id, generation = parsed
    if user_id > MAX_ID:
        return None
    user = session.get(User, user_id)
    if user is None or not user.active or user.session_generation != generation:
        return None
    return user


def set_roles(session: Session, actor: User | None, user: User, roles: set[str]) -> None:
    roles = {r for r in roles if r in ROLES}
    before = sorted(user.roles)
    user.role_rows = [r for r in user.role_rows if r.role in roles]
    for role in roles - user.roles:
        user.role_rows.append(UserRole(role=role))
    session.flush()
    record(actor.id if actor else None, "user.roles", user, {"roles": before},
           {"roles": sorted(roles)})


def create_user(
    session: Session,
    *,
    email: str,
    full_name: str,
    phone: str,
    password: str,
    unit_id: int | None = None,
    roles: set[str] | frozenset[str] = frozenset(),
    kind: str = KIND_OFFICIAL,
    ward_id: int | None = None,
    organisation: str | None = None,
) -> User:
    """Create an account directly (CLI, demo). Validates phone and uniqueness."""
    phone = normalise_phone(phone)
    if not is_valid_phone(phone):
        raise ValidationFailed(phone=PHONE_INVALID)
    email = normalise_email(email)
    if session.scalar(select(User.id).where(User.email == email)):
        raise ValidationFailed(email=_l("Email này đã được dùng để đăng ký."))
    if session.scalar(select(User.id).where(User.phone == phone)):
        raise ValidationFailed(phone=_l("Số điện thoại này đã được dùng cho một tài khoản khác."))
    user = User(
        email=email,
        phone=phone,
        kind=kind,
        unit_id=unit_id,
        ward_id=ward_id,
        organisation=organisation,
        password_hash=hash_password(password),
        role_rows=[UserRole(role=r) for r in sorted(roles)],
    )
    user.set_name(full_name)
    session.add(user)
    session.flush()
    return user


def active_units(session: Session) -> list[Unit]:
    return list(session.scalars(select(Unit).where(Unit.active.is_(True)).order_by(Unit.name)))


def wards(session: Session) -> list[Ward]:
    """The province's communes and wards, by name."""
    return list(session.scalars(select(Ward).order_by(Ward.name)))


def ward_in_use(session: Session, ward_id: int) -> bool:
    return session.scalar(select(User.id).where(User.ward_id == ward_id).limit(1)) is not None


def save_ward(session: Session, actor: User, ward: Ward | None, name: str,
              code: str | None = None) -> Ward:
    """Add a ward or rename one; names are unique (case-insensitive)."""
    name = " ".join((name or "").split())
    code = " ".join((code or "").split()) or None
    if not name:
        raise ValidationFailed(name=_l("Vui lòng nhập tên xã, phường."))
    if len(name) > 255:
        raise ValidationFailed(name=_l("Tên xã, phường dài quá 255 ký tự."))
    if code is not None and len(code) > 20:
        raise ValidationFailed(code=_l("Mã xã, phường dài quá 20 ký tự."))
    clash = session.scalar(select(Ward.id).where(func.lower(Ward.name) == name.lower(),
                                                 Ward.id != (ward.id if ward else -1)))
    if clash:
        raise ValidationFailed(name=_l("Đã có xã, phường với tên này."))
    before = None
    if ward is None:
        ward = Ward(name=name, code=code)
        session.add(ward)
    else:
        before = {"name": ward.name, "code": ward.code}
        ward.name, ward.code = name, code if code is not None else ward.code
    session.flush()
    record(actor.id, "ward.save", ward, before, {"name": ward.name, "code": ward.code})
    return ward


def delete_ward(session: Session, actor: User, ward: Ward) -> None:
    """Delete a ward nobody registered with; one in use is refused (rename it instead)."""
    if ward_in_use(session, ward.id):
        raise ValidationFailed(ward=_l("Không thể xóa xã, phường đã có người đăng ký; hãy đổi "
                                       "tên nếu cần sửa."))
    record(actor.id, "ward.delete", ward, {"name": ward.name, "code": ward.code}, None)
    session.delete(ward)
    session.flush()


def save_unit(
    session: Session, actor: User, unit: Unit | None, name: str, block_id: int | None,
    headcount: int | None, active: bool = True,
) -> Unit:
    name = " ".join((name or "").split())
    if not name:
        raise ValidationFailed(name=_l("Vui lòng nhập tên đơn vị."))
    if headcount is not None and headcount < 0:
        raise ValidationFailed(headcount=_l("Số người phải là số không âm."))
    clash = session.scalar(
        select(Unit.id).where(func.lower(Unit.name) == name.lower(),
                              Unit.id != (unit.id if unit else -1))
    )
    if clash:
        raise ValidationFailed(name=_l("Đã có đơn vị với tên này."))
    before = None
    if unit is None:
        unit = Unit()
        session.add(unit)
    else:
        before = {"name": unit.name, "block_id": unit.block_id, "headcount": unit.headcount,
                  "active": unit.active}
    unit.name, unit.block_id, unit.headcount, unit.active = name, block_id, headcount, active
    session.flush()
    record(actor.id, "unit.save", unit, before,
           {"name": name, "block_id": block_id, "headcount": headcount, "active": active})
    return unit


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(session: Session, user: User, hours: int) -> tuple[str, datetime]:
    """Create an API bearer token; only its hash is stored."""
    token = secrets.token_urlsafe(32)
    expires = now() + timedelta(hours=hours)
    session.add(ApiToken(user_id=user.id, token_hash=token_hash(token), expires_at=expires,
                         created_at=now()))
    session.flush()
    return token, expires


def user_for_token(session: Session, token: str) -> User | None:
    row = session.execute(
        select(ApiToken.user_id, ApiToken.expires_at).where(
            ApiToken.token_hash == token_hash(token)
        )
    ).first()
    if row is None or row.expires_at <= now():
        return None
    user = session.get(User, row.user_id)
    return user if user is not None and user.active else None


def revoke_token(session: Session, token: str) -> None:
    session.execute(ApiToken.__table__.delete().where(ApiToken.token_hash == token_hash(token)))
