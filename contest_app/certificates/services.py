"""Certificates: the template design, issuing (idempotent), the PDF cache, revocation and
bulk generation for a round. Writes flush; the caller commits (except the bulk job, which
is written to run on its own, e.g. from the CLI or a queued job)."""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from datetime import datetime, tzinfo
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..accounts.models import User, UserRole
from ..domain import DomainError, NotFound, ValidationFailed
from ..errors import register_domain_error
from ..organiser.models import record
from ..quiz.models import (
    ATTEMPT_EXPIRED,
    ATTEMPT_SUBMITTED,
    ROUND_OFFICIAL,
    Attempt,
    Contest,
    Round,
)
from ..rankings.models import Exclusion, RankingRow, RankingSnapshot
from ..rankings.queries import INELIGIBLE_ROLES
from . import rules
from .models import (
    KIND_CONTEST_PRIZE,
    KIND_PARTICIPATION,
    KIND_PRIZE,
    Certificate,
    CertificateTemplate,
)
from .pdf import CertificateContent, render

FINISHED = (ATTEMPT_SUBMITTED, ATTEMPT_EXPIRED)
IMAGE_MAX_BYTES = 2 * 1024 * 1024
IMAGE_MAX_SIDE = 4000
REVOKE_REASON_MIN = 10

DEFAULT_HEADING = _l("GIẤY CHỨNG NHẬN")
DEFAULT_PARTICIPATION_TEXT = _l("Đã tham gia {vong_thi} – {cuoc_thi}, đạt kết quả {ket_qua}.")
DEFAULT_PRIZE_TEXT = _l("Đã đạt {ket_qua} tại {vong_thi} – {cuoc_thi}.")
DEFAULT_CONTEST_PRIZE_TEXT = _l("Đã đạt {ket_qua} – {cuoc_thi}.")
DEFAULT_SIGNER_TITLE = _l("TRƯỞNG BAN TỔ CHỨC")
CONTEST_SCOPE = _l("toàn cuộc thi")

REFUSALS = {
    "practice": _l("Vòng thi thử không cấp giấy chứng nhận."),
    "not_finished": _l("Chỉ bài thi đã nộp (hoặc đã hết giờ) mới được cấp giấy chứng nhận."),
    "excluded": _l("Bài dự thi này đã bị loại nên không được cấp giấy chứng nhận."),
    "not_offered": _l("Cuộc thi này không cấp giấy chứng nhận tham gia."),
    "round_open": _l("Giấy chứng nhận tham gia được cấp sau khi vòng thi kết thúc."),
    "no_prize": _l("Bạn không có giải trong bảng xếp hạng đã công bố của vòng thi này."),
    "unknown_kind": _l("Loại giấy chứng nhận không hợp lệ."),
    "revoked": _l("Giấy chứng nhận này đã bị thu hồi."),
    "contest_unpublished": _l("Bảng xếp hạng toàn cuộc thi chưa được công bố."),
    "no_contest_prize": _l("Bạn không có giải trong bảng xếp hạng toàn cuộc thi đã công bố."),
}


class CertificateUnavailable(DomainError):
    """No certificate (yet): `code` says why (certificate_round_open, certificate_revoked…)."""

    code = "certificate_unavailable"

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
        self.code = f"certificate_{reason}" if reason in REFUSALS else self.code

    @property
    def message(self) -> str:
        return str(REFUSALS.get(self.reason, REFUSALS["unknown_kind"]))


register_domain_error(CertificateUnavailable.code, 409,
                      _l("Bài làm này chưa có giấy chứng nhận."))
for _reason, _message in REFUSALS.items():
    register_domain_error(f"certificate_{_reason}", 409, _message)


# --- Template ---------------------------------------------------------------------------

def template_of(session: Session, contest_id: int) -> CertificateTemplate | None:
    return session.scalar(select(CertificateTemplate).where(
        CertificateTemplate.contest_id == contest_id))


@dataclass(frozen=True)
class TemplateData:
    organiser_name: str
    heading: str
    participation_text: str
    prize_text: str
    signer_name: str
    signer_title: str


