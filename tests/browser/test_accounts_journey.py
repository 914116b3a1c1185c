"""Register, log out, log in, see the home page, in a real browser on a phone-sized screen."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect


def open_menu(page: Page) -> None:
    """Open the phone menu and wait until Bootstrap's collapse has finished opening.

    Clicking a link while the menu is still animating sometimes lands on nothing.
    """
    page.get_by_role("button", name="Mở menu").click()
    expect(page.locator("#nav")).to_have_class(re.compile(r"(^|\s)show(\s|$)"))
    expect(page.locator("#nav.collapsing")).to_have_count(0)


def test_register_logout_login(page, make_unit) -> None:
    make_unit("Sở Tư pháp")
    page.goto("/")
    open_menu(page)
    page.get_by_role("link", name="Đăng ký").click()
    expect(page).to_have_url(re.compile(r"/tai-khoan/dang-ky$"), timeout=15000)
    expect(page).to_have_title("Đăng ký tài khoản · Hội thi CCHC")
    page.get_by_label("Họ và tên").fill("Trần Thị Trình Duyệt")
    page.get_by_label("Email").fill("trinhduyet@example.vn")
    page.get_by_label("Số điện thoại di động").fill("0905111222")
    page.get_by_label("Đơn vị").select_option(label="Sở Tư pháp")
    page.get_by_label("Mật khẩu", exact=True).fill("mat-khau-manh")
    page.get_by_label("Nhập lại mật khẩu").fill("mat-khau-manh")
    page.get_by_role("button", name="Đăng ký").click()
    expect(page.get_by_text("Đăng ký thành công")).to_be_visible()

    open_menu(page)
    page.get_by_role("button", name="Đăng xuất").click()
    expect(page.get_by_text("Bạn đã đăng xuất")).to_be_visible()

    open_menu(page)
    page.get_by_role("link", name="Đăng nhập").click()
    page.get_by_label("Email").fill("trinhduyet@example.vn")
    page.get_by_label("Mật khẩu").fill("mat-khau-manh")
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_text("Đăng nhập thành công")).to_be_visible()
    expect(page.get_by_role("heading", name="Các cuộc thi")).to_be_visible()


def test_registration_error_shown_next_to_field(page, make_unit) -> None:
    make_unit("Sở Y tế")
    page.goto("/tai-khoan/dang-ky")
    page.get_by_label("Họ và tên").fill("Lỗi Số Điện Thoại")
    page.get_by_label("Email").fill("loi@example.vn")
    page.get_by_label("Số điện thoại di động").fill("12345")
    page.get_by_label("Đơn vị").select_option(label="Sở Y tế")
    page.get_by_label("Mật khẩu", exact=True).fill("mat-khau-manh")
    page.get_by_label("Nhập lại mật khẩu").fill("mat-khau-manh")
    page.get_by_role("button", name="Đăng ký").click()
    error = page.locator("#phone-error")
    expect(error).to_have_text(
        "Số điện thoại di động phải có 10 chữ số, bắt đầu bằng 03, 05, 07, 08 hoặc 09.")
    expect(page.get_by_label("Số điện thoại di động")).to_have_attribute(
        "aria-describedby", "phone-error phone-help")
    expect(page.get_by_label("Họ và tên")).to_have_value("Lỗi Số Điện Thoại")
