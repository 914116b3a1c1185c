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


def test_co_authors_split_into_name_and_unit_at_the_first_comma() -> None:
    assert cycle.split_person("  Phạm  Thị Hoa ,  Sở Tư pháp, tỉnh X ") == (
        "Phạm Thị Hoa", "Sở Tư pháp, tỉnh X")
    assert cycle.split_person("Võ Văn Nam") == ("Võ Văn Nam", "")
    assert cycle.people("Tác Giả", "UBND xã A", ["B, Sở C", " , ", "D"]) == [
        (cycle.AUTHOR, "Tác Giả", "UBND xã A"), (cycle.CO_AUTHOR, "B", "Sở C"),
        (cycle.CO_AUTHOR, "D", "")]


def test_shortfalls_list_the_furthest_behind_first() -> None:
    expected = {1: "Sở B", 2: "Sở A", 3: "Sở C", 4: "Sở D"}
    counts = {1: 1, 2: 1, 3: 3, 5: 9}
    assert cycle.shortfalls(expected, counts, 3) == [
        (4, "Sở D", 0, 3), (2, "Sở A", 1, 2), (1, "Sở B", 1, 2)]
    assert cycle.shortfalls(expected, counts, None) == []


def test_quota_bounds() -> None:
    assert cycle.check_quota(None) is None and cycle.check_quota(5) == 5
    for bad in (0, -1, 1001):
        with pytest.raises(ValidationFailed):
            cycle.check_quota(bad)
