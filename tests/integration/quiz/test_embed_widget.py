"""The contest widget framed by portals (/nhung/cuoc-thi/<id>): content, framing headers per
route, 404 for an unpublished contest, and the snippet on the organiser's contest page."""

from __future__ import annotations

from datetime import timedelta

from contest_app.accounts import services as account_services
from contest_app.extensions import db
from contest_app.security import embed_frame_ancestors
from tests import factories
from tests.conftest import csrf_token

NAMES = ["Nguyễn Văn An", "Trần Thị Bình", "Lê Quốc Cường", "Phạm Thu Dung", "Hoàng Minh Em",
         "Vũ Thị Phương"]


def setup_contest(app, clock, published: bool = True) -> tuple[int, int]:
    """A contest with a closed official round (six finished attempts) and an open one."""
    with app.app_context():
        contest = factories.contest(db.session, title="Tìm hiểu CCHC tỉnh 2026",
                                    published=published)
        closed = factories.round_(db.session, contest, clock.now(), title="Tuần 1",
                                  opens_delta=timedelta(days=-7), closes_delta=timedelta(hours=-1))
        factories.round_(db.session, contest, clock.now(), title="Tuần 2",
                         opens_delta=timedelta(hours=-1), closes_delta=timedelta(days=7))
        db.session.flush()
        for i, name in enumerate(NAMES):
            user = account_services.create_user(
                db.session, email=f"w{i}@example.vn", full_name=name, phone=f"0977{i:06d}",
                password="mat-khau-123", unit_id=None, roles=set())
            db.session.flush()
            factories.finished_attempt(db.session, closed, user.id, 10 - i, 60_000 + i * 1000,
                                       closed.opens_at + timedelta(minutes=10 + i))
        db.session.commit()
        return contest.id, closed.id


def publish(client, round_id: int):
    token = csrf_token(client, f"/ban-to-chuc/xep-hang/vong-thi/{round_id}")
    return client.post(f"/ban-to-chuc/xep-hang/vong-thi/{round_id}/cong-bo",
                       data={"csrf_token": token, "confirm": "yes"})


