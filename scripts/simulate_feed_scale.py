"""Feed fan-out at scale: push-only, pull-only and hybrid celebrity thresholds, simulated.

Builds a follower graph of ``--users`` accounts (default 1,000,000) whose follower counts
follow a power law, simulates one day of posts and feed loads with our feed rules (push into
*present* feeds only, in jobs of ``FANOUT_CHUNK`` followers; at most ``FEED_CAPACITY`` entries
per feed; an absent feed is rebuilt from the graph on its next read) and measures, for each
strategy, the write amplification, the feed-cache memory and the read cost of a feed load.
A model of the same law without a graph, checked against the simulation at the
simulated size, extrapolates to the seed's 2 billion users.

Writes ``docs/feed-at-scale.md`` and ``docs/feed-scale-*.png``. Everything is vectorised
numpy with a fixed seed: the same command gives the same numbers. matplotlib (the ``sim``
extra) is only needed for the plots.

Run: ``python scripts/simulate_feed_scale.py [--users N] [--seed N] [--out DIR]``.
"""

from __future__ import annotations

import argparse
import itertools
import math
import platform
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))  # works from a plain checkout too

from instagram_core.policies.fanout import (  # noqa: E402
    CELEBRITY_POSTS,
    CELEBRITY_THRESHOLD,
    FANOUT_CHUNK,
)
from instagram_core.ports.feed_cache import FEED_CAPACITY  # noqa: E402

F64 = NDArray[np.float64]
I64 = NDArray[np.int64]
I32 = NDArray[np.int32]
BOOL = NDArray[np.bool_]

PULL = 0.0  # threshold of pull-only: every account is a "celebrity"
PUSH = math.inf  # threshold of push-only: no account is
SEED_THRESHOLD = 50_000  # the seed's celebrity threshold; the code's is CELEBRITY_THRESHOLD
READ_WEIGHTS = (0.5, 1.5, 5.0)  # cost of one extra timeline read, in feed-cache inserts
DEFAULT_READ_WEIGHT = 1.5  # measured, see MEASURED
SEED_POSTS_PER_DAY = 100e6  # the seed's photo uploads a day (500M DAU x 0.2)
MEASURED_MARKER = (
    "<!-- measured by benchmarks/bench_feed_scale.py: everything below is replaced -->"
)

# Measured once with redis-server 7.0.15 on the machine that generated docs/feed-at-scale.md
# (10,000-20,000 feeds of 500 entries + sentinel; four runs on a loaded 2-core machine):
# INFO memory growth per feed, and INFO commandstats server time for one follower's step of
# RedisFeedCache's fan-out script against one ZRANGE ... BYSCORE REV LIMIT 0 50.
MEASURED: dict[str, Any] = {
    "redis": "7.0.15",
    "feed_bytes": 63_699,
    "listpack_feed_bytes": 16_464,
    "insert_us": (12.0, 20.9),
    "range_us": (22.2, 29.7),
}
DAY_SECONDS = 86_400
BURST_SECONDS = 1.0  # the worst post may occupy the feed cache's writes for at most this long
PRESENCE_WINDOWS = (1, 3, 7, 14, 30)
EDGE_BLOCK = 16_000_000  # edges per vectorised block (bounds temporary memory)


# --------------------------------------------------------------------------- assumptions


@dataclass(frozen=True)
class Params:
    """Every assumption of the simulation in one place (the document states each one)."""

    users: int = 1_000_000
    seed: int = 20_260_101
    # Following (out-degree): lognormal, the median as the seed's "typical user".
    following_median: float = 150.0
    following_sigma: float = 1.0
    following_cap: int = 7_500  # Instagram's limit on accounts one can follow
    # Followers (in-degree): Pareto popularity with tail index alpha, fitted (fit_alpha) so
    # that at world scale the most-followed account has ``world_top_followers``.
    world_users: int = 2_000_000_000
    world_dau: int = 500_000_000
    world_top_followers: float = 650e6  # the most-followed Instagram account, about 1/3 of users
    # Activity: a share never returns; the rest have a daily activity probability ~ Beta;
    # large accounts are active (almost) every day.
    dormant_share: float = 0.35
    active_beta: tuple[float, float] = (0.77, 1.23)
    celebrity_activity_scale: float = 10_000.0
    presence_window_days: int = 7  # a feed idle for longer is evicted (TTL or LRU)
    # Posting: the 500M posts a day over 2B users; bigger accounts post more.
    posts_per_user_day: float = 0.25
    post_rate_exponent: float = 0.2
    # Reading: the seed's 10 feed loads per DAU.
    loads_per_dau: float = 10.0
    feed_horizon_days: float = 30.0  # a cached feed holds the pushed posts of this many days
    thresholds: tuple[int, ...] = (
        1_000,
        5_000,
        10_000,
        50_000,
        100_000,
        500_000,
        1_000_000,
        10_000_000,
    )
    feed_capacity: int = FEED_CAPACITY
    fanout_chunk: int = FANOUT_CHUNK
    pull_per_author: int = CELEBRITY_POSTS

    @property
    def following_mean(self) -> float:
        """Mean of the (uncapped) lognormal: median x exp(sigma^2 / 2)."""
        return self.following_median * math.exp(self.following_sigma**2 / 2)

    @property
    def active_q_mean(self) -> float:
        a, b = self.active_beta
        return (1 - self.dormant_share) * a / (a + b)


# ------------------------------------------------------------------ Redis bytes per entry


def jemalloc_class(size: float) -> int:
    """The jemalloc size class (64-bit, 16-byte quantum) an allocation of ``size`` uses."""
    if size <= 8:
        return 8
    if size <= 128:
        return int(math.ceil(size / 16) * 16)
    group = 2 ** math.floor(math.log2(size - 1))
    step = group // 4
    return int(math.ceil(size / step) * step)


@dataclass(frozen=True)
class RedisCost:
    """Bytes of one feed in a Redis 7.2 sorted set, itemised (64-bit build, jemalloc)."""

    member_sds: int
    skiplist_node: float
    dict_entry: int
    dict_bucket: float
    per_key: float
    listpack_entry: int
    listpack_key: int

    @property
    def skiplist_entry(self) -> float:
        return self.member_sds + self.skiplist_node + self.dict_entry + self.dict_bucket

    def skiplist_bytes(self, entries: F64) -> F64:
        return entries * self.skiplist_entry + self.per_key

    def listpack_bytes(self, entries: F64) -> F64:
        raw = 7 + self.listpack_entry * (entries + 1)  # header + entries + sentinel + end
        classes = np.array([jemalloc_class(float(s)) for s in np.unique(raw)])
        rounded = classes[np.searchsorted(np.unique(raw), raw)]
        return rounded + self.listpack_key


def redis_cost(capacity: int) -> RedisCost:
    # A member is the 19-digit zero-padded post id: sdshdr8 (3 B) + 19 B + NUL.
    member = jemalloc_class(3 + 19 + 1)
    # zskiplistNode: ele, score, backward (24 B) + 16 B per level; P(level = l) = .75 x .25^(l-1).
    node = sum(0.75 * 0.25 ** (lv - 1) * jemalloc_class(24 + 16 * lv) for lv in range(1, 33))
    entry = jemalloc_class(24)  # dictEntry: key, value, next
    buckets = 2 ** math.ceil(math.log2(capacity + 1))  # table size for capacity + sentinel
    bucket = buckets * 8 / (capacity + 1)
    sentinel = jemalloc_class(3 + len("present") + 1) + node + entry
    per_key = (
        jemalloc_class(24)  # keyspace dictEntry
        + 8  # keyspace bucket
        + jemalloc_class(3 + len("feed:") + 19 + 1)  # the key name
        + jemalloc_class(16)  # robj
        + jemalloc_class(16)  # struct zset
        + jemalloc_class(56)  # struct dict
        + jemalloc_class(32)  # struct zskiplist
        + jemalloc_class(24 + 32 * 16)  # header node, 32 levels
        + sentinel
    )
    # listpack: member as a 19-byte string (1 B encoding + 19 + 1 B back-length); score, the
    # id's 41-bit millisecond part, as a 64-bit integer (1 + 8 + 1).
    lp_entry = (1 + 19 + 1) + (1 + 8 + 1)
    lp_key = jemalloc_class(24) + 8 + jemalloc_class(3 + len("feed:") + 19 + 1) + 16
    return RedisCost(member, node, entry, bucket, per_key, lp_entry, lp_key)


# ------------------------------------------------------------------------------ the graph


def fit_alpha(mean_degree: float, world_users: int, top_followers: float) -> float:
    """The Pareto tail index alpha of the follower counts such that the most-followed of
    ``world_users`` accounts has ``top_followers``.

    Account of rank r (1 = most followed) has k(r) = k_min * ((r - 1/2) / M) ** (-1/alpha)
    followers, with k_min = mean_degree * (alpha - 1) / alpha so that the mean follower count
    equals the mean following count. Solve k(1) = k_min * (2M) ** (1/alpha) = top."""

    def top(alpha: float) -> float:
        return mean_degree * (alpha - 1) / alpha * (2 * world_users) ** (1 / alpha)

    lo, hi = 1.01, 4.0  # top() decreases with alpha on this interval
    if not top(hi) <= top_followers <= top(lo):
        raise ValueError("no tail index reaches that top account")
    for _ in range(100):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if top(mid) > top_followers else (lo, mid)
    return (lo + hi) / 2


@dataclass(frozen=True)
class Graph:
    """Who follows whom, as CSR: user u follows ``indices[indptr[u]:indptr[u + 1]]``."""

    indptr: I64
    indices: I32
    in_degree: I64
    alpha: float
    stubs_drawn: int  # follows drawn before duplicates and self-follows were dropped

    @property
    def users(self) -> int:
        return len(self.indptr) - 1

    @property
    def edges(self) -> int:
        return int(self.indptr[-1])

    @property
    def out_degree(self) -> I64:
        return np.diff(self.indptr)


