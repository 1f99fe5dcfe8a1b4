"""Variant geometry and resizing: which size each variant gets, and how it is derived.

Sizes are computed on the upright photo. Every variant is resized from the smallest
full-frame image already made that is at least its size (1080 -> 640 -> 320 -> thumb):
chained Lanczos steps look the same as resizing from the original and cost far less.
"""

from __future__ import annotations

from collections.abc import Iterator

from PIL import Image

from instagram_adapters.pillow.filters import Filter
from instagram_core.domain.media import VariantSpec

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


def oriented(size: Size, orientation: int) -> Size:
    """``size`` seen after orientation ``orientation`` (5..8 swap the axes); an involution."""
    return (size[1], size[0]) if orientation >= 5 else size


def _scaled(width: int, height: int, scale: float) -> Size:
    return max(1, round(width * scale)), max(1, round(height * scale))


def target(spec: VariantSpec, width: int, height: int) -> Size:
    """A variant's size for a ``width`` x ``height`` upright photo; never larger than it."""
    if spec.square:
        side = min(spec.size, width, height)
        return side, side
    return _scaled(width, height, min(1.0, spec.size / max(width, height)))


def working_size(specs: tuple[VariantSpec, ...], width: int, height: int) -> Size:
    """The smallest upright size from which every variant renders without upscaling: the
    long side of the largest display size, or a short side the thumbnail can crop from.
    Symmetric in width and height, so it needs no orientation yet."""
    needs = [
        spec.size / (min(width, height) if spec.square else max(width, height)) for spec in specs
    ]
    return _scaled(width, height, min(1.0, max(needs, default=1.0)))


def upright_and_filtered(image: Image.Image, orientation: int, apply: Filter | None) -> Image.Image:
    """Turn upright, then filter: once, on the working size, the fewest pixels that serve."""
    if orientation in _UPRIGHT:
        image = image.transpose(_UPRIGHT[orientation])
    return apply(image) if apply is not None else image


def renditions(
    working: Image.Image, specs: tuple[VariantSpec, ...], width: int, height: int
) -> Iterator[tuple[VariantSpec, Image.Image]]:
    """Every variant's pixels, largest first, so that encoding the big ones can start
    while the small ones are still being resized."""
    frames = [working]
    for spec in sorted(specs, key=lambda s: s.size, reverse=True):
        size = target(spec, width, height)
        source = next(f for f in reversed(frames) if _can_feed(f, spec, size))
        image = _square(source, size[0]) if spec.square else _fit(source, size)
        if not spec.square:
            frames.append(image)
        yield spec, image


def _can_feed(frame: Image.Image, spec: VariantSpec, size: Size) -> bool:
    if spec.square:
        return min(frame.size) >= size[0]
    return frame.width >= size[0] and frame.height >= size[1]


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
