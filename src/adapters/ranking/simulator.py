"""A user-behaviour simulator: engagement logs with a known ground truth.

There is no real traffic to learn from, so the ranker is trained on logs drawn from an
explicit generative story. Because the story is known, the true engagement probabilities are
too, and the best achievable AUC can be reported beside the model's.

**The world.** There are 12 topics, each with 15 hashtags, plus 20 generic tags
(``#instagood``) that say nothing about taste. Every viewer has latent interest logits
``u[v, t] ~ N(0, 1.2²)`` over topics and an activity level ``g_v ~ N(0, 0.5²)`` (log scale).
Every author has a main topic and a follower count drawn from a power law (Pareto, alpha = 1.1,
at least 100). A viewer follows 10 + Poisson(30) authors, picked in proportion to
``sqrt(followers) · exp(u[v, topic])``, and has a latent bond ``b ~ N(0, 1)`` with each
(friends versus brands). Each author has 30 posts: on the main topic 80 % of the time;
55 % photos, 25 % videos, 20 % carousels of 2-10 items; min(30, Poisson(5)) hashtags, each
from the post's topic with probability 0.7, otherwise generic; a location 30 % of the time;
a latent quality ``q ~ N(0, 1)``.

**History.** Over the past 60 days the viewer liked or commented on a followed author's
posts Poisson(``0.6 · exp(g_v + 0.8 u[v, topic] + b)``) times and engaged with each hashtag
Poisson(``0.4 · exp(g_v + u)``) times (generic tags: ``u = 0``), each at a uniform time.
``author_affinity`` and the per-tag affinities are these events weighted by
``exp(-days_ago / 14)``; ``tag_affinity`` is the mean over the post's hashtags.

**Impressions.** There is one viewer per 100 impressions and one author per 400. Each
impression shows a viewer a uniformly chosen post of a uniformly chosen followed author, at
an age of Exponential(30 h) capped at a week, with the post's counts at that moment: likes
~ Poisson(``0.04 · followers · exp(0.8 q) · (1 - exp(-age / 12 h))``) and comments ~
Poisson(``0.03 · likes · exp(0.3 q)``). The viewer had already seen it with probability
``0.1 + 0.5 (1 - exp(-age / 24 h))``. The features are computed from these facts by
``adapters/ranking/features.py``, the code that computes them when serving.

**Engagement.** Each head is Bernoulli(sigmoid(logit)), with ``m = u[v, topic]``::

    like      = -1.3 + 0.8m + 0.6b + 0.7q + g - age/30 - 1.5 seen - 0.04 hashtag_count
                + 0.1 (log_author_followers - 6)
    comment   = -3.8 + 0.5m + 1.2b + 0.4q + g - age/20 - 1.0 seen + 0.4 has_location
    save      = -4.0 + 1.1m + 0.2b + 0.5q + g - age/120 - 0.5 seen + 0.15 (media_count - 1)
    share     = -4.2 + 0.7m + 0.5b + 0.8q + g - age/24 - 1.0 seen + 0.25 velocity
    long_view = -1.0 + 0.5m + 0.3b + 0.5q + 0.5g - age/60 - 0.8 seen + 1.5 is_video
                + 0.1 (media_count - 1)

So recency matters everywhere but least for saves; saves follow taste and carousels;
comments follow closeness; shares follow quality and momentum; videos hold attention.
"""

from __future__ import annotations

import attrs
import numpy as np
import numpy.typing as npt

from instagram_adapters.ranking.features import feature_matrix
from instagram_core.domain.ranking import FEATURES

TOPICS, TAGS_PER_TOPIC, GENERIC_TAGS = 12, 15, 20
POSTS_PER_AUTHOR, HISTORY_DAYS, DECAY_DAYS = 30, 60.0, 14.0
Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]


@attrs.frozen
class EngagementLog:
    """Impressions in :data:`FEATURES` and :data:`HEADS` column order, with the viewer of
    each (to split by person) and the true probabilities (the best any model could do)."""

    features: npt.NDArray[np.float32]
    labels: npt.NDArray[np.float32]
    probabilities: Floats
    viewers: Ints


