"""The poster frame: which frame it is, and its JPEG, WebP and BlurHash renderings.

Encoding and hashing are the photo pipeline's own (``instagram_adapters.pillow``), so a poster is
served in the same formats, at the same quality scale, as a photo's variants.
"""

from __future__ import annotations

from av.video.frame import VideoFrame
from PIL import Image

from instagram_adapters.pillow import blurhash, encoding
from instagram_core.domain.media import VARIANT_SPECS
from instagram_core.ports.processing import RenderedVariant

POSTER_NAME = "poster"
POSTER_AT_SECONDS = 1.0  # the first frame is often black (a fade in) or a blur
# The photo thumbnail's size, which the hash is tuned for.
_BLURHASH_SIDE = next(spec.size for spec in VARIANT_SPECS if spec.square)
_WEBP_METHOD = 4  # one image per video: the slower, smaller setting costs little


class PosterPicker:
    """Keeps one candidate frame, never more: the first frame at or after
    ``POSTER_AT_SECONDS`` (or half the clip, when shorter), else the last one seen."""

    def __init__(self, duration_hint: float) -> None:
        self._at = min(POSTER_AT_SECONDS, duration_hint / 2) if duration_hint > 0 else 0.0
        self._frame: VideoFrame | None = None
        self._settled = False

    def offer(self, frame: VideoFrame) -> None:
        """Consider ``frame``, whose timestamps count from the clip's start."""
        if not self._settled:
            self._frame = frame
            self._settled = (frame.time or 0.0) >= self._at

    def image(self) -> Image.Image | None:
        if self._frame is None:
            return None
        return Image.fromarray(self._frame.to_ndarray(format="rgb24"))


def render(image: Image.Image, quality: int) -> tuple[tuple[RenderedVariant, ...], str]:
    """The poster in every served image format, and its BlurHash, taken from a small
    copy: the hash keeps 4x3 components, and hashing 1080p pixels would take seconds."""
    variants = tuple(
        encoding.encode(POSTER_NAME, image, fmt, quality, _WEBP_METHOD)
        for fmt in encoding.SERVED_FORMATS
    )
    small = image.copy()
    small.thumbnail((_BLURHASH_SIDE, _BLURHASH_SIDE), Image.Resampling.BILINEAR)
    return variants, blurhash.encode(small)