def generate_graph(params: Params, rng: np.random.Generator) -> Graph:
    """A Chung-Lu style directed graph. Each user draws a following count (lognormal, capped);
    every follow picks its followee with probability proportional to a Pareto popularity
    (rank quantiles, so the head does not depend on the seed); repeated follows of the same
    account and self-follows are dropped."""
    n = params.users
    alpha = fit_alpha(params.following_mean, params.world_users, params.world_top_followers)
    mu = math.log(params.following_median)
    wanted = np.rint(rng.lognormal(mu, params.following_sigma, n))
    following = np.clip(wanted, 1, min(params.following_cap, n - 1)).astype(np.int64)
    ranks = np.arange(1, n + 1, dtype=np.float64)
    popularity = ((ranks - 0.5) / n) ** (-1 / alpha)
    popularity = popularity[rng.permutation(n)]  # ranks land on random user ids
    stubs = int(following.sum())
    received = rng.multinomial(stubs, popularity / popularity.sum())

    # Pair the follow stubs at random: shuffle the followers by sorting random 32-bit keys
    # packed above them (one fast sort instead of a random-access shuffle).
    low = np.uint64(0xFFFFFFFF)
    key = rng.integers(0, 2**32, size=stubs, dtype=np.uint64)
    key <<= np.uint64(32)
    key |= np.repeat(np.arange(n, dtype=np.uint64), following)
    key.sort()
    key &= low  # the followers, in random order
    key <<= np.uint64(32)
    key |= np.repeat(np.arange(n, dtype=np.uint64), received)  # followees, in id order
    key.sort()  # by follower, then followee: CSR order

    keep = np.empty(stubs, dtype=np.bool_)
    keep[0] = True
    np.not_equal(key[1:], key[:-1], out=keep[1:])
    keep &= (key >> np.uint64(32)) != (key & low)
    key = key[keep]
    del keep
    indices = (key & low).astype(np.int32)
    out_degree = np.bincount((key >> np.uint64(32)).astype(np.int64), minlength=n)
    del key
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(out_degree, out=indptr[1:])
    in_degree = np.bincount(indices, minlength=n).astype(np.int64)
    return Graph(indptr, indices, in_degree, alpha, stubs)


def tail_exponent(degrees: I64, k_min: int) -> float:
    """Maximum-likelihood (Hill) estimate of the CCDF tail index above ``k_min``."""
    tail = degrees[degrees >= k_min].astype(np.float64)
    if len(tail) < 2:
        return math.nan
    return float(len(tail) / np.log(tail / (k_min - 0.5)).sum())


# ------------------------------------------------------------------------ one day of use


@dataclass(frozen=True)
class Activity:
    p_active: F64  # probability of using the app on a given day
    present_start: BOOL  # feed in the cache when the day starts
    active: BOOL  # uses the app today
    first_load: F64  # time of day (0..1) of the first feed load; inf when inactive
    loads: I64  # feed loads today

    @property
    def late(self) -> BOOL:
        """Active today with an absent feed: the first load rebuilds it."""
        return self.active & ~self.present_start

    @property
    def present_end(self) -> BOOL:
        return self.present_start | self.active


def generate_activity(params: Params, in_degree: I64, rng: np.random.Generator) -> Activity:
    n = len(in_degree)
    a, b = params.active_beta
    q = np.where(rng.random(n) < params.dormant_share, 0.0, rng.beta(a, b, n))
    p = 1 - (1 - q) * np.exp(-in_degree / params.celebrity_activity_scale)
    present = rng.random(n) < 1 - (1 - p) ** params.presence_window_days
    active = rng.random(n) < p
    extra = rng.negative_binomial(1, 1 / params.loads_per_dau, n)  # mean loads_per_dau - 1
    loads = np.where(active, 1 + extra, 0).astype(np.int64)
    first = np.where(active, rng.random(n), np.inf)
    return Activity(p, present, active, first, loads)


def everyone_present(activity: Activity) -> Activity:
    """The same day with every feed in the cache from the start (no skip, no rebuild)."""
    return replace(activity, present_start=np.ones_like(activity.present_start))


@dataclass(frozen=True)
class Posts:
    count: I64  # posts today, per user
    rate: F64  # expected posts per day, per user
    keys: F64  # one per post: author id + time of day, sorted
    start: I64  # the posts of user u are keys[start[u]:start[u + 1]]

    @property
    def total(self) -> int:
        return int(self.count.sum())


def generate_posts(
    params: Params, in_degree: I64, activity: Activity, rng: np.random.Generator
) -> Posts:
    """Users post only on days they are active, Poisson with mean c * (1 + k/100) ** gamma
    for an account with k followers; c sets the expected total to posts_per_user_day * n."""
    n = len(in_degree)
    weight = (1 + in_degree / 100) ** params.post_rate_exponent
    c = params.posts_per_user_day * n / float((activity.p_active * weight).sum())
    count = np.where(activity.active, rng.poisson(c * weight), 0).astype(np.int64)
    authors = np.repeat(np.arange(n, dtype=np.float64), count)
    keys = np.sort(authors + rng.random(len(authors)))
    start = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(count, out=start[1:])
    return Posts(count, c * weight * activity.p_active, keys, start)


# -------------------------------------------------------------------- one pass over edges


@dataclass(frozen=True)
class EdgeStats:
    """Per-user and per-author sums over every follow edge, by follower-count bin.

    Bin b of an account holds the follower counts in [t_(b-1), t_b) of the sorted
    thresholds (bin 0 below the smallest, the last bin at or above the largest)."""

    thresholds: tuple[int, ...]
    author_bin: NDArray[np.uint8]
    follows: I64  # [user, bin]: accounts followed
    pushed_rate: F64  # [user, bin]: expected posts a day of the accounts followed
    inserts: F64  # [author]: feed inserts today if this author is pushed


def edge_pass(
    graph: Graph, activity: Activity, posts: Posts, thresholds: Sequence[int]
) -> EdgeStats:
    """One blocked pass over the follow edges. A push of a post at time t reaches follower u
    when u's feed is present at t: from the start of the day, or from u's first load (which
    rebuilt it) onwards."""
    n = graph.users
    edges_bins = tuple(sorted(thresholds))
    nbins = len(edges_bins) + 1
    author_bin = np.searchsorted(np.array(edges_bins), graph.in_degree, side="right")
    author_bin = author_bin.astype(np.uint8)
    follows = np.zeros(n * nbins, dtype=np.int64)
    rate = np.zeros(n * nbins, dtype=np.float64)
    inserts = np.zeros(n, dtype=np.float64)
    late = activity.late
    bounds = np.searchsorted(graph.indptr, np.arange(0, graph.edges, EDGE_BLOCK), side="right") - 1
    bounds = np.unique(np.append(bounds, n))
    for u0, u1 in itertools.pairwise(bounds):
        e0, e1 = graph.indptr[u0], graph.indptr[u1]
        followee = graph.indices[e0:e1]
        user = np.repeat(np.arange(u0, u1, dtype=np.int64), graph.out_degree[u0:u1])
        key = user * nbins + author_bin[followee]
        lo, size = u0 * nbins, (u1 - u0) * nbins
        follows[lo : lo + size] += np.bincount(key - lo, minlength=size)
        rate[lo : lo + size] += np.bincount(key - lo, weights=posts.rate[followee], minlength=size)
        reached = posts.count[followee] * activity.present_start[user]
        late_edge = late[user] & (posts.count[followee] > 0)
        if late_edge.any():
            who, whom = user[late_edge], followee[late_edge].astype(np.int64)
            before = np.searchsorted(posts.keys, whom + activity.first_load[who])
            reached[late_edge] = posts.start[whom + 1] - before
        inserts += np.bincount(followee, weights=reached, minlength=n)
    return EdgeStats(
        edges_bins,
        author_bin,
        follows.reshape(n, nbins),
        rate.reshape(n, nbins),
        inserts,
    )


# ----------------------------------------------------------------------------- strategies


@dataclass(frozen=True)
class LoadStats:
    loads: float
    mean: float
    p50: float
    p99: float
    max: float
    extra_reads: float  # timeline reads beyond the one cache read, over all loads


def load_stats(base: F64, rebuild: F64, loads: F64, late: BOOL) -> LoadStats:
    """Sources merged per feed load: every load of a user costs ``base``; the first load of a
    ``late`` user also pulls ``rebuild`` timelines to rebuild the absent feed."""
    late_w = late.astype(np.float64)
    values = np.concatenate([base, base + rebuild])
    weights = np.concatenate([loads - late_w, late_w])
    order = np.argsort(values, kind="stable")
    values, weights = values[order], weights[order]
    cumulative = np.cumsum(weights)
    total = float(cumulative[-1])

    def quantile(q: float) -> float:
        return float(values[min(np.searchsorted(cumulative, q * total), len(values) - 1)])

    mean = float((values * weights).sum() / total)
    return LoadStats(
        total,
        mean,
        quantile(0.5),
        quantile(0.99),
        float(values[weights > 0].max()),
        float(((values - 1) * weights).sum()),
    )


