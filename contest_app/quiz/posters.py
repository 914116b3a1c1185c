"""Print-ready A4 posters for a contest or a round: title, dates, a large QR code, the link
and the organiser. Plain values in, PDF bytes out (no database, no Flask)."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime, tzinfo

from ..pdf import FAMILY, document, nfc, qr_png, to_bytes


@dataclass(frozen=True)
class Poster:
    organiser_name: str
    title: str
    subtitle: str  # the contest's title on a round's poster, else ""
    when: str  # "Từ 01/12/2026 08:00 đến 07/12/2026 20:00" (or "")
    link: str
    call_to_action: str


def when_text(opens: datetime | None, closes: datetime | None, tz: tzinfo,
              both: str, since: str, until: str) -> str:
    """The dates as people read them (dd/mm/yyyy HH:MM in the contest's time zone) put into
    the translated sentence for both ends (%(opens)s, %(closes)s), the start or the end."""
    def fmt(value: datetime) -> str:
        return value.astimezone(tz).strftime("%d/%m/%Y %H:%M")

    if opens and closes:
        return both % {"opens": fmt(opens), "closes": fmt(closes)}
    if opens:
        return since % {"opens": fmt(opens)}
    if closes:
        return until % {"closes": fmt(closes)}
    return ""


NAVY = (20, 40, 100)
DARK_RED = (160, 20, 20)


def render(poster: Poster) -> bytes:
    pdf = document("P", title=poster.title)
    width = pdf.w  # 210 × 297
    pdf.set_fill_color(*NAVY)
    pdf.rect(0, 0, width, 12, style="F")
    pdf.rect(0, pdf.h - 12, width, 12, style="F")

    pdf.set_text_color(*NAVY)
    pdf.set_font(FAMILY, "B", 14)
    pdf.set_xy(15, 20)
    pdf.multi_cell(width - 30, 7, nfc(poster.organiser_name.upper()), align="C")
    y = pdf.get_y() + 6
    if poster.subtitle:
        pdf.set_font(FAMILY, "", 15)
        pdf.set_text_color(60, 60, 60)
        pdf.set_xy(15, y)
        pdf.multi_cell(width - 30, 7.5, nfc(poster.subtitle), align="C")
        y = pdf.get_y() + 3
    pdf.set_text_color(*DARK_RED)
    pdf.set_font(FAMILY, "B", 26 if len(poster.title) < 70 else 20)
    pdf.set_xy(15, y)
    pdf.multi_cell(width - 30, 12 if len(poster.title) < 70 else 9.5, nfc(poster.title.upper()),
                   align="C")
    y = pdf.get_y() + 5
    if poster.when:
        pdf.set_text_color(30, 30, 30)
        pdf.set_font(FAMILY, "", 14)
        pdf.set_xy(15, y)
        pdf.multi_cell(width - 30, 7, nfc(poster.when), align="C")
        y = pdf.get_y() + 4

    size = min(150.0, 297 - 12 - 45 - y)
    pdf.image(io.BytesIO(qr_png(poster.link, scale=16)), x=(width - size) / 2, y=y, w=size,
              h=size)
    y += size + 2
    pdf.set_text_color(*NAVY)
    pdf.set_font(FAMILY, "B", 18)
    pdf.set_xy(15, y)
    pdf.cell(width - 30, 10, nfc(poster.call_to_action), align="C")
    y += 12
    pdf.set_font(FAMILY, "", 14 if len(poster.link) < 60 else 11)
    pdf.set_text_color(30, 30, 30)
    pdf.set_xy(15, y)
    pdf.multi_cell(width - 30, 7, poster.link, align="C")
    return to_bytes(pdf)
