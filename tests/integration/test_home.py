"""The home page's first screen (the featured contest's countdown, participants so far, "Vào
thi"), what follows (latest winners, documents), the favicon, and the error pages in
Vietnamese in the site's layout (JSON for the API)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from contest_app import create_app
from contest_app.extensions import db
from contest_app.quiz.models import Contest
from contest_app.rankings import services as rankings
from tests import factories
from tests.conftest import make_test_config
from tests.integration.quiz.test_embed_widget import NAMES, publish, setup_contest

API_CONTESTS = "api.list_contests"


def test_home_features_the_open_round_with_countdown_count_and_enter(app, client,
                                                                     clock) -> None:
    contest_id, _ = setup_contest(app, clock)
    with app.app_context():
        factories.contest(db.session, title="Cuộc thi khác, chưa có vòng")
        db.session.commit()
    page = client.get("/").get_data(as_text=True)
    hero = page[page.index('class="contest-hero'):page.index("</section>")]
    assert "Tìm hiểu CCHC tỉnh 2026" in hero and "Tuần 2" in hero
    # Tuần 2 closes at 02/12/2026 10:00 in Hà Nội; the server's time for the countdown.
    assert "Kết thúc lúc 02/12/2026 10:00 (giờ Việt Nam)" in hero
    assert 'data-end="2026-12-02T03:00:00+00:00"' in hero
    assert 'data-server-now="2026-11-25T03:00:00+00:00"' in hero
    assert "<strong class=\"fs-4\">6</strong> người đã tham gia" in hero
    with app.app_context():
        open_round = db.session.get(Contest, contest_id).rounds[-1]
    assert f'href="/vong-thi/{open_round.id}">Vào thi</a>' in hero
    assert 'src="/static/js/home.js"' in page and "<script>" not in page


def test_home_without_an_open_round_says_so(app, client, clock) -> None:
    with app.app_context():
        contest = factories.contest(db.session, title="Cuộc thi đã xong")
        factories.round_(db.session, contest, clock.now(), opens_delta=timedelta(days=-9),
                         closes_delta=timedelta(days=-2))
        db.session.commit()
    page = client.get("/").get_data(as_text=True)
    assert "Hiện chưa có vòng thi nào đang mở." in page and "Vào thi" not in page
    assert "Xem cuộc thi" in page


def test_home_shows_the_latest_winners_and_documents(app, client, clock, login_as) -> None:
    contest_id, round_id = setup_contest(app, clock)
    with app.app_context():
        contest = db.session.get(Contest, contest_id)
        rankings.set_tiers(db.session, None, contest, round_id, None, "individual",
                           {1: 1, 2: 1})
        from contest_app.participation.models import ContestDocument

        db.session.add(ContestDocument(contest_id=contest_id, kind="rules", title="Thể lệ 2026",
                                       original_name="the-le.pdf", stored_name="x.pdf",
                                       size=2048, content_type="application/pdf",
                                       uploaded_at=clock.now()))
        db.session.commit()
    assert "Kết quả mới công bố" not in client.get("/").get_data(as_text=True)
    login_as("organiser")
    assert publish(client, round_id).status_code == 302
    page = client.get("/").get_data(as_text=True)
    section = page[page.index("Kết quả mới công bố: Tuần 1"):]
    assert "Giải Nhất" in section and NAMES[0] in section and NAMES[1] in section
    assert NAMES[2] not in section.split("Xem bảng xếp hạng đầy đủ")[0]
    assert "Thể lệ 2026" in page and "(PDF, 2 KB)" in page
    # Everything below comes after the first screen's button.
    assert page.index("Vào thi") < page.index("Kết quả mới công bố")


def test_participant_count_is_cached_briefly(app, database_url, clock) -> None:
    contest_id, _ = setup_contest(app, clock)
    cached = create_app(make_test_config(database_url, CACHE_TYPE="SimpleCache",
                                         PUBLIC_PAGE_SECONDS=0, HOME_COUNT_SECONDS=60))
    from contest_app.main import home

    with cached.app_context():
        assert home.cached_participant_count(db.session, contest_id) == 6
        contest = db.session.get(Contest, contest_id)
        closed = contest.rounds[0]
        from contest_app.accounts import services as account_services

        user = account_services.create_user(
            db.session, email="moi@example.vn", full_name="Người Mới", phone="0988000111",
            password="mat-khau-123", unit_id=None, roles=set())
        db.session.flush()
        factories.finished_attempt(db.session, closed, user.id, 5, 60_000, clock.now())
        db.session.commit()
        assert home.participant_count(db.session, contest_id) == 7
        assert home.cached_participant_count(db.session, contest_id) == 6  # still the cached
        from contest_app.extensions import cache

        cache.clear()
        assert home.cached_participant_count(db.session, contest_id) == 7


def test_favicon_is_served_and_linked(app, client) -> None:
    page = client.get("/").get_data(as_text=True)
    assert 'href="/static/img/favicon.svg" type="image/svg+xml"' in page
    assert 'href="/static/img/favicon-32.png" type="image/png" sizes="32x32"' in page
    svg = client.get("/static/img/favicon.svg")
    assert svg.status_code == 200 and svg.mimetype == "image/svg+xml"
    png = client.get("/static/img/favicon-32.png")
    assert png.status_code == 200 and png.data[:8] == b"\x89PNG\r\n\x1a\n"
    from io import BytesIO

    from PIL import Image

    assert Image.open(BytesIO(png.data)).size == (32, 32)
    ico = client.get("/favicon.ico")
    assert ico.status_code == 200 and ico.data[:4] == b"\x00\x00\x01\x00"


def test_404_page_in_vietnamese_with_a_way_home(client) -> None:
    response = client.get("/khong-co-trang-nay")
    page = response.get_data(as_text=True)
    assert response.status_code == 404 and response.mimetype == "text/html"
    assert "Không tìm thấy trang" in page and 'href="/">Về trang chủ</a>' in page
    assert "navbar" in page  # the site's own layout
    api = client.get("/api/v1/khong-co")
    assert api.status_code == 404 and api.is_json and api.json["error"]["code"] == "not_found"


def test_403_and_413_pages(app, client, login_as, monkeypatch) -> None:
    login_as("participant")
    forbidden = client.get("/ban-to-chuc/")
    assert forbidden.status_code == 403
    page = forbidden.get_data(as_text=True)
    assert "Không có quyền truy cập" in page and "Về trang chủ" in page
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 1000)
    too_big = client.post("/tai-khoan/dang-xuat", data={"x": "y" * 2000})
    assert too_big.status_code == 413
    assert "Tệp gửi lên quá lớn" in too_big.get_data(as_text=True)


@pytest.fixture
def failing_views(app, monkeypatch):
    """The home view and the API's contest list raising an unexpected error, with
    PROPAGATE_EXCEPTIONS off as in production."""
    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    monkeypatch.setitem(app.view_functions, "main.index", broken)
    monkeypatch.setitem(app.view_functions, API_CONTESTS, broken)
    return app


def test_500_page_in_vietnamese_and_json_for_the_api(failing_views, client) -> None:
    response = client.get("/")
    page = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Xin lỗi, đã có lỗi xảy ra" in page and "Hệ thống đang gặp sự cố" in page
    assert 'href="/">Về trang chủ</a>' in page and "boom" not in page
    assert "navbar" in page
    api = client.get("/api/v1/contests")
    assert api.status_code == 500 and api.is_json
    assert api.json["error"]["code"] == "internal_error" and "boom" not in api.text
