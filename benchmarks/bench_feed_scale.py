"""The feed's miss path as the work grows: ``FeedService.home`` (model-ranked, a first page,
so a ranking, a snapshot and a hydration each time) against the number of accounts followed,
the number of celebrities followed (pulled on read) and the page size.

An in-memory world per row (the unit tests' containers: every adapter in memory, a manual
clock, an inline event bus, so the seen marks a page publishes are written inside the
timing), built through the services like a real one: sign-ups, follows, posts with tiny
generated JPEGs. Authors post ``500 // follows`` times each (at least once), so the cached
feed holds the same 500 candidates from 100 follows up and only the follow count grows;
celebrities (four followers against a threshold of three: pulled on read, never pushed)
post ``--celebrity-posts`` times each. Also timed: encoding the page as ``GET /feed`` does
(presenters and msgspec), the part of a miss the in-process figure leaves out.

``--write`` replaces the measured section at the end of ``docs/feed-at-scale.md``.

Run: ``python benchmarks/bench_feed_scale.py [--calls N] [--write]``.
"""

from __future__ import annotations

import argparse
import io
import logging
import os
import platform
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))  # works from a plain checkout too

from litestar.serialization import encode_json  # noqa: E402
from PIL import Image  # noqa: E402

from instagram_core.services.posts import NewPost  # noqa: E402
from instagram_entrypoints.config import Settings  # noqa: E402
from instagram_entrypoints.containers import Application, memory_container  # noqa: E402
from instagram_entrypoints.http import presenters, schemas  # noqa: E402

START = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
DOC = ROOT / "docs" / "feed-at-scale.md"
MARKER = "<!-- measured by benchmarks/bench_feed_scale.py: everything below is replaced -->"
CANDIDATES = 500  # the cached feed's capacity
CELEBRITY_FANS = 3  # extra followers that make an account a celebrity at threshold 3
THRESHOLD = 3


@dataclass
class Row:
    follows: int
    celebrities: int
    page: int
    candidates: int
    home_min: float
    home_p50: float
    home_p99: float
    encode_p50: float


def tiny_jpeg(index: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (32, 32), (index * 37 % 256, index * 91 % 256, 120)).save(buffer, "JPEG")
    return buffer.getvalue()


