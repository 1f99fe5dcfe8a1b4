"""Photo throughput of ProcessPoolMediaProcessor with one worker process against two.

A batch of ``--batch`` copies of the 12 MP photo is submitted at once from as many caller
threads (as the worker's bus would), after a warm-up batch that starts every worker.
Reported: images per second for each pool (best of ``--rounds`` batches) and the ratio; on
a machine with two free cores the ratio approaches 2.

Run: ``python benchmarks/bench_media_pool.py [--batch N] [--rounds N]``.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))  # works from a plain checkout too

from instagram_adapters.pillow.pool import ProcessPoolMediaProcessor  # noqa: E402

PHOTO = ROOT / "tests" / "data" / "photos" / "tests_42_IndexError.jpg"


def images_per_second(workers: int, data: bytes, batch: int, rounds: int) -> float:
    with (
        ProcessPoolMediaProcessor(workers=workers) as pool,
        ThreadPoolExecutor(batch) as callers,
    ):

        def run_batch() -> float:
            started = time.perf_counter()
            list(callers.map(lambda d: pool.process_image(d, None), [data] * batch))
            return time.perf_counter() - started

        run_batch()  # warm-up: spawns and initialises every worker
        return batch / min(run_batch() for _ in range(rounds))


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--batch", type=int, default=8, help="photos per batch")
    parser.add_argument("--rounds", type=int, default=3, help="timed batches per pool")
    args = parser.parse_args()
    data = PHOTO.read_bytes()
    rates = {w: images_per_second(w, data, args.batch, args.rounds) for w in (1, 2)}
    print(f"bench_media_pool: batches of {args.batch} x {PHOTO.name}, {os.cpu_count()} cores")
    print(f"  {'pool':<44}{'images/s':>10}")
    for workers, rate in rates.items():
        print(f"  {f'ProcessPoolMediaProcessor(workers={workers})':<44}{rate:>10.2f}")
    print(f"  ratio two workers / one: {rates[2] / rates[1]:.2f}x")


if __name__ == "__main__":
    main()
