"""Uploaded images: stored upright without EXIF/GPS unless kept, thumbnails, hostile input."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from datastore.kit.images import THUMBNAIL_EDGE, ImageRejected, prepare_image
from tests.support.images import CORRUPT_PNG, opened, photo


def test_the_stored_photo_has_no_exif_and_no_position() -> None:
    prepared = prepare_image(photo(), keep_metadata=False)

    assert prepared.stored is not None
    stored = opened(prepared.stored)
    assert not stored.getexif(), "EXIF survived"
    assert b"CameraMaker" not in prepared.stored
    assert stored.size == (1200, 600)


def test_a_sideways_photo_is_stored_and_thumbnailed_upright() -> None:
    # Orientation 6: the camera was turned; viewers rotate 90 degrees clockwise.
    prepared = prepare_image(photo(orientation=6), keep_metadata=False)

    assert (prepared.width, prepared.height) == (600, 1200)
    assert prepared.stored is not None
    upright = opened(prepared.stored)
    assert upright.size == (600, 1200)
    # The red left half of the sensor is on top once turned upright.
    top = upright.convert("RGB").getpixel((300, 100))
    assert isinstance(top, tuple) and top[0] > 200 and top[2] < 60
    assert opened(prepared.thumbnail).size[1] == THUMBNAIL_EDGE


def test_the_owner_may_keep_the_metadata() -> None:
    original = photo()
    prepared = prepare_image(original, keep_metadata=True)

    assert prepared.stored is None  # the uploaded bytes stay as they are


def test_a_thumbnail_fits_the_box_and_keeps_the_aspect() -> None:
    prepared = prepare_image(photo(2000, 500, fmt="PNG"), keep_metadata=False)
    thumbnail = opened(prepared.thumbnail)

    assert thumbnail.format == "JPEG"
    assert thumbnail.size == (THUMBNAIL_EDGE, THUMBNAIL_EDGE // 4)


def test_a_transparent_png_gets_a_white_background_thumbnail() -> None:
    out = io.BytesIO()
    Image.new("RGBA", (100, 100), (0, 0, 0, 0)).save(out, format="PNG")
    thumbnail = opened(prepare_image(out.getvalue(), keep_metadata=False).thumbnail)

    assert thumbnail.convert("RGB").getpixel((50, 50)) == (255, 255, 255)


@pytest.mark.parametrize(
    "data",
    [b"", b"not an image at all", photo()[:200], CORRUPT_PNG],
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
