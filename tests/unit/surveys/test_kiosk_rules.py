"""Kiosk rules: who may run a kiosk, how long a session lasts, the per-kiosk pace."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from contest_app.surveys import rules

T0 = datetime(2026, 12, 3, 2, 0, tzinfo=UTC)


def test_only_organisers_and_the_secretariat_run_a_kiosk() -> None:
    assert rules.may_run_kiosk({"organiser"})
    assert rules.may_run_kiosk({"judge", "surveyor"})
    assert not rules.may_run_kiosk({"judge"})
    assert not rules.may_run_kiosk(set())


def test_a_kiosk_session_lasts_its_hours_and_ends_when_stopped() -> None:
    expires = rules.kiosk_expires_at(T0, 12)
    assert expires == T0 + timedelta(hours=12)
    assert rules.kiosk_expires_at(T0, 0) == T0 + timedelta(hours=1)
    assert rules.kiosk_active(T0 + timedelta(hours=11, minutes=59), expires, None)
    assert not rules.kiosk_active(expires, expires, None)
    assert not rules.kiosk_active(T0, expires, T0)


def test_the_per_kiosk_pace() -> None:
    assert rules.kiosk_wait_seconds(None, T0, 20) == 0
    assert rules.kiosk_wait_seconds(T0, T0 + timedelta(seconds=5), 20) == 15
    assert rules.kiosk_wait_seconds(T0, T0 + timedelta(seconds=19.5), 20) == 1
    assert rules.kiosk_wait_seconds(T0, T0 + timedelta(seconds=20), 20) == 0
    assert rules.kiosk_wait_seconds(T0, T0 + timedelta(minutes=5), 20) == 0
    assert rules.kiosk_wait_seconds(T0, T0 - timedelta(seconds=3), 20) == 20
    assert rules.kiosk_wait_seconds(T0, T0, 0) == 0
