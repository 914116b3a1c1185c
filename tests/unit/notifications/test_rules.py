"""Which notification kinds exist, which round is "the previous one", when a round is open;
the SMS/Zalo interface's logging backend; the share card's cache key."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from contest_app.notifications import rules
from contest_app.notifications.sms import LoggingSmsBackend, SmsBackend, TextMessage
from contest_app.quiz.share_card import CardText

T0 = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)
WEEK = timedelta(days=7)


def rounds() -> list[rules.RoundTimes]:
    return [
        rules.RoundTimes(1, T0, T0 + WEEK),
        rules.RoundTimes(2, T0 + WEEK, T0 + 2 * WEEK),
        rules.RoundTimes(3, T0 - WEEK, None, practice=True),  # practice: never "previous"
        rules.RoundTimes(4, T0 + 2 * WEEK, T0 + 3 * WEEK),
        rules.RoundTimes(5, None, None),
    ]


def test_previous_round_is_the_official_one_that_opened_last_before() -> None:
    assert rules.previous_round(rounds(), 1) is None
    assert rules.previous_round(rounds(), 2) == 1
    assert rules.previous_round(rounds(), 4) == 2
    assert rules.previous_round(rounds(), 3) is None
    assert rules.previous_round(rounds(), 5) is None
    assert rules.previous_round(rounds(), 99) is None


def test_a_round_is_open_between_its_opening_and_closing() -> None:
    rnd = rounds()[1]
    assert not rules.has_opened(rnd, T0 + WEEK - timedelta(seconds=1))
    assert rules.has_opened(rnd, T0 + WEEK)
    assert not rules.has_opened(rnd, T0 + 2 * WEEK)
    assert not rules.has_opened(rounds()[2], T0)  # practice
    assert rules.has_opened(rules.RoundTimes(9, T0, None), T0 + 100 * WEEK)


def test_kinds_and_object_keys() -> None:
    assert not rules.may_unsubscribe(rules.REGISTRATION)
    assert all(rules.may_unsubscribe(k) for k in rules.OPTIONAL)
    assert not rules.may_unsubscribe("password_reset")
    assert rules.object_key(rules.RESULTS_PUBLISHED, 12) == "round:12"
    assert rules.object_key(rules.REGISTRATION, 3) == "user:3"
    assert rules.object_key(rules.JUDGE_ASSIGNMENT, 40) == "assignment:40"


def test_logging_sms_backend_sends_nothing_and_masks_the_number(caplog) -> None:
    backend = LoggingSmsBackend()
    assert isinstance(backend, SmsBackend)
    with caplog.at_level(logging.INFO, logger="contest_app.notifications.sms"):
        assert backend.send(TextMessage("0905123456", "Tuần 2 đã mở", channel="zalo"))
    assert backend.sent == [TextMessage("0905123456", "Tuần 2 đã mở", "zalo")]
    assert "0905123456" not in caplog.text and "090****456" in caplog.text
    assert "not sent" in caplog.text


def test_share_card_key_changes_with_what_is_drawn() -> None:
    card = CardText("Hội thi CCHC", "Tìm hiểu CCHC", ("Tuần 1: 01/12 – 07/12/2026",), "x/c/a")
    assert card.key() == CardText(*[card.site, card.title, card.dates, card.link]).key()
    assert card.key() != CardText(card.site, "Tìm hiểu CCHC 2027", card.dates, card.link).key()
    assert card.key() != CardText(card.site, card.title, ("Tuần 1: 02/12 – 07/12/2026",),
                                  card.link).key()
    assert card.key() != CardText(card.site, card.title, card.dates, "x/c/b").key()
