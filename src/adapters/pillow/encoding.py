"""Encoding variants as progressive JPEG and as WebP, with no metadata, off the GIL.

Pillow holds the GIL while an encoder writes into a ``BytesIO`` but releases it for the
whole encode when the target is a real file (``encode_to_file``). Encoding into an
anonymous in-memory file (``memfd``, Linux) therefore lets JPEG encodes on different threads
run at once; elsewhere, or if the kernel refuses, a ``BytesIO`` gives the same bytes.
WebP's encoder releases the GIL either way.

The pixels handed in carry no ``info`` (EXIF, XMP, ICC, comment) and no option here
asks for any, so a variant holds the pixels only.
"""

from __future__ import annotations

import io
import os

import attrs
from PIL import Image

from instagram_core.ports.processing import RenderedVariant


@attrs.frozen
class Format:
    pillow_name: str
    content_type: str
    extension: str


JPEG = Format("JPEG", "image/jpeg", "jpg")
WEBP = Format("WEBP", "image/webp", "webp")
SERVED_FORMATS = (JPEG, WEBP)


def encode(
    name: str, image: Image.Image, fmt: Format, quality: int, webp_method: int
) -> RenderedVariant:
    """``image`` as one served file. Both formats use the same ``quality`` scale (libjpeg's
    and libwebp's 0..100); JPEG is progressive with optimised Huffman tables, WebP lossy
    at ``webp_method`` (0 fastest .. 6 smallest). Concurrent calls need distinct
    ``image`` objects: ``Image.save`` stores its options on the image."""
    if fmt is JPEG:
        data = _saved(image, fmt, quality=quality, optimize=True, progressive=True)
    else:
        data = _saved(image, fmt, quality=quality, method=webp_method)
    return RenderedVariant(
        name=name,
        data=data,
        width=image.width,
        height=image.height,
        content_type=fmt.content_type,
        extension=fmt.extension,
    )


def _saved(image: Image.Image, fmt: Format, **options: object) -> bytes:
    try:
        descriptor = os.memfd_create("variant", os.MFD_CLOEXEC)
    except (AttributeError, OSError):  # not Linux, or a sandbox without memfd
        buffer = io.BytesIO()
        image.save(buffer, fmt.pillow_name, **options)
        return buffer.getvalue()
    with open(descriptor, "w+b") as file:
        image.save(file, fmt.pillow_name, **options)
        file.seek(0)
        return file.read()
