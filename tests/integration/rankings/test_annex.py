"""The award decision's annex for a two-board round, read back with python-docx and openpyxl:
names with diacritics, dates of birth, boards, prize money, totals per level and the signature
block; the excluded entries for the minutes; refusal before publication."""

from __future__ import annotations

import io
from datetime import date

from docx import Document
from openpyxl import load_workbook

from contest_app.extensions import db
from contest_app.quiz.models import Board, Contest
from contest_app.rankings import annex
from contest_app.rankings.services import set_tiers
from tests.conftest import csrf_token

from .test_publish import publish

ADMIN = "/ban-to-chuc/xep-hang"


def _two_board_round(app, world, make_unit, organiser_id: int) -> None:
    unit = make_unit("Sở Tư pháp", headcount=10, block="Khối sở")
    with app.app_context():
        boards = [Board(contest_id=world.contest_id, name=n, position=i)
                  for i, n in enumerate(("Bảng A", "Bảng B"))]
        db.session.add_all(boards)
        db.session.commit()
        a, b = boards[0].id, boards[1].id
        contest = db.session.get(Contest, world.contest_id)
        set_tiers(db.session, organiser_id, contest, world.round_id, a, "individual",
                  {1: 1, 2: 1}, {1: 2_000_000, 2: 1_000_000})
        set_tiers(db.session, organiser_id, contest, world.round_id, b, "individual",
                  {1: 1}, {1: 2_000_000})
        db.session.commit()
    people = [("Nguyễn Thị Ánh Dương", a, 10, date(1990, 5, 17)),
              ("Trần Văn Bảo", a, 9, date(1985, 1, 2)),
              ("Lê Hồng Cúc", a, 3, None),
              ("Phạm Đức Thắng", b, 8, date(2000, 12, 31))]
    for name, board, score, born in people:
        uid = world.person(name, unit_id=unit.id, date_of_birth=born)
        world.attempt(uid, score, 60, board_id=board)


def test_the_annex_covers_all_boards_with_totals_and_signatures(app, client, world,
                                                                make_unit, login_as) -> None:
    organiser = login_as("organiser")
    _two_board_round(app, world, make_unit, organiser.id)
    url = f"{ADMIN}/vong-thi/{world.round_id}/phu-luc-khen-thuong.docx"
    refused = client.get(url)
    assert refused.status_code == 303  # nothing published yet
    publish(client, world.round_id)

    response = client.get(url)
    assert response.status_code == 200
    assert "phu-luc-khen-thuong-cuoc-thi-xep-hang-tuan-1.docx" in response.headers[
        "Content-Disposition"]
    document = Document(io.BytesIO(response.data))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "DANH SÁCH KHEN THƯỞNG" in text and "Cuộc thi xếp hạng" in text
    winners = [[c.text for c in row.cells] for row in document.tables[0].rows]
    assert winners[0] == annex.ANNEX_HEADER
    assert winners[1] == ["1", "Nguyễn Thị Ánh Dương", "17/05/1990", "Sở Tư pháp", "Bảng A",
                          "Giải Nhất", "2.000.000"]
    assert winners[2][1] == "Phạm Đức Thắng" and winners[2][4] == "Bảng B"  # Nhất before Nhì
    assert winners[3][1:3] == ["Trần Văn Bảo", "02/01/1985"] and winners[3][5] == "Giải Nhì"
    assert len(winners) == 4  # Lê Hồng Cúc won nothing
    levels = [[c.text for c in row.cells] for row in document.tables[1].rows]
    assert levels[1] == ["Giải Nhất", "2", "4.000.000"]
    assert levels[2] == ["Giải Nhì", "1", "1.000.000"]
    assert levels[-1] == ["Tổng cộng", "3", "5.000.000"]
    signatures = " ".join(c.text for c in document.tables[2].rows[0].cells)
    assert "NGƯỜI LẬP BIỂU" in signatures and "TM. BAN TỔ CHỨC" in signatures

    sheet = load_workbook(io.BytesIO(client.get(url.replace(".docx", ".xlsx")).data)).active
    values = [[c for c in row if c is not None] for row in sheet.iter_rows(values_only=True)]
    flat = [v for row in values for v in row]
    assert "Nguyễn Thị Ánh Dương" in flat and "17/05/1990" in flat
    assert ["Tổng cộng", 3, "5.000.000"] in values
    assert "TM. BAN TỔ CHỨC" in flat and "NGƯỜI LẬP BIỂU" in flat