def test_widget_shows_name_countdown_and_join_link(app, client, clock) -> None:
    contest_id, _ = setup_contest(app, clock)
    response = client.get(f"/nhung/cuoc-thi/{contest_id}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Tìm hiểu CCHC tỉnh 2026" in page
    # Tuần 2 closes 7 days after 25/11/2026 03:00 UTC, i.e. 10:00 in Hà Nội.
    assert "Tuần 2" in page
    assert "Kết thúc lúc 02/12/2026 10:00 (giờ Việt Nam)" in page
    assert 'data-countdown-end="2026-12-02T03:00:00+00:00"' in page
    assert 'src="/static/js/embed.js"' in page
    assert "<script>" not in page and "navbar" not in page
    assert (f'href="http://localhost/cuoc-thi/{contest_id}" target="_blank" rel="noopener">'
            "Tham gia</a>") in page


def test_top_five_only_after_publication(app, client, clock, login_as) -> None:
    contest_id, round_id = setup_contest(app, clock)
    page = client.get(f"/nhung/cuoc-thi/{contest_id}").get_data(as_text=True)
    assert "Bảng xếp hạng" not in page
    assert not any(name in page for name in NAMES)
    login_as("organiser")
    assert publish(client, round_id).status_code == 302
    page = client.get(f"/nhung/cuoc-thi/{contest_id}").get_data(as_text=True)
    assert "Bảng xếp hạng Tuần 1" in page
    for name in NAMES[:5]:
        assert name in page
    assert NAMES[5] not in page
    assert page.index(NAMES[0]) < page.index(NAMES[4])
    assert f'href="http://localhost/bang-xep-hang/vong-thi/{round_id}"' in page


def test_embed_route_frame_ancestors_default_https(app, client, clock) -> None:
    contest_id, _ = setup_contest(app, clock)
    response = client.get(f"/nhung/cuoc-thi/{contest_id}")
    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors https:" in csp
    assert "frame-ancestors 'none'" not in csp
    assert "script-src 'self'" in csp
    assert "X-Frame-Options" not in response.headers


def test_embed_route_frame_ancestors_custom_origins(app, client, clock, monkeypatch) -> None:
    contest_id, _ = setup_contest(app, clock)
    monkeypatch.setitem(app.config, "EMBED_ALLOWED_ORIGINS",
                        "https://quangtri.gov.vn https://baoquangtri.vn")
    response = client.get(f"/nhung/cuoc-thi/{contest_id}")
    assert ("frame-ancestors https://quangtri.gov.vn https://baoquangtri.vn"
            in response.headers["Content-Security-Policy"])
    assert "X-Frame-Options" not in response.headers


def test_configured_origins_cannot_inject_directives() -> None:
    assert embed_frame_ancestors("https://a.vn; script-src *") == "'none'"
    assert embed_frame_ancestors("https://a.vn script-src *") == "https://a.vn"
    assert embed_frame_ancestors("https://a.vn https://*.gov.vn:443 'self'") == (
        "https://a.vn https://*.gov.vn:443 'self'")
    assert embed_frame_ancestors("https://a.vn;") == "'none'"
    assert embed_frame_ancestors("'none'") == "'none'"
    assert embed_frame_ancestors("  ") == "https:"
    assert embed_frame_ancestors(None) == "https:"


def test_normal_pages_keep_frame_ancestors_none(app, client, clock, monkeypatch) -> None:
    contest_id, _ = setup_contest(app, clock)
    monkeypatch.setitem(app.config, "EMBED_ALLOWED_ORIGINS", "https://quangtri.gov.vn")
    for url in (f"/cuoc-thi/{contest_id}", "/", "/tai-khoan/dang-nhap"):
        response = client.get(url)
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"], url
        assert response.headers["X-Frame-Options"] == "DENY", url


def test_unpublished_contest_is_404(app, client, clock) -> None:
    contest_id, _ = setup_contest(app, clock, published=False)
    assert client.get(f"/nhung/cuoc-thi/{contest_id}").status_code == 404
    assert client.get("/nhung/cuoc-thi/999999").status_code == 404


def test_organiser_page_offers_the_snippet(app, client, clock, login_as) -> None:
    contest_id, _ = setup_contest(app, clock)
    login_as("organiser")
    page = client.get(f"/ban-to-chuc/cuoc-thi/{contest_id}").get_data(as_text=True)
    assert 'id="embed-snippet"' in page and "readonly" in page
    assert (f'&lt;iframe src="http://localhost/nhung/cuoc-thi/{contest_id}" '
            'title="Tìm hiểu CCHC tỉnh 2026"') in page
    assert 'data-target="embed-snippet"' in page
    assert "js/copy-link.js" in page


def test_countdown_to_the_next_opening_and_none_without_rounds(app, client, clock) -> None:
    with app.app_context():
        soon = factories.contest(db.session, title="Sắp mở")
        factories.round_(db.session, soon, clock.now(), title="Vòng sơ khảo",
                         opens_delta=timedelta(days=1), closes_delta=timedelta(days=8))
        empty = factories.contest(db.session, title="Chưa có vòng")
        db.session.commit()
        soon_id, empty_id = soon.id, empty.id
    page = client.get(f"/nhung/cuoc-thi/{soon_id}").get_data(as_text=True)
    assert "Vòng sơ khảo" in page
    assert "Mở lúc 26/11/2026 10:00 (giờ Việt Nam)" in page
    assert 'data-countdown-end="2026-11-26T03:00:00+00:00"' in page
    page = client.get(f"/nhung/cuoc-thi/{empty_id}").get_data(as_text=True)
    assert "data-countdown-end" not in page and "Tham gia" in page


def test_withdrawn_ranking_leaves_the_widget(app, client, clock, login_as) -> None:
    contest_id, round_id = setup_contest(app, clock)
    login_as("organiser")
    assert publish(client, round_id).status_code == 302
    assert NAMES[0] in client.get(f"/nhung/cuoc-thi/{contest_id}").get_data(as_text=True)
    live = f"/ban-to-chuc/xep-hang/vong-thi/{round_id}"
    token = csrf_token(client, live)
    response = client.post(live + "/huy-cong-bo",
                           data={"csrf_token": token, "reason": "Sai sót trong đáp án"})
    assert response.status_code == 302
    page = client.get(f"/nhung/cuoc-thi/{contest_id}").get_data(as_text=True)
    assert NAMES[0] not in page and "Bảng xếp hạng" not in page
