"""Organiser operations on contests, boards and rounds (writes + audit; the caller commits)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select, union
from sqlalchemy.orm import Session

from ..accounts.models import User
from ..domain import ValidationFailed
from ..organiser.models import record
from ..participation import rules as prules
from . import rules
from .models import (
    ATTEMPT_IN_PROGRESS,
    Attempt,
    BlueprintLine,
    Board,
    Contest,
    ExtraTime,
    Participation,
    Round,
)
from .services import close_round_attempts, pool_shortfall, round_has_attempts

RULE_FIELDS = ("kind", "opens_at", "question_count", "time_limit_s", "max_attempts",
               "counting", "reveal", "prediction_kind", "prediction_text")


@dataclass
class RoundData:
    title: str
    kind: str
    opens_at: datetime | None
    closes_at: datetime | None
    question_count: int
    time_limit_s: int
    max_attempts: int | None
    counting: str
    reveal: str
    prediction_kind: str | None
    lines: list[tuple[int | None, int | None, str | None, int]]  # board, topic, difficulty, n
    prediction_text: str | None = None  # the wording shown; None: the kind's default text


def save_contest(session: Session, actor_id: int, contest: Contest | None, title: str,
                 description: str, rules_text: str, published: bool,
                 winner_instructions: str | None = None) -> Contest:
    before = None
    if contest is None:
        contest = Contest()
        session.add(contest)
    else:
        before = {"title": contest.title, "published": contest.published}
    contest.title, contest.description = title.strip(), description or ""
    contest.rules_text, contest.published = rules_text or "", published
    if winner_instructions is not None:
        contest.winner_instructions = winner_instructions.strip()
    session.flush()
    record(actor_id, "contest.save", contest, before,
           {"title": contest.title, "published": published})
    return contest


BOARD_AUDIENCES = (None, "official", "citizen")


def add_board(session: Session, actor_id: int, contest: Contest, name: str,
              allowed_kind: str | None = None) -> Board:
    """Add a board at the end, open to `allowed_kind` (None: anyone). The first board of a
    contest that people already entered is refused (prules.board_add_problem): they would be
    left without a board."""
    name = _board_name(contest, name)
    if allowed_kind not in BOARD_AUDIENCES:
        raise ValidationFailed(allowed_kind=_l("Đối tượng của bảng thi không hợp lệ."))
    problem = board_add_lock(session, contest)
    if problem is not None:
        raise ValidationFailed(name=problem)
    board = Board(contest_id=contest.id, name=name,
                  position=max((b.position for b in contest.boards), default=-1) + 1,
                  allowed_kind=allowed_kind)
    session.add(board)
    session.flush()
    record(actor_id, "board.create", board,
           after={"name": name, "contest_id": contest.id, "allowed_kind": allowed_kind})
    return board


def set_board_audience(session: Session, actor_id: int, board: Board,
                       allowed_kind: str | None) -> None:
    """Who may join the board from now on (None: anyone). Participants already in the board
    stay; the organiser moves them if needed."""
    if allowed_kind not in BOARD_AUDIENCES:
        raise ValidationFailed(allowed_kind=_l("Đối tượng của bảng thi không hợp lệ."))
    before = board.allowed_kind
    board.allowed_kind = allowed_kind
    session.flush()
    record(actor_id, "board.audience", board, {"allowed_kind": before},
           {"allowed_kind": allowed_kind})


def board_add_lock(session: Session, contest: Contest) -> str | None:
    """Why no board may be added now (the first board once people entered), or None."""
    count = entrants(session, contest.id) if not contest.boards else 0
    if prules.board_add_problem(len(contest.boards), count) is None:
        return None
    return str(_l("Đã có người tham gia (%(n)s người) khi cuộc thi chưa chia bảng: thêm bảng "
                  "lúc này khiến họ không thuộc bảng nào và không làm được bài chính thức.",
                  n=count))


def _check_lines(data: RoundData) -> None:
    by_board: dict[int | None, int] = {}
    for board_id, _topic, _diff, count in data.lines:
        by_board[board_id] = by_board.get(board_id, 0) + count
    for total in by_board.values():
        if total != data.question_count:
            raise ValidationFailed(lines=_l(
                "Tổng số câu theo cơ cấu đề (%(total)s) phải bằng số câu hỏi (%(n)s).",
                total=total, n=data.question_count))


def practice_pool_problem(session: Session, kind: str,
                          lines: list[tuple[int | None, int | None, str | None, int]],
                          question_count: int) -> str | None:
    """For a practice round: why its blueprint cannot be filled from the practice pool (a
    Vietnamese sentence naming how many practice questions exist and how many are needed), or
    None. Official rounds are checked by the draw itself."""
    if kind != "practice":
        return None
    short = pool_shortfall(session, kind, lines, question_count)
    if short is None:
        return None
    from flask_babel import gettext as _

    message = _("Vòng thi thử chỉ lấy câu hỏi dùng cho luyện tập (không bao giờ lấy câu của "
                "vòng chính thức). Kho hiện có %(available)s câu hỏi luyện tập đã duyệt, nhưng "
                "đề cần %(needed)s câu. Hãy bổ sung và duyệt thêm câu hỏi luyện tập, hoặc giảm "
                "số câu của vòng thi thử.",
                available=short.pool_size, needed=short.question_count)
    redundant = (short.topic_id is None and short.difficulty is None
                 and (short.needed, short.available) == (short.question_count, short.pool_size))
    if not redundant:
        from ..bank.forms import DIFFICULTY_LABELS
        from ..bank.models import Topic

        topic = session.get(Topic, short.topic_id) if short.topic_id else None
        what = ", ".join(str(part) for part in (
            topic.name if topic else _("mọi chủ đề"),
            DIFFICULTY_LABELS.get(short.difficulty or "", _("mọi mức độ"))))
        message += " " + _("Dòng cơ cấu đề “%(what)s” cần %(needed)s câu nhưng chỉ có "
                           "%(available)s câu luyện tập phù hợp (các câu cùng nhóm chỉ tính "
                           "một).", what=what, needed=short.needed,
                           available=short.available)
    return message


def _same_time(a: datetime | None, b: datetime | None) -> bool:
    """Equal to the minute (the form's resolution: a round closed "now" keeps its seconds)."""
    if a is None or b is None:
        return a is b
    return a.replace(second=0, microsecond=0) == b.replace(second=0, microsecond=0)


def changed_fields(rnd: Round, data: RoundData) -> list[str]:
    """The times and rules (RULE_FIELDS, closing time, blueprint) that `data` would change."""
    changed = [f for f in RULE_FIELDS
               if (not _same_time(getattr(rnd, f), getattr(data, f)) if f == "opens_at"
                   else getattr(rnd, f) != getattr(data, f))]
    if "practice" not in (rnd.kind, data.kind) and not _same_time(rnd.closes_at,
                                                                    data.closes_at):
        changed.append("closes_at")
    current_lines = sorted(repr((ln.board_id, ln.topic_id, ln.difficulty, ln.count))
                           for ln in rnd.blueprint)
    if current_lines != sorted(repr(tuple(line)) for line in data.lines):
        changed.append("blueprint")
    return changed


def save_round(session: Session, actor_id: int, contest: Contest, rnd: Round | None,
               data: RoundData) -> Round:
    """Create or edit a round. Once an attempt exists only the title and closing time change;
    once its ranking is published only the title (rules.check_round_change)."""
    if data.kind == "practice" or not data.prediction_kind:
        data = replace(data, prediction_text=None)  # no prediction question: no wording
    _check_lines(data)
    if rnd is not None:
        from ..rankings.services import round_published

        has_attempts = round_has_attempts(session, rnd.id)
        changed = changed_fields(rnd, data)
        rules.check_round_change(changed, has_attempts, round_published(session, rnd.id))
        if has_attempts:
            before = {"closes_at": rnd.closes_at.isoformat() if rnd.closes_at else None,
                      "title": rnd.title}
            rnd.title = data.title
            if "closes_at" in changed:
                rnd.closes_at = data.closes_at
            session.flush()
            record(actor_id, "round.update_locked", rnd, before,
                   {"closes_at": rnd.closes_at.isoformat() if rnd.closes_at else None,
                    "title": rnd.title})
            return rnd
    problem = practice_pool_problem(session, data.kind, data.lines, data.question_count)
    if problem is not None:
        raise ValidationFailed(lines=problem)
    creating = rnd is None
    changed = [] if rnd is None else changed_fields(rnd, data)
    if rnd is None:
        rnd = Round(contest_id=contest.id, position=len(contest.rounds))
        session.add(rnd)
    for field in ("title", "kind", "opens_at", "closes_at", "question_count", "time_limit_s",
                  "max_attempts", "counting", "reveal", "prediction_kind", "prediction_text"):
        if creating or field == "title" or field in changed:
            setattr(rnd, field, getattr(data, field))
    if rnd.kind == "practice":
        rnd.closes_at = None
        rnd.prediction_kind = None
    rnd.blueprint = [BlueprintLine(board_id=b, topic_id=t, difficulty=d, count=n)
                     for b, t, d, n in data.lines]
    session.flush()
    record(actor_id, "round.create" if creating else "round.update", rnd, None,
           {"title": rnd.title, "kind": rnd.kind, "question_count": rnd.question_count,
            "time_limit_s": rnd.time_limit_s})
    return rnd


def close_round_now(session: Session, actor_id: int | None, rnd: Round, now: datetime,
                    reason: str | None = None) -> list[int]:
    """End an official round now ("Kết thúc vòng thi ngay", `flask rounds close`): its closing
    time becomes `now` (unless it closed earlier), every attempt in progress is closed and
    scored, and the audit log records it, all in the caller's one transaction."""
    if rnd.kind == "practice":
        raise ValidationFailed(round=_l("Vòng thi thử không có thời gian kết thúc."))
    if rnd.opens_at is not None and now < rnd.opens_at:
        raise ValidationFailed(round=_l("Vòng thi chưa mở nên không thể kết thúc."))
    before = rnd.closes_at.isoformat() if rnd.closes_at else None
    if rnd.closes_at is None or rnd.closes_at > now:
        rnd.closes_at = now
    session.flush()
    closed = close_round_attempts(session, rnd, now)
    session.flush()
    record(actor_id, "round.close_now", rnd, {"closes_at": before},
           {"closes_at": rnd.closes_at.isoformat(), "closed_attempts": closed}, reason=reason)
    return closed


def create_weekly_rounds(session: Session, actor_id: int, contest: Contest,
                         first_opens: datetime, first_closes: datetime, count: int,
                         title_pattern: str) -> list[Round]:
    """Create `count` weekly rounds copying the settings, the blueprint, the prediction's
    wording and the prize tiers (individual and unit, per board) of the contest's first
    official round, or sensible defaults when it has none. Contest documents belong to the
    contest, not to a round, so every round already shares them."""
    from ..rankings.models import PrizeTier

    template = next((r for r in contest.rounds if r.kind == "official"), None)
    schedule = rules.weekly_schedule(first_opens, first_closes, count)
    start = len([r for r in contest.rounds if r.kind == "official"])
    created = []
    for i, (opens, closes) in enumerate(schedule, start=1):
        rnd = Round(
            contest_id=contest.id, kind="official", position=len(contest.rounds) + i,
            title=title_pattern.replace("{n}", str(start + i)), opens_at=opens,
            closes_at=closes,
            question_count=template.question_count if template else 20,
            time_limit_s=template.time_limit_s if template else 15 * 60,
            max_attempts=template.max_attempts if template else 1,
            counting=template.counting if template else "best",
            reveal=template.reveal if template else "after_submit",
            prediction_kind=template.prediction_kind if template else "full_marks",
            prediction_text=template.prediction_text if template else None,
            blueprint=[BlueprintLine(board_id=ln.board_id, topic_id=ln.topic_id,
                                     difficulty=ln.difficulty, count=ln.count)
                       for ln in (template.blueprint if template else [])],
        )
        session.add(rnd)
        created.append(rnd)
    session.flush()
    tiers = list(session.scalars(select(PrizeTier).where(
        PrizeTier.round_id == template.id).order_by(PrizeTier.id))) if template else []
    for rnd in created:
        for tier in tiers:
            session.add(PrizeTier(contest_id=contest.id, round_id=rnd.id, board_id=tier.board_id,
                                  kind=tier.kind, level=tier.level, name=tier.name,
                                  count=tier.count, amount=tier.amount))
    session.flush()
    record(actor_id, "round.weekly_series", contest, None,
           {"rounds": [r.id for r in created], "count": count,
            "copied_from": template.id if template else None,
            "prize_tiers_per_round": len(tiers)})
    return created


def grant_extra_time(session: Session, actor_id: int, rnd: Round, user_id: int, minutes: int,
                     now: datetime) -> ExtraTime:
    """Give a participant extra minutes in a round (an accommodation). An attempt in progress
    gets the later deadline at once."""
    if minutes < 0 or minutes > 24 * 60:
        raise ValidationFailed(minutes=_l("Số phút cộng thêm phải từ 0 đến 1440."))
    row = session.scalar(select(ExtraTime).where(ExtraTime.round_id == rnd.id,
                                                 ExtraTime.user_id == user_id))
    before = row.seconds if row else 0
    if row is None:
        row = ExtraTime(round_id=rnd.id, user_id=user_id, seconds=0)
        session.add(row)
    row.seconds, row.granted_by_id, row.granted_at = minutes * 60, actor_id, now
    current = session.scalar(select(Attempt).where(
        Attempt.round_id == rnd.id, Attempt.user_id == user_id,
        Attempt.status == ATTEMPT_IN_PROGRESS))
    if current is not None:
        closes = None if rnd.kind == "practice" else rnd.closes_at
        current.deadline = rules.attempt_deadline(current.started_at, rnd.time_limit_s, closes,
                                                  row.seconds)
        current.extra_s = row.seconds
    session.flush()
    record(actor_id, "round.extra_time", rnd, {"user_id": user_id, "seconds": before},
           {"user_id": user_id, "seconds": row.seconds,
            "attempt_id": current.id if current else None})
    return row


def find_participant(session: Session, key: str) -> User:
    """An account by e-mail or phone number (organiser tools)."""
    from ..accounts.rules import normalise_email, normalise_phone

    key = (key or "").strip()
    user = session.scalar(select(User).where(
        (User.email == normalise_email(key)) | (User.phone == normalise_phone(key))))
    if user is None:
        raise ValidationFailed(participant=_l("Không tìm thấy tài khoản có email hoặc số "
                                              "điện thoại này."))
    return user


# --- Contest settings and boards -----------------------------------------------------------

SETTING_LOCKS = {
    "require_cccd": _l("Đã có người tham gia (%(n)s người): không thể bật yêu cầu khai báo số "
                       "CCCD, vì những người đã tham gia chưa khai báo sẽ mất quyền dự thi. "
                       "Vẫn có thể tắt yêu cầu này."),
    "min_age": _l("Đã có người tham gia (%(n)s người): không thể đặt hoặc tăng độ tuổi tối "
                  "thiểu, vì người đã tham gia có thể không còn đủ điều kiện. Vẫn có thể giảm "
                  "hoặc bỏ giới hạn."),
    "collect_birth_date": _l("Đã có người tham gia (%(n)s người): không thể bắt đầu thu ngày "
                             "sinh, vì người đã tham gia chưa được hỏi ngày sinh khi đăng ký. "
                             "Vẫn có thể tắt."),
}
BOARD_DELETE_PROBLEMS = {
    prules.HAS_MEMBERS: _l("Bảng “%(name)s” đã có %(n)s người tham gia nên không thể xóa. Hãy "
                           "chuyển họ sang bảng khác trước (trang Người tham gia và bảng thi)."),
    prules.HAS_ATTEMPTS: _l("Bảng “%(name)s” đã có %(n)s bài làm nên không thể xóa (mỗi bài "
                            "làm giữ bảng của lúc thi); vẫn có thể đổi tên bảng."),
    prules.HAS_RANKINGS: _l("Bảng “%(name)s” đã có bảng xếp hạng được công bố nên không thể "
                            "xóa."),
}


def entry_settings(contest: Contest) -> prules.EntrySettings:
    return prules.EntrySettings(bool(contest.require_cccd), contest.min_age or None,
                                bool(contest.collect_birth_date))


def entrants(session: Session, contest_id: int) -> int:
    """People who already entered the contest: joined it, or took an official round."""
    joined = select(Participation.user_id).where(Participation.contest_id == contest_id)
    attempted = (select(Attempt.user_id).join(Round, Round.id == Attempt.round_id)
                 .where(Round.contest_id == contest_id, Round.kind == "official"))
    both = union(joined, attempted).subquery()
    return session.scalar(select(func.count()).select_from(both)) or 0


def setting_locks(session: Session, contest: Contest) -> dict[str, str]:
    """{field: the Vietnamese reason it is locked} for the settings page."""
    count = entrants(session, contest.id)
    return {field: str(SETTING_LOCKS[field] % {"n": count})
            for field in prules.locked_settings(entry_settings(contest), count)}


@dataclass
class ContestSettings:
    require_cccd: bool
    min_age: int | None
    collect_birth_date: bool
    certificates: bool


def save_settings(session: Session, actor_id: int, contest: Contest,
                  data: ContestSettings) -> Contest:
    """Save the joining and certificate settings. A change that would alter an entry already
    made (prules.refused_setting_changes) is refused with the reason; nothing is written."""
    if data.min_age is not None and not 1 <= data.min_age <= 100:
        raise ValidationFailed(min_age=_l("Độ tuổi tối thiểu phải từ 1 đến 100 (để trống nếu "
                                          "không giới hạn)."))
    wanted = prules.EntrySettings(data.require_cccd, data.min_age or None,
                                  data.collect_birth_date)
    count = entrants(session, contest.id)
    refused = prules.refused_setting_changes(entry_settings(contest), wanted, count)
    if refused:
        raise ValidationFailed(**{f: SETTING_LOCKS[f] % {"n": count} for f in refused})
    before = settings_of(contest)
    contest.require_cccd, contest.min_age = data.require_cccd, data.min_age or None
    contest.collect_birth_date, contest.certificates = data.collect_birth_date, data.certificates
    after = settings_of(contest)
    session.flush()
    if before != after:
        record(actor_id, "contest.settings", contest, before, after)
    return contest


def settings_of(contest: Contest) -> dict:
    return {"require_cccd": bool(contest.require_cccd), "min_age": contest.min_age,
            "collect_birth_date": bool(contest.collect_birth_date),
            "certificates": bool(contest.certificates)}


def _board_name(contest: Contest, name: str, board: Board | None = None) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise ValidationFailed(name=_l("Vui lòng nhập tên bảng thi."))
    if len(name) > 200:
        raise ValidationFailed(name=_l("Tên bảng thi dài tối đa 200 ký tự."))
    if any(b.name.casefold() == name.casefold() and b is not board for b in contest.boards):
        raise ValidationFailed(name=_l("Cuộc thi đã có bảng với tên này."))
    return name


def rename_board(session: Session, actor_id: int, contest: Contest, board: Board,
                 name: str) -> Board:
    """Renaming changes no entry: attempts and rankings keep the board's id."""
    name = _board_name(contest, name, board)
    before = board.name
    if name != before:
        board.name = name
        session.flush()
        record(actor_id, "board.rename", board, {"name": before}, {"name": name})
    return board


def move_board(session: Session, actor_id: int, contest: Contest, board: Board,
               step: int) -> list[int]:
    """Move a board one place up (-1) or down (+1) in the contest's order."""
    before = [b.id for b in contest.boards]
    order = prules.move_in_order(before, board.id, step)
    if order != before:
        by_id = {b.id: b for b in contest.boards}
        for position, board_id in enumerate(order):
            by_id[board_id].position = position
        session.flush()
        session.expire(contest, ["boards"])
        record(actor_id, "board.reorder", contest, {"order": before}, {"order": order})
    return order


def board_usage(session: Session, board: Board) -> tuple[int, int, int]:
    """(participations, attempts, ranking snapshots) that reference a board."""
    from ..rankings.models import RankingSnapshot

    members = session.scalar(select(func.count(Participation.id)).where(
        Participation.board_id == board.id)) or 0
    attempts = session.scalar(select(func.count(Attempt.id)).where(
        Attempt.board_id == board.id)) or 0
    snapshots = session.scalar(select(func.count(RankingSnapshot.id)).where(
        RankingSnapshot.board_id == board.id)) or 0
    return members, attempts, snapshots


def delete_board(session: Session, actor_id: int, contest: Contest, board: Board) -> None:
    """Delete an empty board with its blueprint lines and prize tiers; a board that anyone
    joined, that an attempt was drawn for or that has a published ranking is refused."""
    from ..rankings.models import PrizeTier

    usage = board_usage(session, board)
    problem = prules.board_delete_problem(*usage)
    if problem is not None:
        n = dict(zip((prules.HAS_MEMBERS, prules.HAS_ATTEMPTS, prules.HAS_RANKINGS), usage,
                     strict=True))[problem]
        raise ValidationFailed(board=BOARD_DELETE_PROBLEMS[problem] % {"name": board.name,
                                                                      "n": n})
    lines = session.scalars(select(BlueprintLine).where(BlueprintLine.board_id == board.id))
    removed_lines = 0
    for line in lines:
        session.delete(line)
        removed_lines += 1
    tiers = session.execute(delete(PrizeTier).where(PrizeTier.board_id == board.id)).rowcount
    before = {"name": board.name, "contest_id": contest.id, "position": board.position,
              "blueprint_lines": removed_lines, "prize_tiers": tiers or 0}
    record(actor_id, "board.delete", board, before, None)
    session.delete(board)
    session.flush()
    session.expire(contest, ["boards"])
    for position, remaining in enumerate(contest.boards):
        remaining.position = position
    session.flush()
