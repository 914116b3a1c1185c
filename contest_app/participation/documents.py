"""Contest documents: checking uploads by their content, storing them under generated names,
listing and removing them. Writes flush; the caller commits."""

from __future__ import annotations

import io
import os
import secrets
import zipfile
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from flask import current_app, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..domain import NotFound, ValidationFailed
from ..organiser.models import record
from ..quiz.models import Contest
from .models import DOC_KINDS, ContestDocument

PDF = ("application/pdf", ".pdf")
DOCX = ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx")
DEFAULT_MAX_BYTES = 20 * 1024 * 1024


def detect_type(data: bytes) -> tuple[str, str] | None:
    """(content type, extension) of a PDF or DOCX judged by its bytes, else None. A DOCX is a
    ZIP holding the Word main part; other ZIPs (XLSX, archives) and legacy .doc are refused."""
    if data[:5] == b"%PDF-":
        return PDF
    if data[:4] == b"PK\x03\x04":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, ValueError, OSError):
            return None
        if "word/document.xml" in names and "[Content_Types].xml" in names:
            return DOCX
    return None


def clean_filename(raw: str | None, extension: str) -> str:
    """The name shown and offered for download: no folders, bounded, with the right extension."""
    name = os.path.basename((raw or "").replace("\\", "/")).strip().strip(".")
    name = "".join(c for c in name if c.isprintable())[:200] or "tai-lieu"
    if not name.lower().endswith(extension):
        name += extension
    return name


def storage_dir() -> Path:
    folder = Path(current_app.instance_path) / "uploads" / "contest-docs"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def max_bytes() -> int:
    return int(current_app.config.get("CONTEST_DOC_MAX_BYTES", DEFAULT_MAX_BYTES))


def read_upload(stream: BinaryIO, limit: int) -> bytes:
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise ValidationFailed(file=_l("Tệp quá lớn (tối đa %(mb)s MB).",
                                       mb=round(limit / 1024 / 1024, 1)))
    if not data:
        raise ValidationFailed(file=_l("Vui lòng chọn một tệp PDF hoặc DOCX."))
    return data


def add_document(session: Session, actor_id: int, contest: Contest, title: str, kind: str,
                 filename: str | None, data: bytes, now: datetime) -> ContestDocument:
    detected = detect_type(data)
    if detected is None:
        raise ValidationFailed(file=_l(
            "Chỉ nhận tệp PDF hoặc Word (.docx); nội dung tệp này không đúng định dạng."))
    if kind not in DOC_KINDS:
        raise ValidationFailed(kind=_l("Loại tài liệu không hợp lệ."))
    content_type, extension = detected
    original = clean_filename(filename, extension)
    title = " ".join((title or "").split())[:255] or original.rsplit(".", 1)[0]
    stored = secrets.token_hex(16) + extension
    (storage_dir() / stored).write_bytes(data)
    doc = ContestDocument(contest_id=contest.id, kind=kind, title=title,
                          original_name=original, stored_name=stored, size=len(data),
                          content_type=content_type, uploaded_by_id=actor_id, uploaded_at=now)
    session.add(doc)
    session.flush()
    record(actor_id, "contest_document.add", doc, None,
           {"contest_id": contest.id, "title": title, "name": original, "size": len(data)})
    return doc


def remove_document(session: Session, actor_id: int, doc: ContestDocument) -> Path:
    """Delete the row; returns the file's path for the caller to unlink after committing."""
    record(actor_id, "contest_document.remove", doc,
           {"contest_id": doc.contest_id, "title": doc.title, "name": doc.original_name}, None)
    path = storage_dir() / doc.stored_name
    session.delete(doc)
    session.flush()
    return path


def documents_of(session: Session, contest_id: int) -> list[ContestDocument]:
    """The rules first, then the legal texts, each in upload order."""
    rows = session.scalars(select(ContestDocument).where(
        ContestDocument.contest_id == contest_id).order_by(ContestDocument.uploaded_at,
                                                            ContestDocument.id))
    return sorted(rows, key=lambda d: d.kind != "rules")


def get_document(session: Session, contest_id: int, doc_id: int) -> ContestDocument:
    doc = session.get(ContestDocument, doc_id)
    if doc is None or doc.contest_id != contest_id:
        raise NotFound()
    return doc


def file_path(doc: ContestDocument) -> Path:
    return storage_dir() / doc.stored_name


def contest_documents(session: Session, contest_id: int) -> list[dict]:
    """For the API's contest listing: [{"title", "url"}] (a path on this site)."""
    return [{"title": d.title,
             "url": url_for("participation.document", contest_id=contest_id, doc_id=d.id)}
            for d in documents_of(session, contest_id)]
