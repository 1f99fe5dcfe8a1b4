"""The feed ranking model's contract: the features it reads, the heads it predicts, and how
the heads combine into one score (the seed's ``score = w1·P(like) + w2·P(comment) + …``)."""

from __future__ import annotations

from collections.abc import Mapping

import attrs

# Per (viewer, candidate post). Order matters: it is the model's input column order.
FEATURES: tuple[str, ...] = (
    "author_affinity",  # viewer's decayed likes+comments on the author's posts
    "tag_affinity",  # viewer's decayed engagement with the post's hashtags
    "age_hours",  # hours since the post was published
    "log_likes",  # log1p(like count)
    "log_comments",  # log1p(comment count)
    "velocity",  # likes per hour since publication, log1p
    "is_video",
    "media_count",  # 1 for a photo, up to 10 for a carousel
    "log_author_followers",  # log1p(author's follower count)
    "seen",  # 1 when the viewer was already shown the post
    "hashtag_count",
    "has_location",
)

HEADS: tuple[str, ...] = ("like", "comment", "save", "share", "long_view")


@attrs.frozen
class HeadWeights:
    """Save and share weigh most: they are stronger signals than a like (the seed)."""

    like: float = 1.0
    comment: float = 2.0
    save: float = 4.0
    share: float = 4.0
    long_view: float = 0.5

    def as_tuple(self) -> tuple[float, ...]:
        return tuple(getattr(self, head) for head in HEADS)


@attrs.frozen
class CandidateFacts:
    """What the ranker knows about one candidate post when the viewer opens the feed."""

    post_id: int
    author_id: str
    age_hours: float
    likes: int
    comments: int
    is_video: bool
    media_count: int  # 1 for a photo or a video, 2..10 for a carousel
    author_followers: int
    hashtags: tuple[str, ...]
    has_location: bool


@attrs.frozen
class ViewerHistory:
    """The viewer's decayed engagement (likes and comments, each weighted by
    ``exp(-days_ago / 14)``) per author and per hashtag, and the posts already shown.
    A missing author or tag has affinity 0."""

    author_affinity: Mapping[str, float]
    tag_affinity: Mapping[str, float]
    seen: frozenset[int] = frozenset()
