"""Blurhash: our numpy encoder against blurhash-python (the reference C encoder behind a
Python loop) on the same 150x150 thumbnail, with the outputs compared; and our pure-Python
encoder (installs without numpy), timed over a few runs only.

Reported: microseconds per hash for each (median of ``--runs``, the two taking turns), the
ratio, and whether the hashes are identical, on the benchmark photo's thumbnail and on the
thumbnails of every other readable test photo.

Run: ``python benchmarks/bench_blurhash.py [--runs N]``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))  # works from a plain checkout too

from PIL import Image, ImageOps  # noqa: E402

from instagram_adapters.pillow import blurhash, blurhash_python  # noqa: E402

PHOTOS = ROOT / "tests" / "data" / "photos"
PHOTO = PHOTOS / "tests_42_IndexError.jpg"
SIDE = 150  # the thumbnail the processor hashes
PURE_RUNS = 5  # the pure-Python encoder takes a few tenths of a second


def thumbnail(path: Path) -> Image.Image | None:
    try:
        with Image.open(path) as photo:
            return ImageOps.fit(photo.convert("RGB"), (SIDE, SIDE))
    except Exception:  # the test photos include deliberately broken files
        return None


def median_us(encode: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        encode()
        times.append((time.perf_counter() - started) * 1e6)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=200, help="timed hashes per encoder")
    args = parser.parse_args()
    try:
        import blurhash as reference  # blurhash-python
    except ImportError:
        print("bench_blurhash: skipped, blurhash-python is not installed")
        return
    thumb = thumbnail(PHOTO)
    assert thumb is not None, f"{PHOTO} does not decode"
    warnings.simplefilter("ignore", DeprecationWarning)  # blurhash-python calls getdata()

    def ours() -> str:
        return blurhash.encode(thumb)

    def theirs() -> str:
        return str(reference.encode(thumb.copy(), 4, 3))  # it closes the image it gets

    ours(), theirs()  # warm-up: the cosine basis cache, cffi
    ours_us = theirs_us = 0.0
    for _ in range(2):  # halves taking turns, so that background load hits both alike
        ours_us += median_us(ours, args.runs // 2) / 2
        theirs_us += median_us(theirs, args.runs // 2) / 2
    blurhash_python.encode(thumb)  # warm-up: its cosine basis cache
    pure_us = median_us(lambda: blurhash_python.encode(thumb), PURE_RUNS)
    others = [t for p in sorted(PHOTOS.iterdir()) if (t := thumbnail(p)) is not None]
    same = sum(blurhash.encode(t) == reference.encode(t.copy(), 4, 3) for t in others)
    print(f"bench_blurhash: {SIDE}x{SIDE} thumbnail of {PHOTO.name}, 4x3 components")
    print(f"  {'encoder':<34}{'us/hash':>10}")
    print(f"  {'blurhash-python (reference C)':<34}{theirs_us:>10.0f}")
    print(f"  {'ours (numpy)':<34}{ours_us:>10.0f}")
    print(f"  {'ours (pure Python, no numpy)':<34}{pure_us:>10.0f}")
    print(f"  ratio blurhash-python / ours: {theirs_us / ours_us:.1f}x faster (goal >= 8x)")
    print(f"  identical output: {ours() == theirs() == blurhash_python.encode(thumb)} ({ours()})")
    print(f"  identical on the other test photos' thumbnails: {same}/{len(others)}")


if __name__ == "__main__":
    main()
