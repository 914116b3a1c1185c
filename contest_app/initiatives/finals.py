"""The final round (chung khảo): its settings, rubric and panel; promotion of the best
preliminary submissions (previewed first); the presentation timer run by the secretary from
the server's clock; the panel's live scores and the combined result. Session, actor and `now`
are arguments; functions flush, never commit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..accounts.models import User
from ..domain import NotFound, ValidationFailed
from ..lazytext import _l
from ..organiser.models import record
from . import cycle, judging, rules, scoring
from .final_models import FinalCriterion, Finalist, FinalRound, FinalScore
from .models import InitiativeCall

# The default rubric of a final, in points summing to 100: (name, description, max points).
DEFAULT_FINAL_CRITERIA = [
    ("Nội dung", "Trình bày rõ vấn đề, giải pháp, điểm mới và hiệu quả của sáng kiến.", 40),
    ("Trình bày", "Đúng giờ, mạch lạc, dễ hiểu.", 30),
    ("Trả lời câu hỏi", "Trả lời đúng trọng tâm câu hỏi của Ban Giám khảo.", 30),
]


@dataclass(frozen=True)
class FinalCriterionSpec:
    """One line of a final's rubric: in points (max_points, optional bands) or weighted
    (weight and scale)."""

    name: str
    description: str = ""
    weight: int = 1
    scale: str = "0-10"
    max_points: int | None = None
    bands: tuple[scoring.Band, ...] = ()

    def key(self, in_points: bool) -> tuple:
        if in_points:
            return (self.name, self.description, self.max_points, tuple(self.bands))
        return (self.name, self.description, self.weight, self.scale)


def default_final_criteria() -> list[FinalCriterionSpec]:
    return [FinalCriterionSpec(n, d, weight=p, max_points=p) for n, d, p in
            DEFAULT_FINAL_CRITERIA]


@dataclass
class FinalData:
    title: str
    presentation_minutes: int
    questions_minutes: int
    preliminary_weight: int
    final_weight: int
    criteria: list[FinalCriterionSpec]
    judge_ids: list[int]
    scoring: str = scoring.POINTS


def final_of(session: Session, call: InitiativeCall) -> FinalRound | None:
    return session.scalar(select(FinalRound).where(FinalRound.call_id == call.id))


def get_final(session: Session, final_id: int) -> FinalRound:
    final = session.get(FinalRound, final_id)
    if final is None:
        raise NotFound()
    return final


def get_finalist(session: Session, finalist_id: int) -> Finalist:
    finalist = session.get(Finalist, finalist_id)
    if finalist is None:
        raise NotFound()
    return finalist


def has_scores(session: Session, final: FinalRound) -> bool:
    return session.scalar(select(FinalScore.id).join(
        Finalist, Finalist.id == FinalScore.finalist_id).where(
        Finalist.final_id == final.id).limit(1)) is not None


def _spec(c: FinalCriterion) -> FinalCriterionSpec:
    return FinalCriterionSpec(c.name, c.description, c.weight, c.scale, c.max_points,
                              c.band_list)


def save_final(session: Session, actor_id: int, call: InitiativeCall, final: FinalRound | None,
               data: FinalData) -> FinalRound:
    """Create or update the call's final; its rubric cannot change once a score exists.
    Judges conflicted with a finalist may sit on the panel (they never see or score that
    team): `panel_conflicts` tells the organiser who they are."""
    cycle.check_final_settings(data.presentation_minutes, data.questions_minutes,
                               data.preliminary_weight, data.final_weight)
    if data.scoring not in scoring.SCORING_MODES:
        raise ValidationFailed(scoring=_l("Lựa chọn không hợp lệ."))
    if not data.criteria:
        raise ValidationFailed(criteria=_l("Cần ít nhất một tiêu chí chấm điểm."))
    in_points = data.scoring == scoring.POINTS
    if in_points:
        for spec in data.criteria:
            if not spec.max_points or not 1 <= spec.max_points <= scoring.MAX_POINTS_LIMIT:
                raise ValidationFailed(criteria=_l("Hãy nhập điểm tối đa của mỗi tiêu chí."))
            scoring.check_bands(spec.bands, spec.max_points)
    known = {j.id for j in judging.judges(session)}
    if not data.judge_ids or set(data.judge_ids) - known:
        raise ValidationFailed(judge_ids=_l("Hãy chọn ít nhất một giám khảo chung khảo."))
    created = final is None
    if final is None:
        final = FinalRound(call_id=call.id, title=data.title, scoring=data.scoring)
        session.add(final)
    current = [_spec(c).key(final.in_points) for c in final.criteria]
    wanted = [spec.key(in_points) for spec in data.criteria]
    changed = current != wanted or final.scoring != data.scoring
    if changed and not created and has_scores(session, final):
        raise rules.RubricLocked()
    final.title = data.title
    final.presentation_minutes = data.presentation_minutes
    final.questions_minutes = data.questions_minutes
    final.preliminary_weight = data.preliminary_weight
    final.final_weight = data.final_weight
    final.judge_ids = sorted(set(data.judge_ids))
    final.scoring = data.scoring
    if changed or created:
        final.criteria.clear()
        session.flush()
        for position, spec in enumerate(data.criteria):
            final.criteria.append(FinalCriterion(
                name=spec.name, description=spec.description,
                weight=spec.max_points if in_points else spec.weight,
                scale=spec.scale if spec.scale in ("0-10", "1-5") else "0-10",
                max_points=spec.max_points if in_points else None,
                bands=scoring.bands_to_json(scoring.check_bands(spec.bands, spec.max_points))
                if in_points else [], position=position))
    session.flush()
    record(actor_id, "initiative_final.save", call, after={
        "final_id": final.id, "minutes": [final.presentation_minutes, final.questions_minutes],
        "weights": [final.preliminary_weight, final.final_weight], "scoring": final.scoring,
        "judges": final.judge_ids,
        "criteria": [[c.name, c.max_points if final.in_points else c.weight, c.scale]
                     for c in final.criteria]})
    return final


# --- Conflicts ------------------------------------------------------------------------------


def final_conflicts(session: Session, final: FinalRound,
                    judge_rows: list[User] | None = None) -> dict[int, dict[int, str]]:
    """{finalist id: {judge id: reason}}: the panel judges (or `judge_rows`) who may not see
    or score a finalist, by the same rules as the preliminary round (author, same unit,
    co-author, declared conflict; conflicts.py)."""
    if judge_rows is None:
        judge_rows = panel(session, final)
    by_initiative = judging.conflict_map(session, [f.initiative for f in final.finalists],
                                         judge_rows)
    return {f.id: by_initiative.get(f.initiative_id, {}) for f in final.finalists}


def panel_conflicts(session: Session, final: FinalRound) -> list[tuple[User, Finalist, str]]:
    """(judge, finalist, reason) for every conflicted pair on the panel, for the organiser's
    warning: such a judge is left out of that team's scoring."""
    judges_by_id = {j.id: j for j in panel(session, final)}
    out = []
    for finalist in final.finalists:
        for judge_id, reason in final_conflicts(session, final).get(finalist.id, {}).items():
            if judge_id in judges_by_id:
                out.append((judges_by_id[judge_id], finalist, reason))
    return out


