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


RANKED = [(1, 90.0), (2, 80.0), (3, 80.0), (4, 60.0), (5, None), (6, 95.5)]


def test_top_n_keeps_ties_with_the_last_promoted() -> None:
    assert cycle.select_finalists(RANKED, cycle.TOP_N, 1) == [6]
    assert cycle.select_finalists(RANKED, cycle.TOP_N, 3) == [6, 1, 2, 3]
    assert cycle.select_finalists(RANKED, cycle.TOP_N, 4) == [6, 1, 2, 3]
    assert cycle.select_finalists(RANKED, cycle.TOP_N, 50) == [6, 1, 2, 3, 4]  # never unscored
    for bad in (0, 2.5):
        with pytest.raises(ValidationFailed):
            cycle.select_finalists(RANKED, cycle.TOP_N, bad)


def test_threshold_promotes_every_score_at_or_above_it() -> None:
    assert cycle.select_finalists(RANKED, cycle.THRESHOLD, 80) == [6, 1, 2, 3]
    assert cycle.select_finalists(RANKED, cycle.THRESHOLD, 99) == []
    with pytest.raises(ValidationFailed):
        cycle.select_finalists(RANKED, cycle.THRESHOLD, 101)
    with pytest.raises(ValidationFailed):
        cycle.select_finalists(RANKED, "random", 3)


def test_timer_from_the_server_start_and_pauses() -> None:
    started = NOW - timedelta(minutes=3)
    assert cycle.timer_elapsed(NOW, started, 120) == 300
    assert cycle.timer_elapsed(NOW, None, 120) == 120
    assert cycle.timer_elapsed(NOW, NOW + timedelta(seconds=5), 0) == 0  # never negative
    assert cycle.timer_phase(0, 600, 300, started=False) == (cycle.NOT_STARTED, 600)
    assert cycle.timer_phase(0, 600, 300, started=True) == (cycle.PRESENTATION, 600)
    assert cycle.timer_phase(599, 600, 300, True) == (cycle.PRESENTATION, 1)
    assert cycle.timer_phase(600, 600, 300, True) == (cycle.QUESTIONS, 300)
    assert cycle.timer_phase(900, 600, 300, False) == (cycle.OVER, 0)
    assert cycle.timer_phase(700, 600, 0, True) == (cycle.OVER, 0)


def test_combined_result_weights_both_rounds() -> None:
    assert cycle.combined_score(90, 80, 30, 70) == 83.0
    assert cycle.combined_score(90, 70, 3, 7) == 76.0  # weights need not sum to 100
    assert cycle.combined_score(90, None, 30, 70) is None
    assert cycle.combined_score(None, 80, 0, 100) == 80.0
    assert cycle.combined_score(90, None, 100, 0) == 90.0
    assert cycle.combined_score(None, 80, 30, 70) is None
    with pytest.raises(ValidationFailed):
        cycle.combined_score(90, 80, 0, 0)
    ranked = sorted([(83.0, 80.0, 90.0, 2), (83.0, 85.0, 71.33, 3), (None, None, 99.0, 1)],
                    key=lambda r: cycle.final_rank_key(*r))
    assert [r[3] for r in ranked] == [3, 2, 1]  # a tie goes to the better final score


def test_combined_result_brings_each_round_to_100_first() -> None:
    # A 100-point preliminary and a 100-point final: 30/70 as the rules print it.
    assert cycle.combined_score(80, 90, 30, 70, 100, 100) == 87.0
    # A preliminary out of 80 points and a final out of 50: 60/80 = 75 %, 45/50 = 90 %.
    assert cycle.combined_score(60, 45, 30, 70, 80, 50) == 85.5
    # Full marks in both rounds is 100 whatever the maxima.
    assert cycle.combined_score(80, 50, 30, 70, 80, 50) == 100.0
    with pytest.raises(ValidationFailed):
        cycle.combined_score(60, 45, 30, 70, 0, 50)


def test_final_settings_bounds() -> None:
    cycle.check_final_settings(10, 5, 30, 70)
    cycle.check_final_settings(10, 0, 0, 100)
    with pytest.raises(ValidationFailed) as err:
        cycle.check_final_settings(0, 121, 0, 0)
    messages = {k: str(v) for k, v in err.value.fields.items()}
    assert messages == {
        "presentation_minutes": "Thời gian trình bày phải từ 1 đến 120 phút.",
        "questions_minutes": "Thời gian trả lời câu hỏi phải từ 0 đến 120 phút.",
        "weights": "Tổng hai trọng số phải lớn hơn 0."}
