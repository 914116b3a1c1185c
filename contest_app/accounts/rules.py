"""Pure account rules: phone and CCCD formats, name normalisation."""

from __future__ import annotations

import re
import unicodedata

PHONE_RE = re.compile(r"^0\d{9}$")
CCCD_RE = re.compile(r"^\d{12}$")


def normalise_phone(raw: str) -> str:
    """Strip spaces, dots and dashes; turn +84 into 0."""
    phone = re.sub(r"[\s.\-()]", "", raw or "")
    if phone.startswith("+84"):
        phone = "0" + phone[3:]
    elif phone.startswith("84") and len(phone) == 11:
        phone = "0" + phone[2:]
    return phone


def is_valid_phone(phone: str) -> bool:
    """A Vietnamese mobile number: 10 digits starting with 0."""
    return bool(PHONE_RE.match(phone))


def is_valid_cccd(cccd: str) -> bool:
    return bool(CCCD_RE.match(cccd or ""))


def normalise_email(raw: str) -> str:
    return (raw or "").strip().lower()


def unaccent(text: str) -> str:
    """Lower-case text without Vietnamese diacritics ("Thủ tục Đơn" -> "thu tuc don")."""
    text = (text or "").replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
    return " ".join(stripped.lower().split())


def mask_phone(phone: str | None) -> str:
    """0905123123 -> 0905***123."""
    if not phone or len(phone) < 7:
        return ""
    return phone[:4] + "***" + phone[-3:]
