"""Ranking rules in plain Python: the tie-break chain, competition ranking, prizes, the
prediction's real figure and unit (collective) aggregation.

The database computes rankings with window functions (services.py); this module states the same
rules over plain values. Tests check both against hand-built cases and against each other."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

from ..domain import DomainError

TIE_BREAKS = ("prediction", "duration", "submitted_at")
DEFAULT_CHAIN = ("prediction", "duration", "submitted_at")
COUNTING = ("best", "first", "last")

PRIZE_LEVELS = (1, 2, 3, 4)  # first, second, third, consolation
DEFAULT_PRIZE_POINTS = {1: 10, 2: 8, 3: 6, 4: 4}

UNIT_METRICS = ("collective_score", "participation_rate", "participants", "attempts",
                "average_score", "best_score", "prize_points")
COLLECTIVE_FORMULAS = ("participation_rate", "average_score", "prize_points", "weighted")


class RoundStillOpen(DomainError):
    code = "round_still_open"


class NothingToPublish(DomainError):
    code = "nothing_to_publish"


class NotPublished(DomainError):
    """There is no current publication to withdraw."""

    code = "ranking_not_published"


def validate_chain(chain: Iterable[str]) -> tuple[str, ...]:
    """A tie-break chain: known keys, each at most once."""
    result = tuple(chain)
    if len(set(result)) != len(result) or any(k not in TIE_BREAKS for k in result):
        raise ValueError(f"invalid tie-break chain: {result}")
    return result


@dataclass(frozen=True)
class Attempt:
    """A finished attempt as the ranking sees it."""

    user_id: int
    number: int
    score: int
    duration_ms: int
    submitted_at: datetime
    prediction: int | None = None
    max_score: int = 0


def counting_attempt(attempts: Sequence[Attempt], policy: str) -> Attempt:
    """The attempt that counts: best (highest score, then fastest, then earliest), first or
    last."""
    if policy == "first":
        return min(attempts, key=lambda a: a.number)
    if policy == "last":
        return max(attempts, key=lambda a: a.number)
    return min(attempts, key=lambda a: (-a.score, a.duration_ms, a.submitted_at, a.number))


def counting_attempts(attempts: Iterable[Attempt], policy: str) -> list[Attempt]:
    by_user: dict[int, list[Attempt]] = {}
    for attempt in attempts:
        by_user.setdefault(attempt.user_id, []).append(attempt)
    return [counting_attempt(items, policy) for items in by_user.values()]


@dataclass(frozen=True)
class Entry:
    user_id: int
    score: int
    duration_ms: int
    submitted_at: datetime
    prediction: int | None = None


@dataclass(frozen=True)
class Ranked:
    entry: Entry
    rank: int
    position: int
    prediction_diff: int | None = None
    prize_level: int | None = None


def sort_key(entry: Entry, chain: Sequence[str], actual: int | None) -> tuple:
    """Score descending, then the chain. A missing prediction (or no real figure yet) sorts
    after every prediction."""
    key: list = [-entry.score]
    for name in chain:
        if name == "prediction":
            if entry.prediction is None or actual is None:
                key.append((1, 0))
            else:
                key.append((0, abs(entry.prediction - actual)))
        elif name == "duration":
            key.append(entry.duration_ms)
        elif name == "submitted_at":
            key.append(entry.submitted_at)
    return tuple(key)


def rank_entries(entries: Iterable[Entry], chain: Sequence[str] = DEFAULT_CHAIN,
                 actual: int | None = None) -> list[Ranked]:
    """Order by the chain; entries equal on every key share a rank (1, 2, 2, 4). The position
    (1..n) breaks full ties by user id only to give a stable page order."""
    chain = validate_chain(chain)
    ordered = sorted(entries, key=lambda e: (sort_key(e, chain, actual), e.user_id))
    result: list[Ranked] = []
    previous = None
    rank = 0
    for position, entry in enumerate(ordered, start=1):
        key = sort_key(entry, chain, actual)
        if key != previous:
            rank, previous = position, key
        diff = None if entry.prediction is None or actual is None else abs(
            entry.prediction - actual)
        result.append(Ranked(entry, rank, position, diff))
    return result


@dataclass(frozen=True)
class PrizeTier:
    level: int  # 1 first, 2 second, 3 third, 4 consolation
    name: str
    count: int
    amount: int | None = None  # đồng per winner


def prize_for_rank(rank: int, tiers: Sequence[PrizeTier]) -> PrizeTier | None:
    """The tier a rank wins: tiers are filled in level order by their counts; entries tied at
    a boundary share the better prize (a rank within the cumulative count wins it)."""
    cumulative = 0
    for tier in sorted(tiers, key=lambda t: t.level):
        cumulative += tier.count
        if rank <= cumulative:
            return tier
    return None


def award(ranked: Sequence[Ranked], tiers: Sequence[PrizeTier]) -> list[Ranked]:
    out = []
    for row in ranked:
        tier = prize_for_rank(row.rank, tiers)
        out.append(replace(row, prize_level=tier.level if tier else None))
    return out


def prediction_actual(entries: Iterable[Attempt], kind: str) -> int:
    """The real figure: participants whose counting attempt has full marks, or participants."""
    entries = list(entries)
    if kind == "participants":
        return len({e.user_id for e in entries})
    return len({e.user_id for e in entries if e.max_score > 0 and e.score == e.max_score})


# --- Units --------------------------------------------------------------------------------


@dataclass
class UnitStats:
    unit_id: int
    participants: int
    attempts: int
    headcount: int | None
    average_score: float | None  # mean counting score, in points
    best_score: int | None
    prizes: Mapping[int, int] = field(default_factory=dict)  # level -> count
    max_score: int = 0

    @property
    def participation_rate(self) -> float | None:
        """participants / headcount (0..1+); None without a declared headcount."""
        if not self.headcount:
            return None
        return self.participants / self.headcount

    def prize_points(self, points: Mapping[int, int] = DEFAULT_PRIZE_POINTS) -> int:
        return sum(points.get(level, 0) * n for level, n in self.prizes.items())

    @property
    def prize_count(self) -> int:
        return sum(self.prizes.values())


@dataclass(frozen=True)
class CollectiveFormula:
    """How a unit's collective score is computed; `describe` prints it above the table."""

    kind: str = "participation_rate"
    weights: Mapping[str, float] = field(default_factory=lambda: {
        "participation_rate": 1.0, "average_score": 0.0, "prize_points": 0.0})
    prize_points: Mapping[int, int] = field(default_factory=lambda: dict(DEFAULT_PRIZE_POINTS))

    def score(self, unit: UnitStats) -> float:
        rate = (unit.participation_rate or 0.0) * 100
        average = 0.0
        if unit.average_score is not None and unit.max_score:
            average = unit.average_score / unit.max_score * 100
        points = float(unit.prize_points(self.prize_points))
        if self.kind == "participation_rate":
            return round(rate, 4)
        if self.kind == "average_score":
            return round(average, 4)
        if self.kind == "prize_points":
            return points
        w = self.weights
        return round(w.get("participation_rate", 0) * rate + w.get("average_score", 0) * average
                     + w.get("prize_points", 0) * points, 4)

    def terms(self) -> dict[str, object]:
        return {"kind": self.kind, "weights": dict(self.weights),
                "prize_points": {str(k): v for k, v in self.prize_points.items()}}


