"""Quiz services: the database side of contests, rounds and attempts.

Each function takes the session, the acting user's id and `now` explicitly, calls the rules,
writes, and flushes; the caller (a view, the API or the CLI) commits once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam, exists, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from ..bank.models import Question, QuestionVersion
from ..domain import NotFound
from . import rules
from .models import (
    ATTEMPT_EXPIRED,
    ATTEMPT_IN_PROGRESS,
    ATTEMPT_SUBMITTED,
    ROUND_OFFICIAL,
    ROUND_PRACTICE,
    Attempt,
    AttemptItem,
    BlueprintLine,
    Contest,
    ExtraTime,
    Participation,
    Round,
)

FINISHED = (ATTEMPT_SUBMITTED, ATTEMPT_EXPIRED)


def public_contests(session: Session) -> list[Contest]:
    """Published contests with their rounds, newest first."""
    return list(
        session.scalars(
            select(Contest)
            .where(Contest.published.is_(True))
            .options(selectinload(Contest.rounds), selectinload(Contest.boards))
            .order_by(Contest.created_at.desc(), Contest.id.desc())
        )
    )


def get_contest(session: Session, contest_id: int, include_unpublished: bool = False) -> Contest:
    contest = session.get(Contest, contest_id)
    if contest is None or (not contest.published and not include_unpublished):
        raise NotFound()
    return contest


def get_round(session: Session, round_id: int, include_unpublished: bool = False) -> Round:
    rnd = session.get(Round, round_id)
    if rnd is None or (not rnd.contest.published and not include_unpublished):
        raise NotFound()
    return rnd


def round_status(rnd: Round, now: datetime) -> str:
    if rnd.kind == ROUND_PRACTICE:
        return rules.round_status(now, rnd.opens_at, None)
    return rules.round_status(now, rnd.opens_at, rnd.closes_at)


def extra_seconds(session: Session, round_id: int, user_id: int) -> int:
    return session.scalar(
        select(ExtraTime.seconds).where(ExtraTime.round_id == round_id,
                                        ExtraTime.user_id == user_id)
    ) or 0


def participation(session: Session, contest_id: int, user_id: int) -> Participation | None:
    return session.scalar(
        select(Participation).where(Participation.contest_id == contest_id,
                                    Participation.user_id == user_id)
    )


def board_for(session: Session, rnd: Round, user_id: int) -> int | None:
    """The participant's board in this round's contest; official rounds of a contest with
    boards need one (BoardRequired)."""
    if not rnd.contest.boards:
        return None
    part = participation(session, rnd.contest_id, user_id)
    if part is None or part.board_id is None:
        if rnd.kind == ROUND_OFFICIAL:
            raise rules.BoardRequired()
        return None
    return part.board_id


def blueprint_for(rnd: Round, board_id: int | None) -> list[rules.BlueprintSpec]:
    """The round's blueprint for a board: its own lines when it has any, else the shared ones."""
    own = [line for line in rnd.blueprint if board_id is not None and line.board_id == board_id]
    lines = own or [line for line in rnd.blueprint if line.board_id is None]
    if not lines:
        return [rules.BlueprintSpec(count=rnd.question_count)]
    return [rules.BlueprintSpec(line.count, line.topic_id, line.difficulty) for line in lines]


def candidates(session: Session) -> list[rules.Candidate]:
    """Current versions of approved questions."""
    rows = session.execute(
        select(Question.id, QuestionVersion.id, Question.topic_id, Question.difficulty,
               QuestionVersion.options, QuestionVersion.multiple)
        .join(QuestionVersion, (QuestionVersion.question_id == Question.id)
              & (QuestionVersion.number == Question.current_version))
        .where(Question.status == "approved")
    )
    return [rules.Candidate(qid, vid, tid, diff, len(opts), bool(multi))
            for qid, vid, tid, diff, opts, multi in rows]


def seen_counts(session: Session, rnd: Round, user_id: int) -> dict[int, int]:
    """How often the participant was shown each question in the contest's other official
    rounds (practice never counts)."""
    rows = session.execute(
        select(AttemptItem.question_id, func.count())
        .join(Attempt, Attempt.id == AttemptItem.attempt_id)
        .join(Round, Round.id == Attempt.round_id)
        .where(Attempt.user_id == user_id, Round.contest_id == rnd.contest_id,
               Round.kind == ROUND_OFFICIAL, Round.id != rnd.id)
        .group_by(AttemptItem.question_id)
    )
    return {qid: n for qid, n in rows}


