"""Judge assignment: every submission gets its judges, loads differ by at most one, never the
author nor a judge with a conflict, and a clear error when there are not enough judges."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from contest_app.initiatives.rules import NotEnoughJudges, Slot, assign


def loads_of(plan: dict[int, list[int]], judges: list[int], existing=None) -> Counter:
    counts = Counter({j: (existing or {}).get(j, 0) for j in judges})
    for chosen in plan.values():
        counts.update(chosen)
    return counts


def test_six_submissions_three_judges_two_each_gives_four_each() -> None:
    slots = [Slot(s, author_id=100 + s) for s in range(1, 7)]
    plan = assign(slots, [1, 2, 3], 2)
    assert all(len(set(js)) == 2 for js in plan.values()) and len(plan) == 6
    assert loads_of(plan, [1, 2, 3]) == Counter({1: 4, 2: 4, 3: 4})


def test_uneven_total_differs_by_one() -> None:
    slots = [Slot(s, author_id=100 + s) for s in range(1, 6)]  # 5 x 2 = 10 slots, 3 judges
    plan = assign(slots, [1, 2, 3], 2)
    assert sorted(loads_of(plan, [1, 2, 3]).values()) == [3, 3, 4]


def test_author_who_is_a_judge_never_reviews_own_submission() -> None:
    slots = [Slot(1, author_id=2), Slot(2, author_id=50), Slot(3, author_id=51)]
    plan = assign(slots, [1, 2, 3], 2)
    assert 2 not in plan[1]
    assert plan[1] == [1, 3]


def test_declared_conflicts_are_respected_and_load_stays_balanced() -> None:
    slots = [Slot(1, 90, excluded=frozenset({1})), Slot(2, 91, excluded=frozenset({1})),
             Slot(3, 92), Slot(4, 93)]
    plan = assign(slots, [1, 2], 1)
    assert plan[1] == [2] and plan[2] == [2]
    assert plan[3] == [1] and plan[4] == [1]


def test_chain_moves_rebalance_when_greedy_piles_up() -> None:
    # Greedy alone gives 1->A, 2->B, then C to judge 1 again (loads 2, 1, 0); only a chain
    # (C from 1 to 2, B from 2 to 3) balances it.
    slots = [Slot(1, 90, excluded=frozenset({3})), Slot(2, 91, excluded=frozenset({1})),
             Slot(3, 92, excluded=frozenset({3}))]
    plan = assign(slots, [1, 2, 3], 1)
    assert sorted(loads_of(plan, [1, 2, 3]).values()) == [1, 1, 1]
    assert plan[2] == [3]
    for slot in slots:
        assert not set(plan[slot.submission_id]) & slot.excluded


def test_existing_assignments_count_towards_the_submission_and_the_load() -> None:
    slots = [Slot(1, 90, assigned=frozenset({1})), Slot(2, 91)]
    plan = assign(slots, [1, 2], 1, loads={1: 1})
    assert 1 not in plan  # already has its judge
    assert plan[2] == [2]


def test_not_enough_judges_names_the_submissions() -> None:
    slots = [Slot(1, 90, excluded=frozenset({1})), Slot(2, 91)]
    with pytest.raises(NotEnoughJudges) as err:
        assign(slots, [1, 2], 2)
    assert err.value.fields["submissions"] == [1]
    assert err.value.fields["needed"] == 2 and err.value.fields["judges"] == 2


def test_no_judges_at_all_is_an_error() -> None:
    with pytest.raises(NotEnoughJudges):
        assign([Slot(1, 90)], [], 1)


def test_nothing_to_assign_gives_an_empty_plan() -> None:
    assert assign([], [1, 2], 2) == {}


@settings(max_examples=150, deadline=None)
@given(st.integers(1, 25), st.integers(1, 8), st.integers(1, 4), st.data())
def test_balanced_without_conflicts(n_subs: int, n_judges: int, per: int, data) -> None:
    per = min(per, n_judges - 1) if n_judges > 1 else 1
    judges = list(range(1, n_judges + 1))
    # Some authors are judges themselves.
    authors = data.draw(st.lists(st.integers(1, 40), min_size=n_subs, max_size=n_subs))
    slots = [Slot(s, author_id=a) for s, a in enumerate(authors, start=1)]
    feasible = all(len([j for j in judges if j != s.author_id]) >= per for s in slots)
    if not feasible:
        with pytest.raises(NotEnoughJudges):
            assign(slots, judges, per)
        return
    plan = assign(slots, judges, per)
    for slot in slots:
        chosen = plan[slot.submission_id]
        assert len(chosen) == len(set(chosen)) == per
        assert slot.author_id not in chosen
    loads = loads_of(plan, judges)
    if not any(a in judges for a in authors):
        assert max(loads.values()) - min(loads.values()) <= 1


@settings(max_examples=150, deadline=None)
@given(st.integers(1, 15), st.integers(2, 7), st.integers(1, 3), st.data())
def test_conflicts_never_violated(n_subs: int, n_judges: int, per: int, data) -> None:
    judges = list(range(1, n_judges + 1))
    slots = [Slot(s, author_id=100 + s,
                  excluded=frozenset(data.draw(st.sets(st.sampled_from(judges), max_size=2))))
             for s in range(1, n_subs + 1)]
    try:
        plan = assign(slots, judges, per)
    except NotEnoughJudges as err:
        short = err.fields["submissions"]
        assert short and all(n_judges - len(slots[s - 1].excluded) < per for s in short)
        return
    for slot in slots:
        chosen = plan[slot.submission_id]
        assert len(set(chosen)) == per and not set(chosen) & slot.excluded
