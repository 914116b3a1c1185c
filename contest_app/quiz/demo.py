"""The demo contest: the shipped bank imported, four weekly rounds (Monday 10:00 to the next
Monday 09:00, Asia/Ho_Chi_Minh) with the first one open now, and a practice round."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import clock
from ..bank import services as bank_services
from ..rankings.models import PrizeTier
from ..rankings.services import PRIZE_NAMES
from .models import BlueprintLine, Board, Contest, Round

DEMO_BOARDS = ["Cán bộ, công chức, viên chức", "Người dân"]
# Per round and board: 1 first, 2 second, 3 third and 5 consolation prizes; per round, one
# collective prize of each level for units.
DEMO_PRIZES = {1: 1, 2: 2, 3: 3, 4: 5}

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


def load_demo_contest(session: Session) -> Contest | None:
    """Import the shipped bank and create the demo contest (once)."""
    bank_services.import_path(session, current_app.config["QUESTION_BANK_PATH"])
    existing = session.scalar(select(Contest).where(Contest.title == DEMO_TITLE))
    if existing is not None:
        return existing
    tz = ZoneInfo(current_app.config["CONTEST_TIMEZONE"])
    contest = Contest(
        title=DEMO_TITLE,
        description="Cuộc thi tìm hiểu chính sách, pháp luật về cải cách hành chính năm 2026 "
                    "(dữ liệu mẫu).",
        rules_text=DEMO_RULES,
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
    session.add(Round(
        contest_id=contest.id, kind="practice", title="Thi thử", position=10, opens_at=None,
        closes_at=None, question_count=10, time_limit_s=10 * 60, max_attempts=None,
        counting="best", reveal="after_submit",
    ))
    session.flush()
    return contest