def build(follows: int, celebrities: int, celebrity_posts: int) -> tuple[Application, str]:
    settings = Settings(secret_key="bench-" + "x" * 40, fanout_celebrity_threshold=THRESHOLD)
    container = memory_container(START, settings)
    container.init_resources()
    core, adapters = container.core, container.adapters
    clock, accounts, social = adapters.clock(), core.accounts(), core.social()
    viewer = accounts.register("viewer", "correct horse")
    fans = [accounts.register(f"fan_{n}", "correct horse") for n in range(CELEBRITY_FANS)]
    authors = [accounts.register(f"author_{n}", "correct horse") for n in range(follows)]
    stars = [accounts.register(f"celebrity_{n}", "correct horse") for n in range(celebrities)]
    for person in authors:
        social.follow(viewer.user_id, person.username)
    for star in stars:
        for follower in (viewer, *fans):
            social.follow(follower.user_id, star.username)
    images = [tiny_jpeg(n) for n in range(8)]
    # Round-robin over each group, each author's posts 150 s apart: inside the post rate
    # limit (30 an hour), and every timestamp distinct.
    jobs = [
        (a, k, 150 // follows + 1) for k in range(max(1, CANDIDATES // follows)) for a in authors
    ]
    jobs += [(s, k, 150 // max(1, celebrities) + 1) for k in range(celebrity_posts) for s in stars]
    for n, (person, k, step) in enumerate(jobs):
        clock.advance(step)
        ticket = core.media().request_upload(person.user_id, "image", "image/jpeg")
        adapters.blobs().put(ticket.media.original_key, images[n % 8], "image/jpeg")
        core.posts().create(person.user_id, NewPost([ticket.media.media_id], f"post {k} #bench"))
    return container, viewer.user_id


def timed(call: Callable[[], object], calls: int) -> list[float]:
    call()
    times = []
    for _ in range(calls):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return sorted(times)


def quantile(ordered: list[float], share: float) -> float:
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def measure(
    follows: int, celebrities: int, pages: list[int], args: argparse.Namespace
) -> list[Row]:
    container, viewer = build(follows, celebrities, args.celebrity_posts)
    try:
        feed = container.core.feed()
        rows = []
        for page in pages:
            first = feed.home(viewer, None, page)
            home = timed(lambda page=page: feed.home(viewer, None, page), args.calls)

            def encode(first: object = first) -> bytes:
                return encode_json(
                    schemas.FeedPageOut(
                        [presenters.post(p) for p in first.items],  # type: ignore[attr-defined]
                        first.next_cursor,  # type: ignore[attr-defined]
                        True,
                        [],
                    )
                )

            encoded = timed(encode, args.calls)
            candidates = len(container.adapters.feeds().page(viewer, None, CANDIDATES) or [])
            rows.append(
                Row(
                    follows,
                    celebrities,
                    page,
                    candidates,
                    home[0],
                    quantile(home, 0.5),
                    quantile(home, 0.99),
                    quantile(encoded, 0.5),
                )
            )
            print(
                f"  follows {follows:>5}  celebrities {celebrities:>3}  page {page:>3}  "
                f"cached {candidates:>4}  home min {rows[-1].home_min:6.2f}  "
                f"p50 {rows[-1].home_p50:7.2f} ms  "
                f"p99 {rows[-1].home_p99:7.2f} ms  encode p50 {rows[-1].encode_p50:5.2f} ms",
                flush=True,
            )
        return rows
    finally:
        container.shutdown_resources()


def table(rows: list[Row]) -> str:
    lines = [
        "| follows | celebrities | page | cached ids | `home` min ms | `home` p50 ms"
        " | `home` p99 ms | encode p50 ms |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    lines += [
        f"| {r.follows:,} | {r.celebrities} | {r.page} | {r.candidates} | {r.home_min:.2f} "
        f"| {r.home_p50:.2f} "
        f"| {r.home_p99:.2f} | {r.encode_p50:.2f} |"
        for r in rows
    ]
    return "\n".join(lines)


def write_doc(rows: list[Row], header: str, celebrity_posts: int) -> None:
    text = DOC.read_text()
    head = text.split(MARKER)[0].rstrip() + "\n\n"
    section = f"""{MARKER}

## The miss path as the work grows (measured)

Measured by `python benchmarks/bench_feed_scale.py --write` ({header}). `FeedService.home`
with the model ranker, a first page each call: the candidates from the cached feed merged
with the pulled celebrities' posts, ranked, diversified, snapshotted and hydrated; the
encode column is the JSON encoding of that page as `GET /feed` does it. In memory, so the
figures are the computation's cost, without the engines' round trips. Authors post
`500 // follows` times each, so from 100 follows up the cached feed holds the same 500
candidates; each celebrity has {celebrity_posts} posts.

{table(rows)}

The minimum of each row is the cost of the work itself; the p50 and p99 add the machine's
other load (the rows ran one after the other, not interleaved).
"""
    DOC.write_text(head + section)


def main() -> None:
    logging.disable(logging.INFO)
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--calls", type=int, default=100, help="timed reads per row")
    parser.add_argument("--celebrity-posts", type=int, default=20)
    parser.add_argument("--write", action="store_true", help="update docs/feed-at-scale.md")
    args = parser.parse_args()
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"bench_feed_scale: FeedService.home, model-ranked, first pages (load {load})")
    rows: list[Row] = []
    for follows in (10, 100, 1000, 5000):
        rows += measure(follows, 0, [50], args)
    for celebrities in (5, 50):
        rows += measure(100, celebrities, [50], args)
    rows += measure(100, 5, [10, 20], args)
    after = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    header = (
        f"{args.calls} calls a row, {os.cpu_count()} cores ({platform.machine()}), "
        f"load average {load} before and {after} after: other work on the machine skews "
        f"the figures, compare rows with each other"
    )
    print(f"  ({header})")
    if args.write:
        write_doc(rows, header, args.celebrity_posts)
        print(f"  wrote {DOC.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