def _problem_message(problem: rules.TemplateProblem) -> str:
    if problem.kind == "unknown":
        return str(_l("Không có chỗ điền {%(name)s}. Chỉ dùng được: %(allowed)s.",
                      name=problem.name,
                      allowed=", ".join("{" + p + "}" for p in rules.PLACEHOLDERS)))
    if problem.kind == "format":
        return str(_l("Chỗ điền {%(name)s} không được kèm định dạng (dấu : hoặc !).",
                      name=problem.name))
    if problem.kind == "positional":
        return str(_l("Chỗ điền phải có tên, ví dụ {ho_ten}; không dùng {} hay {0}."))
    return str(_l("Dấu ngoặc { } không khớp: mỗi chỗ điền viết dạng {ho_ten}; muốn in "
                  "dấu ngoặc thì viết {{ hoặc }}."))


def check_texts(data: TemplateData) -> dict[str, str]:
    """Field -> message for every text whose placeholders are wrong."""
    errors = {}
    for field in ("heading", "participation_text", "prize_text"):
        problems = rules.template_problems(getattr(data, field))
        if problems:
            errors[field] = " ".join(_problem_message(p) for p in problems)
    return errors


def check_image(data: bytes, field: str) -> bytes:
    """A PNG or JPEG judged by Pillow (not by its name), within size limits, returned
    re-encoded as PNG (metadata dropped)."""
    from PIL import Image, UnidentifiedImageError

    if len(data) > IMAGE_MAX_BYTES:
        raise ValidationFailed(**{field: _l("Ảnh quá lớn: tối đa 2 MB.")})
    try:
        with Image.open(io.BytesIO(data)) as probe:
            kind, size = probe.format, probe.size
            probe.verify()
        if kind not in ("PNG", "JPEG"):
            raise ValidationFailed(**{field: _l("Chỉ nhận ảnh PNG hoặc JPEG.")})
        if max(size) > IMAGE_MAX_SIDE or min(size) < 1:
            raise ValidationFailed(**{field: _l("Ảnh tối đa 4000 × 4000 điểm ảnh.")})
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            converted = image.convert("RGBA" if "A" in image.getbands() or
                                      image.mode == "P" else "RGB")
    except ValidationFailed:
        raise
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError,
            Image.DecompressionBombError) as err:
        raise ValidationFailed(**{field: _l("Tệp không phải ảnh PNG hoặc JPEG đọc được.")}
                               ) from err
    out = io.BytesIO()
    converted.save(out, format="PNG", optimize=True)
    return out.getvalue()


def save_template(session: Session, actor_id: int | None, contest: Contest, data: TemplateData,
                  logo: bytes | None = None, signature: bytes | None = None,
                  remove_logo: bool = False, remove_signature: bool = False
                  ) -> CertificateTemplate:
    errors = check_texts(data)
    if errors:
        raise ValidationFailed(**errors)
    logo_png = check_image(logo, "logo") if logo else None
    signature_png = check_image(signature, "signature") if signature else None
    template = template_of(session, contest.id)
    before = None
    if template is None:
        template = CertificateTemplate(contest_id=contest.id, revision=0)
        session.add(template)
    else:
        before = _summary(template)
    for field in TemplateData.__dataclass_fields__:
        setattr(template, field, " ".join(getattr(data, field).split()) if field not in (
            "participation_text", "prize_text") else getattr(data, field).strip())
    if remove_logo:
        template.logo = None
    if remove_signature:
        template.signature = None
    if logo_png is not None:
        template.logo = logo_png
    if signature_png is not None:
        template.signature = signature_png
    template.revision = (template.revision or 0) + 1
    template.updated_at, template.updated_by_id = _now(), actor_id
    session.flush()
    record(actor_id, "certificate_template.save", contest, before, _summary(template))
    clear_cache(contest.id)
    return template


def _summary(template: CertificateTemplate) -> dict:
    return {"organiser_name": template.organiser_name, "heading": template.heading,
            "participation_text": template.participation_text,
            "prize_text": template.prize_text, "signer_name": template.signer_name,
            "signer_title": template.signer_title, "logo": template.logo is not None,
            "signature": template.signature is not None, "version": template.revision}


