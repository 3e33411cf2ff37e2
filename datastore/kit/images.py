"""Preparing uploaded images: upright, without EXIF/GPS unless kept, and a thumbnail.

Pure functions over bytes, so the attachment and chat-media jobs share them and tests need
no store. Pillow decodes untrusted input: a pixel budget refuses decompression bombs before
the pixels are allocated, and any decoding error is an `ImageRejected` the job turns into
status FAILED.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from typing import Any

from PIL import Image, ImageOps, UnidentifiedImageError

THUMBNAIL_EDGE = 320
MAX_PIXELS = 50_000_000
# Formats we re-encode losslessly or near it; anything else keeps its bytes as uploaded.
_REENCODED: dict[str, dict[str, Any]] = {
    "JPEG": {"quality": 92, "optimize": True},
    "PNG": {"optimize": True},
    "WEBP": {},
}


class ImageRejected(Exception):
    """The bytes are not an image Pillow can safely decode."""


@dataclass(frozen=True, slots=True)
class PreparedImage:
    stored: bytes | None  # None: keep the original bytes (metadata kept, or format not re-encoded)
    thumbnail: bytes  # JPEG, at most THUMBNAIL_EDGE on its longer side
    width: int
    height: int


def prepare_image(
    data: bytes, *, keep_metadata: bool, max_pixels: int = MAX_PIXELS
) -> PreparedImage:
    """The image to store (rotated upright, EXIF and GPS dropped) and its thumbnail."""
    image = _open(data, max_pixels)
    upright = ImageOps.exif_transpose(image) or image
    stored = None if keep_metadata else _without_metadata(upright, image.format)
    return PreparedImage(
        stored=stored,
        thumbnail=_thumbnail(upright),
        width=upright.width,
        height=upright.height,
    )


def _open(data: bytes, max_pixels: int) -> Image.Image:
    too_big = ImageRejected(f"The image has more than {max_pixels} pixels.")
    try:
        with warnings.catch_warnings():
            # Pillow only warns between its own limit and twice it: refuse there too.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            if image.width * image.height > max_pixels:
                raise too_big
            image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise too_big from error
    except (UnidentifiedImageError, OSError, ValueError) as error:
        raise ImageRejected("The file is not an image that can be read.") from error
    return image


def _without_metadata(image: Image.Image, source_format: str | None) -> bytes | None:
    """Re-encode without EXIF, XMP or ICC text; None when the format is not one we re-encode."""
    options = _REENCODED.get(source_format or "")
    if options is None:
        return None
    clean = image.copy()
    clean.info.clear()
    if source_format == "JPEG" and clean.mode not in ("RGB", "L", "CMYK"):
        clean = clean.convert("RGB")
    out = io.BytesIO()
    clean.save(out, format=source_format, **options)
    return out.getvalue()


def _thumbnail(image: Image.Image) -> bytes:
    small = image.copy()
    small.thumbnail((THUMBNAIL_EDGE, THUMBNAIL_EDGE))
    if small.mode not in ("RGB", "L"):
        small = small.convert("RGBA")
        background = Image.new("RGB", small.size, "white")
        background.paste(small, mask=small.getchannel("A"))
        small = background
    out = io.BytesIO()
    small.save(out, format="JPEG", quality=80, optimize=True)
    return out.getvalue()