def test_excluded_entries_for_the_minutes(app, client, world, make_unit, login_as) -> None:
    unit = make_unit("Sở Y tế")
    uid = world.person("Võ Thị Lan", unit_id=unit.id)
    world.attempt(uid, 10, 30)
    login_as("organiser")
    token = csrf_token(client, f"{ADMIN}/vong-thi/{world.round_id}")
    client.post(f"{ADMIN}/vong-thi/{world.round_id}/loai-bai",
                data={"csrf_token": token, "user_id": uid, "reason": "=Nộp hộ người khác"})
    response = client.get(f"{ADMIN}/cuoc-thi/{world.contest_id}/bai-bi-loai.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = [r for r in sheet.iter_rows(values_only=True) if r[0] == 1]
    assert rows and rows[0][1] == "Võ Thị Lan" and rows[0][4] == "Tuần 1"
    assert rows[0][5] == "'=Nộp hộ người khác"  # typed text never becomes a formula
    document = Document(io.BytesIO(client.get(
        f"{ADMIN}/cuoc-thi/{world.contest_id}/bai-bi-loai.docx").data))
    cells = [c.text for c in document.tables[0].rows[1].cells]
    assert "Võ Thị Lan" in cells and "=Nộp hộ người khác" in cells


def test_paperwork_is_for_organisers_only(client, world, login_as) -> None:
    login_as("participant")
    assert client.get(f"{ADMIN}/vong-thi/{world.round_id}/phu-luc-khen-thuong.docx"
                      ).status_code == 403
    assert client.get(f"{ADMIN}/cuoc-thi/{world.contest_id}/bai-bi-loai.xlsx").status_code == 403


def test_unknown_format_is_404(client, world, login_as) -> None:
    login_as("organiser")
    assert client.get(f"{ADMIN}/vong-thi/{world.round_id}/phu-luc-khen-thuong.pdf"
                      ).status_code == 404


def test_totals_rules() -> None:
    rows = [annex.AnnexRow("A", None, "", "", 1, "Giải Nhất", 100),
            annex.AnnexRow("B", None, "", "", 1, "Giải Nhất", 100),
            annex.AnnexRow("C", None, "", "", 2, "Giải Nhì", None)]
    levels = annex.totals(rows)
    assert [(t.level, t.people, t.total) for t in levels] == [(1, 2, 200), (2, 1, None)]
    assert annex.grand_total(levels) is None
    assert annex.money(1234567) == "1.234.567" and annex.money(None) == ""
    assert annex.file_stem("Phụ lục", "Tìm hiểu CCHC 2026!") == "phu-luc-tim-hieu-cchc-2026"


def test_participants_list_with_attempts_best_score_and_export(app, client, world, make_unit,
                                                               login_as) -> None:
    from contest_app.quiz.models import Participation

    unit = make_unit("Sở Tài chính")
    uid = world.person("Đặng Thu Hà", unit_id=unit.id)
    world.attempt(uid, 6, 60, number=1)
    world.attempt(uid, 8, 60, number=2)
    with app.app_context():
        db.session.add(Participation(contest_id=world.contest_id, user_id=uid))
        db.session.commit()
    login_as("organiser")
    page = client.get(f"/ban-to-chuc/cuoc-thi/{world.contest_id}/nguoi-tham-gia")
    html = page.get_data(as_text=True)
    assert "Đặng Thu Hà" in html and "Sở Tài chính" in html
    assert '<td class="text-end">2</td><td class="text-end">8</td>' in html
    export = client.get(f"/ban-to-chuc/cuoc-thi/{world.contest_id}/nguoi-tham-gia.xlsx")
    assert export.status_code == 200
    assert "nguoi-tham-gia-cuoc-thi-xep-hang.xlsx" in export.headers["Content-Disposition"]
    rows = list(load_workbook(io.BytesIO(export.data)).active.iter_rows(values_only=True))
    assert rows[1][1:5] == ("Đặng Thu Hà", "p1@example.vn", "Sở Tài chính", None)  # no board
    assert rows[1][6:] == (2, 8)
