"""The login-failure delay: none before the fifth failure, 30 s doubling, capped at 15 min."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from contest_app.accounts.rules import (
    FAILURE_MEMORY_SECONDS,
    LOCK_MAX_SECONDS,
    failures_so_far,
    lock_seconds,
    seconds_until,
)

NOW = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)


def test_no_delay_before_the_fifth_failure() -> None:
    assert [lock_seconds(n) for n in range(5)] == [0, 0, 0, 0, 0]


def test_delay_doubles_from_thirty_seconds_and_is_capped() -> None:
    assert [lock_seconds(n) for n in range(5, 12)] == [30, 60, 120, 240, 480, 900, 900]
    assert lock_seconds(10_000) == LOCK_MAX_SECONDS


def test_custom_threshold_and_delays() -> None:
    assert lock_seconds(2, after=3, first=10, cap=100) == 0
    assert [lock_seconds(n, after=3, first=10, cap=100) for n in (3, 4, 5, 6, 7)] == [
        10, 20, 40, 80, 100]


@given(st.integers(min_value=-10, max_value=10**9))
def test_delay_is_bounded_and_never_shrinks(failures: int) -> None:
    delay = lock_seconds(failures)
    assert 0 <= delay <= LOCK_MAX_SECONDS
    assert lock_seconds(failures + 1) >= delay


def test_failures_are_remembered_for_a_day() -> None:
    assert failures_so_far(4, NOW - timedelta(hours=23), NOW) == 4
    assert failures_so_far(4, NOW - timedelta(seconds=FAILURE_MEMORY_SECONDS), NOW) == 0
    assert failures_so_far(4, None, NOW) == 0
    assert failures_so_far(-3, NOW, NOW) == 0


def test_seconds_until_rounds_up_and_is_never_negative() -> None:
    assert seconds_until(NOW + timedelta(seconds=29.2), NOW) == 30
    assert seconds_until(NOW + timedelta(seconds=30), NOW) == 30
    assert seconds_until(NOW - timedelta(seconds=5), NOW) == 0
    assert seconds_until(None, NOW) == 0
