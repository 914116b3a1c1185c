"""A contest's look, as plain rules: the organiser's colours (hex, contrast with white text for
WCAG AA) and the banner image (PNG, JPEG or WebP checked by Pillow, bounded, re-encoded).
Nothing here imports Flask; refusals are codes that the services put into words."""

from __future__ import annotations

import io
import re
import warnings
from dataclasses import dataclass

from ..domain import DomainError

MIN_CONTRAST = 4.5  # WCAG 2.1 AA for normal text
WHITE = "#ffffff"
_HEX = re.compile(r"#?([0-9a-f]{3}|[0-9a-f]{6})")

BANNER_FORMATS = ("PNG", "JPEG", "WEBP")
BANNER_MAX_BYTES = 5 * 1024 * 1024
BANNER_MAX_PIXELS = 40_000_000  # decoded size; a "decompression bomb" is refused unread
BANNER_MIN_SIZE = (320, 80)
BANNER_MAX_SIZE = (1600, 800)  # re-encoded no larger than this


class BannerRefused(DomainError):
    """The banner upload cannot be used; `reason` is one of empty, too_large, format,
    broken, too_big_image, too_small."""

    code = "banner_refused"

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def normalise_hex(value: str | None) -> str | None:
    """'#1A2b3C', '1a2b3c' or '#abc' as '#1a2b3c'; None when it is no hex colour."""
    match = _HEX.fullmatch((value or "").strip().lower())
    if match is None:
        return None
    digits = match.group(1)
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    return "#" + digits


def _channel(c: int) -> float:
    s = c / 255
    return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4


def relative_luminance(colour: str) -> float:
    """WCAG 2.1 relative luminance of a normalised '#rrggbb' colour."""
    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast_ratio(first: str, second: str) -> float:
    """WCAG contrast ratio between two '#rrggbb' colours, from 1 to 21."""
    a, b = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (a + 0.05) / (b + 0.05)


def colour_problem(value: str | None) -> tuple[str | None, str | None]:
    """(normalised colour, None) for a usable colour; (None, 'format') for no hex colour;
    (colour, 'contrast') when white text on it would fall below 4.5:1. Blank is (None, None):
    the site's own colour."""
    if not (value or "").strip():
        return None, None
    colour = normalise_hex(value)
    if colour is None:
        return None, "format"
    if contrast_ratio(colour, WHITE) < MIN_CONTRAST:
        return colour, "contrast"
    return colour, None


def darken(colour: str, amount: float = 0.15) -> str:
    """The colour with each channel reduced by `amount` (hover and pressed states): darker, so
    white text on it keeps at least the same contrast."""
    channels = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return "#" + "".join(f"{max(0, round(c * (1 - amount))):02x}" for c in channels)


@dataclass(frozen=True)
class Banner:
    data: bytes  # WebP
    width: int
    height: int


def reencode_banner(data: bytes, max_bytes: int = BANNER_MAX_BYTES) -> Banner:
    """Check an uploaded banner by its content and re-encode it as WebP without metadata,
    scaled down to fit BANNER_MAX_SIZE. Refused (BannerRefused): empty, over `max_bytes`,
    not PNG/JPEG/WebP, unreadable, more than BANNER_MAX_PIXELS or smaller than
    BANNER_MIN_SIZE."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    if not data:
        raise BannerRefused("empty")
    if len(data) > max_bytes:
        raise BannerRefused("too_large")
    try:
        with warnings.catch_warnings():  # the size is checked here, below Pillow's own limit
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            probe = Image.open(io.BytesIO(data))
        with probe:
            if probe.format not in BANNER_FORMATS:
                raise BannerRefused("format")
            width, height = probe.size
            if width * height > BANNER_MAX_PIXELS:
                raise BannerRefused("too_big_image")
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            image = ImageOps.exif_transpose(image)
            has_alpha = image.mode in ("RGBA", "LA") or (
                image.mode == "P" and "transparency" in image.info)
            image = image.convert("RGBA" if has_alpha else "RGB")
    except BannerRefused:
        raise
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError,
            Image.DecompressionBombError):
        raise BannerRefused("broken") from None
    if image.width < BANNER_MIN_SIZE[0] or image.height < BANNER_MIN_SIZE[1]:
        raise BannerRefused("too_small")
    image.thumbnail(BANNER_MAX_SIZE, Image.LANCZOS)
    out = io.BytesIO()
    image.save(out, format="WEBP", quality=82, method=4)
    return Banner(out.getvalue(), image.width, image.height)
