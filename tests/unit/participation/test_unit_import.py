"""Reading units from XLSX and CSV: header detection, headcounts, bad rows by row number."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook

from contest_app.exports import SpreadsheetRejected
from contest_app.participation import unit_import as ui


def xlsx(rows: list[list]) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_xlsx_with_title_row_and_columns_in_any_order() -> None:
    data = xlsx([["DANH SÁCH ĐƠN VỊ"], ["Biên chế", "Tên đơn vị", "Khối", "Ghi chú"],
                 [85, "Sở Tư pháp", "Khối sở, ngành", "x"], [None, "UBND xã Ea Kao", None],
                 [None, None, None], [40.0, "Phường Tân Lập", "Khối xã, phường"]])
    parsed = ui.parse_units(ui.read_rows(data))
    assert parsed.problems == []
    assert parsed.lines == [
        ui.UnitLine(3, "Sở Tư pháp", "Khối sở, ngành", 85),
        ui.UnitLine(4, "UBND xã Ea Kao", None, None),
        ui.UnitLine(6, "Phường Tân Lập", "Khối xã, phường", 40),
    ]


def test_csv_semicolon_utf8_bom_and_thousands() -> None:
    text = "\ufeffTên đơn vị;Khối;Biên chế\nSở Y tế;Khối sở;1.200\nSở GD&ĐT;Khối sở;1 350\n"
    parsed = ui.parse_units(ui.read_rows(text.encode("utf-8")))
    assert parsed.problems == []
    assert [(u.name, u.headcount) for u in parsed.lines] == [("Sở Y tế", 1200),
                                                             ("Sở GD&ĐT", 1350)]


def test_csv_header_without_diacritics_is_recognised() -> None:
    parsed = ui.parse_units(ui.read_rows(b"ten don vi,khoi,bien che\nSo Noi vu,Khoi so,12\n"))
    assert parsed.lines == [ui.UnitLine(2, "So Noi vu", "Khoi so", 12)]


def test_bad_rows_reported_by_row_number() -> None:
    data = xlsx([["Tên đơn vị", "Khối", "Biên chế"],
                 ["Sở Tư pháp", "Khối sở", 10],
                 [None, "Khối sở", 5],
                 ["Sở Tài chính", "Khối sở", -3],
                 ["Sở Nội vụ", "Khối sở", "mười"],
                 ["sở tư pháp", "Khối sở", 4],
                 ["Sở Xây dựng", "Khối sở", 2.5],
                 ["X" * 256, None, None]])
    parsed = ui.parse_units(ui.read_rows(data))
    assert [(p.row, p.code) for p in parsed.problems] == [
        (3, "name_missing"), (4, "headcount_invalid"), (5, "headcount_invalid"),
        (6, "duplicate_name"), (7, "headcount_invalid"), (8, "name_too_long")]
    assert parsed.problems[3].detail == "2"


@pytest.mark.parametrize(("value", "expected"), [
    (None, None), ("", None), ("  ", None), (0, 0), (12, 12), (12.0, 12), ("1.200", 1200),
    ("1,200", 1200), ("007", 7)])
def test_headcount_values(value, expected) -> None:
    assert ui.parse_headcount(value) == expected


@pytest.mark.parametrize("value", [-1, 2.5, "1.2", "abc", True, "１２", 10_000_001])
def test_headcount_refused(value) -> None:
    with pytest.raises(ValueError):
        ui.parse_headcount(value)


def test_missing_header_and_empty_file() -> None:
    assert [p.code for p in ui.parse_units(ui.read_rows(b"a,b,c\n1,2,3\n")).problems] == [
        "no_header"]
    assert [p.code for p in ui.parse_units(ui.read_rows(b"Ten don vi,Khoi\n")).problems] == [
        "empty"]


def test_unreadable_xlsx() -> None:
    with pytest.raises(SpreadsheetRejected):
        ui.read_rows(b"PK\x03\x04 not really a zip")