def _now() -> datetime:
    from .. import clock

    return clock.now()


# --- Who gets what ------------------------------------------------------------------------

def _excluded(session: Session, rnd: Round, user_id: int) -> bool:
    disqualified = session.scalar(select(exists().where(
        Exclusion.user_id == user_id, Exclusion.contest_id == rnd.contest_id,
        or_(Exclusion.round_id.is_(None), Exclusion.round_id == rnd.id))))
    staff = session.scalar(select(exists().where(
        UserRole.user_id == user_id, UserRole.role.in_(INELIGIBLE_ROLES))))
    user = session.get(User, user_id)
    return bool(disqualified or staff or (user is not None and user.is_staff))


def current_prize(session: Session, rnd: Round, user_id: int) -> RankingRow | None:
    """The participant's prize row in the round's current published ranking (any board)."""
    return session.scalar(
        select(RankingRow).join(RankingSnapshot, RankingSnapshot.id == RankingRow.snapshot_id)
        .where(RankingSnapshot.round_id == rnd.id, RankingSnapshot.is_current.is_(True),
               RankingSnapshot.withdrawn_at.is_(None), RankingRow.user_id == user_id,
               RankingRow.prize_level.is_not(None))
        .order_by(RankingRow.prize_level).limit(1))


@dataclass(frozen=True)
class Standing:
    facts: rules.Facts
    attempt: Attempt | None  # the counting attempt
    prize: RankingRow | None


def standing(session: Session, rnd: Round, user_id: int, now: datetime) -> Standing:
    finished = list(session.scalars(select(Attempt).where(
        Attempt.round_id == rnd.id, Attempt.user_id == user_id, Attempt.status.in_(FINISHED))))
    chosen = rules.counting_attempt(
        [rules.AttemptFacts(a.id, a.number, a.score, a.duration_ms, a.submitted_at)
         for a in finished], rnd.counting)
    attempt = next((a for a in finished if chosen and a.id == chosen.id), None)
    prize = current_prize(session, rnd, user_id) if attempt is not None else None
    facts = rules.Facts(
        offers_participation=bool(rnd.contest.certificates),
        official_round=rnd.kind == ROUND_OFFICIAL, closes_at=rnd.closes_at, now=now,
        finished=attempt is not None,
        excluded=attempt is not None and _excluded(session, rnd, user_id),
        prize=prize.prize if prize is not None else None)
    return Standing(facts, attempt, prize)


def available_kinds(session: Session, attempt: Attempt, now: datetime) -> list[str]:
    """The certificates a finished attempt's round gives its owner (for "Kết quả của tôi")."""
    if attempt.status not in FINISHED:
        return []
    found = standing(session, attempt.round, attempt.user_id, now)
    kinds = rules.kinds(found.facts)
    revoked = set(session.scalars(select(Certificate.kind).where(
        Certificate.round_id == attempt.round_id, Certificate.user_id == attempt.user_id,
        Certificate.revoked_at.is_not(None))))
    return [k for k in kinds if k not in revoked]


def downloads(session: Session, attempts: list[Attempt], now: datetime
              ) -> dict[int, list[str]]:
    """For "Kết quả của tôi": attempt id -> the certificates offered beside it. One round's
    certificates sit beside its counting attempt only (one per round, not one per try)."""
    out: dict[int, list[str]] = {}
    seen: set[tuple[int, int]] = set()
    for attempt in attempts:
        key = (attempt.round_id, attempt.user_id)
        if attempt.status not in FINISHED or key in seen:
            continue
        seen.add(key)
        found = standing(session, attempt.round, attempt.user_id, now)
        if found.attempt is None:
            continue
        kinds = [k for k in rules.kinds(found.facts)
                 if not _revoked(session, attempt.round_id, attempt.user_id, k)]
        if kinds:
            out[found.attempt.id] = kinds
    return out


