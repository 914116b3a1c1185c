"""Quiz rules in plain Python: drawing questions, timing, scoring, review permission.

Nothing here imports Flask or the database session; inputs are plain values and an explicit
`now`, so the rules are tested directly with hand-built cases."""

from __future__ import annotations

import random
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from ..domain import DomainError

# --- Errors -------------------------------------------------------------------------------


class RoundNotOpen(DomainError):
    code = "round_not_open"


class NoAttemptsLeft(DomainError):
    code = "no_attempts_left"


class AttemptClosed(DomainError):
    """The attempt was submitted, or its deadline has passed: nothing more is accepted."""

    code = "attempt_closed"


class InvalidOption(DomainError):
    code = "invalid_option"


PREDICTION_MAX = 100_000_000  # the largest prediction accepted (page form and API)


class BankTooSmall(DomainError):
    code = "bank_too_small"


class PracticePoolTooSmall(BankTooSmall):
    """A practice round's blueprint cannot be filled from the practice pool (never from the
    official one, whose keys a practice round would reveal)."""

    code = "practice_pool_too_small"


class BoardRequired(DomainError):
    code = "board_required"


class RoundLocked(DomainError):
    """A round's rules cannot change once an attempt exists (closing time excepted)."""

    code = "round_locked"


class RoundFrozen(DomainError):
    """A round whose ranking is published keeps its times and rules until it is withdrawn."""

    code = "round_frozen"


# --- Drawing ------------------------------------------------------------------------------

POOL_OFFICIAL = "official"
POOL_PRACTICE = "practice"


def pool_for_round(kind: str) -> str:
    """The pool a round draws from: practice rounds the practice pool, every other round the
    official pool. Nothing else (no blueprint line, no setting) chooses it."""
    return POOL_PRACTICE if kind == POOL_PRACTICE else POOL_OFFICIAL


@dataclass(frozen=True)
class Candidate:
    """An approved question's current version, as the draw sees it."""

    question_id: int
    version_id: int
    topic_id: int
    difficulty: str
    option_count: int
    multiple: bool = False
    pool: str = POOL_OFFICIAL
    group: str | None = None  # two questions of one group never share an attempt


@dataclass(frozen=True)
class BlueprintSpec:
    """Draw `count` questions of `topic_id` and `difficulty` (None means any)."""

    count: int
    topic_id: int | None = None
    difficulty: str | None = None

    def matches(self, c: Candidate) -> bool:
        return (self.topic_id is None or c.topic_id == self.topic_id) and (
            self.difficulty is None or c.difficulty == self.difficulty
        )

    @property
    def specificity(self) -> int:
        return (self.topic_id is not None) * 2 + (self.difficulty is not None)


@dataclass(frozen=True)
class DrawnItem:
    position: int
    question_id: int
    version_id: int
    option_order: tuple[int, ...]  # original option indexes in display order
    multiple: bool = False

    @property
    def option_count(self) -> int:
        return len(self.option_order)


