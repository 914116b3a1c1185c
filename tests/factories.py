"""Test data builders for the bank and the quiz (plain functions on a session)."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from contest_app.bank.models import Question, QuestionVersion, Topic
from contest_app.quiz.models import BlueprintLine, Board, Contest, Round


def topic(session: Session, key: str = "procedures", name: str = "Thủ tục hành chính") -> Topic:
    row = session.query(Topic).filter_by(key=key).one_or_none()
    if row is None:
        row = Topic(key=key, name=name)
        session.add(row)
        session.flush()
    return row


def question(
    session: Session, key: str, topic_row: Topic, difficulty: str = "easy",
    correct: list[int] | None = None, options: list[str] | None = None, multiple: bool = False,
    status: str = "approved", weight: int = 1, text: str | None = None,
    pool: str = "official", group: str = "",
) -> Question:
    options = options or [f"{key} phương án {c}" for c in "ABCD"]
    correct = correct if correct is not None else [0]
    q = Question(key=key, topic_id=topic_row.id, difficulty=difficulty, status=status,
                 current_version=1, search_text=key.lower(), pool=pool, draw_group=group)
    session.add(q)
    session.flush()
    content = f"{key}|{text}|{options}|{correct}"
    session.add(QuestionVersion(
        question_id=q.id, number=1, text=text or f"Câu hỏi {key}?", options=options,
        correct=correct, multiple=multiple, weight=weight,
        explanation=f"Giải thích cho {key}.", legal_basis="Nghị định 61/2018/NĐ-CP",
        facts=["B7"], confidence="secondary",
        content_hash=hashlib.sha256(content.encode()).hexdigest()))
    session.flush()
    return q


def bank(session: Session, n: int = 12, topic_key: str = "procedures",
         pool: str = "official") -> list[Question]:
    """`n` approved questions of one topic; a practice bank's keys carry a "P" prefix."""
    t = topic(session, topic_key)
    prefix = "P" if pool == "practice" else ""
    return [question(session, f"{prefix}{topic_key.upper()}-{i:03d}", t,
                     difficulty=("easy", "medium", "hard")[i % 3], correct=[i % 4], pool=pool)
            for i in range(1, n + 1)]


def contest(session: Session, title: str = "Cuộc thi thử nghiệm", boards: list[str] | None = None,
            **fields: object) -> Contest:
    c = Contest(title=title, description="Mô tả", rules_text="Thể lệ", **fields)
    session.add(c)
    session.flush()
    for i, name in enumerate(boards or []):
        session.add(Board(contest_id=c.id, name=name, position=i))
    session.flush()
    return c


def round_(
    session: Session, contest_row: Contest, now: datetime, question_count: int = 5,
    time_limit_s: int = 600, max_attempts: int | None = 1, kind: str = "official",
    opens_delta: timedelta = timedelta(hours=-1), closes_delta: timedelta = timedelta(days=7),
    reveal: str = "after_submit", counting: str = "best", prediction_kind: str | None = None,
    lines: list[tuple] | None = None, title: str = "Tuần 1",
) -> Round:
    r = Round(
        contest_id=contest_row.id, kind=kind, title=title, opens_at=now + opens_delta,
        closes_at=None if kind == "practice" else now + closes_delta,
        question_count=question_count, time_limit_s=time_limit_s, max_attempts=max_attempts,
        counting=counting, reveal=reveal, prediction_kind=prediction_kind,
    )
    session.add(r)
    session.flush()
    for board_id, topic_id, difficulty, count in lines or []:
        session.add(BlueprintLine(round_id=r.id, board_id=board_id, topic_id=topic_id,
                                  difficulty=difficulty, count=count))
    session.flush()
    return r


def finished_attempt(session: Session, round_row: Round, user_id: int, score: int,
                     duration_ms: int, submitted_at: datetime, prediction: int | None = None,
                     number: int = 1, max_score: int | None = None, board_id: int | None = None,
                     status: str = "submitted"):
    """A scored attempt written directly (ranking tests do not need the questions)."""
    from contest_app.quiz.models import Attempt

    attempt = Attempt(
        round_id=round_row.id, user_id=user_id, board_id=board_id, number=number, seed=1,
        status=status, started_at=submitted_at - timedelta(milliseconds=duration_ms),
        deadline=submitted_at + timedelta(minutes=10), submitted_at=submitted_at, score=score,
        max_score=max_score if max_score is not None else round_row.question_count,
        duration_ms=duration_ms, prediction=prediction)
    session.add(attempt)
    session.flush()
    return attempt
