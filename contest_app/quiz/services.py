"""Quiz services: the database side of contests, rounds and attempts.

Each function takes the session, the acting user's id and `now` explicitly, calls the rules,
writes, and flushes; the caller (a view, the API or the CLI) commits once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam, exists, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from ..bank.models import Question, QuestionVersion
from ..domain import DomainError, NotFound
from . import rules
from .models import (
    ATTEMPT_EXPIRED,
    ATTEMPT_IN_PROGRESS,
    ATTEMPT_SUBMITTED,
    ATTEMPT_VOIDED,
    ROUND_OFFICIAL,
    ROUND_PRACTICE,
    Attempt,
    AttemptItem,
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
    """A practice round normally has no closing time (the organiser's form clears it); one
    set anyway closes it: that is how the demo keeps a practice round closed while the
    practice pool is too small."""
    return rules.round_status(now, rnd.opens_at, rnd.closes_at)


def participation(session: Session, contest_id: int, user_id: int) -> Participation | None:
    return session.scalar(
        select(Participation).where(Participation.contest_id == contest_id,
                                    Participation.user_id == user_id)
    )


def board_for(session: Session, rnd: Round, user_id: int) -> int | None:
    """The participant's board in this round's contest. Official rounds of a contest with
    boards need one (BoardRequired); of a contest with a minimum age or the CCCD requirement,
    a participation that meets them (NotEligible). Practice rounds need no joining."""
    from ..participation.services import check_eligible

    contest = rnd.contest
    official = rnd.kind == ROUND_OFFICIAL
    if not contest.boards and not (official and (contest.min_age or contest.require_cccd
                                                 or contest.collect_birth_date)):
        return None
    part = participation(session, rnd.contest_id, user_id)
    if not official:
        return part.board_id if part is not None else None
    if contest.boards and (part is None or part.board_id is None):
        raise rules.BoardRequired()
    check_eligible(session, contest, user_id, part)
    return part.board_id if part is not None else None


def blueprint_for(rnd: Round, board_id: int | None) -> list[rules.BlueprintSpec]:
    """The round's blueprint for a board: its own lines when it has any, else the shared ones."""
    own = [line for line in rnd.blueprint if board_id is not None and line.board_id == board_id]
    lines = own or [line for line in rnd.blueprint if line.board_id is None]
    if not lines:
        return [rules.BlueprintSpec(count=rnd.question_count)]
    return [rules.BlueprintSpec(line.count, line.topic_id, line.difficulty) for line in lines]


def blueprints_of(lines: list[tuple[int | None, int | None, str | None, int]],
                  question_count: int) -> list[list[rules.BlueprintSpec]]:
    """Every distinct blueprint a round's lines (board, topic, difficulty, count) give: the
    shared one (or "any `question_count` questions") and each board's own."""
    def specs(rows: list) -> list[rules.BlueprintSpec]:
        return [rules.BlueprintSpec(n, t, d) for _, t, d, n in rows]

    shared = specs([ln for ln in lines if ln[0] is None]) or [
        rules.BlueprintSpec(count=question_count)]
    boards = sorted({ln[0] for ln in lines if ln[0] is not None})
    return [shared] + [specs([ln for ln in lines if ln[0] == b]) for b in boards]


def round_lines(rnd: Round) -> list[tuple[int | None, int | None, str | None, int]]:
    return [(ln.board_id, ln.topic_id, ln.difficulty, ln.count) for ln in rnd.blueprint]


@dataclass(frozen=True)
class PoolShortfall:
    """Why a round cannot be drawn from its pool: the failing line's need and supply, and the
    pool's total against the round's question count."""

    needed: int
    available: int
    pool_size: int
    question_count: int
    topic_id: int | None
    difficulty: str | None


def pool_shortfall(session: Session, kind: str,
                   lines: list[tuple[int | None, int | None, str | None, int]],
                   question_count: int) -> PoolShortfall | None:
    """None when every blueprint of the round can be drawn from its pool (the organiser's
    round form checks practice rounds with it), else what is missing."""
    bank, _ = current_bank(session)
    pool = rules.pool_for_round(kind)
    for blueprint in blueprints_of(lines, question_count):
        err = rules.pool_shortfall(bank, blueprint, pool)
        if err is not None:
            f = err.fields
            return PoolShortfall(f["needed"], f["available"], f["pool_size"],
                                 sum(max(0, s.count) for s in blueprint),
                                 f["topic_id"], f["difficulty"])
    return None


@dataclass(frozen=True)
class VersionContent:
    """What a participant is shown of a question version (versions never change)."""

    text: str
    options: tuple[str, ...]
    multiple: bool
    weight: int


class _BankCache:
    """Approved current versions, kept per process and reloaded when the bank's stamp (number
    of approved questions, last change, last version) moves."""

    stamp: tuple | None = None
    candidates: list[rules.Candidate] = []
    content: dict[int, VersionContent] = {}


def clear_caches() -> None:
    """Forget cached bank data (tests call this after emptying the database)."""
    _BankCache.stamp, _BankCache.candidates, _BankCache.content = None, [], {}


def _bank_stamp(session: Session) -> tuple:
    """Changes whenever the drawable bank may have: besides the count and the last change,
    the approved practice questions' count and id sum, so that a question moving between
    pools is seen even by an edit that did not touch `updated_at`."""
    practice = (Question.status == "approved") & (Question.pool == rules.POOL_PRACTICE)
    return tuple(session.execute(select(
        select(func.count()).where(Question.status == "approved").scalar_subquery(),
        select(func.max(Question.updated_at)).scalar_subquery(),
        select(func.max(QuestionVersion.id)).scalar_subquery(),
        select(func.count()).where(practice).scalar_subquery(),
        select(func.coalesce(func.sum(Question.id), 0)).where(practice).scalar_subquery(),
    )).one())


def current_bank(session: Session) -> tuple[list[rules.Candidate], dict[int, VersionContent]]:
    """Current versions of approved questions (as draw candidates) and their content."""
    stamp = _bank_stamp(session)
    if stamp != _BankCache.stamp:
        rows = session.execute(
            select(Question.id, QuestionVersion.id, Question.topic_id, Question.difficulty,
                   QuestionVersion.options, QuestionVersion.multiple, QuestionVersion.text,
                   QuestionVersion.weight, Question.pool, Question.draw_group)
            .join(QuestionVersion, (QuestionVersion.question_id == Question.id)
                  & (QuestionVersion.number == Question.current_version))
            .where(Question.status == "approved")
        ).all()
        # A question whose pool is anything but "practice" is official: never revealed early.
        _BankCache.candidates = [
            rules.Candidate(qid, vid, tid, diff, len(opts), bool(multi),
                            rules.POOL_PRACTICE if pool == rules.POOL_PRACTICE
                            else rules.POOL_OFFICIAL, group or None)
            for qid, vid, tid, diff, opts, multi, _, _, pool, group in rows]
        _BankCache.content = {vid: VersionContent(text, tuple(opts), bool(multi), weight)
                              for _, vid, _, _, opts, multi, text, weight, _, _ in rows}
        _BankCache.stamp = stamp
    return _BankCache.candidates, _BankCache.content


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
                                             Attempt.user_id == user_id,
                                             Attempt.status != ATTEMPT_VOIDED)
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
    items: list[ItemView] | None = None  # a new attempt's questions, built without a query


