"""Wire schemas (msgspec), separate from the core's models and converted explicitly.
Ids are strings in JSON: 64-bit integers do not survive JavaScript's numbers."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec


class AccountCreate(msgspec.Struct, forbid_unknown_fields=True):
    username: str
    password: str
    display_name: str | None = None
    is_private: bool = False


class TokenRequest(msgspec.Struct, forbid_unknown_fields=True):
    username: str
    password: str


class ProfilePatch(msgspec.Struct, forbid_unknown_fields=True):
    display_name: str | None = None
    bio: str | None = None
    is_private: bool | None = None


class LocationIn(msgspec.Struct, forbid_unknown_fields=True):
    lat: float
    lng: float
    name: str


class PostCreate(msgspec.Struct, forbid_unknown_fields=True):
    media_ids: list[str]
    caption: str = ""
    location: LocationIn | None = None
    tagged_users: list[str] = msgspec.field(default_factory=list)
    filter: str | None = None


class CommentCreate(msgspec.Struct, forbid_unknown_fields=True):
    text: str


class StoryCreate(msgspec.Struct, forbid_unknown_fields=True):
    media_id: str
    # Checked by the core, which names the sticker and field at fault (422).
    stickers: list[Any] | None = None
    music_id: str | None = None


class PollVoteIn(msgspec.Struct, forbid_unknown_fields=True):
    option: int


class PollVoteOut(msgspec.Struct):
    story_id: str
    option: int


class HighlightCreate(msgspec.Struct, forbid_unknown_fields=True):
    title: str
    story_ids: list[str]


class UserSummary(msgspec.Struct):
    user_id: str
    username: str
    display_name: str
    avatar_url: str | None
    is_private: bool


class Account(msgspec.Struct):
    user_id: str
    username: str
    display_name: str
    is_private: bool


class Token(msgspec.Struct):
    access_token: str
    token_type: str
    expires_in: int


class ProfileOut(msgspec.Struct):
    user_id: str
    username: str
    display_name: str
    bio: str
    avatar_url: str | None
    is_private: bool
    post_count: int
    follower_count: int
    following_count: int
    follow_status: str | None


class UserPage(msgspec.Struct):
    items: list[UserSummary]
    next_cursor: str | None


class FollowResult(msgspec.Struct):
    status: str


class UploadUrl(msgspec.Struct):
    upload_url: str
    media_id: str
    expires_at: datetime
    headers: dict[str, str]


class RenditionOut(msgspec.Struct):
    url: str
    width: int
    height: int
    format: str
    content_type: str


class VariantOut(msgspec.Struct):
    """One size: the JPEG (or MP4) rendition's fields, and in ``formats`` the *other*
    formats of that size (WebP) for a ``srcset``; the variant itself is the first format,
    not repeated there, so a page carries each URL once."""

    url: str
    width: int
    height: int
    format: str
    content_type: str
    formats: list[RenditionOut]


class GeoOut(msgspec.Struct):
    lat: float
    lng: float


class MetadataOut(msgspec.Struct):
    camera: str | None
    lens: str | None
    taken_at: str | None
    gps: GeoOut | None  # only ever filled for the media's owner


class MediaOut(msgspec.Struct):
    media_id: str
    type: str
    width: int | None
    height: int | None
    blurhash: str | None
    variants: dict[str, VariantOut]
    metadata: MetadataOut | None
    duration_seconds: float | None


class AuthorOut(msgspec.Struct):
    user_id: str
    username: str


class LocationOut(msgspec.Struct):
    lat: float
    lng: float
    name: str


class PostOut(msgspec.Struct):
    post_id: str
    author: AuthorOut
    caption: str
    hashtags: list[str]
    mentions: list[str]
    tagged_users: list[AuthorOut]
    location: LocationOut | None
    filter: str | None
    status: str
    failure_reason: str | None
    created_at: datetime
    like_count: int | None  # null while likes cannot be counted (a dependency is down)
    comment_count: int
    liked_by_viewer: bool
    saved_by_viewer: bool
    media: list[MediaOut]


class PostPage(msgspec.Struct):
    items: list[PostOut]
    next_cursor: str | None


class FeedPageOut(msgspec.Struct):
    items: list[PostOut]
    next_cursor: str | None
    ranked: bool
    # Post ids of the feed that could not be loaded (a store is down); empty when healthy.
    unhydrated: list[str] = msgspec.field(default_factory=list)


class NewPostsOut(msgspec.Struct):
    new_posts: int


class LikeResult(msgspec.Struct):
    liked: bool
    like_count: int


class SaveResult(msgspec.Struct):
    saved: bool


class CommentOut(msgspec.Struct):
    comment_id: str
    post_id: str
    text: str
    author: AuthorOut
    created_at: datetime


class CommentPage(msgspec.Struct):
    items: list[CommentOut]
    next_cursor: str | None


class NotificationOut(msgspec.Struct):
    notification_id: str
    kind: str
    actors: list[AuthorOut]
    actor_count: int
    post_id: str | None
    comment_id: str | None
    created_at: datetime
    text: str
    read: bool


class NotificationPage(msgspec.Struct):
    items: list[NotificationOut]
    next_cursor: str | None


class PositionOut(msgspec.Struct):
    x: float
    y: float


class StickerOut(msgspec.Struct, omit_defaults=True):
    """One sticker; only its type's fields are present. ``counts`` (votes per option) is
    the owner's only; ``my_vote`` is the reader's own vote."""

    type: str
    position: PositionOut
    username: str | None = None
    user_id: str | None = None
    tag: str | None = None
    place: str | None = None
    name: str | None = None
    lat: float | None = None
    lng: float | None = None
    question: str | None = None
    options: list[str] | None = None
    counts: list[int] | None = None
    my_vote: int | None = None


class StoryOut(msgspec.Struct, omit_defaults=True):
    """``view_count`` only on the owner's own stories; ``seen`` only on others'."""

    story_id: str
    media_url: str | None
    status: str
    created_at: datetime
    expires_at: datetime
    stickers: list[StickerOut] = msgspec.field(default_factory=list)
    music_id: str | None = None
    view_count: int | None = None
    seen: bool | None = None


class StoryTrayOut(msgspec.Struct):
    user: UserSummary
    stories: list[StoryOut]
    seen: bool


class StoryViewerOut(msgspec.Struct):
    user_id: str
    username: str
    display_name: str
    avatar_url: str | None
    is_private: bool
    viewed_at: datetime


class StoryViewerPage(msgspec.Struct):
    items: list[StoryViewerOut]
    next_cursor: str | None


class HighlightOut(msgspec.Struct):
    highlight_id: str
    title: str
    created_at: datetime
    stories: list[StoryOut]


class HighlightList(msgspec.Struct):
    items: list[HighlightOut]


class StoryFeed(msgspec.Struct):
    story_trays: list[StoryTrayOut]


class StoryPage(msgspec.Struct):
    items: list[StoryOut]
    next_cursor: str | None


class HashtagOut(msgspec.Struct):
    tag: str
    post_count: int


class TrendingTagOut(msgspec.Struct):
    tag: str
    score: float


class TrendingOut(msgspec.Struct):
    hashtags: list[TrendingTagOut]


class UserSearchHit(msgspec.Struct):
    user_id: str
    username: str
    display_name: str
    avatar_url: str | None
    is_private: bool
    is_verified: bool
    follower_count: int
    mutual_count: int  # accounts the viewer follows that follow this user


class PlaceOut(msgspec.Struct):
    place_id: str
    name: str
    lat: float
    lng: float
    post_count: int  # posts the viewer may see


class NearbyPlaceOut(msgspec.Struct):
    place_id: str
    name: str
    lat: float
    lng: float
    post_count: int
    distance_km: float


class NearbyPlaces(msgspec.Struct):
    items: list[NearbyPlaceOut]


class SearchOut(msgspec.Struct):
    users: list[UserSearchHit]
    hashtags: list[HashtagOut]
    places: list[PlaceOut]


class FilterList(msgspec.Struct):
    filters: list[str]


class HealthOut(msgspec.Struct):
    status: str


class ReadinessOut(msgspec.Struct):
    status: str  # "ready" or "unavailable"
    dependencies: dict[str, str]  # name: "ok" or "error: ..."


class StoredBlob(msgspec.Struct):
    key: str
    size: int


class StoredPart(msgspec.Struct):
    part_number: int
    size: int
    etag: str


class ErrorBody(msgspec.Struct):
    code: str
    message: str


class ErrorOut(msgspec.Struct):
    error: ErrorBody
