"""A contest's colours and banner on its settings page: validated (hex, WCAG AA contrast with
white text, PNG/JPEG/WebP by content, size), re-encoded and stored under a generated name,
audited, and used by the contest and home pages through a per-contest stylesheet (the CSP
allows no inline style)."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image
from sqlalchemy import select

from contest_app.extensions import db
from contest_app.organiser.models import AuditEvent
from contest_app.quiz.models import Contest
from contest_app.security import CSP
from tests import factories
from tests.conftest import csrf_token, login


def make_contest(app, clock) -> int:
    with app.app_context():
        contest = factories.contest(db.session, title="Cuộc thi có giao diện")
        factories.round_(db.session, contest, clock.now())
        db.session.commit()
        return contest.id


def png(size=(900, 300), fmt="PNG") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (20, 108, 67)).save(out, format=fmt)
    return out.getvalue()


def post(client, contest_id: int, primary="", accent="", banner: bytes | None = None,
         filename="bia.png", remove=False):
    data = {"look-primary": primary, "look-accent": accent,
            "look-csrf_token": csrf_token(client, f"/ban-to-chuc/cuoc-thi/{contest_id}/cai-dat")}
    if banner is not None:
        data["look-banner"] = (io.BytesIO(banner), filename)
    if remove:
        data["look-remove_banner"] = "y"
    return client.post(f"/ban-to-chuc/cuoc-thi/{contest_id}/giao-dien", data=data,
                       content_type="multipart/form-data")


def contest_row(app, contest_id: int) -> Contest:
    with app.app_context():
        row = db.session.get(Contest, contest_id)
        db.session.expunge(row)
        return row


def banner_dir(app) -> Path:
    return Path(app.instance_path) / "uploads" / "contest-banners"


def test_organiser_sets_colours_and_banner_used_by_contest_and_home(app, client, clock,
                                                                     login_as) -> None:
    contest_id = make_contest(app, clock)
    login_as("organiser")
    settings = client.get(f"/ban-to-chuc/cuoc-thi/{contest_id}/cai-dat").get_data(as_text=True)
    assert "Giao diện" in settings and 'enctype="multipart/form-data"' in settings
    saved = post(client, contest_id, primary="#146C43", accent="#0a58ca", banner=png())
    assert saved.status_code == 302
    row = contest_row(app, contest_id)
    assert (row.theme_primary, row.theme_accent) == ("#146c43", "#0a58ca")
    stored = banner_dir(app) / row.banner_name
    assert stored.is_file() and row.banner_name.endswith(".webp")
    assert stored.read_bytes()[8:12] == b"WEBP"
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(
            AuditEvent.action == "contest.appearance"))
        assert event.after["theme_primary"] == "#146c43" and event.after["banner"] is True

    for path in ("/", f"/cuoc-thi/{contest_id}"):
        response = client.get(path)
        page = response.get_data(as_text=True)
        assert f'href="/cuoc-thi/{contest_id}/giao-dien.css?v=' in page, path
        assert f'src="/cuoc-thi/{contest_id}/anh-bia?v=' in page, path
        assert " style=" not in page and "<style" not in page, path
        assert response.headers["Content-Security-Policy"] == CSP
    css = client.get(f"/cuoc-thi/{contest_id}/giao-dien.css")
    assert css.status_code == 200 and css.mimetype == "text/css"
    text = css.get_data(as_text=True)
    assert "--contest-primary: #146c43;" in text and "--contest-accent: #0a58ca;" in text
    image = client.get(f"/cuoc-thi/{contest_id}/anh-bia")
    assert image.status_code == 200 and image.mimetype == "image/webp"

    # A new banner replaces the old file; removing it leaves no file and no image.
    assert post(client, contest_id, "#146c43", "#0a58ca", banner=png(fmt="JPEG"),
                filename="bia.jpg").status_code == 302
    assert not stored.exists()
    replaced = banner_dir(app) / contest_row(app, contest_id).banner_name
    assert replaced.is_file()
    assert post(client, contest_id, "#146c43", "", remove=True).status_code == 302
    row = contest_row(app, contest_id)
    assert row.banner_name is None and row.theme_accent is None and not replaced.exists()
    assert client.get(f"/cuoc-thi/{contest_id}/anh-bia").status_code == 404


def test_a_colour_too_light_for_white_text_is_refused_with_the_reason(app, client, clock,
                                                                      login_as) -> None:
    contest_id = make_contest(app, clock)
    login_as("organiser")
    refused = post(client, contest_id, primary="#ffcc00", accent="xanh", banner=png())
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert "Màu #ffcc00 quá sáng" in page and "dưới mức tối thiểu 4,5:1 (WCAG AA)" in page
    assert "Màu phải là mã hex dạng #RRGGBB" in page
    assert 'value="#ffcc00"' in page  # what was typed comes back
    row = contest_row(app, contest_id)
    assert row.theme_primary is None and row.theme_accent is None and row.banner_name is None
    assert not banner_dir(app).exists() or not any(banner_dir(app).iterdir())
    with app.app_context():
        assert db.session.scalar(select(AuditEvent).where(
            AuditEvent.action == "contest.appearance")) is None


def test_bad_banners_are_refused_and_nothing_stored(app, client, clock, login_as) -> None:
    contest_id = make_contest(app, clock)
    login_as("organiser")
    gif = io.BytesIO()
    Image.new("RGB", (900, 300)).save(gif, format="GIF")
    cases = [
        (gif.getvalue(), "bia.png", 422, "Chỉ nhận ảnh PNG, JPEG hoặc WebP"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "bia.svg", 422, "Không đọc được ảnh"),
        (png(size=(100, 40)), "nho.png", 422, "Ảnh quá nhỏ"),
    ]
    for data, name, status, message in cases:
        response = post(client, contest_id, banner=data, filename=name)
        assert response.status_code == status, name
        assert message in response.get_data(as_text=True), name
    app.config["CONTEST_BANNER_MAX_BYTES"] = 2000
    try:
        too_big = post(client, contest_id, banner=png() + b"\0" * 3000)
    finally:
        app.config.pop("CONTEST_BANNER_MAX_BYTES")
    assert too_big.status_code == 413
    assert "Ảnh quá lớn (tối đa" in too_big.get_data(as_text=True)
    assert contest_row(app, contest_id).banner_name is None


def test_only_organisers_change_the_look_and_unpublished_contests_hide_it(
        app, client, clock, login_as, make_user) -> None:
    contest_id = make_contest(app, clock)
    login_as("participant")
    response = client.post(f"/ban-to-chuc/cuoc-thi/{contest_id}/giao-dien",
                           data={"look-primary": "#146c43",
                                 "look-csrf_token": csrf_token(client, "/")})
    assert response.status_code == 403
    assert contest_row(app, contest_id).theme_primary is None
    with app.app_context():
        db.session.get(Contest, contest_id).published = False
        db.session.commit()
    assert client.get(f"/cuoc-thi/{contest_id}/giao-dien.css").status_code == 404
    assert client.get(f"/cuoc-thi/{contest_id}/anh-bia").status_code == 404
    organiser = app.test_client()
    login(organiser, make_user(roles={"organiser"}).email)
    assert post(organiser, contest_id, "#146c43", "", banner=png()).status_code == 302
    # The organiser previews a draft's look; everyone else still finds nothing.
    assert organiser.get(f"/cuoc-thi/{contest_id}/anh-bia").status_code == 200
    assert organiser.get(f"/cuoc-thi/{contest_id}/giao-dien.css").status_code == 200
    assert client.get(f"/cuoc-thi/{contest_id}/anh-bia").status_code == 404
