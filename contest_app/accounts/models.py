"""Accounts: users, their roles, units and blocks, API tokens."""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import now
from ..extensions import db

ROLE_JUDGE = "judge"
ROLE_ORGANISER = "organiser"
ROLE_SURVEYOR = "surveyor"
ROLES = (ROLE_JUDGE, ROLE_ORGANISER, ROLE_SURVEYOR)
# How each role is named to people (pages, e-mails, imports); translated where shown.
ROLE_LABELS = {
    ROLE_JUDGE: _l("Giám khảo"),
    ROLE_ORGANISER: _l("Ban tổ chức"),
    ROLE_SURVEYOR: _l("Tổ thư ký / nhập phiếu khảo sát"),
}


# The one message for a mobile number the rule (rules.is_valid_phone) refuses.
PHONE_INVALID = _l("Số điện thoại di động phải có 10 chữ số, bắt đầu bằng 03, 05, 07, 08 hoặc "
                   "09.")


def role_label(role: str) -> str:
    """A role's Vietnamese name ("judge" -> "Giám khảo"); an unknown role as it is."""
    label = ROLE_LABELS.get(role)
    return str(label) if label is not None else role


def role_labels(roles: set[str] | list[str]) -> list[str]:
    """The Vietnamese names of `roles`, in the order of ROLES."""
    return [role_label(r) for r in ROLES if r in roles] + sorted(
        r for r in roles if r not in ROLES)

# Who a participant is: an official (cán bộ, công chức, viên chức, người lao động: belongs to a
# unit) or a citizen or business (người dân, doanh nghiệp: no unit, a ward of residence).
KIND_OFFICIAL = "official"
KIND_CITIZEN = "citizen"
KINDS = (KIND_OFFICIAL, KIND_CITIZEN)


class Block(db.Model):
    """A group of units (khối), e.g. administrative agencies or communes."""

    __tablename__ = "block"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    position: Mapped[int] = mapped_column(default=0)


class Unit(db.Model):
    """An organisation participants belong to (đơn vị), managed by organisers."""

    __tablename__ = "unit"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(255), unique=True)
    block_id: Mapped[int | None] = mapped_column(ForeignKey("block.id"), index=True)
    headcount: Mapped[int | None]
    active: Mapped[bool] = mapped_column(default=True)

    block: Mapped[Block | None] = relationship(lazy="joined")


class Ward(db.Model):
    """A commune or ward of the province (xã, phường) citizens say they live in; imported and
    managed by organisers like units, but never a unit: it has no ranking of its own."""

    __tablename__ = "ward"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(255), unique=True)
    code: Mapped[str | None] = mapped_column(String(20))


class User(UserMixin, db.Model):
    __tablename__ = "user_account"
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    full_name: Mapped[str] = mapped_column(String(150))
    # Unaccented lower-case name and given name (last word), for diacritics-insensitive search.
    search_name: Mapped[str] = mapped_column(String(150), default="", server_default="")
    search_given: Mapped[str] = mapped_column(String(60), default="", server_default="")
    phone: Mapped[str] = mapped_column(String(10), unique=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)
    # KIND_OFFICIAL (with a unit) or KIND_CITIZEN (with a ward and perhaps an organisation).
    kind: Mapped[str] = mapped_column(String(10), default=KIND_OFFICIAL,
                                      server_default=KIND_OFFICIAL)
    ward_id: Mapped[int | None] = mapped_column(ForeignKey("ward.id"), index=True)
    organisation: Mapped[str | None] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    date_of_birth: Mapped[date | None]
    # Staff of the organising board: may take quizzes, never ranked nor awarded.
    is_staff: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)
    # Part of the id every session and remember cookie carries (see `get_id`): bumping it
    # ends every session of the account at its next request.
    session_generation: Mapped[int] = mapped_column(default=1, server_default="1")
    created_at: Mapped[datetime] = mapped_column(default=now)

    unit: Mapped[Unit | None] = relationship(lazy="joined")
    ward: Mapped[Ward | None] = relationship(lazy="joined")
    role_rows: Mapped[list[UserRole]] = relationship(
        cascade="all, delete-orphan", lazy="selectin"
    )

    def set_name(self, full_name: str) -> None:
        from .rules import unaccent

        self.full_name = " ".join(full_name.split())
        self.search_name = unaccent(self.full_name)[:150]
        self.search_given = (self.search_name.rsplit(" ", 1)[-1] if self.search_name else "")[:60]

    @property
    def place(self) -> str:
        """Where the person is shown as coming from: the unit of an official, the ward of a
        citizen (empty when neither is known)."""
        if self.unit is not None:
            return self.unit.name
        return self.ward.name if self.ward is not None else ""

    @property
    def roles(self) -> set[str]:
        return {r.role for r in self.role_rows}

    def has_role(self, role: str) -> bool:
        return role == "participant" or role in self.roles

    @property
    def is_active(self) -> bool:  # Flask-Login
        return self.active

    def get_id(self) -> str:  # Flask-Login: stored in the session and the remember cookie
        return session_id(self.id, self.session_generation)


def session_id(user_id: int, generation: int) -> str:
    """The id a session carries: "<user id>:<session generation>"."""
    return f"{user_id}:{generation}"


def parse_session_id(value: object) -> tuple[int, int] | None:
    """(user id, generation) from a session id, or None for anything else, including the bare
    "<id>" that sessions held before generations existed."""
    if not isinstance(value, str):
        return None
    user_part, sep, generation_part = value.partition(":")
    if not sep or not user_part.isascii() or not generation_part.isascii():
        return None
    if not (user_part.isdigit() and generation_part.isdigit()):
        return None
    if len(user_part) > 10 or len(generation_part) > 10:
        return None
    return int(user_part), int(generation_part)


class UserRole(db.Model):
    __tablename__ = "user_role"
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[str] = mapped_column(String(20), primary_key=True)


class ApiToken(db.Model):
    """A bearer token for the JSON API; only its SHA-256 hash is stored."""

    __tablename__ = "api_token"
    __table_args__ = (UniqueConstraint("token_hash"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=now)
    expires_at: Mapped[datetime]


class LoginThrottle(db.Model):
    """Consecutive failed logins for one e-mail address, shared by every worker and client
    address. Keyed by the SHA-256 of the normalised address, so an unknown address is counted
    (and refused) exactly like a known one and no typed address is stored in clear."""

    __tablename__ = "login_throttle"
    email_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(default=0)
    last_failure_at: Mapped[datetime] = mapped_column(index=True)
    locked_until: Mapped[datetime | None]


TOKEN_INVITE = "invite"
TOKEN_RESET = "reset"
TOKEN_PURPOSES = (TOKEN_INVITE, TOKEN_RESET)


class AccountToken(db.Model):
    """A one-time link to set an account's password: an invitation (the organiser created the
    account) or a reset (forgotten password). Only the SHA-256 of the token is stored; the
    token itself exists in the link alone."""

    __tablename__ = "account_token"
    __table_args__ = (UniqueConstraint("token_hash"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    purpose: Mapped[str] = mapped_column(String(10))
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=now)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    # Set when a newer link of the same purpose (or a password set another way) replaced it.
    voided_at: Mapped[datetime | None]
    # The organiser who issued it (None: the person asked for it themselves).
    issued_by: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))

    user: Mapped[User] = relationship(foreign_keys=[user_id], lazy="joined")