@dataclass(frozen=True)
class Result:
    """One strategy on one simulated (or modelled) day."""

    name: str
    threshold: float
    posts: float
    fanout_targets: float  # followers visited by fan-out jobs (Lua EXISTS checks)
    inserts: float  # entries pushed into present feeds
    rebuild_inserts: float  # entries written by rebuilds of absent feeds
    fanout_jobs: float
    peak_fanout: float  # the largest audience one post is pushed to
    celebrities: float  # accounts at or above the threshold
    cached_feeds: float
    cache_entries: float
    cache_bytes: float  # skiplist encoding (our 500-entry feeds)
    cache_bytes_listpack: float  # if zset-max-listpack-entries were raised above 500
    reads: LoadStats
    follows_celebrity: float  # share of active users following at least one celebrity

    @property
    def targets_per_post(self) -> float:
        return self.fanout_targets / self.posts

    @property
    def inserts_per_post(self) -> float:
        return self.inserts / self.posts

    @property
    def writes(self) -> float:
        return self.inserts + self.rebuild_inserts

    def cost(self, read_weight: float) -> float:
        """Feed-cache inserts plus ``read_weight`` per extra timeline read, per day."""
        return self.writes + read_weight * self.reads.extra_reads


def strategy_name(threshold: float) -> str:
    if threshold == PULL:
        return "pull-only"
    if threshold == PUSH:
        return "push-only"
    return f"hybrid {human(threshold)}"


def strategies(thresholds: Sequence[int]) -> list[float]:
    return [PULL, *sorted(float(t) for t in thresholds), PUSH]


def celebrity_bin(bins: tuple[int, ...], threshold: float) -> int:
    """Follower-count bins from this one on hold the accounts pulled on read."""
    if threshold == PULL:
        return 0
    if threshold == PUSH:
        return len(bins) + 1
    return bins.index(int(threshold)) + 1


@dataclass(frozen=True)
class ReaderSide:
    occupancy: F64  # entries of each user's cached feed
    reads: LoadStats
    follows_celebrity: float  # share of active users following at least one celebrity


def reader_side(
    params: Params, follows: I64, pushed_rate: F64, first_celebrity: int, loads: F64, late: BOOL
) -> ReaderSide:
    """Feed length and read cost of users (rows of ``follows`` and ``pushed_rate`` by
    follower-count bin) under a strategy whose celebrities are the bins from
    ``first_celebrity`` on; users with no ``loads`` are inactive today."""
    f = first_celebrity
    celebs = follows[:, f:].sum(axis=1).astype(np.float64)
    pushed = follows[:, :f].sum(axis=1).astype(np.float64)
    occupancy = np.minimum(
        params.feed_capacity, params.feed_horizon_days * pushed_rate[:, :f].sum(axis=1)
    )
    active = loads > 0
    reads = load_stats(1 + celebs[active], pushed[active], loads[active], late[active])
    return ReaderSide(occupancy, reads, float((celebs[active] > 0).mean()))


