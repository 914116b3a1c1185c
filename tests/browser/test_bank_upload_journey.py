"""An organiser loads an Excel file of questions into an empty bank from the browser: preview,
confirm, the questions wait for approval, then a bulk approval with the legal check (issue 15)."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from playwright.sync_api import expect
from sqlalchemy import select

from contest_app.bank.models import Question
from contest_app.bank.services import SHEET_COLUMNS
from contest_app.extensions import db

from .test_surveys_journey import log_in

ROWS = [
    ("MOTCUA-901", "Theo Nghị định 118/2025/NĐ-CP, thủ tục hành chính theo cơ chế một cửa được "
     "thực hiện tại đâu?", ["Tại Bộ phận Một cửa và Cổng Dịch vụ công quốc gia",
                           "Tại trụ sở Hội đồng nhân dân và Mặt trận Tổ quốc các cấp",
                           "Tại bưu điện văn hóa xã và nhà văn hóa các thôn",
                           "Tại trụ sở Ủy ban nhân dân tỉnh và các sở, ngành"], "A"),
    ("MOTCUA-902", "Nghị định 118/2025/NĐ-CP về cơ chế một cửa, một cửa liên thông mang ngày ký "
     "nào?", ["01/3/2025", "12/6/2025", "09/6/2025", "19/02/2025"], "C"),
]


def _sheet(path: Path) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.append([title for _, title in SHEET_COLUMNS])
    keys = [k for k, _ in SHEET_COLUMNS]
    for qid, text, options, answer in ROWS:
        values = {"id": qid, "topic": "one_stop", "difficulty": "easy", "text": text,
                  "answer": answer, "explanation": "Theo Nghị định 118/2025/NĐ-CP ngày 09/6/2025.",
                  "legal_basis": "Nghị định số 118/2025/NĐ-CP ngày 09/6/2025 của Chính phủ",
                  "facts": "C56", "confidence": "secondary", "status": "approved",
                  "pool": "official", "group": ""}
        for letter, option in zip("ABCD", options, strict=True):
            values[f"option_{letter}"] = option
        sheet.append([values.get(k) for k in keys])
    book.save(path)
    return path


def test_organiser_loads_an_excel_bank_and_approves_it(app, page, make_user, tmp_path) -> None:
    organiser = make_user(email="btc-bank@example.vn", roles={"organiser"})
    log_in(page, organiser)
    page.goto("/ban-to-chuc/ngan-hang-cau-hoi/")
    page.get_by_role("link", name="Nhập từ tệp").first.click()
    page.get_by_label("Tệp câu hỏi (Excel .xlsx hoặc YAML .yaml)").set_input_files(
        str(_sheet(tmp_path / "cau-hoi.xlsx")))
    page.get_by_role("button", name="Xem trước").click()
    expect(page.get_by_role("cell", name="MOTCUA-901")).to_be_visible()
    expect(page.get_by_role("alert")).to_have_count(0)  # no error in the file
    with app.app_context():
        assert db.session.scalar(select(Question)) is None  # nothing written before confirming
    page.get_by_role("button", name="Xác nhận nhập").click()
    with app.app_context():
        statuses = set(db.session.scalars(select(Question.status)))
    assert statuses == {"draft"}  # waiting for approval: the legal check was not ticked

    page.goto("/ban-to-chuc/ngan-hang-cau-hoi/")
    page.get_by_label("Chọn câu MOTCUA-901").check()
    page.get_by_label("Chọn câu MOTCUA-902").check()
    page.get_by_label("Thao tác").select_option(label="Duyệt các câu đã chọn")
    page.get_by_label("Tôi xác nhận đã kiểm tra pháp lý phiên bản hiện hành của các câu đã chọn "
                      "(khi duyệt).").check()
    page.get_by_role("button", name="Thực hiện").click()
    with app.app_context():
        assert set(db.session.scalars(select(Question.status))) == {"approved"}
