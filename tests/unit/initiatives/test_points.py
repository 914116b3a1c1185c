"""Scoring in points as contest rules are written: maxima, half points, bands, the sum, and
when a third judge is needed."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from contest_app.initiatives import scoring
from contest_app.initiatives.rules import InvalidScores
from contest_app.initiatives.scoring import (
    Band,
    InvalidBands,
    PointsCriterion,
    band_for,
    bands_text,
    check_bands,
    extra_judge_status,
    parse_bands,
    parse_number,
    pick_extra_judge,
    point_problem,
    points_total,
    rubric_max,
    scale_problem,
    validate_points,
)

RUBRIC = [PointsCriterion(1, 30), PointsCriterion(2, 25), PointsCriterion(3, 30),
          PointsCriterion(4, 15)]


@pytest.mark.parametrize(("text", "value"), [
    ("6,5", Decimal("6.5")), ("6.5", Decimal("6.5")), (" 27 ", Decimal(27)), ("0", Decimal(0)),
    ("-1", Decimal(-1)), ("", None), (None, None), ("sáu", None), ("6,5,1", None), ("1e3", None),
])
def test_numbers_as_judges_type_them(text, value) -> None:
    assert parse_number(text) == value


@pytest.mark.parametrize(("value", "reason"), [
    (Decimal("6.5"), None), (0, None), (30, None), (Decimal("29.5"), None),
    (Decimal("6.3"), scoring.OFF_GRID), (Decimal("6.25"), scoring.OFF_GRID),
    (Decimal("30.5"), scoring.ABOVE_MAX), (31, scoring.ABOVE_MAX), (-1, scoring.NEGATIVE),
    (Decimal("-0.5"), scoring.NEGATIVE),
])
def test_point_problems(value, reason) -> None:
    assert point_problem(value, 30) == reason


@given(st.integers(min_value=1, max_value=200), st.data())
def test_every_half_point_up_to_the_maximum_is_valid(maximum, data) -> None:
    halves = data.draw(st.integers(min_value=0, max_value=2 * maximum))
    assert point_problem(Decimal(halves) / 2, maximum) is None
    assert point_problem(Decimal(halves) / 2 + Decimal("0.1"), maximum + 1) == scoring.OFF_GRID
    assert point_problem(Decimal(maximum) + Decimal("0.5"), maximum) == scoring.ABOVE_MAX


def test_total_is_the_sum_out_of_the_rubric_total() -> None:
    assert rubric_max(RUBRIC) == 100
    assert points_total(RUBRIC, {1: Decimal("27.5"), 2: 20, 3: Decimal("6.5"), 4: 15}) == 69.0
    assert points_total(RUBRIC, {1: 30, 2: 25, 3: 30, 4: 15}) == 100.0


@given(st.lists(st.integers(min_value=1, max_value=50), min_size=1, max_size=8), st.data())
def test_total_is_the_sum_and_never_above_the_maxima(maxima, data) -> None:
    criteria = [PointsCriterion(i, m) for i, m in enumerate(maxima)]
    scores = {c.id: Decimal(data.draw(st.integers(0, 2 * c.max_points))) / 2 for c in criteria}
    total = points_total(criteria, scores)
    assert total == float(sum(scores.values()))
    assert 0 <= total <= rubric_max(criteria)


def test_refused_scores_name_each_criterion() -> None:
    with pytest.raises(InvalidScores) as err:
        validate_points(RUBRIC, {1: Decimal("6.3"), 2: 26, 3: None})
    assert err.value.fields == {"1": "off_grid", "2": "above_max", "3": "missing",
                                "4": "missing"}
    with pytest.raises(InvalidScores):
        points_total([], {})


def test_weighted_scales_take_whole_numbers() -> None:
    assert scale_problem(7, 0, 10) is None
    assert scale_problem(Decimal("6.5"), 0, 10) == scoring.NOT_INTEGER
    assert scale_problem(0, 1, 5) == scoring.OUT_OF_RANGE


NOVELTY = ("27–30: Hoàn toàn mới\n21-26: Cải tiến rõ rệt\n16 – 20 điểm: Trung bình\n\n"
           "1–15: Ít\n0: Sao chép")


def test_bands_as_rules_print_them() -> None:
    bands = check_bands(parse_bands(NOVELTY), 30)
    assert bands == (Band(27, 30, "Hoàn toàn mới"), Band(21, 26, "Cải tiến rõ rệt"),
                     Band(16, 20, "Trung bình"), Band(1, 15, "Ít"), Band(0, 0, "Sao chép"))
    assert band_for(bands, Decimal("27.5")).label == "Hoàn toàn mới"
    assert band_for(bands, 0).label == "Sao chép"
    assert band_for(bands, Decimal("26.5")) is None  # between bands
    assert band_for(bands, None) is None
    assert parse_bands(bands_text(bands)) == bands


@pytest.mark.parametrize(("text", "reason"), [
    ("hai mươi: tốt", "unreadable"), ("27–30", "no_label"), ("27–30:", "no_label"),
])
def test_unreadable_bands(text, reason) -> None:
    with pytest.raises(InvalidBands) as err:
        parse_bands(text)
    assert err.value.fields["reason"] == reason and err.value.fields["line"] == 1


@pytest.mark.parametrize(("bands", "reason"), [
    ([Band(20, 10, "a")], "order"), ([Band(25, 31, "a")], "range"),
    ([Band(20, 30, "a"), Band(10, 20, "b")], "overlap"),
])
def test_bands_must_fit_the_maximum(bands, reason) -> None:
    with pytest.raises(InvalidBands) as err:
        check_bands(bands, 30)
    assert err.value.fields["reason"] == reason


@given(st.lists(st.tuples(st.integers(0, 60), st.integers(0, 60)), max_size=6))
def test_checked_bands_never_overlap(pairs) -> None:
    bands = [Band(min(a, b), max(a, b), f"m{i}") for i, (a, b) in enumerate(pairs)]
    try:
        ordered = check_bands(bands, 60)
    except InvalidBands:
        return
    for value in range(61):
        assert sum(b.low <= value <= b.high for b in ordered) <= 1


@pytest.mark.parametrize(("totals", "assigned", "per", "gap", "status"), [
    ([], 2, 2, 20, "none"),
    ([80], 2, 2, 20, "none"),
    ([80, 61], 2, 2, 20, "none"),           # a gap of 19 is within 20
    ([80, 60], 2, 2, 20, "none"),           # exactly the gap: not more than it
    ([80, 59.5], 2, 2, 20, "needed"),
    ([80, 59.5], 3, 2, 20, "pending"),      # the extra judge is on it
    ([80, 59.5, 70], 3, 2, 20, "done"),     # their review is in: mean of all three
    ([80, 50], 3, 3, 20, "pending"),        # the call's own third judge has not reviewed
    ([80, 50, 65], 3, 3, 20, "needed"),
    ([80, 10], 2, 2, None, "none"),         # the call never asks for a third judge
])
def test_when_another_judge_is_needed(totals, assigned, per, gap, status) -> None:
    assert extra_judge_status(totals, assigned, per, gap) == status


def test_extra_judge_has_fewest_assignments_ties_to_lower_id() -> None:
    assert pick_extra_judge([5, 3, 9], {5: 1, 3: 2, 9: 1}) == 5
    assert pick_extra_judge([9, 5], {}) == 5
    assert pick_extra_judge([], {1: 0}) is None
