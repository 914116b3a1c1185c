"""Kiosk mode: a shared tablet at the one-stop desk answering one survey, citizen after
citizen. A staff member starts a kiosk session on the device (audited); the device then holds a
signed cookie naming the session, its survey, the staff member and the expiry. The session row
is the authority: ending it (on the device with a staff password, or from the staff's list)
or reaching `expires_at` ends kiosk mode at once. Writes flush; the caller commits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from ..accounts.models import User
from ..domain import Forbidden
from ..errors import register_domain_error
from ..organiser.models import record
from . import rules
from .models import SOURCE_WEB, Survey, SurveyKiosk, SurveyResponse
from .services import submit_response

COOKIE = "survey_kiosk"
_SALT = "survey-kiosk"

register_domain_error("survey_kiosk_too_fast", 429, _l(
    "Máy này vừa gửi một phiếu. Vui lòng đợi vài giây rồi bấm Gửi lại."))


def hours() -> int:
    return int(current_app.config.get("SURVEY_KIOSK_HOURS", rules.DEFAULT_KIOSK_HOURS))


def interval() -> int:
    return int(current_app.config.get("SURVEY_KIOSK_INTERVAL_SECONDS",
                                      rules.DEFAULT_KIOSK_INTERVAL_SECONDS))


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt=_SALT)


def cookie_value(kiosk: SurveyKiosk) -> str:
    """The device's signed cookie: kiosk session, survey, staff member, expiry (Unix time)."""
    return _serializer().dumps({"k": kiosk.id, "s": kiosk.survey_id, "u": kiosk.started_by_id,
                                "e": int(kiosk.expires_at.timestamp())})


def kiosk_from_cookie(session: Session, value: str | None, now: datetime) -> SurveyKiosk | None:
    """The active kiosk session the cookie names, or None (no cookie, a forged or altered one,
    a session that was ended or has expired)."""
    if not value or len(value) > 500:
        return None
    try:
        data = _serializer().loads(value)
    except BadSignature:
        return None
    if not isinstance(data, dict) or type(data.get("k")) is not int:
        return None
    kiosk = session.get(SurveyKiosk, data["k"])
    if kiosk is None or kiosk.survey_id != data.get("s") or kiosk.started_by_id != data.get("u"):
        return None
    if int(kiosk.expires_at.timestamp()) != data.get("e"):
        return None
    if not rules.kiosk_active(now, kiosk.expires_at, kiosk.ended_at):
        return None
    return kiosk


def start(session: Session, actor: User, survey: Survey, now: datetime) -> SurveyKiosk:
    """A new kiosk session for an open survey, started by organiser or secretariat staff."""
    if not rules.may_run_kiosk(actor.roles):
        raise Forbidden()
    rules.check_open(now, survey.opens_at, survey.closes_at, survey.published)
    kiosk = SurveyKiosk(survey_id=survey.id, started_by_id=actor.id, started_at=now,
                        expires_at=rules.kiosk_expires_at(now, hours()))
    session.add(kiosk)
    session.flush()
    record(actor.id, "survey_kiosk.start", kiosk, None,
           {"survey_id": survey.id, "expires_at": kiosk.expires_at.isoformat()})
    return kiosk


def stop(session: Session, actor: User, kiosk: SurveyKiosk, now: datetime) -> bool:
    """End a kiosk session (False when it had already ended)."""
    if not rules.may_run_kiosk(actor.roles):
        raise Forbidden()
    if kiosk.ended_at is not None:
        return False
    kiosk.ended_at = now
    kiosk.ended_by_id = actor.id
    session.flush()
    record(actor.id, "survey_kiosk.stop", kiosk, None,
           {"survey_id": kiosk.survey_id, "answers": answer_count(session, kiosk.id)})
    return True


def submit(session: Session, kiosk: SurveyKiosk, raw: dict, now: datetime) -> SurveyResponse:
    """One citizen's answer on a kiosk: the per-browser rule does not apply, the per-kiosk
    pace does (KioskTooFast), and the response is tagged with the kiosk session. The pace is
    claimed by one conditional UPDATE, so two simultaneous posts from one kiosk cannot both
    pass; a refused answer (invalid, too fast) rolls the claim back with the request."""
    pace = interval()
    claimed = session.execute(
        update(SurveyKiosk)
        .where(SurveyKiosk.id == kiosk.id, or_(
            SurveyKiosk.last_answer_at.is_(None),
            SurveyKiosk.last_answer_at <= now - timedelta(seconds=pace)))
        .values(last_answer_at=now)
        .execution_options(synchronize_session=False)).rowcount
    if not claimed:
        session.refresh(kiosk)
        raise rules.KioskTooFast(max(1, rules.kiosk_wait_seconds(kiosk.last_answer_at, now,
                                                                  pace)))
    return submit_response(session, kiosk.survey_id, raw, now, SOURCE_WEB, token=None,
                           kiosk_id=kiosk.id)


def answer_count(session: Session, kiosk_id: int) -> int:
    return session.scalar(select(func.count(SurveyResponse.id)).where(
        SurveyResponse.kiosk_id == kiosk_id)) or 0


@dataclass(frozen=True)
class KioskRow:
    kiosk: SurveyKiosk
    started_by: str
    answers: int
    active: bool


def sessions_of(session: Session, survey_id: int, now: datetime) -> list[KioskRow]:
    """The survey's kiosk sessions, newest first, with who started them and their answers."""
    counts = dict(session.execute(
        select(SurveyResponse.kiosk_id, func.count(SurveyResponse.id))
        .where(SurveyResponse.survey_id == survey_id, SurveyResponse.kiosk_id.is_not(None))
        .group_by(SurveyResponse.kiosk_id)).all())
    rows = session.execute(
        select(SurveyKiosk, User.full_name).outerjoin(User, User.id == SurveyKiosk.started_by_id)
        .where(SurveyKiosk.survey_id == survey_id)
        .order_by(SurveyKiosk.started_at.desc(), SurveyKiosk.id.desc())).all()
    return [KioskRow(k, name or "", counts.get(k.id, 0),
                     rules.kiosk_active(now, k.expires_at, k.ended_at)) for k, name in rows]


def get_kiosk(session: Session, survey_id: int, kiosk_id: int) -> SurveyKiosk | None:
    kiosk = session.get(SurveyKiosk, kiosk_id)
    return kiosk if kiosk is not None and kiosk.survey_id == survey_id else None
