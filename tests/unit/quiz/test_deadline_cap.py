"""The pure deadline rule: an attempt's deadline is capped by its round's closing time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from contest_app.quiz import rules

T0 = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)


def test_no_closing_time_keeps_the_deadline() -> None:
    assert rules.effective_deadline(T0, None) == T0


def test_closing_time_before_the_deadline_caps_it() -> None:
    assert rules.effective_deadline(T0, T0 - timedelta(minutes=5)) == T0 - timedelta(minutes=5)


def test_closing_time_after_the_deadline_changes_nothing() -> None:
    assert rules.effective_deadline(T0, T0 + timedelta(hours=1)) == T0


def test_extra_time_extends_the_cap() -> None:
    closes = T0 - timedelta(minutes=10)
    assert rules.effective_deadline(T0, closes, 300) == closes + timedelta(seconds=300)
    assert rules.effective_deadline(T0, closes, 3600) == T0


def test_accepts_answers_until_the_capped_deadline_plus_grace() -> None:
    closes = T0 - timedelta(minutes=10)
    assert rules.accepts_answers(closes + timedelta(seconds=5), T0, closes, 5)
    assert not rules.accepts_answers(closes + timedelta(seconds=6), T0, closes, 5)
    assert rules.accepts_answers(T0 + timedelta(seconds=5), T0, None, 5)
    assert not rules.accepts_answers(T0 + timedelta(seconds=6), T0, None, 5)


def test_round_change_rules() -> None:
    import pytest

    rules.check_round_change(["closes_at"], has_attempts=True, published=False)
    rules.check_round_change([], has_attempts=True, published=True)
    with pytest.raises(rules.RoundLocked):
        rules.check_round_change(["time_limit_s"], has_attempts=True, published=False)
    for field in ("closes_at", "opens_at", "time_limit_s", "blueprint"):
        with pytest.raises(rules.RoundFrozen):
            rules.check_round_change([field], has_attempts=False, published=True)


def test_option_ids_are_integers_only() -> None:
    import pytest

    assert rules.validate_choice([2, 1], 4, True) == [1, 2]
    for bad in ([1.0], ["1"], [True]):
        with pytest.raises(rules.InvalidOption):
            rules.validate_choice(bad, 4, True)
