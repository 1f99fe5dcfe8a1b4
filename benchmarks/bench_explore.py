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

import attrs
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
from instagram_core.services.explore_build import BuildReport
from instagram_core.services.use_cases import UseCases
from instagram_core.settings import Settings

TOPICS, TAGS_PER_TOPIC = 15, 8
AUTHORS_PER_TOPIC, POSTS_PER_AUTHOR = 20, 10
FOLLOWS = 15
DAYS = 7
HELD_OUT = 0.2
K = 50
START = datetime(2026, 6, 1, tzinfo=UTC)

Event = tuple[float, str, int, float]  # seconds after START, user, post id, weight


@attrs.frozen
class SimPost:
    post_id: int
    author: str
    topic: int
    hashtags: tuple[str, ...]
    at: float  # seconds after START


@attrs.frozen
class Simulation:
    posts: list[SimPost]
    follows: dict[str, list[str]]
    log: list[Event]


def simulate(users: int, rng: np.random.Generator) -> Simulation:
    interests = rng.dirichlet([0.15] * TOPICS, size=users)
    authors = [f"a{t}_{n}" for t in range(TOPICS) for n in range(AUTHORS_PER_TOPIC)]
    author_topic = {a: int(a[1:].split("_")[0]) for a in authors}
    quality = {a: float(rng.lognormal(0, 1)) for a in authors}
    posts = []
    for author in authors:
        topic = author_topic[author]
        for _ in range(POSTS_PER_AUTHOR):
            picked = rng.choice(TAGS_PER_TOPIC, size=2, replace=False)
            tags = tuple(f"t{topic}_{k}" for k in picked)
            at = float(rng.uniform(0, DAYS * 86_400))
            posts.append(SimPost(1_001 + len(posts), author, topic, tags, at))
    topic_of = np.array([p.topic for p in posts])
    q = np.array([quality[p.author] for p in posts])
    created = np.array([p.at for p in posts])
    follows: dict[str, list[str]] = {}
    log: list[Event] = []
    for u in range(users):
        user = f"u{u}"
        by_interest = np.array([interests[u, author_topic[a]] for a in authors]) + 0.01
        chosen = rng.choice(len(authors), FOLLOWS, replace=False, p=by_interest / by_interest.sum())
        follows[user] = [authors[i] for i in chosen]
        weights = interests[u, topic_of] ** 2 * q
        for _ in range(20 + rng.poisson(20)):
            t = float(rng.uniform(0, DAYS * 86_400))
            w = weights * (created <= t) * np.exp(-(t - created) / (2 * 86_400))
            if w.sum() <= 0:
                continue
            index = int(rng.choice(len(posts), p=w / w.sum()))
            log.append((t, user, posts[index].post_id, 2.0 if rng.random() < 0.2 else 1.0))
    log.sort()
    return Simulation(posts, follows, log)


def split(log: list[Event]) -> tuple[list[Event], dict[str, set[int]]]:
    """Per user, by time: the first 80 % to learn from, the post ids of the rest held out."""
    per_user: dict[str, list[Event]] = defaultdict(list)
    for event in log:
        per_user[event[1]].append(event)
    train: list[Event] = []
    held: dict[str, set[int]] = defaultdict(set)
    for user, events in per_user.items():
        cut = int(len(events) * (1 - HELD_OUT))
        train += events[:cut]
        held[user] |= {post_id for _, _, post_id, _ in events[cut:]}
    return sorted(train), held


