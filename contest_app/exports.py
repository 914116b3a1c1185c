"""Spreadsheet safety shared by every domain: the one place that writes CSV and XLSX files
for organisers, and the one place that reads the spreadsheets organisers upload.

Writing. Text typed by participants or anonymous respondents must never become a live formula
in the organiser's Excel (OWASP "CSV injection"). Every value goes through `cell()`: a string
that starts with = + - @ TAB or CR (or their fullwidth forms) gets a leading apostrophe;
numbers, dates and None stay typed. `unescape()` undoes it exactly, for files that come back
(the question bank's Excel round trip). In XLSX a text cell is also stored with the string type,
so nothing the app writes is ever a formula.

Reading. `read_rows()` parses an uploaded XLSX or CSV within `Limits`: file size, unpacked
size and member count of the zip (zip bombs), number of shared strings (counted by streaming the
part with defusedxml before openpyxl loads it), rows, columns and cell length. Anything over a
limit or unreadable raises `SpreadsheetRejected`, with a Vietnamese message and a status
(413 too large, 422 over a content limit or unreadable), before anything is written.

openpyxl weighs about 13 MB: it is imported inside the functions that need it, never at module
import, so a web worker that serves no spreadsheet does not carry it."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from flask_babel import lazy_gettext as _l

from .domain import DomainError
from .errors import register_domain_error

# --- writing --------------------------------------------------------------------------------

# Characters that make Excel, LibreOffice or Google Sheets start a formula (OWASP), and their
# fullwidth forms, which some spreadsheet locales fold to the ASCII ones.
FORMULA_TRIGGERS = frozenset("=+-@\t\r\uff1d\uff0b\uff0d\uff20")
QUOTE = "'"
TYPED = (bool, int, float, Decimal, date, datetime, time, timedelta)


def escape(text: str) -> str:
    """`text` made inert for a spreadsheet: a leading apostrophe before a formula trigger. A
    text that already starts with an apostrophe before a trigger (or another apostrophe) is
    escaped too, so that `unescape(escape(t)) == t` for every string."""
    first = text[:1]
    if first in FORMULA_TRIGGERS or (first == QUOTE and _starts_escaped(text)):
        return QUOTE + text
    return text


def _starts_escaped(text: str) -> bool:
    return len(text) > 1 and text[0] == QUOTE and (
        text[1] in FORMULA_TRIGGERS or text[1] == QUOTE)


def unescape(text: str) -> str:
    """The inverse of `escape` (for a file the app exported and gets back)."""
    return text[1:] if _starts_escaped(text) else text


def cell(value: Any) -> Any:
    """A value ready for a CSV or XLSX cell: None, booleans, numbers and dates unchanged,
    anything else as escaped text (lazy translations included)."""
    if value is None or isinstance(value, TYPED):
        return value
    return escape(value if isinstance(value, str) else str(value))


def csv_bytes(header: Sequence[Any], rows: Iterable[Sequence[Any]], *, bom: bool = True) -> bytes:
    """A CSV file (UTF-8, with a BOM so that Excel reads the diacritics), every cell escaped;
    None is an empty cell."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([_csv_cell(v) for v in header])
    writer.writerows([_csv_cell(v) for v in row] for row in rows)
    return (("\ufeff" if bom else "") + buffer.getvalue()).encode("utf-8")


def _csv_cell(value: Any) -> Any:
    value = cell(value)
    return "" if value is None else value


class Sheet:
    """A worksheet whose values all go through `cell()`. `layout` is the openpyxl worksheet,
    for widths, fonts, merges, freeze panes and page set-up; values are written only with
    `append` and `put` (a test checks that no other module writes a value itself)."""

    def __init__(self, worksheet: Any) -> None:
        self.layout = worksheet

    def append(self, values: Iterable[Any]) -> None:
        self.layout.append([cell(v) for v in values])

    def put(self, row: int, column: int, value: Any) -> Any:
        """Write one value; returns the openpyxl cell (for its style)."""
        target = self.layout.cell(row=row, column=column)
        target.value = cell(value)
        if isinstance(target.value, str):
            target.data_type = "s"  # text, never a formula
        return target

    @property
    def max_row(self) -> int:
        return self.layout.max_row