def attempts_used(session: Session, round_id: int, user_id: int) -> int:
    return session.scalar(
        select(func.count(Attempt.id)).where(Attempt.round_id == round_id,
                                             Attempt.user_id == user_id)
    ) or 0


def in_progress_attempt(session: Session, round_id: int, user_id: int) -> Attempt | None:
    return session.scalar(
        select(Attempt).where(Attempt.round_id == round_id, Attempt.user_id == user_id,
                              Attempt.status == ATTEMPT_IN_PROGRESS)
    )


@dataclass
class Started:
    attempt: Attempt
    created: bool


def start_attempt(
    session: Session, user_id: int, round_id: int, now: datetime, grace_s: int,
    seed: int | None = None,
) -> Started:
    """Start an attempt, or resume the one in progress with the time that is left.

    Two simultaneous starts give one attempt: the database refuses a second in-progress row
    (partial unique index) and a duplicate attempt number; the loser resumes the winner's."""
    rnd = get_round(session, round_id)
    current = in_progress_attempt(session, round_id, user_id)
    if current is not None and not close_if_overdue(session, current, now, grace_s):
        return Started(current, False)
    if round_status(rnd, now) != rules.ROUND_OPEN:
        raise rules.RoundNotOpen()
    used = attempts_used(session, round_id, user_id)
    max_attempts = None if rnd.kind == ROUND_PRACTICE else rnd.max_attempts
    if rules.attempts_left(max_attempts, used) == 0:
        # A simultaneous start may have created the attempt we count: resume it.
        current = in_progress_attempt(session, round_id, user_id)
        if current is not None and not close_if_overdue(session, current, now, grace_s):
            return Started(current, False)
        raise rules.NoAttemptsLeft()
    board_id = board_for(session, rnd, user_id)
    seed = seed if seed is not None else rules.new_seed()
    drawn = rules.draw_questions(
        candidates(session), blueprint_for(rnd, board_id), seed,
        seen_counts(session, rnd, user_id),
    )
    extra = extra_seconds(session, round_id, user_id)
    closes = None if rnd.kind == ROUND_PRACTICE else rnd.closes_at
    attempt = Attempt(
        round_id=round_id, user_id=user_id, board_id=board_id, number=used + 1, seed=seed,
        status=ATTEMPT_IN_PROGRESS, started_at=now,
        deadline=rules.attempt_deadline(now, rnd.time_limit_s, closes, extra),
        max_score=0,
    )
    session.add(attempt)
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        current = in_progress_attempt(session, round_id, user_id)
        if current is None:
            raise
        return Started(current, False)
    weights = dict(session.execute(
        select(QuestionVersion.id, QuestionVersion.weight).where(
            QuestionVersion.id.in_([d.version_id for d in drawn]))
    ).all())
    attempt.max_score = sum(weights.get(d.version_id, 1) for d in drawn)
    session.execute(
        AttemptItem.__table__.insert(),
        [
            {"attempt_id": attempt.id, "position": d.position, "question_id": d.question_id,
             "version_id": d.version_id, "option_order": list(d.option_order),
             "option_count": d.option_count, "multiple": d.multiple, "chosen": None,
             "answered_at": None, "points": None}
            for d in drawn
        ],
    )
    session.flush()
    return Started(attempt, True)


def attempt_for(session: Session, attempt_id: int, user_id: int) -> Attempt:
    """The user's own attempt; anyone else's is NotFound (404, never 403)."""
    attempt = session.get(Attempt, attempt_id)
    if attempt is None or attempt.user_id != user_id:
        raise NotFound()
    return attempt


def close_if_overdue(session: Session, attempt: Attempt, now: datetime, grace_s: int) -> bool:
    """Close and score an in-progress attempt whose deadline has passed. True if closed now
    or already finished."""
    if attempt.status != ATTEMPT_IN_PROGRESS:
        return True
    if not rules.is_overdue(now, attempt.deadline, grace_s):
        return False
    _finish(session, attempt, ATTEMPT_EXPIRED, attempt.deadline)
    return True


