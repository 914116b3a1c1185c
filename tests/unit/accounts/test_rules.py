from hypothesis import given
from hypothesis import strategies as st

from contest_app.accounts.rules import (
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


def test_phone_normalisation_accepts_common_spellings() -> None:
    assert normalise_phone("0905 123 456") == "0905123456"
    assert normalise_phone("+84905123456") == "0905123456"
    assert normalise_phone("0905.123.456") == "0905123456"


@given(st.text(alphabet="0123456789", min_size=9, max_size=9))
def test_any_zero_prefixed_ten_digits_is_valid(rest: str) -> None:
    assert is_valid_phone("0" + rest)


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
