"""A contest's colours (hex, WCAG AA contrast against white text) and banner image rules."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from contest_app.quiz import branding


def test_hex_colours_are_normalised_or_refused() -> None:
    assert branding.normalise_hex("#0A58CA") == "#0a58ca"
    assert branding.normalise_hex(" 0a58ca ") == "#0a58ca"
    assert branding.normalise_hex("#abc") == "#aabbcc"
    for bad in ("", "#12345", "#1234567", "blue", "#ggg000", "rgb(0,0,0)", "#0a58ca;x", None):
        assert branding.normalise_hex(bad) is None


def test_contrast_ratio_matches_wcag() -> None:
    assert branding.contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert branding.contrast_ratio("#ffffff", "#ffffff") == pytest.approx(1.0)
    # Bootstrap's primary blue passes AA with white text by a hair; a lighter blue does not.
    assert branding.contrast_ratio("#0d6efd", "#ffffff") == pytest.approx(4.50, abs=0.01)
    assert branding.contrast_ratio("#3d8bfd", "#ffffff") < 4.5
    assert branding.contrast_ratio("#0a58ca", "#ffffff") > 6
    assert branding.contrast_ratio("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)


def test_colour_problem() -> None:
    assert branding.colour_problem("") == (None, None)
    assert branding.colour_problem("   ") == (None, None)
    assert branding.colour_problem("#0A58CA") == ("#0a58ca", None)
    assert branding.colour_problem("#767676") == ("#767676", None)
    assert branding.colour_problem("#777777") == ("#777777", "contrast")
    assert branding.colour_problem("#ffcc00") == ("#ffcc00", "contrast")
    assert branding.colour_problem("#0d6efd") == ("#0d6efd", None)
    assert branding.colour_problem("#3d8bfd") == ("#3d8bfd", "contrast")
    assert branding.colour_problem("vàng") == (None, "format")


def test_darken_keeps_white_text_readable() -> None:
    assert branding.darken("#ffffff", 0.5) == "#808080"
    assert branding.darken("#000000") == "#000000"
    for colour in ("#0a58ca", "#767676", "#146c43"):
        darker = branding.darken(colour)
        assert branding.contrast_ratio(darker, "#ffffff") >= branding.contrast_ratio(
            colour, "#ffffff")


def image_bytes(fmt: str, size=(800, 300), mode="RGB", **save) -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, (10, 88, 202) if mode == "RGB" else None).save(out, format=fmt, **save)
    return out.getvalue()


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "WEBP"])
def test_png_jpeg_webp_banners_are_reencoded_as_webp(fmt: str) -> None:
    banner = branding.reencode_banner(image_bytes(fmt))
    assert banner.data[:4] == b"RIFF" and banner.data[8:12] == b"WEBP"
    assert (banner.width, banner.height) == (800, 300)


def test_a_large_banner_is_scaled_down_and_metadata_dropped() -> None:
    exif = Image.Exif()
    exif[0x013B] = "Nguyễn Văn Tác Giả".encode()  # Artist
    data = image_bytes("JPEG", size=(4000, 1000), exif=exif.tobytes())
    banner = branding.reencode_banner(data)
    assert (banner.width, banner.height) == (1600, 400)
    with Image.open(io.BytesIO(banner.data)) as image:
        assert not image.getexif()
    assert "Tác Giả".encode() not in banner.data


@pytest.mark.parametrize(("data", "reason"), [
    (b"", "empty"),
    (b"GIF89a" + b"\0" * 100, "broken"),
    (b"%PDF-1.7 not an image", "broken"),
    (image_bytes("PNG")[:60], "broken"),
    (image_bytes("PNG", size=(200, 60)), "too_small"),
])
def test_bad_banners_are_refused(data: bytes, reason: str) -> None:
    with pytest.raises(branding.BannerRefused) as err:
        branding.reencode_banner(data)
    assert err.value.reason == reason


def test_other_image_formats_and_oversize_are_refused() -> None:
    gif = io.BytesIO()
    Image.new("RGB", (800, 300)).save(gif, format="GIF")
    with pytest.raises(branding.BannerRefused) as err:
        branding.reencode_banner(gif.getvalue())
    assert err.value.reason == "format"
    with pytest.raises(branding.BannerRefused) as err:
        branding.reencode_banner(image_bytes("PNG"), max_bytes=100)
    assert err.value.reason == "too_large"


def test_a_decompression_bomb_is_refused_unread() -> None:
    # A PNG that declares 10000 x 10000 pixels (100 M) in a few hundred bytes.
    data = image_bytes("PNG", size=(10000, 10000), mode="1")
    assert len(data) < 200_000
    with pytest.raises(branding.BannerRefused) as err:
        branding.reencode_banner(data)
    assert err.value.reason == "too_big_image"
