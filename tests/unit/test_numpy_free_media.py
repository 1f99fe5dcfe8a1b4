"""The photo processing of a light install (no numpy) equals what numpy computes: the pure
Python BlurHash gives the numpy encoder's hash bit for bit (both match the reference C
encoder: tests/contract/test_media_processor.py), the filters' tone curves are
``numpy.interp``'s tables, and deep greyscale scales as the numpy version did.

tests/packaging runs the pure path in a venv where numpy is not installed at all.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image, ImageOps

from instagram_adapters.pillow import blurhash, blurhash_numpy, blurhash_python, decoding, filters
from instagram_core.domain.errors import UnprocessableMedia
from tests.support import PHOTOS

THUMB = (150, 150)


@cache
def _photo_thumbnails() -> dict[str, Image.Image]:
    """Every test photo that decodes, cut to the thumbnail the processor hashes."""
    thumbnails = {}
    for path in sorted(PHOTOS.iterdir()):
        try:
            lazy, _ = decoding.open_image(path.read_bytes(), 10**9)
            scale = min(1.0, max(THUMB) / min(lazy.size))
            pixels = decoding.load(lazy, (round(lazy.width * scale), round(lazy.height * scale)))
        except UnprocessableMedia:
            continue  # the corrupt samples, and HEIC where pillow-heif is absent
        thumbnails[path.name] = ImageOps.fit(pixels, THUMB)
    return thumbnails


def test_numpy_is_used_where_it_is_installed() -> None:
    assert blurhash.encode is blurhash_numpy.encode


@pytest.mark.slow
def test_the_pure_blurhash_equals_numpys_on_every_test_photo() -> None:
    thumbnails = _photo_thumbnails()
    assert len(thumbnails) >= 15
    for name, thumbnail in thumbnails.items():
        assert blurhash_python.encode(thumbnail) == blurhash_numpy.encode(thumbnail), name


@pytest.mark.slow
def test_the_pure_blurhash_equals_numpys_on_a_photo_in_every_mode() -> None:
    """Non-RGB images are converted first, by both."""
    thumbnail = next(iter(_photo_thumbnails().values()))
    for mode in ("L", "RGBA", "P", "CMYK"):
        image = thumbnail.convert(mode)
        assert blurhash_python.encode(image) == blurhash_numpy.encode(image), mode


@settings(max_examples=60, deadline=None)
@given(
    size=st.tuples(st.integers(1, 24), st.integers(1, 24)),
    seed=st.integers(0, 2**32 - 1),
    levels=st.sampled_from([2, 16, 256]),
)
def test_the_pure_blurhash_equals_numpys_on_any_small_image(
    size: tuple[int, int], seed: int, levels: int
) -> None:
    """Random pixels, from a few grey levels (flat areas, ties) to any byte."""
    width, height = size
    pixels = np.random.default_rng(seed).integers(0, levels, (height, width, 3)) * (
        255 // (levels - 1)
    )
    image = Image.fromarray(pixels.astype(np.uint8), "RGB")
    assert blurhash_python.encode(image) == blurhash_numpy.encode(image)


def test_the_linear_table_and_cosines_are_numpys() -> None:
    assert tuple(blurhash_numpy._TO_LINEAR.tolist()) == blurhash_python.TO_LINEAR
    for components, length in ((4, 150), (3, 97), (4, 1)):
        pure = [list(row) for row in blurhash_python.cosines(components, length)]
        assert pure == blurhash_numpy._cosines(components, length).tolist()


def test_f32_rounds_to_nearest_float32() -> None:
    for value in (0.1, 1 / 3, 2.0**-140, 16777217.0, -0.0, 1e30):
        assert blurhash_python.f32(value) == float(np.float32(value))
    assert blurhash_python.f32(16777217.0) == 16777216.0  # a tie goes to even


points = st.lists(
    st.tuples(st.integers(-40, 300), st.integers(-40, 300)), min_size=2, max_size=6
).map(lambda pairs: tuple(sorted({x: (x, y) for x, y in pairs}.values())))


@given(points.filter(lambda p: len(p) >= 2))
def test_a_curve_table_is_numpy_interps(curve: tuple[tuple[float, float], ...]) -> None:
    xs, ys = zip(*curve, strict=True)
    levels = np.arange(256, dtype=np.float64) / 255 * 255
    expected = np.clip(np.interp(levels, xs, ys), 0, 255).round().astype(int).tolist()
    assert filters.curve_table(curve) == expected


def test_16_bit_greyscale_divides_by_257_and_rounds() -> None:
    values = np.arange(65536, dtype=np.uint16).reshape(256, 256)
    image = Image.fromarray(values)
    assert image.mode == "I;16"
    expected = np.clip(values / 257, 0, 255).round().astype(np.uint8)
    assert np.array_equal(np.asarray(decoding._deep_to_l(image)), expected)


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([[0.0, 0.25, 0.5, 1.0]], [[0, 64, 128, 255]]),  # 0..1: scaled to 0..255
        ([[-5.0, 12.4, 200.6, 900.0]], [[0, 12, 201, 255]]),  # else kept, then clipped
    ],
)
def test_float_greyscale_scales_like_the_numpy_version(
    values: list[list[float]], expected: list[list[int]]
) -> None:
    image = Image.fromarray(np.array(values, dtype=np.float32))
    assert image.mode == "F"
    assert np.asarray(decoding._deep_to_l(image)).tolist() == expected
