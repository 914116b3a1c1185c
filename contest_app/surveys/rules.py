"""Survey rules in plain Python: opening window, editing locks, answer validation, the
satisfaction index and its breakdowns, distributions, the sample-size helper, and kiosk mode
(who may start it, how long it lasts, the per-kiosk pace).

Nothing here imports Flask or the database session."""

from __future__ import annotations

import hashlib
import math
import statistics
from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from ..accounts.rules import unaccent
from ..domain import DomainError
from ..parsing import parse_int

SCALE = "scale"
SINGLE = "single_choice"
MULTIPLE = "multiple_choice"
SHORT_TEXT = "short_text"
LONG_TEXT = "long_text"
NUMBER = "number"

SATISFIED_FROM = 4  # "Hài lòng" (4) and "Rất hài lòng" (5) on the 1..5 scale
TEXT_LIMITS = {SHORT_TEXT: 500, LONG_TEXT: 5000}
NUMBER_LIMIT = 1e12
DEFAULT_MARGIN = 0.05

STATUS_UPCOMING = "upcoming"
STATUS_OPEN = "open"
STATUS_CLOSED = "closed"
STATUS_DRAFT = "draft"  # not public until the organiser opens it

# --- Errors -------------------------------------------------------------------------------


class SurveyNotOpen(DomainError):
    """An answer outside the survey's opening and closing times."""

    code = "survey_not_open"


class AlreadyAnswered(DomainError):
    """This browser already answered the survey."""

    code = "survey_already_answered"


class QuestionLocked(DomainError):
    """The survey has responses: a question can be reworded, not removed or changed in type."""

    code = "survey_question_locked"


class SectionNotEmpty(DomainError):
    code = "survey_section_not_empty"


class KioskTooFast(DomainError):
    """A kiosk sent a second answer sooner than the per-kiosk interval allows."""

    code = "survey_kiosk_too_fast"

    def __init__(self, wait_seconds: int) -> None:
        super().__init__(wait=wait_seconds)
        self.wait_seconds = wait_seconds


# --- Kiosk mode -----------------------------------------------------------------------------

KIOSK_ROLES = frozenset({"organiser", "surveyor"})  # Ban tổ chức, Tổ thư ký
DEFAULT_KIOSK_HOURS = 12
DEFAULT_KIOSK_INTERVAL_SECONDS = 20


def may_run_kiosk(roles: Iterable[str]) -> bool:
    """Organisers and the secretariat (survey staff) may start and stop a kiosk."""
    return bool(KIOSK_ROLES.intersection(roles))


def kiosk_expires_at(started_at: datetime, hours: int) -> datetime:
    """When a kiosk session started at `started_at` ends by itself (at least one hour)."""
    return started_at + timedelta(hours=max(1, hours))


def kiosk_active(now: datetime, expires_at: datetime, ended_at: datetime | None) -> bool:
    return ended_at is None and now < expires_at


def kiosk_wait_seconds(last_answer_at: datetime | None, now: datetime, interval: int) -> int:
    """Whole seconds this kiosk must still wait before its next answer (0: it may send now).
    The first answer never waits; a clock that went backwards waits the full interval."""
    if last_answer_at is None or interval <= 0:
        return 0
    elapsed = (now - last_answer_at).total_seconds()
    if elapsed < 0:
        return interval
    return max(0, math.ceil(interval - elapsed))


# --- Window and edits -----------------------------------------------------------------------


def survey_status(now: datetime, opens_at: datetime, closes_at: datetime,
                  published: bool = True) -> str:
    """A draft until published; then open from `opens_at` (included) to `closes_at` (excluded)."""
    if not published:
        return STATUS_DRAFT
    if now < opens_at:
        return STATUS_UPCOMING
    if now >= closes_at:
        return STATUS_CLOSED
    return STATUS_OPEN


def check_open(now: datetime, opens_at: datetime, closes_at: datetime,
               published: bool = True) -> None:
    status = survey_status(now, opens_at, closes_at, published)
    if status != STATUS_OPEN:
        raise SurveyNotOpen(status=status)


