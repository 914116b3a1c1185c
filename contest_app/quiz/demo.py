"""The demo contest: the shipped bank imported, four weekly rounds (Monday 10:00 to the next
Monday 09:00, Asia/Ho_Chi_Minh) with the first one open now, and a practice round ("Thi thử")
drawing only from the practice pool."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import clock
from ..accounts.models import ROLE_ORGANISER, UserRole
from ..bank import services as bank_services
from ..rankings.models import PrizeTier
from ..rankings.services import PRIZE_NAMES
from .models import BlueprintLine, Board, Contest, Round

DEMO_BOARDS = ["Cán bộ, công chức, viên chức", "Người dân"]
# Per round and board: 1 first, 2 second, 3 third and 5 consolation prizes; per round, one
# collective prize of each level for units.
DEMO_PRIZES = {1: 1, 2: 2, 3: 3, 4: 5}

DEMO_PRACTICE_TITLE = "Thi thử"
DEMO_PRACTICE_COUNT = 10  # questions per practice attempt, all from the practice pool

DEMO_TITLE = "Cuộc thi trực tuyến tìm hiểu chính sách, pháp luật về cải cách hành chính"
DEMO_RULES = "\n".join([
    '1. Đối tượng: cán bộ, công chức, viên chức và người dân trên địa bàn tỉnh.',
    '2. Mỗi tuần thi mở từ 10 giờ 00 thứ Hai đến 9 giờ 00 thứ Hai tuần sau.',
    '3. Mỗi bài thi gồm 20 câu hỏi trắc nghiệm, làm trong 15 phút, và một câu hỏi dự đoán'
    ' số người trả lời đúng tất cả các câu.',
    '4. Mỗi người được thi 1 lượt mỗi tuần; điểm, thời gian và đáp án được hiển thị ngay '
    'sau khi nộp bài.',
    '5. Xếp hạng theo: số câu đúng; nếu bằng nhau thì dự đoán gần đúng hơn; tiếp đến thời'
    ' gian làm bài ít hơn; tiếp đến nộp bài sớm hơn.',
    '6. Thành viên Ban Tổ chức, Tổ giúp việc và Ban Giám khảo không tham gia xét giải.',
])


def weekly_opening(now: datetime, tz: ZoneInfo) -> datetime:
    """The Monday 10:00 (local) of the current contest week."""
    local = now.astimezone(tz)
    monday = local.date() - timedelta(days=local.weekday())
    opens = datetime.combine(monday, time(10, 0), tzinfo=tz)
    if local < opens:
        opens -= timedelta(days=7)
    return opens


def _park_or_open_practice(session: Session, contest: Contest, notes: list[str]) -> None:
    """The demo's practice round is open while the practice pool can fill it; otherwise it
    stays closed (a closing time in the past) with a note saying why. Run again once the
    pool has grown, the demo opens it."""
    from .services import pool_shortfall, round_lines

    rnd = next((r for r in contest.rounds if r.kind == "practice"
                and r.title == DEMO_PRACTICE_TITLE), None)
    if rnd is None:
        return
    short = pool_shortfall(session, rnd.kind, round_lines(rnd), rnd.question_count)
    if short is None:
        if rnd.closes_at is not None:
            rnd.closes_at = None
            notes.append(f"Đã mở vòng “{rnd.title}”: kho câu hỏi luyện tập đã đủ "
                         f"{rnd.question_count} câu.")
        return
    if rnd.closes_at is None:
        rnd.closes_at = clock.now()
    notes.append(f"Vòng “{rnd.title}” đã được tạo nhưng đang đóng: kho câu hỏi luyện tập "
                 f"(pool: practice) mới có {short.pool_size} câu đã duyệt, cần "
                 f"{rnd.question_count} câu. Thêm câu hỏi luyện tập rồi chạy lại lệnh demo "
                 f"để mở vòng này.")


def load_demo_contest(session: Session, notes: list[str] | None = None) -> Contest | None:
    """Import the shipped bank and create the demo contest (once). Lines worth telling the
    operator (a practice round left closed, and why) are appended to `notes`."""
    notes = notes if notes is not None else []
    # The shipped bank has been checked against the legal sources: the demo organiser's
    # approval (legal check ticked) makes its "approved" questions drawable.
    organiser = session.scalar(select(UserRole.user_id).where(UserRole.role == ROLE_ORGANISER)
                               .order_by(UserRole.user_id).limit(1))
    bank_services.import_path(session, current_app.config["QUESTION_BANK_PATH"],
                              actor_id=organiser, approve=True)
    session.flush()
    existing = session.scalar(select(Contest).where(Contest.title == DEMO_TITLE))
    if existing is not None:
        _park_or_open_practice(session, existing, notes)
        session.flush()
        return existing
    tz = ZoneInfo(current_app.config["CONTEST_TIMEZONE"])
    contest = Contest(
        title=DEMO_TITLE,
        description="Cuộc thi tìm hiểu chính sách, pháp luật về cải cách hành chính năm 2026 "
                    "(dữ liệu mẫu).",
        rules_text=DEMO_RULES,
        # Participation certificates after each round closes (prize certificates come with
        # the published ranking); the design is the defaults until the organiser changes it.
        certificates=True,
    )
    session.add(contest)
    session.flush()
    boards = [Board(contest_id=contest.id, name=name, position=i)
              for i, name in enumerate(DEMO_BOARDS)]
    session.add_all(boards)
    contest.unit_settings = {
        "order": "collective_score", "formula": "weighted",
        "weights": {"participation_rate": 1.0, "average_score": 0.0, "prize_points": 1.0},
        "prize_points": {"1": 10, "2": 8, "3": 6, "4": 4}}
    first = weekly_opening(clock.now(), tz)
    for week in range(4):
        opens = first + timedelta(days=7 * week)
        session.add(Round(
            contest_id=contest.id, kind="official", title=f"Tuần thi thứ {week + 1}",
            position=week, opens_at=opens, closes_at=opens + timedelta(days=7, hours=-1),
            question_count=20, time_limit_s=15 * 60, max_attempts=1, counting="best",
            reveal="after_submit", prediction_kind="full_marks",
            blueprint=[BlueprintLine(difficulty="easy", count=8),
                       BlueprintLine(difficulty="medium", count=8),
                       BlueprintLine(difficulty="hard", count=4)],
        ))
    session.flush()
    for rnd in contest.rounds:
        if rnd.kind != "official":
            continue
        for board in boards:
            for level, count in DEMO_PRIZES.items():
                session.add(PrizeTier(contest_id=contest.id, round_id=rnd.id, board_id=board.id,
                                      kind="individual", level=level, name=PRIZE_NAMES[level],
                                      count=count))
                session.add(PrizeTier(contest_id=contest.id, round_id=rnd.id, board_id=board.id,
                                      kind="unit", level=level, name=PRIZE_NAMES[level],
                                      count=1))
    # Practice rounds reveal the key after submit: they draw only the practice pool.
    session.add(Round(
        contest_id=contest.id, kind="practice", title=DEMO_PRACTICE_TITLE, position=10,
        opens_at=None, closes_at=None, question_count=DEMO_PRACTICE_COUNT,
        time_limit_s=10 * 60, max_attempts=None, counting="best", reveal="after_submit",
    ))
    session.flush()
    session.refresh(contest)
    _park_or_open_practice(session, contest, notes)
    session.flush()
    return contest
