"""Scoring the way contest rules are written, in plain Python (no Flask, no database).

A call scores in one of two ways, chosen per rubric:

- 'points' (the default for new calls): each criterion has a maximum in points ("Tính mới:
  tối đa 30 điểm"), optionally with bands (27–30 "hoàn toàn mới", …) shown to the judge;
  judges enter points in steps of 0.5; a review's total is the sum of its points, out of the
  sum of the maxima (usually 100).
- 'weighted' (the earlier model): each criterion has a weight and a 0–10 or 1–5 scale; the
  total is the weighted mean of score/scale maximum, on 100 (`rules.review_total`).

Across judges, a submission's score is the mean of all completed reviews (`rules.aggregate`),
including any extra judge's asked for when two judges differ by more than the call's
third-judge gap (`extra_judge_status`)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from ..domain import DomainError
from .rules import InvalidScores

POINTS = "points"
WEIGHTED = "weighted"
SCORING_MODES = (POINTS, WEIGHTED)
STEP = Decimal("0.5")
MAX_POINTS_LIMIT = 1000

# Reasons a value entered by a judge is refused (each has its own Vietnamese message).
MISSING = "missing"
NOT_A_NUMBER = "not_a_number"
NEGATIVE = "negative"
ABOVE_MAX = "above_max"
OFF_GRID = "off_grid"
NOT_INTEGER = "not_integer"
OUT_OF_RANGE = "out_of_range"


class InvalidBands(DomainError):
    """A criterion's bands cannot be read or do not fit its maximum."""

    code = "initiative_invalid_bands"


@dataclass(frozen=True)
class Band:
    """Points from `low` to `high` (inclusive) described as `label` ("hoàn toàn mới")."""

    low: float
    high: float
    label: str


@dataclass(frozen=True)
class PointsCriterion:
    id: int
    max_points: int
    bands: tuple[Band, ...] = ()


# --- Entered values -------------------------------------------------------------------------


def parse_number(text: str | None) -> Decimal | None:
    """A number as Vietnamese judges type it: "6,5" or "6.5" (and "-1" to be refused later);
    None for an empty or unreadable entry."""
    text = (text or "").strip().replace(" ", "")
    if not re.fullmatch(r"-?\d{1,6}([.,]\d{1,6})?", text):
        return None
    try:
        return Decimal(text.replace(",", "."))
    except InvalidOperation:  # pragma: no cover - the pattern only lets numbers through
        return None


def point_problem(value: Decimal | float | int, maximum: int) -> str | None:
    """Why `value` is not a valid score for a criterion out of `maximum` points, or None:
    'negative', 'above_max' or 'off_grid' (not a multiple of 0.5)."""
    value = Decimal(str(value))
    if value < 0:
        return NEGATIVE
    if value > maximum:
        return ABOVE_MAX
    if value % STEP != 0:
        return OFF_GRID
    return None


def scale_problem(value: Decimal | float | int, low: int, high: int) -> str | None:
    """Why `value` is not a valid score on a weighted criterion's whole-number scale."""
    value = Decimal(str(value))
    if value != value.to_integral_value():
        return NOT_INTEGER
    if not low <= value <= high:
        return OUT_OF_RANGE
    return None


def validate_points(criteria: Sequence[PointsCriterion],
                    scores: Mapping[int, float | Decimal | None]) -> None:
    """Every criterion scored, each a multiple of 0.5 from 0 to its maximum; raises
    InvalidScores with one reason per refused criterion."""
    problems: dict[str, str] = {}
    for c in criteria:
        value = scores.get(c.id)
        reason = MISSING if value is None else point_problem(value, c.max_points)
        if reason:
            problems[str(c.id)] = reason
    if problems:
        raise InvalidScores(**problems)


def points_total(criteria: Sequence[PointsCriterion],
                 scores: Mapping[int, float | Decimal]) -> float:
    """The sum of a review's points (validated first)."""
    if not criteria:
        raise InvalidScores(rubric="empty")
    validate_points(criteria, scores)
    return float(sum(Decimal(str(scores[c.id])) for c in criteria))


def rubric_max(criteria: Sequence[PointsCriterion]) -> int:
    """What a review totals at most: the sum of the maxima (100 in most rules)."""
    return sum(c.max_points for c in criteria)


# --- Bands ----------------------------------------------------------------------------------

