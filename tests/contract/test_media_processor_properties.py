"""Properties of :class:`~instagram_core.ports.processing.MediaProcessor` on generated
photos (hypothesis): every variant's size follows from the source size and its EXIF
orientation, both served formats come at every size, and no served file carries EXIF.

Sources are generated as JPEG (RGB) or PNG (RGB, L, RGBA or P), up to 2500 px a side,
each with an EXIF block holding an orientation and a GPS position. Expected sizes are
computed here from the spec's words, not with the adapter's helpers.
"""

from __future__ import annotations

import io
import struct

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from instagram_adapters.pillow import PillowMediaProcessor
from instagram_core.domain.media import VARIANT_SPECS, VariantSpec
from instagram_core.ports.processing import MediaProcessor, ProcessedImage, RenderedVariant

EXAMPLES = settings(max_examples=50, deadline=None)
SIDES = st.one_of(st.integers(1, 40), st.integers(1, 2500))  # tiny sides are the edge cases
SOURCES = st.sampled_from(["JPEG/RGB", "PNG/RGB", "PNG/L", "PNG/RGBA", "PNG/P"])
FORMATS = ("image/jpeg", "image/webp")
ORIENTATION, GPS_IFD = 0x0112, 0x8825
TUSCANY = {1: "N", 2: (43.0, 28.0, 3.0), 3: "E", 4: (11.0, 52.0, 48.0)}


@pytest.fixture(scope="module")
def processor() -> MediaProcessor:
    return PillowMediaProcessor()


def source(width: int, height: int, kind: str, orientation: int) -> bytes:
    """A gradient (cheap to encode at any size) carrying orientation and GPS in its EXIF."""
    xs = np.linspace(0, 255, width, dtype=np.uint8)
    ys = np.linspace(255, 0, height, dtype=np.uint8)
    pixels = np.empty((height, width, 3), dtype=np.uint8)
    pixels[..., 0], pixels[..., 1], pixels[..., 2] = xs[None, :], ys[:, None], 96
    fmt, mode = kind.split("/")
    image = Image.fromarray(pixels, "RGB").convert(mode)
    exif = Image.Exif()
    exif[ORIENTATION] = orientation
    exif.get_ifd(GPS_IFD).update(TUSCANY)
    buffer = io.BytesIO()
    options = {"quality": 80} if fmt == "JPEG" else {"compress_level": 1}
    image.save(buffer, fmt, exif=exif.tobytes(), **options)
    return buffer.getvalue()


def expected_size(spec: VariantSpec, width: int, height: int) -> tuple[float, float]:
    """The spec's words: a square thumbnail of min(side, size); otherwise the long side
    scaled to min(size, long side), the short one in proportion (before rounding)."""
    if spec.square:
        side = min(spec.size, width, height)
        return side, side
    scale = min(spec.size, max(width, height)) / max(width, height)
    return width * scale, height * scale


def assert_size_follows(variant: RenderedVariant, width: int, height: int) -> None:
    """Within rounding of the expected size (and at least 1 px), never larger than the
    source, with the long side exact."""
    spec = next(s for s in VARIANT_SPECS if s.name == variant.name)
    expected = expected_size(spec, width, height)
    assert variant.width <= width
    assert variant.height <= height
    for got, want in zip((variant.width, variant.height), expected, strict=True):
        assert abs(got - max(want, 1.0)) <= 0.5 + 1e-9, (variant, expected)
    if not spec.square:
        assert max(variant.width, variant.height) == min(spec.size, max(width, height))


def assert_no_exif(variant: RenderedVariant) -> None:
    with Image.open(io.BytesIO(variant.data)) as image:
        assert image.size == (variant.width, variant.height)
        assert not image.getexif()
        assert not {"exif", "xmp", "icc_profile"} & set(image.info)
    if variant.content_type == "image/webp":  # simple format: one VP8 chunk, no metadata
        (vp8_size,) = struct.unpack("<I", variant.data[16:20])
        assert variant.data[12:16] == b"VP8 "
        assert len(variant.data) == 20 + vp8_size + (vp8_size & 1)
    else:
        assert b"Exif\x00\x00" not in variant.data


def sizes(result: ProcessedImage, content_type: str) -> list[tuple[str, int, int]]:
    return [(v.name, v.width, v.height) for v in result.variants if v.content_type == content_type]


@EXAMPLES
@given(width=SIDES, height=SIDES, kind=SOURCES, orientation=st.integers(1, 8))
def test_variant_sizes_follow_from_the_oriented_source(
    processor: MediaProcessor, width: int, height: int, kind: str, orientation: int
) -> None:
    result = processor.process_image(source(width, height, kind, orientation), None)
    upright = (height, width) if orientation >= 5 else (width, height)
    assert (result.width, result.height) == upright
    assert sorted(name for name, _, _ in sizes(result, "image/jpeg")) == sorted(
        spec.name for spec in VARIANT_SPECS
    )
    assert sizes(result, "image/webp") == sizes(result, "image/jpeg")
    assert {v.content_type for v in result.variants} == set(FORMATS)
    for variant in result.variants:
        assert_size_follows(variant, *upright)
        assert_no_exif(variant)
    assert result.metadata.gps is not None  # it was there to strip
