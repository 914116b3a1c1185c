"""A4 posters (PDF) for a contest and a round: title, dates in Asia/Ho_Chi_Minh, the link as
text and as a large QR code (decoded with zxing-cpp), the organiser; unpublished: 404 for
everyone but organisers; linked from the public and the organiser's contest pages."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import zxingcpp
from pypdf import PdfReader

from contest_app.extensions import db
from contest_app.quiz.models import Round
from tests import factories
from tests.conftest import login


def read(data: bytes) -> tuple[str, list[str]]:
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1
    page = reader.pages[0]
    assert round(float(page.mediabox.width)) == 595 and round(float(page.mediabox.height)) == 842
    text = " ".join(page.extract_text().split())
    links = [r.text for image in page.images for r in zxingcpp.read_barcodes(image.image)]
    return text, links


def _contest(app, published: bool = True):
    with app.app_context():
        contest = factories.contest(db.session, title="Tìm hiểu cải cách hành chính tỉnh 2026",
                                    published=published)
        rnd = Round(contest_id=contest.id, title="Tuần thi thứ nhất", question_count=5,
                    time_limit_s=600, opens_at=datetime(2026, 12, 1, 1, 0, tzinfo=UTC),
                    closes_at=datetime(2026, 12, 7, 13, 0, tzinfo=UTC))
        db.session.add(rnd)
        db.session.commit()
        return contest.id, rnd.id, contest.slug


def test_contest_poster_has_title_dates_link_and_qr(app, client) -> None:
    contest_id, _round_id, slug = _contest(app)
    response = client.get(f"/cuoc-thi/{contest_id}/poster.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text, links = read(response.data)
    assert "TÌM HIỂU CẢI CÁCH HÀNH CHÍNH TỈNH 2026" in text
    assert f"http://localhost/c/{slug}" in text
    assert "BAN TỔ CHỨC HỘI THI" in text
    assert "từ 01/12/2026 08:00 đến 07/12/2026 20:00" in text  # UTC+7
    assert links == [f"http://localhost/c/{slug}"]
    download = client.get(f"/cuoc-thi/{contest_id}/poster.pdf?tai-ve=1")
    assert download.headers["Content-Disposition"].startswith("attachment;")


def test_round_poster_links_the_round_page(app, client) -> None:
    _contest_id, round_id, _slug = _contest(app)
    response = client.get(f"/vong-thi/{round_id}/poster.pdf")
    assert response.status_code == 200
    text, links = read(response.data)
    assert "TUẦN THI THỨ NHẤT" in text and "Tìm hiểu cải cách hành chính tỉnh 2026" in text
    assert f"http://localhost/vong-thi/{round_id}" in text
    assert links == [f"http://localhost/vong-thi/{round_id}"]


def test_poster_uses_the_public_base_url(app, client, monkeypatch) -> None:
    contest_id, _round_id, slug = _contest(app)
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", "https://hoithi.example.gov.vn")
    response = client.get(f"/cuoc-thi/{contest_id}/poster.pdf", headers={"Host": "x.example"})
    text, links = read(response.data)
    assert links == [f"https://hoithi.example.gov.vn/c/{slug}"]


def test_unpublished_poster_is_404_except_for_organisers(app, client, make_user) -> None:
    contest_id, round_id, _slug = _contest(app, published=False)
    urls = (f"/cuoc-thi/{contest_id}/poster.pdf", f"/vong-thi/{round_id}/poster.pdf")
    participant = app.test_client()
    login(participant, make_user().email)
    for url in urls:
        assert client.get(url).status_code == 404
        assert participant.get(url).status_code == 404
    organiser = app.test_client()
    login(organiser, make_user(roles={"organiser"}).email)
    for url in urls:
        response = organiser.get(url)
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "private, no-store"
    assert client.get("/cuoc-thi/999999/poster.pdf").status_code == 404


def test_public_and_organiser_pages_link_the_posters(app, client, make_user) -> None:
    contest_id, round_id, _slug = _contest(app)
    assert f"/cuoc-thi/{contest_id}/poster.pdf" in client.get(
        f"/cuoc-thi/{contest_id}").get_data(as_text=True)
    login(client, make_user(roles={"organiser"}).email)
    page = client.get(f"/ban-to-chuc/cuoc-thi/{contest_id}").get_data(as_text=True)
    assert f"/cuoc-thi/{contest_id}/poster.pdf" in page
    assert f"/vong-thi/{round_id}/poster.pdf" in page
    assert f"/ban-to-chuc/cuoc-thi/{contest_id}/giay-chung-nhan" in page
