"""What authors see, what they may still change, decisions and publication rules."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from contest_app.initiatives import rules

NOW = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)
LATER = NOW + timedelta(days=1)


@pytest.mark.parametrize(("state", "decision", "now", "reviewing", "published", "shown"), [
    ("draft", None, NOW, False, False, "draft"),
    ("withdrawn", None, NOW, False, False, "withdrawn"),
    ("submitted", None, NOW, False, False, "submitted"),
    ("submitted", None, LATER, False, False, "under_review"),  # the deadline passed
    ("submitted", None, NOW, True, False, "under_review"),  # judges at work
    ("submitted", "awarded", LATER, True, False, "under_review"),  # decided, not published
    ("submitted", "rejected", LATER, True, False, "under_review"),
    ("submitted", "awarded", LATER, True, True, "awarded"),
    ("submitted", "accepted", LATER, True, True, "accepted"),
    ("submitted", "rejected", LATER, True, True, "rejected"),
])
def test_shown_status_hides_decisions_until_published(state, decision, now, reviewing,
                                                      published, shown) -> None:
    assert rules.shown_status(state, decision, now, NOW + timedelta(hours=12), reviewing,
                              published) == shown


def test_timeline_marks_steps() -> None:
    assert rules.timeline("under_review") == [
        ("draft", "done"), ("submitted", "done"), ("under_review", "current"),
        ("decided", "todo")]
    assert rules.timeline("awarded")[-1] == ("awarded", "current")
    assert rules.timeline("withdrawn") == [("draft", "done"), ("withdrawn", "current")]


def test_editable_until_the_deadline_by_the_server_clock() -> None:
    rules.ensure_editable("submitted", NOW, LATER, reviewed=False, decided=False)
    with pytest.raises(rules.CallClosed):
        rules.ensure_editable("submitted", LATER, LATER, reviewed=False, decided=False)


def test_not_editable_once_reviewed_or_decided() -> None:
    with pytest.raises(rules.InitiativeLocked):
        rules.ensure_editable("submitted", NOW, LATER, reviewed=True, decided=False)
    with pytest.raises(rules.InitiativeLocked):
        rules.ensure_editable("submitted", NOW, LATER, reviewed=False, decided=True)


def test_reviews_close_at_the_review_deadline_or_publication() -> None:
    rules.ensure_review_open(NOW, LATER, published=False)
    with pytest.raises(rules.ReviewClosed):
        rules.ensure_review_open(LATER, LATER, published=False)
    with pytest.raises(rules.ReviewClosed):
        rules.ensure_review_open(NOW, LATER, published=True)


def test_award_level_required_only_for_awards() -> None:
    assert rules.check_decision("awarded", "Giải Nhì") == "Giải Nhì"
    assert rules.check_decision("accepted", "Giải Nhì") is None
    with pytest.raises(rules.InvalidScores):
        rules.check_decision("awarded", None)
    with pytest.raises(rules.InvalidScores):
        rules.check_decision("maybe", None)


def test_publication_needs_every_decision_and_happens_once() -> None:
    rules.ensure_publishable([], published=False)
    with pytest.raises(rules.DecisionsMissing) as err:
        rules.ensure_publishable([4, 7], published=False)
    assert err.value.fields["count"] == 2
    with pytest.raises(rules.ResultsPublished):
        rules.ensure_publishable([], published=True)


def test_results_order_awards_first_then_accepted() -> None:
    rows = [("accepted", None, "A"), ("awarded", "Giải Ba", "B"), ("awarded", "Giải Nhất", "C"),
            ("awarded", "Giải Khuyến khích", "D")]
    ordered = sorted(rows, key=lambda r: rules.results_order(r[1], r[0], r[2]))
    assert [r[2] for r in ordered] == ["C", "B", "D", "A"]
