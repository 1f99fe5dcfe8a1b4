"""``FeedService.home`` and ``ModelRanker.score`` before and after a change, in the same run.

Two processes: one imports the code of another commit (``--before``, default ``main``,
unpacked with ``git archive`` into a temporary folder), the other this checkout. Each
builds the world of ``bench_feed_scale.py`` (``--follows``, ``--celebrities``), then they
take turns timing ``--calls`` calls each, for ``--rounds`` rounds, the first side changing
each round. Taking turns spreads the machine's other load over both sides. Reported per
side: min, p50, p99 of the wall clock and of the calling thread's CPU time.

Run: ``python benchmarks/compare_feed.py [--before REF] [--follows N] [--rounds N]``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The installed names of the source folders (pyproject.toml's package-dir).
PACKAGES = {
    "instagram_core": "instagram_core",
    "instagram_adapters": "adapters",
    "instagram_entrypoints": "entrypoints",
}
CALLS = ("home", "score")


def child(checkout: Path, follows: int, celebrities: int) -> None:
    """One side: import ``checkout``'s code, build the world, time blocks on request."""
    links = Path(tempfile.mkdtemp(prefix="feed-compare-"))
    for name, folder in PACKAGES.items():  # ahead of the installed (editable) packages
        (links / name).symlink_to(checkout / "src" / folder)
    sys.path[:0] = [str(links), str(checkout / "benchmarks")]
    import logging

    import bench_feed_scale  # type: ignore[import-not-found]

    import instagram_core

    print(f"  a side runs {Path(instagram_core.__file__).resolve().parent}", file=sys.stderr)

    logging.disable(logging.INFO)
    container, viewer = bench_feed_scale.build(follows, celebrities, 20)
    feed, ranker = container.core.feed(), container.core.model_ranker()
    feed.home(viewer, None, 50)  # the first read fills the feed cache
    ids = feed._merged(viewer, container.adapters.feeds().page(viewer, None, 500))
    rows = getattr(feed, "_rows", None) or container.adapters.posts()
    found = rows.get_many(ids)  # as the feed reads them, so the ranker is timed as it is used
    candidates = [found[i] for i in ids if i in found]
    calls = {
        "home": lambda: feed.home(viewer, None, 50),
        "score": lambda: ranker.score(viewer, candidates),
    }
    for _ in range(20):
        calls["home"]()
    print("ready", flush=True)
    for line in sys.stdin:
        block: dict[str, list[float]] = {}
        for name, call in calls.items():
            wall, cpu = [], []
            for _ in range(int(line)):
                cpu_start, start = time.thread_time(), time.perf_counter()
                call()
                wall.append((time.perf_counter() - start) * 1000)
                cpu.append((time.thread_time() - cpu_start) * 1000)
            block[name], block[f"{name} cpu"] = wall, cpu
        print(json.dumps(block), flush=True)
    container.shutdown_resources()


def quantile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--before", default="main", help="a git ref to compare against")
    parser.add_argument("--follows", type=int, default=100)
    parser.add_argument("--celebrities", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--calls", type=int, default=30, help="calls a side per round")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(Path(args.child), args.follows, args.celebrities)
        return
    with tempfile.TemporaryDirectory(prefix="feed-before-") as before:
        archive = subprocess.run(
            ["git", "-C", str(ROOT), "archive", args.before], check=True, capture_output=True
        ).stdout
        subprocess.run(["tar", "-x", "-C", before], input=archive, check=True)
        sides = {f"before ({args.before})": Path(before), "after (this checkout)": ROOT}
        shape = ["--follows", str(args.follows), "--celebrities", str(args.celebrities)]
        procs = {
            label: subprocess.Popen(
                [sys.executable, __file__, "--child", str(path), *shape],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
            )
            for label, path in sides.items()
        }
        for proc in procs.values():
            assert proc.stdout is not None
            if proc.stdout.readline().strip() != "ready":
                raise SystemExit("a side failed to build its world")
        load = os.getloadavg()[0]
        times: dict[str, dict[str, list[float]]] = {label: {} for label in sides}
        for round_ in range(args.rounds):
            labels = list(procs) if round_ % 2 == 0 else list(procs)[::-1]
            for label in labels:
                proc = procs[label]
                assert proc.stdin is not None
                assert proc.stdout is not None
                proc.stdin.write(f"{args.calls}\n")
                proc.stdin.flush()
                for name, values in json.loads(proc.stdout.readline()).items():
                    times[label].setdefault(name, []).extend(values)
        for proc in procs.values():
            assert proc.stdin is not None
            proc.stdin.close()
            proc.wait()
    print(
        f"compare_feed: {args.follows} follows, {args.celebrities} celebrities; "
        f"{args.rounds} rounds x {args.calls} calls a side, taking turns; "
        f"load {load:.1f} -> {os.getloadavg()[0]:.1f}"
    )
    for label, measured in times.items():
        for name in (n for call in CALLS for n in (call, f"{call} cpu")):
            values = measured[name]
            print(
                f"  {label:<24} {name:<10} min {min(values):6.2f}  "
                f"p50 {quantile(values, 0.5):6.2f}  p99 {quantile(values, 0.99):6.2f} ms"
            )


if __name__ == "__main__":
    main()
