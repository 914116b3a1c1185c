"""Organiser uploads cannot exhaust a worker: hostile spreadsheets (a CSV field over 128 KB,
millions of shared strings, a zip bomb, an XML entity bomb, absurd rows or columns) are refused
quickly, within bounded memory, with a Vietnamese message and a 4xx status, and nothing is
written."""

from __future__ import annotations

import io
import time
import tracemalloc
import zipfile
from collections.abc import Iterator

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from contest_app.accounts.models import Unit
from contest_app.bank import services as bank_services
from contest_app.exports import Limits, SpreadsheetRejected, read_rows
from contest_app.extensions import db
from contest_app.participation import unit_import
from tests.conftest import csrf_token

PAGE = "/ban-to-chuc/don-vi/nhap"
STRINGS = "xl/sharedStrings.xml"
SHEET = "xl/worksheets/sheet1.xml"


MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml"
# A unit list as Excel writes it: text in the shared-strings table, the sheet pointing at it.
PARTS: dict[str, bytes] = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
        'package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.'
        'openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType='
        f'"application/xml"/><Override PartName="/xl/workbook.xml" ContentType="{TYPE}.sheet.'
        'main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="'
        f'{TYPE}.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="'
        f'{TYPE}.sharedStrings+xml"/></Types>').encode(),
    "_rels/.rels": (
        f'<Relationships xmlns="{RELS}"><Relationship Id="rId1" Type="{DOC}/officeDocument" '
        'Target="xl/workbook.xml"/></Relationships>').encode(),
    "xl/workbook.xml": (
        f'<workbook xmlns="{MAIN}" xmlns:r="{DOC}"><sheets><sheet name="Đơn vị" sheetId="1" '
        'r:id="rId1"/></sheets></workbook>').encode(),
    "xl/_rels/workbook.xml.rels": (
        f'<Relationships xmlns="{RELS}"><Relationship Id="rId1" Type="{DOC}/worksheet" '
        f'Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="{DOC}/sharedStrings" '
        'Target="sharedStrings.xml"/></Relationships>').encode(),
    SHEET: (
        f'<worksheet xmlns="{MAIN}"><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c>'
        '<c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c></row><row r="2">'
        '<c r="A2" t="s"><v>3</v></c><c r="B2" t="s"><v>4</v></c><c r="C2"><v>85</v></c>'
        '</row></sheetData></worksheet>').encode(),
}
FIRST_STRINGS = "<si><t>Tên đơn vị</t></si><si><t>Khối</t></si><si><t>Biên chế</t></si>" \
    "<si><t>Sở Tư pháp</t></si><si><t>Khối sở</t></si>"


def rebuild(replace: dict[str, object] | None = None) -> bytes:
    """The unit list with some parts replaced: bytes, or an iterable of byte chunks that is
    streamed into the zip (so that tens of megabytes never sit in memory at once)."""
    parts: dict[str, object] = {**PARTS, STRINGS: b"".join(shared_strings(0)), **(replace or {})}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as target:
        for name, content in parts.items():
            if isinstance(content, bytes):
                target.writestr(name, content)
            else:
                with target.open(name, "w", force_zip64=True) as stream:
                    for chunk in content:
                        stream.write(chunk)
    return out.getvalue()


def base_xlsx() -> bytes:
    return rebuild()