def unit_prize_eligible(unit: UnitStats, in_block: bool) -> bool:
    """A collective prize needs a unit that took part, belongs to a block (units compete within
    their block) and declared its headcount (without it the participation rate is unknown)."""
    return unit.participants > 0 and in_block and bool(unit.headcount)


def rank_units(units: Iterable[UnitStats], order: str, formula: CollectiveFormula
               ) -> list[tuple[int | None, UnitStats, float]]:
    """Units ranked by the chosen metric (descending; ties share a rank, then by name order
    given by the caller's input order). Units nobody from took part in are listed after the
    others, unranked (rank None)."""
    if order not in UNIT_METRICS:
        raise ValueError(order)

    def metric(u: UnitStats) -> float:
        if order == "collective_score":
            return formula.score(u)
        if order == "prize_points":
            return float(u.prize_points(formula.prize_points))
        value = getattr(u, order)
        return float(value) if value is not None else -1.0

    units = list(units)
    taking_part = [(i, u) for i, u in enumerate(units) if u.participants > 0]
    scored = sorted(((metric(u), i, u) for i, u in taking_part), key=lambda t: (-t[0], t[1]))
    result: list[tuple[int | None, UnitStats, float]] = []
    previous, rank = None, 0
    for position, (value, _, unit) in enumerate(scored, start=1):
        if value != previous:
            rank, previous = position, value
        result.append((rank, unit, formula.score(unit)))
    result.extend((None, u, formula.score(u)) for u in units if u.participants <= 0)
    return result
