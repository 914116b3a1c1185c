"""Attachments are judged by their content, sizes are limited, names with path tricks are
refused, and storage uses generated names only."""

from __future__ import annotations

import pytest

from contest_app.initiatives import files
from contest_app.initiatives.files import InvalidFile, check_total, check_upload, sniff

from .samples import JPG, PDF, PNG, TEXT, docx, plain_zip, xlsx


@pytest.mark.parametrize(("data", "kind"), [
    (PDF, "pdf"), (PNG, "png"), (JPG, "jpg"), (docx(), "docx"), (xlsx(), "xlsx"),
    (TEXT, None), (plain_zip(), None), (b"PK\x03\x04garbage", None), (b"", None),
])
def test_sniff_reads_the_content(data: bytes, kind: str | None) -> None:
    assert sniff(data) == kind


def test_docx_and_xlsx_are_not_interchangeable() -> None:
    with pytest.raises(InvalidFile) as err:
        check_upload("bang-so-lieu.docx", xlsx(), 10_000_000)
    assert err.value.fields["files"] == "content"


@pytest.mark.parametrize(("name", "data", "kind"), [
    ("Báo cáo sáng kiến.pdf", PDF, "pdf"), ("anh.JPEG", JPG, "jpg"), ("so-do.png", PNG, "png"),
    ("thuyet-minh.docx", docx(), "docx"), ("so-lieu.xlsx", xlsx(), "xlsx"),
])
def test_good_files_are_accepted_and_keep_their_name(name: str, data: bytes, kind: str) -> None:
    checked = check_upload(name, data, 10_000_000)
    assert checked.kind == kind and checked.name == name and checked.size == len(data)
    assert len(checked.sha256) == 64


@pytest.mark.parametrize(("name", "data", "reason"), [
    ("gia-mao.pdf", TEXT, "content"),  # mislabelled: text renamed to .pdf
    ("anh.png", JPG, "content"),
    ("chuong-trinh.exe", PDF, "type"),
    ("khong-duoi", PDF, "type"),
    ("rong.pdf", b"", "empty"),
    ("../../etc/passwd.pdf", PDF, "name"),
    ("..\\..\\windows\\win.ini.pdf", PDF, "name"),
    ("/tmp/tuyet-doi.pdf", PDF, "name"),
    (".an.pdf", PDF, "name"),
    ("C:evil.pdf", PDF, "name"),
    ("ten\x00.pdf", PDF, "name"),
    ("", PDF, "name"),
])
def test_bad_files_are_refused_with_a_reason(name: str, data: bytes, reason: str) -> None:
    with pytest.raises(InvalidFile) as err:
        check_upload(name, data, 10_000_000)
    assert err.value.fields["files"] == reason


def test_per_file_limit() -> None:
    big = PDF + b"0" * 100
    check_upload("vua.pdf", big, len(big))
    with pytest.raises(InvalidFile) as err:
        check_upload("qua-lon.pdf", big, len(big) - 1)
    assert err.value.fields["files"] == "too_large"


def test_per_submission_total_and_count() -> None:
    one = check_upload("a.pdf", PDF, 10_000)
    check_total(100, [one], 100 + len(PDF), 0, 2)
    with pytest.raises(InvalidFile) as err:
        check_total(101, [one], 100 + len(PDF), 0, 2)
    assert err.value.fields["files"] == "total_too_large"
    with pytest.raises(InvalidFile) as err:
        check_total(0, [one, one], 10_000, 1, 2)
    assert err.value.fields["files"] == "too_many"


def test_long_names_are_trimmed_keeping_the_extension() -> None:
    assert files.display_name("a" * 300 + ".pdf") == "a" * 196 + ".pdf"


def test_storage_uses_generated_names(tmp_path) -> None:
    folder = files.upload_dir(str(tmp_path))
    stored = files.store(folder, PDF)
    assert stored.isalnum() and len(stored) == 32
    assert (folder / stored).read_bytes() == PDF
    assert folder == tmp_path / "uploads" / "initiatives"
    with pytest.raises(InvalidFile):
        files.stored_path(folder, "../secret_key")
    files.discard(folder, [stored])
    assert not (folder / stored).exists()
