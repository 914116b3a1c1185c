"""The one source of "now". Tests replace it to move time instead of sleeping."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


class Clock:
    """Wall clock in UTC; `FrozenClock` subclasses it for tests."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class FrozenClock(Clock):
    """A clock that only moves when told to."""

    def __init__(self, start: datetime | None = None) -> None:
        self._now = start or datetime(2026, 11, 25, 3, 0, tzinfo=UTC)

    def now(self) -> datetime:
        return self._now

    def set(self, when: datetime) -> None:
        self._now = when

    def advance(self, **kwargs: float) -> datetime:
        self._now = self._now + timedelta(**kwargs)
        return self._now


_clock: Clock = Clock()


def now() -> datetime:
    """Current time, timezone-aware UTC."""
    return _clock.now()


def set_clock(clock: Clock) -> Clock:
    """Install a clock (tests); returns the previous one."""
    global _clock
    previous, _clock = _clock, clock
    return previous