def _result_text(kind: str, found: Standing) -> str:
    if kind == KIND_PRIZE and found.prize is not None:
        return found.prize.prize or ""
    attempt = found.attempt
    return str(_l("%(score)s/%(max)s điểm", score=attempt.score or 0, max=attempt.max_score))


def issue(session: Session, rnd: Round, user_id: int, kind: str, now: datetime,
          found: Standing | None = None) -> Certificate:
    """The participant's certificate of `kind` for the round, created the first time (the
    unique constraint on round, person and kind keeps it to one even under concurrent
    requests). Refused (CertificateUnavailable) when the rules give none, or it was revoked."""
    existing = _existing(session, rnd.id, user_id, kind)
    if existing is not None and existing.revoked:
        raise CertificateUnavailable("revoked")
    found = found or standing(session, rnd, user_id, now)
    reason = rules.refusal(found.facts, kind)
    if reason is not None:
        raise CertificateUnavailable(reason)
    if existing is not None:
        return existing
    user = session.get(User, user_id)
    for _ in range(5):
        cert = Certificate(
            code=rules.new_code(), contest_id=rnd.contest_id, round_id=rnd.id,
            attempt_id=found.attempt.id, user_id=user_id, kind=kind,
            full_name=user.full_name,
            unit_name=(found.prize.unit_name if found.prize is not None else user.place)[:255],
            result=_result_text(kind, found)[:200], issued_at=now)
        try:
            with session.begin_nested():
                session.add(cert)
        except IntegrityError:
            existing = _existing(session, rnd.id, user_id, kind)
            if existing is not None:  # issued by a concurrent request
                return existing
            continue  # the random code was taken: draw another
        return cert
    raise RuntimeError("could not draw a free certificate code")


def _existing(session: Session, round_id: int, user_id: int, kind: str) -> Certificate | None:
    return session.scalar(select(Certificate).where(
        Certificate.round_id == round_id, Certificate.user_id == user_id,
        Certificate.kind == kind))


def for_attempt(session: Session, attempt_id: int, user_id: int, kind: str | None,
                now: datetime) -> Certificate:
    """The owner's certificate for the round of one of their finished attempts: `kind`, or the
    prize certificate when they hold one, else the participation certificate. Someone else's
    attempt is NotFound (404), never "forbidden", so ids reveal nothing."""
    attempt = session.get(Attempt, attempt_id)
    if attempt is None or attempt.user_id != user_id:
        raise NotFound()
    if attempt.status not in FINISHED:
        raise CertificateUnavailable("not_finished")
    found = standing(session, attempt.round, user_id, now)
    if kind is None:
        kinds = [k for k in rules.kinds(found.facts)
                 if not _revoked(session, attempt.round_id, user_id, k)]
        if not kinds:
            reason = rules.refusal(found.facts, KIND_PARTICIPATION) or "revoked"
            raise CertificateUnavailable(reason)
        kind = kinds[0]
    if kind not in (KIND_PARTICIPATION, KIND_PRIZE):
        raise CertificateUnavailable("unknown_kind")
    return issue(session, attempt.round, user_id, kind, now, found)


# --- Contest-wide prizes ------------------------------------------------------------------

def _contest_snapshots(contest_id: int):  # noqa: ANN202  (SQLAlchemy conditions)
    return (RankingSnapshot.contest_id == contest_id, RankingSnapshot.round_id.is_(None),
            RankingSnapshot.is_current.is_(True), RankingSnapshot.withdrawn_at.is_(None))


def current_contest_prize(session: Session, contest_id: int, user_id: int
                          ) -> RankingRow | None:
    """The participant's prize row in the contest-wide current published ranking (any
    board; the best prize when they hold one on several boards)."""
    return session.scalar(
        select(RankingRow).join(RankingSnapshot, RankingSnapshot.id == RankingRow.snapshot_id)
        .where(*_contest_snapshots(contest_id), RankingRow.user_id == user_id,
               RankingRow.prize_level.is_not(None))
        .order_by(RankingRow.prize_level, RankingRow.id).limit(1))


@dataclass(frozen=True)
class ContestStanding:
    facts: rules.ContestFacts
    prize: RankingRow | None