def draw_questions(
    candidates: Sequence[Candidate],
    blueprint: Sequence[BlueprintSpec],
    seed: int,
    seen: Mapping[int, int] | None = None,
    pool: str = POOL_OFFICIAL,
) -> list[DrawnItem]:
    """Draw questions by the blueprint, shuffle their order and their options.

    Only candidates of `pool` are drawn (the round's pool, `pool_for_round`): they are filtered
    before any blueprint line is served, so no line can reach the other pool. Two questions of
    the same (non-empty) group never appear together: once one is picked, its siblings leave
    the pool of every later line. The same inputs and seed always give the same draw.
    Questions the participant has been shown before (`seen`: question id -> times shown) are
    avoided while the bank allows it; otherwise the least-seen come first. The most specific
    blueprint lines are served first so that a general line never takes a question a specific
    line needs. Raises BankTooSmall (PracticePoolTooSmall for the practice pool)."""
    rng = random.Random(seed)
    seen = seen or {}
    ordered = sorted(
        (c for c in candidates if c.pool == pool), key=lambda c: c.question_id
    )  # input order never matters
    too_small = PracticePoolTooSmall if pool == POOL_PRACTICE else BankTooSmall
    taken: set[int] = set()
    used_groups: set[str] = set()
    chosen: list[Candidate] = []
    lines = sorted(enumerate(blueprint), key=lambda pair: (-pair[1].specificity, pair[0]))
    for _, line in lines:
        if line.count <= 0:
            continue
        line_pool = [c for c in ordered if c.question_id not in taken
                     and not (c.group and c.group in used_groups) and line.matches(c)]
        # Questions of one group count once: at most one of them can be picked.
        available = len({("g", c.group) if c.group else ("q", c.question_id)
                         for c in line_pool})
        if available < line.count:
            raise too_small(
                f"blueprint line needs {line.count}, {pool} pool has {available}",
                needed=line.count,
                available=available,
                pool_size=len(ordered),
                topic_id=line.topic_id,
                difficulty=line.difficulty,
            )
        rng.shuffle(line_pool)
        line_pool.sort(key=lambda c: seen.get(c.question_id, 0))  # stable: random among equals
        picked: list[Candidate] = []
        for c in line_pool:
            if c.group:
                if c.group in used_groups:
                    continue
                used_groups.add(c.group)
            picked.append(c)
            if len(picked) == line.count:
                break
        taken.update(c.question_id for c in picked)
        chosen.extend(picked)
    rng.shuffle(chosen)
    items = []
    for position, c in enumerate(chosen, start=1):
        order = list(range(c.option_count))
        rng.shuffle(order)
        items.append(DrawnItem(position, c.question_id, c.version_id, tuple(order), c.multiple))
    return items


def pool_shortfall(
    candidates: Sequence[Candidate],
    blueprint: Sequence[BlueprintSpec],
    pool: str,
    seeds: Iterable[int] = range(1, 33),
) -> BankTooSmall | None:
    """Can the blueprint be filled from `pool`? None when it can, else the error a draw would
    raise. The draw is greedy and groups may make it depend on the seed, so a fixed sample of
    seeds is tried (deterministic; any failure counts). Without groups one draw decides."""
    if not any(c.group for c in candidates if c.pool == pool):
        seeds = [1]
    for seed in seeds:
        try:
            draw_questions(candidates, blueprint, seed, None, pool)
        except BankTooSmall as err:
            return err
    return None


def new_seed(rng: random.Random | None = None) -> int:
    return (rng or random.SystemRandom()).randrange(1, 2**31 - 1)


# --- Time ---------------------------------------------------------------------------------

ROUND_UPCOMING = "upcoming"
ROUND_OPEN = "open"
ROUND_CLOSED = "closed"


def round_status(now: datetime, opens_at: datetime | None, closes_at: datetime | None) -> str:
    """upcoming / open / closed; a missing bound means always open on that side."""
    if opens_at is not None and now < opens_at:
        return ROUND_UPCOMING
    if closes_at is not None and now >= closes_at:
        return ROUND_CLOSED
    return ROUND_OPEN


def attempt_deadline(
    started_at: datetime,
    time_limit_s: int,
    closes_at: datetime | None,
    extra_s: int = 0,
) -> datetime:
    """The server's deadline: start + limit + extra time, never after the round closes
    (extra time also extends that bound for the participant it was granted to)."""
    deadline = started_at + timedelta(seconds=time_limit_s + extra_s)
    if closes_at is not None:
        deadline = min(deadline, closes_at + timedelta(seconds=extra_s))
    return deadline


def effective_deadline(deadline: datetime, closes_at: datetime | None, extra_s: int = 0
                       ) -> datetime:
    """The deadline that is enforced: the attempt's own deadline, capped by the round's
    *current* closing time (plus the participant's extra time). A round ended early, or whose
    closing time was moved into the past, ends the attempts in it at that moment."""
    if closes_at is None:
        return deadline
    return min(deadline, closes_at + timedelta(seconds=extra_s))


def is_overdue(now: datetime, deadline: datetime, grace_s: int) -> bool:
    """True once the deadline plus the network grace has passed."""
    return now > deadline + timedelta(seconds=grace_s)


def accepts_answers(now: datetime, deadline: datetime, closes_at: datetime | None,
                    grace_s: int, extra_s: int = 0) -> bool:
    """May an attempt in progress still save or submit at `now`? Until its effective deadline
    plus the network grace (the save UPDATE checks the same inequality in SQL)."""
    return not is_overdue(now, effective_deadline(deadline, closes_at, extra_s), grace_s)


