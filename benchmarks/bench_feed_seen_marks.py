"""The feed's miss path in process on the embedded profile: seen marks on the best-effort
lane (now) against seen marks as durable bus jobs (before), in the same run, same data.

Two containers over one data dir in this process: ``lane`` as built, ``durable`` with the
services' bus wired as before the lane (every ``FeedPageShown`` a ``bus_jobs`` row committed
on the calling thread). Blocks of first-page reads (``FeedService.home``, model-ranked, each
a miss: no page cache here) alternate between them; after each block both buses are drained
so that one side's background writes do not land in the other's timings. Reported: p50,
p99 and mean per call, and the ``fsync``-bearing commits each side caused.

Run: ``python benchmarks/bench_feed_seen_marks.py [--viewers N] [--authors N] [--rounds N]``.
Prints figures, never asserts.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_feed_http as http

PAGE = 50


def container_over(data_dir: Path, env: dict[str, str], durable_marks: bool) -> Any:
    from dependency_injector import providers

    from instagram_entrypoints.config import load_settings
    from instagram_entrypoints.containers import build_container
    from instagram_entrypoints.wiring import LateBoundBus

    settings = load_settings(
        {"data_dir": data_dir, "log_level": "warning"}, environ={**os.environ, **env}
    )
    container = build_container(settings)
    if durable_marks:  # the wiring before the lane: every message to the durable bus
        core = container.core
        core.bus.override(providers.Singleton(LateBoundBus, providers.Delegate(core.running_bus)))
    container.init_resources()
    return container


def settle(container: Any) -> None:
    container.core.running_bus().drain(60)
    lane = container.core.hint_lane()
    if lane is not None:
        lane.flush(60)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--viewers", type=int, default=60)
    parser.add_argument("--authors", type=int, default=40)
    parser.add_argument("--posts", type=int, default=2)
    parser.add_argument("--celebrities", type=int, default=3)
    parser.add_argument("--celebrity-posts", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=6)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-seen-marks-") as tmp:
        data_dir = Path(tmp) / "data"
        plan = http.follow_plan(args.viewers, args.authors, args.celebrities)
        env = {
            "INSTAGRAM_FANOUT_CELEBRITY_THRESHOLD": str(
                http.celebrity_threshold(args.authors, plan)
            )
        }
        print(f"building {args.viewers} viewers over {args.authors} authors ...", flush=True)
        http.build(data_dir, env, plan, args)
        sides = {
            "lane (now)": container_over(data_dir, env, durable_marks=False),
            "durable bus (before)": container_over(data_dir, env, durable_marks=True),
        }
        try:
            users = next(iter(sides.values())).adapters.users()
            ids = [
                u.user_id
                for n in range(args.viewers)
                if (u := users.by_username(f"bench_viewer_{n}")) is not None
            ]
            for container in sides.values():  # rebuild each side's in-memory feeds, untimed
                feed = container.core.feed()
                for viewer_id in ids:
                    feed.home(viewer_id, None, PAGE)
                settle(container)
            times: dict[str, list[float]] = {name: [] for name in sides}
            for _ in range(args.rounds):
                for name, container in sides.items():
                    feed = container.core.feed()
                    for viewer_id in ids:
                        started = time.perf_counter()
                        feed.home(viewer_id, None, PAGE)
                        times[name].append((time.perf_counter() - started) * 1000)
                    settle(container)
            load = " ".join(Path("/proc/loadavg").read_text().split()[:3])
            print(f"FeedService.home, first page of {PAGE}, model-ranked (load {load}):")
            print(f"  {'side':<22} {'calls':>6} {'p50 ms':>8} {'p99 ms':>8} {'mean ms':>8}")
            for name, values in times.items():
                values.sort()
                p99 = values[min(len(values) - 1, round(0.99 * (len(values) - 1)))]
                print(
                    f"  {name:<22} {len(values):>6} {statistics.median(values):>8.2f} "
                    f"{p99:>8.2f} {statistics.fmean(values):>8.2f}"
                )
            lane = sides["lane (now)"].core.hint_lane()
            print(
                f"  lane: {lane.written} pages written in batches, {lane.dropped} dropped, "
                f"{lane.failed} failed"
            )
        finally:
            for container in sides.values():
                container.shutdown_resources()
    return 0


if __name__ == "__main__":
    sys.exit(main())