def _contest_excluded(session: Session, contest_id: int, user_id: int) -> bool:
    disqualified = session.scalar(select(exists().where(
        Exclusion.user_id == user_id, Exclusion.contest_id == contest_id,
        Exclusion.round_id.is_(None))))
    staff = session.scalar(select(exists().where(
        UserRole.user_id == user_id, UserRole.role.in_(INELIGIBLE_ROLES))))
    user = session.get(User, user_id)
    return bool(disqualified or staff or (user is not None and user.is_staff))


def contest_standing(session: Session, contest_id: int, user_id: int) -> ContestStanding:
    published = session.scalar(select(exists().where(*_contest_snapshots(contest_id))))
    prize = current_contest_prize(session, contest_id, user_id) if published else None
    facts = rules.ContestFacts(
        published=bool(published),
        excluded=prize is not None and _contest_excluded(session, contest_id, user_id),
        prize=prize.prize if prize is not None else None)
    return ContestStanding(facts, prize)


def _existing_contest(session: Session, contest_id: int, user_id: int) -> Certificate | None:
    return session.scalar(select(Certificate).where(
        Certificate.contest_id == contest_id, Certificate.user_id == user_id,
        Certificate.kind == KIND_CONTEST_PRIZE))


def issue_contest(session: Session, contest: Contest, user_id: int, now: datetime,
                  found: ContestStanding | None = None) -> Certificate:
    """The participant's contest-wide prize certificate, created the first time (one per
    person and contest, kept so by a partial unique index). Refused when the rules give
    none, or it was revoked."""
    existing = _existing_contest(session, contest.id, user_id)
    if existing is not None and existing.revoked:
        raise CertificateUnavailable("revoked")
    found = found or contest_standing(session, contest.id, user_id)
    reason = rules.contest_refusal(found.facts)
    if reason is not None:
        raise CertificateUnavailable(reason)
    if existing is not None:
        return existing
    user = session.get(User, user_id)
    result = rules.contest_result(found.prize.prize or "", str(CONTEST_SCOPE))
    for _ in range(5):
        cert = Certificate(
            code=rules.new_code(), contest_id=contest.id, round_id=None, attempt_id=None,
            user_id=user_id, kind=KIND_CONTEST_PRIZE, full_name=user.full_name,
            unit_name=(found.prize.unit_name or user.place or "")[:255],
            result=result[:200], issued_at=now)
        try:
            with session.begin_nested():
                session.add(cert)
        except IntegrityError:
            existing = _existing_contest(session, contest.id, user_id)
            if existing is not None:  # issued by a concurrent request
                return existing
            continue
        return cert
    raise RuntimeError("could not draw a free certificate code")


def for_contest(session: Session, contest_id: int, user_id: int, now: datetime
                ) -> Certificate:
    """The owner's contest-wide prize certificate (CertificateUnavailable says why there is
    none; an unknown or unpublished contest is NotFound)."""
    contest = session.get(Contest, contest_id)
    if contest is None or not contest.published:
        raise NotFound()
    return issue_contest(session, contest, user_id, now)


def contest_downloads(session: Session, user_id: int) -> list[Contest]:
    """For "Kết quả của tôi": the contests whose published contest-wide ranking gives the
    person a prize (and whose certificate was not revoked), by title."""
    contest_ids = set(session.scalars(
        select(RankingSnapshot.contest_id)
        .join(RankingRow, RankingRow.snapshot_id == RankingSnapshot.id)
        .where(RankingSnapshot.round_id.is_(None), RankingSnapshot.is_current.is_(True),
               RankingSnapshot.withdrawn_at.is_(None), RankingRow.user_id == user_id,
               RankingRow.prize_level.is_not(None))))
    out = []
    for contest_id in sorted(contest_ids):
        contest = session.get(Contest, contest_id)
        if contest is None or not contest.published:
            continue
        if rules.contest_refusal(contest_standing(session, contest_id, user_id).facts):
            continue
        existing = _existing_contest(session, contest_id, user_id)
        if existing is None or not existing.revoked:
            out.append(contest)
    return sorted(out, key=lambda c: (c.title, c.id))