def evaluate(
    params: Params,
    graph: Graph,
    activity: Activity,
    posts: Posts,
    stats: EdgeStats,
    threshold: float,
    cost: RedisCost,
) -> Result:
    f = celebrity_bin(stats.thresholds, threshold)
    pushed_author = stats.author_bin < f
    k = graph.in_degree
    count = posts.count
    posting = pushed_author & (count > 0)
    late = activity.late
    side = reader_side(
        params, stats.follows, stats.pushed_rate, f, activity.loads.astype(np.float64), late
    )
    cached = side.occupancy[activity.present_end] if threshold != PULL else np.zeros(0)
    return Result(
        name=strategy_name(threshold),
        threshold=threshold,
        posts=float(posts.total),
        fanout_targets=float((count * k)[pushed_author].sum()),
        inserts=float(stats.inserts[pushed_author].sum()),
        rebuild_inserts=float(side.occupancy[late].sum()) if threshold != PULL else 0.0,
        fanout_jobs=float((count * -(-k // params.fanout_chunk))[pushed_author].sum()),
        peak_fanout=float(k[posting].max()) if posting.any() else 0.0,
        celebrities=float((~pushed_author).sum()),
        cached_feeds=float(len(cached)),
        cache_entries=float(cached.sum()),
        cache_bytes=float(cost.skiplist_bytes(cached).sum()),
        cache_bytes_listpack=float(cost.listpack_bytes(cached).sum()) if len(cached) else 0.0,
        reads=side.reads,
        follows_celebrity=side.follows_celebrity,
    )


@dataclass(frozen=True)
class Simulation:
    params: Params
    graph: Graph
    activity: Activity
    posts: Posts
    stats: EdgeStats
    results: list[Result]
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def present_ratio(self) -> float:
        """Share of push targets whose feed was present: inserts / targets, push-only."""
        push = self.results[-1]
        return push.inserts / push.fanout_targets if push.fanout_targets else 0.0


def simulate(params: Params, *, all_present: bool = False) -> Simulation:
    rng = np.random.default_rng(params.seed)
    timings: dict[str, float] = {}
    clock = time.perf_counter()
    graph = generate_graph(params, rng)
    timings["graph"] = time.perf_counter() - clock
    clock = time.perf_counter()
    activity = generate_activity(params, graph.in_degree, rng)
    if all_present:
        activity = everyone_present(activity)
    posts = generate_posts(params, graph.in_degree, activity, rng)
    stats = edge_pass(graph, activity, posts, params.thresholds)
    timings["day"] = time.perf_counter() - clock
    clock = time.perf_counter()
    cost = redis_cost(params.feed_capacity)
    results = [
        evaluate(params, graph, activity, posts, stats, t, cost)
        for t in strategies(params.thresholds)
    ]
    timings["strategies"] = time.perf_counter() - clock
    return Simulation(params, graph, activity, posts, stats, results, timings)


# --------------------------------------------------------------------- world-scale model


@dataclass(frozen=True)
class WorldInputs:
    """What the model takes from the simulation: shares that do not depend on graph size."""

    present_ratio: float  # inserts / push targets
    cached_share: float  # users with a feed in the cache at the end of the day
    dau_share: float
    late_share: float  # of active users, those whose feed had to be rebuilt


def world_inputs(sim: Simulation) -> WorldInputs:
    act = sim.activity
    return WorldInputs(
        present_ratio=sim.present_ratio,
        cached_share=float(act.present_end.mean()),
        dau_share=float(act.active.mean()),
        late_share=float(act.late.sum() / max(act.active.sum(), 1)),
    )


def world_model(
    params: Params,
    users: int,
    posts_per_day: float,
    inputs: WorldInputs,
    *,
    dau: float | None = None,
    readers: int = 100_000,
) -> list[Result]:
    """The same law without a graph. Account of rank r has k(r) followers (see fit_alpha),
    capped at users - 1; sums over accounts use exact ranks for the top 10,000 and geometric
    bins beyond. ``readers`` sampled users draw their follows with probability proportional
    to k, which gives each one's celebrity follows and pushed posts as in the simulation.
    ``dau`` defaults to the simulated share of ``users``."""
    rng = np.random.default_rng(params.seed + 1)
    alpha = fit_alpha(params.following_mean, params.world_users, params.world_top_followers)
    k_min = params.following_mean * (alpha - 1) / alpha
    head = min(users, 10_000)
    edges = np.unique(
        np.concatenate(
            [np.arange(1, head + 1), np.geomspace(head + 1, users + 1, 20_000).astype(np.int64)]
        )
    )
    width = np.diff(edges).astype(np.float64)
    middle = (edges[:-1] + edges[1:] - 1) / 2 - 0.5
    k = np.minimum(k_min * (middle / users) ** (-1 / alpha), users - 1)
    p = 1 - (1 - params.active_q_mean) * np.exp(-k / params.celebrity_activity_scale)
    weight = p * (1 + k / 100) ** params.post_rate_exponent
    rate = posts_per_day * weight / float((width * weight).sum())  # posts a day per account

    mu = math.log(params.following_median)
    wanted = np.rint(rng.lognormal(mu, params.following_sigma, readers))
    d = np.clip(wanted, 1, min(params.following_cap, users - 1)).astype(np.int64)
    loads = (1 + rng.negative_binomial(1, 1 / params.loads_per_dau, readers)).astype(np.float64)
    late = rng.random(readers) < inputs.late_share
    mass = np.cumsum(width * k)
    followee = np.searchsorted(mass / mass[-1], rng.random(int(d.sum())), side="right")
    followee = np.minimum(followee, len(k) - 1)
    bins = tuple(sorted(params.thresholds))
    nbins = len(bins) + 1
    key = np.repeat(np.arange(readers, dtype=np.int64), d) * nbins
    key += np.searchsorted(np.array(bins), k[followee], side="right")
    follows = np.bincount(key, minlength=readers * nbins).reshape(readers, nbins)
    pushed_rate = np.bincount(key, weights=rate[followee], minlength=readers * nbins)
    pushed_rate = pushed_rate.reshape(readers, nbins)
    del followee, key

    cost = redis_cost(params.feed_capacity)
    dau = users * inputs.dau_share if dau is None else dau
    loads_per_day = dau * params.loads_per_dau
    all_cached = users * inputs.cached_share
    results = []
    for threshold in strategies(params.thresholds):
        f = celebrity_bin(bins, threshold)
        pushed = k < threshold
        side = reader_side(params, follows, pushed_rate, f, loads, late)
        occupancy = side.occupancy
        cached = 0.0 if threshold == PULL else all_cached
        per_feed = float(occupancy.mean())
        targets = float((width * rate * k)[pushed].sum())
        results.append(
            Result(
                name=strategy_name(threshold),
                threshold=threshold,
                posts=posts_per_day,
                fanout_targets=targets,
                inserts=targets * inputs.present_ratio,
                rebuild_inserts=0.0 if threshold == PULL else dau * inputs.late_share * per_feed,
                fanout_jobs=float((width * rate * np.ceil(k / params.fanout_chunk))[pushed].sum()),
                peak_fanout=float(k[pushed].max()) if pushed.any() else 0.0,
                celebrities=float(width[~pushed].sum()),
                cached_feeds=cached,
                cache_entries=cached * per_feed,
                cache_bytes=cached * float(cost.skiplist_bytes(occupancy).mean()),
                cache_bytes_listpack=cached * float(cost.listpack_bytes(occupancy).mean()),
                reads=replace(
                    side.reads,
                    loads=loads_per_day,
                    extra_reads=side.reads.extra_reads * loads_per_day / side.reads.loads,
                ),
                follows_celebrity=side.follows_celebrity,
            )
        )
    return results


# ------------------------------------------------------------------------ the choice


def burst_seconds(r: Result) -> float:
    """How long the worst single post occupies the whole feed cache at its average write
    rate: peak fan-out / (writes per second). The backlog one celebrity post puts in front of
    every other delivery."""
    return r.peak_fanout / (r.writes / DAY_SECONDS) if r.writes else 0.0


@dataclass(frozen=True)
class Choice:
    threshold: float
    by_weight: dict[float, float]  # cheapest admissible hybrid threshold for each read weight
    unconstrained: dict[float, float]  # the same, ignoring the burst bound
    break_even: list[tuple[float, float, float]]  # (t_lo, t_hi, read weight where equal)


def choose(results: Sequence[Result]) -> Choice:
    """The cheapest hybrid threshold under inserts + w x extra timeline reads, for each w,
    among those whose worst post stays within BURST_SECONDS; and, between consecutive
    thresholds, the read weight at which both cost the same."""
    hybrids = [r for r in results if r.threshold not in {PULL, PUSH}]
    admissible = [r for r in hybrids if burst_seconds(r) <= BURST_SECONDS] or hybrids[:1]
    by_weight = {w: min(admissible, key=lambda r: r.cost(w)).threshold for w in READ_WEIGHTS}
    free = {w: min(hybrids, key=lambda r: r.cost(w)).threshold for w in READ_WEIGHTS}
    break_even = []
    for lo, hi in itertools.pairwise(hybrids):
        saved_reads = lo.reads.extra_reads - hi.reads.extra_reads
        added_writes = hi.writes - lo.writes
        weight = added_writes / saved_reads if saved_reads > 0 else math.inf
        break_even.append((lo.threshold, hi.threshold, weight))
    return Choice(by_weight[DEFAULT_READ_WEIGHT], by_weight, free, break_even)


@dataclass(frozen=True)
class PresenceRow:
    window_days: int
    cached_share: float  # users with a cached feed at the end of a day
    late_share: float  # active users whose feed had to be rebuilt


def presence_sensitivity(activity: Activity, windows: Sequence[int]) -> list[PresenceRow]:
    """Cached feeds and rebuilds if feeds were evicted after ``window`` idle days, from each
    user's daily activity probability p: cached = 1 - (1 - p)^(window + 1), rebuilt = an
    active user idle for the previous ``window`` days."""
    p = activity.p_active
    return [
        PresenceRow(
            w,
            float((1 - (1 - p) ** (w + 1)).mean()),
            float((p * (1 - p) ** w).sum() / p.sum()),
        )
        for w in windows
    ]


# ------------------------------------------------------------------------------- plots


def plot_all(sim: Simulation, world: list[Result], out: Path, chosen: float) -> list[Path]:
    """The five figures, with the Agg backend (no display, no warnings)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figures = {
        "degree-ccdf": _plot_degrees(plt, sim),
        "write-amplification": _plot_writes(plt, sim, world),
        "memory": _plot_memory(plt, sim, world),
        "read-cost": _plot_reads(plt, sim, world),
        "tradeoff": _plot_tradeoff(plt, sim, world, chosen),
    }
    paths = []
    for name, fig in figures.items():
        path = out / f"feed-scale-{name}.png"
        fig.savefig(path, dpi=110, bbox_inches="tight")
        plt.close(fig)
        paths.append(path)
    return paths


def _hybrids(rows: Sequence[Result]) -> list[Result]:
    return [r for r in rows if r.threshold not in {PULL, PUSH}]


def _labels(sim: Simulation) -> tuple[str, str]:
    return (
        f"simulated, {human(sim.graph.users)} users",
        f"model, {human(sim.params.world_users)} users",
    )


def _plot_degrees(plt: Any, sim: Simulation) -> Any:
    fig, ax = plt.subplots(figsize=(7, 4.6))
    for degrees, label in (
        (sim.graph.in_degree, "followers (in-degree)"),
        (sim.graph.out_degree, "following (out-degree)"),
    ):
        values, counts = np.unique(degrees[degrees > 0], return_counts=True)
        ccdf = np.cumsum(counts[::-1])[::-1] / len(degrees)
        ax.loglog(values, ccdf, ".", ms=2.5, label=f"{label}, simulated")
    alpha = sim.graph.alpha
    k_min = sim.params.following_mean * (alpha - 1) / alpha
    kk = np.geomspace(k_min, sim.params.world_top_followers, 200)
    world_floor = 1 / sim.params.world_users
    ax.loglog(kk, (kk / k_min) ** -alpha, "k--", lw=1, label=f"fitted law, alpha = {alpha:.2f}")
    ax.axvline(sim.graph.users, color="grey", lw=0.8, ls=":")
    ax.text(sim.graph.users, 0.3, " N", color="grey", fontsize=8)
    ax.axhline(world_floor, color="grey", lw=0.8, ls=":")
    ax.text(k_min, world_floor * 2, "one account in 2B", color="grey", fontsize=8)
    ax.set(xlabel="degree k", ylabel="share of accounts with degree >= k", ylim=(1e-10, 1.5))
    ax.set_title("Degree distribution (CCDF)")
    ax.legend(fontsize=8)
    return fig


def _plot_writes(plt: Any, sim: Simulation, world: list[Result]) -> Any:
    n_label, w_label = _labels(sim)
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.2))
    ax = axes[0]
    for rows, label, style, color in (
        (sim.results, n_label, "o-", "C0"),
        (world, w_label, "s--", "C1"),
    ):
        hybrid = _hybrids(rows)
        ax.loglog(
            [r.threshold for r in hybrid],
            [r.inserts_per_post for r in hybrid],
            style,
            color=color,
            label=f"hybrid, {label}",
        )
        ax.axhline(rows[-1].inserts_per_post, color=color, ls=":", lw=1)
    for rows, color in ((sim.results, "C0"), (world, "C1")):
        ax.annotate(
            "push-only",
            (1.1e3, rows[-1].inserts_per_post),
            color=color,
            fontsize=8,
            xytext=(0, -10),
            textcoords="offset points",
        )
    ax.set(xlabel="celebrity threshold (followers)", ylabel="feed inserts per post")
    ax.set_title("Write amplification per post (pull-only: 0)")
    ax.legend(fontsize=8)
    ax = axes[1]
    hybrid = _hybrids(world)
    xs = [r.threshold for r in hybrid]
    ax.semilogx(
        xs,
        [r.writes / DAY_SECONDS / 1e6 for r in hybrid],
        "s--",
        color="C1",
        label="writes/s (average)",
    )
    ax.axhline(world[-1].writes / DAY_SECONDS / 1e6, color="C1", ls=":", lw=1)
    ax.set(xlabel="celebrity threshold (followers)", ylabel="million feed writes per second")
    ax.set_title(f"{w_label}, {human(world[0].posts)} posts a day")
    twin = ax.twinx()
    twin.loglog(xs, [r.peak_fanout for r in hybrid], "^:", color="C3", label="peak fan-out")
    twin.set_ylabel("followers of the worst single post", color="C3")
    ax.legend(loc="upper left", fontsize=8)
    twin.legend(loc="lower right", fontsize=8)
    return fig


def _plot_memory(plt: Any, sim: Simulation, world: list[Result]) -> Any:
    n_label, w_label = _labels(sim)
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.2))
    for rows, label, style in ((sim.results, n_label, "o-"), (world, w_label, "s--")):
        hybrid = _hybrids(rows)
        per_feed = [r.cache_entries / r.cached_feeds for r in hybrid]
        axes[0].semilogx([r.threshold for r in hybrid], per_feed, style, label=label)
    axes[0].axhline(sim.params.feed_capacity, color="grey", ls=":", lw=1)
    axes[0].set(
        xlabel="celebrity threshold (followers)",
        ylabel="entries per cached feed",
        ylim=(0, sim.params.feed_capacity * 1.1),
    )
    axes[0].set_title(f"Feed length (cap {sim.params.feed_capacity}; pull-only: no cache)")
    axes[0].legend(fontsize=8)
    hybrid = _hybrids(world)
    xs = [r.threshold for r in hybrid]
    axes[1].semilogx(xs, [r.cache_bytes / 1e12 for r in hybrid], "s--", label="skiplist (today)")
    axes[1].semilogx(
        xs,
        [r.cache_bytes_listpack / 1e12 for r in hybrid],
        "^--",
        label="listpack (zset-max-listpack-entries 512)",
    )
    axes[1].set(xlabel="celebrity threshold (followers)", ylabel="TB", ylim=(0, None))
    axes[1].set_title(f"Feed-cache memory, {w_label}")
    axes[1].legend(fontsize=8)
    return fig


def _plot_reads(plt: Any, sim: Simulation, world: list[Result]) -> Any:
    n_label, w_label = _labels(sim)
    fig, ax = plt.subplots(figsize=(7.5, 4.6))
    for rows, label, color in ((sim.results, n_label, "C0"), (world, w_label, "C1")):
        hybrid = _hybrids(rows)
        xs = [r.threshold for r in hybrid]
        ax.loglog(xs, [r.reads.mean for r in hybrid], "o-", color=color, label=f"mean, {label}")
        ax.loglog(xs, [r.reads.p99 for r in hybrid], "v--", color=color, label=f"p99, {label}")
        ax.axhline(rows[0].reads.mean, color=color, ls=":", lw=1)
    ax.text(1e3, world[0].reads.mean * 1.1, "pull-only mean", color="C1", fontsize=8)
    ax.set(xlabel="celebrity threshold (followers)", ylabel="sources merged per feed load")
    ax.set_title("Read cost per feed load: 1 cache read + followed celebrities")
    ax.legend(fontsize=8)
    return fig


def _plot_tradeoff(plt: Any, sim: Simulation, world: list[Result], chosen: float) -> Any:
    _, w_label = _labels(sim)
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.4))
    ax = axes[0]
    dau = world[0].reads.loads / sim.params.loads_per_dau
    rows = world[1:]
    wx = [r.writes / dau for r in rows]
    wy = [max(r.reads.extra_reads / dau, 1e-2) for r in rows]
    ax.loglog(wx, wy, "s-", color="C1")
    for r, x, y in zip(rows, wx, wy, strict=True):
        ax.annotate(
            r.name.replace("hybrid ", ""),
            (x, y),
            fontsize=7,
            xytext=(3, 3),
            textcoords="offset points",
        )
    ax.set(
        xlabel="feed-cache writes per DAU per day", ylabel="extra timeline reads per DAU per day"
    )
    ax.set_title(f"Writes against reads, {w_label}")
    ax = axes[1]
    hybrid = _hybrids(world)
    xs = [r.threshold for r in hybrid]
    for w in READ_WEIGHTS:
        base = world[-1].cost(w)
        ax.semilogx(xs, [r.cost(w) / base for r in hybrid], "o-", label=f"1 read = {w:g} inserts")
    too_bursty = [r.threshold for r in hybrid if burst_seconds(r) > BURST_SECONDS]
    if too_bursty:
        ax.axvspan(
            min(too_bursty),
            max(xs) * 1.5,
            color="C3",
            alpha=0.1,
            label=f"worst post > {BURST_SECONDS:g} s of writes",
        )
    top = ax.get_ylim()[1] * 0.97
    for x, label, color in ((SEED_THRESHOLD, " seed", "grey"), (chosen, " chosen", "k")):
        ax.axvline(x, color=color, ls=":", lw=1)
        ax.text(x, top, label, color=color, fontsize=8, va="top")
    ax.set(xlabel="celebrity threshold (followers)", ylabel="daily cost / push-only's")
    ax.set_title("Writes + weighted reads")
    ax.legend(fontsize=8)
    return fig


# ------------------------------------------------------------------------------ report


def human(x: float, digits: int = 3) -> str:
    """1_234_567 -> '1.23M'."""
    if x == math.inf:
        return "inf"
    rounded = float(f"{x:.{digits}g}")
    for unit, size in (("T", 1e12), ("B", 1e9), ("M", 1e6), ("k", 1e3)):
        if abs(rounded) >= size:
            return f"{rounded / size:.{digits}g}{unit}"
    return f"{rounded:.{digits}g}"


def seconds(x: float) -> str:
    return f"{x:.2f} s" if x < 10 else f"{x:,.0f} s ({x / 60:.1f} min)"


def plural(x: float, noun: str) -> str:
    return f"{x:.0f} {noun}" + ("" if round(x) == 1 else "s")


def fmt(x: float, digits: int = 3) -> str:
    return f"{x:,.0f}" if abs(x) >= 10**digits else f"{x:.{digits}g}"


def results_table(rows: Sequence[Result], unit: str) -> list[str]:
    scale = {"GB": 1e9, "TB": 1e12}[unit]
    lines = [
        "| strategy | celebrities | inserts/post | push targets/post | writes/day "
        f"| peak fan-out | cached feeds | entries/feed | memory ({unit}) "
        "| sources/load: mean | p50 | p99 | max |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r.name} | {fmt(r.celebrities)} | {fmt(r.inserts_per_post)} "
            f"| {fmt(r.targets_per_post)} | {human(r.writes)} | {human(r.peak_fanout)} "
            f"| {human(r.cached_feeds)} | {_per_feed(r):.0f} | {r.cache_bytes / scale:,.1f} "
            f"| {r.reads.mean:.1f} | {r.reads.p50:.0f} | {r.reads.p99:.0f} | {r.reads.max:.0f} |"
        )
    return lines


def _per_feed(r: Result) -> float:
    return r.cache_entries / r.cached_feeds if r.cached_feeds else 0.0


def _by_threshold(rows: Sequence[Result], threshold: float) -> Result:
    return next(r for r in rows if r.threshold == threshold)


@dataclass(frozen=True)
class Report:
    sim: Simulation
    world: list[Result]  # the posts a day
    world_seed: list[Result]  # the seed's 100M uploads a day
    runtime: float
    command: str

    @property
    def choice(self) -> Choice:
        return choose(self.world)

    @property
    def choice_seed(self) -> Choice:
        return choose(self.world_seed)

    @property
    def threshold(self) -> float:
        """The recommendation: admissible at both posting volumes."""
        return min(self.choice.threshold, self.choice_seed.threshold)


def report(rep: Report) -> str:
    cost = redis_cost(rep.sim.params.feed_capacity)
    sections = [
        _intro(rep),
        _method(rep.sim, cost),
        _graph_section(rep.sim),
        _results_section(rep.sim),
        _validation_section(rep.sim),
        _extrapolation_section(rep, cost),
        _choice_section(rep),
        _limits_section(rep.sim),
    ]
    return "\n".join(line for section in sections for line in section) + "\n"


def _intro(rep: Report) -> list[str]:
    sim, world = rep.sim, rep.world
    p = sim.params
    seed_row = _by_threshold(world, SEED_THRESHOLD)
    chosen = _by_threshold(world, rep.threshold)
    push, pull = world[-1], world[0]
    return [
        "# The home feed at scale: push, pull and the celebrity threshold",
        "",
        f"Generated by `{rep.command}` (seed {p.seed}; {rep.runtime / 60:.1f} min on "
        f"{_cores()} {platform.machine()} cores). Do not edit by hand: change "
        "`scripts/simulate_feed_scale.py` and run it again.",
        "",
        "## Summary",
        "",
        f"- Simulated: {human(sim.graph.users)} users, {human(sim.graph.edges)} follows with a "
        f"power-law follower tail (alpha = {sim.graph.alpha:.2f}), one day of "
        f"{human(sim.results[0].posts)} posts and {human(sim.results[0].reads.loads)} feed loads, "
        "under our rules: push only into present feeds, in jobs of "
        f"{p.fanout_chunk:,} followers, at most {p.feed_capacity} entries per feed, rebuild on a "
        "miss. A model of the same law, checked against the simulation, extrapolates to "
        f"{human(p.world_users)} users, {human(p.world_dau)} DAU and {human(push.posts)} posts "
        "a day.",
        f"- **Push-only** (no threshold) at that scale: {human(push.writes / DAY_SECONDS)} "
        f"feed writes/s, and one post of the largest account goes to "
        f"{human(push.peak_fanout)} followers ({human(push.peak_fanout / p.fanout_chunk)} jobs, "
        f"{burst_seconds(push) / 60:.0f} min of the whole tier's write rate). "
        f"**Pull-only**: {pull.reads.mean:.0f} timelines merged per feed load on average, "
        f"{pull.reads.p99:.0f} at p99.",
        f"- **Hybrid at the seed's {human(SEED_THRESHOLD)}**: "
        f"{human(seed_row.writes / DAY_SECONDS)} writes/s ({seed_row.writes / push.writes:.0%} "
        f"of push-only), {seed_row.reads.mean:.1f} sources per load ({seed_row.reads.p99:.0f} "
        f"at p99).",
        f"- **Chosen threshold: {human(rep.threshold)} followers.** "
        f"{human(chosen.writes / DAY_SECONDS)} writes/s "
        f"({chosen.writes / seed_row.writes - 1:+.0%} against {human(SEED_THRESHOLD)}), "
        f"{chosen.reads.mean:.1f} sources per load ({chosen.reads.p99:.0f} at p99, "
        f"{chosen.reads.mean / seed_row.reads.mean - 1:+.0%} on the mean), worst post "
        f"{burst_seconds(chosen):.2f} s of the tier's write rate. {_seed_verdict(rep)}",
        f"- **Memory hardly depends on the threshold**: "
        f"{min(r.cache_bytes for r in _hybrids(world)) / 1e12:.0f}-"
        f"{push.cache_bytes / 1e12:.0f} TB of Redis across thresholds for "
        f"{human(chosen.cached_feeds)} cached feeds of up to {p.feed_capacity} entries. The "
        "cap, the eviction window and the encoding set it: "
        f"{chosen.cache_bytes_listpack / 1e12:.0f} TB as listpacks, "
        "[less with a shorter window](#memory-and-the-presence-window).",
        "",
    ]


def _cores() -> int:
    import os

    return os.cpu_count() or 1


def _in_the_code(chosen: float) -> str:
    """Whether the code's one default is the chosen threshold (``main`` fails if not)."""
    verdict = (
        "the threshold chosen here"
        if chosen == CELEBRITY_THRESHOLD
        else f"**not the {human(chosen)} chosen here: change one or the other**"
    )
    return (
        f"- **In the code.** `CELEBRITY_THRESHOLD` in `src/instagram_core/policies/fanout.py` "
        f"is {human(CELEBRITY_THRESHOLD)}, the single default (the setting "
        f"`INSTAGRAM_FANOUT_CELEBRITY_THRESHOLD` overrides it per deployment): {verdict}."
    )


def _seed_verdict(rep: Report) -> str:
    world = rep.world
    weight = DEFAULT_READ_WEIGHT
    seed_cost = _by_threshold(world, SEED_THRESHOLD).cost(weight)
    best_cost = _by_threshold(world, rep.threshold).cost(weight)
    if rep.threshold == SEED_THRESHOLD:
        return "The simulation supports the seed's 50k."
    seed_weights = [w for lo, hi, w in rep.choice.break_even if SEED_THRESHOLD in {lo, hi}]
    low, high = [*seed_weights, math.nan, math.nan][:2]
    return (
        f"The simulation does not support the seed's 50k as the optimum: it does "
        f"{seed_cost / best_cost - 1:.0%} more work a day (one timeline read = {weight:g} "
        f"inserts) and is the cheapest threshold only if a timeline read costs between "
        f"{low:.2f} and {high:.2f} inserts, roughly what a read would cost if celebrity "
        "timelines were held in process memory instead of Redis or the database."
    )


def _method(sim: Simulation, cost: RedisCost) -> list[str]:
    return [
        "## Method",
        "",
        *_method_graph(sim),
        *_method_day(sim),
        *_method_metrics(sim),
        *_method_bytes(sim, cost),
    ]


def _method_graph(sim: Simulation) -> list[str]:
    p = sim.params
    alpha = sim.graph.alpha
    k_min = p.following_mean * (alpha - 1) / alpha
    return [
        "### Follower graph",
        "",
        f"- **Following** (out-degree): lognormal, median {p.following_median:.0f}, sigma "
        f"{p.following_sigma}, capped at {p.following_cap:,} (Instagram's limit); mean = "
        f"{p.following_median:.0f} x exp({p.following_sigma}^2 / 2) = {p.following_mean:.1f}.",
        "- **Followers** (in-degree): each follow picks its followee with probability "
        "proportional to a Pareto popularity (a Chung-Lu graph). The account of rank r (1 = most "
        "followed) has popularity ((r - 1/2) / N)^(-1/alpha), so expected followers "
        "k(r) = k_min x ((r - 1/2) / N)^(-1/alpha), with k_min = mean x (alpha - 1) / alpha so "
        "that followers and following have the same mean. Ranks are assigned to random ids.",
        f"- **Fit**: alpha is the value for which the most-followed of {human(p.world_users)} "
        f"accounts has {human(p.world_top_followers)} followers (the most-followed Instagram "
        "account, about a third of all users): solve "
        f"mean x (alpha - 1) / alpha x (2 x {human(p.world_users)})^(1/alpha) = "
        f"{human(p.world_top_followers)} by bisection: **alpha = {alpha:.3f}**, k_min = "
        f"{p.following_mean:.1f} x {alpha - 1:.3f} / {alpha:.3f} = {k_min:.1f}. A follower "
        f"count then has P(K >= k) = (k / {k_min:.1f})^-{alpha:.3f}, at the heavy end of "
        "published follower-count tails.",
        f"- **Built** with numpy as CSR (int64 row offsets, int32 followee ids): "
        f"{human(sim.graph.stubs_drawn)} follows drawn (followers' stubs against a multinomial "
        "of followees' stubs, paired at random by sorting random 64-bit keys), then repeated "
        f"and self-follows dropped, leaving {human(sim.graph.edges)} "
        f"({1 - sim.graph.edges / sim.graph.stubs_drawn:.1%} fewer, nearly all of them repeated "
        "follows of the few accounts whose popularity exceeds the population; see below).",
        "",
    ]


def _method_day(sim: Simulation) -> list[str]:
    p = sim.params
    a, b = p.active_beta
    return [
        "### One day",
        "",
        f"- **Activity**: {p.dormant_share:.0%} of accounts never come back; the others use the "
        f"app on a given day with probability q ~ Beta({a}, {b}) (mean {a / (a + b):.3f}). An "
        f"account with k followers is active with p = 1 - (1 - q) x exp(-k / "
        f"{p.celebrity_activity_scale:,.0f}): large accounts show up every day. Simulated DAU: "
        f"{sim.activity.active.mean():.1%} of users (the seed: 500M / 2B = 25%).",
        f"- **Present feeds**: a feed is cached at the start of the day if its owner was active "
        f"in the last {p.presence_window_days} days (probability 1 - (1 - p)^"
        f"{p.presence_window_days}): {sim.activity.present_start.mean():.1%} of users. Our "
        "Redis adapter sets no TTL, so this assumes an eviction policy (a TTL refreshed on "
        "read, or `allkeys-lru`); without one every feed ever built stays "
        "([the presence window](#memory-and-the-presence-window)).",
        "- **Skip rule**: a push reaches a follower only while their feed is present. An "
        "active user whose feed is absent rebuilds it at their first load (uniform over the "
        "day) and receives pushes from then on.",
        f"- **Posts**: an active account with k followers posts Poisson(c x (1 + k/100)^"
        f"{p.post_rate_exponent}) times, c set for {p.posts_per_user_day} posts per user per "
        "day (the issue's 500M posts a day over 2B users); times uniform: "
        f"{sim.posts.total:,} posts, by {int((sim.posts.count > 0).sum()):,} accounts.",
        f"- **Feed loads**: 1 + Geometric per active user, mean {p.loads_per_dau:g} (the "
        "seed's 5B loads a day over 500M DAU).",
        "",
    ]


def _method_metrics(sim: Simulation) -> list[str]:
    p = sim.params
    return [
        "### Strategies and metrics",
        "",
        "Hybrid with threshold T pushes the posts of accounts with fewer than T followers and "
        "pulls the others' at read time; pull-only is T = 0 (no feed cache at all), push-only "
        "T = infinity.",
        "",
        "- **Push targets**: followers a fan-out job visits (the Lua script's `EXISTS`). "
        "**Inserts**: those whose feed is present (`ZADD` + trim). **Writes/day** = inserts + "
        "entries written by rebuilds; write amplification = inserts per post (over all posts). "
        f"**Peak fan-out**: the largest audience one post is pushed to, in jobs of "
        f"{p.fanout_chunk:,}.",
        f"- **Feed entries**: a cached feed holds the newest posts of the accounts pushed into "
        f"it, at most {p.feed_capacity}: min({p.feed_capacity}, {p.feed_horizon_days:g} days x "
        "their expected posts a day). A rebuild writes that many entries.",
        "- **Read cost** of a feed load = sources merged: 1 cache read + one timeline read "
        f"(up to {p.pull_per_author} posts) per followed celebrity; pull-only reads every "
        "followed timeline plus the user's own. The first load of a rebuilt feed also pulls "
        "each pushed followee. Mean and quantiles are over feed loads.",
        "",
    ]


def _method_bytes(sim: Simulation, cost: RedisCost) -> list[str]:
    p = sim.params
    full = p.feed_capacity * cost.skiplist_entry + cost.per_key
    full_lp = _full_listpack(cost, p.feed_capacity)
    return [
        "### Bytes per cached entry",
        "",
        f"Our feeds are Redis sorted sets of up to {p.feed_capacity} members plus a sentinel, "
        "so above `zset-max-listpack-entries` (default 128): a skiplist plus a hash table. "
        "Redis 7 on 64-bit with jemalloc (size classes 8, 16, 32, 48, 64, 80, ..., 128, 160, "
        "192, ...):",
        "",
        "| part | arithmetic | bytes |",
        "|---|---|---:|",
        f"| member | sds: 3 B header + 19 digits + NUL = 23 B -> class | {cost.member_sds} |",
        "| skiplist node | 24 B + 16 B per level, levels 1, 2, 3, ... with P = 0.75, 0.19, "
        f"0.05, ... -> classes 48, 64, 80, ... | {cost.skiplist_node:.1f} |",
        f"| hash entry | dictEntry 24 B -> class | {cost.dict_entry} |",
        f"| hash bucket | 512 pointers x 8 B / 501 members | {cost.dict_bucket:.1f} |",
        f"| **per entry** | | **{cost.skiplist_entry:.1f}** |",
        "| per key | keyspace entry + bucket, key name, robj, zset, dict, skiplist header "
        f"(32 levels: 536 B -> 640), the sentinel | {cost.per_key:.0f} |",
        "",
        f"A full feed: {p.feed_capacity} x {cost.skiplist_entry:.1f} + {cost.per_key:.0f} = "
        f"{full:,.0f} B. As a listpack (if `zset-max-listpack-entries` were raised to 512): "
        f"(1 + 19 + 1) B member + (1 + 8 + 1) B integer score = {cost.listpack_entry} B per "
        f"entry, {full_lp:,.0f} B per full feed, at the price of O(n) inserts into a 15 KiB "
        "array. Checked once against redis-server "
        f"{MEASURED['redis']} on this machine (`INFO memory`, 10,000 feeds): "
        f"{MEASURED['feed_bytes']:,} B per {p.feed_capacity}-entry feed, "
        f"{MEASURED['listpack_feed_bytes']:,} B as a listpack. The 60-80 B often quoted per "
        "sorted-set entry leaves out the hash table and allocator rounding.",
        "",
    ]


def _full_listpack(cost: RedisCost, capacity: int) -> float:
    return float(cost.listpack_bytes(np.array([float(capacity)]))[0])


def _graph_section(sim: Simulation) -> list[str]:
    g = sim.graph
    k = g.in_degree
    top = np.sort(k)[::-1][:5]
    alpha = g.alpha
    k_min = sim.params.following_mean * (alpha - 1) / alpha
    n = g.users
    counts = " | ".join(f"{int((k >= t).sum()):,}" for t in sim.params.thresholds)
    model = " | ".join(
        f"{human(sim.params.world_users * (t / k_min) ** -alpha)}" for t in sim.params.thresholds
    )
    heads = " | ".join(f">= {human(t)}" for t in sim.params.thresholds)
    return [
        f"## The graph ({human(n)} users)",
        "",
        "![Degree CCDF](feed-scale-degree-ccdf.png)",
        "",
        f"- {g.edges:,} follows: mean {g.edges / n:.1f} followers = mean following; median "
        f"following {np.median(g.out_degree):.0f}, median followers {np.median(k):.0f}, most "
        f"following {g.out_degree.max():,}.",
        f"- Largest accounts: {', '.join(f'{int(t):,}' for t in top)} followers (the first "
        f"followed by {top[0] / n:.0%} of all users). Their popularity asks for "
        f"{human(k_min * (2 * n) ** (1 / alpha))} followers for the first, more than there "
        f"are users: at {human(n)} users a follower count stops at N - 1, so the head "
        "saturates and their repeated follows are the ones dropped. This is why no account "
        f"reaches millions of followers at {human(n)} users; at {human(sim.params.world_users)} "
        f"users the same law gives {human(sim.params.world_top_followers)} (a third of users) "
        "and nothing saturates, so the extrapolation below uses the law, not this head.",
        f"- Tail index measured on the simulated graph (maximum likelihood, followers >= "
        f"1,000): {tail_exponent(k, 1_000):.2f} (fitted {alpha:.2f}).",
        "",
        f"| accounts with followers | {heads} |",
        "|---|" + "---:|" * len(sim.params.thresholds),
        f"| simulated, {human(n)} users | {counts} |",
        f"| the law, {human(sim.params.world_users)} users | {model} |",
        "",
    ]


def _results_section(sim: Simulation) -> list[str]:
    p = sim.params
    push = sim.results[-1]
    biggest = int(sim.graph.in_degree.max())
    return [
        f"## Results at {human(sim.graph.users)} users (one simulated day)",
        "",
        f"{push.posts:,.0f} posts, {push.reads.loads:,.0f} feed loads, "
        f"{int(sim.activity.active.sum()):,} active users, {int(sim.activity.late.sum()):,} "
        f"rebuilds (active with an absent feed). {sim.present_ratio:.0%} of push targets had a "
        "present feed: the skip rule saves the rest. Memory in GB; feeds hold "
        f"{p.feed_horizon_days:g} days of pushed posts.",
        "",
        *results_table(sim.results, "GB"),
        "",
        f"- Push-only: {push.targets_per_post:,.0f} targets per post is the post-weighted mean "
        "follower count of the day's posters, far above the mean follower count "
        f"({sim.graph.edges / sim.graph.users:.0f}) because large accounts post more; "
        f"{push.inserts_per_post:,.0f} of them are inserts.",
        f"- Thresholds above {human(biggest)} change nothing at this size: no account has that "
        "many followers. The max column is a rebuild (the first load of an absent feed "
        "pulls every pushed followee).",
        "",
        "![Write amplification](feed-scale-write-amplification.png)",
        "",
        "![Memory](feed-scale-memory.png)",
        "",
        "![Read cost](feed-scale-read-cost.png)",
        "",
    ]


def _validation_section(sim: Simulation) -> list[str]:
    model = world_model(sim.params, sim.graph.users, sim.results[0].posts, world_inputs(sim))
    seed_count = int((sim.graph.in_degree >= SEED_THRESHOLD).sum())
    lines = [
        "## The model against the simulation",
        "",
        "The extrapolation uses no graph: it sums the fitted law over account ranks (exact for "
        "the top 10,000, geometric bins beyond) and samples 100,000 readers whose follows land "
        "on accounts with probability proportional to their followers. Run at "
        f"{human(sim.graph.users)} users it should reproduce the simulation:",
        "",
        "| strategy | inserts/post: sim | model | sources/load: sim | model "
        "| p99: sim | model | entries/feed: sim | model |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for s, m in zip(sim.results, model, strict=True):
        lines.append(
            f"| {s.name} | {fmt(s.inserts_per_post)} | {fmt(m.inserts_per_post)} "
            f"| {s.reads.mean:.1f} | {m.reads.mean:.1f} | {s.reads.p99:.0f} | {m.reads.p99:.0f} "
            f"| {_per_feed(s):.0f} | {_per_feed(m):.0f} |"
        )
    gaps = [
        abs(m_value / s_value - 1)
        for s, m in zip(sim.results, model, strict=True)
        for s_value, m_value in (
            (s.inserts_per_post, m.inserts_per_post),
            (_per_feed(s), _per_feed(m)),
        )
        if s_value > 0
    ]
    lines += [
        "",
        f"Writes and feed lengths agree within {max(gaps):.0%}. The model reads more because it "
        "keeps follows the graph must drop: repeated follows of the saturated head, and, at "
        f"the high percentiles, follows beyond the few large accounts that exist at this size "
        f"(with {seed_count} accounts of {human(SEED_THRESHOLD)}+ followers nobody can follow "
        f"more than {seed_count} of them; at {human(sim.params.world_users)} users there are "
        f"{human(sim.params.world_users * _law_share(sim, SEED_THRESHOLD))}). Both effects "
        "vanish as N grows, so at 2B the model's figures are the ones to use.",
        "",
    ]
    return lines


def _law_share(sim: Simulation, k: float) -> float:
    alpha = sim.graph.alpha
    k_min = sim.params.following_mean * (alpha - 1) / alpha
    return float((k / k_min) ** -alpha)


def _extrapolation_section(rep: Report, cost: RedisCost) -> list[str]:
    sim = rep.sim
    inputs = world_inputs(sim)
    p = sim.params
    lines = [
        f"## Extrapolation to {human(p.world_users)} users",
        "",
        f"The seed: {human(p.world_users)} registered users, {human(p.world_dau)} DAU, "
        f"100M photo uploads a day (500M DAU x 0.2), {p.loads_per_dau:g} feed loads per DAU "
        f"= {human(p.world_dau * p.loads_per_dau)} a day. The issue: 500M posts a day. Both "
        "are shown. From the simulation the model takes only shares that do not depend on the "
        f"graph's size: {inputs.present_ratio:.1%} of push targets have a present feed, "
        f"{inputs.cached_share:.1%} of users end a day with a cached feed, "
        f"{inputs.late_share:.1%} of active users rebuild theirs. Memory in TB.",
        "",
        f"### {human(rep.world[0].posts)} posts a day (the issue)",
        "",
        *results_table(rep.world, "TB"),
        "",
        f"### {human(rep.world_seed[0].posts)} posts a day (the seed)",
        "",
        *results_table(rep.world_seed, "TB"),
        "",
        "Read costs are the same at both volumes (they depend on who follows whom); writes "
        "scale with posts, and feeds fill less at the lower volume.",
        "",
        "### Step by step",
        "",
    ]
    for rows in (rep.world, rep.world_seed):
        lines += _arithmetic(rows, cost, rep.threshold)
    lines += _presence_section(rep, cost)
    return lines


def _arithmetic(rows: list[Result], cost: RedisCost, chosen: float) -> list[str]:
    posts = rows[0].posts
    shown: list[Result] = []
    for threshold in (PUSH, SEED_THRESHOLD, chosen, PULL):
        row = _by_threshold(rows, threshold)
        if row not in shown:
            shown.append(row)
    lines = [
        f"**{human(posts)} posts a day** = {posts:,.0f} / 86,400 s = "
        f"{posts / DAY_SECONDS:,.0f} posts/s on average:",
        "",
    ]
    for r in shown:
        loads = r.reads.loads
        lines.append(f"- **{r.name}**")
        if r.threshold != PULL:
            lines += [
                f"  - writes: {human(posts)} posts x {r.inserts_per_post:,.1f} inserts/post = "
                f"{human(r.inserts)}/day; + rebuilds {human(r.rebuild_inserts)}/day = "
                f"{human(r.writes)}/day; / 86,400 = **{human(r.writes / DAY_SECONDS)} writes/s** "
                f"({human(2 * r.writes / DAY_SECONDS)}/s at a x2 daily peak), "
                f"{human(r.fanout_jobs / DAY_SECONDS)} fan-out jobs/s.",
                f"  - worst post: {human(r.peak_fanout)} followers = "
                f"{math.ceil(r.peak_fanout / FANOUT_CHUNK):,} jobs = {human(r.peak_fanout)} / "
                f"{human(r.writes / DAY_SECONDS)} per s = {seconds(burst_seconds(r))} of the "
                "whole tier's writes.",
                f"  - memory: {human(r.cached_feeds)} cached feeds x ({_per_feed(r):.0f} entries "
                f"x {cost.skiplist_entry:.1f} B + {cost.per_key:.0f} B) = "
                f"**{r.cache_bytes / 1e12:,.1f} TB** (as listpacks: "
                f"{r.cache_bytes_listpack / 1e12:,.1f} TB).",
            ]
        lines.append(
            f"  - reads: {human(loads)} loads / 86,400 = {human(loads / DAY_SECONDS)} loads/s x "
            f"{r.reads.mean:.1f} sources = **{human(loads / DAY_SECONDS * r.reads.mean)} "
            f"source reads/s**; a p99 load merges {plural(r.reads.p99, 'source')}."
        )
    lines.append("")
    return lines


def _presence_section(rep: Report, cost: RedisCost) -> list[str]:
    p = rep.sim.params
    chosen = _by_threshold(rep.world, rep.threshold)
    per_feed_bytes = chosen.cache_bytes / chosen.cached_feeds
    lines = [
        "### Memory and the presence window",
        "",
        "Memory is cached feeds x bytes per feed, and the threshold barely moves either. The "
        "lever is how long an idle user's feed stays cached (the TTL or eviction our adapter "
        f"does not set today). At {human(rep.threshold)}, {human(p.world_users)} users, "
        f"{_per_feed(chosen):.0f} entries per feed = {per_feed_bytes / 1024:.1f} KiB:",
        "",
        "| feed kept after idle days | cached feeds | memory (skiplist) | memory (listpack) "
        "| rebuilds/day | rebuild writes/s |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    lp_per_feed = chosen.cache_bytes_listpack / chosen.cached_feeds
    for row in presence_sensitivity(rep.sim.activity, PRESENCE_WINDOWS):
        feeds = p.world_users * row.cached_share
        rebuilds = p.world_dau * row.late_share
        mark = " (simulated)" if row.window_days == p.presence_window_days else ""
        lines.append(
            f"| {row.window_days}{mark} | {human(feeds)} | {feeds * per_feed_bytes / 1e12:,.0f} TB "
            f"| {feeds * lp_per_feed / 1e12:,.0f} TB | {human(rebuilds)} "
            f"| {human(rebuilds * _per_feed(chosen) / DAY_SECONDS)} |"
        )
    lines += [
        "",
        f"Without any eviction every feed ever built stays: up to {human(p.world_users)} x "
        f"{per_feed_bytes / 1024:.1f} KiB = {p.world_users * per_feed_bytes / 1e12:,.0f} TB.",
        "",
    ]
    del cost
    return lines


def _choice_section(rep: Report) -> list[str]:
    world = rep.world
    hybrids = _hybrids(world)
    push = world[-1]
    weights = " | ".join(f"w = {w:g}" for w in READ_WEIGHTS)
    lines = [
        "## The choice of threshold",
        "",
        "![Trade-off](feed-scale-tradeoff.png)",
        "",
        f"At {human(push.posts)} posts a day; cost = writes + w x extra timeline reads, as a "
        "share of push-only's; the worst post in seconds of the tier's average write rate:",
        "",
        f"| threshold | writes/s | sources/load | p99 | worst post | jobs | seconds | {weights} |",
        "|---|---:|---:|---:|---:|---:|---:|" + "---:|" * len(READ_WEIGHTS),
    ]
    for r in world:
        costs = " | ".join(f"{r.cost(w) / push.cost(w):.2f}" for w in READ_WEIGHTS)
        lines.append(
            f"| {r.name} | {human(r.writes / DAY_SECONDS)} | {r.reads.mean:.1f} "
            f"| {r.reads.p99:.0f} | {human(r.peak_fanout)} "
            f"| {math.ceil(r.peak_fanout / FANOUT_CHUNK):,} | {burst_seconds(r):,.2f} | {costs} |"
        )
    lines += [
        "",
        "Raising the threshold moves accounts from the read path to the write path. Between two "
        "thresholds the step pays when one timeline read costs more than writes added / reads "
        "removed (the break-even weight):",
        "",
        "| from | to | writes added/day | reads removed/day | break-even w |",
        "|---|---|---:|---:|---:|",
    ]
    for (lo, hi, weight), a, b in zip(
        rep.choice.break_even, hybrids[:-1], hybrids[1:], strict=True
    ):
        lines.append(
            f"| {human(lo)} | {human(hi)} | {human(b.writes - a.writes)} "
            f"| {human(a.reads.extra_reads - b.reads.extra_reads)} | {weight:.2f} |"
        )
    lines += ["", *_choice_argument(rep), ""]
    return lines


def _choice_argument(rep: Report) -> list[str]:
    world = rep.world
    seed_row = _by_threshold(world, SEED_THRESHOLD)
    chosen = _by_threshold(world, rep.threshold)
    push = world[-1]
    p = rep.sim.params
    free = ", ".join(f"w = {w:g}: {human(t)}" for w, t in rep.choice.unconstrained.items())
    bound = ", ".join(f"w = {w:g}: {human(t)}" for w, t in rep.choice.by_weight.items())
    bound_seed = ", ".join(f"w = {w:g}: {human(t)}" for w, t in rep.choice_seed.by_weight.items())
    above = [w for lo, _, w in rep.choice.break_even if lo >= SEED_THRESHOLD]
    return [
        f"- **What a read costs.** Measured once in redis-server {MEASURED['redis']} on this "
        f"machine (`INFO commandstats`): one follower's step of our fan-out script "
        f"(`EXISTS`, `ZADD`, trim) took {MEASURED['insert_us'][0]:.0f}-"
        f"{MEASURED['insert_us'][1]:.0f} us of server time, a 50-entry range read "
        f"{MEASURED['range_us'][0]:.0f}-{MEASURED['range_us'][1]:.0f} us: w = "
        f"{DEFAULT_READ_WEIGHT:g}. That is a floor: our pull path today is "
        "`PostStore.by_author`, a database query, and reads sit on the feed's 200 ms latency "
        "path while writes are asynchronous and retried (w = 5 leans that way). w = 0.5 "
        "stands for celebrity timelines held in every API process's memory.",
        f"- **Cost alone**: {free}. Above the seed's threshold every break-even weight is at "
        f"most {max(above):.2f}: with this tail (alpha {rep.sim.graph.alpha:.2f}) the accounts "
        f"between {human(SEED_THRESHOLD)} and {human(rep.threshold)} followers are in many "
        f"feeds (pulling them costs {seed_row.reads.mean - chosen.reads.mean:.0f} extra "
        f"sources per load) but pushing them adds only "
        f"{chosen.writes / seed_row.writes - 1:.0%} more writes: the volume of writes comes from "
        "the many small accounts, not the few large ones.",
        f"- **The bound.** Cost alone would push almost everything, but the hybrid exists for "
        f"the worst post: push-only's largest account needs "
        f"{seconds(burst_seconds(push))} of the whole tier's write rate per post. We require "
        f"that no post take more than {BURST_SECONDS:g} s of it. Cheapest admissible "
        f"threshold at {human(push.posts)} posts a day: {bound}; at "
        f"{human(rep.world_seed[0].posts)} (a smaller tier, so one post weighs more): "
        f"{bound_seed}.",
        f"- **Chosen: {human(rep.threshold)}**, admissible at both volumes with the measured "
        f"w: {chosen.celebrities:,.0f} celebrity accounts, whose recent timelines fit anywhere "
        f"({chosen.celebrities:,.0f} x {p.pull_per_author} ids x 8 B = "
        f"{chosen.celebrities * p.pull_per_author * 8 / 1e6:,.1f} MB); "
        f"{chosen.follows_celebrity:.0%} of active users follow at least one; a load merges "
        f"{chosen.reads.mean:.1f} sources ({chosen.reads.p99:.0f} at p99) against "
        f"{seed_row.reads.mean:.1f} ({seed_row.reads.p99:.0f}) at {human(SEED_THRESHOLD)}.",
        _in_the_code(rep.threshold),
        f"- **The seed's 50k.** {_seed_verdict(rep)} It is safe (its worst post is "
        f"{seconds(burst_seconds(seed_row))} of writes) and saves "
        f"{1 - seed_row.writes / chosen.writes:.0%} of the writes for "
        f"{seed_row.reads.mean / chosen.reads.mean:.1f}x the read fan-out. Should celebrity "
        f"timelines move into process memory ({human(seed_row.celebrities)} accounts x "
        f"{p.pull_per_author} ids x 8 B = "
        f"{seed_row.celebrities * p.pull_per_author * 8 / 1e6:,.0f} MB at 50k), lowering the "
        "threshold towards 50k becomes the better trade.",
    ]


def _limits_section(sim: Simulation) -> list[str]:
    return [
        "## Limits",
        "",
        "- One day, uniform in time: no diurnal peak (writes/s are also shown at x2) and no "
        "burst of loads right after a celebrity posts.",
        "- Popularity, activity and following are independent (no communities, no "
        "reciprocity); a real graph clusters, which moves the tails more than the means.",
        "- The read cost counts sources, not bytes or latency; the weighted cost is a proxy "
        "calibrated by one small measurement, and celebrity timelines shared by many loads "
        "cache well.",
        f"- Feed lengths use expected posting rates over {sim.params.feed_horizon_days:g} days; "
        "the byte arithmetic is Redis 7's (later releases embed keys and shrink it).",
        "- At 1M users the head saturates (see the graph); the 2B figures come from the "
        "model, which agrees with the simulation where both are defined.",
        "- Writes count feed inserts only. The service also marks each pushed feed changed "
        "(one `SET change:feed:{user}`, kept an hour, so cached feed pages are invalidated): "
        "on one Redis that halves the followers written per second (`nox -s bench`, "
        "`bench_fanout_redis.py`) and costs about 165 B of Redis memory per feed pushed to in "
        "the last hour (measured on redis-server 7.0).",
        "",
    ]


# ---------------------------------------------------------------------------------- main


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--users", type=int, default=Params.users)
    parser.add_argument("--seed", type=int, default=Params.seed)
    parser.add_argument("--out", type=Path, default=ROOT / "docs")
    parser.add_argument("--no-plots", action="store_true", help="skip matplotlib")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    params = Params(users=args.users, seed=args.seed)
    sim = simulate(params)
    inputs = world_inputs(sim)
    world = [
        world_model(params, params.world_users, posts, inputs, dau=params.world_dau)
        for posts in (params.posts_per_user_day * params.world_users, SEED_POSTS_PER_DAY)
    ]
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    chosen = min(choose(rows).threshold for rows in world)
    paths = [] if args.no_plots else plot_all(sim, world[0], out, chosen)
    runtime = time.perf_counter() - started
    command = "python scripts/simulate_feed_scale.py"
    if args.users != Params.users:
        command += f" --users {args.users}"
    if args.seed != Params.seed:
        command += f" --seed {args.seed}"
    document = report(Report(sim, world[0], world[1], runtime, command))
    target = out / "feed-at-scale.md"
    # The measured section at the end belongs to benchmarks/bench_feed_scale.py: kept.
    previous = target.read_text() if target.exists() else ""
    if MEASURED_MARKER in previous:
        document = document.rstrip() + "\n\n" + previous[previous.index(MEASURED_MARKER) :]
    target.write_text(document)
    for stage, seconds in sim.timings.items():
        print(f"{stage}: {seconds:.1f} s")
    print(f"total: {runtime:.1f} s; wrote {out / 'feed-at-scale.md'} and {len(paths)} plots")
    if chosen != CELEBRITY_THRESHOLD:
        print(f"the chosen threshold {human(chosen)} is not CELEBRITY_THRESHOLD", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
