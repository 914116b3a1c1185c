"""Share cards: Open Graph / twitter:card metadata with absolute URLs on the contest, round and
public ranking pages, and the contest's 1200×630 PNG card (cached, redrawn on change, 404 when
unpublished)."""

from __future__ import annotations

import io
import re
from datetime import timedelta
from pathlib import Path

from PIL import Image

from contest_app.extensions import db
from contest_app.quiz import share_card
from contest_app.quiz.models import Contest
from tests import factories
from tests.integration.quiz.test_embed_widget import publish, setup_contest

META_RE = re.compile(r'<meta (?:property|name)="([^"]+)" content="([^"]*)">')


def meta(page: str) -> dict[str, str]:
    return dict(META_RE.findall(page))


def check_card_tags(page: str, contest_id: int, url: str) -> dict[str, str]:
    tags = meta(page)
    assert tags["og:image"] == f"http://localhost/cuoc-thi/{contest_id}/the-chia-se.png"
    assert tags["og:image:width"] == "1200" and tags["og:image:height"] == "630"
    assert tags["twitter:card"] == "summary_large_image"
    assert tags["og:url"] == url
    assert tags["og:type"] == "website"
    assert tags["og:title"] and tags["og:description"]
    return tags


def test_share_metadata_on_contest_round_and_ranking_pages(app, client, clock,
                                                            login_as) -> None:
    contest_id, round_id = setup_contest(app, clock)
    tags = check_card_tags(client.get(f"/cuoc-thi/{contest_id}").get_data(as_text=True),
                           contest_id, f"http://localhost/cuoc-thi/{contest_id}")
    assert tags["og:title"] == "Tìm hiểu CCHC tỉnh 2026"
    assert tags["og:description"] == "Mô tả"
    tags = check_card_tags(client.get(f"/vong-thi/{round_id}").get_data(as_text=True),
                           contest_id, f"http://localhost/vong-thi/{round_id}")
    assert tags["og:title"] == "Tìm hiểu CCHC tỉnh 2026 – Tuần 1"
    login_as("organiser")
    assert publish(client, round_id).status_code == 302
    client.post("/tai-khoan/dang-xuat")
    page = client.get(f"/bang-xep-hang/vong-thi/{round_id}?q=&bang=").get_data(as_text=True)
    tags = check_card_tags(page, contest_id, f"http://localhost/bang-xep-hang/vong-thi/{round_id}")
    assert tags["og:title"] == "Bảng xếp hạng – Tìm hiểu CCHC tỉnh 2026 – Tuần 1"
    assert tags["og:description"].startswith("Kết quả Tuần 1, công bố lúc ")
    page = client.get(f"/bang-xep-hang/vong-thi/{round_id}/don-vi").get_data(as_text=True)
    check_card_tags(page, contest_id,
                    f"http://localhost/bang-xep-hang/vong-thi/{round_id}/don-vi")


def test_public_base_url_makes_the_links(app, client, clock, monkeypatch) -> None:
    contest_id, _ = setup_contest(app, clock)
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", "https://hoithi.example.vn/")
    page = client.get(f"/cuoc-thi/{contest_id}", headers={"Host": "evil.example"})
    tags = meta(page.get_data(as_text=True))
    assert tags["og:image"] == f"https://hoithi.example.vn/cuoc-thi/{contest_id}/the-chia-se.png"
    assert tags["og:url"] == f"https://hoithi.example.vn/cuoc-thi/{contest_id}"


def test_card_is_a_1200x630_png_cached_and_redrawn_on_change(app, client, clock) -> None:
    contest_id, _ = setup_contest(app, clock)
    response = client.get(f"/cuoc-thi/{contest_id}/the-chia-se.png")
    assert response.status_code == 200
    assert response.mimetype == "image/png"
    assert "public" in response.headers["Cache-Control"]
    first = response.get_data()
    image = Image.open(io.BytesIO(first))
    assert image.format == "PNG" and image.size == (1200, 630)
    cache = Path(app.instance_path) / "share_cards"
    files = sorted(cache.glob(f"contest-{contest_id}-*.png"))
    assert len(files) == 1
    stamp = files[0].stat().st_mtime_ns
    assert client.get(f"/cuoc-thi/{contest_id}/the-chia-se.png").get_data() == first
    assert files[0].stat().st_mtime_ns == stamp  # served from the cache, not redrawn
    with app.app_context():
        db.session.get(Contest, contest_id).title = "Tìm hiểu pháp luật về CCHC năm 2027"
        db.session.commit()
    second = client.get(f"/cuoc-thi/{contest_id}/the-chia-se.png").get_data()
    assert second != first
    after = sorted(cache.glob(f"contest-{contest_id}-*.png"))
    assert len(after) == 1 and after != files  # the old card is gone
    # A new round's dates change the card too.
    with app.app_context():
        contest = db.session.get(Contest, contest_id)
        factories.round_(db.session, contest, clock.now(), title="Tuần 3",
                         opens_delta=timedelta(days=7), closes_delta=timedelta(days=14))
        db.session.commit()
    assert client.get(f"/cuoc-thi/{contest_id}/the-chia-se.png").get_data() != second


def test_card_text_is_vietnamese_with_dates_and_short_link(app, clock) -> None:
    contest_id, _ = setup_contest(app, clock)
    from contest_app.quiz.share_views import card_text

    with app.test_request_context("/"):
        text = card_text(db.session.get(Contest, contest_id))
    assert text.site == "Hội thi CCHC"
    assert text.title == "Tìm hiểu CCHC tỉnh 2026"
    # Tuần 1 opened 7 days before 25/11/2026 10:00 (Hà Nội) and closed an hour before it.
    assert text.dates == ("Tuần 1: 18/11 – 25/11/2026", "Tuần 2: 25/11 – 02/12/2026")
    assert re.fullmatch(r"localhost/c/tim-hieu-cchc-tinh-2026", text.link)


def test_fonts_draw_vietnamese_diacritics() -> None:
    """Every letter of the title is in the bundled font (no tofu boxes for ạ, ệ, ữ…)."""
    from PIL import ImageDraw, ImageFont

    fonts = Path(__file__).resolve().parents[3] / "static" / "fonts"
    font = ImageFont.truetype(str(fonts / "NotoSans-Bold.ttf"), 40)

    def glyph(letter: str) -> bytes:
        image = Image.new("L", (80, 80))
        ImageDraw.Draw(image).text((10, 10), letter, font=font, fill=255)
        return image.tobytes()

    missing = glyph("漢")  # not in Noto Sans: drawn as the .notdef box
    for letter in "ẠạẶặỆệỮữỰựĐđƠơƯưẫẵỗờ":
        assert glyph(letter) != missing, letter
    text = share_card.CardText("Hội thi CCHC", "Tìm hiểu pháp luật về cải cách hành chính "
                               "năm 2026 dành cho cán bộ, công chức, viên chức và người dân",
                               ("Tuần 1: 01/12 – 07/12/2026",) * 6, "hoithi.vn/c/x")
    image = Image.open(io.BytesIO(share_card.render(text, fonts)))
    assert image.size == (1200, 630)


def test_unpublished_contest_has_no_card(app, client, clock, login_as) -> None:
    contest_id, _ = setup_contest(app, clock, published=False)
    assert client.get(f"/cuoc-thi/{contest_id}/the-chia-se.png").status_code == 404
    login_as("organiser")
    assert client.get(f"/cuoc-thi/{contest_id}/the-chia-se.png").status_code == 404
    assert client.get("/cuoc-thi/999999/the-chia-se.png").status_code == 404