def check_kind_change(has_responses: bool, old_kind: str, new_kind: str) -> None:
    if has_responses and old_kind != new_kind:
        raise QuestionLocked(kind="locked")


def check_removal(has_responses: bool) -> None:
    if has_responses:
        raise QuestionLocked(question="locked")


def token_hash(survey_id: int, token: str) -> str:
    """The stored form of a browser token: salted with the survey, never the token itself."""
    return hashlib.sha256(f"survey:{survey_id}:{token}".encode()).hexdigest()


# --- Answer validation ----------------------------------------------------------------------


@dataclass(frozen=True)
class QuestionSpec:
    """A question as answering sees it: only active questions and options are listed."""

    id: int
    kind: str
    required: bool
    option_ids: frozenset[int] = frozenset()


Clean = list[int] | str | float


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _blank(value: Any) -> bool:
    return value is None or value == [] or (isinstance(value, str) and not value.strip())


def clean_answer(spec: QuestionSpec, value: Any) -> tuple[Clean | None, str | None]:
    """(cleaned value, None) or (None, error code). Blank values clean to None."""
    if _blank(value):
        return None, None
    if spec.kind in (SCALE, SINGLE):
        if not _is_int(value):
            return None, "wrong_type"
        return ([value], None) if value in spec.option_ids else (None, "invalid_option")
    if spec.kind == MULTIPLE:
        if not isinstance(value, list) or not all(_is_int(v) for v in value):
            return None, "wrong_type"
        if len(set(value)) != len(value):
            return None, "duplicate_option"
        if not set(value) <= spec.option_ids:
            return None, "invalid_option"
        return sorted(value), None
    if spec.kind in TEXT_LIMITS:
        if not isinstance(value, str):
            return None, "wrong_type"
        text = value.strip()
        return (text, None) if len(text) <= TEXT_LIMITS[spec.kind] else (None, "too_long")
    if spec.kind == NUMBER:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return None, "wrong_type"
        number = float(value)
        if not math.isfinite(number) or abs(number) > NUMBER_LIMIT:
            return None, "out_of_range"
        return number, None
    return None, "wrong_type"


def validate_answers(
    questions: Sequence[QuestionSpec], raw: Mapping[str, Any], enforce_required: bool = True,
) -> tuple[dict[int, Clean], dict[str, str]]:
    """Check every answer against its question. Returns (answers by question id, errors by
    field "answers.<id>" as error codes, or "answers" for a response with no answer at all);
    the answers are only usable when there is no error."""
    by_id = {q.id: q for q in questions}
    cleaned: dict[int, Clean] = {}
    errors: dict[str, str] = {}
    for key, value in raw.items():
        qid = parse_int(key, 1) if isinstance(key, str) else None
        if qid is None or qid not in by_id:
            if not _blank(value):
                errors[f"answers.{key}"] = "unknown_question"
            continue
        clean, error = clean_answer(by_id[qid], value)
        if error:
            errors[f"answers.{qid}"] = error
        elif clean is not None:
            cleaned[qid] = clean
    if enforce_required:
        for q in questions:
            if q.required and q.id not in cleaned and f"answers.{q.id}" not in errors:
                errors[f"answers.{q.id}"] = "required"
    if not cleaned and not errors:
        errors["answers"] = "empty"
    return cleaned, errors


# --- Results --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Index:
    """Satisfied answers among answers to scale questions."""

    satisfied: int = 0
    total: int = 0

    @property
    def share(self) -> float | None:
        return self.satisfied / self.total if self.total else None

    @property
    def percent(self) -> float | None:
        return None if self.share is None else 100 * self.share

    def __add__(self, other: Index) -> Index:
        return Index(self.satisfied + other.satisfied, self.total + other.total)


def satisfaction_index(values: Iterable[int]) -> Index:
    """Share of "Hài lòng" (4) and "Rất hài lòng" (5) among scale answers valued 1..5."""
    satisfied = total = 0
    for value in values:
        total += 1
        satisfied += value >= SATISFIED_FROM
    return Index(satisfied, total)


