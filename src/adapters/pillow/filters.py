"""Photo filters as whole-image colour operations: tone curves, saturation and tints.

Each filter is a few vectorised Pillow operations (``Image.point`` lookup tables,
``ImageEnhance``, blends with a flat colour), in the spirit of the CSS recreations of the
Instagram looks. They are applied once to the largest working image, before the smaller
variants are derived from it, so every variant shows the same look.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Sequence

from PIL import Image, ImageEnhance

from instagram_core.domain.errors import InvalidInput

Filter = Callable[[Image.Image], Image.Image]
Points = tuple[tuple[float, float], ...]

_SEPIA = (0.393, 0.769, 0.189, 0, 0.349, 0.686, 0.168, 0, 0.272, 0.534, 0.131, 0)


def interpolate(x: float, xs: Sequence[float], ys: Sequence[float]) -> float:
    """Piecewise-linear ``ys`` over ascending ``xs`` at ``x``, held flat beyond the ends:
    ``numpy.interp``, with the same arithmetic and so the same floats, without numpy."""
    if x < xs[0]:
        return ys[0]
    if x >= xs[-1]:
        return ys[-1]
    j = bisect.bisect_right(xs, x) - 1
    if xs[j] == x:
        return ys[j]
    slope = (ys[j + 1] - ys[j]) / (xs[j + 1] - xs[j])
    return slope * (x - xs[j]) + ys[j]


def curve_table(points: Points) -> list[int]:
    """A 256-entry lookup table through ``points`` (input, output in 0..255), rounded half
    to even as the table was when numpy built it."""
    xs, ys = zip(*points, strict=True)
    levels = (level / 255 * 255 for level in range(256))  # numpy's float levels, kept
    return [round(min(255.0, max(0.0, interpolate(x, xs, ys)))) for x in levels]


def _curves(red: Points, green: Points, blue: Points) -> Filter:
    table = curve_table(red) + curve_table(green) + curve_table(blue)
    return lambda image: image.point(table)


def _tint(colour: tuple[int, int, int], alpha: float) -> Filter:
    return lambda image: Image.blend(image, Image.new("RGB", image.size, colour), alpha)


def _sepia(amount: float) -> Filter:
    return lambda image: Image.blend(image, image.convert("RGB", _SEPIA), amount)


def _enhance(contrast: float = 1, brightness: float = 1, saturation: float = 1) -> Filter:
    def apply(image: Image.Image) -> Image.Image:
        for enhancer, factor in (
            (ImageEnhance.Contrast, contrast),
            (ImageEnhance.Brightness, brightness),
            (ImageEnhance.Color, saturation),
        ):
            if factor != 1:
                image = enhancer(image).enhance(factor)
        return image

    return apply


def _chain(*steps: Filter) -> Filter:
    def apply(image: Image.Image) -> Image.Image:
        for step in steps:
            image = step(image)
        return image

    return apply


_LINEAR = ((0, 0), (255, 255))

FILTERS: dict[str, Filter] = {
    "clarendon": _chain(
        _enhance(contrast=1.2, saturation=1.35),
        _curves(_LINEAR, _LINEAR, ((0, 20), (128, 140), (255, 255))),
    ),
    "gingham": _chain(_enhance(contrast=0.9, brightness=1.05), _tint((230, 230, 250), 0.12)),
    "juno": _chain(
        _enhance(contrast=1.15, saturation=1.6),
        _curves(((0, 0), (128, 140), (255, 255)), _LINEAR, ((0, 0), (255, 235))),
    ),
    "lark": _chain(
        _enhance(contrast=0.9, brightness=1.08, saturation=0.95),
        _curves(_LINEAR, ((0, 5), (255, 255)), ((0, 12), (255, 255))),
    ),
    "ludwig": _chain(_enhance(contrast=1.05, saturation=0.85), _tint((125, 105, 24), 0.06)),
    "moon": _chain(
        lambda image: image.convert("L").convert("RGB"),
        _enhance(contrast=1.1, brightness=1.1),
    ),
    "reyes": _chain(_sepia(0.22), _enhance(contrast=0.85, brightness=1.1, saturation=0.75)),
    "valencia": _chain(
        _sepia(0.08),
        _enhance(contrast=1.08, brightness=1.08),
        _curves(((0, 20), (255, 255)), ((0, 10), (255, 245)), ((0, 10), (255, 225))),
    ),
}


def filter_named(name: str | None) -> Filter | None:
    """The filter called ``name``; ``None`` for no filter. Raises ``InvalidInput`` when there
    is no such filter, before any decoding work is spent."""
    if name is None:
        return None
    try:
        return FILTERS[name]
    except KeyError:
        known = ", ".join(FILTERS)
        raise InvalidInput(f"unknown filter {name!r}; known filters: {known}") from None
