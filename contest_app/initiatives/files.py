"""Attachments: checked by content (not only by extension), size limits, safe names, a copy
for judges without the metadata that names the author (see `sanitise`), and storage under
`<instance>/uploads/initiatives/` with generated names.

`sniff`, `check_upload` and `display_name` are pure (bytes and names in, values out); the
storage helpers only touch the upload folder."""

from __future__ import annotations

import hashlib
import io
import os
import unicodedata
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import Path

from werkzeug.utils import secure_filename

from ..domain import DomainError
from .sanitise import Unsanitisable, sanitise

MB = 1024 * 1024
DEFAULT_MAX_FILE_BYTES = 10 * MB
DEFAULT_MAX_TOTAL_BYTES = 25 * MB
DEFAULT_MAX_FILES = 10

KINDS = {
    # kind: (extensions accepted, MIME type served, label)
    "pdf": ((".pdf",), "application/pdf", "PDF"),
    "docx": ((".docx",), "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
             "Word"),
    "xlsx": ((".xlsx",), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
             "Excel"),
    "jpg": ((".jpg", ".jpeg"), "image/jpeg", "JPG"),
    "png": ((".png",), "image/png", "PNG"),
}
ACCEPT = ",".join(ext for exts, _, _ in KINDS.values() for ext in exts)


class InvalidFile(DomainError):
    """An upload refused; `fields` holds {'files': reason} and `name` the file's name."""

    code = "initiative_invalid_file"


@dataclass(frozen=True)
class CheckedFile:
    name: str  # shown to people (path parts removed)
    kind: str
    size: int
    data: bytes
    sha256: str
    judge_copy: bytes  # what judges download: the same content without author metadata


def _zip_kind(data: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "[Content_Types].xml" not in names:
                return None
            types = archive.read("[Content_Types].xml")
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, RuntimeError):
        return None
    if "word/document.xml" in names and b"wordprocessingml" in types:
        return "docx"
    if "xl/workbook.xml" in names and b"spreadsheetml" in types:
        return "xlsx"
    return None


def sniff(data: bytes) -> str | None:
    """The file's kind from its content: %PDF, a JPEG or PNG signature, or an Office Open XML
    zip with [Content_Types].xml and word/ or xl/ parts. None for anything else."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"PK\x03\x04"):
        return _zip_kind(data)
    return None


def kind_of_name(name: str) -> str | None:
    ext = os.path.splitext(name.lower())[1]
    for kind, (exts, _, _) in KINDS.items():
        if ext in exts:
            return kind
    return None


def has_path_tricks(name: str) -> bool:
    """A name that tries to reach another folder or hide itself: separators (so also '../'),
    a drive colon, control characters, or a leading dot."""
    if any(sep in name for sep in ("/", "\\")):
        return True
    if any(unicodedata.category(ch) == "Cc" for ch in name):
        return True
    return name.startswith(".") or ":" in name


def display_name(name: str) -> str:
    """The original name as people will see it (NFC, trimmed to 200 characters)."""
    name = unicodedata.normalize("NFC", name).strip()
    if len(name) > 200:
        stem, ext = os.path.splitext(name)
        name = stem[: 200 - len(ext)] + ext
    return name


def check_upload(name: str, data: bytes, max_file_bytes: int) -> CheckedFile:
    """Accept a file or raise InvalidFile with a reason: 'name', 'empty', 'too_large', 'type'
    (extension not allowed), 'content' (the content is not what the extension says) or
    'unreadable' (no copy without the author's metadata can be made for judges: damaged,
    password-protected or oversized inside)."""
    if not name or has_path_tricks(name) or not secure_filename(name):
        raise InvalidFile(name=name, files="name")
    if not data:
        raise InvalidFile(name=name, files="empty")
    if len(data) > max_file_bytes:
        raise InvalidFile(name=name, files="too_large")
    claimed = kind_of_name(name)
    if claimed is None:
        raise InvalidFile(name=name, files="type")
    if sniff(data) != claimed:
        raise InvalidFile(name=name, files="content")
    try:
        clean = sanitise(claimed, data)
    except Unsanitisable as err:
        raise InvalidFile(name=name, files="unreadable") from err
    return CheckedFile(display_name(name), claimed, len(data), data,
                       hashlib.sha256(data).hexdigest(), clean)


def check_total(existing_bytes: int, new: list[CheckedFile], max_total_bytes: int,
                existing_count: int, max_files: int) -> None:
    if existing_count + len(new) > max_files:
        raise InvalidFile(name="", files="too_many")
    if existing_bytes + sum(f.size for f in new) > max_total_bytes:
        raise InvalidFile(name="", files="total_too_large")


def read_limited(stream, limit: int) -> bytes:
    """Read at most limit + 1 bytes, enough to tell that a file is too large."""
    return stream.read(limit + 1)


# --- Storage --------------------------------------------------------------------------------


def upload_dir(instance_path: str) -> Path:
    folder = Path(instance_path) / "uploads" / "initiatives"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def store(folder: Path, data: bytes) -> str:
    """Write the bytes under a new random name and return it (never the uploaded name)."""
    stored = uuid.uuid4().hex
    target = folder / stored
    temp = folder / (stored + ".part")
    with open(temp, "wb") as handle:
        handle.write(data)
    os.replace(temp, target)
    return stored


def stored_path(folder: Path, stored_name: str) -> Path:
    if not stored_name.isalnum():
        raise InvalidFile(name=stored_name, files="name")
    return folder / stored_name


def discard(folder: Path, stored_names: list[str]) -> None:
    for stored in stored_names:
        try:
            stored_path(folder, stored).unlink()
        except (FileNotFoundError, InvalidFile):
            continue
