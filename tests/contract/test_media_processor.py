"""Contract of :class:`~instagram_core.ports.processing.MediaProcessor`, run against every
adapter on real camera and phone files (see ``tests/data/README.md``); the process
pool's own behaviour (errors across processes, dead workers, closing) is tested at the end."""

from __future__ import annotations

import importlib.util
import io
import multiprocessing
import os
import pickle
import signal
import struct
import zlib
from collections.abc import Callable, Iterator, Sequence
from functools import cache

import numpy as np
import pytest
from PIL import Image, ImageOps, TiffImagePlugin

from instagram_adapters.pillow import PillowMediaProcessor
from instagram_adapters.pillow.pool import ProcessPoolMediaProcessor
from instagram_core.domain.errors import InvalidInput, Unavailable, UnprocessableMedia
from instagram_core.domain.media import IMAGE_CONTENT_TYPES, VARIANT_SPECS
from instagram_core.ports.processing import MediaProcessor, ProcessedImage, RenderedVariant
from tests.support import PHOTOS

SPEC_NAMES = [spec.name for spec in VARIANT_SPECS]
SPECS = {spec.name: spec for spec in VARIANT_SPECS}
# Served formats: content type -> (Pillow's format name, file extension).
FORMATS = {"image/jpeg": ("JPEG", "jpg"), "image/webp": ("WEBP", "webp")}
ADAPTERS: dict[str, Callable[[], MediaProcessor]] = {
    "pillow": PillowMediaProcessor,
    "pool": lambda: ProcessPoolMediaProcessor(workers=2),
}


def photos(pattern: str = "*") -> Sequence[str]:
    """Test-photo names for ``parametrize``."""
    names = sorted(p.name for p in PHOTOS.glob(pattern) if p.is_file())
    assert names, f"no test photo matches {pattern!r} in {PHOTOS}"
    return names


@pytest.fixture(scope="module", params=list(ADAPTERS))
def processor(request: pytest.FixtureRequest) -> Iterator[MediaProcessor]:
    """One per module: the pool's workers take a second to start."""
    adapter = ADAPTERS[request.param]()
    yield adapter
    if isinstance(adapter, ProcessPoolMediaProcessor):
        adapter.close()


@pytest.fixture(scope="module")
def process(processor: MediaProcessor) -> Callable[[str], ProcessedImage]:
    """Processes a test photo without a filter, once per module: decoding is the slow part."""
    return cache(lambda name: processor.process_image((PHOTOS / name).read_bytes(), None))


def decode(data: bytes) -> Image.Image:
    with Image.open(io.BytesIO(data)) as image:
        image.load()
        return image