def visible_finalists(session: Session, final: FinalRound, judge_id: int) -> list[Finalist]:
    """The teams a panel judge sees and scores: every finalist they are not conflicted with."""
    judge = session.get(User, judge_id)
    if judge is None:
        return []
    barred = final_conflicts(session, final, [judge])
    return [f for f in final.finalists if judge_id not in barred.get(f.id, {})]


def ensure_not_conflicted(session: Session, finalist: Finalist, judge_id: int) -> None:
    """A conflicted judge never sees a team: the page answers as if it did not exist."""
    if finalist not in visible_finalists(session, finalist.final, judge_id):
        raise NotFound()


# --- Promotion ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    row: judging.TableRow
    selected: bool
    finalist: bool  # already in the final


def preview(session: Session, call: InitiativeCall, final: FinalRound | None, mode: str,
            value: float) -> list[Candidate]:
    """Every submitted initiative of the call with its preliminary score, marked when the
    chosen rule (top N or threshold) would promote it."""
    rows = [r for r in judging.organiser_table(session, call)
            if r.initiative.decision != rules.REJECTED]
    chosen = set(cycle.select_finalists(
        [(r.initiative.id, r.aggregate.score) for r in rows], mode, value))
    already = {f.initiative_id for f in final.finalists} if final else set()
    return [Candidate(r, r.initiative.id in chosen, r.initiative.id in already) for r in rows]