def remaining_seconds(now: datetime, deadline: datetime) -> int:
    return max(0, int((deadline - now).total_seconds()))


def duration_ms(started_at: datetime, ended_at: datetime) -> int:
    return max(0, int((ended_at - started_at) / timedelta(milliseconds=1)))


def attempts_left(max_attempts: int | None, used: int) -> int | None:
    """None means unlimited."""
    if max_attempts is None:
        return None
    return max(0, max_attempts - used)


# --- Scoring ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScoredItem:
    """One item to score: the display ids chosen, the display order and the key."""

    chosen: tuple[int, ...] | None  # 1-based display ids
    option_order: tuple[int, ...]
    correct: frozenset[int]  # original indexes
    weight: int = 1


def chosen_original(chosen: Iterable[int] | None, option_order: Sequence[int]) -> set[int]:
    """Map display ids (1-based) to original option indexes, ignoring ids out of range."""
    result = set()
    for display_id in chosen or ():
        if 1 <= display_id <= len(option_order):
            result.add(option_order[display_id - 1])
    return result


def display_ids(original: Iterable[int], option_order: Sequence[int]) -> list[int]:
    """Map original option indexes to the display ids of this attempt."""
    position = {orig: i + 1 for i, orig in enumerate(option_order)}
    return sorted(position[o] for o in original if o in position)


def item_points(item: ScoredItem) -> int:
    """Full weight when the chosen set is exactly the key (multiple answers included)."""
    picked = chosen_original(item.chosen, item.option_order)
    return item.weight if picked and picked == set(item.correct) else 0


@dataclass
class Score:
    points: list[int] = field(default_factory=list)
    max_score: int = 0

    @property
    def total(self) -> int:
        return sum(self.points)


def score_items(items: Sequence[ScoredItem]) -> Score:
    return Score(points=[item_points(i) for i in items], max_score=sum(i.weight for i in items))


# --- Review -------------------------------------------------------------------------------

REVEAL_AFTER_SUBMIT = "after_submit"
REVEAL_AFTER_CLOSE = "after_close"
REVEAL_NEVER = "never"


def review_allowed(
    reveal: str, finished: bool, now: datetime, closes_at: datetime | None
) -> bool:
    """May the participant see the key and explanations of a finished attempt?"""
    if not finished:
        return False
    if reveal == REVEAL_AFTER_SUBMIT:
        return True
    if reveal == REVEAL_AFTER_CLOSE:
        return closes_at is None or now >= closes_at
    return False


def is_option_id(value: object) -> bool:
    """Option ids are plain integers: never floats (`1.0`), strings (`"1"`) or booleans."""
    return type(value) is int


def validate_choice(option_ids: Sequence[int], option_count: int, multiple: bool) -> list[int]:
    """Check display ids for one question; returns them sorted and unique or raises."""
    if not all(is_option_id(i) for i in option_ids):
        raise InvalidOption("option ids must be integers", option_ids="type")
    ids = sorted(set(option_ids))
    if len(ids) != len(option_ids):
        raise InvalidOption("duplicate option", option_ids="duplicate")
    if any(not isinstance(i, int) or isinstance(i, bool) or i < 1 or i > option_count
           for i in ids):
        raise InvalidOption("option out of range", option_ids="out_of_range")
    if not multiple and len(ids) > 1:
        raise InvalidOption("single-answer question", option_ids="single")
    return ids


# --- Changing a round ----------------------------------------------------------------------

FROZEN_FIELDS = ("kind", "opens_at", "closes_at", "question_count", "time_limit_s",
                 "max_attempts", "counting", "reveal", "prediction_kind", "prediction_text",
                 "blueprint")


def check_round_change(changed: Sequence[str], has_attempts: bool, published: bool) -> None:
    """May these fields of a round change? Once its ranking is published, none of its times
    or rules (RoundFrozen, until the publication is withdrawn); once an attempt exists, only
    the closing time (RoundLocked). The title may always change."""
    if published:
        frozen = [f for f in changed if f in FROZEN_FIELDS]
        if frozen:
            raise RoundFrozen(fields=",".join(frozen))
    if has_attempts:
        locked = [f for f in changed if f in FROZEN_FIELDS and f != "closes_at"]
        if locked:
            raise RoundLocked(fields=",".join(locked))


