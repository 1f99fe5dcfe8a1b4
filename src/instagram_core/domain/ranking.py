"""The feed ranking model's contract: the features it reads, the heads it predicts, and how
the heads combine into one score (the seed's ``score = w1·P(like) + w2·P(comment) + …``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

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
class CandidateColumns:
    """The same facts for a whole feed's candidates, one sequence per fact, all as long as
    ``post_ids``: what serving gathers. Building 500 :class:`CandidateFacts` objects cost
    more than scoring them; columns are built by one comprehension each and are what the
    feature arithmetic reads anyway."""

    post_ids: Sequence[int]
    author_ids: Sequence[str]
    age_hours: Sequence[float]
    likes: Sequence[int]
    comments: Sequence[int]
    is_video: Sequence[bool]
    media_counts: Sequence[int]
    author_followers: Sequence[int]
    hashtags: Sequence[tuple[str, ...]]
    has_location: Sequence[bool]

    def __len__(self) -> int:
        return len(self.post_ids)

    @classmethod
    def of(cls, facts: Sequence[CandidateFacts]) -> CandidateColumns:
        """The columns of a list of facts (tests and tools build facts one by one)."""
        return cls(
            post_ids=[f.post_id for f in facts],
            author_ids=[f.author_id for f in facts],
            age_hours=[f.age_hours for f in facts],
            likes=[f.likes for f in facts],
            comments=[f.comments for f in facts],
            is_video=[f.is_video for f in facts],
            media_counts=[f.media_count for f in facts],
            author_followers=[f.author_followers for f in facts],
            hashtags=[f.hashtags for f in facts],
            has_location=[f.has_location for f in facts],
        )


# What a model scores: facts one by one, or the same facts as columns.
Candidates = Sequence[CandidateFacts] | CandidateColumns


@attrs.frozen
class ViewerHistory:
    """The viewer's decayed engagement (likes and comments, each weighted by
    ``exp(-days_ago / 14)``) per author and per hashtag, and the posts already shown.
    A missing author or tag has affinity 0."""

    author_affinity: Mapping[str, float]
    tag_affinity: Mapping[str, float]
    seen: frozenset[int] = frozenset()