class Book:
    """An openpyxl workbook whose sheets are `Sheet`s. `write_only` streams rows (big
    rankings) at the cost of styles."""

    def __init__(self, *, write_only: bool = False) -> None:
        from openpyxl import Workbook

        self.workbook = Workbook(write_only=write_only)
        self._fresh = None if write_only else self.workbook.active

    def sheet(self, title: str) -> Sheet:
        """A new sheet (the workbook's first, empty sheet is reused)."""
        if self._fresh is not None:
            worksheet, self._fresh = self._fresh, None
        else:
            worksheet = self.workbook.create_sheet()
        worksheet.title = title[:31]
        return Sheet(worksheet)

    def save(self, target: str | Path | IO[bytes] | None = None) -> bytes:
        """Write the workbook to `target` (a path or binary file), or return its bytes."""
        if target is not None:
            self.workbook.save(target)
            return b""
        buffer = io.BytesIO()
        self.workbook.save(buffer)
        return buffer.getvalue()


# --- reading uploads ------------------------------------------------------------------------

@dataclass(frozen=True)
class Limits:
    """What an uploaded spreadsheet may hold. The defaults suit a list made by hand in Excel."""

    max_bytes: int = 5 * 1024 * 1024
    max_unpacked: int = 50 * 1024 * 1024  # sum of the XLSX zip's members, uncompressed
    max_members: int = 500
    max_shared_strings: int = 200_000
    max_rows: int = 20_000
    max_columns: int = 50
    max_cell_chars: int = 32_767  # Excel's own limit; below the csv module's 128 KB


REASONS: dict[str, tuple[int, Any]] = {
    "too_large": (413, _l("Tệp quá lớn (tối đa %(limit)s MB).")),
    "unpacked_too_large": (
        413, _l("Tệp Excel khi giải nén quá lớn (tối đa %(limit)s MB); có thể tệp bị hỏng.")),
    "too_many_parts": (422, _l("Tệp Excel có quá nhiều thành phần (tối đa %(limit)s).")),
    "too_many_strings": (
        422, _l("Tệp Excel có quá nhiều chuỗi ký tự (tối đa %(limit)s); vui lòng chỉ giữ "
                "bảng dữ liệu cần nhập.")),
    "too_many_rows": (422, _l("Tệp có quá %(limit)s dòng.")),
    "too_many_columns": (422, _l("Dòng %(row)s có quá %(limit)s cột.")),
    "cell_too_long": (422, _l("Dòng %(row)s có ô dài quá %(limit)s ký tự.")),
    "unreadable": (422, _l("Không đọc được tệp. Vui lòng dùng tệp Excel (.xlsx) hoặc CSV.")),
}


