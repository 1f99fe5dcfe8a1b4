"""Photo processing: PillowMediaProcessor against a naive Pillow pipeline, on one 12 MP photo.

The naive baseline is what one writes first: decode the whole image, turn it upright, then
for each variant copy the full-resolution image, resize (or crop and resize) it with Lanczos
and save a JPEG. The processor decodes once at a reduced size (JPEG DCT scaling), filters
once, and renders each variant from the previous one.

Reported: milliseconds per photo (median of ``--runs`` runs, after one warm-up) and the
peak extra resident memory of processing one photo, each measured in a fresh subprocess.
Both sides encode the same variant sizes with the same JPEG settings; the processor also
does work the baseline skips (colour management, EXIF metadata, a blurhash).

Run: ``python benchmarks/bench_media.py [--runs N]``.
"""

from __future__ import annotations

import argparse
import io
import json
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))  # works from a plain checkout too

from PIL import Image, ImageOps  # noqa: E402

from adapters.pillow.processor import PillowMediaProcessor  # noqa: E402
from instagram_core.domain.media import VARIANT_SPECS, VariantSpec  # noqa: E402

PHOTOS = ROOT.parent / "shared" / "testdata" / "photos"
PHOTO = PHOTOS / "tests_42_IndexError.jpg"  # 4032x3024: decodes fine despite its name
JPEG_QUALITY, THUMB_QUALITY = 92, 85  # the processor's defaults

Pipeline = Callable[[bytes], list[bytes]]


def naive_variants(data: bytes) -> list[bytes]:
    """The straightforward pipeline: every variant from the full-resolution pixels."""
    with Image.open(io.BytesIO(data)) as opened:
        upright = ImageOps.exif_transpose(opened).convert("RGB")
    width, height = upright.size
    encoded = []
    for spec in VARIANT_SPECS:
        image = upright.copy()
        if spec.square:
            side, crop = min(spec.size, width, height), min(width, height)
            left, top = (width - crop) // 2, (height - crop) // 2
            image = image.crop((left, top, left + crop, top + crop))
            image = image.resize((side, side), Image.Resampling.LANCZOS)
        else:
            image = image.resize(_fit(spec, width, height), Image.Resampling.LANCZOS)
        buffer = io.BytesIO()
        quality = THUMB_QUALITY if spec.square else JPEG_QUALITY
        image.save(buffer, "JPEG", quality=quality, optimize=True, progressive=True)
        encoded.append(buffer.getvalue())
    return encoded


def _fit(spec: VariantSpec, width: int, height: int) -> tuple[int, int]:
    scale = min(1.0, spec.size / max(width, height))
    return max(1, round(width * scale)), max(1, round(height * scale))


def processor_variants(data: bytes) -> list[bytes]:
    result = PillowMediaProcessor().process_image(data, None)
    return [variant.data for variant in result.variants]


PIPELINES: dict[str, Pipeline] = {"naive": naive_variants, "processor": processor_variants}


def median_ms(pipeline: Pipeline, data: bytes, runs: int) -> float:
    pipeline(data)  # warm-up: plugin loading, first allocations
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        pipeline(data)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def peak_memory_mb(name: str) -> float:
    """Peak RSS growth of processing the photo once, in a fresh interpreter (so that
    neither side inherits the other's high-water mark)."""
    child = subprocess.run(
        [sys.executable, __file__, "--memory-of", name],
        capture_output=True,
        text=True,
        check=True,
    )
    return float(json.loads(child.stdout)["peak_mb"])


def _peak_rss_kib() -> int:
    """This process's peak resident set. Linux's ``VmHWM`` belongs to the process image;
    ``ru_maxrss`` is a fallback only, as on Linux it carries the parent's peak across
    fork and exec."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux, bytes on macOS


def _memory_child(name: str) -> None:
    data = PHOTO.read_bytes()
    Image.init()
    before = _peak_rss_kib()
    PIPELINES[name](data)
    after = _peak_rss_kib()
    print(json.dumps({"peak_mb": (after - before) / 1024}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="timed runs per pipeline")
    parser.add_argument("--memory-of", choices=sorted(PIPELINES), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if not PHOTO.is_file():
        print(f"bench_media: skipped, {PHOTO} is absent (the shared test photos are missing)")
        return
    if args.memory_of:
        _memory_child(args.memory_of)
        return

    data = PHOTO.read_bytes()
    with Image.open(io.BytesIO(data)) as image:
        size = f"{image.width}x{image.height}"
    memory = {name: peak_memory_mb(name) for name in PIPELINES}
    timings = {name: median_ms(pipeline, data, args.runs) for name, pipeline in PIPELINES.items()}

    print(f"bench_media: {PHOTO.name} ({size}, {len(data) / 1e6:.1f} MB), 4 variants")
    print(f"  {'pipeline':<38}{'ms/photo':>10}{'peak extra RSS':>18}")
    rows = (("naive Pillow (full-res per variant)", "naive"), ("PillowMediaProcessor", "processor"))
    for label, name in rows:
        print(f"  {label:<38}{timings[name]:>10.1f}{memory[name]:>15.1f} MB")
    speed = timings["naive"] / timings["processor"]
    saving = memory["naive"] / memory["processor"] if memory["processor"] > 0 else float("inf")
    print(f"  {'ratio naive / processor':<38}{speed:>9.1f}x{saving:>17.1f}x")
    print(f"  (median of {args.runs} runs after a warm-up; memory: one photo, fresh process)")


if __name__ == "__main__":
    main()
