"""Drawing one certificate (A4 landscape) from plain values. No database, no Flask."""

from __future__ import annotations

import io
from dataclasses import dataclass

from ..pdf import FAMILY, document, nfc, qr_png, to_bytes


@dataclass(frozen=True)
class CertificateContent:
    organiser_name: str
    heading: str
    full_name: str
    body: str  # the template's text with its placeholders filled
    date_line: str  # "Hà Nội, ngày 03 tháng 12 năm 2026" or "Ngày 03 tháng 12 năm 2026"
    signer_title: str
    signer_name: str
    code: str  # as displayed (ABCDE-FGHJK)
    verify_url: str
    recipient_label: str = "Chứng nhận Ông/Bà"
    code_label: str = "Mã xác minh: %(code)s"
    verify_hint: str = "Quét mã QR hoặc mở %(url)s để kiểm tra giấy chứng nhận này."
    logo: bytes | None = None  # PNG
    signature: bytes | None = None  # PNG
    prize: bool = False


DARK_RED = (160, 20, 20)
NAVY = (20, 40, 100)


def render(content: CertificateContent) -> bytes:
    pdf = document("L", title=f"{content.heading} – {content.full_name}")
    width, height = pdf.w, pdf.h  # 297 × 210
    pdf.set_draw_color(*DARK_RED)
    pdf.set_line_width(1.2)
    pdf.rect(8, 8, width - 16, height - 16)
    pdf.set_line_width(0.4)
    pdf.rect(11, 11, width - 22, height - 22)

    y = 16.0
    if content.logo:
        pdf.image(io.BytesIO(content.logo), x=(width - 24) / 2, y=y, h=24, keep_aspect_ratio=True,
                  w=24)
        y += 27
    pdf.set_text_color(*NAVY)
    pdf.set_font(FAMILY, "B", 13)
    pdf.set_xy(20, y)
    pdf.multi_cell(width - 40, 6.5, nfc(content.organiser_name.upper()), align="C")
    y = pdf.get_y() + 4

    pdf.set_text_color(*DARK_RED)
    pdf.set_font(FAMILY, "B", 30)
    pdf.set_xy(20, y)
    pdf.cell(width - 40, 14, nfc(content.heading.upper()), align="C")
    y += 18

    pdf.set_text_color(30, 30, 30)
    pdf.set_font(FAMILY, "", 14)
    pdf.set_xy(20, y)
    pdf.cell(width - 40, 8, nfc(content.recipient_label), align="C")
    y += 10
    pdf.set_text_color(*NAVY)
    pdf.set_font(FAMILY, "B", 26)
    pdf.set_xy(20, y)
    pdf.cell(width - 40, 13, nfc(content.full_name), align="C")
    y += 17

    pdf.set_text_color(30, 30, 30)
    pdf.set_font(FAMILY, "", 15)
    pdf.set_xy(40, y)
    pdf.multi_cell(width - 80, 8, nfc(content.body), align="C")

    # Signature block, bottom right.
    block_x, block_w = width - 125, 105
    pdf.set_font(FAMILY, "", 12)
    pdf.set_xy(block_x, 138)
    pdf.cell(block_w, 6, nfc(content.date_line), align="C")
    pdf.set_font(FAMILY, "B", 12)
    pdf.set_xy(block_x, 145)
    pdf.multi_cell(block_w, 6, nfc(content.signer_title.upper()), align="C")
    if content.signature:
        pdf.image(io.BytesIO(content.signature), x=block_x + (block_w - 40) / 2, y=158, w=40,
                  h=20, keep_aspect_ratio=True)
    pdf.set_xy(block_x, 181)
    pdf.cell(block_w, 6, nfc(content.signer_name), align="C")

    # Verification, bottom left: the QR code, the code and where to check it.
    pdf.image(io.BytesIO(qr_png(content.verify_url)), x=20, y=146, w=38, h=38)
    pdf.set_text_color(60, 60, 60)
    pdf.set_font(FAMILY, "B", 10)
    pdf.set_xy(60, 156)
    pdf.cell(90, 5, nfc(content.code_label % {"code": content.code}))
    pdf.set_font(FAMILY, "", 8)
    pdf.set_xy(60, 162)
    pdf.multi_cell(90, 4, nfc(content.verify_hint % {"url": content.verify_url}), align="L")
    return to_bytes(pdf)
