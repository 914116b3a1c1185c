"""Plain rules behind citizens' registration: narrowing a long list by typed words, who a
board admits, and reading a list of communes and wards."""

from __future__ import annotations

from contest_app.accounts.rules import matching_choices
from contest_app.participation.rules import board_admits
from contest_app.participation.ward_import import parse_wards

CHOICES = [(1, "Sở Nội vụ"), (2, "Sở Tư pháp"), (3, "UBND phường Tân Lập")]


def test_matching_ignores_case_and_diacritics_and_keeps_the_choice() -> None:
    assert matching_choices(CHOICES, "so NOI") == [(1, "Sở Nội vụ")]
    assert matching_choices(CHOICES, "  ") == CHOICES
    assert matching_choices(CHOICES, "tân lập") == [(3, "UBND phường Tân Lập")]
    assert matching_choices(CHOICES, "phap", keep=1) == [(1, "Sở Nội vụ"), (2, "Sở Tư pháp")]
    assert matching_choices(CHOICES, "không có") == []


def test_board_admits() -> None:
    assert board_admits(None, "citizen") and board_admits(None, "official")
    assert board_admits("citizen", "citizen") and not board_admits("citizen", "official")
    assert board_admits("official", None) and not board_admits("official", "citizen")


def test_parse_wards_finds_the_header_and_reports_rows() -> None:
    rows = [(1, ["Danh sách xã, phường"]), (2, ["STT", "Tên xã, phường", "Mã"]),
            (3, [1, "Phường 1", 101.0]), (4, [2, "  Xã   A ", None]), (5, [3, None, "x"]),
            (6, [4, "phường 1", None]), (7, [None, None, None])]
    parsed = parse_wards(rows)
    assert [(w.row, w.name, w.code) for w in parsed.lines] == [(3, "Phường 1", "101"),
                                                               (4, "Xã A", None)]
    assert [(p.row, p.code, p.detail) for p in parsed.problems] == [
        (5, "name_missing", ""), (6, "duplicate_name", "3")]
    assert [p.code for p in parse_wards([(1, ["Họ tên"])]).problems] == ["no_header"]
    assert [p.code for p in parse_wards([(1, ["Xã, phường"])]).problems] == ["empty"]
