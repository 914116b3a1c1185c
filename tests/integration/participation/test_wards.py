"""The province's communes and wards (xã, phường): imported from XLSX or CSV like units (bad
rows reported by number, nothing imported; the same file twice changes nothing), listed,
added, renamed, and deleted only while nobody registered with them."""

from __future__ import annotations

import io

from openpyxl import Workbook, load_workbook
from sqlalchemy import select

from contest_app.accounts.models import Unit, Ward
from contest_app.extensions import db
from contest_app.organiser.models import AuditEvent
from tests.conftest import csrf_token

LIST = "/ban-to-chuc/xa-phuong"
PAGE = LIST + "/nhap"


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


def wards(app) -> list[tuple[str, str | None]]:
    with app.app_context():
        return sorted((w.name, w.code) for w in db.session.scalars(select(Ward)))


def test_import_creates_updates_and_is_idempotent(app, client, login_as) -> None:
    with app.app_context():
        db.session.add(Ward(name="Phường 1"))
        db.session.commit()
    organiser = login_as("organiser")
    data = xlsx([["Tên xã, phường", "Mã"], ["PHƯỜNG 1", "00011"], ["Xã A", None],
                 ["Xã B", 123]])
    response = send(client, data, "xa-phuong.xlsx")
    assert response.status_code == 302 and response.location.endswith(LIST)
    assert wards(app) == [("PHƯỜNG 1", "00011"), ("Xã A", None), ("Xã B", "123")]
    page = client.get(LIST).get_data(as_text=True)
    assert "2 xã, phường mới, 1 cập nhật, 0 không đổi" in page
    assert "Xã A" in page and "00011" in page
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "wards.import"))
        assert event.actor_id == organiser.id
    # The same file again changes nothing; wards are never units.
    assert send(client, data, "xa-phuong.xlsx").status_code == 302
    assert "0 xã, phường mới, 0 cập nhật, 3 không đổi" in client.get(LIST).get_data(
        as_text=True)
    assert wards(app) == [("PHƯỜNG 1", "00011"), ("Xã A", None), ("Xã B", "123")]
    with app.app_context():
        names = set(db.session.scalars(select(Unit.name)))
        assert not names & {"PHƯỜNG 1", "Xã A", "Xã B"}


def test_csv_import(app, client, login_as) -> None:
    login_as("organiser")
    text = "Xã, phường;Mã\r\nPhường 2;\r\nXã C;77\r\n"
    assert send(client, text.encode("utf-8-sig"), "xa.csv").status_code == 302
    assert wards(app) == [("Phường 2", None), ("Xã C", "77")]


def test_bad_rows_reported_and_nothing_imported(app, client, login_as) -> None:
    login_as("organiser")
    data = xlsx([["Tên xã, phường", "Mã"], ["Xã A", "1"], [None, "2"], ["xã a", "3"],
                 ["Xã D", "x" * 21], ["X" * 256, None]])
    response = send(client, data, "loi.xlsx")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "chưa có xã, phường nào được nhập" in page
    for row, message in ((3, "Thiếu tên xã, phường"), (4, "Tên xã, phường trùng với dòng 2"),
                         (5, "Mã xã, phường dài quá 20 ký tự"),
                         (6, "Tên xã, phường dài quá 255 ký tự")):
        assert f"<td>{row}</td><td>{message}" in page
    assert "<td>2</td>" not in page
    assert wards(app) == []


def test_unreadable_or_missing_file(app, client, login_as) -> None:
    login_as("organiser")
    for data, name, message in (
            (b"PK\x03\x04garbage", "x.xlsx", "Không đọc được tệp"),
            (b"a,b\n1,2\n", "x.csv", "Không tìm thấy dòng tiêu đề có cột “Tên xã, phường”"),
            (b"", "x.csv", "Vui lòng chọn tệp danh sách xã, phường")):
        response = send(client, data, name)
        assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert wards(app) == []


def test_organisers_only(app, client, login_as) -> None:
    assert client.get(PAGE).status_code == 302
    login_as("participant")
    for url in (PAGE, LIST, LIST + "/mau-nhap-xa-phuong.xlsx"):
        assert client.get(url).status_code == 403
    assert send(client, xlsx([["Tên xã, phường"], ["Xã A"]]), "x.xlsx").status_code == 403
    assert wards(app) == []


def test_template_and_links(app, client, login_as) -> None:
    login_as("organiser")
    response = client.get(LIST + "/mau-nhap-xa-phuong.xlsx")
    sheet = load_workbook(io.BytesIO(response.data)).active
    assert [c.value for c in sheet[1]] == ["Tên xã, phường", "Mã"]
    # The template imports as it is.
    assert send(client, response.data, "mau.xlsx").status_code == 302
    assert [n for n, _ in wards(app)] == ["Phường 1", "Xã A"]
    dashboard = client.get("/ban-to-chuc/").get_data(as_text=True)
    assert PAGE in dashboard and f'href="{LIST}"' in dashboard
    assert PAGE in client.get(LIST).get_data(as_text=True)


def test_add_rename_and_delete(app, client, login_as, make_user) -> None:
    login_as("organiser")
    empty = client.get(LIST).get_data(as_text=True)
    assert "Chưa có xã, phường nào." in empty
    token = csrf_token(client, LIST)
    assert client.post(LIST, data={"csrf_token": token, "name": " Xã  A ",
                                   "code": ""}).status_code == 302
    clash = client.post(LIST, data={"csrf_token": token, "name": "xã a"})
    assert clash.status_code == 422 and "Đã có xã, phường với tên này." in clash.get_data(
        as_text=True)
    with app.app_context():
        ward_id = db.session.scalar(select(Ward.id))
    renamed = client.post(f"{LIST}/{ward_id}/doi-ten", data={
        "csrf_token": token, f"w{ward_id}-name": "Xã An", f"w{ward_id}-code": "9"})
    assert renamed.status_code == 302
    assert wards(app) == [("Xã An", "9")]
    # Deleting asks for confirmation, and is refused while someone registered with it.
    assert client.post(f"{LIST}/{ward_id}/xoa", data={"csrf_token": token}).status_code == 303
    make_user(kind="citizen", unit_id=None, ward_id=ward_id)
    refused = client.post(f"{LIST}/{ward_id}/xoa", data={"csrf_token": token,
                                                         "confirm": "yes"})
    assert refused.status_code == 303 and wards(app) == [("Xã An", "9")]
    assert "Không thể xóa xã, phường đã có người đăng ký" in client.get(LIST).get_data(
        as_text=True)
    token = csrf_token(client, LIST)
    client.post(LIST, data={"csrf_token": token, "name": "Xã B"})
    with app.app_context():
        spare = db.session.scalar(select(Ward.id).where(Ward.name == "Xã B"))
    assert client.post(f"{LIST}/{spare}/xoa", data={"csrf_token": token,
                                                    "confirm": "yes"}).status_code == 302
    assert wards(app) == [("Xã An", "9")]
