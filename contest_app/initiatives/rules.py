"""Initiative rules in plain Python: the status an author sees, what may still change, judge
assignment, review totals and their aggregation, and publication.

Nothing here imports Flask or the database session; inputs are plain values and an explicit
`now`, so the rules are tested directly with hand-built cases."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from ..domain import DomainError

# --- Vocabulary -----------------------------------------------------------------------------

REFORM_FIELDS = (
    "Cải cách thể chế",
    "Cải cách thủ tục hành chính",
    "Cải cách tổ chức bộ máy",
    "Cải cách chế độ công vụ",
    "Cải cách tài chính công",
    "Xây dựng và phát triển Chính phủ điện tử, Chính phủ số",
)

# Stored states of a submission (what the author did).
DRAFT = "draft"
SUBMITTED = "submitted"
WITHDRAWN = "withdrawn"
STATES = (DRAFT, SUBMITTED, WITHDRAWN)

# Decisions the organiser records (kept private until the results are published).
ACCEPTED = "accepted"
REJECTED = "rejected"
AWARDED = "awarded"
DECISIONS = (ACCEPTED, REJECTED, AWARDED)

# What people see: the stored state, the review phase and, once published, the decision.
UNDER_REVIEW = "under_review"
SHOWN_STATUSES = (DRAFT, SUBMITTED, UNDER_REVIEW, ACCEPTED, REJECTED, AWARDED, WITHDRAWN)

# When judges see each other's reviews of a submission (a per-call setting).
AFTER_REVIEW_DEADLINE = "after_deadline"
AFTER_OWN_REVIEW = "after_own_review"
COJUDGE_VISIBILITY = (AFTER_REVIEW_DEADLINE, AFTER_OWN_REVIEW)

# The author's texts shown to judges, which an organiser may redact before judging.
JUDGE_TEXT_FIELDS = ("title", "problem", "solution", "benefits", "applied_at")

AWARD_LEVELS = ("Giải Nhất", "Giải Nhì", "Giải Ba", "Giải Khuyến khích")
SCALES = {"0-10": (0, 10), "1-5": (1, 5)}
DISAGREEMENT_POINTS = 20.0


# --- Errors ---------------------------------------------------------------------------------


class CallClosed(DomainError):
    """The submission deadline of the call has passed."""

    code = "initiative_call_closed"


class InitiativeLocked(DomainError):
    """The author can no longer change this submission (reviewed, decided or withdrawn)."""

    code = "initiative_locked"


class NotEnoughJudges(DomainError):
    code = "initiative_not_enough_judges"


class JudgeNotEligible(DomainError):
    """The judge authored the submission, declared a conflict, or works in the author's unit."""

    code = "initiative_judge_not_eligible"


class ReviewClosed(DomainError):
    code = "initiative_review_closed"


class RubricLocked(DomainError):
    code = "initiative_rubric_locked"


class ResultsPublished(DomainError):
    code = "initiative_results_published"


class DecisionsMissing(DomainError):
    code = "initiative_decisions_missing"


class InvalidScores(DomainError):
    code = "initiative_invalid_scores"


# --- Status and permissions -----------------------------------------------------------------


def shown_status(state: str, decision: str | None, now: datetime, deadline: datetime,
                 reviewing: bool, published: bool) -> str:
    """The status an author (or anyone but the organiser) sees. A decision shows only once the
    results are published; until then a submitted initiative is 'submitted' before the deadline
    and 'under review' after it (or as soon as judges are at work)."""
    if state != SUBMITTED:
        return state
    if published and decision in DECISIONS:
        return decision
    if reviewing or decision is not None or now >= deadline:
        return UNDER_REVIEW
    return SUBMITTED


def timeline(status: str) -> list[tuple[str, str]]:
    """The steps of the author's timeline, each 'done', 'current' or 'todo'."""
    steps = [DRAFT, SUBMITTED, UNDER_REVIEW, "decided"]
    if status == WITHDRAWN:
        return [(DRAFT, "done"), (WITHDRAWN, "current")]
    position = steps.index("decided" if status in DECISIONS else status)
    result = []
    for i, step in enumerate(steps):
        name = status if step == "decided" and status in DECISIONS else step
        result.append((name, "done" if i < position else "current" if i == position else "todo"))
    return result


def ensure_editable(state: str, now: datetime, deadline: datetime, reviewed: bool,
                    decided: bool) -> None:
    """The author edits, submits and withdraws until the deadline, while no judge has
    reviewed and no decision is recorded."""
    if now >= deadline:
        raise CallClosed()
    if reviewed or decided:
        raise InitiativeLocked()