def _revoked(session: Session, round_id: int, user_id: int, kind: str) -> bool:
    cert = _existing(session, round_id, user_id, kind)
    return cert is not None and cert.revoked


def by_code(session: Session, raw: str) -> Certificate:
    code = rules.normalise_code(raw)
    cert = session.scalar(select(Certificate).where(Certificate.code == code)) if code else None
    if cert is None:
        raise NotFound()
    return cert


def revoke(session: Session, actor_id: int | None, cert: Certificate, reason: str,
           now: datetime) -> None:
    reason = " ".join((reason or "").split())
    if not REVOKE_REASON_MIN <= len(reason) <= 500:
        raise ValidationFailed(reason=_l("Vui lòng ghi lý do thu hồi (từ 10 đến 500 ký tự)."))
    if cert.revoked:
        raise ValidationFailed(reason=_l("Giấy chứng nhận này đã bị thu hồi trước đó."))
    cert.revoked_at, cert.revoked_by_id, cert.revoked_reason = now, actor_id, reason
    session.flush()
    record(actor_id, "certificate.revoke", cert,
           {"code": cert.code, "kind": cert.kind, "user_id": cert.user_id}, None, reason=reason)
    _drop_cached(cert)


ISSUED_PAGE = 200


@dataclass(frozen=True)
class IssuedList:
    rows: list[Certificate]
    total: int  # all matching, of which `rows` shows the newest ISSUED_PAGE


def issued(session: Session, contest_id: int, q: str = "") -> IssuedList:
    """The contest's certificates, newest first; `q` finds a code (as typed on the paper) or
    part of a name."""
    from sqlalchemy import func

    conditions = [Certificate.contest_id == contest_id]
    q = " ".join((q or "").split())[:150]
    if q:
        code = rules.normalise_code(q)
        escaped = q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        name = func.lower(Certificate.full_name).like(f"%{escaped.lower()}%", escape="\\")
        conditions.append(or_(Certificate.code == code, name) if code else name)
    total = session.scalar(select(func.count(Certificate.id)).where(*conditions)) or 0
    rows = list(session.scalars(select(Certificate).where(*conditions)
                                .order_by(Certificate.issued_at.desc(), Certificate.id.desc())
                                .limit(ISSUED_PAGE)))
    return IssuedList(rows, total)


# --- Rendering and the cache --------------------------------------------------------------

def content_for(cert: Certificate, template: CertificateTemplate | None, verify_url: str,
                tz: tzinfo, default_organiser: str) -> CertificateContent:
    t = template
    issued_day = cert.issued_at.astimezone(tz).date()
    contest_wide = cert.kind == KIND_CONTEST_PRIZE
    values = {"ho_ten": cert.full_name, "cuoc_thi": cert.contest.title,
              "vong_thi": str(CONTEST_SCOPE) if contest_wide or cert.round is None
              else cert.round.title, "ket_qua": cert.result,
              "ngay": issued_day.strftime("%d/%m/%Y"), "don_vi": cert.unit_name}
    prize = cert.kind in (KIND_PRIZE, KIND_CONTEST_PRIZE)
    if contest_wide:
        # The result already says "toàn cuộc thi": a design's prize text naming the round
        # ("tại {vong_thi}") would repeat it, so the contest-wide wording is used instead.
        own = t.prize_text if t else ""
        text = own if own and "{vong_thi}" not in own else str(DEFAULT_CONTEST_PRIZE_TEXT)
    else:
        text = ((t.prize_text if prize else t.participation_text) if t else "") or str(
            DEFAULT_PRIZE_TEXT if prize else DEFAULT_PARTICIPATION_TEXT)
    heading = (t.heading if t else "") or str(DEFAULT_HEADING)
    return CertificateContent(
        organiser_name=(t.organiser_name if t else "") or default_organiser,
        heading=rules.fill(heading, values), full_name=cert.full_name,
        body=rules.fill(text, values),
        date_line=str(_l("Ngày %(d)s tháng %(m)s năm %(y)s", **rules.date_parts(issued_day))),
        signer_title=(t.signer_title if t else "") or str(DEFAULT_SIGNER_TITLE),
        signer_name=(t.signer_name if t else "") or "",
        code=rules.display_code(cert.code), verify_url=verify_url,
        recipient_label=str(_l("Chứng nhận Ông/Bà")),
        code_label=str(_l("Mã xác minh: %(code)s", code="%(code)s")),
        verify_hint=str(_l("Quét mã QR hoặc mở %(url)s để kiểm tra giấy chứng nhận này.",
                           url="%(url)s")),
        logo=t.logo if t else None, signature=t.signature if t else None, prize=prize)


