"""Contest documents: organisers upload and delete PDF/DOCX (checked by content, size limit,
generated stored names); participants download them from the contest page."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from sqlalchemy import func, select

from contest_app.extensions import db
from contest_app.organiser.models import AuditEvent
from contest_app.participation.models import ContestDocument
from tests.conftest import csrf_token

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"


STAMP = (2026, 1, 1, 0, 0, 0)  # fixed member times: the same bytes on every call


def _zip(members: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in members.items():
            archive.writestr(zipfile.ZipInfo(name, date_time=STAMP), text)
    return buffer.getvalue()


def docx_bytes() -> bytes:
    return _zip({"[Content_Types].xml": "<Types/>", "word/document.xml": "<w:document/>"})


def xlsx_like() -> bytes:
    return _zip({"[Content_Types].xml": "<Types/>", "xl/workbook.xml": "<workbook/>"})


def upload(client, contest_id, data: bytes, filename: str, title="", kind="legal"):
    page = f"/ban-to-chuc/cuoc-thi/{contest_id}/tai-lieu"
    return client.post(page, data={
        "csrf_token": csrf_token(client, page), "title": title, "kind": kind,
        "file": (io.BytesIO(data), filename)}, content_type="multipart/form-data")


def stored_files(app) -> list[Path]:
    folder = Path(app.instance_path) / "uploads" / "contest-docs"
    return sorted(folder.glob("*")) if folder.exists() else []


def doc_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(ContestDocument.id)))


def test_upload_list_download_and_delete(app, client, login_as, contest_ids) -> None:
    ids = contest_ids()
    before = set(stored_files(app))
    organiser = login_as("organiser")
    assert upload(client, ids.contest_id, PDF, "The le cuoc thi.pdf", "Thể lệ cuộc thi",
                  "rules").status_code == 302
    assert upload(client, ids.contest_id, docx_bytes(), "../../etc/Nghị định 61.docx"
                  ).status_code == 302
    with app.app_context():
        docs = db.session.scalars(select(ContestDocument).order_by(ContestDocument.id)).all()
        assert [(d.title, d.kind, d.content_type.split("/")[-1][:8]) for d in docs] == [
            ("Thể lệ cuộc thi", "rules", "pdf"), ("Nghị định 61", "legal", "vnd.open")]
        assert docs[1].original_name == "Nghị định 61.docx"
        assert docs[0].size == len(PDF) and docs[0].uploaded_by_id == organiser.id
        assert docs[0].stored_name.endswith(".pdf") and "The" not in docs[0].stored_name
        doc_ids = [d.id for d in docs]
        assert db.session.scalar(select(func.count(AuditEvent.id)).where(
            AuditEvent.action == "contest_document.add")) == 2
    new_files = set(stored_files(app)) - before
    assert len(new_files) == 2
    assert any(f.read_bytes() == PDF for f in new_files)
    # A participant (and the public) sees and downloads them from the contest page.
    public = app.test_client()
    page = public.get(f"/cuoc-thi/{ids.contest_id}").get_data(as_text=True)
    assert "Thể lệ và văn bản tham khảo" in page and "Nghị định 61" in page
    assert page.index("Thể lệ cuộc thi") < page.index("Nghị định 61")
    response = public.get(f"/cuoc-thi/{ids.contest_id}/tai-lieu/{doc_ids[0]}")
    assert response.status_code == 200 and response.data == PDF
    assert response.mimetype == "application/pdf"
    assert "attachment" in response.headers["Content-Disposition"]
    docx = public.get(f"/cuoc-thi/{ids.contest_id}/tai-lieu/{doc_ids[1]}")
    assert docx.status_code == 200 and docx.data == docx_bytes()
    assert "filename*=UTF-8''Ngh%E1%BB%8B" in docx.headers["Content-Disposition"]
    # Another contest's id in the URL is not found.
    other = contest_ids()
    assert public.get(f"/cuoc-thi/{other.contest_id}/tai-lieu/{doc_ids[0]}").status_code == 404
    # Delete asks for confirmation, then removes the row and the file.
    page_url = f"/ban-to-chuc/cuoc-thi/{ids.contest_id}/tai-lieu"
    token = csrf_token(client, page_url)
    client.post(f"{page_url}/{doc_ids[0]}/xoa", data={"csrf_token": token})
    assert doc_count(app) == 2
    client.post(f"{page_url}/{doc_ids[0]}/xoa", data={"csrf_token": token, "confirm": "yes"})
    assert doc_count(app) == 1
    assert len(set(stored_files(app)) - before) == 1
    assert public.get(f"/cuoc-thi/{ids.contest_id}/tai-lieu/{doc_ids[0]}").status_code == 404


def test_bad_files_refused_and_nothing_stored(app, client, login_as, contest_ids) -> None:
    ids = contest_ids()
    login_as("organiser")
    before = set(stored_files(app))
    bad = [
        (b"MZ\x90\x00 an executable renamed", "the-le.pdf"),
        (xlsx_like(), "the-le.docx"),  # a ZIP but not a Word document
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 legacy doc", "cu.doc"),
        (b"<html><script>alert(1)</script></html>", "x.pdf"),
        (b"", "rong.pdf"),
        (b"PK\x03\x04 broken zip", "hong.docx"),
    ]
    for data, name in bad:
        response = upload(client, ids.contest_id, data, name)
        assert response.status_code == 422, name
        body = response.get_data(as_text=True)
        assert "PDF" in body and "is-invalid" in body
    app.config["CONTEST_DOC_MAX_BYTES"] = 100
    try:
        response = upload(client, ids.contest_id, PDF + b"0" * 200, "lon.pdf")
        assert response.status_code == 422 and "Tệp quá lớn" in response.get_data(as_text=True)
    finally:
        app.config.pop("CONTEST_DOC_MAX_BYTES")
    assert doc_count(app) == 0 and set(stored_files(app)) == before


def test_permissions(app, client, login_as, contest_ids) -> None:
    ids = contest_ids()
    page = f"/ban-to-chuc/cuoc-thi/{ids.contest_id}/tai-lieu"
    assert client.get(page).status_code == 302  # anonymous: to the login page
    login_as("participant")
    assert client.get(page).status_code == 403
    token = csrf_token(client, f"/cuoc-thi/{ids.contest_id}")
    response = client.post(page, data={"csrf_token": token,
                                       "file": (io.BytesIO(PDF), "a.pdf")},
                           content_type="multipart/form-data")
    assert response.status_code == 403
    assert doc_count(app) == 0
    assert client.get("/ban-to-chuc/cuoc-thi/999999/tai-lieu").status_code == 403


def test_unpublished_contest_documents_are_hidden(app, client, login_as, contest_ids) -> None:
    ids = contest_ids()
    login_as("organiser")
    upload(client, ids.contest_id, PDF, "a.pdf", "Thể lệ")
    with app.app_context():
        from contest_app.quiz.models import Contest

        db.session.get(Contest, ids.contest_id).published = False
        doc_id = db.session.scalar(select(ContestDocument.id))
        db.session.commit()
    assert app.test_client().get(f"/cuoc-thi/{ids.contest_id}/tai-lieu/{doc_id}"
                                 ).status_code == 404
    assert client.get(f"/cuoc-thi/{ids.contest_id}/tai-lieu/{doc_id}").status_code == 200
    assert client.get("/ban-to-chuc/cuoc-thi/999999/tai-lieu").status_code == 404


def test_contest_documents_for_the_api(app, client, login_as, contest_ids) -> None:
    from contest_app.participation.documents import contest_documents

    ids = contest_ids()
    login_as("organiser")
    upload(client, ids.contest_id, PDF, "a.pdf", "Thể lệ", "rules")
    with app.test_request_context():
        (doc,) = contest_documents(db.session, ids.contest_id)
    assert doc["title"] == "Thể lệ"
    assert doc["url"].startswith(f"/cuoc-thi/{ids.contest_id}/tai-lieu/")
    assert app.test_client().get(doc["url"]).data == PDF


def test_link_from_the_contest_admin_page(client, login_as, contest_ids) -> None:
    ids = contest_ids()
    login_as("organiser")
    page = client.get(f"/ban-to-chuc/cuoc-thi/{ids.contest_id}").get_data(as_text=True)
    assert f"/ban-to-chuc/cuoc-thi/{ids.contest_id}/tai-lieu" in page
    assert f"/ban-to-chuc/cuoc-thi/{ids.contest_id}/nguoi-tham-gia" in page
