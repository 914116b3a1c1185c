"""Item analysis and regrading rules against small hand-computed examples."""

from __future__ import annotations

import math

import pytest

from contest_app.quiz import statistics as st


def response(attempt: int, question: int, right: bool, chosen_original: int | None = None,
             key: int = 0, version: int | None = None) -> st.ItemResponse:
    """Options shown in their original order (display id = original index + 1)."""
    pick = key if right else (chosen_original if chosen_original is not None else (key + 1) % 4)
    return st.ItemResponse(attempt, question, version or question * 10, (0, 1, 2, 3),
                           (pick + 1,), frozenset({key}))


def test_facility_and_discrimination_by_hand() -> None:
    # Three items over four attempts: X [1,1,1,0], Y [1,1,0,0], Z [1,0,0,0].
    grid = {1: [1, 1, 1, 0], 2: [1, 1, 0, 0], 3: [1, 0, 0, 0]}
    rows = [response(a + 1, q, bool(v)) for q, values in grid.items()
            for a, v in enumerate(values)]
    stats = {s.question_id: s for s in st.item_statistics(rows, {10: 4, 20: 4, 30: 4},
                                                        min_sample=1)}
    x = stats[1]
    assert (x.drawn, x.correct, x.facility) == (4, 3, 0.75)
    # Totals [3,2,1,0]; rest of X = [2,1,0,0]; r = 0.75 / sqrt(0.75 * 2.75).
    assert x.discrimination == pytest.approx(0.75 / math.sqrt(0.75 * 2.75))
    assert stats[3].facility == 0.25
    assert x.flags == []


def test_pearson_is_none_for_a_constant_series() -> None:
    assert st.pearson([1, 1, 1], [3, 2, 1]) is None
    assert st.pearson([1], [1]) is None
    assert st.pearson([0, 1], [0, 1]) == pytest.approx(1.0)


def test_flags_catch_a_wrong_key() -> None:
    # The best attempts all choose C (index 2) on question 1 while its key says A.
    rows = []
    for a in range(1, 21):
        strong = a <= 12
        rows.append(response(a, 1, right=not strong, chosen_original=2))
        for q in (2, 3, 4):
            rows.append(response(a, q, right=strong or q == 2))
    stats = {s.question_id: s for s in st.item_statistics(rows, {10: 4, 20: 4, 30: 4, 40: 4})}
    wrong = stats[1]
    assert wrong.discrimination is not None and wrong.discrimination < 0
    assert st.FLAG_NEGATIVE in wrong.flags and st.FLAG_DISTRACTOR in wrong.flags
    assert wrong.options == {0: 8, 1: 0, 2: 12, 3: 0}
    assert stats[2].flags == [st.FLAG_EASY]  # everybody right, discrimination undefined


def test_no_flags_below_the_minimum_sample() -> None:
    rows = [response(1, 1, right=False, chosen_original=2), response(2, 1, right=False,
                                                                      chosen_original=2)]
    assert st.item_statistics(rows, {10: 4})[0].flags == []


def test_regrade_moves_items_to_the_corrected_key() -> None:
    wrong_key = st.ItemResponse(1, 7, 70, (2, 0, 1, 3), (1,), frozenset({0}))  # chose orig 2
    other = st.ItemResponse(1, 8, 80, (0, 1, 2, 3), (1,), frozenset({0}))  # right
    fixed = {7: st.CurrentKey(71, 4, frozenset({2})), 8: st.CurrentKey(80, 4, frozenset({0}))}
    result = st.regrade(1, 1, 2, [(wrong_key, 4), (other, 4)], fixed)
    assert (result.old_score, result.new_score, result.new_max) == (1, 2, 2)
    assert result.moved == ((7, 71),) and result.kept == () and result.changed


def test_regrade_keeps_a_version_with_other_options() -> None:
    item = st.ItemResponse(1, 7, 70, (0, 1, 2, 3), (2,), frozenset({0}))
    result = st.regrade(1, 0, 1, [(item, 4)], {7: st.CurrentKey(71, 5, frozenset({1}))})
    assert result.kept == (7,) and result.moved == () and not result.changed
