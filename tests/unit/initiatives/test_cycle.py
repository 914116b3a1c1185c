"""The call's cycle in plain rules: when submissions are taken, how a call is reopened."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from contest_app.domain import ValidationFailed
from contest_app.initiatives import cycle, rules

NOW = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)


def test_submissions_close_at_the_deadline_and_on_publication() -> None:
    later = NOW + timedelta(days=1)
    assert cycle.submissions_open(NOW, later, published=False)
    assert not cycle.submissions_open(NOW, NOW, published=False)
    assert not cycle.submissions_open(NOW, later, published=True)
    with pytest.raises(cycle.CallResultsPublished):
        cycle.ensure_submissions_open(NOW, later, True)
    with pytest.raises(rules.CallClosed) as closed:
        cycle.ensure_submissions_open(NOW, NOW - timedelta(seconds=1), False)
    assert closed.value.code == "initiative_call_closed"
    cycle.ensure_submissions_open(NOW, later, False)


def test_reopen_needs_future_ordered_deadlines_and_a_reason() -> None:
    day = timedelta(days=1)
    cycle.check_reopen(NOW, NOW + day, NOW + 2 * day, "Gia hạn")
    with pytest.raises(ValidationFailed) as err:
        cycle.check_reopen(NOW, NOW, NOW + day, " ")
    assert err.value.fields == {"submission_deadline": "past", "reason": "required"}
    with pytest.raises(ValidationFailed) as err:
        cycle.check_reopen(NOW, NOW + day, NOW + day, "x")
    assert err.value.fields == {"review_deadline": "before_submission"}
    with pytest.raises(ValidationFailed) as err:
        cycle.check_reopen(NOW, None, None, "x")
    assert err.value.fields == {"submission_deadline": "required", "review_deadline": "required"}