def load_round(session: Session, round_id: int) -> Round:
    """A published contest's round with its contest, boards and blueprint in one round trip."""
    rnd = session.execute(
        select(Round).where(Round.id == round_id)
        .options(joinedload(Round.contest).joinedload(Contest.boards),
                 joinedload(Round.blueprint))).unique().scalar_one_or_none()
    if rnd is None or not rnd.contest.published:
        raise NotFound()
    return rnd


def _attempt_state(session: Session, rnd: Round, user_id: int
                   ) -> tuple[int, int, int | None, int, int]:
    """Attempts used (an attempt an organiser voided does not count), attempts made (for the
    next number), the attempt in progress (if any), extra seconds and the number of the
    contest's other official rounds, in one query."""
    mine = (Attempt.round_id == rnd.id) & (Attempt.user_id == user_id)
    used, made, current_id, extra, others = session.execute(select(
        select(func.count(Attempt.id)).where(mine, Attempt.status != ATTEMPT_VOIDED)
        .scalar_subquery(),
        select(func.count(Attempt.id)).where(mine).scalar_subquery(),
        select(Attempt.id).where(mine, Attempt.status == ATTEMPT_IN_PROGRESS)
        .limit(1).scalar_subquery(),
        select(ExtraTime.seconds).where(ExtraTime.round_id == rnd.id,
                                        ExtraTime.user_id == user_id).scalar_subquery(),
        select(func.count(Round.id)).where(Round.contest_id == rnd.contest_id,
                                           Round.kind == ROUND_OFFICIAL, Round.id != rnd.id)
        .scalar_subquery(),
    )).one()
    return used or 0, made or 0, current_id, extra or 0, others or 0