def shared_strings(count: int, declared: int | None = None) -> Iterator[bytes]:
    """The five strings of the unit list, then `count` more; the declared count may lie."""
    declared = 5 + count if declared is None else declared
    yield (f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN}" count="{declared}" '
           f'uniqueCount="{declared}">{FIRST_STRINGS}').encode()
    block = b"<si><t>S\xe1\xbb\x9f</t></si>" * 10_000
    for _ in range(count // 10_000):
        yield block
    yield b"</sst>"


def send(client, data: bytes, name: str):
    return client.post(PAGE, data={"csrf_token": csrf_token(client, PAGE),
                                   "file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def unit_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Unit.id)))


def refused(app, client, data: bytes, name: str, status: int, message: str) -> None:
    before = unit_count(app)
    started = time.monotonic()
    response = send(client, data, name)
    elapsed = time.monotonic() - started
    page = response.get_data(as_text=True)
    assert response.status_code == status, page[:500]
    assert message in page and "chưa có đơn vị nào được nhập" in page
    assert elapsed < 5, elapsed  # far from gunicorn's 30 s timeout
    assert unit_count(app) == before


def test_csv_field_over_128_kb(app, client, login_as) -> None:
    login_as("organiser")
    data = b"Ten don vi,Khoi\n" + b"A" * 200_000 + b",Khoi so\n"
    refused(app, client, data, "don-vi.csv", 422, "Dòng 2 có ô dài quá 1000 ký tự.")


def test_csv_cell_over_the_cell_limit(app, client, login_as) -> None:
    login_as("organiser")
    data = "Tên đơn vị,Khối\nSở Tư pháp,{}\n".format("K" * 5000).encode()
    refused(app, client, data, "don-vi.csv", 422, "Dòng 2 có ô dài quá 1000 ký tự.")


def test_csv_with_absurd_columns_or_rows(app, client, login_as) -> None:
    login_as("organiser")
    wide = ("Tên đơn vị," + ",".join(["x"] * 5000) + "\n").encode()
    refused(app, client, wide, "rong.csv", 422, "Dòng 1 có quá 50 cột.")
    long = b"Ten don vi\n" + b"So\n" * 200_000
    refused(app, client, long, "dai.csv", 422, "Tệp có quá 5050 dòng.")


def test_xlsx_with_three_million_shared_strings(app, client, login_as) -> None:
    login_as("organiser")
    data = rebuild({STRINGS: shared_strings(3_000_000)})
    assert len(data) < 1024 * 1024  # tiny on the wire
    # 3 million strings unpack past the size limit, which refuses the file before any parsing
    refused(app, client, data, "don-vi.xlsx", 413, "khi giải nén quá lớn (tối đa 20 MB)")


def test_shared_strings_are_counted_even_when_the_count_lies(app, client, login_as) -> None:
    login_as("organiser")
    data = rebuild({STRINGS: shared_strings(1_000_000, declared=5)})
    refused(app, client, data, "don-vi.xlsx", 422, "quá nhiều chuỗi ký tự")


def test_zip_bomb(app, client, login_as) -> None:
    login_as("organiser")
    zeros = (b"\0" * (1024 * 1024) for _ in range(200))  # 200 MB unpacked
    data = rebuild({"xl/media/image1.bin": zeros})
    assert len(data) < 1024 * 1024
    refused(app, client, data, "don-vi.xlsx", 413, "khi giải nén quá lớn (tối đa 20 MB)")


def test_sheet_with_a_million_rows(app, client, login_as) -> None:
    login_as("organiser")
    head = f'<worksheet xmlns="{MAIN}"><sheetData>'.encode()

    def rows():
        yield head
        for start in range(1, 1_000_001, 10_000):
            yield b"".join(b'<row r="%d"><c r="A%d"><v>1</v></c></row>' % (n, n)
                           for n in range(start, start + 10_000))
        yield b"</sheetData></worksheet>"

    refused(app, client, rebuild({SHEET: rows()}), "don-vi.xlsx", 413, "khi giải nén quá lớn")


def test_xml_entity_bomb(app, client, login_as) -> None:
    login_as("organiser")
    lol = (b'<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY a "aaaaaaaaaa">'
           + b"".join(b'<!ENTITY %s "%s">' % (chr(98 + i).encode(),
                                            (b"&" + chr(97 + i).encode() + b";") * 10)
                      for i in range(8))
           + b']><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
             b"<si><t>&i;</t></si></sst>")
    refused(app, client, rebuild({STRINGS: lol}), "don-vi.xlsx", 422, "Không đọc được tệp")


def test_a_normal_file_still_imports(app, client, login_as) -> None:
    sheet = load_workbook(io.BytesIO(base_xlsx())).active  # a real workbook, for openpyxl too
    assert [c.value for c in sheet[2]] == ["Sở Tư pháp", "Khối sở", 85]
    login_as("organiser")
    response = send(client, base_xlsx(), "don-vi.xlsx")
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(Unit.headcount).where(Unit.name == "Sở Tư pháp")) == 85


def test_reading_a_hostile_file_stays_small_in_memory() -> None:
    data = rebuild({STRINGS: shared_strings(1_000_000, declared=5)})
    tracemalloc.start()
    try:
        with pytest.raises(SpreadsheetRejected) as caught:
            unit_import.read_rows(data)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert caught.value.reason == "too_many_strings"
    assert peak < 20 * 1024 * 1024, peak


@pytest.mark.parametrize(("limits", "reason"), [
    (Limits(max_rows=1), "too_many_rows"),
    (Limits(max_columns=2), "too_many_columns"),
    (Limits(max_cell_chars=5), "cell_too_long"),
    (Limits(max_shared_strings=2), "too_many_strings"),
    (Limits(max_members=3), "too_many_parts"),
    (Limits(max_shared_strings=4), "too_many_strings"),
    (Limits(max_unpacked=1000), "unpacked_too_large"),
    (Limits(max_bytes=1000), "too_large"),
])
def test_each_xlsx_limit_is_enforced(limits, reason) -> None:
    data = base_xlsx()
    assert len(read_rows(data)) == 2
    with pytest.raises(SpreadsheetRejected) as caught:
        read_rows(data, limits)
    assert caught.value.reason == reason


def test_bank_import_refuses_a_hostile_sheet_without_crashing(app, tmp_path) -> None:
    path = tmp_path / "bank.xlsx"
    path.write_bytes(rebuild({"xl/media/image1.bin": (b"\0" * (1024 * 1024) for _ in range(300))}))
    with app.app_context():
        records, problems = bank_services.read_xlsx(path, "bank.xlsx")
    assert records == [] and "khi giải nén quá lớn" in problems[0].message
