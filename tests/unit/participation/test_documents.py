"""Recognising contest documents by their bytes, and cleaning the names offered for download."""

from __future__ import annotations

import io
import zipfile

import pytest

from contest_app.participation.documents import DOCX, PDF, clean_filename, detect_type


def zip_with(*names: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, "x")
    return buffer.getvalue()


def test_pdf_and_docx_by_content() -> None:
    assert detect_type(b"%PDF-1.7\n...") == PDF
    assert detect_type(zip_with("[Content_Types].xml", "word/document.xml")) == DOCX


@pytest.mark.parametrize("data", [
    b"", b"%PDF", b"MZ\x90\x00", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",  # exe, legacy .doc
    b"PK\x03\x04 broken", zip_with("[Content_Types].xml", "xl/workbook.xml"),
    zip_with("word/document.xml"), b"<html>%PDF-</html>",
])
def test_everything_else_is_refused(data: bytes) -> None:
    assert detect_type(data) is None


@pytest.mark.parametrize(("raw", "ext", "expected"), [
    ("Thể lệ.pdf", ".pdf", "Thể lệ.pdf"),
    ("../../etc/passwd", ".pdf", "passwd.pdf"),
    ("C:\\Users\\a\\Nghị định 61.DOCX", ".docx", "Nghị định 61.DOCX"),
    ("bao-cao.docx", ".pdf", "bao-cao.docx.pdf"),
    ("", ".pdf", "tai-lieu.pdf"),
    (None, ".docx", "tai-lieu.docx"),
    ("a\r\nb.pdf", ".pdf", "ab.pdf"),
])
def test_clean_filename(raw, ext: str, expected: str) -> None:
    assert clean_filename(raw, ext) == expected
