"""Uploads: oversized, empty, mislabelled and path-trick files get a clear message and nothing
is stored; downloads are attachments with the original name, for the allowed people only."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from sqlalchemy import func, select

from contest_app.extensions import db
from contest_app.initiatives.models import Initiative, InitiativeFile
from tests.unit.initiatives.samples import JPG, PDF, PNG, TEXT, docx, xlsx

from .conftest import make_initiative, post

FORM = {
    "title": "Số hoá hồ sơ", "field": "Cải cách thủ tục hành chính", "problem": "Hồ sơ giấy.",
    "solution": "Số hoá.", "benefits": "Nhanh hơn.", "action": "submit",
}


def _stored(app) -> list[str]:
    folder = Path(app.instance_path) / "uploads" / "initiatives"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def _send(client, call_id, files):
    return post(client, f"/sang-kien/dot/{call_id}/gui", {**FORM, "files": files},
                page=f"/sang-kien/dot/{call_id}/gui", content_type="multipart/form-data")


def _nothing_stored(app, before: list[str]) -> None:
    assert _stored(app) == before
    with app.app_context():
        assert db.session.scalar(select(func.count(InitiativeFile.id))) == 0
        assert db.session.scalar(select(func.count(Initiative.id))) == 0


@pytest.mark.parametrize(("name", "data", "message"), [
    ("rong.pdf", b"", "rỗng (0 byte)"),
    ("gia-mao.pdf", TEXT, "không đúng với đuôi tệp"),
    ("anh-that-ra-la-pdf.png", PDF, "không đúng với đuôi tệp"),
    ("virus.exe", PDF, "không thuộc loại được nhận"),
    ("../../../../tmp/evil.pdf", PDF, "không hợp lệ (chứa đường dẫn"),
    ("..\\..\\secret_key.pdf", PDF, "không hợp lệ (chứa đường dẫn"),
])
def test_bad_file_is_refused_and_nothing_is_stored(app, client_for, world, name, data,
                                                   message) -> None:
    before = _stored(app)
    response = _send(client_for(world.author), world.call_id, [(io.BytesIO(data), name)])
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in html and "Chưa có tệp nào được lưu" in html
    assert 'id="files-error"' in html  # the message sits next to the file field
    assert FORM["title"] in html  # what was typed is kept
    _nothing_stored(app, before)
    assert not (Path(app.instance_path).parent / "tmp" / "evil.pdf").exists()


def test_oversized_file_is_refused(app, client_for, world, monkeypatch) -> None:
    monkeypatch.setitem(app.config, "INITIATIVE_MAX_FILE_BYTES", 1024)
    before = _stored(app)
    big = PDF + b"0" * 2048
    response = _send(client_for(world.author), world.call_id, [(io.BytesIO(big), "lon.pdf")])
    assert response.status_code == 422
    assert "Tệp “lon.pdf” vượt quá 1 KB." in response.get_data(as_text=True)
    _nothing_stored(app, before)


def test_one_bad_file_among_good_ones_stores_none(app, client_for, world) -> None:
    before = _stored(app)
    response = _send(client_for(world.author), world.call_id, [
        (io.BytesIO(PDF), "tot.pdf"), (io.BytesIO(TEXT), "xau.docx")])
    assert response.status_code == 422
    _nothing_stored(app, before)


def test_per_submission_total_counts_existing_files(app, clock, client_for, world,
                                                    monkeypatch) -> None:
    monkeypatch.setitem(app.config, "INITIATIVE_MAX_TOTAL_BYTES", len(PDF) + len(PNG) - 1)
    author = client_for(world.author)
    first = _send(author, world.call_id, [(io.BytesIO(PDF), "mot.pdf")])
    assert first.status_code == 302
    item_id = int(first.headers["Location"].rsplit("/", 1)[1])
    edit = f"/sang-kien/{item_id}/sua"
    again = post(author, edit, {**FORM, "files": [(io.BytesIO(PNG), "hai.png")]}, page=edit,
                 content_type="multipart/form-data")
    assert again.status_code == 422
    assert "Tổng dung lượng tệp đính kèm" in again.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(InitiativeFile.id))) == 1


def test_every_allowed_kind_is_accepted(app, client_for, world) -> None:
    response = _send(client_for(world.author), world.call_id, [
        (io.BytesIO(PDF), "a.pdf"), (io.BytesIO(docx()), "b.docx"), (io.BytesIO(xlsx()), "c.xlsx"),
        (io.BytesIO(JPG), "d.jpg"), (io.BytesIO(PNG), "e.png")])
    assert response.status_code == 302, response.get_data(as_text=True)[-3000:]
    with app.app_context():
        kinds = sorted(db.session.scalars(select(InitiativeFile.kind)))
    assert kinds == ["docx", "jpg", "pdf", "png", "xlsx"]


def test_download_is_an_attachment_with_the_original_name(app, client_for, world) -> None:
    author = client_for(world.author)
    response = _send(author, world.call_id, [(io.BytesIO(PDF), "Báo cáo.pdf")])
    assert response.status_code == 302
    with app.app_context():
        file_id = db.session.scalar(select(InitiativeFile.id))
    download = author.get(f"/sang-kien/tep/{file_id}")
    assert download.status_code == 200 and download.data == PDF
    disposition = download.headers["Content-Disposition"]
    assert disposition.startswith("attachment")
    assert "B%C3%A1o%20c%C3%A1o.pdf" in disposition  # RFC 5987 UTF-8 name
    assert download.mimetype == "application/pdf"
    assert "no-store" in download.headers["Cache-Control"]
    organiser = client_for(world.organiser)
    assert organiser.get(f"/sang-kien/tep/{file_id}").status_code == 200


def test_behind_nginx_the_app_checks_and_nginx_sends(app, client_for, world) -> None:
    """With UPLOADS_ACCEL_PREFIX the app answers with X-Accel-Redirect to the stored file
    (nginx's internal location), after the same permission check; others still get 404."""
    author = client_for(world.author)
    _send(author, world.call_id, [(io.BytesIO(PDF), "Báo cáo.pdf")])
    with app.app_context():
        row = db.session.scalar(select(InitiativeFile))
    app.config["UPLOADS_ACCEL_PREFIX"] = "/_uploads/"
    try:
        download = author.get(f"/sang-kien/tep/{row.id}")
        assert download.status_code == 200 and download.data == b""
        assert download.headers["X-Accel-Redirect"] == (
            f"/_uploads/initiatives/{row.stored_name}")
        assert "B%C3%A1o%20c%C3%A1o.pdf" in download.headers["Content-Disposition"]
        assert "no-store" in download.headers["Cache-Control"]
        refused = client_for(world.other).get(f"/sang-kien/tep/{row.id}")
        assert refused.status_code == 404 and "X-Accel-Redirect" not in refused.headers
    finally:
        app.config["UPLOADS_ACCEL_PREFIX"] = None


def test_download_refused_to_others(app, clock, client_for, world) -> None:
    author = client_for(world.author)
    _send(author, world.call_id, [(io.BytesIO(PDF), "rieng.pdf")])
    with app.app_context():
        file_id = db.session.scalar(select(InitiativeFile.id))
    assert client_for(world.other).get(f"/sang-kien/tep/{file_id}").status_code == 404
    assert client_for(world.judge1).get(f"/sang-kien/tep/{file_id}").status_code == 404
    assert author.get("/sang-kien/tep/999999").status_code == 404
    anonymous = app.test_client().get(f"/sang-kien/tep/{file_id}")
    assert anonymous.status_code == 302


def test_a_file_on_disk_is_never_reached_by_name(app, clock, client_for, world) -> None:
    with app.app_context():
        make_initiative(world.call_id, world.author.id, clock.now())
        db.session.commit()
    author = client_for(world.author)
    assert author.get("/sang-kien/tep/..%2F..%2Fsecret_key").status_code == 404


def test_files_are_checked_and_asked_again_when_other_fields_are_wrong(app, client_for,
                                                                     world) -> None:
    author = client_for(world.author)
    bad = post(author, f"/sang-kien/dot/{world.call_id}/gui",
               {**FORM, "title": "", "files": [(io.BytesIO(TEXT), "sai.pdf")]},
               page=f"/sang-kien/dot/{world.call_id}/gui", content_type="multipart/form-data")
    assert bad.status_code == 422 and "không đúng với đuôi tệp" in bad.text
    good = post(author, f"/sang-kien/dot/{world.call_id}/gui",
                {**FORM, "title": "", "files": [(io.BytesIO(PDF), "dung.pdf")]},
                page=f"/sang-kien/dot/{world.call_id}/gui", content_type="multipart/form-data")
    assert good.status_code == 422 and "Vui lòng chọn lại tệp đính kèm" in good.text
    with app.app_context():
        assert db.session.scalar(select(func.count(InitiativeFile.id))) == 0