def promote(session: Session, actor_id: int, call: InitiativeCall, final: FinalRound, mode: str,
            value: float, now: datetime) -> int:
    """Promote the submissions the rule selects (as previewed); returns how many are new.
    Each finalist keeps its preliminary score as it was at promotion."""
    candidates = [c for c in preview(session, call, final, mode, value) if c.selected]
    added = []
    position = max((f.position for f in final.finalists), default=0)
    for candidate in candidates:
        if candidate.finalist:
            continue
        position += 1
        final.finalists.append(Finalist(
            initiative_id=candidate.row.initiative.id, position=position,
            preliminary_score=candidate.row.aggregate.score, promoted_by_id=actor_id,
            promoted_at=now))
        added.append(candidate.row.initiative.id)
    session.flush()
    record(actor_id, "initiative_final.promote", call, after={
        "final_id": final.id, "mode": mode, "value": value, "promoted": added})
    return len(added)


# --- The timer ------------------------------------------------------------------------------

START, PAUSE, RESET = "start", "pause", "reset"


def run_timer(session: Session, actor_id: int, finalist: Finalist, action: str,
              now: datetime) -> None:
    """Start (or resume), pause or reset a team's timer; starting one team pauses any other
    running in the same final."""
    if action not in (START, PAUSE, RESET):
        raise ValidationFailed(action=_l("Lựa chọn không hợp lệ."))
    before = {"elapsed": finalist.timer_elapsed, "running": finalist.timer_started_at is not None}
    if action == START and finalist.timer_started_at is None:
        for other in finalist.final.finalists:
            if other.id != finalist.id and other.timer_started_at is not None:
                _pause(other, now)
        finalist.timer_started_at = now
    elif action == PAUSE and finalist.timer_started_at is not None:
        _pause(finalist, now)
    elif action == RESET:
        finalist.timer_started_at, finalist.timer_elapsed = None, 0
    session.flush()
    record(actor_id, "initiative_final.timer", finalist.initiative, before=before,
           after={"action": action, "elapsed": finalist.timer_elapsed})


def _pause(finalist: Finalist, now: datetime) -> None:
    finalist.timer_elapsed = int(cycle.timer_elapsed(now, finalist.timer_started_at,
                                                     finalist.timer_elapsed))
    finalist.timer_started_at = None


def timer_state(finalist: Finalist, now: datetime) -> dict:
    """What a tablet needs to show the timer: the server's now, the start of the running
    stretch, the seconds run before it and the phase lengths."""
    final = finalist.final
    presentation, questions = final.presentation_minutes * 60, final.questions_minutes * 60
    elapsed = cycle.timer_elapsed(now, finalist.timer_started_at, finalist.timer_elapsed)
    phase, left = cycle.timer_phase(elapsed, presentation, questions,
                                    finalist.timer_started_at is not None)
    return {"now": now.isoformat(), "running": finalist.timer_started_at is not None,
            "started_at": finalist.timer_started_at.isoformat()
            if finalist.timer_started_at else None,
            "elapsed_before": finalist.timer_elapsed, "elapsed": int(elapsed),
            "presentation_seconds": presentation, "questions_seconds": questions,
            "phase": phase, "left": int(left)}


# --- The panel's scores ---------------------------------------------------------------------


def finals_for_judge(session: Session, judge_id: int) -> list[FinalRound]:
    return [f for f in session.scalars(select(FinalRound).order_by(FinalRound.id))
            if judge_id in (f.judge_ids or [])]


def ensure_panel(final: FinalRound, judge_id: int) -> None:
    if judge_id not in (final.judge_ids or []):
        raise NotFound()


def own_score(session: Session, finalist: Finalist, judge_id: int) -> FinalScore | None:
    return session.scalar(select(FinalScore).where(FinalScore.finalist_id == finalist.id,
                                                   FinalScore.judge_id == judge_id))


def team_scores(session: Session, finalist: Finalist) -> dict[int, FinalScore]:
    """The panel's scores of a team, by judge."""
    return {s.judge_id: s for s in session.scalars(
        select(FinalScore).where(FinalScore.finalist_id == finalist.id))}


def panel(session: Session, final: FinalRound) -> list[User]:
    return list(session.scalars(select(User).where(User.id.in_(final.judge_ids or [0]))
                                .order_by(User.full_name, User.id)))