def save_answer(
    session: Session, user_id: int, attempt_id: int, question_id: int, option_ids: list[int],
    now: datetime, grace_s: int,
) -> None:
    """Save one answer with a single conditional UPDATE (the hot path). Display ids are stored;
    an empty list clears the answer. Nothing is saved after the deadline or the submission."""
    ids = sorted(set(option_ids))
    if len(ids) != len(option_ids) or any(i < 1 for i in ids):
        raise rules.InvalidOption(option_ids="invalid")
    conditions = [
        AttemptItem.attempt_id == attempt_id,
        AttemptItem.question_id == question_id,
        exists(
            select(Attempt.id)
            .where(Attempt.id == attempt_id, Attempt.user_id == user_id,
                   Attempt.status == ATTEMPT_IN_PROGRESS,
                   Attempt.deadline >= now - timedelta(seconds=grace_s))
            .with_for_update(read=True)
        ),
    ]
    if ids:
        conditions.append(AttemptItem.option_count >= ids[-1])
    if len(ids) > 1:
        conditions.append(AttemptItem.multiple.is_(True))
    result = session.execute(
        update(AttemptItem).where(*conditions).values(chosen=ids, answered_at=now)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount == 1:
        return
    _explain_refusal(session, user_id, attempt_id, question_id, ids, now, grace_s)


def _explain_refusal(
    session: Session, user_id: int, attempt_id: int, question_id: int | None, ids: list[int],
    now: datetime, grace_s: int,
) -> None:
    """Work out why a conditional write touched nothing, and raise the matching error."""
    attempt = attempt_for(session, attempt_id, user_id)
    if attempt.status != ATTEMPT_IN_PROGRESS or close_if_overdue(session, attempt, now, grace_s):
        err = rules.AttemptClosed(status=attempt.status)
        err.persist = True
        raise err
    if question_id is not None:
        item = session.scalar(select(AttemptItem).where(
            AttemptItem.attempt_id == attempt_id, AttemptItem.question_id == question_id))
        if item is None:
            raise NotFound()
        rules.validate_choice(ids, item.option_count, item.multiple)
    raise rules.AttemptClosed(status=attempt.status)


def set_prediction(
    session: Session, user_id: int, attempt_id: int, value: int, now: datetime, grace_s: int,
) -> None:
    result = session.execute(
        update(Attempt)
        .where(Attempt.id == attempt_id, Attempt.user_id == user_id,
               Attempt.status == ATTEMPT_IN_PROGRESS,
               Attempt.deadline >= now - timedelta(seconds=grace_s))
        .values(prediction=value)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        _explain_refusal(session, user_id, attempt_id, None, [], now, grace_s)


def submit(session: Session, user_id: int, attempt_id: int, now: datetime,
           grace_s: int) -> Attempt:
    """Submit and score. Idempotent: a repeated submit returns the stored result unchanged.
    A submit after the deadline (plus grace) closes the attempt as expired at its deadline."""
    attempt = attempt_for(session, attempt_id, user_id)
    if attempt.status == ATTEMPT_IN_PROGRESS:
        if rules.is_overdue(now, attempt.deadline, grace_s):
            _finish(session, attempt, ATTEMPT_EXPIRED, attempt.deadline)
        else:
            _finish(session, attempt, ATTEMPT_SUBMITTED, min(now, attempt.deadline))
    return attempt


def _finish(session: Session, attempt: Attempt, status: str, ended_at: datetime) -> None:
    """Move an attempt out of progress exactly once and score it with what was saved."""
    moved = session.execute(
        update(Attempt)
        .where(Attempt.id == attempt.id, Attempt.status == ATTEMPT_IN_PROGRESS)
        .values(status=status, submitted_at=ended_at)
        .execution_options(synchronize_session=False)
    )
    if moved.rowcount != 1:  # someone else finished it first: take their result
        session.refresh(attempt)
        return
    rows = session.execute(
        select(AttemptItem.id, AttemptItem.chosen, AttemptItem.option_order,
               QuestionVersion.correct, QuestionVersion.weight)
        .join(QuestionVersion, QuestionVersion.id == AttemptItem.version_id)
        .where(AttemptItem.attempt_id == attempt.id)
        .order_by(AttemptItem.position)
    ).all()
    scored = rules.score_items([
        rules.ScoredItem(tuple(chosen) if chosen else None, tuple(order), frozenset(correct),
                         weight)
        for _, chosen, order, correct, weight in rows
    ])
    if rows:
        session.execute(
            update(AttemptItem.__table__)
            .where(AttemptItem.__table__.c.id == bindparam("item_id"))
            .values(points=bindparam("item_points")),
            [{"item_id": row[0], "item_points": pts} for row, pts in zip(rows, scored.points,
                                                                          strict=True)],
        )
    session.execute(
        update(Attempt).where(Attempt.id == attempt.id).values(
            score=scored.total, max_score=scored.max_score,
            duration_ms=rules.duration_ms(attempt.started_at, ended_at),
        ).execution_options(synchronize_session=False)
    )
    session.flush()
    session.refresh(attempt)


def close_overdue(session: Session, now: datetime, grace_s: int) -> int:
    """Close every in-progress attempt whose deadline has passed (the CLI command)."""
    overdue = list(session.scalars(
        select(Attempt).where(Attempt.status == ATTEMPT_IN_PROGRESS,
                              Attempt.deadline < now - timedelta(seconds=grace_s))
    ))
    for attempt in overdue:
        _finish(session, attempt, ATTEMPT_EXPIRED, attempt.deadline)
    return len(overdue)


@dataclass
class ItemView:
    """One question of an attempt as the participant sees it (no key unless `review`)."""

    question_id: int
    position: int
    text: str
    multiple: bool
    options: list[tuple[int, str]]  # (display id, text)
    chosen: list[int]
    correct: list[int] | None = None
    points: int | None = None
    explanation: str | None = None
    legal_basis: str | None = None


def attempt_items(session: Session, attempt: Attempt, review: bool) -> list[ItemView]:
    rows = session.execute(
        select(AttemptItem, QuestionVersion)
        .join(QuestionVersion, QuestionVersion.id == AttemptItem.version_id)
        .where(AttemptItem.attempt_id == attempt.id)
        .order_by(AttemptItem.position)
    ).all()
    views = []
    for item, version in rows:
        order = list(item.option_order)
        view = ItemView(
            question_id=item.question_id, position=item.position, text=version.text,
            multiple=item.multiple,
            options=[(i + 1, version.options[orig]) for i, orig in enumerate(order)],
            chosen=list(item.chosen or []),
        )
        if review:
            view.correct = rules.display_ids(version.correct, order)
            view.points = item.points
            view.explanation = version.explanation
            view.legal_basis = version.legal_basis
        views.append(view)
    return views


def review_allowed(attempt: Attempt, now: datetime) -> bool:
    rnd = attempt.round
    reveal = rules.REVEAL_AFTER_SUBMIT if rnd.kind == ROUND_PRACTICE else rnd.reveal
    return rules.review_allowed(reveal, attempt.status in FINISHED, now, rnd.closes_at)


def my_attempts(session: Session, user_id: int) -> list[Attempt]:
    return list(session.scalars(
        select(Attempt).where(Attempt.user_id == user_id)
        .options(selectinload(Attempt.round).selectinload(Round.contest))
        .order_by(Attempt.started_at.desc())
    ))


def round_has_attempts(session: Session, round_id: int) -> bool:
    return session.scalar(select(exists().where(Attempt.round_id == round_id))) or False


def blueprint_total(lines: list[BlueprintLine], board_id: int | None = None) -> int:
    return sum(line.count for line in lines if line.board_id == board_id)


def prediction_question(rnd: Round) -> str | None:
    """The prediction question's text as shown to participants."""
    from flask_babel import gettext as _

    if rnd.prediction_kind == "full_marks":
        return _("Theo bạn, vòng thi này sẽ có bao nhiêu người trả lời đúng tất cả các câu hỏi?")
    if rnd.prediction_kind == "participants":
        return _("Theo bạn, vòng thi này sẽ có bao nhiêu người tham gia?")
    return None


def save_answers(
    session: Session, user_id: int, attempt_id: int, answers: dict[int, list[int]],
    now: datetime, grace_s: int,
) -> None:
    """Save several answers at once (the page's plain form, without JavaScript)."""
    for question_id, ids in answers.items():
        save_answer(session, user_id, attempt_id, question_id, ids, now, grace_s)


@dataclass
class RoundInfo:
    """What the round page tells a participant before starting."""

    status: str
    used: int
    left: int | None
    in_progress: Attempt | None
    board_needed: bool


def round_info(session: Session, rnd: Round, user_id: int | None, now: datetime) -> RoundInfo:
    status = round_status(rnd, now)
    if user_id is None:
        return RoundInfo(status, 0, None if rnd.is_practice else rnd.max_attempts, None, False)
    used = attempts_used(session, rnd.id, user_id)
    max_attempts = None if rnd.is_practice else rnd.max_attempts
    board_needed = False
    if rnd.contest.boards and rnd.kind == ROUND_OFFICIAL:
        part = participation(session, rnd.contest_id, user_id)
        board_needed = part is None or part.board_id is None
    return RoundInfo(status, used, rules.attempts_left(max_attempts, used),
                     in_progress_attempt(session, rnd.id, user_id), board_needed)
