"""Eligibility rules: age in full years around birthdays and leap days, CCCD format, and the
eligibility filter, against hand-computed examples."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from contest_app.participation import rules

HCM = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.mark.parametrize(("born", "on", "age"), [
    (date(2010, 6, 15), date(2026, 6, 14), 15),  # the day before the birthday
    (date(2010, 6, 15), date(2026, 6, 15), 16),  # on the birthday
    (date(2010, 6, 15), date(2026, 6, 16), 16),
    (date(2010, 12, 31), date(2026, 1, 1), 15),
    (date(2010, 1, 1), date(2025, 12, 31), 15),
    (date(2010, 1, 1), date(2026, 1, 1), 16),
    # Born on 29 February: a year older on 1 March in common years, on 29 Feb in leap years.
    (date(2008, 2, 29), date(2026, 2, 28), 17),
    (date(2008, 2, 29), date(2026, 3, 1), 18),
    (date(2008, 2, 29), date(2028, 2, 28), 19),
    (date(2008, 2, 29), date(2028, 2, 29), 20),
    (date(2026, 11, 25), date(2026, 11, 25), 0),
])
def test_age_in_full_years(born: date, on: date, age: int) -> None:
    assert rules.age_on(born, on) == age


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2090, 12, 31)),
       st.integers(min_value=0, max_value=100))
def test_age_is_never_reached_before_the_birthday(born: date, years: int) -> None:
    try:
        birthday = born.replace(year=born.year + years)
    except ValueError:  # 29 February in a common year
        birthday = date(born.year + years, 3, 1)
    assert rules.age_on(born, birthday) == years
    assert rules.age_on(born, birthday - timedelta(days=1)) == years - 1


def test_join_date_is_the_contest_local_date() -> None:
    # 17:30 UTC on 14 June is 00:30 on 15 June in Hà Nội / TP.HCM.
    moment = datetime(2026, 6, 14, 17, 30, tzinfo=UTC)
    assert rules.local_date(moment, HCM) == date(2026, 6, 15)
    assert rules.age_on(date(2010, 6, 15), rules.local_date(moment, HCM)) == 16
    with pytest.raises(ValueError):
        rules.local_date(datetime(2026, 6, 14), HCM)


@pytest.mark.parametrize(("raw", "valid"), [
    ("001234567890", True),
    ("0012 3456 7890", True),  # spaces typed between groups are dropped
    ("00123456789", False),  # 11 digits
    ("0012345678901", False),  # 13 digits
    ("00123456789a", False),
    ("", False),
    ("٠٠١٢٣٤٥٦٧٨٩٠", False),  # Arabic-Indic digits are not ASCII digits
    ("001234567890\n", True),  # trailing whitespace dropped
    ("001-234-567-890", False),
])
def test_cccd_format(raw: str, valid: bool) -> None:
    assert rules.is_valid_cccd(rules.normalise_cccd(raw)) is valid


ON = date(2026, 11, 25)


def test_eligibility_filter() -> None:
    check = rules.eligibility_problems
    assert check(None, False, None, False, ON) == {}
    assert check(16, False, None, False, ON) == {"date_of_birth": rules.MISSING}
    assert check(16, False, date(2010, 11, 26), False, ON) == {
        "date_of_birth": rules.TOO_YOUNG}
    assert check(16, False, date(2010, 11, 25), False, ON) == {}
    assert check(None, True, None, False, ON) == {"cccd": rules.MISSING}
    assert check(None, True, None, True, ON) == {}
    assert check(18, True, date(2010, 1, 1), False, ON) == {
        "date_of_birth": rules.TOO_YOUNG, "cccd": rules.MISSING}
    assert check(0, False, None, False, ON) == {}  # 0 means no minimum age


def test_needs_joining() -> None:
    assert rules.needs_joining(False, None, False) is False
    assert rules.needs_joining(True, None, False) is True
    assert rules.needs_joining(False, 14, False) is True
    assert rules.needs_joining(False, None, True) is True