@attrs.frozen
class _People:
    interest: Floats  # viewer x topic logits
    activity: Floats  # per viewer, log scale
    followers: Floats  # per author
    followees: Ints  # viewer x author, each viewer's followed authors first
    follow_counts: Ints
    bond: Floats  # viewer x author
    author_affinity: Floats  # viewer x author
    tag_affinity: Floats  # viewer x tag


@attrs.frozen
class _Posts:
    author: Ints
    topic: Ints
    kind: Ints  # 0 photo, 1 video, 2 carousel
    media_count: Ints
    hashtag_count: Ints
    tags: Ints  # post x widest hashtag list, padded
    has_location: npt.NDArray[np.bool_]
    quality: Floats


def simulate(seed: int, impressions: int) -> EngagementLog:
    """About ``impressions`` impressions (a multiple of the number of viewers, one viewer
    per 100 impressions); the same seed gives the same log."""
    rng = np.random.default_rng(seed)
    viewers, authors = max(impressions // 100, 20), max(impressions // 400, 50)
    author_topic = rng.integers(0, TOPICS, authors)
    people = _people(rng, viewers, author_topic)
    posts = _posts(rng, author_topic)
    return _impressions(rng, people, posts, max(impressions // viewers, 1))


def _people(rng: np.random.Generator, viewers: int, author_topic: Ints) -> _People:
    authors = len(author_topic)
    interest = rng.normal(0.0, 1.2, (viewers, TOPICS))
    activity = rng.normal(0.0, 0.5, viewers)
    followers = np.minimum(np.floor(100.0 * rng.pareto(1.1, authors) + 100.0), 5e7)
    match = interest[:, author_topic]
    # Gumbel top-k: sampling without replacement in proportion to the preference.
    keys = 0.5 * np.log(followers) + match + rng.gumbel(size=match.shape)
    followees = np.argsort(-keys, axis=1)
    counts = np.minimum(10 + rng.poisson(30.0, viewers), authors)
    follows = np.zeros(match.shape)
    np.put_along_axis(follows, followees, np.arange(authors)[None, :] < counts[:, None], axis=1)
    bond = rng.normal(0.0, 1.0, match.shape)
    author_rates = 0.6 * np.exp(activity[:, None] + 0.8 * match + bond) * follows
    tag_interest = np.hstack(
        [np.repeat(interest, TAGS_PER_TOPIC, axis=1), np.zeros((viewers, GENERIC_TAGS))]
    )
    tag_rates = 0.4 * np.exp(activity[:, None] + tag_interest)
    return _People(
        interest,
        activity,
        followers,
        followees,
        counts,
        bond,
        _decayed_counts(rng, author_rates),
        _decayed_counts(rng, tag_rates),
    )


def _decayed_counts(rng: np.random.Generator, rates: Floats) -> Floats:
    """Poisson(rate) events per cell at uniform times in the history window, each
    weighted by ``exp(-days_ago / DECAY_DAYS)``."""
    counts = rng.poisson(rates.ravel())
    weights = np.exp(-rng.uniform(0.0, HISTORY_DAYS, counts.sum()) / DECAY_DAYS)
    cells = np.repeat(np.arange(counts.size), counts)
    decayed = np.bincount(cells, weights, minlength=counts.size).astype(np.float64)
    return decayed.reshape(rates.shape)


def _posts(rng: np.random.Generator, author_topic: Ints) -> _Posts:
    author = np.repeat(np.arange(len(author_topic)), POSTS_PER_AUTHOR)
    count = len(author)
    on_topic = rng.random(count) < 0.8
    topic = np.where(on_topic, author_topic[author], rng.integers(0, TOPICS, count))
    kind = rng.choice(3, count, p=[0.55, 0.25, 0.20])
    hashtag_count = np.minimum(rng.poisson(5.0, count), 30)
    widest = max(int(hashtag_count.max()), 1)
    tags = np.where(
        rng.random((count, widest)) < 0.7,
        topic[:, None] * TAGS_PER_TOPIC + rng.integers(0, TAGS_PER_TOPIC, (count, widest)),
        TOPICS * TAGS_PER_TOPIC + rng.integers(0, GENERIC_TAGS, (count, widest)),
    )
    return _Posts(
        author=author,
        topic=topic,
        kind=kind,
        media_count=np.where(kind == 2, rng.integers(2, 11, count), 1),
        hashtag_count=hashtag_count,
        tags=tags,
        has_location=rng.random(count) < 0.3,
        quality=rng.normal(0.0, 1.0, count),
    )


def _impressions(
    rng: np.random.Generator, people: _People, posts: _Posts, per_viewer: int
) -> EngagementLog:
    viewer = np.repeat(np.arange(len(people.activity)), per_viewer)
    nth_followee = np.floor(rng.random(viewer.size) * people.follow_counts[viewer])
    author = people.followees[viewer, nth_followee.astype(np.int64)]
    post = author * POSTS_PER_AUTHOR + rng.integers(0, POSTS_PER_AUTHOR, viewer.size)
    age = np.minimum(rng.exponential(30.0, post.size), 168.0)
    quality = posts.quality[post]
    expected_likes = 0.04 * people.followers[author] * np.exp(0.8 * quality)
    likes = rng.poisson(expected_likes * (1.0 - np.exp(-age / 12.0)))
    tag_count = posts.hashtag_count[post]
    present = np.arange(posts.tags.shape[1])[None, :] < tag_count[:, None]
    tag_sum = (people.tag_affinity[viewer[:, None], posts.tags[post]] * present).sum(axis=1)
    features = feature_matrix(
        author_affinity=people.author_affinity[viewer, author],
        tag_affinity=tag_sum / np.maximum(tag_count, 1),
        age_hours=age,
        likes=likes,
        comments=rng.poisson(0.03 * likes * np.exp(0.3 * quality)),
        is_video=posts.kind[post] == 1,
        media_count=posts.media_count[post],
        author_followers=people.followers[author],
        seen=rng.random(post.size) < 0.1 + 0.5 * (1.0 - np.exp(-age / 24.0)),
        hashtag_count=tag_count,
        has_location=posts.has_location[post],
    )
    match = people.interest[viewer, posts.topic[post]]
    latent = (match, people.bond[viewer, author], quality, people.activity[viewer])
    probabilities = 0.5 * (1.0 + np.tanh(0.5 * _logits(latent, features)))
    labels = (rng.random(probabilities.shape) < probabilities).astype(np.float32)
    return EngagementLog(features, labels, probabilities, viewer.astype(np.int64))


def _logits(latent: tuple[Floats, ...], features: npt.NDArray[np.float32]) -> Floats:
    """The table in the module docstring, one column per head in :data:`HEADS` order."""
    m, b, q, g = latent
    f = {name: features[:, i].astype(np.float64) for i, name in enumerate(FEATURES)}
    age, seen, media = f["age_hours"], f["seen"], f["media_count"] - 1.0
    return np.column_stack(
        [
            -1.3
            + 0.8 * m
            + 0.6 * b
            + 0.7 * q
            + g
            - age / 30
            - 1.5 * seen
            - 0.04 * f["hashtag_count"]
            + 0.1 * (f["log_author_followers"] - 6.0),
            -3.8
            + 0.5 * m
            + 1.2 * b
            + 0.4 * q
            + g
            - age / 20
            - 1.0 * seen
            + 0.4 * f["has_location"],
            -4.0 + 1.1 * m + 0.2 * b + 0.5 * q + g - age / 120 - 0.5 * seen + 0.15 * media,
            -4.2 + 0.7 * m + 0.5 * b + 0.8 * q + g - age / 24 - 1.0 * seen + 0.25 * f["velocity"],
            -1.0
            + 0.5 * m
            + 0.3 * b
            + 0.5 * q
            + 0.5 * g
            - age / 60
            - 0.8 * seen
            + 1.5 * f["is_video"]
            + 0.1 * media,
        ]
    )
