"""Issue 19's "Done when", in a browser: the organiser downloads the contest's QR poster (its
text carries the short link); a page on another origin frames the embed widget, which renders,
while an ordinary page is refused in a frame; the organiser publishes a round's results with
the page's button and the notifications go out (console mail backend); a participant on a
phone downloads their certificate from "Kết quả của tôi", its QR code decodes to the
verification page, which shows their name and result."""

from __future__ import annotations

import io
import re
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import zxingcpp
from playwright.sync_api import expect
from pypdf import PdfReader

from contest_app import mail
from contest_app.extensions import db
from contest_app.rankings.models import PrizeTier
from tests import factories
from tests.conftest import PASSWORD

CONTEST = "Hội thi tìm hiểu cải cách hành chính 2026"
WINNER = "Nguyễn Thị Ánh"


class Portal:
    """Another origin (another host name and port): a tiny http.server whose one page frames
    the widget and an ordinary page of the site."""

    def __init__(self) -> None:
        self.body = b""
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802  (http.server's name)
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(owner.body)))
                self.end_headers()
                self.wfile.write(owner.body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.origin = f"http://localhost:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)


@pytest.fixture
def portal() -> Iterator[Portal]:
    site = Portal()
    site.thread.start()
    yield site
    site.server.shutdown()
    site.server.server_close()
    site.thread.join(timeout=5)


def sign_in(page, email: str) -> None:
    page.goto("/tai-khoan/dang-nhap")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_text("Đăng nhập thành công")).to_be_visible()


def downloaded(page, click) -> bytes:
    with page.expect_download() as info:
        click()
    with open(info.value.path(), "rb") as handle:
        return handle.read()


def pdf_text(data: bytes) -> str:
    return " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages).split())


def test_poster_widget_publication_mail_and_certificate(page, browser, live_server, app,
                                                        make_user, monkeypatch, portal) -> None:
    now = datetime.now(UTC)
    organiser = make_user(roles={"organiser"}, email="btc@example.vn")
    winner = make_user(email="anh@example.vn", full_name=WINNER)
    runner_up = make_user(email="binh@example.vn", full_name="Trần Văn Bình")
    with app.app_context():
        contest = factories.contest(db.session, title=CONTEST, certificates=True)
        rnd = factories.round_(db.session, contest, now, title="Tuần thi thứ nhất",
                               opens_delta=timedelta(days=-7), closes_delta=timedelta(hours=-1))
        factories.round_(db.session, contest, now, title="Tuần thi thứ hai")
        factories.finished_attempt(db.session, rnd, winner.id, 5, 200_000,
                                   now - timedelta(days=2))
        factories.finished_attempt(db.session, rnd, runner_up.id, 4, 250_000,
                                   now - timedelta(days=2))
        db.session.add(PrizeTier(contest_id=contest.id, round_id=rnd.id, level=1,
                                 name="Giải Nhất", count=1))
        db.session.commit()
        contest_id, round_id, slug = contest.id, rnd.id, contest.slug
    # Embedding is allowed from https origins by default; the test portal is plain http.
    assert live_server.app.config["EMBED_ALLOWED_ORIGINS"] == "https:"
    monkeypatch.setitem(live_server.app.config, "EMBED_ALLOWED_ORIGINS", portal.origin)
    mail.outbox.clear()

    staff = browser.new_context(base_url=live_server.url, locale="vi-VN",
                                viewport={"width": 1280, "height": 900})
    staff.set_default_timeout(10_000)
    desk = staff.new_page()
    try:
        # 1. The organiser downloads the contest's QR poster: it carries the short link.
        sign_in(desk, organiser.email)
        desk.goto(f"/ban-to-chuc/cuoc-thi/{contest_id}")
        poster = downloaded(desk, lambda: desk.get_by_role(
            "link", name="Tải áp phích A4 để in (PDF)").click())
        assert f"{live_server.url}/c/{slug}" in pdf_text(poster)

        # 2. A portal on another origin frames the widget; an ordinary page is refused.
        portal.body = (
            "<!doctype html><html><body><h1>Cổng thông tin</h1>"
            f'<iframe id="widget" src="{live_server.url}/nhung/cuoc-thi/{contest_id}" '
            'width="360" height="300"></iframe>'
            f'<iframe id="page" src="{live_server.url}/cuoc-thi/{contest_id}" '
            'width="360" height="300"></iframe></body></html>').encode()
        responses = []
        desk.on("response", lambda r: responses.append((r.url, r.status)))
        desk.goto(f"{portal.origin}/tin-tuc")
        expect(desk.frame_locator("#widget").get_by_text(CONTEST)).to_be_visible()
        widget = desk.locator("#widget").element_handle().content_frame()
        assert widget.url == f"{live_server.url}/nhung/cuoc-thi/{contest_id}"
        # The contest page was served, but its headers (frame-ancestors 'none',
        # X-Frame-Options DENY) make the browser refuse to show it in the frame.
        assert (f"{live_server.url}/cuoc-thi/{contest_id}", 200) in responses
        blocked = desk.locator("#page").element_handle().content_frame()
        assert blocked.url.startswith("chrome-error:")
        expect(desk.frame_locator("#page").get_by_text(CONTEST)).to_have_count(0)

        # 3. The organiser publishes the round's results: everyone ranked hears of it.
        desk.goto(f"/ban-to-chuc/xep-hang/vong-thi/{round_id}")
        desk.get_by_label("Tôi đã kiểm tra và xác nhận công bố").check()
        desk.get_by_role("button", name="Công bố bảng xếp hạng").click()
        expect(desk.get_by_text("Đã công bố bảng xếp hạng.")).to_be_visible()
        subjects = sorted((m.to, m.subject) for m in mail.outbox)
        assert ("anh@example.vn", f"Kết quả Tuần thi thứ nhất – {CONTEST}") in subjects
        assert ("binh@example.vn", f"Kết quả Tuần thi thứ nhất – {CONTEST}") in subjects
        assert ("anh@example.vn",
                f"Chúc mừng bạn đoạt giải Tuần thi thứ nhất – {CONTEST}") in subjects
    finally:
        staff.close()

    # 4. The winner, on a phone, downloads the certificate; its QR code leads to the
    # verification page, which shows their name and result.
    assert page.viewport_size == {"width": 390, "height": 844}
    sign_in(page, winner.email)
    page.goto("/ket-qua-cua-toi")
    certificate = downloaded(page, lambda: page.get_by_role(
        "link", name="Tải giấy chứng nhận đạt giải (PDF)").click())
    assert WINNER in pdf_text(certificate) and "Giải Nhất" in pdf_text(certificate)
    links = [r.text for p in PdfReader(io.BytesIO(certificate)).pages for image in p.images
             for r in zxingcpp.read_barcodes(image.image)]
    verify = next(link for link in links if "/xac-minh/" in link)
    assert re.fullmatch(rf"{re.escape(live_server.url)}/xac-minh/[A-HJ-NP-Z2-9]{{10}}", verify)
    page.goto(verify)
    expect(page.get_by_text("Giấy chứng nhận hợp lệ")).to_be_visible()
    main = page.locator("#main")
    expect(main.get_by_text(WINNER, exact=True)).to_be_visible()
    expect(main.get_by_text("Giải Nhất", exact=True)).to_be_visible()
    expect(main.get_by_text(CONTEST, exact=True)).to_be_visible()