_BAND_LINE = re.compile(
    r"^\s*(?P<low>\d+(?:[.,]\d+)?)\s*(?:[-–—]|đến)\s*(?P<high>\d+(?:[.,]\d+)?)\s*"
    r"(?:điểm)?\s*[:.)–—-]?\s*(?P<label>.*?)\s*$|"
    r"^\s*(?P<only>\d+(?:[.,]\d+)?)\s*(?:điểm)?\s*[:.)–—-]?\s*(?P<label1>.*?)\s*$")


def parse_bands(text: str | None) -> tuple[Band, ...]:
    """Bands written one a line, as rules print them: "27–30: hoàn toàn mới", "0: sao chép".
    Raises InvalidBands(line=<number>, reason='unreadable' | 'no_label')."""
    bands = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        match = _BAND_LINE.match(line)
        if match is None:
            raise InvalidBands(line=number, reason="unreadable")
        if match.group("only") is not None:
            low = high = float(match.group("only").replace(",", "."))
            label = match.group("label1")
        else:
            low = float(match.group("low").replace(",", "."))
            high = float(match.group("high").replace(",", "."))
            label = match.group("label")
        if not label:
            raise InvalidBands(line=number, reason="no_label")
        bands.append(Band(low, high, label[:200]))
    return tuple(bands)


def check_bands(bands: Sequence[Band], maximum: int) -> tuple[Band, ...]:
    """The bands sorted from the highest, after checking each lies within 0..maximum with
    low ≤ high and none overlaps another; raises InvalidBands(reason='order' | 'range' |
    'overlap', band=<label>)."""
    for band in bands:
        if band.low > band.high:
            raise InvalidBands(reason="order", band=band.label)
        if band.low < 0 or band.high > maximum:
            raise InvalidBands(reason="range", band=band.label)
    ordered = sorted(bands, key=lambda b: (-b.high, -b.low))
    for higher, lower in zip(ordered, ordered[1:], strict=False):
        if lower.high >= higher.low:
            raise InvalidBands(reason="overlap", band=lower.label)
    return tuple(ordered)


def band_for(bands: Sequence[Band], value: float | Decimal | None) -> Band | None:
    """The band a score falls in (None between bands or without a score)."""
    if value is None:
        return None
    value = float(value)
    return next((b for b in bands if b.low <= value <= b.high), None)


def bands_text(bands: Sequence[Band]) -> str:
    """Bands written back the way `parse_bands` reads them."""
    def num(x: float) -> str:
        return f"{x:g}".replace(".", ",")
    return "\n".join(f"{num(b.low)}: {b.label}" if b.low == b.high
                     else f"{num(b.low)}–{num(b.high)}: {b.label}" for b in bands)


def bands_to_json(bands: Sequence[Band]) -> list[list]:
    return [[b.low, b.high, b.label] for b in bands]


def bands_from_json(rows) -> tuple[Band, ...]:
    return tuple(Band(float(low), float(high), str(label)) for low, high, label in rows or [])


# --- A third judge --------------------------------------------------------------------------

NO_EXTRA = "none"          # judges agree (or too few reviews to compare)
EXTRA_NEEDED = "needed"    # two judges differ by more than the gap, all assigned have reviewed
EXTRA_PENDING = "pending"  # they differ, and a review is still expected from an assigned judge
EXTRA_DONE = "done"        # they differ, and more reviews than the call asks for are in


def extra_judge_status(totals: Sequence[float], assigned: int, per_submission: int,
                       gap: float | None) -> str:
    """Whether a submission needs another judge: when some two completed reviews differ by
    more than `gap` points (None: the call never asks for one). While an assigned judge has
    not reviewed it is 'pending'; once more reviews than `per_submission` are in it is
    'done' (the score is then the mean of all completed reviews)."""
    if gap is None or len(totals) < 2 or max(totals) - min(totals) <= gap:
        return NO_EXTRA
    if len(totals) > per_submission:
        return EXTRA_DONE
    if assigned > len(totals):
        return EXTRA_PENDING
    return EXTRA_NEEDED


def pick_extra_judge(eligible: Sequence[int], loads: Mapping[int, int]) -> int | None:
    """The eligible judge with the fewest assignments (ties to the lower id), or None."""
    if not eligible:
        return None
    return min(eligible, key=lambda j: (loads.get(j, 0), j))


class ExtraJudgeNotNeeded(DomainError):
    """The organiser asked for another judge where none is needed."""

    code = "initiative_extra_judge_not_needed"
