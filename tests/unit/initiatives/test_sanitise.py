"""The judge's copy of an attachment, file kind by file kind, without the web layer."""

from __future__ import annotations

import io
import zipfile

import pytest
from PIL import Image

from contest_app.initiatives import sanitise as cleaner
from contest_app.initiatives.sanitise import Unsanitisable, sanitise

from .samples import JPG, PDF, PNG, docx, xlsx


@pytest.mark.parametrize(("kind", "data"), [("pdf", PDF), ("jpg", JPG), ("png", PNG)])
def test_genuine_files_give_a_copy_of_the_same_kind(kind, data) -> None:
    from contest_app.initiatives.files import sniff

    assert sniff(sanitise(kind, data)) == kind


def test_office_copy_has_neutral_core_properties() -> None:
    for kind, data in (("docx", docx()), ("xlsx", xlsx())):
        with zipfile.ZipFile(io.BytesIO(sanitise(kind, data))) as archive:
            if "docProps/core.xml" in archive.namelist():
                assert b"creator" not in archive.read("docProps/core.xml")
            assert all(i.date_time == cleaner.ZIP_TIME for i in archive.infolist())


@pytest.mark.parametrize(("kind", "data"), [
    ("pdf", b"%PDF-1.4\nnot really a pdf"),
    ("jpg", b"\xff\xd8\xff" + b"\0" * 30),
    ("png", JPG),  # a JPEG is not a PNG
    ("docx", b"PK\x03\x04 broken zip"),
    ("exe", PDF),
])
def test_unreadable_files_raise(kind, data) -> None:
    with pytest.raises(Unsanitisable):
        sanitise(kind, data)


def test_huge_images_are_refused_before_decoding(monkeypatch) -> None:
    monkeypatch.setattr(cleaner, "MAX_IMAGE_PIXELS", 11)
    buffer = io.BytesIO()
    Image.new("RGB", (4, 3)).save(buffer, "PNG")
    with pytest.raises(Unsanitisable):
        sanitise("png", buffer.getvalue())


def test_office_zip_bombs_are_refused(monkeypatch) -> None:
    monkeypatch.setattr(cleaner, "MAX_UNZIPPED_BYTES", 100)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<d/>" + " " * 1000)
    with pytest.raises(Unsanitisable):
        sanitise("docx", buffer.getvalue())
