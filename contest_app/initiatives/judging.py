"""Judging services: judges and their assignments (by hand or balanced automatically), conflicts
of interest, blind reviews, the organiser's table, decisions and published results.

Like `services.py`: session, actor and `now` are arguments; functions flush, never commit."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from ..accounts.models import ROLE_JUDGE, User, UserRole
from ..domain import NotFound, ValidationFailed
from ..organiser.models import record
from . import conflicts, rules, scoring
from . import files as filestore
from .models import ConflictOfInterest, Initiative, InitiativeCall, Review, ReviewAssignment
from .services import points_rubric, rubric


def judges(session: Session) -> list[User]:
    return list(session.scalars(
        select(User).join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role == ROLE_JUDGE, User.active.is_(True))
        .order_by(User.full_name, User.id)))


def _pool(session: Session, call_id: int) -> list[Initiative]:
    """Submitted initiatives of the call, in id order."""
    return list(session.scalars(
        select(Initiative).where(Initiative.call_id == call_id,
                                 Initiative.state == rules.SUBMITTED)
        .options(selectinload(Initiative.author)).order_by(Initiative.id)))


def _assigned(session: Session, initiative_ids: list[int]) -> dict[int, set[int]]:
    held: dict[int, set[int]] = defaultdict(set)
    if initiative_ids:
        for iid, jid in session.execute(
                select(ReviewAssignment.initiative_id, ReviewAssignment.judge_id)
                .where(ReviewAssignment.initiative_id.in_(initiative_ids))):
            held[iid].add(jid)
    return held


def _authors(initiative: Initiative) -> conflicts.Authors:
    author = initiative.author
    return conflicts.Authors(initiative.id, initiative.author_id, author.full_name,
                             author.unit_id, tuple(initiative.co_authors or ()))


def _judge(user: User) -> conflicts.Judge:
    return conflicts.Judge(user.id, user.full_name, user.unit_id)


def _links(session: Session) -> dict[str, frozenset[str]]:
    """Who wrote a submission with whom, over every submission ever made (drafts included:
    the co-authorship is real once written down)."""
    rows = session.execute(
        select(Initiative.id, Initiative.author_id, User.full_name, User.unit_id,
               Initiative.co_authors).join(User, User.id == Initiative.author_id))
    return conflicts.collaborators(conflicts.Authors(iid, aid, name, unit, tuple(co or ()))
                                   for iid, aid, name, unit, co in rows)


def conflict_map(session: Session, initiatives: list[Initiative],
                 judge_rows: list[User]) -> dict[int, dict[int, str]]:
    """{submission id: {judge id: reason}} for every judge who may not review it: declared
    conflicts (their kind), and automatic ones ('author', 'same_unit', 'collaborator')."""
    ids = [i.id for i in initiatives]
    declared: dict[int, dict[int, str]] = defaultdict(dict)
    if ids:
        for iid, jid, kind in session.execute(
                select(ConflictOfInterest.initiative_id, ConflictOfInterest.judge_id,
                       ConflictOfInterest.kind)
                .where(ConflictOfInterest.initiative_id.in_(ids))):
            declared[iid][jid] = kind
    links = _links(session) if initiatives else {}
    people = [_judge(j) for j in judge_rows]
    return {i.id: conflicts.conflicts_of(_authors(i), people, links, declared[i.id])
            for i in initiatives}


def judge_conflict(session: Session, initiative: Initiative, judge_id: int) -> str | None:
    """Why this judge may not review the submission, or None."""
    judge = session.get(User, judge_id)
    if judge is None:
        return conflicts.OTHER
    return conflict_map(session, [initiative], [judge])[initiative.id].get(judge_id)


def _slots(session: Session, initiatives: list[Initiative],
           judge_rows: list[User]) -> list[rules.Slot]:
    """Each submission with its judges and exclusions: declared conflicts, the author, judges
    of the author's own unit and the author's co-authors on any submission."""
    held = _assigned(session, [i.id for i in initiatives])
    excluded = conflict_map(session, initiatives, judge_rows)
    return [rules.Slot(i.id, i.author_id, frozenset(held[i.id]), frozenset(excluded[i.id]))
            for i in initiatives]


def _loads(session: Session, call_id: int) -> dict[int, int]:
    return dict(session.execute(
        select(ReviewAssignment.judge_id, func.count(ReviewAssignment.id))
        .join(Initiative, Initiative.id == ReviewAssignment.initiative_id)
        .where(Initiative.call_id == call_id).group_by(ReviewAssignment.judge_id)).all())


def eligible_judges(session: Session, initiative: Initiative) -> list[User]:
    """Judges who may be given this submission now: not conflicted, not yet on it."""
    judge_rows = judges(session)
    (slot,) = _slots(session, [initiative], judge_rows)
    allowed = set(rules.eligible_judges(slot, [j.id for j in judge_rows]))
    return [j for j in judge_rows if j.id in allowed]


def auto_assign(session: Session, actor_id: int, call: InitiativeCall, now: datetime) -> int:
    """Give every undecided submission of the call its judges, balancing loads; returns how
    many assignments were made."""
    if call.published:
        raise rules.ResultsPublished()
    pool = [i for i in _pool(session, call.id) if i.decision is None]
    judge_rows = judges(session)
    loads = _loads(session, call.id)
    plan = rules.assign(_slots(session, pool, judge_rows), [j.id for j in judge_rows],
                        call.judges_per_submission, loads)
    made = 0
    for initiative_id, judge_ids in plan.items():
        for judge_id in judge_ids:
            session.add(ReviewAssignment(initiative_id=initiative_id, judge_id=judge_id,
                                         assigned_by_id=actor_id, automatic=True,
                                         assigned_at=now))
            made += 1
    session.flush()
    record(actor_id, "initiative_call.auto_assign", call,
           after={"assignments": {str(k): v for k, v in plan.items()}})
    return made


def assign_judge(session: Session, actor_id: int, initiative: Initiative, judge_id: int,
                 now: datetime) -> None:
    if initiative.call.published:
        raise rules.ResultsPublished()
    if initiative.state != rules.SUBMITTED:
        raise ValidationFailed(judge=_l("Sáng kiến chưa được nộp nên chưa phân công chấm được."))
    judge_rows = judges(session)
    if judge_id not in {j.id for j in judge_rows}:
        raise ValidationFailed(judge=_l("Người được chọn không phải giám khảo."))
    (slot,) = _slots(session, [initiative], judge_rows)
    if not rules.judge_is_eligible(slot, judge_id):
        raise rules.JudgeNotEligible()
    if judge_id in slot.assigned:
        return
    session.add(ReviewAssignment(initiative_id=initiative.id, judge_id=judge_id,
                                 assigned_by_id=actor_id, assigned_at=now))
    session.flush()
    record(actor_id, "initiative.assign", initiative, after={"judge_id": judge_id})


def unassign_judge(session: Session, actor_id: int, initiative: Initiative,
                   judge_id: int) -> None:
    row = session.scalar(select(ReviewAssignment).where(
        ReviewAssignment.initiative_id == initiative.id, ReviewAssignment.judge_id == judge_id))
    if row is None:
        raise NotFound()
    if _review(session, initiative.id, judge_id) is not None:
        raise rules.InitiativeLocked()
    session.delete(row)
    session.flush()
    record(actor_id, "initiative.unassign", initiative, before={"judge_id": judge_id})


# --- The judge's side (blind) ---------------------------------------------------------------


@dataclass(frozen=True)
class BlindFile:
    id: int
    position: int  # shown as "Tệp đính kèm <position>": the uploaded name is never shown
    kind: str
    size: int


@dataclass(frozen=True)
class BlindInitiative:
    """Everything a judge may see of a submission: its content, never its authors, their
    contacts or unit, nor the uploaded file names."""

    id: int
    call_id: int
    call_title: str
    review_deadline: datetime
    title: str
    field: str
    problem: str
    solution: str
    benefits: str
    applied_at: str
    files: tuple[BlindFile, ...] = ()


def judge_texts(initiative: Initiative) -> dict[str, str]:
    """The submission's texts as judges see them (the organiser's redaction where made)."""
    original = {name: getattr(initiative, name) or "" for name in rules.JUDGE_TEXT_FIELDS}
    return rules.judge_text(original, initiative.judge_text)


def blind_view(initiative: Initiative) -> BlindInitiative:
    files = tuple(BlindFile(f.id, n, filestore.KINDS[f.kind][2], f.judge_copy_size or f.size)
                  for n, f in enumerate(initiative.files, start=1))
    call = initiative.call
    text = judge_texts(initiative)
    return BlindInitiative(initiative.id, call.id, call.title, call.review_deadline,
                           text["title"], initiative.field, text["problem"], text["solution"],
                           text["benefits"], text["applied_at"], files)


@dataclass(frozen=True)
class WorkItem:
    initiative_id: int
    title: str
    field: str
    call_title: str
    review_deadline: datetime
    total: float | None
    total_max: int = 100

    @property
    def reviewed(self) -> bool:
        return self.total is not None


def worklist(session: Session, judge_id: int) -> list[WorkItem]:
    rows = session.execute(
        select(Initiative, InitiativeCall, Review.total)
        .join(ReviewAssignment, ReviewAssignment.initiative_id == Initiative.id)
        .join(InitiativeCall, InitiativeCall.id == Initiative.call_id)
        .outerjoin(Review, (Review.initiative_id == Initiative.id)
                   & (Review.judge_id == judge_id))
        .where(ReviewAssignment.judge_id == judge_id, Initiative.state == rules.SUBMITTED)
        .order_by(InitiativeCall.review_deadline, Initiative.id)).all()
    me = session.get(User, judge_id)
    barred = conflict_map(session, [i for i, _c, _t in rows], [me] if me else [])
    return [WorkItem(i.id, judge_texts(i)["title"], i.field, c.title, c.review_deadline, total,
                     c.total_max)
            for i, c, total in rows if me is not None and judge_id not in barred[i.id]]


def assigned_initiative(session: Session, initiative_id: int, judge_id: int) -> Initiative:
    """A submission assigned to this judge (still submitted, and the judge not conflicted with
    it, even if the conflict arose after the assignment); otherwise not found."""
    initiative = session.scalar(
        select(Initiative).join(ReviewAssignment, ReviewAssignment.initiative_id == Initiative.id)
        .where(Initiative.id == initiative_id, ReviewAssignment.judge_id == judge_id,
               Initiative.state == rules.SUBMITTED))
    if initiative is None or judge_conflict(session, initiative, judge_id) is not None:
        raise NotFound()
    return initiative


def _review(session: Session, initiative_id: int, judge_id: int) -> Review | None:
    return session.scalar(select(Review).where(Review.initiative_id == initiative_id,
                                               Review.judge_id == judge_id))


def own_review(session: Session, initiative_id: int, judge_id: int) -> Review | None:
    return _review(session, initiative_id, judge_id)


def cojudges_visible(session: Session, initiative: Initiative, judge_id: int,
                     now: datetime) -> bool:
    """Whether this judge may see the co-judges' reviews now (the call's setting)."""
    call = initiative.call
    return rules.may_see_cojudges(call.cojudge_visibility, now, call.review_deadline,
                                  call.published,
                                  _review(session, initiative.id, judge_id) is not None)


def other_reviews(session: Session, initiative: Initiative, judge_id: int,
                  now: datetime) -> list[Review]:
    """The other judges' reviews, only when the call's setting allows it (by default once
    the review deadline has passed, so that nobody edits a review after seeing others')."""
    if not cojudges_visible(session, initiative, judge_id, now):
        return []
    return list(session.scalars(
        select(Review).where(Review.initiative_id == initiative.id, Review.judge_id != judge_id)
        .order_by(Review.submitted_at, Review.id)))


def review_total(call: InitiativeCall, scores: dict[int, object]) -> tuple[float, dict]:
    """A review's total and the scores as stored, by the call's scoring model: the sum of
    points (multiples of 0.5 up to each maximum), or the weighted mean on 100 (whole numbers
    on each scale)."""
    if call.in_points:
        criteria = points_rubric(call)
        total = scoring.points_total(criteria, scores)
        return total, {str(c.id): float(scores[c.id]) for c in criteria}
    weighted = rubric(call)
    for c in weighted:
        value = scores.get(c.id)
        if value is not None and scoring.scale_problem(value, c.scale_min, c.scale_max):
            raise rules.InvalidScores(**{str(c.id): "out_of_range"})
    whole = {c.id: int(scores[c.id]) for c in weighted if scores.get(c.id) is not None}
    total = rules.review_total(weighted, whole)
    return total, {str(c.id): whole[c.id] for c in weighted}


def save_review(session: Session, judge_id: int, initiative: Initiative,
                scores: dict[int, object], comment: str, now: datetime) -> Review:
    """Create or update the judge's review (until the review deadline, before a decision)."""
    call = initiative.call
    rules.ensure_review_open(now, call.review_deadline, call.published)
    if initiative.decision is not None:
        raise rules.ReviewClosed()
    if not comment.strip():
        raise ValidationFailed(comment=_l("Vui lòng viết nhận xét."))
    total, clean = review_total(call, scores)
    review = _review(session, initiative.id, judge_id)
    before = None
    if review is None:
        review = Review(initiative_id=initiative.id, judge_id=judge_id, scores=clean,
                        total=total, comment=comment.strip(), submitted_at=now, updated_at=now)
        try:
            with session.begin_nested():
                session.add(review)
        except IntegrityError:  # a double submit raced us: update the review that won
            review = _review(session, initiative.id, judge_id)
    else:
        before = {"total": review.total}
    review.scores, review.total, review.comment = clean, total, comment.strip()
    review.updated_at = now
    session.flush()
    record(judge_id, "initiative.review", initiative, before=before, after={"total": total})
    return review


def _record_conflict(session: Session, actor_id: int, judge_id: int, initiative: Initiative,
                     kind: str, reason: str, now: datetime) -> None:
    """Record the conflict and return the submission for reassignment (the judge's review, if
    any, is withdrawn with it; the audit log keeps its total)."""
    if initiative.call.published:
        raise rules.ResultsPublished()
    if kind not in conflicts.KINDS:
        raise ValidationFailed(kind=_l("Lựa chọn không hợp lệ."))
    review = _review(session, initiative.id, judge_id)
    before = {"total": review.total} if review else None
    if review is not None:
        session.delete(review)
    assignment = session.scalar(select(ReviewAssignment).where(
        ReviewAssignment.initiative_id == initiative.id, ReviewAssignment.judge_id == judge_id))
    if assignment is not None:
        session.delete(assignment)
    row = session.scalar(select(ConflictOfInterest).where(
        ConflictOfInterest.initiative_id == initiative.id,
        ConflictOfInterest.judge_id == judge_id))
    if row is None:
        row = ConflictOfInterest(initiative_id=initiative.id, judge_id=judge_id)
        session.add(row)
    row.kind, row.reason = kind, reason.strip()[:1000]
    row.declared_by_id, row.declared_at = actor_id, now
    session.flush()
    record(actor_id, "initiative.conflict", initiative, before=before,
           after={"judge_id": judge_id, "kind": kind}, reason=reason.strip()[:500] or None)


def declare_conflict(session: Session, judge_id: int, initiative: Initiative, reason: str,
                     now: datetime, kind: str = conflicts.OTHER) -> None:
    """A judge declares a conflict with a submission assigned to them."""
    _record_conflict(session, judge_id, judge_id, initiative, kind, reason, now)


def set_conflict(session: Session, actor_id: int, initiative: Initiative, judge_id: int,
                 kind: str, reason: str, now: datetime) -> None:
    """An organiser records a judge's conflict with a submission."""
    if judge_id not in {j.id for j in judges(session)}:
        raise ValidationFailed(judge=_l("Giám khảo không hợp lệ."))
    _record_conflict(session, actor_id, judge_id, initiative, kind, reason, now)


def assign_extra_judge(session: Session, actor_id: int, initiative: Initiative,
                       now: datetime) -> User:
    """Give a submission whose judges differ by more than the call's gap one more judge: the
    eligible judge with the fewest assignments in the call (ties to the lower id)."""
    call = initiative.call
    if call.published:
        raise rules.ResultsPublished()
    if initiative.state != rules.SUBMITTED or initiative.decision is not None:
        raise scoring.ExtraJudgeNotNeeded()
    judge_rows = judges(session)
    (slot,) = _slots(session, [initiative], judge_rows)
    totals = [r.total for r in reviews_of(session, initiative.id)]
    status = scoring.extra_judge_status(totals, len(slot.assigned), call.judges_per_submission,
                                        call.third_judge_gap)
    if status != scoring.EXTRA_NEEDED:
        raise scoring.ExtraJudgeNotNeeded()
    choice = scoring.pick_extra_judge(rules.eligible_judges(slot, [j.id for j in judge_rows]),
                                      _loads(session, call.id))
    if choice is None:
        raise rules.NotEnoughJudges(submissions=[initiative.id], needed=len(slot.assigned) + 1,
                                    judges=len(judge_rows))
    session.add(ReviewAssignment(initiative_id=initiative.id, judge_id=choice,
                                 assigned_by_id=actor_id, automatic=True, assigned_at=now))
    session.flush()
    record(actor_id, "initiative.assign_extra", initiative,
           after={"judge_id": choice, "spread": max(totals) - min(totals)})
    return session.get(User, choice)


# --- The organiser's table, decisions, publication ------------------------------------------


@dataclass
class TableRow:
    initiative: Initiative
    assigned: list[User]
    reviews: list[Review]
    aggregate: rules.Aggregate
    conflicts: list[ConflictOfInterest] = field(default_factory=list)
    extra_judge: str = scoring.NO_EXTRA
    barred: dict[int, str] = field(default_factory=dict)  # judge id -> conflict reason

    @property
    def reviewed_by(self) -> set[int]:
        return {r.judge_id for r in self.reviews}


def reviews_of(session: Session, initiative_id: int) -> list[Review]:
    return list(session.scalars(select(Review).where(Review.initiative_id == initiative_id)
                                .order_by(Review.submitted_at, Review.id)))


def disagreement_threshold(call: InitiativeCall) -> float:
    """The spread flagged in the organiser's table: the call's third-judge gap, else 20."""
    gap = call.third_judge_gap
    return gap if gap is not None else rules.DISAGREEMENT_POINTS


def organiser_table(session: Session, call: InitiativeCall,
                    threshold: float | None = None) -> list[TableRow]:
    """Every submitted initiative with its judges, reviews and aggregate. The score is the
    mean of all completed reviews (an extra judge's included), never counting a missing
    review as zero; `extra_judge` tells whether another judge should be asked."""
    if threshold is None:
        threshold = disagreement_threshold(call)
    pool = _pool(session, call.id)
    ids = [i.id for i in pool]
    users = {u.id: u for u in judges(session)}
    held = _assigned(session, ids)
    reviews: dict[int, list[Review]] = defaultdict(list)
    declared: dict[int, list[ConflictOfInterest]] = defaultdict(list)
    barred = conflict_map(session, pool, list(users.values()))
    if ids:
        for review in session.scalars(select(Review).where(Review.initiative_id.in_(ids))
                                      .order_by(Review.submitted_at, Review.id)):
            reviews[review.initiative_id].append(review)
        for row in session.scalars(select(ConflictOfInterest)
                                   .where(ConflictOfInterest.initiative_id.in_(ids))):
            declared[row.initiative_id].append(row)
    rows = []
    for initiative in pool:
        assigned = [users.get(j) or session.get(User, j) for j in sorted(held[initiative.id])]
        mine = reviews[initiative.id]
        agg = rules.aggregate([r.total for r in mine],
                              max(call.judges_per_submission, len(assigned)), threshold)
        extra = scoring.extra_judge_status([r.total for r in mine], len(assigned),
                                           call.judges_per_submission, call.third_judge_gap)
        rows.append(TableRow(initiative, assigned, mine, agg, declared[initiative.id], extra,
                             barred.get(initiative.id, {})))
    rows.sort(key=lambda r: rules.rank_key(r.aggregate, r.initiative.id))
    return rows


@dataclass(frozen=True)
class JudgeProgress:
    judge: User
    assigned: int
    done: int


def judge_progress(session: Session, call: InitiativeCall) -> list[JudgeProgress]:
    counts = dict(session.execute(
        select(ReviewAssignment.judge_id, func.count(ReviewAssignment.id))
        .join(Initiative, Initiative.id == ReviewAssignment.initiative_id)
        .where(Initiative.call_id == call.id, Initiative.state == rules.SUBMITTED)
        .group_by(ReviewAssignment.judge_id)).all())
    done = dict(session.execute(
        select(Review.judge_id, func.count(Review.id))
        .join(Initiative, Initiative.id == Review.initiative_id)
        .where(Initiative.call_id == call.id, Initiative.state == rules.SUBMITTED)
        .group_by(Review.judge_id)).all())
    return [JudgeProgress(j, counts.get(j.id, 0), done.get(j.id, 0)) for j in judges(session)]


def decide(session: Session, actor_id: int, initiative: Initiative, decision: str,
           award: str | None, note: str, now: datetime) -> None:
    if initiative.call.published:
        raise rules.ResultsPublished()
    if initiative.state != rules.SUBMITTED:
        raise ValidationFailed(decision=_l("Sáng kiến chưa được nộp nên chưa ghi quyết định được."))
    award = rules.check_decision(decision, award)
    before = {"decision": initiative.decision, "award": initiative.award}
    initiative.decision, initiative.award = decision, award
    initiative.decision_note = note.strip()[:2000]
    initiative.decided_at, initiative.decided_by_id = now, actor_id
    session.flush()
    record(actor_id, "initiative.decision", initiative, before=before,
           after={"decision": decision, "award": award}, reason=note.strip()[:500] or None)


def undecided(session: Session, call: InitiativeCall) -> list[int]:
    return [i.id for i in _pool(session, call.id) if i.decision is None]


def publish(session: Session, actor_id: int, call: InitiativeCall, now: datetime) -> None:
    rules.ensure_publishable(undecided(session, call), call.published)
    call.results_published_at = now
    session.flush()
    record(actor_id, "initiative_call.publish", call, after={"published_at": now.isoformat()})


@dataclass(frozen=True)
class ResultRow:
    title: str
    field: str
    authors: list[str]
    unit: str
    decision: str
    award: str | None


def published_results(session: Session, call: InitiativeCall) -> list[ResultRow]:
    """The public list: awarded then accepted initiatives; empty before publication."""
    if not call.published:
        return []
    rows = [ResultRow(i.title, i.field, [i.author.full_name, *i.co_authors],
                      i.author.unit.name if i.author.unit else "", i.decision, i.award)
            for i in _pool(session, call.id)
            if i.decision in (rules.AWARDED, rules.ACCEPTED)]
    return sorted(rows, key=lambda r: rules.results_order(r.award, r.decision, r.title))


def author_reviews(session: Session, initiative: Initiative) -> list[Review]:
    """Reviews shown to the author: none before the results are published."""
    if not initiative.call.published or initiative.state != rules.SUBMITTED:
        return []
    return reviews_of(session, initiative.id)
