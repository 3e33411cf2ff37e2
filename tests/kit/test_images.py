"""Uploaded images: stored upright without EXIF/GPS unless kept, thumbnails, hostile input."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from datastore.kit.images import THUMBNAIL_EDGE, ImageRejected, prepare_image

ORIENTATION = 0x0112
GPS_IFD = 0x8825


def _photo(
    width: int = 1200, height: int = 600, *, orientation: int = 1, fmt: str = "JPEG"
) -> bytes:
    """A photo whose left half is red, with a camera's EXIF: orientation and a GPS position."""
    image = Image.new("RGB", (width, height), "blue")
    image.paste(Image.new("RGB", (width // 2, height), "red"), (0, 0))
    exif = Image.Exif()
    exif[ORIENTATION] = orientation
    exif[0x010F] = "CameraMaker"
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (52.0, 22.0, 7.0), 3: "E", 4: (4.0, 53.0, 28.0)})
    out = io.BytesIO()
    image.save(out, format=fmt, exif=exif)
    return out.getvalue()


def _opened(data: bytes) -> Image.Image:
    return Image.open(io.BytesIO(data))


def test_the_stored_photo_has_no_exif_and_no_position() -> None:
    prepared = prepare_image(_photo(), keep_metadata=False)

    assert prepared.stored is not None
    stored = _opened(prepared.stored)
    assert not stored.getexif(), "EXIF survived"
    assert b"CameraMaker" not in prepared.stored
    assert stored.size == (1200, 600)


def test_a_sideways_photo_is_stored_and_thumbnailed_upright() -> None:
    # Orientation 6: the camera was turned; viewers rotate 90 degrees clockwise.
    prepared = prepare_image(_photo(orientation=6), keep_metadata=False)

    assert (prepared.width, prepared.height) == (600, 1200)
    assert prepared.stored is not None
    upright = _opened(prepared.stored)
    assert upright.size == (600, 1200)
    # The red left half of the sensor is on top once turned upright.
    top = upright.convert("RGB").getpixel((300, 100))
    assert isinstance(top, tuple) and top[0] > 200 and top[2] < 60
    assert _opened(prepared.thumbnail).size[1] == THUMBNAIL_EDGE


def test_the_owner_may_keep_the_metadata() -> None:
    original = _photo()
    prepared = prepare_image(original, keep_metadata=True)

    assert prepared.stored is None  # the uploaded bytes stay as they are


def test_a_thumbnail_fits_the_box_and_keeps_the_aspect() -> None:
    prepared = prepare_image(_photo(2000, 500, fmt="PNG"), keep_metadata=False)
    thumbnail = _opened(prepared.thumbnail)

    assert thumbnail.format == "JPEG"
    assert thumbnail.size == (THUMBNAIL_EDGE, THUMBNAIL_EDGE // 4)


def test_a_transparent_png_gets_a_white_background_thumbnail() -> None:
    out = io.BytesIO()
    Image.new("RGBA", (100, 100), (0, 0, 0, 0)).save(out, format="PNG")
    thumbnail = _opened(prepare_image(out.getvalue(), keep_metadata=False).thumbnail)

    assert thumbnail.convert("RGB").getpixel((50, 50)) == (255, 255, 255)


@pytest.mark.parametrize(
    "data",
    [b"", b"not an image at all", _photo()[:200], b"\x89PNG\r\n\x1a\n" + b"\x00" * 64],
    ids=["empty", "text", "truncated-jpeg", "png-header-only"],
)
def test_bytes_that_are_not_an_image_are_rejected(data: bytes) -> None:
    with pytest.raises(ImageRejected):
        prepare_image(data, keep_metadata=False)


def test_a_decompression_bomb_is_rejected_before_decoding() -> None:
    # A tiny file that claims 10,000 x 10,000 pixels.
    out = io.BytesIO()
    Image.new("L", (10_000, 10_000)).save(out, format="PNG", optimize=True)
    assert len(out.getvalue()) < 200_000

    with pytest.raises(ImageRejected, match="pixels"):
        prepare_image(out.getvalue(), keep_metadata=False, max_pixels=1_000_000)