def ensure_review_open(now: datetime, review_deadline: datetime, published: bool) -> None:
    if published or now >= review_deadline:
        raise ReviewClosed()


def may_see_cojudges(visibility: str, now: datetime, review_deadline: datetime,
                     published: bool, has_own_review: bool) -> bool:
    """Whether a judge may see the other judges' reviews of a submission. By default only once
    the review deadline has passed (or results are published), so that no judge can still edit
    a review after seeing the others'; a call may instead open them to a judge as soon as
    their own review is in. Unknown settings fall back to the strict default."""
    closed = published or now >= review_deadline
    if visibility == AFTER_OWN_REVIEW:
        return has_own_review or closed
    return closed


def judge_text(original: Mapping[str, str], redaction: Mapping | None) -> dict[str, str]:
    """The texts a judge sees: the organiser's redaction of a field where there is one, the
    author's text otherwise."""
    shown = {name: original.get(name, "") for name in JUDGE_TEXT_FIELDS}
    for name, entry in (redaction or {}).items():
        if name in shown and isinstance(entry, Mapping) and "text" in entry:
            shown[name] = str(entry["text"])
    return shown


def stale_redactions(original: Mapping[str, str], redaction: Mapping | None) -> list[str]:
    """Redacted fields whose author's text changed after the redaction was made."""
    return [name for name, entry in (redaction or {}).items()
            if isinstance(entry, Mapping) and entry.get("source") != original.get(name, "")]


def scale_bounds(scale: str) -> tuple[int, int]:
    return SCALES[scale]


# --- Assignment -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Slot:
    """A submission as the assignment sees it: who wrote it, who already reviews it, and who
    must never review it (declared conflicts, judges of the author's unit)."""

    submission_id: int
    author_id: int
    assigned: frozenset[int] = frozenset()
    excluded: frozenset[int] = frozenset()


def eligible_judges(slot: Slot, judges: Iterable[int]) -> list[int]:
    """Judges who may be given this submission now (not its author, no conflict, not yet on it)."""
    return [j for j in judges
            if j != slot.author_id and j not in slot.excluded and j not in slot.assigned]


def judge_is_eligible(slot: Slot, judge_id: int) -> bool:
    return judge_id != slot.author_id and judge_id not in slot.excluded


def assign(slots: Sequence[Slot], judges: Sequence[int], per_submission: int,
           loads: Mapping[int, int] | None = None) -> dict[int, list[int]]:
    """New assignments {submission id: [judge ids]} so that every submission has
    `per_submission` judges, with loads (existing `loads` included) as even as the conflicts
    allow: without conflicts, final loads differ by at most one when existing loads do.

    Raises NotEnoughJudges naming the submissions that cannot get enough eligible judges.
    Deterministic: ties go to the lower judge id."""
    judges = sorted(set(judges))
    load = {j: int((loads or {}).get(j, 0)) for j in judges}
    short = [s.submission_id for s in slots
             if len(eligible_judges(s, judges)) < per_submission - len(s.assigned)]
    if short:
        raise NotEnoughJudges(submissions=short, needed=per_submission, judges=len(judges))
    held: dict[int, set[int]] = {j: set() for j in judges}  # judge -> new submissions
    by_id = {s.submission_id: s for s in slots}
    # Most constrained submissions first, each slot to the least loaded eligible judge.
    order = sorted(slots, key=lambda s: (len(eligible_judges(s, judges)), s.submission_id))
    for slot in order:
        for _ in range(max(0, per_submission - len(slot.assigned))):
            options = [j for j in eligible_judges(slot, judges)
                       if slot.submission_id not in held[j]]
            best = min(options, key=lambda j: (load[j], j))
            held[best].add(slot.submission_id)
            load[best] += 1
    _rebalance(by_id, judges, held, load)
    result: dict[int, list[int]] = {}
    for judge in judges:
        for sid in held[judge]:
            result.setdefault(sid, []).append(judge)
    return {sid: sorted(js) for sid, js in sorted(result.items())}


def _rebalance(slots: Mapping[int, Slot], judges: list[int], held: dict[int, set[int]],
               load: dict[int, int]) -> None:
    """Move new assignments along chains (judge a gives s to b, b gives t to c ...) while a
    judge has at least two more than another reachable judge: each move lowers the sum of
    squared loads, so this ends, and without conflicts leaves loads within one of each other."""
    while True:
        moved = False
        for start in sorted(judges, key=lambda j: (-load[j], j)):
            path = _cost_reducing_path(slots, judges, held, load, start)
            if path:
                for giver, sid, taker in path:
                    held[giver].discard(sid)
                    held[taker].add(sid)
                load[path[0][0]] -= 1
                load[path[-1][2]] += 1
                moved = True
                break
        if not moved:
            return


