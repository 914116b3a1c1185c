"""Survey rules against hand-computed examples: the satisfaction index and its breakdowns,
distributions, the sample-size helper, answer validation, the opening window and edit locks."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from contest_app.surveys import rules
from contest_app.surveys.rules import Index, QuestionSpec, ScaleAnswer

# --- Satisfaction index ---------------------------------------------------------------------


def test_index_counts_satisfied_and_very_satisfied_only() -> None:
    index = rules.satisfaction_index([5, 4, 3, 2, 1, 4])
    assert (index.satisfied, index.total) == (3, 6)
    assert index.share == 0.5
    assert index.percent == 50.0


def test_index_of_nothing_is_unknown_not_zero() -> None:
    assert rules.satisfaction_index([]).share is None
    assert rules.satisfaction_index([]).percent is None


def test_neutral_answers_are_not_satisfied() -> None:
    assert rules.satisfaction_index([3, 3, 3]).satisfied == 0


# Three responses over two aspects (sections 10 and 20):
#   r1: A 5, A 4, B 5     r2: A 2, A 3, B 5     r3: B 1
ANSWERS = [
    ScaleAnswer(1, 10, 5), ScaleAnswer(1, 10, 4), ScaleAnswer(1, 20, 5),
    ScaleAnswer(2, 10, 2), ScaleAnswer(2, 10, 3), ScaleAnswer(2, 20, 5),
    ScaleAnswer(3, 20, 1),
]


def test_index_per_aspect_and_overall_pooled() -> None:
    table = rules.index_table(ANSWERS)
    assert table.by_section[10] == Index(2, 4)   # 5 and 4 of 5, 4, 2, 3
    assert table.by_section[20] == Index(2, 3)   # 5, 5 of 5, 5, 1
    assert table.overall == Index(4, 7)          # pooled, not the mean of 50 % and 66.7 %
    assert table.responses == 3
    assert math.isclose(table.overall.percent, 400 / 7)


def test_breakdown_by_unit_hand_computed() -> None:
    group_of = {1: "Sở Tư pháp", 2: "Sở Y tế", 4: "Sở Tư pháp"}  # r3 gave no unit
    tables = rules.breakdown(ANSWERS, group_of, response_ids=[1, 2, 3, 4])
    justice, health, unknown = tables["Sở Tư pháp"], tables["Sở Y tế"], tables[None]
    assert justice.by_section == {10: Index(2, 2), 20: Index(1, 1)}
    assert justice.overall == Index(3, 3)
    assert justice.responses == 2  # r4 answered no scale question but is counted
    assert health.by_section == {10: Index(0, 2), 20: Index(1, 1)}
    assert health.overall == Index(1, 3)
    assert unknown.overall == Index(0, 1)
    assert unknown.responses == 1


def test_breakdown_by_channel_with_one_group() -> None:
    tables = rules.breakdown(ANSWERS, dict.fromkeys((1, 2, 3), "Trực tuyến"))
    assert list(tables) == ["Trực tuyến"]
    assert tables["Trực tuyến"].overall == rules.index_table(ANSWERS).overall


scale_answers = st.lists(st.builds(ScaleAnswer, st.integers(1, 20), st.integers(1, 4),
                                   st.integers(1, 5)), max_size=60)


@given(scale_answers, st.dictionaries(st.integers(1, 20), st.sampled_from("abc")))
def test_breakdown_groups_add_up_to_the_whole(answers, group_of) -> None:
    tables = rules.breakdown(answers, group_of)
    total = sum((t.overall for t in tables.values()), Index())
    assert total == rules.index_table(answers).overall
    for table in tables.values():
        assert 0 <= table.overall.satisfied <= table.overall.total


# --- Distributions and numbers --------------------------------------------------------------


def test_distribution_percentages_of_those_who_answered() -> None:
    dist = rules.distribution([10, 11, 12, 13], [[10], [10, 11], [], [12]])
    assert dist.base == 3
    assert dist.counts == {10: 2, 11: 1, 12: 1, 13: 0}
    assert math.isclose(dist.percent(10), 200 / 3)
    assert dist.percent(13) == 0


def test_distribution_with_no_answer() -> None:
    assert rules.distribution([1, 2], []).percent(1) is None


def test_number_summary() -> None:
    summary = rules.number_summary([3, 5, 10, 2])
    assert (summary.count, summary.mean, summary.median) == (4, 5.0, 4.0)
    assert (summary.minimum, summary.maximum) == (2, 10)
    assert rules.number_summary([]).mean is None


# --- Sample size ----------------------------------------------------------------------------


@pytest.mark.parametrize(("population", "needed"), [
    (1, 1),            # 1 / 1.0025
    (100, 80),         # 100 / 1.25 = 80 exactly
    (400, 200),        # 400 / 2
    (1000, 286),       # 1000 / 3.5 = 285.7 -> 286
    (10_000, 385),     # 10000 / 26 = 384.6 -> 385
    (100_000_000, 400),
])
def test_sample_size_yamane(population, needed) -> None:
    assert rules.sample_size(population) == needed


def test_sample_size_other_margin() -> None:
    assert rules.sample_size(1000, 0.1) == 91  # 1000 / 11 = 90.9


def test_sample_size_refuses_nonsense() -> None:
    with pytest.raises(ValueError):
        rules.sample_size(0)
    with pytest.raises(ValueError):
        rules.sample_size(100, 0)


def test_sample_progress() -> None:
    progress = rules.sample_progress(1000, 36)
    assert (progress.needed, progress.missing, progress.reached) == (286, 250, False)
    assert math.isclose(progress.percent, 3600 / 286)
    done = rules.sample_progress(100, 95)
    assert (done.missing, done.reached, done.percent) == (0, True, 100.0)


@given(st.integers(1, 10**9))
def test_sample_size_never_exceeds_population_nor_400(population) -> None:
    n = rules.sample_size(population)
    assert 1 <= n <= min(population, 400)


# --- Answer validation ----------------------------------------------------------------------

QUESTIONS = [
    QuestionSpec(1, rules.SCALE, True, frozenset({11, 12, 13, 14, 15})),
    QuestionSpec(2, rules.SINGLE, False, frozenset({21, 22})),
    QuestionSpec(3, rules.MULTIPLE, False, frozenset({31, 32, 33})),
    QuestionSpec(4, rules.SHORT_TEXT, False),
    QuestionSpec(5, rules.LONG_TEXT, False),
    QuestionSpec(6, rules.NUMBER, False),
]


def test_valid_answers_are_cleaned() -> None:
    cleaned, errors = rules.validate_answers(QUESTIONS, {
        "1": 14, "2": 22, "3": [33, 31], "4": "  Tốt  ", "5": "Góp ý", "6": 2.5})
    assert errors == {}
    assert cleaned == {1: [14], 2: [22], 3: [31, 33], 4: "Tốt", 5: "Góp ý", 6: 2.5}


def test_missing_required_answer() -> None:
    _, errors = rules.validate_answers(QUESTIONS, {"2": 21})
    assert errors == {"answers.1": "required"}


def test_required_not_enforced_for_staff_entry() -> None:
    cleaned, errors = rules.validate_answers(QUESTIONS, {"2": 21}, enforce_required=False)
    assert errors == {} and cleaned == {2: [21]}


def test_empty_response_is_refused() -> None:
    _, errors = rules.validate_answers(QUESTIONS, {"4": "  "}, enforce_required=False)
    assert errors == {"answers": "empty"}


@pytest.mark.parametrize(("raw", "error"), [
    ({"2": 31}, "invalid_option"),          # an option of another question
    ({"3": [31, 99]}, "invalid_option"),
    ({"3": [31, 31]}, "duplicate_option"),
    ({"2": True}, "wrong_type"),
    ({"2": "21"}, "wrong_type"),
    ({"3": 31}, "wrong_type"),
    ({"6": "nhiều"}, "wrong_type"),
    ({"6": True}, "wrong_type"),
    ({"6": float("inf")}, "out_of_range"),
    ({"4": "x" * 501}, "too_long"),
    ({"4": 12}, "wrong_type"),
])
def test_invalid_answers(raw, error) -> None:
    qid = next(iter(raw))
    _, errors = rules.validate_answers(QUESTIONS, {"1": 15, **raw})
    assert errors == {f"answers.{qid}": error}


def test_unknown_question_is_an_error_unless_blank() -> None:
    _, errors = rules.validate_answers(QUESTIONS, {"1": 15, "99": 1, "abc": "x", "98": None})
    assert errors == {"answers.99": "unknown_question", "answers.abc": "unknown_question"}


def test_blank_values_are_no_answer() -> None:
    cleaned, errors = rules.validate_answers(QUESTIONS, {"1": 11, "3": [], "4": "", "6": None})
    assert errors == {} and cleaned == {1: [11]}


# --- Window, locks, tokens, search ----------------------------------------------------------

OPENS = datetime(2026, 11, 1, 1, 0, tzinfo=UTC)
CLOSES = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)


def test_open_from_opening_until_just_before_closing() -> None:
    assert rules.survey_status(OPENS - timedelta(seconds=1), OPENS, CLOSES) == "upcoming"
    assert rules.survey_status(OPENS, OPENS, CLOSES) == "open"
    assert rules.survey_status(CLOSES - timedelta(seconds=1), OPENS, CLOSES) == "open"
    assert rules.survey_status(CLOSES, OPENS, CLOSES) == "closed"
    with pytest.raises(rules.SurveyNotOpen):
        rules.check_open(CLOSES, OPENS, CLOSES)


def test_type_change_and_removal_locked_once_answered() -> None:
    rules.check_kind_change(False, rules.SCALE, rules.SINGLE)
    rules.check_kind_change(True, rules.SCALE, rules.SCALE)
    rules.check_removal(False)
    with pytest.raises(rules.QuestionLocked):
        rules.check_kind_change(True, rules.SCALE, rules.SINGLE)
    with pytest.raises(rules.QuestionLocked):
        rules.check_removal(True)


def test_token_hash_is_salted_per_survey_and_hides_the_token() -> None:
    token = "abcdefghijklmnopqrstuvwx"
    assert rules.token_hash(1, token) != rules.token_hash(2, token)
    assert token not in rules.token_hash(1, token)
    assert len(rules.token_hash(1, token)) == 64


def test_text_search_ignores_diacritics_and_case() -> None:
    assert rules.text_matches("cho ngoi", "Nên có thêm CHỖ NGỒI chờ")
    assert rules.text_matches("đường", "Duong vao kho tim")
    assert not rules.text_matches("thời gian", "Cán bộ nhiệt tình")
    assert rules.text_matches("", "bất kỳ")