def encoded(image: Image.Image, fmt: str, **options: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def in_format(result: ProcessedImage, content_type: str) -> list[RenderedVariant]:
    """The variants of one format, in the order the adapter gave them."""
    return [v for v in result.variants if v.content_type == content_type]


def jpegs(result: ProcessedImage) -> list[RenderedVariant]:
    return in_format(result, "image/jpeg")


def half(data: bytes) -> bytes:
    return data[: len(data) // 2]


def gradient(width: int, height: int) -> Image.Image:
    xs, ys = np.meshgrid(np.linspace(0, 255, width), np.linspace(255, 0, height))
    pixels = np.stack([xs, ys, np.full_like(xs, 96)], axis=-1)
    return Image.fromarray(pixels.astype(np.uint8), "RGB")


def quadrant_means(image: Image.Image) -> np.ndarray:
    return np.asarray(image.convert("RGB").resize((2, 2), Image.Resampling.BOX), dtype=float)


def outcome(
    process: Callable[[str], ProcessedImage], name: str
) -> ProcessedImage | UnprocessableMedia:
    try:
        return process(name)
    except UnprocessableMedia as refused:
        return refused


# --- real files -------------------------------------------------------------------------


@pytest.mark.parametrize("name", photos())
def test_every_sample_processes_or_is_refused_cleanly(
    process: Callable[[str], ProcessedImage], name: str
) -> None:
    if name.lower().endswith(".heic") and importlib.util.find_spec("pillow_heif") is None:
        pytest.skip("pillow-heif is not installed, so HEIC is refused")
    result = outcome(process, name)
    if isinstance(result, UnprocessableMedia):
        assert "corrupt" in result.message or "pixels" in result.message
        return
    assert result.source_content_type in IMAGE_CONTENT_TYPES
    assert len(result.variants) == len(FORMATS) * len(SPEC_NAMES)
    for content_type, (pillow_format, extension) in FORMATS.items():
        variants = in_format(result, content_type)
        assert [v.name for v in variants] == SPEC_NAMES
        for variant, spec in zip(variants, VARIANT_SPECS, strict=True):
            image = decode(variant.data)
            assert (image.format, variant.extension) == (pillow_format, extension)
            assert image.size == (variant.width, variant.height)
            assert max(image.size) <= spec.size
            assert image.width <= result.width
            assert image.height <= result.height
            if spec.square:
                assert image.width == image.height == min(spec.size, result.width, result.height)


def layout(image: Image.Image) -> np.ndarray:
    """A 4x4 grid of mean colours, minus the overall mean: where light and dark areas are,
    whatever colour management did to the tones."""
    grid = np.asarray(image.convert("RGB").resize((4, 4), Image.Resampling.BOX), dtype=float)
    centred: np.ndarray = grid - grid.mean(axis=(0, 1))
    return centred


def closest_orientation(image: Image.Image, candidates: dict[str, Image.Image]) -> str:
    def distance(candidate: Image.Image) -> float:
        return float(np.abs(layout(image) - layout(ImageOps.fit(candidate, image.size))).mean())

    return min(candidates, key=lambda name: distance(candidates[name]))


@pytest.mark.parametrize("name", photos("orientation_*_[0-9].jpg"))
def test_oriented_photos_come_out_upright(
    process: Callable[[str], ProcessedImage], name: str
) -> None:
    """Every variant looks most like the EXIF-transposed original among all 8 orientations
    of the stored pixels."""
    with Image.open(PHOTOS / name) as original:
        upright = ImageOps.exif_transpose(original).convert("RGB")
        stored = original.convert("RGB")
    candidates = {"as stored": stored} | {t.name: stored.transpose(t) for t in Image.Transpose}
    expected = next(label for label, c in candidates.items() if c.tobytes() == upright.tobytes())
    result = process(name)
    assert (result.width, result.height) == upright.size
    for variant in result.variants:
        image = decode(variant.data)
        if not SPECS[variant.name].square:
            assert (image.width > image.height) == (upright.width > upright.height)
        assert closest_orientation(image, candidates) == expected


@pytest.mark.parametrize("name", photos("gps_*.jpg"))
def test_gps_is_read_then_stripped_from_every_variant(
    process: Callable[[str], ProcessedImage], name: str
) -> None:
    result = process(name)
    assert result.metadata.gps is not None
    assert 43.4 < result.metadata.gps.lat < 43.5  # all three were taken in Tuscany
    assert 11.8 < result.metadata.gps.lng < 11.9
    assert result.metadata.camera == "NIKON COOLPIX P6000"
    for variant in result.variants:
        assert_pixels_only(variant)


def assert_pixels_only(variant: RenderedVariant) -> None:
    """No EXIF (so no GPS), XMP, ICC profile or comment. A WebP must be the simple format,
    a single VP8 chunk: metadata chunks exist only in the extended (VP8X) one."""
    image = decode(variant.data)
    assert not image.getexif()
    assert image.getexif().get_ifd(0x8825) == {}
    assert not {"exif", "xmp", "icc_profile", "comment"} & set(image.info)
    if variant.content_type == "image/webp":
        (vp8_size,) = struct.unpack("<I", variant.data[16:20])
        assert variant.data[12:16] == b"VP8 "
        assert len(variant.data) == 20 + vp8_size + (vp8_size & 1)
    else:
        assert b"Exif\x00\x00" not in variant.data
        assert b"http://ns.adobe.com" not in variant.data


def test_gps_south_west_is_negative(process: Callable[[str], ProcessedImage]) -> None:
    metadata = process("hdr_iphone_hdr_YES.jpg").metadata
    assert metadata.gps is not None
    assert metadata.gps.lat == pytest.approx(40.44697, abs=1e-4)
    assert metadata.gps.lng == pytest.approx(-3.72475, abs=1e-4)  # a W reference
    assert metadata.camera == "Apple iPhone 6"
    assert metadata.lens == "iPhone 6 back camera 4.15mm f/2.2"
    assert metadata.taken_at == "2015-04-10T20:12:23"


def test_heic_upload_is_decoded(process: Callable[[str], ProcessedImage]) -> None:
    if importlib.util.find_spec("pillow_heif") is None:
        pytest.skip("pillow-heif is not installed, so HEIC is refused")
    result = process("mobile_iphone_13_pro_max.HEIC")
    assert result.source_content_type == "image/heic"
    assert (result.width, result.height) == (3024, 4032)
    assert result.metadata.camera == "Apple iPhone 13 Pro Max"
    assert [(v.width, v.height) for v in jpegs(result)][1:] == [
        (240, 320),
        (480, 640),
        (810, 1080),
    ]


# --- generated images -------------------------------------------------------------------


def test_small_images_are_never_upscaled(processor: MediaProcessor) -> None:
    result = processor.process_image(encoded(gradient(100, 80), "PNG"), None)
    assert (result.width, result.height) == (100, 80)
    sizes = {v.name: (v.width, v.height) for v in result.variants}
    assert sizes == {
        "thumb_150": (80, 80),
        "small_320": (100, 80),
        "medium_640": (100, 80),
        "large_1080": (100, 80),
    }
    assert all(decode(v.data).size == (v.width, v.height) for v in result.variants)


def test_large_images_scale_the_long_side_and_crop_a_centred_square(
    processor: MediaProcessor,
) -> None:
    result = processor.process_image(encoded(gradient(800, 1600), "JPEG"), None)
    sizes = {v.name: (v.width, v.height) for v in result.variants}
    assert sizes == {
        "thumb_150": (150, 150),
        "small_320": (160, 320),
        "medium_640": (320, 640),
        "large_1080": (540, 1080),
    }
    thumb = decode(jpegs(result)[0].data)
    middle = ImageOps.fit(gradient(800, 1600), (150, 150))
    assert np.abs(quadrant_means(thumb) - quadrant_means(middle)).max() < 6


def test_every_filter_changes_the_pixels_and_keeps_the_sizes(processor: MediaProcessor) -> None:
    assert {"clarendon", "gingham", "juno", "lark", "ludwig", "moon", "reyes", "valencia"} <= set(
        processor.filters()
    )
    data = encoded(gradient(320, 240), "PNG")
    plain = processor.process_image(data, None)
    reference = np.asarray(decode(jpegs(plain)[1].data), dtype=float)
    for name in processor.filters():
        filtered = processor.process_image(data, name)
        assert [(v.width, v.height) for v in filtered.variants] == [
            (v.width, v.height) for v in plain.variants
        ]
        pixels = np.asarray(decode(jpegs(filtered)[1].data), dtype=float)
        assert np.abs(pixels - reference).mean() > 3, name


def test_every_size_comes_as_jpeg_and_webp_of_the_same_picture(
    processor: MediaProcessor,
) -> None:
    result = processor.process_image(encoded(gradient(800, 600), "JPEG"), None)
    webps = in_format(result, "image/webp")
    assert [(v.name, v.width, v.height) for v in webps] == [
        (v.name, v.width, v.height) for v in jpegs(result)
    ]
    for jpeg, webp in zip(jpegs(result), webps, strict=True):
        difference = np.asarray(decode(jpeg.data), float) - np.asarray(decode(webp.data), float)
        assert np.abs(difference).mean() < 3, jpeg.name


def test_an_unknown_filter_is_invalid_input_not_unprocessable(processor: MediaProcessor) -> None:
    with pytest.raises(InvalidInput, match="unknown filter") as raised:
        processor.process_image(encoded(gradient(10, 10), "PNG"), "sepia-deluxe")
    assert not isinstance(raised.value, UnprocessableMedia)


def png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png_header_only(width: int, height: int) -> bytes:
    """A PNG whose header claims a size and whose pixel data is 16 bytes of garbage: only
    a processor that trusts the header before decoding can call it too big."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", ihdr)
        + png_chunk(b"IDAT", bytes(range(16)))
        + png_chunk(b"IEND", b"")
    )


@pytest.mark.parametrize("side", [10_001, 20_000, 65_535])
def test_pixel_bombs_are_refused_from_the_header(processor: MediaProcessor, side: int) -> None:
    with pytest.raises(UnprocessableMedia, match="pixels"):
        processor.process_image(png_header_only(side, side), None)


def test_the_pixel_limit_is_configurable() -> None:
    data = encoded(gradient(100, 80), "PNG")
    with pytest.raises(UnprocessableMedia, match="limit of 7999 pixels"):
        PillowMediaProcessor(max_pixels=7999).process_image(data, None)
    assert PillowMediaProcessor(max_pixels=8000).process_image(data, None).width == 100


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"", id="empty"),
        pytest.param(b"hello, this is not a photo" * 10, id="text"),
        pytest.param(b"\xff\xd8\xff\xe0" + bytes(64), id="jpeg-magic-only"),
        pytest.param(png_header_only(10, 10), id="png-without-pixels"),
        pytest.param(encoded(gradient(20, 20), "GIF"), id="gif"),
        pytest.param(encoded(gradient(20, 20), "BMP"), id="bmp"),
        pytest.param(half(encoded(gradient(400, 300), "JPEG")), id="truncated-jpeg"),
        pytest.param(half(encoded(gradient(400, 300), "PNG")), id="truncated-png"),
    ],
)
def test_non_images_and_broken_images_are_unprocessable(
    processor: MediaProcessor, data: bytes
) -> None:
    with pytest.raises(UnprocessableMedia):
        processor.process_image(data, None)


def sixteen_bit_tiff() -> bytes:
    ramp = np.linspace(0, 65535, 64 * 48).reshape(48, 64).astype(np.uint16)
    return encoded(Image.fromarray(ramp), "TIFF")


def transparent_png() -> bytes:
    image = Image.new("RGBA", (40, 30), (255, 0, 0, 0))
    image.paste((0, 0, 255, 255), (0, 0, 20, 30))
    return encoded(image, "PNG")


@pytest.mark.parametrize(
    ("data", "content_type"),
    [
        pytest.param(transparent_png(), "image/png", id="rgba-png"),
        pytest.param(
            encoded(gradient(40, 30).convert("P"), "PNG", transparency=0), "image/png", id="palette"
        ),
        pytest.param(encoded(gradient(40, 30).convert("LA"), "PNG"), "image/png", id="grey-alpha"),
        pytest.param(encoded(gradient(40, 30).convert("1"), "PNG"), "image/png", id="bilevel"),
        pytest.param(
            encoded(gradient(40, 30).convert("CMYK"), "JPEG"), "image/jpeg", id="cmyk-jpeg"
        ),
        pytest.param(encoded(gradient(40, 30).convert("L"), "JPEG"), "image/jpeg", id="grey-jpeg"),
        pytest.param(encoded(gradient(40, 30), "WEBP"), "image/webp", id="webp"),
        pytest.param(sixteen_bit_tiff(), "image/tiff", id="16-bit-tiff"),
    ],
)
def test_colour_modes_become_rgb_variants(
    processor: MediaProcessor, data: bytes, content_type: str
) -> None:
    result = processor.process_image(data, None)
    assert result.source_content_type == content_type
    for variant in result.variants:
        assert decode(variant.data).mode == "RGB"


def test_transparency_is_composited_on_white(processor: MediaProcessor) -> None:
    large = decode(jpegs(processor.process_image(transparent_png(), None))[-1].data)
    left, right = large.getpixel((5, 15)), large.getpixel((35, 15))
    assert isinstance(left, tuple)
    assert isinstance(right, tuple)
    assert left[2] > 200  # opaque blue stays blue
    assert left[0] < 60
    assert min(right) > 230  # transparent red shows the white background


def test_sixteen_bit_greys_are_scaled_not_clipped(processor: MediaProcessor) -> None:
    large = np.asarray(decode(jpegs(processor.process_image(sixteen_bit_tiff(), None))[-1].data))
    assert large.min() < 30
    assert large.max() > 225


def test_the_content_type_is_sniffed_not_declared(processor: MediaProcessor) -> None:
    result = processor.process_image(encoded(gradient(30, 20), "WEBP"), None)
    assert result.source_content_type == "image/webp"


# --- blurhash ---------------------------------------------------------------------------


def test_blurhash_is_a_valid_4x3_hash(processor: MediaProcessor) -> None:
    result = processor.process_image(encoded(gradient(300, 200), "PNG"), None)
    assert result.blurhash is not None
    assert len(result.blurhash) == 2 + 4 + 2 * (4 * 3 - 1)
    assert result.blurhash[0] == "L"  # size flag of 4x3 components


def blurhash_samples() -> list[Image.Image]:
    rng = np.random.default_rng(7)
    noise = [
        Image.fromarray(rng.integers(0, 256, (h, w, 3), dtype=np.uint8))
        for w, h in rng.integers(1, 151, (40, 2))
    ]
    flat = [
        Image.new("RGB", (150, 150), colour)
        for colour in [(0, 0, 0), (255, 255, 255), (200, 30, 90)]
    ]
    real = []
    for name in ("Canon_40D.jpg", "gps_DSCN0010.jpg", "orientation_portrait_5.jpg"):
        with Image.open(PHOTOS / name) as photo:
            real.append(ImageOps.fit(photo.convert("RGB"), (150, 150)))
    return [gradient(150, 150), gradient(150, 100), *flat, *noise, *real]


@pytest.mark.filterwarnings("ignore:.*getdata:DeprecationWarning")  # inside blurhash-python
@pytest.mark.parametrize("encoder", ["blurhash_numpy", "blurhash_python"])
def test_blurhash_equals_the_reference_c_encoder(encoder: str) -> None:
    """Both encoders: numpy's, and the pure-Python one of installs without numpy."""
    reference = pytest.importorskip("blurhash", reason="blurhash-python is not installed")
    encode = importlib.import_module(f"instagram_adapters.pillow.{encoder}").encode

    for image in blurhash_samples():
        assert encode(image) == reference.encode(image.copy(), 4, 3), image.size


# --- EXIF robustness --------------------------------------------------------------------


def jpeg_with_exif(exif: Image.Exif | bytes) -> bytes:
    raw = exif.tobytes() if isinstance(exif, Image.Exif) else exif
    return encoded(gradient(64, 48), "JPEG", exif=raw)


def test_exif_text_is_cleaned_and_dates_become_iso(processor: MediaProcessor) -> None:
    exif = Image.Exif()
    exif[0x010F] = "Canon\x00\x00  "
    exif[0x0110] = "Canon EOS 5D Mark IV"
    exif.get_ifd(0x8769).update({0x9003: "2021:07:04 18:30:00", 0x9011: "-04:00"})
    metadata = processor.process_image(jpeg_with_exif(exif), None).metadata
    assert metadata.camera == "Canon EOS 5D Mark IV"
    assert metadata.taken_at == "2021-07-04T18:30:00-04:00"
    assert metadata.gps is None


@pytest.mark.parametrize(
    "gps",
    [
        pytest.param(
            {1: "N", 2: (TiffImagePlugin.IFDRational(1, 0), 0.0, 0.0), 3: "E", 4: (1.0, 0.0, 0.0)},
            id="zero-denominator",
        ),
        pytest.param({1: "N", 2: (95.0, 0.0, 0.0), 3: "E", 4: (1.0, 0.0, 0.0)}, id="out-of-range"),
        pytest.param(
            {1: "N", 2: (1.0, 2.0, 3.0, 4.0), 3: "E", 4: (1.0, 0.0, 0.0)}, id="four-parts"
        ),
        pytest.param({1: "N", 2: (45.0, 0.0, 0.0)}, id="no-longitude"),
    ],
)
def test_malformed_gps_is_dropped_not_fatal(
    processor: MediaProcessor, gps: dict[int, object]
) -> None:
    exif = Image.Exif()
    exif[0x0110] = "Phone"
    exif.get_ifd(0x8825).update(gps)
    exif.get_ifd(0x8769)[0x9003] = "not a date"
    result = processor.process_image(jpeg_with_exif(exif), None)
    assert result.metadata.gps is None
    assert result.metadata.taken_at is None
    assert result.metadata.camera == "Phone"


def test_garbage_exif_block_still_processes(processor: MediaProcessor) -> None:
    garbage = b"Exif\x00\x00MM\x00\x2a\x00\x00\x00\x08\xff\xff" + bytes(range(256)) * 4
    result = processor.process_image(jpeg_with_exif(garbage), None)
    assert result.width == 64
    assert result.metadata.gps is None


def test_south_and_west_references_are_negative(processor: MediaProcessor) -> None:
    exif = Image.Exif()
    exif.get_ifd(0x8825).update({1: "S", 2: (33.0, 51.0, 54.0), 3: "W", 4: (70.0, 39.0, 0.0)})
    gps = processor.process_image(jpeg_with_exif(exif), None).metadata.gps
    assert gps is not None
    assert (gps.lat, gps.lng) == pytest.approx((-33.865, -70.65))


# --- Pillow specifics -------------------------------------------------------------------


def test_pillow_global_bomb_limit_below_ours_never_warns(monkeypatch: pytest.MonkeyPatch) -> None:
    """Our limit decides; Pillow's global one (here lowered so that this TIFF trips its
    warning while loading) must neither warn nor refuse."""
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 20_000)
    data = encoded(gradient(200, 160), "TIFF")
    result = PillowMediaProcessor(max_pixels=40_000).process_image(data, None)
    assert (result.width, result.height) == (200, 160)


@pytest.mark.parametrize("name", ["gradient.png", "orientation_landscape_6.jpg"])
def test_pillow_threads_and_the_memfd_fallback_change_no_byte(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Encoding on threads (into a memfd, so that JPEG runs off the GIL) gives the same
    files as encoding in the caller, and so does the ``BytesIO`` used where memfd is not."""
    if name == "gradient.png":
        data = encoded(gradient(500, 300), "PNG")
    else:
        data = (PHOTOS / name).read_bytes()
    threaded = PillowMediaProcessor(threads=3).process_image(data, "lark")
    assert PillowMediaProcessor().process_image(data, "lark") == threaded

    def refused(*args: object) -> int:
        raise OSError("memfd_create is not allowed here")

    monkeypatch.setattr(os, "memfd_create", refused, raising=False)
    assert PillowMediaProcessor().process_image(data, "lark") == threaded


def test_pillow_reports_heif_support_honestly() -> None:
    has_heif = importlib.util.find_spec("pillow_heif") is not None
    assert PillowMediaProcessor().heif_supported is has_heif


# --- process pool specifics -------------------------------------------------------------


@pytest.mark.parametrize("error", [InvalidInput("no such filter"), UnprocessableMedia("corrupt")])
def test_pool_refusals_survive_pickling_intact(error: InvalidInput) -> None:
    """What a worker raises reaches the caller through pickle: same class, message, code."""
    copy = pickle.loads(pickle.dumps(error))
    assert (type(copy), copy.message, copy.code) == (type(error), error.message, error.code)


def test_pool_refusal_from_a_worker_is_the_domain_error() -> None:
    """A worker's ``UnprocessableMedia`` arrives as itself (an unknown filter's
    ``InvalidInput`` never reaches a worker: the pool checks the name first)."""
    with ProcessPoolMediaProcessor(workers=1) as pool:
        with pytest.raises(UnprocessableMedia, match="corrupt") as raised:
            pool.process_image(half(encoded(gradient(400, 300), "JPEG")), None)
        assert raised.value.code == "unprocessable_media"


def test_pool_with_a_killed_worker_is_unavailable_then_rebuilt() -> None:
    data = encoded(gradient(64, 48), "PNG")
    with ProcessPoolMediaProcessor(workers=1) as pool:
        before = {child.pid for child in multiprocessing.active_children()}
        assert pool.process_image(data, None).width == 64
        (worker,) = {child.pid for child in multiprocessing.active_children()} - before
        assert worker is not None
        os.kill(worker, signal.SIGKILL)
        with pytest.raises(Unavailable):
            pool.process_image(data, None)
        assert pool.process_image(data, None).width == 64


def test_pool_close_stops_the_workers_and_refuses_more_work() -> None:
    pool = ProcessPoolMediaProcessor(workers=1)
    before = set(multiprocessing.active_children())
    pool.process_image(encoded(gradient(64, 48), "PNG"), None)
    assert set(multiprocessing.active_children()) - before
    pool.close()
    assert not set(multiprocessing.active_children()) - before
    with pytest.raises(Unavailable, match="closed"):
        pool.process_image(encoded(gradient(64, 48), "PNG"), None)
    assert pool.filters()  # the in-process parts still answer
    pool.close()  # idempotent
