"""Short links /c/<slug> (made once from the title, kept on renaming) and QR codes for
contests and rounds (SVG and PNG with segno).

zxing-cpp is not installed, so a code is checked by regenerating it with segno for the
expected URL (same parameters) and comparing the bytes; the module matrix of the URL is also
compared, so a change of parameters alone would not hide a wrong URL."""

from __future__ import annotations

import io

import segno
from sqlalchemy import text

from contest_app import create_app
from contest_app.extensions import db
from contest_app.quiz import admin
from contest_app.quiz.models import Contest
from contest_app.quiz.rules import SLUG_FALLBACK, slug_base, unique_slug
from contest_app.quiz.views import qr_bytes
from tests import factories
from tests.conftest import login, make_test_config

# --- slug rules --------------------------------------------------------------------------


def test_slug_drops_diacritics_and_punctuation() -> None:
    assert slug_base("Tìm hiểu Luật Đất đai năm 2024") == "tim-hieu-luat-dat-dai-nam-2024"
    assert slug_base("  Hội thi CCHC — Tỉnh Quảng Nam!  ") == "hoi-thi-cchc-tinh-quang-nam"
    assert slug_base("Cải cách hành chính (đợt 2/2026)") == "cai-cach-hanh-chinh-dot-2-2026"


def test_slug_falls_back_when_nothing_is_left() -> None:
    assert slug_base("") == SLUG_FALLBACK
    assert slug_base("??? ※ 行政") == SLUG_FALLBACK


def test_long_title_is_cut_at_a_word_boundary() -> None:
    slug = slug_base("Cuộc thi trực tuyến tìm hiểu về cải cách hành chính và chuyển đổi số "
                     "của tỉnh năm 2026")
    assert len(slug) <= 60 and not slug.endswith("-")
    assert slug == "cuoc-thi-truc-tuyen-tim-hieu-ve-cai-cach-hanh-chinh-va"  # 54; +"-chuyen": 61
    assert len(slug_base("a" * 100)) == 60


def test_collisions_get_a_numeric_suffix() -> None:
    assert unique_slug("cuoc-thi", []) == "cuoc-thi"
    assert unique_slug("cuoc-thi", ["cuoc-thi"]) == "cuoc-thi-2"
    assert unique_slug("cuoc-thi", ["cuoc-thi", "cuoc-thi-2", "cuoc-thi-4"]) == "cuoc-thi-3"


def test_contests_get_unique_slugs_saved_or_in_one_flush(app) -> None:
    with app.app_context():
        first = factories.contest(db.session, title="Hội thi CCHC")
        second = factories.contest(db.session, title="Hội thi cchc")
        third, fourth = Contest(title="Hội thi CCHC"), Contest(title="Hội thi CCHC")
        db.session.add_all([third, fourth])
        db.session.commit()
        assert first.slug == "hoi-thi-cchc" and second.slug == "hoi-thi-cchc-2"
        assert {third.slug, fourth.slug} == {"hoi-thi-cchc-3", "hoi-thi-cchc-4"}


def test_renaming_keeps_the_slug_and_the_short_link(app, client, login_as) -> None:
    organiser = login_as("organiser")
    with app.app_context():
        contest = admin.save_contest(db.session, organiser.id, None, "Tìm hiểu Luật Đất đai",
                                     "", "", True)
        db.session.commit()
        contest_id = contest.id
        assert contest.slug == "tim-hieu-luat-dat-dai"
        admin.save_contest(db.session, organiser.id, contest, "Tên hoàn toàn khác", "", "",
                           True)
        db.session.commit()
        assert db.session.get(Contest, contest_id).slug == "tim-hieu-luat-dat-dai"
    response = client.get("/c/tim-hieu-luat-dat-dai")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/cuoc-thi/{contest_id}")


# --- short links -------------------------------------------------------------------------


def _contest(app, title: str = "Cuộc thi Đường dẫn", published: bool = True) -> tuple[int, str]:
    with app.app_context():
        contest = factories.contest(db.session, title=title, published=published)
        db.session.commit()
        return contest.id, contest.slug


def test_short_link_redirects_to_the_contest_page(app, client) -> None:
    contest_id, slug = _contest(app)
    assert slug == "cuoc-thi-duong-dan"
    response = client.get(f"/c/{slug}")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/cuoc-thi/{contest_id}")
    assert client.get(f"/c/{slug.upper()}").status_code == 302  # typed in capitals


def test_unknown_or_unpublished_short_link_is_a_404_page(app, client) -> None:
    _id, slug = _contest(app, published=False)
    for url in ("/c/khong-co-cuoc-thi-nay", f"/c/{slug}"):
        response = client.get(url)
        assert response.status_code == 404
        assert "Không tìm thấy" in response.get_data(as_text=True)


def test_public_and_organiser_pages_show_the_absolute_short_link(app, client,
                                                                 login_as) -> None:
    contest_id, slug = _contest(app)
    link = f"http://localhost/c/{slug}"
    assert link in client.get(f"/cuoc-thi/{contest_id}").get_data(as_text=True)
    login_as("organiser")
    page = client.get(f"/ban-to-chuc/cuoc-thi/{contest_id}").get_data(as_text=True)
    assert link in page
    assert f'src="/cuoc-thi/{contest_id}/qr.svg"' in page
    assert f"/cuoc-thi/{contest_id}/qr.png?tai-ve=1" in page
    assert f"/cuoc-thi/{contest_id}/qr.svg?tai-ve=1" in page


# --- QR codes ----------------------------------------------------------------------------


def _matrix_of(link: str) -> tuple:
    return tuple(tuple(row) for row in segno.make(link, error="m").matrix)