# --- Weekly schedules ---------------------------------------------------------------------


def weekly_schedule(first_opens: datetime, first_closes: datetime, count: int
                    ) -> list[tuple[datetime, datetime]]:
    """`count` rounds a week apart, keeping the local wall-clock times of the first one.

    `first_opens` and `first_closes` are aware datetimes in the contest's time zone; each
    following round is the same local times 7, 14, … days later (calendar arithmetic, so
    month and year ends need no care)."""
    if count < 1 or first_closes <= first_opens:
        raise ValueError("invalid schedule")
    return [(first_opens + timedelta(weeks=i), first_closes + timedelta(weeks=i))
            for i in range(count)]


# --- What each board draws ----------------------------------------------------------------

DRAW_OWN = "own"        # the board's own blueprint lines
DRAW_SHARED = "shared"  # the "Mọi bảng" lines (board None), used by boards without own lines
DRAW_ANY = "any"        # no line applies: any `question_count` questions


@dataclass(frozen=True)
class BoardDraw:
    """How many questions an attempt of one board draws, and from which lines."""

    board_id: int | None  # None: the contest has no boards
    source: str
    total: int
    question_count: int

    @property
    def matches(self) -> bool:
        return self.total == self.question_count


def board_draws(lines: Sequence[tuple[int | None, int | None, str | None, int]],
                board_ids: Sequence[int], question_count: int) -> list[BoardDraw]:
    """Per board, what its attempts draw, as the draw does it: a board with at least one own
    line draws only its own lines; any other board draws the "Mọi bảng" lines; with neither,
    any `question_count` questions. Lines are (board, topic, difficulty, count)."""
    shared = sum(n for b, _t, _d, n in lines if b is None)
    has_shared = any(b is None for b, _t, _d, _n in lines)

    def fallback(board_id: int | None) -> BoardDraw:
        if has_shared:
            return BoardDraw(board_id, DRAW_SHARED, shared, question_count)
        return BoardDraw(board_id, DRAW_ANY, question_count, question_count)

    if not board_ids:
        return [fallback(None)]
    result = []
    for board_id in board_ids:
        own = [n for b, _t, _d, n in lines if b == board_id]
        result.append(BoardDraw(board_id, DRAW_OWN, sum(own), question_count) if own
                      else fallback(board_id))
    return result


def shared_lines_unused(lines: Sequence[tuple[int | None, int | None, str | None, int]],
                        board_ids: Sequence[int]) -> bool:
    """True when "Mọi bảng" lines exist but every board has its own lines (nobody draws
    them)."""
    if not board_ids or not any(b is None for b, _t, _d, _n in lines):
        return False
    with_own = {b for b, _t, _d, _n in lines if b is not None}
    return all(b in with_own for b in board_ids)


# --- Short links (/c/<slug>) -------------------------------------------------------------

SLUG_MAX_BASE = 60  # characters of the title kept; a collision suffix may follow
SLUG_FALLBACK = "cuoc-thi"
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def slug_base(title: str) -> str:
    """The title as ASCII a-z0-9 words joined by "-", without Vietnamese diacritics
    ("Tìm hiểu Luật Đất đai 2024" -> "tim-hieu-luat-dat-dai-2024"), cut at a word boundary
    to SLUG_MAX_BASE characters; SLUG_FALLBACK when nothing is left."""
    from ..accounts.rules import unaccent

    words = re.sub(r"[^a-z0-9]+", " ", unaccent(title)).split()
    slug = ""
    for word in words:
        candidate = f"{slug}-{word}" if slug else word
        if len(candidate) > SLUG_MAX_BASE:
            if not slug:
                slug = word[:SLUG_MAX_BASE]
            break
        slug = candidate
    return slug or SLUG_FALLBACK


def unique_slug(base: str, taken: Iterable[str]) -> str:
    """`base`, or the first of base-2, base-3, ... that is not taken."""
    used = set(taken)
    if base not in used:
        return base
    n = 2
    while f"{base}-{n}" in used:
        n += 1
    return f"{base}-{n}"
