"""Photos for tests of uploads: a camera's JPEG with EXIF orientation and a GPS position."""

from __future__ import annotations

import io

from PIL import Image

ORIENTATION = 0x0112
GPS_IFD = 0x8825
CAMERA = "CameraMaker"


def photo(
    width: int = 1200, height: int = 600, *, orientation: int = 1, fmt: str = "JPEG"
) -> bytes:
    """A photo whose left half is red, with a camera's EXIF: orientation and a GPS position."""
    image = Image.new("RGB", (width, height), "blue")
    image.paste(Image.new("RGB", (width // 2, height), "red"), (0, 0))
    exif = Image.Exif()
    exif[ORIENTATION] = orientation
    exif[0x010F] = CAMERA
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (52.0, 22.0, 7.0), 3: "E", 4: (4.0, 53.0, 28.0)})
    out = io.BytesIO()
    image.save(out, format=fmt, exif=exif)
    return out.getvalue()


def opened(data: bytes) -> Image.Image:
    return Image.open(io.BytesIO(data))


# Sniffs as a PNG (its magic number) but no decoder can read it.
CORRUPT_PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
