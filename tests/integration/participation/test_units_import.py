"""Importing units with block and headcount from XLSX or CSV: blocks created as needed,
existing units updated by name, bad rows reported by row number and nothing imported."""

from __future__ import annotations

import io

from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from contest_app.accounts.models import Block, Unit
from contest_app.extensions import db
from contest_app.organiser.models import AuditEvent
from tests.conftest import csrf_token

PAGE = "/ban-to-chuc/don-vi/nhap"


def xlsx(rows: list[list]) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def send(client, data: bytes, name: str):
    return client.post(PAGE, data={"csrf_token": csrf_token(client, PAGE),
                                   "file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def snapshot(app) -> list[tuple]:
    """Units other than those the user factory makes for each account ("Đơn vị n")."""
    with app.app_context():
        return sorted(
            (u.name, u.block.name if u.block else None, u.headcount)
            for u in db.session.scalars(select(Unit)) if not u.name.startswith("Đơn vị "))


def test_import_creates_updates_and_makes_blocks(app, client, login_as, make_unit) -> None:
    make_unit("Sở Tư pháp", headcount=10, block="Khối sở, ban, ngành")
    organiser = login_as("organiser")
    data = xlsx([["Tên đơn vị", "Khối", "Biên chế"],
                 ["SỞ TƯ PHÁP", "Khối sở, ban, ngành", 85],
                 ["UBND phường Tân Lập", "Khối xã, phường", "1.200"],
                 ["Trung tâm Phục vụ hành chính công", "Khối đơn vị sự nghiệp", None]])
    response = send(client, data, "don-vi.xlsx")
    assert response.status_code == 302 and response.location.endswith("/ban-to-chuc/don-vi")
    units = snapshot(app)
    assert ("SỞ TƯ PHÁP", "Khối sở, ban, ngành", 85) in units
    assert ("UBND phường Tân Lập", "Khối xã, phường", 1200) in units
    assert ("Trung tâm Phục vụ hành chính công", "Khối đơn vị sự nghiệp", None) in units
    with app.app_context():
        assert db.session.scalar(select(func.count(Block.id))) == 3
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "units.import"))
        assert event.actor_id == organiser.id
        assert event.after == {"created": 2, "updated": 1, "unchanged": 0,
                               "blocks_created": 2}
    page = client.get("/ban-to-chuc/don-vi").get_data(as_text=True)
    assert "2 đơn vị mới, 1 đơn vị cập nhật" in page and "1.200" in page
    # The same file again changes nothing.
    send(client, data, "don-vi.xlsx")
    assert snapshot(app) == units


def test_csv_import(app, client, login_as) -> None:
    login_as("organiser")
    text = "Tên đơn vị;Khối;Biên chế\r\nSở Nội vụ;Khối sở;64\r\nXã Ea Kao;Khối xã;\r\n"
    assert send(client, text.encode("utf-8-sig"), "don-vi.csv").status_code == 302
    assert snapshot(app) == [("Sở Nội vụ", "Khối sở", 64), ("Xã Ea Kao", "Khối xã", None)]


def test_bad_rows_reported_and_nothing_imported(app, client, login_as, make_unit) -> None:
    make_unit("Sở Tư pháp", headcount=10, block="Khối sở")
    login_as("organiser")
    before = snapshot(app)
    data = xlsx([["Tên đơn vị", "Khối", "Biên chế"],
                 ["Sở Tư pháp", "Khối mới", 99],
                 ["Sở Y tế", "Khối sở", "nhiều"],
                 [None, "Khối sở", 3],
                 ["Sở Tài chính", "Khối sở", -1],
                 ["Sở Y Tế", "Khối sở", 4]])
    response = send(client, data, "loi.xlsx")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "chưa có đơn vị nào được nhập" in page
    for row, message in ((3, "không phải số nguyên không âm"), (4, "Thiếu tên đơn vị"),
                         (5, "không phải số nguyên không âm"), (6, "trùng với dòng 3")):
        assert f"<td>{row}</td><td>" in page and message in page
    assert "<td>2</td>" not in page
    assert snapshot(app) == before
    with app.app_context():
        assert db.session.scalar(select(Block.id).where(Block.name == "Khối mới")) is None


def test_unreadable_or_missing_file(app, client, login_as) -> None:
    login_as("organiser")
    for data, name, message in (
            (b"PK\x03\x04garbage", "x.xlsx", "Không đọc được tệp"),
            (b"a,b\n1,2\n", "x.csv", "Không tìm thấy dòng tiêu đề"),
            (b"", "x.csv", "Vui lòng chọn tệp")):
        response = send(client, data, name)
        assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert snapshot(app) == []


def test_permissions_and_template(app, client, login_as) -> None:
    assert client.get(PAGE).status_code == 302
    login_as("participant")
    assert client.get(PAGE).status_code == 403
    assert send(client, xlsx([["Tên đơn vị"], ["Sở X"]]), "x.xlsx").status_code == 403
    assert snapshot(app) == []


def test_template_download_and_links(client, login_as) -> None:
    login_as("organiser")
    response = client.get("/ban-to-chuc/don-vi/mau-nhap-don-vi.xlsx")
    sheet = load_workbook(io.BytesIO(response.data)).active
    assert [c.value for c in sheet[1]] == ["Tên đơn vị", "Khối", "Biên chế"]
    assert PAGE in client.get("/ban-to-chuc/don-vi").get_data(as_text=True)
    assert PAGE in client.get("/ban-to-chuc/").get_data(as_text=True)


def test_units_edited_in_the_browser_keep_block_and_headcount(app, client, login_as,
                                                              make_unit) -> None:
    unit = make_unit("Sở Công Thương", headcount=5, block="Khối sở")
    login_as("organiser")
    url = f"/ban-to-chuc/don-vi/{unit.id}"
    with app.app_context():
        block_id = db.session.scalar(select(Block.id))
    response = client.post(url, data={"csrf_token": csrf_token(client, url),
                                      "name": "Sở Công Thương", "block_id": block_id,
                                      "headcount": 77, "active": "y"})
    assert response.status_code == 302
    assert snapshot(app) == [("Sở Công Thương", "Khối sở", 77)]