def load(sim: Simulation, train: list[Event]) -> tuple[UseCases, float, float, BuildReport]:
    """The core on memory ports with the world in its stores, the training log fed through
    the handlers the bus would call, and one build."""
    clock = ManualClock(START)
    ports = memory_ports(clock=clock)
    core = bootstrap(ports, Settings(ranker="model"))
    for name in sorted({*sim.follows, *(p.author for p in sim.posts)}):
        ports.users.add(User(name, name, name, START), "x")
    for p in sim.posts:
        at = START + timedelta(seconds=p.at)
        ports.posts.add(
            Post(
                p.post_id,
                p.author,
                (1,),
                at,
                hashtags=p.hashtags,
                status=PostStatus.PUBLISHED,
                published_at=at,
            )
        )
        ports.search_index.put_post(PostDocument(p.post_id, p.author, False, at, p.hashtags))
    for user, followed in sim.follows.items():
        for author in followed:
            ports.graph.put(Follow(user, author, FollowStatus.ACTIVE, START))
    author_of = {p.post_id: p.author for p in sim.posts}
    began = time.perf_counter()
    for n, (t, user, post_id, weight) in enumerate(train):
        clock.set(max(clock.now(), START + timedelta(seconds=t)))
        if weight > 1:
            comment = CommentAdded(n, post_id, user, author_of[post_id])
            core.explore.on_comment_added(comment)
            core.model_ranker.on_comment_added(comment)
        else:
            ports.engagement.like(post_id, user)
            liked = PostLiked(post_id, user, author_of[post_id])
            core.explore.on_post_liked(liked)
            core.model_ranker.on_post_liked(liked)
    loaded = time.perf_counter() - began
    clock.set(START + timedelta(days=DAYS))
    began = time.perf_counter()
    report = core.explore_builder.build()
    return core, loaded, time.perf_counter() - began, report


def evaluate(
    sim: Simulation, core: UseCases, train: list[Event], held: dict[str, set[int]], sample: int
) -> tuple[dict[str, list[float]], list[float]]:
    author_of = {p.post_id: p.author for p in sim.posts}
    popular = [p for p, _ in Counter(p for _, _, p, _ in train).most_common()]
    engaged: dict[str, set[int]] = defaultdict(set)
    for _, user, post_id, _ in train:
        engaged[user].add(post_id)
    every_post = [p.post_id for p in sim.posts]
    shuffle = random.Random(5)

    def filtered(user: str, ranked: list[int]) -> list[int]:
        """The baselines' filters: Explore's, so that only the choice differs."""
        out: list[int] = []
        creators = set(sim.follows[user])
        for post_id in ranked:
            if author_of[post_id] not in creators and post_id not in engaged[user]:
                creators.add(author_of[post_id])
                out.append(post_id)
            if len(out) == K:
                break
        return out

    targets = {
        user: {p for p in posts if author_of[p] not in sim.follows[user]}
        for user, posts in held.items()
    }
    users = [u for u in sorted(targets) if targets[u]]
    scored: dict[str, list[float]] = defaultdict(list)
    timings: list[float] = []
    for user in shuffle.sample(users, min(sample, len(users))):
        began = time.perf_counter()
        page = core.explore.page(user, None, K)
        timings.append(time.perf_counter() - began)
        for name, ranked in (
            ("explore", [v.post_id for v in page.items]),
            ("popularity", filtered(user, popular)),
            ("random", filtered(user, shuffle.sample(every_post, len(every_post)))),
        ):
            scored[name].append(len(set(ranked) & targets[user]) / len(targets[user]))
    return scored, timings


def main(users: int = 2000, sample: int = 500) -> None:
    sim = simulate(users, np.random.default_rng(12))
    train, held = split(sim.log)
    core, loaded, built, report = load(sim, train)
    scored, timings = evaluate(sim, core, train, held, sample)
    print(
        f"{users} users, {len(sim.posts)} posts, {len(sim.log)} engagements "
        f"({len(train)} to learn from), {len(scored['explore'])} users evaluated"
    )
    print(
        f"log fed through the handlers in {loaded:.1f} s; explore-build "
        f"({report.updated} posts' neighbours, {report.trending} trending) in {built:.2f} s"
    )
    print(f"explore page (limit {K}), in process: p50 {1000 * np.median(timings):.1f} ms")
    print()
    print(f"| contender | recall@{K} |")
    print("|---|---|")
    recall = {name: float(np.mean(values)) for name, values in scored.items()}
    for name in ("explore", "popularity", "random"):
        print(f"| {name} | {recall[name]:.3f} |")
    ratio = recall["explore"] / max(recall["popularity"], 1e-9)
    print()
    print(f"explore / popularity = {ratio:.2f} (goal >= 2)")


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3]))
