"""Explore's offline evaluation: recall@50 of the Explore page against a random and a
popularity baseline on a simulated engagement log. Goal (issue 12): at least twice
popularity's recall.

**The world.** 15 topics with 8 hashtags each. Every user cares for 1-3 topics (Dirichlet
weights) and follows 15 authors, most from those topics. Every author posts 10 posts on
their own topic (each with 2 of its hashtags) and has a quality ``q ~ LogNormal(0, 1)``
that all their posts share. Engagements: each user makes 20 + Poisson(20) likes or comments
over 7 days. Each picks a post with probability proportional to ``interest[user, topic]^2
x q x recency`` (the newer posts of the week are likelier), a comment 1 time in 5.

**The split.** By time, per user: the last 20 % of a user's engagements are held out. The
rest go through the core's real handlers (Explore's log, the feed's affinity, like counts),
then ``instagram explore-build`` runs once. Each user's target is the held-out posts by
accounts they do not follow (Explore never shows followed accounts).

**The contenders**, each scored by the mean over users of hits in the top 50 / targets:

- **explore**: the first page of ``GET /explore?limit=50``, through ``ExploreService`` with
  the learned ranker. Candidates, filters, one post per creator and novelty are all
  included.
- **popularity**: the posts most engaged with in the training log.
- **random**: uniformly random posts.

The two baselines get the same filters: not the user's own, not followed, not already
engaged with, and one post per creator.

Run: ``python benchmarks/bench_explore.py [users] [eval_users]``.
"""

from __future__ import annotations

import random
import sys
import time
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from instagram_adapters.memory.clock import ManualClock
from instagram_adapters.memory.ports import memory_ports
from instagram_core.bootstrap import bootstrap
from instagram_core.domain.events import CommentAdded, PostLiked
from instagram_core.domain.posts import Post, PostStatus
from instagram_core.domain.social import Follow, FollowStatus
from instagram_core.domain.users import User
from instagram_core.ports.search import PostDocument
from instagram_core.settings import Settings

TOPICS, TAGS_PER_TOPIC = 15, 8
AUTHORS_PER_TOPIC, POSTS_PER_AUTHOR = 20, 10
FOLLOWS = 15
DAYS = 7
HELD_OUT = 0.2
K = 50
START = datetime(2026, 6, 1, tzinfo=UTC)


def simulate(users: int, rng: np.random.Generator) -> dict[str, object]:
    interests = rng.dirichlet([0.15] * TOPICS, size=users)
    authors = [f"a{t}_{n}" for t in range(TOPICS) for n in range(AUTHORS_PER_TOPIC)]
    author_topic = {a: int(a[1:].split("_")[0]) for a in authors}
    quality = {a: float(rng.lognormal(0, 1)) for a in authors}
    posts: list[tuple[int, str, int, tuple[str, ...], float]] = []  # id, author, topic, tags, t
    post_id = 1_000
    for author in authors:
        topic = author_topic[author]
        for _ in range(POSTS_PER_AUTHOR):
            post_id += 1
            tags = tuple(
                f"t{topic}_{k}" for k in rng.choice(TAGS_PER_TOPIC, size=2, replace=False)
            )
            posts.append((post_id, author, topic, tags, float(rng.uniform(0, DAYS * 86_400))))
    topic_of = np.array([p[2] for p in posts])
    q = np.array([quality[p[1]] for p in posts])
    created = np.array([p[4] for p in posts])
    follows: dict[str, list[str]] = {}
    log: list[tuple[float, str, int, float]] = []  # t, user, post, weight
    for u in range(users):
        user = f"u{u}"
        by_interest = np.array([interests[u, author_topic[a]] for a in authors]) + 0.01
        picked = rng.choice(len(authors), FOLLOWS, replace=False, p=by_interest / by_interest.sum())
        follows[user] = [authors[i] for i in picked]
        weights = interests[u, topic_of] ** 2 * q
        for _ in range(20 + rng.poisson(20)):
            t = float(rng.uniform(0, DAYS * 86_400))
            live = created <= t
            w = weights * live * np.exp(-(t - created) / (2 * 86_400))
            if w.sum() <= 0:
                continue
            index = int(rng.choice(len(posts), p=w / w.sum()))
            log.append((t, user, posts[index][0], 2.0 if rng.random() < 0.2 else 1.0))
    log.sort()
    return {"posts": posts, "follows": follows, "log": log, "users": users}


