"""A too-large attachment is refused in the browser before anything is sent, with what was
typed kept; the draft comes back when the server's 413 page links back to the form; long file
names wrap instead of widening the page (issue 23, phone comfort)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from contest_app.extensions import db
from contest_app.initiatives import rules
from contest_app.initiatives.forms import DEFAULT_CRITERIA
from contest_app.initiatives.models import Criterion, InitiativeCall
from tests.browser.test_initiatives_journey import log_in
from tests.unit.initiatives.samples import PDF

MB = 1024 * 1024


@pytest.fixture
def call_id(app) -> int:
    with app.app_context():
        now = datetime.now(UTC)
        call = InitiativeCall(
            title="Đợt sáng kiến kiểm tra tệp", submission_deadline=now + timedelta(days=7),
            review_deadline=now + timedelta(days=14), fields=list(rules.REFORM_FIELDS),
            judges_per_submission=1,
            criteria=[Criterion(name=n, description=d, weight=w, scale=s, position=i)
                      for i, (n, d, w, s) in enumerate(DEFAULT_CRITERIA)])
        db.session.add(call)
        db.session.commit()
        return call.id


def fill(page) -> None:
    page.get_by_label("Tên sáng kiến, giải pháp").fill("Một cửa không giấy")
    page.get_by_label("Lĩnh vực").select_option(label="Cải cách thủ tục hành chính")
    page.get_by_label("Thực trạng, vấn đề cần giải quyết").fill("Hồ sơ giấy thất lạc.")
    page.get_by_label("Nội dung giải pháp, điểm mới").fill("Số hoá hồ sơ khi tiếp nhận.")


def test_a_too_large_file_is_refused_before_sending(page, make_user, call_id, tmp_path) -> None:
    log_in(page, make_user())
    page.goto(f"/sang-kien/dot/{call_id}/gui")
    fill(page)
    files = page.get_by_label(re.compile("Tệp đính kèm"))
    big = tmp_path / "Bản vẽ rất lớn.pdf"  # a path: the browser reads it, nothing is copied
    big.write_bytes(PDF + b"0" * (10 * MB + 1 - len(PDF)))
    files.set_input_files(big)
    alert = page.locator("#files-check")
    expect(alert).to_have_text(re.compile("Tệp “Bản vẽ rất lớn.pdf” vượt quá 10 MB. Chưa gửi gì"))
    expect(files).to_have_attribute("aria-invalid", "true")
    posts: list[str] = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    page.get_by_role("button", name="Nộp sáng kiến").click()
    page.wait_for_timeout(300)
    assert posts == [] and page.url.endswith(f"/sang-kien/dot/{call_id}/gui")
    expect(files).to_be_focused()
    expect(page.get_by_label("Tên sáng kiến, giải pháp")).to_have_value("Một cửa không giấy")
    expect(page.get_by_label("Nội dung giải pháp, điểm mới")).to_have_value(
        "Số hoá hồ sơ khi tiếp nhận.")

    # The server's 413 page sends one back with ?khoi_phuc=1: the draft is put back.
    page.goto(f"/sang-kien/dot/{call_id}/gui?khoi_phuc=1")
    expect(page.get_by_role("status").filter(has_text="Đã khôi phục nội dung")).to_be_visible()
    expect(page.get_by_label("Tên sáng kiến, giải pháp")).to_have_value("Một cửa không giấy")
    expect(page.get_by_label("Thực trạng, vấn đề cần giải quyết")).to_have_value(
        "Hồ sơ giấy thất lạc.")
    expect(page.get_by_label("Lĩnh vực")).to_have_value(
        page.get_by_label("Lĩnh vực").locator("option", has_text="Cải cách thủ tục hành chính")
        .get_attribute("value"))
    # Without the marker the form opens empty, as always.
    page.goto(f"/sang-kien/dot/{call_id}/gui")
    expect(page.get_by_label("Tên sáng kiến, giải pháp")).to_have_value("")

    # A file within the limits goes through; its long name wraps on a phone.
    fill(page)
    long_name = "Thuyet_minh_sang_kien_" + "rat_dai_" * 12 + ".pdf"
    files.set_input_files(files=[{"name": long_name, "mimeType": "application/pdf",
                                  "buffer": PDF}])
    expect(page.locator("#files-check")).to_be_hidden()
    page.get_by_role("button", name="Lưu nháp").click()
    expect(page.get_by_text("Đã lưu sáng kiến.")).to_be_visible()
    expect(page.get_by_role("link", name=long_name)).to_be_visible()
    wide = "() => document.scrollingElement.scrollWidth <= document.scrollingElement.clientWidth"
    assert page.evaluate(wide)


def test_the_server_413_page_leads_back_with_the_text_kept(page, make_user, call_id,
                                                           tmp_path) -> None:
    """When the browser check is not there (an old page, a script that failed to load), the
    server refuses the whole request; its page leads back to the form and the draft returns."""
    log_in(page, make_user())
    page.goto(f"/sang-kien/dot/{call_id}/gui")
    fill(page)
    huge = tmp_path / "huge.pdf"
    huge.write_bytes(PDF + b"0" * (33 * MB))  # over MAX_CONTENT_LENGTH (32 MB)
    files = page.get_by_label(re.compile("Tệp đính kèm"))
    files.evaluate("el => ['data-max-bytes', 'data-max-total-bytes', 'data-max-files']"
                   ".forEach(a => el.removeAttribute(a))")
    files.set_input_files(huge)
    page.get_by_role("button", name="Lưu nháp").click()
    expect(page.get_by_role("heading", name="Tệp gửi lên quá lớn")).to_be_visible()
    page.get_by_role("link", name="Quay lại biểu mẫu").click()
    expect(page).to_have_url(re.compile(rf"/sang-kien/dot/{call_id}/gui\?khoi_phuc=1$"))
    expect(page.get_by_label("Tên sáng kiến, giải pháp")).to_have_value("Một cửa không giấy")
    expect(page.get_by_label("Nội dung giải pháp, điểm mới")).to_have_value(
        "Số hoá hồ sơ khi tiếp nhận.")
