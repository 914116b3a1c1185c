"""A citizen registers on a phone: "Bạn là" → "Người dân / doanh nghiệp", the ward list narrows
as they type, no unit is asked; then they join the contest's Bảng B, which is open to citizens
only (Bảng A, for officials, refuses them with a clear message)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from playwright.sync_api import expect
from sqlalchemy import select

from contest_app.accounts.models import User, Ward
from contest_app.extensions import db
from contest_app.quiz.models import Participation
from tests import factories


def test_citizen_registers_on_a_phone_and_joins_the_citizens_board(page, app,
                                                                  make_unit) -> None:
    make_unit("Sở Tư pháp")
    with app.app_context():
        db.session.add_all([Ward(name=n) for n in ("Phường 1", "Phường 2", "Xã A")])
        factories.bank(db.session, 6)
        contest = factories.contest(db.session, title="Cuộc thi hai bảng",
                                    boards=["Bảng A", "Bảng B"])
        boards = {b.name: b for b in contest.boards}
        boards["Bảng A"].allowed_kind = "official"
        boards["Bảng B"].allowed_kind = "citizen"
        factories.round_(db.session, contest, datetime.now(UTC), question_count=3,
                         title="Tuần 1")
        db.session.commit()
        contest_id, board_b = contest.id, boards["Bảng B"].id

    page.goto("/tai-khoan/dang-ky")
    expect(page.get_by_role("radio", name="Cán bộ, công chức, viên chức, người lao động")
           ).to_be_checked()
    ward_list = page.get_by_label("Xã, phường nơi cư trú")
    unit_list = page.get_by_label("Đơn vị", exact=True)
    expect(unit_list).to_be_visible()
    expect(ward_list).to_be_hidden()
    page.get_by_role("radio", name="Người dân / doanh nghiệp").check()
    expect(ward_list).to_be_visible()
    expect(unit_list).to_be_hidden()
    # The ward list narrows as one types, without diacritics.
    page.get_by_label("Tìm theo tên xã, phường").fill("xa")
    expect(ward_list.locator("option")).to_have_text(["— Chọn xã, phường —", "Xã A"])
    page.get_by_label("Tìm theo tên xã, phường").fill("phuong")
    expect(ward_list.locator("option")).to_have_count(3)
    ward_list.select_option(label="Phường 2")
    page.get_by_label("Tên doanh nghiệp, tổ chức (nếu có)").fill("Hợp tác xã mẫu")
    page.get_by_label("Họ và tên").fill("Đặng Thị Dân")
    page.get_by_label("Email").fill("nguoidan@example.vn")
    page.get_by_label("Số điện thoại di động").fill("0906222333")
    page.get_by_label("Mật khẩu", exact=True).fill("mat-khau-manh")
    page.get_by_label("Nhập lại mật khẩu").fill("mat-khau-manh")
    # Phone first: nothing sticks out sideways.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.get_by_role("button", name="Đăng ký").click()
    expect(page.get_by_text("Đăng ký thành công")).to_be_visible()
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "nguoidan@example.vn"))
        assert (user.kind, user.unit_id, user.ward.name, user.organisation) == (
            "citizen", None, "Phường 2", "Hợp tác xã mẫu")
        user_id = user.id

    page.goto(f"/cuoc-thi/{contest_id}/tham-gia")
    expect(page.get_by_text("Dành cho người dân, doanh nghiệp")).to_be_visible()
    page.get_by_label("Bảng A").check()
    page.get_by_role("button", name="Xác nhận tham gia").click()
    expect(page.get_by_text(
        "Bảng này chỉ dành cho cán bộ, công chức, viên chức, người lao động.")).to_be_visible()
    page.get_by_label("Bảng B").check()
    page.get_by_role("button", name="Xác nhận tham gia").click()
    expect(page.get_by_role("status").get_by_text("Bạn đã tham gia cuộc thi, bảng Bảng B.")
           ).to_be_visible()
    expect(page).to_have_url(re.compile(rf"/cuoc-thi/{contest_id}$"))
    with app.app_context():
        assert db.session.scalar(select(Participation.board_id).where(
            Participation.user_id == user_id)) == board_b
