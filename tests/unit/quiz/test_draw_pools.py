"""The draw keeps the practice pool and the official pool apart, and never puts two questions
of one group into an attempt (issue 14, hole 1). No app, no database."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from contest_app.quiz import rules
from contest_app.quiz.rules import BlueprintSpec, Candidate

DIFFS = ("easy", "medium", "hard")


def mixed_bank(n_official: int = 30, n_practice: int = 30) -> list[Candidate]:
    out = []
    for i in range(1, n_official + n_practice + 1):
        pool = "official" if i <= n_official else "practice"
        out.append(Candidate(i, 1000 + i, 1 + i % 2, DIFFS[i % 3], 4, pool=pool))
    return out


candidate_st = st.builds(
    Candidate,
    question_id=st.integers(1, 10_000),
    version_id=st.just(1),
    topic_id=st.integers(1, 3),
    difficulty=st.sampled_from(DIFFS),
    option_count=st.integers(2, 5),
    pool=st.sampled_from(["official", "practice"]),
    group=st.one_of(st.none(), st.just(""), st.sampled_from(["g1", "g2", "g3", "g4", "g5"])),
)
line_st = st.builds(BlueprintSpec, count=st.integers(0, 6),
                    topic_id=st.one_of(st.none(), st.integers(1, 3)),
                    difficulty=st.one_of(st.none(), st.sampled_from(DIFFS)))


def unique_by_id(cands: list[Candidate]) -> list[Candidate]:
    return list({c.question_id: c for c in cands}.values())


def test_pool_for_round() -> None:
    assert rules.pool_for_round("practice") == "practice"
    assert rules.pool_for_round("official") == "official"
    assert rules.pool_for_round("anything else") == "official"


def test_practice_draw_takes_only_practice_questions_whatever_the_blueprint() -> None:
    cands = mixed_bank()
    by_id = {c.question_id: c for c in cands}
    for seed in range(50):
        drawn = rules.draw_questions(cands, [BlueprintSpec(5, 1, "easy"), BlueprintSpec(5)],
                                     seed, pool="practice")
        assert len(drawn) == 10
        assert {by_id[d.question_id].pool for d in drawn} == {"practice"}


def test_official_draw_never_takes_practice_questions() -> None:
    cands = mixed_bank()
    by_id = {c.question_id: c for c in cands}
    for seed in range(50):
        drawn = rules.draw_questions(cands, [BlueprintSpec(20)], seed)
        assert {by_id[d.question_id].pool for d in drawn} == {"official"}


def test_official_round_short_of_questions_raises_instead_of_using_practice() -> None:
    cands = mixed_bank(n_official=5, n_practice=50)
    with pytest.raises(rules.BankTooSmall) as err:
        rules.draw_questions(cands, [BlueprintSpec(6)], seed=1, pool="official")
    assert not isinstance(err.value, rules.PracticePoolTooSmall)
    assert err.value.fields["needed"] == 6 and err.value.fields["available"] == 5


def test_practice_pool_too_small_raises_its_own_error() -> None:
    cands = mixed_bank(n_official=100, n_practice=3)
    with pytest.raises(rules.PracticePoolTooSmall) as err:
        rules.draw_questions(cands, [BlueprintSpec(10)], seed=1, pool="practice")
    assert err.value.code == "practice_pool_too_small"
    assert err.value.fields["needed"] == 10 and err.value.fields["available"] == 3
    assert err.value.fields["pool_size"] == 3
    assert isinstance(err.value, rules.BankTooSmall)  # callers of the old error still catch it


def test_empty_practice_pool_refuses() -> None:
    with pytest.raises(rules.PracticePoolTooSmall):
        rules.draw_questions(mixed_bank(n_practice=0), [BlueprintSpec(1)], 1, pool="practice")


def test_group_members_never_share_an_attempt_across_lines() -> None:
    # Ten groups of three (one per difficulty): 10 questions can be drawn, never 11.
    cands = [Candidate(g * 3 + k + 1, 1, 1, DIFFS[k], 4, group=f"G{g}")
             for g in range(10) for k in range(3)]
    groups = {c.question_id: c.group for c in cands}
    for seed in range(100):
        drawn = rules.draw_questions(
            cands, [BlueprintSpec(3, None, "easy"), BlueprintSpec(3, None, "hard"),
                    BlueprintSpec(4)], seed)
        assert len({groups[d.question_id] for d in drawn}) == len(drawn) == 10
    with pytest.raises(rules.BankTooSmall) as err:
        rules.draw_questions(cands, [BlueprintSpec(11)], seed=1)
    assert err.value.fields["available"] == 10


def test_empty_group_means_no_group() -> None:
    cands = [Candidate(i, i, 1, "easy", 4, group="" if i % 2 else None) for i in range(1, 9)]
    assert len(rules.draw_questions(cands, [BlueprintSpec(8)], seed=3)) == 8


def test_groups_do_not_change_a_draw_without_groups() -> None:
    plain = mixed_bank()
    with_empty = [Candidate(c.question_id, c.version_id, c.topic_id, c.difficulty,
                            c.option_count, c.multiple, c.pool, "") for c in plain]
    blueprint = [BlueprintSpec(4, 1, None), BlueprintSpec(8)]
    for seed in range(20):
        assert rules.draw_questions(plain, blueprint, seed) == rules.draw_questions(
            with_empty, blueprint, seed)


def test_groups_keep_seen_preference() -> None:
    cands = [Candidate(i, i, 1, "easy", 4, group=f"G{(i - 1) // 2}") for i in range(1, 21)]
    seen = {i: 1 for i in range(1, 21) if i % 2}  # one member of each group was seen
    for seed in range(20):
        drawn = rules.draw_questions(cands, [BlueprintSpec(10)], seed, seen)
        assert {d.question_id for d in drawn} == set(range(2, 21, 2))


def test_pool_shortfall() -> None:
    cands = mixed_bank(n_practice=12)
    assert rules.pool_shortfall(cands, [BlueprintSpec(12)], "practice") is None
    err = rules.pool_shortfall(cands, [BlueprintSpec(13)], "practice")
    assert isinstance(err, rules.PracticePoolTooSmall) and err.fields["available"] == 12


@settings(max_examples=300, deadline=None)
@given(st.lists(candidate_st, max_size=40), st.lists(line_st, min_size=1, max_size=4),
       st.integers(1, 2**31 - 2), st.sampled_from(["official", "practice"]))
def test_property_pool_and_groups(cands: list[Candidate], blueprint: list[BlueprintSpec],
                                  seed: int, pool: str) -> None:
    cands = unique_by_id(cands)
    by_id = {c.question_id: c for c in cands}
    try:
        drawn = rules.draw_questions(cands, blueprint, seed, pool=pool)
    except rules.BankTooSmall as err:
        # The right error for the pool, and only when the pool really lacks questions.
        assert isinstance(err, rules.PracticePoolTooSmall) == (pool == "practice")
        assert err.fields["available"] < err.fields["needed"]
        return
    # Never a question of the other pool; never two of one group; exactly the blueprint size.
    assert all(by_id[d.question_id].pool == pool for d in drawn)
    groups = [by_id[d.question_id].group for d in drawn if by_id[d.question_id].group]
    assert len(groups) == len(set(groups))
    assert len({d.question_id for d in drawn}) == len(drawn) == sum(
        max(0, line.count) for line in blueprint)
    # Deterministic, whatever the input order.
    assert rules.draw_questions(list(reversed(cands)), blueprint, seed, pool=pool) == drawn


@settings(max_examples=200, deadline=None)
@given(st.lists(candidate_st, max_size=40), st.integers(1, 20), st.integers(1, 2**31 - 2))
def test_property_practice_pool_size_decides(cands: list[Candidate], count: int,
                                             seed: int) -> None:
    """Without groups, a practice draw succeeds exactly when the practice pool holds enough."""
    cands = [Candidate(c.question_id, 1, c.topic_id, c.difficulty, 4, pool=c.pool)
             for c in unique_by_id(cands)]
    practice = sum(1 for c in cands if c.pool == "practice")
    if practice >= count:
        assert len(rules.draw_questions(cands, [BlueprintSpec(count)], seed,
                                        pool="practice")) == count
    else:
        with pytest.raises(rules.PracticePoolTooSmall):
            rules.draw_questions(cands, [BlueprintSpec(count)], seed, pool="practice")