def main(users: int = 2000, eval_users: int = 500) -> None:
    rng = np.random.default_rng(12)
    world = simulate(users, rng)
    posts: list[tuple[int, str, int, tuple[str, ...], float]] = world["posts"]  # type: ignore[assignment]
    follows: dict[str, list[str]] = world["follows"]  # type: ignore[assignment]
    log: list[tuple[float, str, int, float]] = world["log"]  # type: ignore[assignment]
    per_user: dict[str, list[tuple[float, str, int, float]]] = defaultdict(list)
    for event in log:
        per_user[event[1]].append(event)
    train, held = [], defaultdict(set)
    for user, events in per_user.items():
        cut = int(len(events) * (1 - HELD_OUT))
        train += events[:cut]
        for _, _, post_id, _ in events[cut:]:
            held[user].add(post_id)
    train.sort()

    clock = ManualClock(START)
    ports = memory_ports(clock=clock)
    core = bootstrap(ports, Settings(ranker="model"))
    names = {*follows, *(p[1] for p in posts)}
    for name in sorted(names):
        ports.users.add(User(name, name, name, START), "x")
    author_of = {}
    for post_id, author, _, tags, t in posts:
        at = START + timedelta(seconds=t)
        post = Post(
            post_id, author, (1,), at, hashtags=tags, status=PostStatus.PUBLISHED, published_at=at
        )
        ports.posts.add(post)
        ports.search_index.put_post(PostDocument(post_id, author, False, at, tags))
        author_of[post_id] = author
    for user, followed in follows.items():
        for author in followed:
            ports.graph.put(Follow(user, author, FollowStatus.ACTIVE, START))
    began = time.perf_counter()
    for n, (t, user, post_id, weight) in enumerate(train):
        clock.set(max(clock.now(), START + timedelta(seconds=t)))
        if weight > 1:
            event = CommentAdded(n, post_id, user, author_of[post_id])
            core.explore.on_comment_added(event)
            core.model_ranker.on_comment_added(event)
        else:
            ports.engagement.like(post_id, user)
            liked = PostLiked(post_id, user, author_of[post_id])
            core.explore.on_post_liked(liked)
            core.model_ranker.on_post_liked(liked)
    loaded = time.perf_counter() - began
    clock.set(START + timedelta(days=DAYS))
    began = time.perf_counter()
    report = core.explore_builder.build()
    built = time.perf_counter() - began

    popular = [p for p, _ in Counter(p for _, _, p, _ in train).most_common()]
    engaged: dict[str, set[int]] = defaultdict(set)
    for _, user, post_id, _ in train:
        engaged[user].add(post_id)
    every_post = [p[0] for p in posts]
    shuffle = random.Random(5)

    def eligible(user: str, ranked: list[int]) -> list[int]:
        out, creators = [], set()
        excluded = set(follows[user])
        for post_id in ranked:
            author = author_of[post_id]
            if author in excluded or author in creators or post_id in engaged[user]:
                continue
            creators.add(author)
            out.append(post_id)
            if len(out) == K:
                break
        return out

    scored: dict[str, list[float]] = defaultdict(list)
    timings: list[float] = []
    candidates = [u for u in sorted(held) if {p for p in held[u] if author_of[p] not in follows[u]}]
    for user in shuffle.sample(candidates, min(eval_users, len(candidates))):
        target = {p for p in held[user] if author_of[p] not in follows[user]}
        t0 = time.perf_counter()
        page = core.explore.page(user, None, K)
        timings.append(time.perf_counter() - t0)
        ours = [v.post_id for v in page.items]
        random_order = shuffle.sample(every_post, len(every_post))
        for name, ranked in (
            ("explore", ours),
            ("popularity", eligible(user, popular)),
            ("random", eligible(user, random_order)),
        ):
            scored[name].append(len(set(ranked[:K]) & target) / len(target))

    print(
        f"{users} users, {len(posts)} posts, {len(log)} engagements "
        f"({len(train)} to learn from), {len(scored['explore'])} users evaluated"
    )
    print(
        f"log loaded through the handlers in {loaded:.1f} s; explore-build "
        f"({report.updated} posts' neighbours, {report.trending} trending) in {built:.2f} s"
    )
    print(f"explore page (limit {K}): p50 {1000 * float(np.median(timings)):.1f} ms in process")
    print()
    print(f"| contender | recall@{K} |")
    print("|---|---|")
    for name in ("explore", "popularity", "random"):
        print(f"| {name} | {float(np.mean(scored[name])):.3f} |")
    ratio = float(np.mean(scored["explore"])) / max(float(np.mean(scored["popularity"])), 1e-9)
    print()
    print(f"explore / popularity = {ratio:.2f} (goal >= 2)")


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3]))
