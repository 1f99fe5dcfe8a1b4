"""Photo processing: PillowMediaProcessor against naive Pillow and pyvips, one 12 MP photo.

The pipelines, and what "the same outputs" means, are in bench_media_pipelines.py.
Timings: the pipelines take turns, round after round (so background load hits all alike),
in a process pinned to one core with libvips limited to one thread; median per pipeline.
Then both cores: the processor with ``threads=2`` against pyvips with its default threads.
Memory: peak extra resident set of one photo, each pipeline in a fresh interpreter, after
a warm-up on a small photo (library start-up is no per-photo cost).

Run: ``python benchmarks/bench_media.py [--runs N]``.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench_media_pipelines import HAS_PYVIPS, PHOTO, PIPELINES
from PIL import Image

BUDGET_MS = 500  # the seed's budget per photo on one core
ONE_CORE = ("naive", "vips_each", "vips_once", "ours")
BOTH_CORES = ("naive", "vips_once", "ours", "ours_2")


def _child(*args: str) -> dict[str, float]:
    """Runs this script with ``args`` in a fresh interpreter; returns its JSON answer."""
    command = [sys.executable, __file__, *args]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    return {k: float(v) for k, v in json.loads(output).items()}


def _prepare(one_core: bool) -> None:
    """Pins this process to one core (Linux) and caps libvips' threads to match; turns off
    libvips' operation cache, which would otherwise return the previous run's result."""
    if one_core and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    if HAS_PYVIPS:
        import pyvips

        pyvips.cache_set_max(0)
        pyvips.concurrency_set(1 if one_core else os.cpu_count() or 1)


def _timings(names: list[str], runs: int, one_core: bool) -> dict[str, float]:
    """Median wall and CPU milliseconds per photo (``name``, ``name/cpu``), the pipelines
    taking turns round after round. CPU time counts only this process's work, so it holds
    steady when other processes share the core; wall time does not."""
    _prepare(one_core)
    data = PHOTO.read_bytes()
    pipelines = {name: PIPELINES[name][1]() for name in names}
    times: dict[str, list[float]] = {key: [] for n in names for key in (n, f"{n}/cpu")}
    for pipeline in pipelines.values():
        pipeline(data)  # warm-up: plugin loading, first allocations
    for _ in range(runs):
        for name, pipeline in pipelines.items():
            wall, cpu = time.perf_counter(), time.process_time()
            pipeline(data)
            times[name].append((time.perf_counter() - wall) * 1000)
            times[f"{name}/cpu"].append((time.process_time() - cpu) * 1000)
    return {key: statistics.median(values) for key, values in times.items()}


def _peak_rss_kib() -> int:
    """This process's peak resident set (``VmHWM``, Linux); ``ru_maxrss`` elsewhere."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux


def _peak_extra_mb(name: str) -> dict[str, float]:
    """Peak RSS growth of one photo, after a warm-up on a small one (library start-up is
    no per-photo cost)."""
    _prepare(one_core=True)
    pipeline = PIPELINES[name][1]()
    small = io.BytesIO()
    Image.new("RGB", (64, 48), (90, 120, 200)).save(small, "JPEG")
    pipeline(small.getvalue())
    data = PHOTO.read_bytes()
    before = _peak_rss_kib()
    pipeline(data)
    return {"peak_mb": (_peak_rss_kib() - before) / 1024}


def _report(runs: int) -> None:
    def names(chosen: tuple[str, ...]) -> str:
        return ",".join(n for n in chosen if HAS_PYVIPS or not n.startswith("vips"))

    one = _child("--times", names(ONE_CORE), str(runs))
    both = _child("--times", names(BOTH_CORES), str(runs), "both")
    memory = {n: _child("--memory-of", n)["peak_mb"] for n in names(ONE_CORE).split(",")}
    with Image.open(PHOTO) as image:
        print(f"bench_media: {PHOTO.name} ({image.width}x{image.height}, {os.cpu_count()} cores)")
    print(f"  4 JPEG + 4 WebP + blurhash + EXIF per photo; medians of {runs} runs")
    if not HAS_PYVIPS:
        print("  pyvips rows skipped: pyvips is not installed (pip install pyvips pyvips-binary)")
    print(f"  {'one core (pinned)':<40}{'wall ms':>9}{'CPU ms':>9}{'peak extra RSS':>17}")
    for name, peak in memory.items():
        label, wall, cpu = PIPELINES[name][0], one[name], one[f"{name}/cpu"]
        print(f"  {label:<40}{wall:>9.1f}{cpu:>9.1f}{peak:>14.1f} MB")
    print(f"  {'both cores':<40}{'wall ms':>9}{'CPU ms':>9}")
    for name in names(BOTH_CORES).split(","):
        print(f"  {PIPELINES[name][0]:<40}{both[name]:>9.1f}{both[f'{name}/cpu']:>9.1f}")
    ours = one["ours/cpu"]
    fastest = min(both["ours"], both["ours_2"])
    print("  latency of one photo on this machine (both cores free), wall:")
    print(f"    naive / ours: {both['naive'] / fastest:.2f}x faster (goal >= 5x)")
    print("  ratios on one core, from CPU time (the work, whatever the cores):")
    print(f"    naive / ours: {one['naive/cpu'] / ours:.2f}x faster")
    if HAS_PYVIPS:
        vips = min(one["vips_each/cpu"], one["vips_once/cpu"])
        print(f"    ours / fastest pyvips: {ours / vips:.2f}")
        print(
            f"  ratio on both cores, wall: ours (faster of threads=1, 2) / pyvips: "
            f"{fastest / both['vips_once']:.2f} (goal <= 1.0)"
        )
    verdict = "within" if one["ours"] < BUDGET_MS else "OVER"
    print(
        f"  ours on one core: {one['ours']:.0f} ms wall, {ours:.0f} ms CPU per photo, "
        f"{verdict} the {BUDGET_MS} ms budget"
    )
    print(f"  peak extra memory, ours: {memory['ours']:.1f} MB per 12 MP photo (goal < 150 MB)")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="timed runs per pipeline")
    parser.add_argument("--times", nargs="+", help=argparse.SUPPRESS)
    parser.add_argument("--memory-of", choices=sorted(PIPELINES), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.memory_of:
        print(json.dumps(_peak_extra_mb(args.memory_of)))
    elif args.times:
        names, runs, *cores = args.times
        print(json.dumps(_timings(names.split(","), int(runs), one_core=not cores)))
    else:
        _report(args.runs)


if __name__ == "__main__":
    main()