def start_attempt(
    session: Session, user_id: int, round_id: int, now: datetime, grace_s: int,
    seed: int | None = None, device_hash: str | None = None,
) -> Started:
    """Start an attempt, or resume the one in progress with the time that is left.

    Two simultaneous starts give one attempt: the database refuses a second in-progress row
    (partial unique index) and a duplicate attempt number; the loser resumes the winner's."""
    rnd = load_round(session, round_id)
    used, made, current_id, extra, other_rounds = _attempt_state(session, rnd, user_id)
    if current_id is not None:
        current = session.get(Attempt, current_id)
        if current is not None and not close_if_overdue(session, current, now, grace_s):
            return Started(current, False)
    if round_status(rnd, now) != rules.ROUND_OPEN:
        raise rules.RoundNotOpen()
    max_attempts = None if rnd.kind == ROUND_PRACTICE else rnd.max_attempts
    if rules.attempts_left(max_attempts, used) == 0:
        # A simultaneous start may have created the attempt we count: resume it.
        current = in_progress_attempt(session, round_id, user_id)
        if current is not None and not close_if_overdue(session, current, now, grace_s):
            return Started(current, False)
        raise rules.NoAttemptsLeft()
    board_id = board_for(session, rnd, user_id)
    seed = seed if seed is not None else rules.new_seed()
    bank, content = current_bank(session)
    seen = (seen_counts(session, rnd, user_id)
            if rnd.kind == ROUND_OFFICIAL and other_rounds else None)
    drawn = rules.draw_questions(bank, blueprint_for(rnd, board_id), seed, seen,
                                 rules.pool_for_round(rnd.kind))
    closes = None if rnd.kind == ROUND_PRACTICE else rnd.closes_at
    attempt = Attempt(
        round_id=round_id, user_id=user_id, board_id=board_id, number=made + 1, seed=seed,
        status=ATTEMPT_IN_PROGRESS, started_at=now,
        deadline=rules.attempt_deadline(now, rnd.time_limit_s, closes, extra), extra_s=extra,
        max_score=sum(content[d.version_id].weight for d in drawn), device_hash=device_hash,
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
    session.execute(
        AttemptItem.__table__.insert(),
        [
            {"attempt_id": attempt.id, "position": d.position, "question_id": d.question_id,
             "version_id": d.version_id, "option_order": list(d.option_order),
             "option_count": d.option_count, "multiple": d.multiple, "chosen": None,
             "answered_at": None}
            for d in drawn
        ],
    )
    items = [
        ItemView(question_id=d.question_id, position=d.position,
                 text=content[d.version_id].text, multiple=d.multiple,
                 options=[(i + 1, content[d.version_id].options[orig])
                          for i, orig in enumerate(d.option_order)], chosen=[])
        for d in drawn
    ]
    return Started(attempt, True, items)


def attempt_for(session: Session, attempt_id: int, user_id: int) -> Attempt:
    """The user's own attempt; anyone else's is NotFound (404, never 403)."""
    attempt = session.get(Attempt, attempt_id)
    if attempt is None or attempt.user_id != user_id:
        raise NotFound()
    return attempt


def accepts_answers(attempt: Attempt, now: datetime, grace_s: int) -> bool:
    """The deadline rule for a loaded attempt (rules.accepts_answers with the round's current
    closing time); `_ACCEPTING_SQL` is the same inequality for the conditional writes."""
    return not rules.is_overdue(now, attempt.effective_deadline, grace_s)


def close_if_overdue(session: Session, attempt: Attempt, now: datetime, grace_s: int) -> bool:
    """Close and score an in-progress attempt whose (capped) deadline has passed. True if
    closed now or already finished."""
    if attempt.status != ATTEMPT_IN_PROGRESS:
        return True
    if accepts_answers(attempt, now, grace_s):
        return False
    _finish(session, attempt, ATTEMPT_EXPIRED, attempt.effective_deadline)
    return True


# The deadline rule in SQL, with :limit = now - grace: the attempt's own deadline and the
# round's current closing time plus the participant's extra seconds are both >= :limit
# (rules.accepts_answers). Written once per dialect: only the interval arithmetic differs.
_ROUND_CAP_SQL = {
    "postgresql": "round.closes_at + attempt.extra_s * interval '1 second' >= :limit",
    "sqlite": "((attempt.extra_s = 0 AND round.closes_at >= :limit) OR (attempt.extra_s <> 0"
              " AND julianday(round.closes_at) + attempt.extra_s / 86400.0"
              " >= julianday(:limit)))",
}
_ACCEPTING_SQL = ("attempt.deadline >= :limit AND (round.kind = 'practice'"
                  " OR round.closes_at IS NULL OR {cap})")


def _accepting_sql(dialect: str) -> str:
    """The condition "this attempt row (joined to its round row) still takes answers"."""
    return _ACCEPTING_SQL.format(cap=_ROUND_CAP_SQL.get(dialect, _ROUND_CAP_SQL["sqlite"]))


_SAVE_SQL = """
UPDATE attempt_item SET chosen = :chosen, answered_at = :now
WHERE attempt_id = :attempt_id AND question_id = :question_id
  AND option_count >= :max_id AND (multiple OR :count <= 1)
  AND EXISTS (SELECT 1 FROM attempt JOIN round ON round.id = attempt.round_id
              WHERE attempt.id = :attempt_id AND attempt.user_id = :user_id
              AND attempt.status = 'in_progress' AND {accepting} {lock}){session}
"""
# The cookie session's check folded into the save (the API's hot path, one round trip): the
# account is active and its sessions were not ended since the cookie was issued.
_SESSION_SQL = """
  AND EXISTS (SELECT 1 FROM user_account WHERE user_account.id = :user_id
              AND user_account.active AND user_account.session_generation = :generation)"""
_PREDICTION_SQL = """
UPDATE attempt SET prediction = :value
WHERE attempt.id = :attempt_id AND attempt.user_id = :user_id
  AND attempt.status = 'in_progress'
  AND EXISTS (SELECT 1 FROM round WHERE round.id = attempt.round_id AND {accepting})
"""
_save_statements: dict[tuple[str, str], object] = {}


def _statement(kind: str, dialect: str):
    """The answer (or prediction) UPDATE as a prepared text statement, one round trip with the
    deadline rule folded in. On PostgreSQL the save reads the attempt row FOR SHARE (never the
    round row, which every save shares), so a submission or a round closing (which update that
    row first) waits for a save in flight and a save that comes after finds it closed."""
    stmt = _save_statements.get((kind, dialect))
    if stmt is None:
        from sqlalchemy import JSON, text

        from ..database import TZDateTime

        if kind in ("save", "save_session"):
            sql = _SAVE_SQL.format(accepting=_accepting_sql(dialect),
                                   lock="FOR SHARE OF attempt" if dialect == "postgresql"
                                   else "", session=_SESSION_SQL if kind == "save_session"
                                   else "")
            stmt = text(sql).bindparams(bindparam("chosen", type_=JSON()),
                                        bindparam("now", type_=TZDateTime()),
                                        bindparam("limit", type_=TZDateTime()))
        else:
            stmt = text(_PREDICTION_SQL.format(accepting=_accepting_sql(dialect))).bindparams(
                bindparam("limit", type_=TZDateTime()))
        _save_statements[(kind, dialect)] = stmt
    return stmt


class SessionEnded(DomainError):
    """The cookie session's account is locked or gone, or its sessions were ended (401)."""

    code = "unauthorized"


def _check_session(session: Session, user_id: int, generation: int | None) -> None:
    """SessionEnded unless the cookie session (user id, generation) is still valid; nothing to
    check when `generation` is None (a bearer token or an already checked session)."""
    if generation is None:
        return
    from ..accounts.services import session_user_id

    if session_user_id(session, f"{user_id}:{generation}") != user_id:
        raise SessionEnded()


def save_answer(
    session: Session, user_id: int, attempt_id: int, question_id: int, option_ids: list[int],
    now: datetime, grace_s: int, session_generation: int | None = None,
) -> None:
    """Save one answer with a single conditional UPDATE (the hot path). Display ids are stored;
    an empty list clears the answer. Nothing is saved after the deadline or the submission.

    With `session_generation` (a cookie session not checked yet) the same statement also
    checks the account's session, and a refusal on that ground is SessionEnded."""
    try:
        if not all(rules.is_option_id(i) for i in option_ids):
            raise rules.InvalidOption(option_ids="type")
        ids = sorted(set(option_ids))
        if len(ids) != len(option_ids) or any(i < 1 for i in ids):
            raise rules.InvalidOption(option_ids="invalid")
    except rules.InvalidOption:
        _check_session(session, user_id, session_generation)  # an ended session is a 401 first
        raise
    connection = session.connection()
    params = {
        "chosen": ids, "now": now, "attempt_id": attempt_id, "question_id": question_id,
        "max_id": ids[-1] if ids else 0, "count": len(ids), "user_id": user_id,
        "limit": now - timedelta(seconds=grace_s),
    }
    kind = "save"
    if session_generation is not None:
        kind, params["generation"] = "save_session", session_generation
    result = connection.execute(_statement(kind, connection.dialect.name), params)
    if result.rowcount == 1:
        return
    _check_session(session, user_id, session_generation)
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
    if type(value) is not int:
        raise rules.InvalidOption(prediction="type")
    connection = session.connection()
    result = connection.execute(_statement("prediction", connection.dialect.name), {
        "value": value, "attempt_id": attempt_id, "user_id": user_id,
        "limit": now - timedelta(seconds=grace_s)})
    if result.rowcount != 1:
        _explain_refusal(session, user_id, attempt_id, None, [], now, grace_s)


def submit(session: Session, user_id: int, attempt_id: int, now: datetime,
           grace_s: int) -> Attempt:
    """Submit and score. Idempotent: a repeated submit returns the stored result unchanged.
    A submit after the deadline (plus grace) closes the attempt as expired at its deadline."""
    attempt = attempt_for(session, attempt_id, user_id)
    if attempt.status == ATTEMPT_IN_PROGRESS:
        deadline = attempt.effective_deadline
        if not accepts_answers(attempt, now, grace_s):
            _finish(session, attempt, ATTEMPT_EXPIRED, deadline)
        else:
            _finish(session, attempt, ATTEMPT_SUBMITTED, min(now, deadline))
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
    # The attempt row is now locked (PostgreSQL) or the database write-locked (SQLite): saves
    # still in flight have finished, later ones are refused, so what is read here is final.
    rows = session.execute(
        select(AttemptItem.chosen, AttemptItem.option_order, QuestionVersion.correct,
               QuestionVersion.weight)
        .join(QuestionVersion, QuestionVersion.id == AttemptItem.version_id)
        .where(AttemptItem.attempt_id == attempt.id)
    ).all()
    scored = rules.score_items([
        rules.ScoredItem(tuple(chosen) if chosen else None, tuple(order), frozenset(correct),
                         weight)
        for chosen, order, correct, weight in rows
    ])
    values = {"score": scored.total, "max_score": scored.max_score,
              "duration_ms": rules.duration_ms(attempt.started_at, ended_at)}
    session.execute(update(Attempt).where(Attempt.id == attempt.id).values(**values)
                    .execution_options(synchronize_session=False))
    # Keep the loaded object in step without reading it back.
    for key, value in {**values, "status": status, "submitted_at": ended_at}.items():
        set_committed_value(attempt, key, value)


def overdue_attempt_ids(session: Session, now: datetime, grace_s: int) -> list[int]:
    """Ids of the attempts in progress whose capped deadline (plus grace) has passed."""
    from sqlalchemy import text

    from ..database import TZDateTime

    dialect = session.connection().dialect.name
    overdue = text(f"NOT ({_accepting_sql(dialect)})").bindparams(
        bindparam("limit", value=now - timedelta(seconds=grace_s), type_=TZDateTime()))
    return list(session.scalars(
        select(Attempt.id).join(Round, Round.id == Attempt.round_id)
        .where(Attempt.status == ATTEMPT_IN_PROGRESS, overdue)
        .order_by(Attempt.id)))


@dataclass
class CloseReport:
    closed: list[int]
    failed: list[int]


def close_overdue(session: Session, now: datetime, grace_s: int) -> CloseReport:
    """Close every overdue attempt (the CLI command), each in its own transaction: one that
    cannot be scored is rolled back, logged and skipped, and the others are still closed.
    Unlike the other services this one commits, attempt by attempt."""
    import logging

    log = logging.getLogger("contest_app")
    report = CloseReport([], [])
    ids = overdue_attempt_ids(session, now, grace_s)
    session.commit()
    for attempt_id in ids:
        try:
            # Locked (skipping one another worker holds) and read fresh: two workers
            # closing at once close each attempt once. SQLite ignores the lock clause; its
            # single writer gives the same guarantee.
            attempt = session.get(Attempt, attempt_id, populate_existing=True,
                                  with_for_update={"skip_locked": True})
            if (attempt is not None and attempt.status == ATTEMPT_IN_PROGRESS
                    and close_if_overdue(session, attempt, now, grace_s)):
                report.closed.append(attempt_id)
            session.commit()
        except Exception:  # noqa: BLE001 - one bad attempt must not stop the others
            session.rollback()
            log.exception("could not close overdue attempt %s", attempt_id)
            report.failed.append(attempt_id)
    return report


def close_round_attempts(session: Session, rnd: Round, now: datetime) -> list[int]:
    """Close and score every attempt in progress in a round at `now` (or at its own earlier
    deadline); the caller commits with the change of closing time, in one transaction."""
    closed = []
    for attempt in session.scalars(
            select(Attempt).where(Attempt.round_id == rnd.id,
                                  Attempt.status == ATTEMPT_IN_PROGRESS)
            .order_by(Attempt.id)).all():
        _finish(session, attempt, ATTEMPT_EXPIRED, min(now, attempt.effective_deadline))
        closed.append(attempt.id)
    return closed


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
            view.points = rules.item_points(rules.ScoredItem(
                tuple(item.chosen) if item.chosen else None, tuple(order),
                frozenset(version.correct), version.weight))
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


def prediction_question(rnd: Round) -> str | None:
    """The prediction question's text as shown to participants: the organiser's wording
    when the round has one, else the default text of its kind."""
    from flask_babel import gettext as _

    if rnd.prediction_kind and rnd.prediction_text:
        return rnd.prediction_text
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
