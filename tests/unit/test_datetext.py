"""Dates typed as dd/mm/yyyy and dd/mm/yyyy HH:MM (24 hours), read in the contest's zone."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from contest_app.datetext import (
    DateTextError,
    format_date,
    format_local_datetime,
    parse_date,
    parse_local_datetime,
)

HCM = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.mark.parametrize("text", ["25/11/2026", "25-11-2026", "25.11.2026", " 25/11/2026 ",
                                  "25112026", "2026-11-25"])
def test_a_date_in_the_spellings_people_use(text: str) -> None:
    assert parse_date(text) == date(2026, 11, 25)


def test_one_digit_day_and_month_and_empty_text() -> None:
    assert parse_date("5/3/2026") == date(2026, 3, 5)
    assert parse_date("") is None and parse_date("   ") is None and parse_date(None) is None


def test_day_comes_before_month_never_the_american_way() -> None:
    assert parse_date("03/04/2026") == date(2026, 4, 3)
    with pytest.raises(DateTextError) as err:
        parse_date("11/25/2026")
    assert err.value.code == "month"


@pytest.mark.parametrize(("text", "code", "details"), [
    ("31/02/2026", "day", {"days": 28, "month": 2, "year": 2026}),
    ("29/02/2027", "day", {"days": 28, "month": 2, "year": 2027}),
    ("31/04/2026", "day", {"days": 30, "month": 4, "year": 2026}),
    ("00/01/2026", "day", {"days": 31, "month": 1, "year": 2026}),
    ("12/13/2026", "month", {}),
    ("01/01/0999", "year", {}),
    ("hôm nay", "format", {}),
    ("25/11/26", "format", {}),
    ("25/11", "format", {}),
])
def test_impossible_dates_say_why(text: str, code: str, details: dict) -> None:
    with pytest.raises(DateTextError) as err:
        parse_date(text)
    assert err.value.code == code and err.value.details == details and err.value.text == text


def test_leap_day() -> None:
    assert parse_date("29/02/2028") == date(2028, 2, 29)


@pytest.mark.parametrize("text", ["25/11/2026 14:30", "25/11/2026  14:30", "25-11-2026 14h30",
                                  "25/11/2026 14.30", "25/11/2026, 14:30", "251120261430",
                                  "25112026 1430", "2026-11-25T14:30", "2026-11-25 14:30:00"])
def test_a_moment_is_read_in_the_contest_zone_and_returned_in_utc(text: str) -> None:
    value = parse_local_datetime(text, HCM)
    assert value == datetime(2026, 11, 25, 7, 30, tzinfo=UTC)
    assert value.utcoffset().total_seconds() == 0


def test_midnight_in_vietnam_is_the_previous_day_in_utc() -> None:
    assert parse_local_datetime("01/12/2026 00:00", HCM) == datetime(2026, 11, 30, 17, 0,
                                                                     tzinfo=UTC)
    assert parse_local_datetime("1/12/2026 7:05", HCM) == datetime(2026, 12, 1, 0, 5,
                                                                   tzinfo=UTC)


@pytest.mark.parametrize(("text", "code"), [
    ("25/11/2026 25:00", "time"), ("25/11/2026 24:00", "time"), ("25/11/2026 14:60", "time"),
    ("31/02/2026 10:00", "day"), ("25/11/2026", "format"), ("25/11/2026 2:30 PM", "format"),
    ("14:30", "format"), ("25/13/2026 10:00", "month"),
])
def test_impossible_moments_say_why(text: str, code: str) -> None:
    with pytest.raises(DateTextError) as err:
        parse_local_datetime(text, HCM)
    assert err.value.code == code


def test_formatting_is_day_first_with_a_24_hour_clock() -> None:
    assert format_date(date(2026, 3, 5)) == "05/03/2026"
    assert format_date(None) == ""
    moment = datetime(2026, 11, 25, 10, 5, tzinfo=UTC)
    assert format_local_datetime(moment, HCM) == "25/11/2026 17:05"
    assert format_local_datetime(None, HCM) == ""


@given(st.datetimes(min_value=datetime(1950, 1, 1), max_value=datetime(2150, 12, 31)))
def test_what_is_shown_reads_back_to_the_same_minute(naive: datetime) -> None:
    moment = naive.replace(second=0, microsecond=0, tzinfo=UTC)
    assert parse_local_datetime(format_local_datetime(moment, HCM), HCM) == moment
    assert parse_date(format_date(moment.date())) == moment.date()


# --- numbers --------------------------------------------------------------------------------

def test_numbers_use_vietnamese_separators_and_english_keeps_its_own() -> None:
    from contest_app.i18n import number_text

    assert number_text(1234567) == "1.234.567"
    assert number_text(8.5, 1) == "8,5"
    assert number_text(1234.5, 2) == "1.234,50"
    assert number_text(0) == "0" and number_text(None) == "—"
    assert number_text(-1234) == "-1.234"
    assert number_text(1234567, locale="en") == "1,234,567"
    assert number_text(8.5, 1, locale="en") == "8.5"
    assert number_text(2.0 / 3, 2) == "0,67"
