"""Joining a contest: board choice, eligibility (minimum age, CCCD), board moves by organisers.

Functions take the session and explicit values (`now`, the data key, the time zone), write,
flush and never commit; the caller (a page, the API) commits once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..accounts.models import User
from ..accounts.rules import unaccent
from ..domain import NotFound, ValidationFailed
from ..errors import register_domain_error
from ..organiser.models import record
from ..quiz.models import (
    ATTEMPT_IN_PROGRESS,
    ROUND_OFFICIAL,
    Attempt,
    Board,
    Contest,
    Participation,
    Round,
)
from . import crypto, rules

register_domain_error("not_eligible", 403, _l(
    "Bạn chưa đủ điều kiện dự thi chính thức cuộc thi này (độ tuổi tối thiểu hoặc số CCCD theo "
    "thể lệ). Vui lòng đăng ký tham gia cuộc thi và khai báo đủ thông tin."))
register_domain_error("board_conflict", 409, _l(
    "Bạn đã tham gia một bảng thi khác của cuộc thi này; mỗi người chỉ thi một bảng. "
    "Liên hệ ban tổ chức nếu cần chuyển bảng."))
register_domain_error("board_not_allowed", 403, _l(
    "Bảng thi này không dành cho đối tượng của bạn; vui lòng chọn bảng thi khác."))
register_domain_error("cccd_taken", 409, _l(
    "Số CCCD này đã được dùng để tham gia cuộc thi bằng một tài khoản khác. Mỗi người chỉ "
    "được dự thi bằng một tài khoản; vui lòng liên hệ ban tổ chức nếu có nhầm lẫn."))

MESSAGES = {
    ("date_of_birth", rules.MISSING): _l("Cuộc thi yêu cầu khai báo ngày sinh."),
    ("date_of_birth", rules.TOO_YOUNG): _l("Bạn chưa đủ độ tuổi tối thiểu của cuộc thi."),
    ("cccd", rules.MISSING): _l("Cuộc thi yêu cầu khai báo số CCCD (12 chữ số)."),
}
BOARD_AUDIENCE = {
    "official": _l("Bảng này chỉ dành cho cán bộ, công chức, viên chức, người lao động."),
    "citizen": _l("Bảng này chỉ dành cho người dân, doanh nghiệp."),
}
DEFAULT_TZ = "Asia/Ho_Chi_Minh"
EARLIEST_BIRTH = date(1900, 1, 1)


def contest_tz() -> tzinfo:
    name = current_app.config.get("CONTEST_TIMEZONE") if has_app_context() else None
    return ZoneInfo(name or DEFAULT_TZ)


def data_key() -> str:
    return current_app.config["DATA_KEY"]


def participation(session: Session, contest_id: int, user_id: int) -> Participation | None:
    return session.scalar(select(Participation).where(
        Participation.contest_id == contest_id, Participation.user_id == user_id))


def _not_eligible(problems: dict[str, str]) -> rules.NotEligible:
    return rules.NotEligible(**{f: MESSAGES[(f, reason)] for f, reason in problems.items()})


def check_eligible(session: Session, contest: Contest, user_id: int,
                   part: Participation | None) -> None:
    """Before an official round: a contest with a minimum age or the CCCD requirement needs a
    participation that meets them (age in full years on the day of joining)."""
    if not (contest.min_age or contest.require_cccd or contest.collect_birth_date):
        return
    if part is None:
        raise rules.NotEligible(participation=_l(
            "Bạn cần đăng ký tham gia cuộc thi trước khi làm bài chính thức."))
    born = session.scalar(select(User.date_of_birth).where(User.id == user_id))
    problems = rules.eligibility_problems(
        contest.min_age, contest.require_cccd, born, part.cccd_hash is not None,
        rules.local_date(part.joined_at, contest_tz()), contest.collect_birth_date)
    if problems:
        raise _not_eligible(problems)


@dataclass
class Joined:
    participation: Participation
    created: bool


def _board_error(contest: Contest, board_id: int | None) -> object | None:
    ids = {b.id for b in contest.boards}
    if ids and board_id is None:
        return _l("Vui lòng chọn bảng thi.")
    if board_id is not None and board_id not in ids:
        return _l("Bảng thi không thuộc cuộc thi này.")
    return None


def join(session: Session, user_id: int, contest: Contest, board_id: int | None,
         born: date | None, cccd: str | None, now: datetime, key: str, tz: tzinfo) -> Joined:
    """Join a contest (or repeat joining with the same board, which changes nothing but may
    complete missing details). Nothing is written when any check fails."""
    user = session.get(User, user_id)
    if user is None:
        raise NotFound()
    today = rules.local_date(now, tz)
    cccd = rules.normalise_cccd(cccd) if contest.require_cccd else ""
    errors = {"board_id": _board_error(contest, board_id)}
    if born is not None and not EARLIEST_BIRTH <= born <= today:
        errors["date_of_birth"] = _l("Ngày sinh không hợp lệ.")
    if cccd and not rules.is_valid_cccd(cccd):
        errors["cccd"] = _l("Số CCCD phải gồm đúng 12 chữ số.")
    if any(errors.values()):
        raise ValidationFailed(**{k: v for k, v in errors.items() if v})
    existing = participation(session, contest.id, user_id)
    if existing is not None and existing.board_id is not None and existing.board_id != board_id:
        raise rules.BoardConflict(board_id=_l("Bạn đã tham gia một bảng khác của cuộc thi này."))
    board = next((b for b in contest.boards if b.id == board_id), None)
    choosing = existing is None or existing.board_id is None
    if board is not None and choosing and not rules.board_admits(board.allowed_kind, user.kind):
        raise rules.BoardNotAllowed(board_id=BOARD_AUDIENCE[board.allowed_kind])
    digest = crypto.keyed_hash(key, cccd) if cccd else None
    if digest and existing is not None and existing.cccd_hash not in (None, digest):
        raise ValidationFailed(cccd=_l(
            "Bạn đã khai báo một số CCCD khác cho cuộc thi này; liên hệ ban tổ chức nếu cần sửa."))
    has_cccd = digest is not None or (existing is not None and existing.cccd_hash is not None)
    # Age in full years on the day of joining (the first join, for a repeated one).
    joined_on = rules.local_date(existing.joined_at, tz) if existing is not None else today
    problems = rules.eligibility_problems(
        contest.min_age, contest.require_cccd, born or user.date_of_birth, has_cccd, joined_on,
        contest.collect_birth_date)
    if problems:
        raise _not_eligible(problems)
    if digest and session.scalar(select(Participation.id).where(
            Participation.contest_id == contest.id, Participation.cccd_hash == digest,
            Participation.user_id != user_id)):
        raise rules.CccdTaken(cccd=_l("Số CCCD này đã được một tài khoản khác dùng để "
                                      "tham gia cuộc thi."))
    part, created = existing, existing is None
    if born is not None:
        user.date_of_birth = born
    if part is None:
        part = Participation(contest_id=contest.id, user_id=user_id, board_id=board_id,
                             joined_at=now)
        session.add(part)
    elif part.board_id is None and board_id is not None:
        part.board_id = board_id
        record(user_id, "participation.choose_board", part, {"board_id": None},
               {"board_id": board_id})
    if digest and part.cccd_hash is None:
        part.cccd_hash, part.cccd_cipher = digest, crypto.encrypt(key, cccd)
    try:
        session.flush()
    except IntegrityError as err:
        # A simultaneous join won the race: nothing of this request is kept.
        session.rollback()
        if digest and session.scalar(select(Participation.id).where(
                Participation.contest_id == contest.id, Participation.cccd_hash == digest,
                Participation.user_id != user_id)):
            raise rules.CccdTaken(cccd=_l("Số CCCD này đã được một tài khoản khác dùng để "
                                          "tham gia cuộc thi.")) from err
        winner = participation(session, contest.id, user_id)
        if winner is not None and winner.board_id == board_id:
            return Joined(winner, False)
        raise rules.BoardConflict() from err
    if created:
        record(user_id, "participation.join", part, None,
               {"contest_id": contest.id, "board_id": board_id,
                "cccd_declared": part.cccd_hash is not None})
    return Joined(part, created)


@dataclass
class Status:
    """What the contest page tells the signed-in participant about joining."""

    must_join: bool
    joined: bool
    board: Board | None
    cccd_declared: bool


def status(session: Session, contest: Contest, user_id: int | None) -> Status:
    must = rules.needs_joining(bool(contest.boards), contest.min_age, contest.require_cccd,
                               contest.collect_birth_date)
    part = participation(session, contest.id, user_id) if user_id is not None else None
    board = session.get(Board, part.board_id) if part is not None and part.board_id else None
    return Status(must, part is not None, board, part is not None and part.cccd_hash is not None)


# --- Organisers ---------------------------------------------------------------------------

@dataclass
class Page:
    rows: list
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def participants(session: Session, contest: Contest, q: str = "", board_id: int | None = None,
                 page: int = 1, per_page: int | None = 100) -> Page:
    """Participants of a contest with their board (never their CCCD): rows of (participation,
    user, submitted official attempts, best score). `per_page=None` gives every row."""
    conditions = [Participation.contest_id == contest.id]
    if board_id is not None:
        conditions.append(Participation.board_id == board_id)
    if q:
        key = unaccent(q)
        conditions.append(or_(User.search_name.contains(key, autoescape=True),
                              func.lower(User.email).contains(q.strip().lower(),
                                                              autoescape=True)))
    official = select(Round.id).where(Round.contest_id == contest.id,
                                      Round.kind == ROUND_OFFICIAL)
    done = (Attempt.user_id == Participation.user_id) & Attempt.round_id.in_(official) & (
        Attempt.status != ATTEMPT_IN_PROGRESS)
    attempts = select(func.count(Attempt.id)).where(done).correlate(Participation)
    best = select(func.max(Attempt.score)).where(done).correlate(Participation)
    base = select(Participation, User, attempts.scalar_subquery().label("attempts"),
                  best.scalar_subquery().label("best")).join(
        User, User.id == Participation.user_id)
    total = session.scalar(select(func.count()).select_from(
        select(Participation.id).join(User, User.id == Participation.user_id)
        .where(*conditions).subquery())) or 0
    stmt = base.where(*conditions).order_by(User.search_name, User.id)
    if per_page is not None:
        stmt = stmt.offset((page - 1) * per_page).limit(per_page)
    rows = session.execute(stmt).tuples().all()
    return Page(list(rows), total, page, per_page or max(total, 1))


def move_board(session: Session, actor_id: int, contest: Contest, participation_id: int,
               board_id: int, reason: str = "") -> Participation:
    """Move a participant to another board of the contest, with an audit record."""
    part = session.get(Participation, participation_id)
    if part is None or part.contest_id != contest.id:
        raise NotFound()
    if board_id not in {b.id for b in contest.boards}:
        raise ValidationFailed(board_id=_l("Bảng thi không thuộc cuộc thi này."))
    if part.board_id == board_id:
        return part
    before = {"user_id": part.user_id, "board_id": part.board_id}
    part.board_id = board_id
    session.flush()
    record(actor_id, "participation.move_board", part, before,
           {"user_id": part.user_id, "board_id": board_id},
           reason=" ".join((reason or "").split())[:500] or None)
    return part


# --- Units, blocks and headcounts ---------------------------------------------------------

@dataclass
class UnitImport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    blocks_created: int = 0


def import_units(session: Session, actor_id: int, lines: list) -> UnitImport:
    """Create or update units by name (case-insensitive), creating blocks as needed. The
    lines come from `unit_import.parse_units` and have been checked already."""
    from ..accounts.models import Block, Unit

    counts = UnitImport()
    blocks = {b.name.lower(): b for b in session.scalars(select(Block))}
    units = {u.name.lower(): u for u in session.scalars(select(Unit))}
    position = max((b.position for b in blocks.values()), default=-1)
    for line in lines:
        block = None
        if line.block:
            block = blocks.get(line.block.lower())
            if block is None:
                position += 1
                block = Block(name=line.block, position=position)
                session.add(block)
                session.flush()
                blocks[line.block.lower()] = block
                counts.blocks_created += 1
        block_id = block.id if block else None
        unit = units.get(line.name.lower())
        if unit is None:
            unit = Unit(name=line.name, block_id=block_id, headcount=line.headcount, active=True)
            session.add(unit)
            units[line.name.lower()] = unit
            counts.created += 1
        elif (unit.name, unit.block_id, unit.headcount) == (line.name, block_id, line.headcount):
            counts.unchanged += 1
        else:
            unit.name, unit.block_id, unit.headcount = line.name, block_id, line.headcount
            counts.updated += 1
    session.flush()
    record(actor_id, "units.import", "Unit", None,
           {"created": counts.created, "updated": counts.updated,
            "unchanged": counts.unchanged, "blocks_created": counts.blocks_created})
    return counts


@dataclass
class WardImport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


def import_wards(session: Session, actor_id: int, lines: list) -> WardImport:
    """Create or update wards by name (case-insensitive); the same file twice changes nothing.
    Wards missing from the file stay (people may have registered with them). The lines come
    from `ward_import.parse_wards` and have been checked already."""
    from ..accounts.models import Ward

    counts = WardImport()
    wards = {w.name.lower(): w for w in session.scalars(select(Ward))}
    for line in lines:
        ward = wards.get(line.name.lower())
        if ward is None:
            ward = Ward(name=line.name, code=line.code)
            session.add(ward)
            wards[line.name.lower()] = ward
            counts.created += 1
        elif ward.name == line.name and (line.code is None or ward.code == line.code):
            counts.unchanged += 1
        else:
            ward.name = line.name
            if line.code is not None:
                ward.code = line.code
            counts.updated += 1
    session.flush()
    record(actor_id, "wards.import", "Ward", None,
           {"created": counts.created, "updated": counts.updated,
            "unchanged": counts.unchanged})
    return counts
