"""Signs of unfair entries: identical answers need shared WRONG answers and close durations;
fast full marks; one CCCD behind several accounts."""

from __future__ import annotations

from contest_app.quiz import fraud

KEYS = {q: frozenset({0}) for q in range(1, 7)}


def attempt(aid: int, uid: int, answers: dict[int, int], duration_ms: int = 120_000,
            score: int | None = None) -> fraud.AttemptAnswers:
    chosen = {q: frozenset({a}) for q, a in answers.items()}
    right = sum(1 for q, a in answers.items() if a == 0)
    return fraud.AttemptAnswers(aid, uid, right if score is None else score, 6, duration_ms,
                                chosen, KEYS)


def test_identical_wrong_answers_with_close_durations_are_found_and_chained() -> None:
    same = {1: 0, 2: 0, 3: 2, 4: 3, 5: 0, 6: 0}  # two identical wrong answers (3 and 4)
    found = fraud.identical_answers([attempt(1, 11, same), attempt(2, 12, same, 125_000),
                                     attempt(3, 13, same, 128_000)])
    assert len(found) == 1
    f = found[0]
    assert f.attempt_ids == (1, 2, 3) and f.user_ids == (11, 12, 13)
    assert f.evidence["same_wrong_answers"] == 2 and f.key == "identical_answers:1,2,3"


def test_identical_right_answers_or_far_durations_are_not_suspicious() -> None:
    perfect = {q: 0 for q in range(1, 7)}
    one_wrong = {1: 2, 2: 0, 3: 0, 4: 0, 5: 0, 6: 0}
    assert fraud.identical_answers([attempt(1, 11, perfect), attempt(2, 12, perfect)]) == []
    assert fraud.identical_answers([attempt(1, 11, one_wrong), attempt(2, 12, one_wrong)]) == []
    two_wrong = {1: 2, 2: 3, 3: 0, 4: 0, 5: 0, 6: 0}
    assert fraud.identical_answers([attempt(1, 11, two_wrong, 60_000),
                                    attempt(2, 12, two_wrong, 300_000)]) == []
    # Two attempts of one person are not a pair.
    assert fraud.identical_answers([attempt(1, 11, two_wrong), attempt(2, 11, two_wrong)]) == []


def test_fast_full_marks() -> None:
    perfect = {q: 0 for q in range(1, 7)}
    fast = attempt(1, 11, perfect, duration_ms=10_000)
    normal = attempt(2, 12, perfect, duration_ms=60_000)
    found = fraud.fast_full_marks([fast, normal], question_count=6)
    assert [f.attempt_ids for f in found] == [(1,)]
    assert found[0].evidence["limit_ms"] == 18_000


def test_shared_cccd_never_shows_the_number() -> None:
    found = fraud.shared_cccd([("a" * 64, 1), ("a" * 64, 2), ("b" * 64, 3), ("a" * 64, 1)])
    assert [f.user_ids for f in found] == [(1, 2)]
    assert "a" * 17 not in found[0].key and found[0].evidence == {"accounts": 2}


def test_one_browser_for_several_accounts_within_minutes() -> None:
    from datetime import UTC, datetime, timedelta

    t0 = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)
    starts = [("d1", 1, 10, t0), ("d1", 2, 11, t0 + timedelta(minutes=5)),
              ("d1", 3, 12, t0 + timedelta(minutes=9)),
              ("d1", 4, 13, t0 + timedelta(hours=5)),  # hours later: another sitting
              ("d2", 5, 14, t0), ("d2", 5, 15, t0 + timedelta(minutes=1)),  # one person twice
              (None, 6, 16, t0)]
    found = fraud.shared_device(starts)
    assert [(f.user_ids, f.attempt_ids) for f in found] == [((1, 2, 3), (10, 11, 12))]
    assert found[0].evidence == {"accounts": 3, "minutes": 9.0}
    assert "d1" not in found[0].key
