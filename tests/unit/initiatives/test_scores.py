"""Review totals (weights, scales, normalised to 100) and aggregation (missing reviews, spread,
disagreement flag)."""

from __future__ import annotations

import pytest

from contest_app.initiatives.rules import (
    Criterion,
    InvalidScores,
    aggregate,
    rank_key,
    review_total,
    validate_scores,
)

RUBRIC = [Criterion(1, 30, 0, 10), Criterion(2, 20, 0, 10), Criterion(3, 50, 1, 5)]


def test_weighted_total_on_a_hundred_point_scale() -> None:
    # (30*8/10 + 20*5/10 + 50*4/5) / 100 * 100 = 24 + 10 + 40 = 74
    assert review_total(RUBRIC, {1: 8, 2: 5, 3: 4}) == 74.0


def test_full_and_lowest_marks() -> None:
    assert review_total(RUBRIC, {1: 10, 2: 10, 3: 5}) == 100.0
    assert review_total(RUBRIC, {1: 0, 2: 0, 3: 1}) == 10.0  # 1/5 of the 1–5 scale counts


def test_weights_matter_not_just_the_mean() -> None:
    heavy_first = [Criterion(1, 90, 0, 10), Criterion(2, 10, 0, 10)]
    assert review_total(heavy_first, {1: 10, 2: 0}) == 90.0
    assert review_total(heavy_first, {1: 0, 2: 10}) == 10.0


def test_missing_criterion_is_refused() -> None:
    with pytest.raises(InvalidScores) as err:
        review_total(RUBRIC, {1: 8, 3: 4})
    assert err.value.fields == {"2": "missing"}


def test_out_of_scale_is_refused() -> None:
    with pytest.raises(InvalidScores) as err:
        validate_scores(RUBRIC, {1: 11, 2: 5, 3: 0})
    assert err.value.fields == {"1": "out_of_range", "3": "out_of_range"}


def test_aggregate_means_submitted_reviews_and_reports_missing_ones() -> None:
    agg = aggregate([70.0, 80.0], expected=3)
    assert agg.score == 75.0 and agg.reviews == 2 and agg.missing == 1
    assert not agg.complete and agg.spread == 10.0 and not agg.disagreement


def test_no_review_gives_no_score_rather_than_zero() -> None:
    agg = aggregate([], expected=2)
    assert agg.score is None and agg.spread is None and agg.missing == 2 and not agg.complete


def test_large_spread_is_flagged() -> None:
    assert aggregate([50.0, 71.0], expected=2).disagreement
    assert not aggregate([50.0, 70.0], expected=2).disagreement  # exactly 20 is not "more"
    assert aggregate([50.0, 60.0], expected=2, threshold=5).disagreement


def test_single_review_has_no_spread() -> None:
    agg = aggregate([64.5], expected=1)
    assert agg.spread == 0.0 and agg.complete


def test_table_order_puts_unscored_last() -> None:
    rows = {1: aggregate([], 2), 2: aggregate([60.0], 2), 3: aggregate([90.0], 2)}
    assert sorted(rows, key=lambda i: rank_key(rows[i], i)) == [3, 2, 1]
