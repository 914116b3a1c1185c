"""Quiz rules: drawing, timing, scoring, review permission (no app, no database)."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from contest_app.quiz import rules
from contest_app.quiz.rules import BlueprintSpec, Candidate, ScoredItem

T0 = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)


def bank(n_per: int = 5, topics=(1, 2), difficulties=("easy", "medium", "hard")):
    out, qid = [], 0
    for t in topics:
        for d in difficulties:
            for _ in range(n_per):
                qid += 1
                out.append(Candidate(qid, 1000 + qid, t, d, 4))
    return out


def test_draw_respects_blueprint_and_has_no_duplicates() -> None:
    blueprint = [BlueprintSpec(3, 1, "easy"), BlueprintSpec(2, 2, None), BlueprintSpec(4)]
    cands = bank()
    drawn = rules.draw_questions(cands, blueprint, seed=42)
    assert len(drawn) == 9
    ids = [d.question_id for d in drawn]
    assert len(set(ids)) == 9
    by_id = {c.question_id: c for c in cands}
    assert sum(1 for i in ids if by_id[i].topic_id == 1 and by_id[i].difficulty == "easy") >= 3
    assert sum(1 for i in ids if by_id[i].topic_id == 2) >= 2
    assert [d.position for d in drawn] == list(range(1, 10))
    for d in drawn:
        assert sorted(d.option_order) == [0, 1, 2, 3]
        assert d.version_id == by_id[d.question_id].version_id


def test_draw_is_reproducible_with_a_seed_and_varies_without() -> None:
    blueprint = [BlueprintSpec(10)]
    cands = bank()
    first = rules.draw_questions(cands, blueprint, seed=7)
    assert rules.draw_questions(list(reversed(cands)), blueprint, seed=7) == first
    others = {tuple(d.question_id for d in rules.draw_questions(cands, blueprint, seed=s))
              for s in range(1, 20)}
    assert len(others) > 1


def test_draw_shuffles_question_and_option_order() -> None:
    cands = bank(n_per=10)
    drawn = rules.draw_questions(cands, [BlueprintSpec(40)], seed=3)
    assert [d.question_id for d in drawn] != sorted(d.question_id for d in drawn)
    assert any(d.option_order != (0, 1, 2, 3) for d in drawn)
    first_positions = Counter(d.option_order[0] for d in drawn)
    assert len(first_positions) == 4


def test_specific_lines_are_served_before_general_ones() -> None:
    # Only 2 hard questions of topic 1 exist; the general line must not take them.
    cands = [Candidate(1, 1, 1, "hard", 4), Candidate(2, 2, 1, "hard", 4)] + [
        Candidate(i, i, 1, "easy", 4) for i in range(3, 8)]
    drawn = rules.draw_questions(cands, [BlueprintSpec(5), BlueprintSpec(2, 1, "hard")], seed=1)
    assert {1, 2} <= {d.question_id for d in drawn}


def test_clear_error_when_bank_too_small() -> None:
    with pytest.raises(rules.BankTooSmall) as err:
        rules.draw_questions(bank(n_per=1), [BlueprintSpec(3, 1, "easy")], seed=1)
    assert err.value.fields["needed"] == 3 and err.value.fields["available"] == 1


def test_draw_avoids_seen_questions_while_the_bank_allows() -> None:
    cands = [Candidate(i, i, 1, "easy", 4) for i in range(1, 21)]
    seen = {i: 1 for i in range(1, 11)}
    for seed in range(30):
        drawn = rules.draw_questions(cands, [BlueprintSpec(10)], seed=seed, seen=seen)
        assert {d.question_id for d in drawn} == set(range(11, 21))


def test_draw_falls_back_to_least_seen() -> None:
    cands = [Candidate(i, i, 1, "easy", 4) for i in range(1, 11)]
    seen = {i: 2 for i in range(1, 6)} | {i: 1 for i in range(6, 9)}
    drawn = rules.draw_questions(cands, [BlueprintSpec(5)], seed=5, seen=seen)
    # 2 unseen (9, 10) first, then the three seen once (6, 7, 8); never the twice-seen.
    assert {d.question_id for d in drawn} == {6, 7, 8, 9, 10}


@given(st.integers(min_value=1, max_value=2**31 - 2), st.integers(min_value=1, max_value=30))
def test_draw_property_unique_and_sized(seed: int, count: int) -> None:
    drawn = rules.draw_questions(bank(), [BlueprintSpec(count)], seed=seed)
    assert len({d.question_id for d in drawn}) == count == len(drawn)


def test_round_status() -> None:
    opens, closes = T0, T0 + timedelta(days=7)
    assert rules.round_status(T0 - timedelta(seconds=1), opens, closes) == "upcoming"
    assert rules.round_status(T0, opens, closes) == "open"
    assert rules.round_status(closes - timedelta(microseconds=1), opens, closes) == "open"
    assert rules.round_status(closes, opens, closes) == "closed"
    assert rules.round_status(T0, None, None) == "open"


def test_deadline_is_capped_by_round_close_and_extended_by_extra_time() -> None:
    assert rules.attempt_deadline(T0, 600, None) == T0 + timedelta(minutes=10)
    assert rules.attempt_deadline(T0, 600, T0 + timedelta(minutes=5)) == T0 + timedelta(minutes=5)
    assert rules.attempt_deadline(T0, 600, None, extra_s=300) == T0 + timedelta(minutes=15)
    assert rules.attempt_deadline(T0, 600, T0 + timedelta(minutes=5), extra_s=120) == (
        T0 + timedelta(minutes=7))


def test_overdue_only_after_grace() -> None:
    deadline = T0 + timedelta(minutes=10)
    assert not rules.is_overdue(deadline, deadline, 5)
    assert not rules.is_overdue(deadline + timedelta(seconds=5), deadline, 5)
    assert rules.is_overdue(deadline + timedelta(seconds=5, microseconds=1), deadline, 5)


def test_duration_and_remaining() -> None:
    assert rules.duration_ms(T0, T0 + timedelta(seconds=65, milliseconds=250)) == 65250
    assert rules.remaining_seconds(T0, T0 + timedelta(seconds=30)) == 30
    assert rules.remaining_seconds(T0 + timedelta(seconds=31), T0 + timedelta(seconds=30)) == 0


def test_attempts_left() -> None:
    assert rules.attempts_left(1, 0) == 1
    assert rules.attempts_left(1, 1) == 0
    assert rules.attempts_left(None, 99) is None


# Option order (2, 0, 3, 1): display 1 -> original 2, display 2 -> 0, 3 -> 3, 4 -> 1.
ORDER = (2, 0, 3, 1)


def test_single_answer_scoring_through_the_display_order() -> None:
    assert rules.item_points(ScoredItem((2,), ORDER, frozenset({0}))) == 1
    assert rules.item_points(ScoredItem((1,), ORDER, frozenset({0}))) == 0


def test_unanswered_scores_zero() -> None:
    assert rules.item_points(ScoredItem(None, ORDER, frozenset({0}))) == 0
    assert rules.item_points(ScoredItem((), ORDER, frozenset({0}))) == 0


def test_multiple_answer_counts_only_the_exact_set() -> None:
    key = frozenset({0, 3})  # display ids 2 and 3
    assert rules.item_points(ScoredItem((2, 3), ORDER, key)) == 1
    assert rules.item_points(ScoredItem((2,), ORDER, key)) == 0
    assert rules.item_points(ScoredItem((2, 3, 4), ORDER, key)) == 0


def test_weights_and_totals() -> None:
    items = [ScoredItem((2,), ORDER, frozenset({0}), weight=3),
             ScoredItem((1,), ORDER, frozenset({0}), weight=2),
             ScoredItem(None, ORDER, frozenset({0}))]
    score = rules.score_items(items)
    assert score.points == [3, 0, 0]
    assert score.total == 3 and score.max_score == 6


def test_display_ids_inverse_of_chosen_original() -> None:
    assert rules.display_ids({0, 3}, ORDER) == [2, 3]
    assert rules.chosen_original([2, 3], ORDER) == {0, 3}


def test_review_permission() -> None:
    closes = T0 + timedelta(days=1)
    assert rules.review_allowed("after_submit", True, T0, closes)
    assert not rules.review_allowed("after_submit", False, T0, closes)
    assert not rules.review_allowed("after_close", True, T0, closes)
    assert rules.review_allowed("after_close", True, closes, closes)
    assert not rules.review_allowed("never", True, closes + timedelta(days=9), closes)


def test_validate_choice() -> None:
    assert rules.validate_choice([2], 4, False) == [2]
    with pytest.raises(rules.InvalidOption):
        rules.validate_choice([5], 4, False)
    with pytest.raises(rules.InvalidOption):
        rules.validate_choice([1, 2], 4, False)
    with pytest.raises(rules.InvalidOption):
        rules.validate_choice([0], 4, True)
    with pytest.raises(rules.InvalidOption):
        rules.validate_choice([1, 1], 4, True)
    assert rules.validate_choice([3, 1], 4, True) == [1, 3]


def test_weekly_schedule_keeps_local_times_across_month_and_year_ends() -> None:
    from zoneinfo import ZoneInfo

    tz = ZoneInfo("Asia/Ho_Chi_Minh")
    opens = datetime(2026, 12, 21, 10, 0, tzinfo=tz)  # a Monday
    closes = datetime(2026, 12, 28, 9, 0, tzinfo=tz)
    schedule = rules.weekly_schedule(opens, closes, 4)
    assert [(o.date().isoformat(), c.date().isoformat()) for o, c in schedule] == [
        ("2026-12-21", "2026-12-28"), ("2026-12-28", "2027-01-04"),
        ("2027-01-04", "2027-01-11"), ("2027-01-11", "2027-01-18")]
    assert all(o.weekday() == 0 and (o.hour, o.minute) == (10, 0) for o, _ in schedule)
    assert all((c.hour, c.minute) == (9, 0) for _, c in schedule)
    feb = rules.weekly_schedule(datetime(2028, 2, 21, 10, tzinfo=tz),
                                datetime(2028, 2, 28, 9, tzinfo=tz), 2)
    assert feb[1][0].date().isoformat() == "2028-02-28"  # leap year: 29 February exists
    assert feb[1][1].date().isoformat() == "2028-03-06"
    with pytest.raises(ValueError):
        rules.weekly_schedule(closes, opens, 2)
