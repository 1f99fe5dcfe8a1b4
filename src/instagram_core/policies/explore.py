"""Explore's rules, pure: trending by engagement velocity, how retrieval strength and
predicted engagement combine, and the page order (one post per creator, a share of novelty).
The rules are written out in ``docs/explore.md``."""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import datetime, timedelta

import attrs

from instagram_core.ports.explore import Engagement, Neighbours

TRENDING_HALF_LIFE = timedelta(hours=1)  # "high like velocity" (the seed)
TRENDING_WINDOW = timedelta(hours=48)  # after 48 half-lives nothing is left to count
NOVELTY_EVERY = 5  # every 5th slot goes to the best post on a topic new to the viewer
RANKER_SHARE = 0.5  # predicted engagement against retrieval strength, as rank percentiles


def trending_posts(log: Iterable[Engagement], now: datetime, limit: int) -> Neighbours:
    """Posts by engagement velocity: each engagement weighs its weight times
    ``2 ** (-age / TRENDING_HALF_LIFE)``, summed per post, over the past ``TRENDING_WINDOW``."""
    horizon = now - TRENDING_WINDOW
    half_life = TRENDING_HALF_LIFE.total_seconds()
    scores: dict[int, float] = defaultdict(float)
    for e in log:
        if horizon <= e.at <= now:
            scores[e.post_id] += e.weight * 2.0 ** (-(now - e.at).total_seconds() / half_life)
    # A post whose saves were all taken back (services/explore.py) is not trending.
    rising = [(post_id, score) for post_id, score in scores.items() if score > 0]
    return heapq.nlargest(limit, rising, key=lambda item: (item[1], item[0]))


@attrs.frozen
class ExploreCandidate:
    post_id: int
    author_id: str
    hashtags: tuple[str, ...]
    relevance: float  # the sum over sources of the source's score / the source's best
    predicted: float  # the ranker's score


def relevance(sources: Iterable[Mapping[int, float]]) -> dict[int, float]:
    """Each source's scores scaled to (0, 1] by its best, summed per post: a post that
    several sources find is more relevant than one found once."""
    total: dict[int, float] = defaultdict(float)
    for scores in sources:
        best = max(scores.values(), default=0.0)
        if best <= 0:
            continue
        for post_id, score in scores.items():
            if score > 0:
                total[post_id] += score / best
    return dict(total)


def is_novel(hashtags: Sequence[str], known: Collection[str]) -> bool:
    """A post on topics new to the viewer: it has hashtags, none of which the viewer has
    engaged with."""
    return bool(hashtags) and not any(tag in known for tag in hashtags)


def explore_order(candidates: Sequence[ExploreCandidate], known_tags: Collection[str]) -> list[int]:
    """Post ids in showing order.

    1. Score = ``RANKER_SHARE`` x the rank percentile of the ranker's prediction + the rest
       x the rank percentile of relevance (percentiles, so any ranker's scale will do).
    2. Each creator keeps only their best-scored post (ties: the higher post id), so no
       page, however cut, shows a creator twice.
    3. Every ``NOVELTY_EVERY``-th slot takes the best post new to the viewer's topics (see
       :func:`is_novel`), if one is left; every other slot the best post left."""
    predicted = _percentiles([c.predicted for c in candidates])
    relevant = _percentiles([c.relevance for c in candidates])
    scored = sorted(
        (
            (RANKER_SHARE * p + (1 - RANKER_SHARE) * r, c)
            for c, p, r in zip(candidates, predicted, relevant, strict=True)
        ),
        key=lambda pair: (-pair[0], -pair[1].post_id),
    )
    best: dict[str, ExploreCandidate] = {}
    for _, candidate in scored:
        best.setdefault(candidate.author_id, candidate)
    ranked = list(best.values())  # still in score order
    novel = [c for c in ranked if is_novel(c.hashtags, known_tags)]
    order: list[int] = []
    taken: set[int] = set()
    at, novel_at = 0, 0
    while len(order) < len(ranked):
        if (len(order) + 1) % NOVELTY_EVERY == 0:
            while novel_at < len(novel) and novel[novel_at].post_id in taken:
                novel_at += 1
            if novel_at < len(novel):
                pick = novel[novel_at]
                order.append(pick.post_id)
                taken.add(pick.post_id)
                continue
        while ranked[at].post_id in taken:
            at += 1
        order.append(ranked[at].post_id)
        taken.add(ranked[at].post_id)
    return order


def _percentiles(values: Sequence[float]) -> list[float]:
    """Each value's mean rank among ``values``, scaled to 0..1 (ties share one)."""
    if len(values) < 2:
        return [1.0] * len(values)
    order = sorted(range(len(values)), key=lambda i: values[i])
    ranks = [0.0] * len(values)
    start = 0
    while start < len(order):
        end = start
        while end + 1 < len(order) and values[order[end + 1]] == values[order[start]]:
            end += 1
        for i in order[start : end + 1]:
            ranks[i] = (start + end) / 2 / (len(values) - 1)
        start = end + 1
    return ranks