def cache_dir(contest_id: int) -> Path:
    return Path(current_app.instance_path) / "certificates" / str(contest_id)


def _cache_path(cert: Certificate, revision: int, verify_url: str) -> Path:
    from flask_babel import get_locale

    # The link (a forged Host header must not reach another visitor's copy) and the language
    # of the printed labels are part of the key.
    key = f"{verify_url}|{get_locale() or ''}"
    link = hashlib.sha256(key.encode()).hexdigest()[:12]
    return cache_dir(cert.contest_id) / f"{cert.code}-r{revision}-{link}.pdf"


def pdf_of(session: Session, cert: Certificate, verify_url: str, tz: tzinfo) -> bytes:
    """The certificate's PDF, made once per template revision and cached on disk."""
    if cert.revoked:
        raise CertificateUnavailable("revoked")
    template = template_of(session, cert.contest_id)
    path = _cache_path(cert, template.revision if template else 0, verify_url)
    if path.exists():
        return path.read_bytes()
    data = render(content_for(cert, template, verify_url, tz,
                              current_app.config["ORGANISER_NAME"]))
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_bytes(data)
    temporary.replace(path)
    return data


def clear_cache(contest_id: int) -> None:
    for path in cache_dir(contest_id).glob("*.pdf"):
        path.unlink(missing_ok=True)


def _drop_cached(cert: Certificate) -> None:
    for path in cache_dir(cert.contest_id).glob(f"{cert.code}-*.pdf"):
        path.unlink(missing_ok=True)


# --- Bulk generation ----------------------------------------------------------------------

@dataclass(frozen=True)
class GenerationReport:
    round_id: int
    issued: int  # certificates that exist (new or already there)
    created: int
    rendered: int  # PDFs written to the cache (0 when no public address is known)
    refused: int  # participants with a finished entry but no certificate


def generate_round_certificates(round_id: int, base_url: str | None = None) -> GenerationReport:
    """Issue every certificate a round gives (idempotent) and fill the PDF cache. Takes only
    ids and a URL so it can run as a background job; commits itself. `base_url` (else the
    PUBLIC_BASE_URL setting) is the site's address for the verification links; without one
    the certificates are issued and their PDFs made on first download."""
    from .. import clock
    from ..extensions import db
    from ..participation.services import contest_tz

    session = db.session
    rnd = session.get(Round, round_id)
    if rnd is None:
        raise NotFound()
    now = clock.now()
    base = (base_url or current_app.config.get("PUBLIC_BASE_URL") or "").rstrip("/")
    user_ids = list(session.scalars(select(Attempt.user_id).where(
        Attempt.round_id == rnd.id, Attempt.status.in_(FINISHED)).distinct()
        .order_by(Attempt.user_id)))
    issued_count = created = rendered = refused = 0
    certs: list[Certificate] = []
    for user_id in user_ids:
        found = standing(session, rnd, user_id, now)
        kinds = rules.kinds(found.facts)
        if not kinds:
            refused += 1
        for kind in kinds:
            existing = _existing(session, rnd.id, user_id, kind)
            if existing is not None and existing.revoked:
                continue
            cert = issue(session, rnd, user_id, kind, now, found)
            created += existing is None
            issued_count += 1
            certs.append(cert)
    session.commit()
    if base:
        tz = contest_tz()
        for cert in certs:
            pdf_of(session, cert, f"{base}/xac-minh/{cert.code}", tz)
            rendered += 1
    return GenerationReport(rnd.id, issued_count, created, rendered, refused)