def _cost_reducing_path(slots: Mapping[int, Slot], judges: list[int],
                        held: dict[int, set[int]], load: dict[int, int],
                        start: int) -> list[tuple[int, int, int]] | None:
    parent: dict[int, tuple[int, int]] = {}
    seen = {start}
    queue = deque([start])
    while queue:
        giver = queue.popleft()
        for sid in sorted(held[giver]):
            slot = slots[sid]
            for taker in judges:
                if (taker in seen or sid in held[taker] or taker in slot.assigned
                        or not judge_is_eligible(slot, taker)):
                    continue
                seen.add(taker)
                parent[taker] = (giver, sid)
                if load[taker] <= load[start] - 2:
                    path = []
                    node = taker
                    while node != start:
                        prev, moved_sid = parent[node]
                        path.append((prev, moved_sid, node))
                        node = prev
                    return list(reversed(path))
                queue.append(taker)
    return None


# --- Scores ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Criterion:
    id: int
    weight: float
    scale_min: int
    scale_max: int


def validate_scores(criteria: Sequence[Criterion], scores: Mapping[int, int | None]) -> None:
    """Every criterion scored, each within its scale; raises InvalidScores with per-criterion
    reasons ('missing' or 'out_of_range')."""
    problems: dict[str, str] = {}
    for c in criteria:
        value = scores.get(c.id)
        if value is None:
            problems[str(c.id)] = "missing"
        elif not c.scale_min <= value <= c.scale_max:
            problems[str(c.id)] = "out_of_range"
    if problems:
        raise InvalidScores(**problems)


def review_total(criteria: Sequence[Criterion], scores: Mapping[int, int]) -> float:
    """A review's weighted mean on a 100-point scale: each score counts as score/scale_max,
    weighted by its criterion's weight. Raises InvalidScores when a criterion is missing."""
    validate_scores(criteria, scores)
    weights = sum(c.weight for c in criteria)
    if weights <= 0:
        raise InvalidScores(rubric="empty")
    return round(sum(c.weight * scores[c.id] / c.scale_max for c in criteria) / weights * 100, 2)


@dataclass(frozen=True)
class Aggregate:
    """A submission's score from its submitted reviews. `score` is None without any review;
    `missing` counts the reviews still expected; `spread` is max - min of the judges' totals."""

    score: float | None
    reviews: int
    expected: int
    spread: float | None
    disagreement: bool
    totals: tuple[float, ...] = field(default=())

    @property
    def missing(self) -> int:
        return max(0, self.expected - self.reviews)

    @property
    def complete(self) -> bool:
        return self.reviews > 0 and self.missing == 0


def aggregate(totals: Sequence[float], expected: int,
              threshold: float = DISAGREEMENT_POINTS) -> Aggregate:
    """Mean of the submitted reviews' totals (missing reviews are not counted as zero: they
    are reported in `missing`), the spread between judges, and a disagreement flag when the
    spread exceeds `threshold` points."""
    if not totals:
        return Aggregate(None, 0, expected, None, False, ())
    spread = round(max(totals) - min(totals), 2) if len(totals) > 1 else 0.0
    return Aggregate(round(sum(totals) / len(totals), 2), len(totals), expected, spread,
                     spread > threshold, tuple(totals))


def rank_key(agg: Aggregate, submission_id: int) -> tuple:
    """Organiser table order: scored first, highest score first, then by id."""
    return (agg.score is None, -(agg.score or 0.0), submission_id)


# --- Decisions and publication --------------------------------------------------------------


def check_decision(decision: str, award: str | None) -> str | None:
    """The award level kept for a decision: required for 'awarded', dropped otherwise."""
    if decision not in DECISIONS:
        raise InvalidScores(decision="unknown")
    if decision == AWARDED:
        if award not in AWARD_LEVELS:
            raise InvalidScores(award="missing")
        return award
    return None


def ensure_publishable(undecided: Sequence[int], published: bool) -> None:
    if published:
        raise ResultsPublished()
    if undecided:
        raise DecisionsMissing(count=len(undecided))


def results_order(award: str | None, decision: str, title: str) -> tuple:
    """Published list order: award levels in order, then accepted initiatives, by title."""
    level = AWARD_LEVELS.index(award) if award in AWARD_LEVELS else len(AWARD_LEVELS)
    return (0 if decision == AWARDED else 1, level, title.lower())
