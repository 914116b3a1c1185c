"""A contest's look: saving the organiser's colours and banner (rules in branding.py), the
banner's storage under a generated name beside the other uploads, and the per-contest CSS
values. Writes flush; the caller commits, then removes a replaced banner file."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from ..domain import ValidationFailed
from ..organiser.models import record
from . import branding
from .models import Contest

BANNER_MESSAGES = {
    "empty": _l("Vui lòng chọn một tệp ảnh PNG, JPEG hoặc WebP."),
    "too_large": _l("Ảnh quá lớn (tối đa %(mb)s MB)."),
    "format": _l("Chỉ nhận ảnh PNG, JPEG hoặc WebP; nội dung tệp này không đúng định dạng."),
    "broken": _l("Không đọc được ảnh này (tệp hỏng hoặc không phải ảnh)."),
    "too_big_image": _l("Ảnh có kích thước điểm ảnh quá lớn; hãy thu nhỏ ảnh rồi tải lại."),
    "too_small": _l("Ảnh quá nhỏ: cần rộng ít nhất %(w)s và cao ít nhất %(h)s điểm ảnh."),
}
COLOUR_FORMAT = _l("Màu phải là mã hex dạng #RRGGBB, ví dụ #0a58ca.")
COLOUR_CONTRAST = _l(
    "Màu %(colour)s quá sáng: chữ trắng trên nền màu này chỉ đạt độ tương phản %(ratio)s:1, "
    "dưới mức tối thiểu 4,5:1 (WCAG AA). Hãy chọn màu đậm hơn.")


def max_banner_bytes() -> int:
    return int(current_app.config.get("CONTEST_BANNER_MAX_BYTES", branding.BANNER_MAX_BYTES))


def storage_dir() -> Path:
    folder = Path(current_app.instance_path) / "uploads" / "contest-banners"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def banner_path(contest: Contest) -> Path | None:
    return storage_dir() / contest.banner_name if contest.banner_name else None


def banner_message(reason: str) -> str:
    message = BANNER_MESSAGES.get(reason, BANNER_MESSAGES["broken"])
    return str(message) % {"mb": f"{max_banner_bytes() / 1024 / 1024:g}",
                           "w": branding.BANNER_MIN_SIZE[0], "h": branding.BANNER_MIN_SIZE[1]}


def colour_message(field_value: str, problem: str, colour: str | None) -> str:
    if problem == "format":
        return str(COLOUR_FORMAT)
    ratio = branding.contrast_ratio(colour or branding.WHITE, branding.WHITE)
    return str(COLOUR_CONTRAST) % {"colour": colour or field_value,
                                   "ratio": f"{ratio:.2f}".replace(".", ",")}


@dataclass(frozen=True)
class Saved:
    contest: Contest
    old_banner: Path | None  # to unlink after the commit


def save_appearance(session: Session, actor_id: int, contest: Contest, primary: str | None,
                    accent: str | None, banner: bytes | None, remove_banner: bool) -> Saved:
    """Check both colours and the banner first; on any refusal nothing is written
    (ValidationFailed naming the fields). Audited when anything changed."""
    errors: dict[str, str] = {}
    colours: dict[str, str | None] = {}
    for name, value in (("primary", primary), ("accent", accent)):
        colour, problem = branding.colour_problem(value)
        if problem:
            errors[name] = colour_message(value or "", problem, colour)
        colours[name] = colour
    encoded = None
    if banner is not None:
        try:
            encoded = branding.reencode_banner(banner, max_banner_bytes())
        except branding.BannerRefused as err:
            errors["banner"] = banner_message(err.reason)
    if errors:
        raise ValidationFailed(**errors)
    before = appearance_of(contest)
    old = None
    if encoded is not None or (remove_banner and contest.banner_name):
        old = banner_path(contest)
        contest.banner_name = None
    if encoded is not None:
        name = secrets.token_hex(16) + ".webp"
        (storage_dir() / name).write_bytes(encoded.data)
        contest.banner_name = name
    contest.theme_primary, contest.theme_accent = colours["primary"], colours["accent"]
    session.flush()
    after = appearance_of(contest)
    if before != after:
        record(actor_id, "contest.appearance", contest, before, after)
    return Saved(contest, old)


def appearance_of(contest: Contest) -> dict:
    return {"theme_primary": contest.theme_primary, "theme_accent": contest.theme_accent,
            "banner": bool(contest.banner_name), "banner_name": contest.banner_name}


def has_theme(contest: Contest) -> bool:
    return bool(contest.theme_primary or contest.theme_accent)


def theme_version(contest: Contest) -> str:
    """Changes whenever the colours change, so the per-contest CSS URL can be cached long."""
    key = f"{contest.theme_primary}|{contest.theme_accent}"
    return hashlib.sha256(key.encode()).hexdigest()[:10]


def theme_values(contest: Contest) -> dict[str, str]:
    """The CSS custom properties' values (the site's own blues where none is chosen)."""
    primary = contest.theme_primary or "#0a58ca"
    accent = contest.theme_accent or primary
    return {"primary": primary, "primary_dark": branding.darken(primary),
            "accent": accent, "accent_dark": branding.darken(accent)}
