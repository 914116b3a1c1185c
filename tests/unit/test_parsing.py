"""The shared bounded-integer parser: ASCII digits only, within the database's range."""

from __future__ import annotations

import pytest

from contest_app.parsing import (
    INT4_MAX,
    coerce_id,
    contains_nul,
    json_depth_exceeds,
    parse_int,
)


@pytest.mark.parametrize("text,expected", [
    ("0", 0), ("7", 7), (" 42 ", 42), (str(INT4_MAX), INT4_MAX), ("007", 7), (5, 5),
])
def test_accepts_bounded_ascii_integers(text, expected) -> None:
    assert parse_int(text) == expected


@pytest.mark.parametrize("text", [
    "²", "١٢", "𝟙", "½", "1_000", "+1", "-1", "1.0", "1e3", "", " ", "9" * 20, "1" * 5000,
    str(INT4_MAX + 1), "0x10", True, None, 1.0, [1], "1\x00",
])
def test_refuses_everything_else(text) -> None:
    assert parse_int(text) is None


def test_bounds_are_inclusive_and_may_allow_negatives() -> None:
    assert parse_int("1", minimum=1) == 1 and parse_int("0", minimum=1) is None
    assert parse_int("-5", minimum=-10) == -5
    assert parse_int("11", maximum=10) is None


def test_coerce_id_raises_value_error_for_wtforms() -> None:
    assert coerce_id("12") == 12 and coerce_id(0) == 0
    for bad in ("²", "9" * 20, None):
        with pytest.raises(ValueError):
            coerce_id(bad)


def test_json_walks_are_iterative() -> None:
    deep: list = []
    node = deep
    for _ in range(100_000):  # far beyond the recursion limit
        node.append([])
        node = node[0]
    assert json_depth_exceeds(deep)
    assert not json_depth_exceeds({"answers": {"1": [1, 2]}})
    assert json_depth_exceeds([[[]]], limit=2) and not json_depth_exceeds([[]], limit=2)
    assert contains_nul({"a": ["x", {"b\x00": 1}]}) and not contains_nul({"a": ["x", 1]})
