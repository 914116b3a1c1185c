"""The winners' list for the decision: an XLSX per round and board from the published
snapshot's prize winners, with the CCCD decrypted only there; organisers only; organisers,
judges and board staff never in it."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from contest_app.accounts import services as account_services
from contest_app.accounts.models import User
from contest_app.extensions import db
from contest_app.organiser.models import AuditEvent
from contest_app.participation import crypto
from contest_app.quiz.models import Participation, Round
from contest_app.rankings import services as rankings
from tests import factories
from tests.conftest import login


class Contest:
    def __init__(self, app, clock, make_unit) -> None:
        self.app, self.n = app, 0
        self.unit = make_unit("Sở Tư pháp", headcount=50, block="Khối sở")
        with app.app_context():
            contest = factories.contest(db.session, title="Tìm hiểu CCHC năm 2026",
                                        boards=["Cán bộ, công chức", "Người dân"],
                                        require_cccd=True)
            rnd = factories.round_(db.session, contest, clock.now(), question_count=10,
                                   opens_delta=timedelta(days=-7),
                                   closes_delta=timedelta(hours=-1), title="Tuần 1")
            db.session.commit()
            self.contest_id, self.round_id = contest.id, rnd.id
            self.boards = {b.name: b.id for b in contest.boards}
        self.clock = clock

    def person(self, name: str, board: str, score: int, cccd: str, roles=(), staff=False,
               born: date | None = None) -> int:
        self.n += 1
        key = self.app.config["DATA_KEY"]
        with self.app.app_context():
            user = account_services.create_user(
                db.session, email=f"w{self.n}@example.vn", full_name=name,
                phone=f"0912{self.n:06d}", password="mat-khau-123", unit_id=self.unit.id,
                roles=set(roles))
            user.is_staff, user.date_of_birth = staff, born
            board_id = self.boards[board]
            db.session.add(Participation(
                contest_id=self.contest_id, user_id=user.id, board_id=board_id,
                cccd_hash=crypto.keyed_hash(key, cccd), cccd_cipher=crypto.encrypt(key, cccd)))
            rnd = db.session.get(Round, self.round_id)
            factories.finished_attempt(db.session, rnd, user.id, score, 60_000 + self.n,
                                       rnd.opens_at + timedelta(hours=self.n),
                                       board_id=board_id)
            db.session.commit()
            return user.id

    def publish(self, counts: dict[str, dict[int, int]]) -> None:
        with self.app.app_context():
            rnd = db.session.get(Round, self.round_id)
            for board, levels in counts.items():
                rankings.set_tiers(db.session, None, rnd.contest, rnd.id, self.boards[board],
                                   "individual", levels)
            rankings.publish_round(db.session, None, rnd, self.clock.now())
            db.session.commit()


@pytest.fixture
def world(app, clock, make_unit) -> Contest:
    return Contest(app, clock, make_unit)


def export(client, world, board: str | None = None):
    query = f"?bang={world.boards[board]}" if board else ""
    return client.get(f"/ban-to-chuc/vong-thi/{world.round_id}/danh-sach-dat-giai.xlsx{query}")


def rows_of(response) -> list[list]:
    sheet = load_workbook(io.BytesIO(response.data)).active
    return [[c.value for c in row] for row in sheet.iter_rows()]


def test_winners_list_per_board_formatted_for_the_decision(app, client, login_as,
                                                           world) -> None:
    world.person("Nguyễn Văn An", "Cán bộ, công chức", 10, "066204000001",
                 born=date(1990, 3, 5))
    world.person("Trần Thị Bình", "Cán bộ, công chức", 9, "066204000002")
    world.person("Lê Văn Cường", "Cán bộ, công chức", 5, "066204000003")
    world.person("Organiser Đức", "Cán bộ, công chức", 10, "066204000004",
                 roles={"organiser"})
    world.person("Giám khảo Em", "Cán bộ, công chức", 10, "066204000005", roles={"judge"})
    world.person("Tổ giúp việc Giang", "Cán bộ, công chức", 10, "066204000006", staff=True)
    world.person("Hoàng Thị Hoa", "Người dân", 8, "066204000007")
    world.publish({"Cán bộ, công chức": {1: 1, 2: 1}, "Người dân": {1: 1}})
    login_as("organiser")
    response = export(client, world, "Cán bộ, công chức")
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    assert "danh-sach-dat-giai-vong-" in response.headers["Content-Disposition"]
    rows = rows_of(response)
    assert rows[0][0] == "DANH SÁCH CÁ NHÂN ĐẠT GIẢI"
    assert rows[1][0] == "TÌM HIỂU CCHC NĂM 2026"
    assert rows[2][0] == "Tuần 1 – Bảng: Cán bộ, công chức"
    assert "Quyết định" in rows[3][0]
    header_index = next(i for i, r in enumerate(rows) if r[0] == "STT")
    assert rows[header_index] == ["STT", "Hạng", "Giải", "Họ và tên", "Ngày sinh",
                                  "Đơn vị / Xã, phường",
                                  "Số điện thoại", "Số CCCD", "Ghi chú"]
    winners = [r for r in rows[header_index + 1:] if isinstance(r[0], int)]
    assert [r[:8] for r in winners] == [
        [1, 1, "Giải Nhất", "Nguyễn Văn An", "05/03/1990", "Sở Tư pháp", "0912000001",
         "066204000001"],
        [2, 2, "Giải Nhì", "Trần Thị Bình", None, "Sở Tư pháp", "0912000002",
         "066204000002"],
    ]
    text = str(rows)
    for name in ("Organiser Đức", "Giám khảo Em", "Tổ giúp việc Giang", "Lê Văn Cường",
                 "Hoàng Thị Hoa"):
        assert name not in text
    sheet = load_workbook(io.BytesIO(response.data)).active
    cell = sheet.cell(row=header_index + 2, column=8)
    assert cell.border.left.style == "thin" and cell.number_format == "@"
    assert sheet.column_dimensions["D"].width >= 20
    assert "A1:I1" in [str(r) for r in sheet.merged_cells.ranges]
    citizens = rows_of(export(client, world, "Người dân"))
    assert any(r[3] == "Hoàng Thị Hoa" and r[7] == "066204000007" for r in citizens)
    assert "Nguyễn Văn An" not in str(citizens)
    with app.app_context():
        events = db.session.scalars(select(AuditEvent).where(
            AuditEvent.action == "winners.export")).all()
        assert len(events) == 2 and "0662" not in str([e.after for e in events])


def test_cccd_only_in_this_export(app, client, login_as, world) -> None:
    world.person("Nguyễn Văn An", "Cán bộ, công chức", 10, "066204000001")
    world.publish({"Cán bộ, công chức": {1: 1}})
    login_as("organiser")
    bang = f"?bang={world.boards['Cán bộ, công chức']}"
    base = f"/ban-to-chuc/xep-hang/vong-thi/{world.round_id}"
    live = client.get(base + bang).get_data(as_text=True)
    assert "danh-sach-dat-giai.xlsx" in live  # the link next to the other exports
    for path in (base + bang, base + "/xuat/ca-nhan.xlsx" + bang,
                 base + "/xuat/ca-nhan.csv" + bang,
                 f"/ban-to-chuc/cuoc-thi/{world.contest_id}/nguoi-tham-gia",
                 "/ban-to-chuc/nhat-ky"):
        response = client.get(path)
        assert response.status_code == 200, path
        body = response.data
        if path.endswith(".xlsx" + bang):
            body = str(rows_of(response)).encode()
        assert b"066204000001" not in body, path
    assert "066204000001" in str(rows_of(export(client, world, "Cán bộ, công chức")))


def test_staff_marked_after_publication_is_left_out(app, client, login_as, world) -> None:
    an = world.person("Nguyễn Văn An", "Cán bộ, công chức", 10, "066204000001")
    world.person("Trần Thị Bình", "Cán bộ, công chức", 9, "066204000002")
    world.publish({"Cán bộ, công chức": {1: 1, 2: 1}})
    with app.app_context():
        db.session.get(User, an).is_staff = True
        db.session.commit()
    login_as("organiser")
    rows = rows_of(export(client, world, "Cán bộ, công chức"))
    assert "Nguyễn Văn An" not in str(rows) and "Trần Thị Bình" in str(rows)


def test_staff_never_in_the_public_ranking_or_prize_list(app, client, world) -> None:
    world.person("Tổ giúp việc Giang", "Người dân", 10, "066204000006", staff=True)
    world.person("Giám khảo Em", "Người dân", 10, "066204000005", roles={"judge"})
    world.person("Organiser Đức", "Người dân", 10, "066204000004", roles={"organiser"})
    world.person("Hoàng Thị Hoa", "Người dân", 3, "066204000007")
    world.publish({"Người dân": {1: 1, 2: 1, 3: 1}})
    bang = f"?board_id={world.boards['Người dân']}"
    api = client.get(f"/api/v1/rounds/{world.round_id}/ranking{bang}").get_json()
    assert [(e["full_name"], e["prize"]) for e in api["entries"]] == [
        ("Hoàng Thị Hoa", "Giải Nhất")]
    page = client.get(f"/bang-xep-hang/vong-thi/{world.round_id}?bang="
                      f"{world.boards['Người dân']}").get_data(as_text=True)
    assert "Hoàng Thị Hoa" in page
    for name in ("Tổ giúp việc Giang", "Giám khảo Em", "Organiser Đức"):
        assert name not in page and name not in str(api)


def test_organisers_only_and_404_until_published(app, client, make_user, world) -> None:
    world.person("Nguyễn Văn An", "Cán bộ, công chức", 10, "066204000001")
    url = f"/ban-to-chuc/vong-thi/{world.round_id}/danh-sach-dat-giai.xlsx"
    assert client.get(url).status_code == 302  # anonymous: to the login page
    for roles in (set(), {"judge"}, {"surveyor"}):
        other = app.test_client()
        login(other, make_user(roles=roles).email)
        assert other.get(url).status_code == 403, roles
    organiser = app.test_client()
    login(organiser, make_user(roles={"organiser"}).email)
    assert organiser.get(url).status_code == 404  # nothing published yet
    assert organiser.get("/ban-to-chuc/vong-thi/999999/danh-sach-dat-giai.xlsx"
                         ).status_code == 404
