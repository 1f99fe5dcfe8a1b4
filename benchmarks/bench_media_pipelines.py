"""The photo pipelines that bench_media.py times, and a check that they are like for like.

Every pipeline produces the same outputs: the four variant sizes as progressive JPEG
(quality 92, thumbnail 85, 4:2:0 chroma, optimised Huffman tables) and as WebP (the same
quality, method/effort 0), a blurhash of the thumbnail and the photo's EXIF metadata.

- naive Pillow: decode at full size, turn upright, then for each variant resize (or crop
  and resize) from the full-resolution pixels and save both files; blurhash-python.
- pyvips (binary wheel), both ways one would write it: ``thumbnail_buffer`` per size (it
  decodes each time, shrinking on load), and one ``thumbnail_buffer`` to 1080 with each
  smaller size derived from the previous; blurhash with our encoder (libvips has none).
- PillowMediaProcessor: one decode at a reduced size, every variant from the previous.

Run on its own, it prints every pipeline's files (format, size, bytes) and blurhash for
the benchmark photo: the same sizes, similar bytes and the same hash show that the
timings compare the same work. Run: ``python benchmarks/bench_media_pipelines.py``.
"""

from __future__ import annotations

import importlib.util
import io
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))  # works from a plain checkout too

from PIL import Image, ImageOps  # noqa: E402

from instagram_adapters.pillow import blurhash  # noqa: E402
from instagram_adapters.pillow.processor import PillowMediaProcessor  # noqa: E402
from instagram_core.domain.media import VARIANT_SPECS, VariantSpec  # noqa: E402

PHOTO = ROOT / "tests" / "data" / "photos" / "tests_42_IndexError.jpg"  # 4032x3024
JPEG_QUALITY, THUMB_QUALITY, WEBP_METHOD = 92, 85, 0  # the processor's defaults
HAS_PYVIPS = importlib.util.find_spec("pyvips") is not None

Outputs = tuple[list[bytes], str | None, object]  # files, blurhash, EXIF metadata
Pipeline = Callable[[bytes], Outputs]


def _quality(spec: VariantSpec) -> int:
    return THUMB_QUALITY if spec.square else JPEG_QUALITY


def _save(image: Image.Image, fmt: str, quality: int) -> bytes:
    buffer = io.BytesIO()
    if fmt == "JPEG":
        image.save(buffer, fmt, quality=quality, optimize=True, progressive=True)
    else:
        image.save(buffer, fmt, quality=quality, method=WEBP_METHOD)
    return buffer.getvalue()


def _naive_blurhash(thumb: Image.Image) -> str:
    if importlib.util.find_spec("blurhash") is None:
        return blurhash.encode(thumb)
    import blurhash as reference  # blurhash-python, the test extra

    return str(reference.encode(thumb.copy(), 4, 3))  # it closes the image it is given


def naive(data: bytes) -> Outputs:
    """The issue's naive Pillow: each variant on its own, as a resize-on-demand service
    would make it: open the full image, orient it, resize from full resolution, save."""
    files: list[bytes] = []
    metadata: tuple[object, ...] = ()
    thumb: Image.Image | None = None
    for spec in VARIANT_SPECS:
        with Image.open(io.BytesIO(data)) as opened:
            exif = opened.getexif()
            metadata = (exif.get(0x010F), exif.get(0x0110), exif.get_ifd(0x8825))
            upright = ImageOps.exif_transpose(opened).convert("RGB")
        width, height = upright.size
        if spec.square:
            side, crop = min(spec.size, width, height), min(width, height)
            left, top = (width - crop) // 2, (height - crop) // 2
            box = (left, top, left + crop, top + crop)
            image = thumb = upright.resize((side, side), Image.Resampling.LANCZOS, box=box)
        else:
            scale = min(1.0, spec.size / max(width, height))
            size = max(1, round(width * scale)), max(1, round(height * scale))
            image = upright.resize(size, Image.Resampling.LANCZOS)
        files += [_save(image, "JPEG", _quality(spec)), _save(image, "WEBP", _quality(spec))]
    assert thumb is not None
    return files, _naive_blurhash(thumb), metadata


