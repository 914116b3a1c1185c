"""Item analysis of a round and regrading after a key correction: plain rules, no Flask.

Item analysis follows Moodle's quiz statistics report, per question version:
- facility index: the share of attempts that scored the item (0..1);
- discrimination index: the correlation (Pearson, i.e. point-biserial for a 0/1 item) between
  the item's score and the score on the REST of the attempt (total minus this item), so that
  the item does not correlate with itself ("corrected item-total correlation");
- how often each option was chosen.
Flags point at the questions most likely to carry a wrong key: negative or near-zero
discrimination, a distractor chosen more often than the key, an item almost everybody or almost
nobody gets right. They are shown from MIN_SAMPLE attempts on; below that they mean nothing.

Regrading scores finished attempts again with each question's current key: an item is moved to
the current version only when that version has the same number of options (a corrected key or
reworded options); otherwise it keeps its version and is reported."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from .rules import ScoredItem, chosen_original, item_points

MIN_SAMPLE = 10
NEAR_ZERO = 0.1
TOO_EASY = 0.95
TOO_HARD = 0.2

FLAG_NEGATIVE = "negative_discrimination"
FLAG_LOW = "low_discrimination"
FLAG_DISTRACTOR = "distractor_over_key"
FLAG_EASY = "too_easy"
FLAG_HARD = "too_hard"


@dataclass(frozen=True)
class ItemResponse:
    """One drawn item of one finished attempt."""

    attempt_id: int
    question_id: int
    version_id: int
    option_order: tuple[int, ...]
    chosen: tuple[int, ...] | None  # display ids
    correct: frozenset[int]  # original indexes of the key
    weight: int = 1

    @property
    def points(self) -> int:
        return item_points(ScoredItem(self.chosen, self.option_order, self.correct, self.weight))

    @property
    def chosen_original(self) -> set[int]:
        return chosen_original(self.chosen, self.option_order)


@dataclass
class ItemStats:
    question_id: int
    version_id: int
    drawn: int
    correct: int
    facility: float | None
    discrimination: float | None
    options: dict[int, int]  # original option index -> times chosen
    key: frozenset[int]
    flags: list[str] = field(default_factory=list)


def pearson(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    """The correlation coefficient, or None when either series is constant (or too short)."""
    n = len(xs)
    if n < 2:
        return None
    mx, my = sum(xs) / n, sum(ys) / n
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    if sxx == 0 or syy == 0:
        return None
    return sxy / math.sqrt(sxx * syy)


def item_statistics(responses: Iterable[ItemResponse], option_counts: dict[int, int],
                    min_sample: int = MIN_SAMPLE) -> list[ItemStats]:
    """Statistics per question version over finished attempts (`option_counts`: version id ->
    number of options). Ordered by question id, then version id."""
    responses = list(responses)
    totals: dict[int, int] = {}
    for r in responses:
        totals[r.attempt_id] = totals.get(r.attempt_id, 0) + r.points
    by_version: dict[tuple[int, int], list[ItemResponse]] = {}
    for r in responses:
        by_version.setdefault((r.question_id, r.version_id), []).append(r)
    out = []
    for (question_id, version_id), rows in sorted(by_version.items()):
        scores = [r.points / r.weight if r.weight else 0.0 for r in rows]
        rest = [totals[r.attempt_id] - r.points for r in rows]
        right = sum(1 for s in scores if s >= 1)
        options = {i: 0 for i in range(option_counts.get(version_id, 0))}
        for r in rows:
            for original in r.chosen_original:
                options[original] = options.get(original, 0) + 1
        stats = ItemStats(question_id, version_id, len(rows), right,
                          right / len(rows) if rows else None, pearson(scores, rest), options,
                          rows[0].correct)
        stats.flags = flags(stats, min_sample)
        out.append(stats)
    return out


def flags(stats: ItemStats, min_sample: int = MIN_SAMPLE) -> list[str]:
    if stats.drawn < min_sample:
        return []
    found = []
    d = stats.discrimination
    if d is not None and d < 0:
        found.append(FLAG_NEGATIVE)
    elif d is not None and d < NEAR_ZERO:
        found.append(FLAG_LOW)
    key_counts = [stats.options.get(i, 0) for i in stats.key]
    if key_counts and any(n > min(key_counts) for i, n in stats.options.items()
                          if i not in stats.key):
        found.append(FLAG_DISTRACTOR)
    if stats.facility is not None and stats.facility > TOO_EASY:
        found.append(FLAG_EASY)
    if stats.facility is not None and stats.facility < TOO_HARD:
        found.append(FLAG_HARD)
    return found


# --- Regrading ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class CurrentKey:
    version_id: int
    option_count: int
    correct: frozenset[int]
    weight: int = 1


@dataclass(frozen=True)
class Regraded:
    attempt_id: int
    old_score: int
    new_score: int
    old_max: int
    new_max: int
    moved: tuple[tuple[int, int], ...]  # (item's question id, new version id)
    kept: tuple[int, ...]  # question ids whose current version could not be applied

    @property
    def changed(self) -> bool:
        return self.old_score != self.new_score or self.old_max != self.new_max


def regrade(attempt_id: int, old_score: int, old_max: int,
            items: Sequence[tuple[ItemResponse, int]], current: dict[int, CurrentKey]
            ) -> Regraded:
    """One attempt scored with the current keys. `items`: (response, option count of its
    version); `current`: question id -> its current approved version."""
    score = maximum = 0
    moved, kept = [], []
    for response, option_count in items:
        key = current.get(response.question_id)
        item = response
        if key is not None and key.version_id != response.version_id:
            if key.option_count == option_count:
                item = ItemResponse(response.attempt_id, response.question_id, key.version_id,
                                    response.option_order, response.chosen, key.correct,
                                    key.weight)
                moved.append((response.question_id, key.version_id))
            else:
                kept.append(response.question_id)
        score += item.points
        maximum += item.weight
    return Regraded(attempt_id, old_score, score, old_max, maximum, tuple(moved), tuple(kept))
