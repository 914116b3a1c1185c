"""Ranking rules: tie-break chain, competition ranking, counting policies, prizes, the
prediction's real figure and the unit formulas, on hand-built cases and properties."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from contest_app.rankings import rules
from contest_app.rankings.rules import Attempt, Entry, PrizeTier, UnitStats

T0 = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)


def e(uid, score, ms=60_000, at=0, pred=None) -> Entry:
    return Entry(uid, score, ms, T0 + timedelta(seconds=at), pred)


def ranks(ranked) -> list[tuple[int, int]]:
    return [(r.entry.user_id, r.rank) for r in ranked]


def test_score_first() -> None:
    assert ranks(rules.rank_entries([e(1, 5), e(2, 9), e(3, 7)])) == [(2, 1), (3, 2), (1, 3)]


def test_prediction_closeness_breaks_score_ties() -> None:
    ranked = rules.rank_entries([e(1, 9, pred=120), e(2, 9, pred=95), e(3, 9, pred=None)],
                                actual=100)
    assert ranks(ranked) == [(2, 1), (1, 2), (3, 3)]
    assert [r.prediction_diff for r in ranked] == [5, 20, None]


def test_prediction_over_and_under_are_equally_close() -> None:
    ranked = rules.rank_entries([e(1, 9, ms=50_000, pred=110), e(2, 9, ms=40_000, pred=90)],
                                actual=100)
    assert ranks(ranked) == [(2, 1), (1, 2)]  # equal distance: time decides


def test_time_then_submission_time() -> None:
    ranked = rules.rank_entries([e(1, 9, ms=70_000, at=1), e(2, 9, ms=65_000, at=9),
                                 e(3, 9, ms=65_000, at=3)])
    assert ranks(ranked) == [(3, 1), (2, 2), (1, 3)]


def test_full_ties_share_a_rank_competition_style() -> None:
    ranked = rules.rank_entries([e(1, 10), e(2, 9), e(3, 9), e(4, 8)], chain=())
    assert [r.rank for r in ranked] == [1, 2, 2, 4]
    assert [r.position for r in ranked] == [1, 2, 3, 4]


def test_custom_chain_order() -> None:
    entries = [e(1, 9, ms=10_000, pred=200), e(2, 9, ms=90_000, pred=100)]
    assert ranks(rules.rank_entries(entries, ["duration", "prediction"], 100))[0] == (1, 1)
    assert ranks(rules.rank_entries(entries, ["prediction", "duration"], 100))[0] == (2, 1)


def test_invalid_chain() -> None:
    with pytest.raises(ValueError):
        rules.validate_chain(["score"])
    with pytest.raises(ValueError):
        rules.validate_chain(["duration", "duration"])


def test_counting_policies() -> None:
    attempts = [Attempt(1, 1, 7, 50_000, T0), Attempt(1, 2, 9, 80_000, T0 + timedelta(1)),
                Attempt(1, 3, 9, 70_000, T0 + timedelta(2)), Attempt(1, 4, 5, 10_000,
                                                                     T0 + timedelta(3))]
    assert rules.counting_attempt(attempts, "best").number == 3
    assert rules.counting_attempt(attempts, "first").number == 1
    assert rules.counting_attempt(attempts, "last").number == 4


def test_prizes_by_rank_with_ties_at_the_boundary() -> None:
    tiers = [PrizeTier(1, "Giải Nhất", 1), PrizeTier(2, "Giải Nhì", 2),
             PrizeTier(4, "Giải Khuyến khích", 3)]
    ranked = rules.award(rules.rank_entries(
        [e(1, 10), e(2, 9), e(3, 8), e(4, 8), e(5, 7), e(6, 6), e(7, 5)], chain=()), tiers)
    assert [r.prize_level for r in ranked] == [1, 2, 2, 2, 4, 4, None]


def test_prediction_actual_figures() -> None:
    entries = [Attempt(1, 1, 10, 1, T0, max_score=10), Attempt(2, 1, 9, 1, T0, max_score=10),
               Attempt(3, 1, 10, 1, T0, max_score=10)]
    assert rules.prediction_actual(entries, "full_marks") == 2
    assert rules.prediction_actual(entries, "participants") == 3


def test_participation_rate_and_formulas() -> None:
    unit = UnitStats(1, participants=30, attempts=41, headcount=120, average_score=15.0,
                     best_score=20, prizes={1: 1, 4: 2}, max_score=20)
    assert unit.participation_rate == 0.25
    assert unit.prize_points() == 10 + 2 * 4
    assert rules.CollectiveFormula("participation_rate").score(unit) == 25.0
    assert rules.CollectiveFormula("average_score").score(unit) == 75.0
    assert rules.CollectiveFormula("prize_points").score(unit) == 18.0
    weighted = rules.CollectiveFormula("weighted", weights={
        "participation_rate": 0.5, "average_score": 0.3, "prize_points": 1.0})
    assert weighted.score(unit) == pytest.approx(0.5 * 25 + 0.3 * 75 + 18)


def test_no_headcount_has_no_rate() -> None:
    unit = UnitStats(1, participants=3, attempts=3, headcount=None, average_score=None,
                     best_score=None)
    assert unit.participation_rate is None
    assert rules.CollectiveFormula().score(unit) == 0.0


def test_rank_units_by_metric_with_ties() -> None:
    units = [UnitStats(1, 10, 10, 100, 5, 8), UnitStats(2, 20, 25, 100, 4, 9),
             UnitStats(3, 10, 12, 100, 6, 9)]
    ranked = rules.rank_units(units, "participation_rate", rules.CollectiveFormula())
    assert [(r, u.unit_id) for r, u, _ in ranked] == [(1, 2), (2, 1), (2, 3)]
    by_best = rules.rank_units(units, "best_score", rules.CollectiveFormula())
    assert [(r, u.unit_id) for r, u, _ in by_best] == [(1, 2), (1, 3), (3, 1)]


def test_units_nobody_took_part_from_are_listed_unranked_after_the_others() -> None:
    units = [UnitStats(1, 0, 0, 100, None, None), UnitStats(2, 5, 5, 100, 4, 9),
             UnitStats(3, 0, 0, None, None, None), UnitStats(4, 1, 1, 100, 2, 3)]
    ranked = rules.rank_units(units, "collective_score", rules.CollectiveFormula())
    assert [(r, u.unit_id) for r, u, _ in ranked] == [(1, 2), (2, 4), (None, 1), (None, 3)]


def test_collective_prizes_need_participants_a_block_and_a_headcount() -> None:
    took_part = UnitStats(1, 3, 3, 10, 5, 8)
    assert rules.unit_prize_eligible(took_part, in_block=True)
    assert not rules.unit_prize_eligible(took_part, in_block=False)
    assert not rules.unit_prize_eligible(UnitStats(2, 3, 3, None, 5, 8), in_block=True)
    assert not rules.unit_prize_eligible(UnitStats(3, 0, 0, 10, None, None), in_block=True)


entries_strategy = st.lists(
    st.builds(Entry, user_id=st.integers(1, 10**6), score=st.integers(0, 20),
              duration_ms=st.integers(0, 600_000),
              submitted_at=st.integers(0, 10**6).map(lambda s: T0 + timedelta(seconds=s)),
              prediction=st.none() | st.integers(0, 500)),
    unique_by=lambda x: x.user_id, max_size=60)


@given(entries_strategy, st.permutations(list(rules.TIE_BREAKS)), st.integers(0, 500))
def test_ranking_is_an_ordered_permutation(entries, chain, actual) -> None:
    ranked = rules.rank_entries(entries, chain, actual)
    assert sorted(r.entry.user_id for r in ranked) == sorted(x.user_id for x in entries)
    keys = [rules.sort_key(r.entry, chain, actual) for r in ranked]
    assert keys == sorted(keys)
    for before, after in zip(ranked, ranked[1:], strict=False):
        same = rules.sort_key(before.entry, chain, actual) == rules.sort_key(
            after.entry, chain, actual)
        assert (after.rank == before.rank) if same else (after.rank == after.position)


@given(entries_strategy, st.randoms(use_true_random=False))
def test_shuffling_the_input_changes_nothing(entries, rnd: random.Random) -> None:
    shuffled = list(entries)
    rnd.shuffle(shuffled)
    assert rules.rank_entries(entries, actual=100) == rules.rank_entries(shuffled, actual=100)


def test_resolve_board() -> None:
    import contest_app.models  # noqa: F401  (every mapped class, for the relationships)
    from contest_app.domain import NotFound
    from contest_app.quiz.models import Board, Contest
    from contest_app.rankings.services import resolve_board

    plain = Contest(title="Không chia bảng")
    assert resolve_board(plain, None) is None
    with pytest.raises(NotFound):
        resolve_board(plain, 3, strict=True)
    boards = Contest(title="Hai bảng", boards=[Board(id=7, name="A"), Board(id=9, name="B")])
    assert resolve_board(boards, 9) == 9
    assert resolve_board(boards, None) == 7 and resolve_board(boards, 5) == 7
    assert resolve_board(boards, None, strict=True) == 7
    with pytest.raises(NotFound):
        resolve_board(boards, 5, strict=True)