def final_rubric(final: FinalRound) -> list[rules.Criterion]:
    return [rules.Criterion(c.id, c.weight, c.scale_min, c.scale_max) for c in final.criteria]


def final_points_rubric(final: FinalRound) -> list[scoring.PointsCriterion]:
    return [scoring.PointsCriterion(c.id, c.max_points or c.weight, c.band_list)
            for c in final.criteria]


def score_total(final: FinalRound, scores: dict[int, object]) -> tuple[float, dict]:
    """A final score's total and the scores as stored: the sum of points (multiples of 0.5
    up to each maximum), or the weighted mean on 100 (whole numbers on each scale)."""
    if final.in_points:
        criteria = final_points_rubric(final)
        total = scoring.points_total(criteria, scores)
        return total, {str(c.id): float(scores[c.id]) for c in criteria}
    weighted = final_rubric(final)
    for c in weighted:
        value = scores.get(c.id)
        if value is not None and scoring.scale_problem(value, c.scale_min, c.scale_max):
            raise rules.InvalidScores(**{str(c.id): "out_of_range"})
    whole = {c.id: int(scores[c.id]) for c in weighted if scores.get(c.id) is not None}
    return rules.review_total(weighted, whole), {str(c.id): whole[c.id] for c in weighted}


def save_score(session: Session, judge_id: int, finalist: Finalist,
               scores: dict[int, object], comment: str, now: datetime) -> FinalScore:
    """Create or update a panel judge's score of a finalist (never one they are conflicted
    with: their own, their unit's, a co-author's, or a declared conflict); refused once the
    call's results are published."""
    final = finalist.final
    ensure_panel(final, judge_id)
    if final.call.published:
        raise rules.ResultsPublished()
    initiative = finalist.initiative
    if judging.judge_conflict(session, initiative, judge_id):
        raise rules.JudgeNotEligible()
    total, clean = score_total(final, scores)
    row = own_score(session, finalist, judge_id)
    before = {"total": row.total} if row else None
    if row is None:
        row = FinalScore(finalist_id=finalist.id, judge_id=judge_id, scores=clean, total=total,
                         comment=comment.strip(), submitted_at=now, updated_at=now)
        try:
            with session.begin_nested():
                session.add(row)
        except IntegrityError:  # a double tap raced us: update the row that won
            row = own_score(session, finalist, judge_id)
    row.scores, row.total, row.comment, row.updated_at = clean, total, comment.strip(), now
    session.flush()
    record(judge_id, "initiative_final.score", initiative, before=before, after={"total": total})
    return row


@dataclass(frozen=True)
class FinalResult:
    finalist: Finalist
    preliminary: float | None
    final: float | None
    scores: int
    expected: int
    combined: float | None


def preliminary_max(final: FinalRound) -> int:
    return final.call.total_max or 100


def results(session: Session, final: FinalRound) -> list[FinalResult]:
    """Finalists with their preliminary score, the mean of the panel's scores, and the
    combined result on 100 (each round brought to 100 from its maximum first), best first.
    A team expects a score from every panel judge not conflicted with it."""
    totals: dict[int, list[float]] = {}
    ids = [f.id for f in final.finalists]
    if ids:
        for finalist_id, total in session.execute(
                select(FinalScore.finalist_id, FinalScore.total)
                .where(FinalScore.finalist_id.in_(ids))):
            totals.setdefault(finalist_id, []).append(total)
    barred = final_conflicts(session, final) if ids else {}
    panel_ids = set(final.judge_ids or [])
    out = []
    for finalist in final.finalists:
        mine = totals.get(finalist.id, [])
        mean = round(sum(mine) / len(mine), 2) if mine else None
        expected = len(panel_ids - set(barred.get(finalist.id, {})))
        out.append(FinalResult(
            finalist, finalist.preliminary_score, mean, len(mine), expected,
            cycle.combined_score(finalist.preliminary_score, mean, final.preliminary_weight,
                                 final.final_weight, preliminary_max(final),
                                 final.total_max or 100)))
    out.sort(key=lambda r: cycle.final_rank_key(r.combined, r.final, r.preliminary,
                                                r.finalist.id))
    return out


def combined_by_initiative(session: Session, call: InitiativeCall) -> dict[int, FinalResult]:
    """{initiative id: its final result} for a two-round call (empty without a final)."""
    final = final_of(session, call)
    if final is None:
        return {}
    return {r.finalist.initiative_id: r for r in results(session, final)}

