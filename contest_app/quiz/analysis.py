"""Question statistics and regrading of a round, read from and written to the database. The
arithmetic is in `statistics` (no Flask); this module only gathers and stores."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from ..bank.models import Question, QuestionVersion
from ..organiser.models import record
from . import statistics
from .models import ATTEMPT_EXPIRED, ATTEMPT_SUBMITTED, Attempt, AttemptItem, Round

FINISHED = (ATTEMPT_SUBMITTED, ATTEMPT_EXPIRED)


@dataclass(frozen=True)
class RoundStatistics:
    round_id: int
    attempts_finished: int
    questions: list[statistics.ItemStats]
    labels: dict[int, tuple[str, str]]  # version id -> (question key, stem)
    option_texts: dict[int, list[str]]  # version id -> options


def _responses(session: Session, rnd: Round):
    rows = session.execute(
        select(AttemptItem.attempt_id, AttemptItem.question_id, AttemptItem.version_id,
               AttemptItem.option_order, AttemptItem.chosen, QuestionVersion.correct,
               QuestionVersion.weight, func.coalesce(AttemptItem.option_count, 0))
        .join(Attempt, Attempt.id == AttemptItem.attempt_id)
        .join(QuestionVersion, QuestionVersion.id == AttemptItem.version_id)
        .where(Attempt.round_id == rnd.id, Attempt.status.in_(FINISHED))
        .order_by(AttemptItem.attempt_id, AttemptItem.position)).all()
    return [(statistics.ItemResponse(a, q, v, tuple(order), tuple(chosen) if chosen else None,
                                     frozenset(correct), weight), count)
            for a, q, v, order, chosen, correct, weight, count in rows]


def round_statistics(session: Session, rnd: Round) -> RoundStatistics:
    pairs = _responses(session, rnd)
    counts = {r.version_id: n for r, n in pairs}
    stats = statistics.item_statistics([r for r, _ in pairs], counts)
    versions = {v.id: v for v in session.scalars(
        select(QuestionVersion).where(QuestionVersion.id.in_(counts)))} if counts else {}
    keys = dict(session.execute(select(Question.id, Question.key).where(
        Question.id.in_({v.question_id for v in versions.values()}))).tuples().all()
    ) if versions else {}
    finished = session.scalar(select(func.count(Attempt.id)).where(
        Attempt.round_id == rnd.id, Attempt.status.in_(FINISHED))) or 0
    return RoundStatistics(
        rnd.id, finished, stats,
        {vid: (keys.get(v.question_id, ""), v.text) for vid, v in versions.items()},
        {vid: list(v.options) for vid, v in versions.items()})


def _current_keys(session: Session, question_ids: set[int]) -> dict[int, statistics.CurrentKey]:
    if not question_ids:
        return {}
    rows = session.execute(
        select(Question.id, QuestionVersion.id, QuestionVersion.options, QuestionVersion.correct,
               QuestionVersion.weight)
        .join(QuestionVersion, (QuestionVersion.question_id == Question.id)
              & (QuestionVersion.number == Question.current_version))
        .where(Question.id.in_(question_ids), Question.status == "approved")).all()
    return {qid: statistics.CurrentKey(vid, len(options), frozenset(correct), weight)
            for qid, vid, options, correct, weight in rows}


def regrade_plan(session: Session, rnd: Round) -> list[statistics.Regraded]:
    """Every finished attempt of the round whose score the current keys would change, or that
    has an item whose current version cannot be applied."""
    pairs = _responses(session, rnd)
    current = _current_keys(session, {r.question_id for r, _ in pairs})
    by_attempt: dict[int, list] = {}
    for pair in pairs:
        by_attempt.setdefault(pair[0].attempt_id, []).append(pair)
    scores = dict((a, (s or 0, m)) for a, s, m in session.execute(
        select(Attempt.id, Attempt.score, Attempt.max_score).where(
            Attempt.round_id == rnd.id, Attempt.status.in_(FINISHED))))
    plan = []
    for attempt_id, items in sorted(by_attempt.items()):
        old, old_max = scores.get(attempt_id, (0, 0))
        result = statistics.regrade(attempt_id, old, old_max, items, current)
        if result.changed or result.kept or result.moved:
            plan.append(result)
    return plan


def apply_regrade(session: Session, actor_id: int | None, rnd: Round, now: datetime
                  ) -> list[statistics.Regraded]:
    """Apply the plan in the caller's transaction: items move to the current version, scores
    change, the round is marked regraded (its published ranking needs republishing), and the
    audit log keeps every changed score."""
    plan = regrade_plan(session, rnd)
    for result in plan:
        for question_id, version_id in result.moved:
            session.execute(update(AttemptItem).where(
                AttemptItem.attempt_id == result.attempt_id,
                AttemptItem.question_id == question_id).values(version_id=version_id))
        if result.changed:
            session.execute(update(Attempt).where(Attempt.id == result.attempt_id).values(
                score=result.new_score, max_score=result.new_max))
    changed = [r for r in plan if r.changed]
    if plan:
        rnd.regraded_at = now
    record(actor_id, "round.regrade", rnd, None, {
        "attempts_changed": len(changed),
        "scores": {str(r.attempt_id): [r.old_score, r.new_score] for r in changed[:1000]},
    })
    session.flush()
    return changed
