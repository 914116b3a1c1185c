from datetime import UTC, datetime

from contest_app import clock


def test_frozen_clock_moves_only_when_told() -> None:
    frozen = clock.FrozenClock(datetime(2026, 1, 1, tzinfo=UTC))
    previous = clock.set_clock(frozen)
    try:
        assert clock.now() == datetime(2026, 1, 1, tzinfo=UTC)
        frozen.advance(seconds=90)
        assert clock.now() == datetime(2026, 1, 1, 0, 1, 30, tzinfo=UTC)
    finally:
        clock.set_clock(previous)


def test_real_clock_is_timezone_aware() -> None:
    assert clock.Clock().now().tzinfo is not None
