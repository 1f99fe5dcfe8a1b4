"""The search index: users, hashtags and places for discovery. Captions are not searchable
(a seed decision). The index is a derived copy of the stores, kept in sync by events and
rebuilt by ``instagram search reindex``; what a viewer may see is decided by the core and
passed in as an :class:`Audience`, which every adapter applies inside its query."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

import attrs


class MatchTier(enum.IntEnum):
    """How a name matched a query, best last: the first ranking signal."""

    FUZZY = 1  # within the allowed edits of a prefix of some term
    PREFIX = 2  # some term starts with the query
    EXACT = 3  # the whole username (or tag, or place name) is the query


@attrs.frozen
class UserDocument:
    user_id: str
    username: str
    display_name: str
    is_private: bool
    is_verified: bool
    follower_count: int


@attrs.frozen
class PostDocument:
    """What search needs of a published post: its author (and whether the author is
    private, which :meth:`SearchIndex.put_user` keeps current), hashtags and place."""

    post_id: int
    author_id: str
    author_private: bool
    created_at: datetime
    hashtags: tuple[str, ...] = ()
    place: PlaceDocument | None = None


@attrs.frozen
class PlaceDocument:
    place_id: str
    name: str
    lat: float
    lng: float


@attrs.frozen
class Audience:
    """Whose posts a viewer may count and see: never ``hidden`` authors (blocks either
    way); a private author's posts only if the author is in ``private_allowed`` (the viewer
    and the accounts the viewer actively follows)."""

    hidden: frozenset[str]
    private_allowed: frozenset[str]


@attrs.frozen
class UserHit:
    """A matching user and its static score (see ``policies.search_ranking``)."""

    user_id: str
    tier: MatchTier
    score: float


@attrs.frozen
class HashtagHit:
    tag: str
    post_count: int
    tier: MatchTier = MatchTier.EXACT


@attrs.frozen
class PlaceHit:
    place: PlaceDocument
    post_count: int
    tier: MatchTier = MatchTier.EXACT


@attrs.frozen
class NearbyPlace:
    place: PlaceDocument
    post_count: int
    distance_km: float


class SearchIndex(Protocol):
    """Text matching (prefix from the first character, typo tolerance by
    :func:`~instagram_core.policies.search_ranking.allowed_edits`, a transposition counting
    as one edit) over folded text, and audience-filtered counts. Adapters raise
    ``Unavailable`` when their engine is down."""

    def put_user(self, user: UserDocument) -> None:
        """Add or replace the user's document, and mark every indexed post of the user with
        ``user.is_private``: a privacy flip changes who counts those posts at once."""
        ...

    def put_post(self, post: PostDocument) -> None:
        """Add or replace a published post; indexing it again changes nothing. A place's
        name and coordinates, as a viewer gets them, are those of its lowest-id post that
        viewer may see."""
        ...

    def remove_post(self, post_id: int) -> None:
        """Forget the post (its hashtags and place stop counting it); a no-op if unknown."""
        ...

    def search_users(self, query: str, hidden: frozenset[str], limit: int) -> Sequence[UserHit]:
        """Users matching ``query`` (username, display name, or a display-name word), never
        one in ``hidden``, by static score descending, then username. An empty query finds
        nobody."""
        ...

    def search_hashtags(self, query: str, audience: Audience, limit: int) -> Sequence[HashtagHit]:
        """Hashtags matching ``query`` that the audience can see at least one post of, with
        that visible count; best tier first, then count, then tag. An empty query matches
        every tag."""
        ...

    def hashtag_count(self, tag: str, audience: Audience) -> int:
        """Audience-visible posts with ``tag`` (folded, ``#`` ignored); 0 if none."""
        ...

    def search_places(self, query: str, audience: Audience, limit: int) -> Sequence[PlaceHit]:
        """Places whose name matches ``query``, counted and ordered like hashtags."""
        ...

    def nearby_places(
        self, lat: float, lng: float, radius_km: float, audience: Audience, limit: int
    ) -> Sequence[NearbyPlace]:
        """Places with a visible post within ``radius_km`` (great-circle), nearest first."""
        ...

    def tagged_posts(
        self, tag: str, audience: Audience, before: int | None, limit: int
    ) -> Sequence[int]:
        """Ids of the audience-visible posts with ``tag`` (folded, ``#`` ignored) below
        ``before``, newest (highest id) first."""
        ...

    def place_posts(
        self, place_id: str, audience: Audience, before: int | None, limit: int
    ) -> Sequence[int]:
        """Ids of the audience-visible posts at the place below ``before``, newest first."""
        ...

    def place(self, place_id: str, audience: Audience) -> PlaceHit | None:
        """The place with its visible count; ``None`` if no visible post is there."""
        ...
