"""Photo processing with Pillow: one decode, upright, filtered, every variant, no metadata."""

from __future__ import annotations

import io

from PIL import Image

from adapters.pillow import blurhash, decoding, exif
from adapters.pillow.filters import FILTERS, Filter, filter_named
from instagram_core.domain.errors import UnprocessableMedia
from instagram_core.domain.media import VARIANT_SPECS, VariantSpec
from instagram_core.ports.processing import MediaHeader, ProcessedImage, RenderedVariant

# EXIF orientation -> the transposition that makes the stored pixels upright.
_UPRIGHT: dict[int, Image.Transpose] = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
_LANCZOS = Image.Resampling.LANCZOS
Size = tuple[int, int]


class PillowMediaProcessor:
    """:class:`~instagram_core.ports.processing.MediaProcessor` backed by Pillow.

    ``jpeg_quality`` applies to the display sizes, ``thumb_quality`` to square thumbnails
    (the seed's 92 and 85). HEIC is accepted when pillow-heif is installed.
    """

    def __init__(
        self,
        *,
        max_pixels: int = 100_000_000,
        jpeg_quality: int = 92,
        thumb_quality: int = 85,
        specs: tuple[VariantSpec, ...] = VARIANT_SPECS,
    ) -> None:
        if not specs:
            raise ValueError("at least one variant spec is needed")
        if max_pixels < 1 or not (1 <= thumb_quality <= 95 and 1 <= jpeg_quality <= 95):
            raise ValueError("max_pixels must be positive and JPEG qualities within 1..95")
        self._max_pixels = max_pixels
        self._jpeg_quality = jpeg_quality
        self._thumb_quality = thumb_quality
        self._specs = specs
        self.heif_supported = decoding.heif_supported()

    def filters(self) -> tuple[str, ...]:
        return tuple(FILTERS)

    def inspect(self, head: bytes, complete: bool) -> MediaHeader | None:
        """Header-only look at an upload: refuses what is no image or too big at once, and
        answers ``None`` when a partial ``head`` ends before the header does."""
        if not decoding.recognised(head):
            raise UnprocessableMedia(
                "not a supported image: expected JPEG, PNG, WebP, TIFF or HEIC"
            )
        try:
            image, content_type = decoding.open_image(head, self._max_pixels)
        except UnprocessableMedia:
            if complete or self._header_fits(head):
                raise
            return None
        return MediaHeader(content_type, *image.size)

    def _header_fits(self, head: bytes) -> bool:
        """Whether ``head`` parses with the pixel limit lifted: then the limit refused it."""
        try:
            decoding.open_image(head, 2**62)
        except UnprocessableMedia:
            return False
        return True

    def process_image(self, data: bytes, filter_name: str | None) -> ProcessedImage:
        apply_filter = filter_named(filter_name)
        lazy, content_type = decoding.open_image(data, self._max_pixels)
        stored_size = lazy.size  # draft mode shrinks lazy.size while decoding
        # The working size is symmetric in width and height, so it needs no orientation yet.
        pixels = decoding.load(lazy, _working_size(self._specs, *stored_size))
        orientation, metadata = exif.read(lazy)  # after decoding: PNG's would decode itself
        pixels.info = {}  # nothing of the upload (EXIF, XMP, ICC, comment) reaches a variant
        width, height = _oriented(stored_size, orientation)
        working = _upright_and_filtered(pixels, orientation, apply_filter)
        rendered = _render(working, self._specs, width, height)
        return ProcessedImage(
            source_content_type=content_type,
            width=width,
            height=height,
            variants=tuple(self._encode(spec, rendered[spec.name]) for spec in self._specs),
            blurhash=blurhash.encode(rendered[_smallest(self._specs).name]),
            metadata=metadata,
        )

    def _encode(self, spec: VariantSpec, image: Image.Image) -> RenderedVariant:
        """Progressive, optimised JPEG with no EXIF, XMP, ICC or comment: the pixels only."""
        quality = self._thumb_quality if spec.square else self._jpeg_quality
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=quality, optimize=True, progressive=True)
        return RenderedVariant(
            name=spec.name,
            data=buffer.getvalue(),
            width=image.width,
            height=image.height,
            content_type="image/jpeg",
            extension="jpg",
        )


def _oriented(size: Size, orientation: int) -> Size:
    """``size`` seen after orientation ``orientation`` (5..8 swap the axes); an involution."""
    return (size[1], size[0]) if orientation >= 5 else size


def _scaled(width: int, height: int, scale: float) -> Size:
    return max(1, round(width * scale)), max(1, round(height * scale))


def _target(spec: VariantSpec, width: int, height: int) -> Size:
    """A variant's size for a ``width`` x ``height`` upright photo; never larger than it."""
    if spec.square:
        side = min(spec.size, width, height)
        return side, side
    return _scaled(width, height, min(1.0, spec.size / max(width, height)))


def _working_size(specs: tuple[VariantSpec, ...], width: int, height: int) -> Size:
    """The smallest upright size from which every variant renders without upscaling: the
    long side of the largest display size, or a short side the thumbnail can crop from."""
    needs = [
        spec.size / (min(width, height) if spec.square else max(width, height)) for spec in specs
    ]
    return _scaled(width, height, min(1.0, max(needs, default=1.0)))


def _upright_and_filtered(
    image: Image.Image, orientation: int, apply: Filter | None
) -> Image.Image:
    """Turn upright, then filter: once, on the working size, the fewest pixels that serve."""
    if orientation in _UPRIGHT:
        image = image.transpose(_UPRIGHT[orientation])
    return apply(image) if apply is not None else image


def _render(
    working: Image.Image, specs: tuple[VariantSpec, ...], width: int, height: int
) -> dict[str, Image.Image]:
    """Every variant, largest first, each from the smallest full-frame image already made
    that is at least its size: chained Lanczos steps look the same and cost far less."""
    frames = [working]
    rendered: dict[str, Image.Image] = {}
    for spec in sorted(specs, key=lambda s: s.size, reverse=True):
        target = _target(spec, width, height)
        source = next(f for f in reversed(frames) if _can_feed(f, spec, target))
        image = _square(source, target[0]) if spec.square else _fit(source, target)
        if not spec.square:
            frames.append(image)
        rendered[spec.name] = image
    return rendered


def _can_feed(frame: Image.Image, spec: VariantSpec, target: Size) -> bool:
    if spec.square:
        return min(frame.size) >= target[0]
    return frame.width >= target[0] and frame.height >= target[1]


def _fit(source: Image.Image, size: Size) -> Image.Image:
    return source if source.size == size else source.resize(size, _LANCZOS)


def _square(source: Image.Image, side: int) -> Image.Image:
    """The centred square of ``source``, scaled to ``side`` pixels."""
    crop = min(source.size)
    left, top = (source.width - crop) // 2, (source.height - crop) // 2
    box = (left, top, left + crop, top + crop)
    if crop == side:
        return source.crop(box)
    return source.resize((side, side), _LANCZOS, box=box)


def _smallest(specs: tuple[VariantSpec, ...]) -> VariantSpec:
    return min(specs, key=lambda s: s.size)