class SpreadsheetRejected(DomainError):
    """An upload refused before anything is written; `message` is for the organiser."""

    code = "spreadsheet_rejected"

    def __init__(self, reason: str, *, limit: int | None = None, row: int | None = None
                 ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.limit = limit
        self.row = row
        self.status = REASONS[reason][0]

    @property
    def message(self) -> str:
        shown = self.limit
        if self.reason in ("too_large", "unpacked_too_large") and self.limit:
            shown = max(1, self.limit // (1024 * 1024))
        return str(REASONS[self.reason][1]) % {"limit": shown, "row": self.row}


register_domain_error(SpreadsheetRejected.code, 422, REASONS["unreadable"][1])

Rows = list[tuple[int, list[Any]]]


def read_rows(source: bytes | str | Path | IO[bytes], limits: Limits = Limits(), *,
              csv_allowed: bool = True) -> Rows:
    """(row number, cell values) of the first sheet of an XLSX, or of a CSV (UTF-8 or
    Windows-1258; comma, semicolon or tab), within `limits`. XLSX values keep their types
    (trailing empty cells dropped); CSV values are text. Raises SpreadsheetRejected."""
    data = _bytes_of(source, limits)
    if data[:4] == b"PK\x03\x04":
        return _xlsx_rows(data, limits)
    if not csv_allowed:
        raise SpreadsheetRejected("unreadable")
    return _csv_rows(data, limits)


def _bytes_of(source: bytes | str | Path | IO[bytes], limits: Limits) -> bytes:
    if isinstance(source, bytes):
        data = source
    elif isinstance(source, str | Path):
        try:
            with open(source, "rb") as handle:
                data = handle.read(limits.max_bytes + 1)
        except OSError as err:
            raise SpreadsheetRejected("unreadable") from err
    else:
        data = source.read(limits.max_bytes + 1)
    if len(data) > limits.max_bytes:
        raise SpreadsheetRejected("too_large", limit=limits.max_bytes)
    return data


def _check_cells(number: int, values: Sequence[Any], limits: Limits) -> None:
    if len(values) > limits.max_columns:
        raise SpreadsheetRejected("too_many_columns", limit=limits.max_columns, row=number)
    for value in values:
        if isinstance(value, str) and len(value) > limits.max_cell_chars:
            raise SpreadsheetRejected("cell_too_long", limit=limits.max_cell_chars, row=number)


def _csv_rows(data: bytes, limits: Limits) -> Rows:
    for encoding in ("utf-8-sig", "cp1258"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - cp1258 decodes almost anything
        raise SpreadsheetRejected("unreadable")
    if "\x00" in text:
        raise SpreadsheetRejected("unreadable")
    try:
        dialect: Any = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows: Rows = []
    reader = csv.reader(io.StringIO(text), dialect)
    number = 0
    try:
        for number, values in enumerate(reader, start=1):
            if number > limits.max_rows:
                raise SpreadsheetRejected("too_many_rows", limit=limits.max_rows)
            _check_cells(number, values, limits)
            rows.append((number, values))
    except csv.Error as err:  # e.g. a field over csv.field_size_limit() (128 KB)
        if "field larger than field limit" in str(err):
            raise SpreadsheetRejected("cell_too_long", limit=limits.max_cell_chars,
                                      row=number + 1) from err
        raise SpreadsheetRejected("unreadable") from err
    return rows


SHARED_STRINGS_TYPE = (
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml")


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _shared_string_parts(archive: zipfile.ZipFile) -> set[str]:
    """Every part that openpyxl may read as the shared-strings table: the ones
    [Content_Types].xml declares, and any part named like one."""
    from defusedxml.ElementTree import fromstring

    names = {n for n in archive.namelist() if n.lower().endswith("sharedstrings.xml")}
    try:
        types = fromstring(archive.read("[Content_Types].xml"))
    except KeyError:
        return names
    for item in types:
        if _local(item.tag) == "Override" and item.get("ContentType") == SHARED_STRINGS_TYPE:
            names.add((item.get("PartName") or "").lstrip("/"))
    return {n for n in names if n in archive.NameToInfo}


def _count_shared_strings(archive: zipfile.ZipFile, name: str, limit: int) -> None:
    """Refuse a shared-strings part with more than `limit` strings, by streaming it (the
    declared count may lie); stops as soon as the limit is passed."""
    from defusedxml.ElementTree import iterparse

    count = 0
    root = None
    with archive.open(name) as stream:
        for event, element in iterparse(stream, events=("start", "end")):
            if root is None:
                root = element
                declared = max(_int(element.get("uniqueCount")), _int(element.get("count")))
                if declared > limit:
                    raise SpreadsheetRejected("too_many_strings", limit=limit)
            elif event == "end" and _local(element.tag) == "si":
                count += 1
                if count > limit:
                    raise SpreadsheetRejected("too_many_strings", limit=limit)
                root.clear()


def _int(value: str | None) -> int:
    try:
        return int(value or 0)
    except ValueError:
        return 0


def _check_package(data: bytes, limits: Limits) -> None:
    """Zip-level limits, checked from the central directory before anything is unpacked (the
    zipfile module stops reading a member at its declared size, so these sizes hold)."""
    from xml.etree.ElementTree import ParseError

    from defusedxml import DefusedXmlException

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            if len(members) > limits.max_members:
                raise SpreadsheetRejected("too_many_parts", limit=limits.max_members)
            if sum(m.file_size for m in members) > limits.max_unpacked:
                raise SpreadsheetRejected("unpacked_too_large", limit=limits.max_unpacked)
            for name in _shared_string_parts(archive):
                _count_shared_strings(archive, name, limits.max_shared_strings)
    except SpreadsheetRejected:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ParseError, DefusedXmlException,
            KeyError, OSError, ValueError, RuntimeError, EOFError) as err:
        raise SpreadsheetRejected("unreadable") from err


def _xlsx_rows(data: bytes, limits: Limits) -> Rows:
    _check_package(data, limits)
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as err:  # openpyxl raises many kinds on a malformed package
        raise SpreadsheetRejected("unreadable") from err
    try:
        if not workbook.worksheets:
            raise SpreadsheetRejected("unreadable")
        return list(_sheet_rows(workbook.worksheets[0], limits))
    except SpreadsheetRejected:
        raise
    except Exception as err:  # a malformed worksheet part
        raise SpreadsheetRejected("unreadable") from err
    finally:
        workbook.close()


def _sheet_rows(sheet: Any, limits: Limits) -> Iterator[tuple[int, list[Any]]]:
    # One column and one row past the limits, to tell "at the limit" from "over it"; openpyxl
    # never builds more than that (it fills gaps in the sheet with empty rows lazily).
    for number, values in enumerate(
            sheet.iter_rows(max_row=limits.max_rows + 1, max_col=limits.max_columns + 1,
                            values_only=True), start=1):
        if number > limits.max_rows:
            if any(v is not None for v in values):
                raise SpreadsheetRejected("too_many_rows", limit=limits.max_rows)
            continue
        row = list(values)
        while row and row[-1] is None:
            row.pop()
        _check_cells(number, row, limits)
        yield number, row
