"""Lock rules for a contest's joining settings and boards (issue 15, point 4)."""

from __future__ import annotations

from datetime import date

import pytest

from contest_app.participation import rules
from contest_app.participation.rules import EntrySettings

OPEN = EntrySettings(require_cccd=False, min_age=None, collect_birth_date=False)


def test_nothing_is_locked_before_anyone_joins() -> None:
    strict = EntrySettings(require_cccd=True, min_age=18, collect_birth_date=True)
    assert rules.locked_settings(OPEN, 0) == {}
    assert rules.refused_setting_changes(OPEN, strict, 0) == {}


def test_once_someone_joined_stricter_settings_are_refused() -> None:
    strict = EntrySettings(require_cccd=True, min_age=18, collect_birth_date=True)
    assert rules.refused_setting_changes(OPEN, strict, 1) == {
        "require_cccd": rules.ENTRIES_EXIST, "min_age": rules.ENTRIES_EXIST,
        "collect_birth_date": rules.ENTRIES_EXIST}
    assert set(rules.locked_settings(OPEN, 3)) == {"require_cccd", "min_age",
                                                   "collect_birth_date"}


@pytest.mark.parametrize(("current", "wanted", "refused"), [
    (16, 18, {"min_age"}),      # raised
    (16, 16, set()),            # unchanged
    (18, 16, set()),            # lowered: nobody loses eligibility
    (18, None, set()),          # removed
    (None, 14, {"min_age"}),    # set where there was none
])
def test_minimum_age_may_only_go_down_once_someone_joined(current, wanted, refused) -> None:
    before = EntrySettings(False, current, False)
    after = EntrySettings(False, wanted, False)
    assert set(rules.refused_setting_changes(before, after, 5)) == refused


def test_relaxing_is_allowed_and_requirements_already_on_are_not_locked() -> None:
    strict = EntrySettings(require_cccd=True, min_age=18, collect_birth_date=True)
    assert rules.refused_setting_changes(strict, OPEN, 10) == {}
    assert set(rules.locked_settings(strict, 10)) == {"min_age"}


def test_board_delete_problem_names_the_first_reference() -> None:
    assert rules.board_delete_problem(0, 0, 0) is None
    assert rules.board_delete_problem(2, 5, 1) == rules.HAS_MEMBERS
    assert rules.board_delete_problem(0, 5, 1) == rules.HAS_ATTEMPTS
    assert rules.board_delete_problem(0, 0, 1) == rules.HAS_RANKINGS


def test_first_board_refused_once_people_entered_without_boards() -> None:
    assert rules.board_add_problem(0, 0) is None
    assert rules.board_add_problem(0, 4) == rules.ENTRIES_EXIST
    assert rules.board_add_problem(2, 4) is None


def test_move_in_order_swaps_with_the_neighbour_and_stops_at_the_ends() -> None:
    assert rules.move_in_order([3, 1, 7], 1, -1) == [1, 3, 7]
    assert rules.move_in_order([3, 1, 7], 1, +1) == [3, 7, 1]
    assert rules.move_in_order([3, 1, 7], 3, -1) == [3, 1, 7]
    assert rules.move_in_order([3, 1, 7], 7, +1) == [3, 1, 7]
    with pytest.raises(ValueError):
        rules.move_in_order([3, 1, 7], 9, 1)


def test_collecting_the_date_of_birth_needs_one_without_a_minimum_age() -> None:
    today = date(2026, 12, 3)
    assert rules.eligibility_problems(None, False, None, False, today) == {}
    assert rules.eligibility_problems(None, False, None, False, today,
                                      collect_birth_date=True) == {
        "date_of_birth": rules.MISSING}
    assert rules.eligibility_problems(None, False, date(1990, 1, 1), False, today,
                                      collect_birth_date=True) == {}
    assert rules.needs_joining(False, None, False, collect_birth_date=True)
    assert not rules.needs_joining(False, None, False)