def _vips_files(image: Any, spec: VariantSpec) -> list[bytes]:
    """Both files at the processor's settings: 4:2:0 is Pillow's default subsampling."""
    q = _quality(spec)
    jpeg = {"interlace": True, "optimize_coding": True, "subsample_mode": "on"}
    return [
        image.jpegsave_buffer(Q=q, keep="none", **jpeg),
        image.webpsave_buffer(Q=q, effort=WEBP_METHOD, keep="none"),
    ]


def _vips_extras(image: Any, thumb: Any) -> tuple[str, tuple[object, ...]]:
    """Blurhash (our encoder: libvips has none) and the EXIF fields the processor reads."""
    pixels = Image.frombytes("RGB", (thumb.width, thumb.height), thumb.write_to_memory())
    found = set(image.get_fields())
    wanted = ("Make", "Model", "DateTimeOriginal", "GPSLatitude", "GPSLongitude")
    metadata = tuple(image.get(f) for f in found if f.rsplit("-", 1)[-1] in wanted)
    return blurhash.encode(pixels), metadata


def _thumbnail_options(spec: VariantSpec) -> dict[str, object]:
    return {"height": spec.size, "size": "down", **({"crop": "centre"} if spec.square else {})}


def pyvips_per_size(data: bytes) -> Outputs:
    """libvips' idiom: ``thumbnail_buffer`` per size; each decodes with shrink-on-load."""
    import pyvips

    files, images = [], {}
    for spec in VARIANT_SPECS:
        image = pyvips.Image.thumbnail_buffer(data, spec.size, **_thumbnail_options(spec))
        images[spec] = image = image.copy_memory()  # two saves: not a sequential stream
        files += _vips_files(image, spec)
    thumb = images[min(VARIANT_SPECS, key=lambda s: s.size)]
    return files, *_vips_extras(images[VARIANT_SPECS[-1]], thumb)


def pyvips_one_decode(data: bytes) -> Outputs:
    """One ``thumbnail_buffer`` to the largest size, each smaller size from the previous."""
    import pyvips

    files, source = [], None
    for spec in sorted(VARIANT_SPECS, key=lambda s: s.size, reverse=True):
        options = _thumbnail_options(spec)
        if source is None:
            image = pyvips.Image.thumbnail_buffer(data, spec.size, **options).copy_memory()
            largest = image
        else:
            image = source.thumbnail_image(spec.size, **options).copy_memory()
        source = source if spec.square else image
        files += _vips_files(image, spec)
    return files, *_vips_extras(largest, image)


def processor(threads: int) -> Pipeline:
    ours = PillowMediaProcessor(threads=threads, webp_method=WEBP_METHOD)

    def process(data: bytes) -> Outputs:
        result = ours.process_image(data, None)
        return [v.data for v in result.variants], result.blurhash, result.metadata

    return process


PIPELINES: dict[str, tuple[str, Callable[[], Pipeline]]] = {
    "naive": ("naive Pillow (full-res per variant)", lambda: naive),
    "vips_each": ("pyvips, thumbnail per size", lambda: pyvips_per_size),
    "vips_once": ("pyvips, one decode, chained", lambda: pyvips_one_decode),
    "ours": ("PillowMediaProcessor", lambda: processor(1)),
    "ours_2": ("PillowMediaProcessor(threads=2)", lambda: processor(2)),
}


def _described(files: list[bytes]) -> str:
    """Format, size and kilobytes of every file, smallest first."""
    rows = []
    for data in files:
        with Image.open(io.BytesIO(data)) as image:
            rows.append((image.width, str(image.format), image.height, len(data)))
    return ", ".join(f"{fmt} {w}x{h} {size / 1000:.0f} kB" for w, fmt, h, size in sorted(rows))


def main() -> None:
    data = PHOTO.read_bytes()
    print(f"bench_media_pipelines: what each pipeline makes of {PHOTO.name}")
    for name, (label, build) in PIPELINES.items():
        if name.startswith("vips") and not HAS_PYVIPS:
            print(f"  {label}: skipped, pyvips is not installed")
            continue
        files, hash_, _ = build()(data)
        print(f"  {label}: blurhash {hash_}\n    {_described(files)}")


if __name__ == "__main__":
    main()