def test_contest_qr_encodes_the_short_link(app, client) -> None:
    contest_id, slug = _contest(app)
    link = f"http://localhost/c/{slug}"
    svg = client.get(f"/cuoc-thi/{contest_id}/qr.svg")
    assert svg.status_code == 200 and svg.mimetype == "image/svg+xml"
    assert svg.data == qr_bytes(link, "svg")
    assert svg.data.startswith(b"<?xml") and b"<svg" in svg.data
    assert svg.headers["Cache-Control"] == "public, max-age=3600"
    assert "Content-Disposition" not in svg.headers
    png = client.get(f"/cuoc-thi/{contest_id}/qr.png")
    assert png.status_code == 200 and png.mimetype == "image/png"
    assert png.data.startswith(b"\x89PNG\r\n\x1a\n")
    assert png.data == qr_bytes(link, "png")
    # The bytes are those of segno's code for exactly this URL, not another one.
    buffer = io.BytesIO()
    segno.make(link, error="m").save(buffer, kind="png", scale=8, border=2)
    assert png.data == buffer.getvalue()
    assert _matrix_of(link) != _matrix_of(f"http://localhost/cuoc-thi/{contest_id}")
    assert png.data != qr_bytes(f"http://localhost/c/{slug}-2", "png")


def test_qr_download_is_an_attachment(app, client) -> None:
    contest_id, slug = _contest(app)
    response = client.get(f"/cuoc-thi/{contest_id}/qr.png?tai-ve=1")
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="cuoc-thi-{slug}-qr.png"')


def test_round_qr_encodes_the_round_page(app, client, clock) -> None:
    with app.app_context():
        contest = factories.contest(db.session)
        rnd = factories.round_(db.session, contest, clock.now())
        db.session.commit()
        round_id = rnd.id
    link = f"http://localhost/vong-thi/{round_id}"
    svg = client.get(f"/vong-thi/{round_id}/qr.svg?tai-ve=1")
    assert svg.status_code == 200 and svg.mimetype == "image/svg+xml"
    assert svg.data == qr_bytes(link, "svg")
    assert svg.headers["Content-Disposition"] == (
        f'attachment; filename="vong-thi-{round_id}-qr.svg"')
    png = client.get(f"/vong-thi/{round_id}/qr.png")
    assert png.mimetype == "image/png" and png.data == qr_bytes(link, "png")
    assert png.headers["Cache-Control"] == "public, max-age=3600"


def test_qr_uses_the_public_base_url_not_the_host_header(app, client, monkeypatch) -> None:
    contest_id, slug = _contest(app)
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", "https://hoithi.example.gov.vn/")
    response = client.get(f"/cuoc-thi/{contest_id}/qr.svg",
                          headers={"Host": "ke-xau.example.com"})
    assert response.data == qr_bytes(f"https://hoithi.example.gov.vn/c/{slug}", "svg")


def test_unpublished_qr_is_404_for_the_public_but_shown_to_organisers(app, client, clock,
                                                                     make_user) -> None:
    with app.app_context():
        contest = factories.contest(db.session, published=False)
        rnd = factories.round_(db.session, contest, clock.now())
        db.session.commit()
        contest_id, round_id, slug = contest.id, rnd.id, contest.slug
    urls = (f"/cuoc-thi/{contest_id}/qr.svg", f"/cuoc-thi/{contest_id}/qr.png",
            f"/vong-thi/{round_id}/qr.svg", f"/vong-thi/{round_id}/qr.png")
    for url in (*urls, "/cuoc-thi/999999/qr.svg", "/vong-thi/999999/qr.png"):
        assert client.get(url).status_code == 404, url
    participant = app.test_client()
    assert login(participant, make_user().email).status_code == 302
    assert all(participant.get(url).status_code == 404 for url in urls)
    organiser = app.test_client()
    assert login(organiser, make_user(roles={"organiser"}).email).status_code == 302
    response = organiser.get(f"/cuoc-thi/{contest_id}/qr.png")
    assert response.status_code == 200
    assert response.data == qr_bytes(f"http://localhost/c/{slug}", "png")
    assert response.headers["Cache-Control"] == "private, no-store"
    assert organiser.get(f"/vong-thi/{round_id}/qr.svg").status_code == 200


def test_unknown_qr_format_is_404(app, client) -> None:
    contest_id, _slug = _contest(app)
    assert client.get(f"/cuoc-thi/{contest_id}/qr.gif").status_code == 404


# --- migration ---------------------------------------------------------------------------


def test_migration_fills_slugs_for_existing_contests(tmp_path, app) -> None:
    """On its own SQLite file (the session's database stays at head)."""
    from flask_migrate import downgrade, upgrade

    other = create_app(make_test_config("sqlite:///" + str(tmp_path / "m.sqlite3")))
    with other.app_context():
        upgrade(revision="r19_qr_1")
        downgrade(revision="-1")
        with db.engine.begin() as conn:
            for cid, title in ((1, "Hội thi CCHC"), (2, "Hội thi cchc"), (3, "!!!")):
                conn.execute(text(
                    "INSERT INTO contest (id, title, description, rules_text, published, "
                    "tie_breaks, overall_mode, unit_settings, require_cccd, created_at) "
                    "VALUES (:id, :title, '', '', 1, '[]', 'sum', '{}', 0, "
                    "'2026-01-02 03:04:05')"), {"id": cid, "title": title})
        upgrade(revision="r19_qr_1")
        with db.engine.connect() as conn:
            rows = conn.execute(text("SELECT id, slug FROM contest ORDER BY id")).all()
        db.session.remove()
        db.engine.dispose()
    assert [tuple(r) for r in rows] == [(1, "hoi-thi-cchc"), (2, "hoi-thi-cchc-2"),
                                        (3, "cuoc-thi")]

