"""Question statistics and regrading of a round, read from and written to the database. The
arithmetic is in `statistics` (no Flask); this module only gathers and stores."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from ..bank.models import Question, QuestionVersion
from ..organiser.models import record
from . import fraud, statistics
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


# --- Suspicious entries -----------------------------------------------------------------------

@dataclass(frozen=True)
class FraudReport:
    findings: list  # fraud.Finding, still open
    dismissed: list  # (fraud.Finding, FraudDismissal)
    people: dict  # user id -> User


def fraud_report(session: Session, rnd: Round) -> FraudReport:
    from ..accounts.models import User
    from .models import FraudDismissal, Participation

    attempts = {a.id: a for a in session.scalars(select(Attempt).where(
        Attempt.round_id == rnd.id, Attempt.status.in_(FINISHED)))}
    answers: dict[int, dict[int, frozenset[int]]] = {}
    keys: dict[int, dict[int, frozenset[int]]] = {}
    for response, _count in _responses(session, rnd):
        if response.chosen:
            answers.setdefault(response.attempt_id, {})[response.question_id] = frozenset(
                response.chosen_original)
        keys.setdefault(response.attempt_id, {})[response.question_id] = response.correct
    rows = [fraud.AttemptAnswers(a.id, a.user_id, a.score or 0, a.max_score, a.duration_ms or 0,
                                 answers.get(a.id, {}), keys.get(a.id, {}))
            for a in attempts.values()]
    users = {a.user_id for a in attempts.values()}
    holders = session.execute(select(Participation.cccd_hash, Participation.user_id).where(
        Participation.cccd_hash.in_(select(Participation.cccd_hash).where(
            Participation.user_id.in_(users), Participation.cccd_hash.is_not(None))))
    ).tuples().all() if users else []
    starts = [(a.device_hash, a.user_id, a.id, a.started_at) for a in session.scalars(
        select(Attempt).where(Attempt.round_id == rnd.id, Attempt.device_hash.is_not(None)))]
    findings = (fraud.identical_answers(rows) + fraud.fast_full_marks(rows, rnd.question_count)
                + fraud.shared_cccd(holders) + fraud.shared_device(starts))
    from ..rankings.models import Exclusion

    excluded = set(session.scalars(select(Exclusion.user_id).where(
        Exclusion.contest_id == rnd.contest_id,
        (Exclusion.round_id == rnd.id) | Exclusion.round_id.is_(None))))
    # Once everybody a finding names is excluded, it has been acted on.
    findings = [f for f in findings if not set(f.user_ids) <= excluded]
    dismissals = {d.finding_key: d for d in session.scalars(select(FraudDismissal).where(
        FraudDismissal.round_id == rnd.id))}
    involved = {u for f in findings for u in f.user_ids}
    people = {u.id: u for u in session.scalars(select(User).where(User.id.in_(involved)))
              } if involved else {}
    return FraudReport([f for f in findings if f.key not in dismissals],
                       [(f, dismissals[f.key]) for f in findings if f.key in dismissals], people)


def dismiss_finding(session: Session, actor_id: int, rnd: Round, key: str, reason: str,
                    now: datetime) -> None:
    from ..domain import NotFound, ValidationFailed
    from .models import FraudDismissal

    reason = " ".join((reason or "").split())
    if len(reason) < 5:
        raise ValidationFailed(reason=_l("Vui lòng ghi rõ lý do (ít nhất 5 ký tự)."))
    if key not in {f.key for f in fraud_report(session, rnd).findings}:
        raise NotFound()
    row = FraudDismissal(round_id=rnd.id, finding_key=key[:200], reason=reason[:500],
                         created_by_id=actor_id, created_at=now)
    session.add(row)
    session.flush()
    record(actor_id, "fraud.dismiss", rnd, None, {"finding": key}, reason=reason)


def disqualify_finding(session: Session, actor_id: int, rnd: Round, key: str, reason: str,
                       now: datetime) -> list[int]:
    """Exclude every person of the finding from the round's ranking (each audited)."""
    from ..domain import NotFound, ValidationFailed
    from ..rankings import services as rankings

    reason = " ".join((reason or "").split())
    if len(reason) < 5:
        raise ValidationFailed(reason=_l("Vui lòng ghi rõ lý do (ít nhất 5 ký tự)."))
    finding = next((f for f in fraud_report(session, rnd).findings if f.key == key), None)
    if finding is None:
        raise NotFound()
    for user_id in finding.user_ids:
        rankings.exclude(session, actor_id, rnd, user_id, reason, now)
    record(actor_id, "fraud.disqualify", rnd, None,
           {"finding": key, "user_ids": list(finding.user_ids)}, reason=reason)
    return list(finding.user_ids)


# --- One participant ------------------------------------------------------------------------

@dataclass(frozen=True)
class ItemLine:
    question_key: str
    chosen: str  # letters of the original options chosen ("" when unanswered)
    key: str
    right: bool


def person_attempts(session: Session, contest_id: int, user_id: int
                    ) -> list[tuple[Attempt, list[ItemLine]]]:
    """A participant's attempts in the contest's rounds with each answer and the key."""
    from .models import Round as RoundModel

    attempts = list(session.scalars(
        select(Attempt).join(RoundModel, RoundModel.id == Attempt.round_id)
        .where(RoundModel.contest_id == contest_id, Attempt.user_id == user_id)
        .order_by(Attempt.started_at, Attempt.id)))
    keys = dict(session.execute(select(Question.id, Question.key)).tuples().all()
                ) if attempts else {}
    out = []
    for attempt in attempts:
        lines = []
        for item in attempt.items:
            chosen = statistics.chosen_original(item.chosen, item.option_order)
            correct = set(item.version.correct)
            lines.append(ItemLine(keys.get(item.question_id, str(item.question_id)),
                                  "".join(chr(65 + i) for i in sorted(chosen)),
                                  "".join(chr(65 + i) for i in sorted(correct)),
                                  bool(chosen) and chosen == correct))
        out.append((attempt, lines))
    return out


def void_attempt(session: Session, actor_id: int, attempt: Attempt, reason: str,
                 now: datetime) -> None:
    """Reset an attempt: it no longer counts anywhere and frees one try (audited)."""
    from ..domain import ValidationFailed
    from .models import ATTEMPT_VOIDED

    reason = " ".join((reason or "").split())
    if len(reason) < 5:
        raise ValidationFailed(reason=_l("Vui lòng ghi rõ lý do (ít nhất 5 ký tự)."))
    if attempt.status == ATTEMPT_VOIDED:
        return
    before = {"status": attempt.status, "score": attempt.score}
    session.execute(update(Attempt).where(Attempt.id == attempt.id).values(
        status=ATTEMPT_VOIDED, submitted_at=attempt.submitted_at or now))
    record(actor_id, "attempt.void", attempt, before, {"status": ATTEMPT_VOIDED},
           reason=reason)
    session.flush()
