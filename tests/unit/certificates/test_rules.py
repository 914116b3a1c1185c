"""Certificate rules: who gets which certificate, codes, placeholders, the counting attempt."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from contest_app.certificates import rules
from contest_app.certificates.rules import (
    KIND_PARTICIPATION,
    KIND_PRIZE,
    AttemptFacts,
    Facts,
    TemplateProblem,
)

NOW = datetime(2026, 12, 3, 3, 0, tzinfo=UTC)


def facts(**changes) -> Facts:
    base = {"offers_participation": True, "official_round": True,
            "closes_at": NOW - timedelta(hours=1), "now": NOW, "finished": True,
            "excluded": False, "prize": None}
    return Facts(**{**base, **changes})


def test_finished_entry_of_a_closed_round_gets_a_participation_certificate() -> None:
    assert rules.kinds(facts()) == [KIND_PARTICIPATION]
    assert rules.refusal(facts(), KIND_PRIZE) == "no_prize"


def test_no_participation_certificate_while_the_round_is_open_or_without_a_closing_time() -> None:
    assert rules.refusal(facts(closes_at=NOW + timedelta(seconds=1)),
                         KIND_PARTICIPATION) == "round_open"
    assert rules.refusal(facts(closes_at=NOW), KIND_PARTICIPATION) is None  # closes at now
    assert rules.refusal(facts(closes_at=None), KIND_PARTICIPATION) == "round_open"


def test_contest_that_offers_none_gives_prize_certificates_only() -> None:
    assert rules.kinds(facts(offers_participation=False)) == []
    assert rules.refusal(facts(offers_participation=False), KIND_PARTICIPATION) == "not_offered"
    assert rules.kinds(facts(offers_participation=False, prize="Giải Nhất")) == [KIND_PRIZE]


def test_prize_certificate_comes_with_the_published_prize_first() -> None:
    assert rules.kinds(facts(prize="Giải Ba")) == [KIND_PRIZE, KIND_PARTICIPATION]


@pytest.mark.parametrize(("change", "reason"), [
    ({"official_round": False}, "practice"),
    ({"finished": False}, "not_finished"),
    ({"excluded": True}, "excluded"),
])
def test_practice_unfinished_and_disqualified_entries_get_nothing(change, reason) -> None:
    for kind in (KIND_PARTICIPATION, KIND_PRIZE):
        assert rules.refusal(facts(prize="Giải Nhất", **change), kind) == reason
    assert rules.kinds(facts(prize="Giải Nhất", **change)) == []


def test_unknown_kind_is_refused() -> None:
    assert rules.refusal(facts(), "gold") == "unknown_kind"


def test_codes_are_ten_unambiguous_symbols_and_normalise_from_what_people_type() -> None:
    codes = {rules.new_code() for _ in range(500)}
    assert len(codes) == 500
    for code in codes:
        assert len(code) == 10 and set(code) <= set(rules.CODE_ALPHABET)
    assert not set("IO01") & set(rules.CODE_ALPHABET) and len(rules.CODE_ALPHABET) == 32
    assert rules.new_code(random.Random(1).choice) == rules.new_code(random.Random(1).choice)
    assert rules.display_code("ABCDEFGHJK") == "ABCDE-FGHJK"
    assert rules.normalise_code(" abcde-fghjk ") == "ABCDEFGHJK"
    assert rules.normalise_code("ABCDE FGHJK") == "ABCDEFGHJK"
    for bad in ("ABCDEFGHJ", "ABCDEFGHJKL", "ABCDEFGHJ0", "ABCDEFGHJI", "", "ABCDÉFGHJK"):
        assert rules.normalise_code(bad) is None


def test_known_placeholders_pass_and_fill() -> None:
    text = "Ông/Bà {ho_ten} ({don_vi}) đạt {ket_qua} – {vong_thi}, {cuoc_thi}, {ngay}. {{x}}"
    assert rules.template_problems(text) == []
    assert rules.fill(text, {"ho_ten": "Nguyễn Thị Ánh", "ket_qua": "Giải Nhất",
                             "vong_thi": "Tuần 1", "cuoc_thi": "Hội thi", "ngay": "03/12/2026",
                             "don_vi": "Sở Nội vụ"}) == (
        "Ông/Bà Nguyễn Thị Ánh (Sở Nội vụ) đạt Giải Nhất – Tuần 1, Hội thi, 03/12/2026. {x}")


def test_unknown_positional_formatted_and_unbalanced_placeholders_are_named() -> None:
    assert rules.template_problems("Chúc mừng {ten} và {ten} {ho_ten}") == [
        TemplateProblem("unknown", "ten")]
    assert rules.template_problems("{} {0}") == [TemplateProblem("positional"),
                                                 TemplateProblem("positional")]
    assert rules.template_problems("{ho_ten:>20} {ngay!r}") == [
        TemplateProblem("format", "ho_ten"), TemplateProblem("format", "ngay")]
    assert rules.template_problems("Giải {ket_qua") == [TemplateProblem("braces")]
    assert rules.template_problems("Giải } nhất") == [TemplateProblem("braces")]
    assert rules.template_problems("{ho_ten.__class__}") == [
        TemplateProblem("unknown", "ho_ten.__class__")]


def test_date_parts_have_two_digits() -> None:
    assert rules.date_parts(datetime(2026, 3, 5).date()) == {"d": "05", "m": "03", "y": "2026"}


def test_counting_attempt_follows_the_round_rule() -> None:
    t = NOW
    a1 = AttemptFacts(1, 1, 15, 300_000, t)
    a2 = AttemptFacts(2, 2, 18, 400_000, t + timedelta(hours=1))
    a3 = AttemptFacts(3, 3, 18, 350_000, t + timedelta(hours=2))
    assert rules.counting_attempt([a1, a2, a3], "best") == a3  # same score, faster
    assert rules.counting_attempt([a1, a2, a3], "first") == a1
    assert rules.counting_attempt([a1, a2, a3], "last") == a3
    assert rules.counting_attempt([], "best") is None


# --- Contest-wide prize certificates ------------------------------------------------------

def contest_facts(**changes) -> rules.ContestFacts:
    base = {"published": True, "excluded": False, "prize": "Giải Nhất"}
    return rules.ContestFacts(**{**base, **changes})


def test_contest_prize_certificate_once_the_contest_ranking_gives_a_prize() -> None:
    assert rules.contest_refusal(contest_facts()) is None


def test_no_contest_prize_certificate_without_a_published_ranking_or_a_prize() -> None:
    # Not published yet, or its publication was withdrawn: the prize row does not count.
    assert rules.contest_refusal(contest_facts(published=False)) == "contest_unpublished"
    assert rules.contest_refusal(contest_facts(published=False, prize=None)
                                 ) == "contest_unpublished"
    assert rules.contest_refusal(contest_facts(prize=None)) == "no_contest_prize"
    assert rules.contest_refusal(contest_facts(prize="")) == "no_contest_prize"
    assert rules.contest_refusal(contest_facts(excluded=True)) == "excluded"


def test_contest_result_names_the_prize_and_the_whole_contest() -> None:
    assert rules.contest_result("Giải Nhì", "toàn cuộc thi") == "Giải Nhì toàn cuộc thi"
