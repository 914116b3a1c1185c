"""The contest's share card: the 1200×630 PNG that Zalo, Facebook and others show beside a
shared link (og:image). Plain Python (Pillow, no Flask): the caller passes the texts already
formatted in Vietnamese, the font folder and the cache folder.

The card is cached on disk under a name made from a hash of everything drawn on it, so a
changed title, round dates or short link gives a new file (and the old one is removed)."""

from __future__ import annotations

import hashlib
import io
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

WIDTH, HEIGHT = 1200, 630
LAYOUT_VERSION = "1"  # bump when the drawing changes, so cached cards are redrawn
BACKGROUND = (10, 88, 202)  # the navbar's blue (#0a58ca)
BAND = (6, 59, 137)
WHITE = (255, 255, 255)
MUTED = (214, 228, 255)
MARGIN = 72
MAX_DATE_LINES = 4


@dataclass(frozen=True)
class CardText:
    """Everything drawn on a card (Vietnamese, already formatted)."""

    site: str  # "Hội thi CCHC"
    title: str
    dates: tuple[str, ...]  # one line per round, e.g. "Tuần 1: 01/12 – 07/12/2026"
    link: str  # the short link without its scheme

    def key(self) -> str:
        raw = "\x1f".join([LAYOUT_VERSION, self.site, self.title, *self.dates, self.link])
        return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:20]


def _font(font_dir: Path, bold: bool, size: int):
    from PIL import ImageFont

    name = "NotoSans-Bold.ttf" if bold else "NotoSans-Regular.ttf"
    return ImageFont.truetype(str(font_dir / name), size)


def _wrap(draw, text: str, font, width: int) -> list[str]:
    """Greedy word wrap to `width` pixels (a word longer than the width stays whole)."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}" if current else word
        if current and draw.textlength(candidate, font=font) > width:
            lines.append(current)
            current = word
        else:
            current = candidate
    if current:
        lines.append(current)
    return lines


def _fit_title(draw, title: str, font_dir: Path, width: int, max_lines: int = 3):
    """The largest title size (72 down to 40 px) that fits in `max_lines`; at 40 px the last
    line is cut with an ellipsis."""
    for size in range(72, 39, -4):
        font = _font(font_dir, True, size)
        lines = _wrap(draw, title, font, width)
        if len(lines) <= max_lines:
            return font, lines
    lines = lines[:max_lines]
    last = lines[-1]
    while last and draw.textlength(last + "…", font=font) > width:
        last = last[:-1].rstrip()
    lines[-1] = last + "…"
    return font, lines


def render(text: CardText, font_dir: Path) -> bytes:
    """The card as PNG bytes."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (WIDTH, HEIGHT), BACKGROUND)
    draw = ImageDraw.Draw(image)
    inner = WIDTH - 2 * MARGIN
    draw.text((MARGIN, 52), text.site.upper(), font=_font(font_dir, True, 30), fill=MUTED)
    title_font, title_lines = _fit_title(draw, text.title, font_dir, inner)
    y = 110
    line_height = int(title_font.size * 1.25)
    for line in title_lines:
        draw.text((MARGIN, y), line, font=title_font, fill=WHITE)
        y += line_height
    y += 18
    date_font = _font(font_dir, False, 30)
    dates = list(text.dates[:MAX_DATE_LINES])
    if len(text.dates) > MAX_DATE_LINES:
        dates[-1] = "…"
    band_top = HEIGHT - 110
    for line in dates:
        if y + 40 > band_top - 10:
            break
        draw.text((MARGIN, y), line, font=date_font, fill=WHITE)
        y += 44
    draw.rectangle((0, band_top, WIDTH, HEIGHT), fill=BAND)
    draw.text((MARGIN, band_top + 30), text.link, font=_font(font_dir, True, 36), fill=WHITE)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def cached_card(text: CardText, font_dir: Path, cache_dir: Path, stem: str) -> Path:
    """The card's file in `cache_dir` (`<stem>-<key>.png`), drawn when missing; older cards
    of the same stem are removed. Written to a temporary file and renamed, so a reader never
    sees half a PNG."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    path = cache_dir / f"{stem}-{text.key()}.png"
    if path.exists():
        return path
    data = render(text, font_dir)
    fd, tmp = tempfile.mkstemp(dir=cache_dir, prefix=f".{stem}-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    for old in cache_dir.glob(f"{stem}-*.png"):
        if old != path:
            old.unlink(missing_ok=True)
    return path
