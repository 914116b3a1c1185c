"""PDF plumbing shared by certificates and posters: an fpdf2 document with the shipped
Noto Sans fonts (Vietnamese needs a Unicode TrueType font; static/fonts/OFL.txt is its
licence) and QR codes drawn by segno as PNG images."""

from __future__ import annotations

import io
import unicodedata
from pathlib import Path

FONT_DIR = Path(__file__).resolve().parent.parent / "static" / "fonts"
FAMILY = "NotoSans"


def document(orientation: str = "P", title: str = ""):  # noqa: ANN201  (fpdf.FPDF)
    """An A4 document in millimetres with Noto Sans regular and bold, no automatic breaks."""
    from fpdf import FPDF

    pdf = FPDF(orientation=orientation, unit="mm", format="A4")
    pdf.add_font(FAMILY, "", str(FONT_DIR / "NotoSans-Regular.ttf"))
    pdf.add_font(FAMILY, "B", str(FONT_DIR / "NotoSans-Bold.ttf"))
    pdf.set_auto_page_break(False)
    pdf.set_margins(0, 0, 0)
    pdf.set_creator("Hội thi CCHC")
    if title:
        pdf.set_title(nfc(title))
    pdf.add_page()
    return pdf


def nfc(text: str) -> str:
    """Vietnamese typed on some keyboards arrives decomposed (e + combining marks); the font
    has the precomposed letters, so draw the composed form."""
    return unicodedata.normalize("NFC", text or "")


def qr_png(link: str, scale: int = 10) -> bytes:
    """The QR code of `link` as a PNG (error correction M, 4 modules of quiet zone)."""
    import segno

    buffer = io.BytesIO()
    segno.make(link, error="m").save(buffer, kind="png", scale=scale, border=4)
    return buffer.getvalue()


def to_bytes(pdf) -> bytes:  # noqa: ANN001  (fpdf.FPDF)
    return bytes(pdf.output())
