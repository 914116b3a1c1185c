import pytest
from hypothesis import given
from hypothesis import strategies as st

from contest_app.accounts.rules import (
    MOBILE_PREFIXES,
    is_valid_cccd,
    is_valid_phone,
    mask_phone,
    normalise_phone,
    unaccent,
)


def test_phone_must_be_ten_digits_starting_with_zero() -> None:
    assert is_valid_phone("0905123456")
    assert not is_valid_phone("905123456")
    assert not is_valid_phone("09051234567")
    assert not is_valid_phone("1905123456")
    assert not is_valid_phone("09051234a6")


@pytest.mark.parametrize("prefix", ["03", "05", "07", "08", "09"])
def test_every_mobile_prefix_is_accepted(prefix: str) -> None:
    assert is_valid_phone(prefix + "12345678")


@pytest.mark.parametrize("number", [
    "0212345678",   # a landline (02x)
    "0012345678", "0123456789", "0412345678", "0612345678",  # no mobile network
    "01212345678",  # an old 11-digit 012x number, renumbered in 2018
    "+84905123456",  # not normalised yet
    "",
])
def test_numbers_outside_the_mobile_prefixes_are_refused(number: str) -> None:
    assert not is_valid_phone(number)


def test_phone_normalisation_accepts_common_spellings() -> None:
    assert normalise_phone("0905 123 456") == "0905123456"
    assert normalise_phone("+84905123456") == "0905123456"
    assert normalise_phone("+84 90 512 3456") == "0905123456"
    assert normalise_phone("(+84) 905-123-456") == "0905123456"
    assert normalise_phone("0084905123456") == "0905123456"
    assert normalise_phone("84905123456") == "0905123456"
    assert normalise_phone("0905.123.456") == "0905123456"
    assert is_valid_phone(normalise_phone("+84 388 123 456"))


@given(st.sampled_from(MOBILE_PREFIXES), st.text(alphabet="0123456789", min_size=8, max_size=8))
def test_any_mobile_prefix_with_eight_more_digits_is_valid(prefix: str, rest: str) -> None:
    assert is_valid_phone(prefix + rest)
    assert is_valid_phone(normalise_phone("+84" + prefix[1:] + rest))


@given(st.sampled_from("01246"), st.text(alphabet="0123456789", min_size=8, max_size=8))
def test_no_other_second_digit_is_a_mobile_number(second: str, rest: str) -> None:
    assert not is_valid_phone("0" + second + rest)


def test_cccd_is_exactly_twelve_digits() -> None:
    assert is_valid_cccd("066123456789")
    assert not is_valid_cccd("06612345678")
    assert not is_valid_cccd("0661234567890")
    assert not is_valid_cccd("06612345678a")


def test_unaccent_removes_vietnamese_diacritics() -> None:
    assert unaccent("Thủ tục hành chính") == "thu tuc hanh chinh"
    assert unaccent("ĐẮK LẮK  Đồng") == "dak lak dong"


def test_mask_phone() -> None:
    assert mask_phone("0905123123") == "0905***123"
    assert mask_phone(None) == ""