@dataclass(frozen=True)
class ScaleAnswer:
    response_id: int
    section_id: int
    value: int


@dataclass
class IndexTable:
    """The index per aspect (section id) and overall (all scale answers pooled)."""

    by_section: dict[int, Index] = field(default_factory=dict)
    overall: Index = field(default_factory=Index)
    responses: int = 0


def index_table(answers: Iterable[ScaleAnswer]) -> IndexTable:
    values: dict[int, list[int]] = defaultdict(list)
    responses: set[int] = set()
    for a in answers:
        values[a.section_id].append(a.value)
        responses.add(a.response_id)
    by_section = {sid: satisfaction_index(v) for sid, v in values.items()}
    overall = sum(by_section.values(), Index())
    return IndexTable(by_section, overall, len(responses))


def breakdown(
    answers: Iterable[ScaleAnswer], group_of: Mapping[int, Hashable | None],
    response_ids: Iterable[int] = (),
) -> dict[Hashable | None, IndexTable]:
    """The index table per group (a response's unit, procedure, channel...). Responses with no
    group fall under None. `response_ids` lists every response so that groups whose responses
    answered no scale question are still counted."""
    grouped: dict[Hashable | None, list[ScaleAnswer]] = defaultdict(list)
    members: dict[Hashable | None, set[int]] = defaultdict(set)
    for rid in response_ids:
        members[group_of.get(rid)].add(rid)
    for a in answers:
        key = group_of.get(a.response_id)
        grouped[key].append(a)
        members[key].add(a.response_id)
    tables = {}
    for key in members:
        table = index_table(grouped.get(key, []))
        table.responses = len(members[key])
        tables[key] = table
    return tables


@dataclass(frozen=True)
class Distribution:
    """How often each option was chosen; `base` is the number of responses that answered, so
    multiple-choice percentages may add up to more than 100."""

    counts: dict[int, int]
    base: int

    def percent(self, option_id: int) -> float | None:
        return 100 * self.counts.get(option_id, 0) / self.base if self.base else None


def distribution(option_ids: Sequence[int], chosen: Iterable[Sequence[int]]) -> Distribution:
    counts = dict.fromkeys(option_ids, 0)
    base = 0
    for picks in chosen:
        if not picks:
            continue
        base += 1
        for oid in set(picks):
            counts[oid] = counts.get(oid, 0) + 1
    return Distribution(counts, base)


@dataclass(frozen=True)
class NumberSummary:
    count: int
    mean: float | None
    median: float | None
    minimum: float | None
    maximum: float | None


def number_summary(values: Iterable[float]) -> NumberSummary:
    data = list(values)
    if not data:
        return NumberSummary(0, None, None, None, None)
    return NumberSummary(len(data), statistics.fmean(data), statistics.median(data),
                         min(data), max(data))


# --- Sample size ----------------------------------------------------------------------------


def sample_size(population: int, margin: float = DEFAULT_MARGIN) -> int:
    """Yamane's n = N / (1 + N·e²), rounded up: responses needed for a population N."""
    if population < 1:
        raise ValueError("population must be at least 1")
    if not 0 < margin < 1:
        raise ValueError("margin must be between 0 and 1")
    n = population / (1 + population * margin * margin)
    return math.ceil(round(n, 9))


@dataclass(frozen=True)
class SampleProgress:
    population: int
    needed: int
    have: int

    @property
    def missing(self) -> int:
        return max(0, self.needed - self.have)

    @property
    def percent(self) -> float:
        return min(100.0, 100 * self.have / self.needed)

    @property
    def reached(self) -> bool:
        return self.have >= self.needed


def sample_progress(population: int, have: int, margin: float = DEFAULT_MARGIN) -> SampleProgress:
    return SampleProgress(population, sample_size(population, margin), have)


# --- Free text ------------------------------------------------------------------------------


def text_matches(query: str, text: str) -> bool:
    """Diacritics- and case-insensitive containment ("hai long" finds "Hài lòng")."""
    needle = unaccent(query)
    return not needle or needle in unaccent(text)
