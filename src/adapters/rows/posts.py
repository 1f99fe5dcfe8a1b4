"""A post as a row: its columns in one order, for every table that stores it whole.

Times are microseconds and the location is JSON text. The stores differ in two names (the
time columns: ``created_at``/``published_at`` in SQLite, ``created_us``/``published_us`` in
Cassandra) and in how they hold the id and name lists (JSON text in SQLite, native lists in
Cassandra), so those are parameters.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from instagram_adapters.rows.codecs import (
    from_json,
    from_micros,
    optional_datetime,
    optional_micros,
    to_json,
    to_micros,
)
from instagram_core.domain.posts import Location, Post, PostStatus

# How a store writes a tuple of ids or names, and reads one back as the given tuple type.
EncodeList = Callable[[tuple[Any, ...]], Any]
DecodeList = Callable[[Any, type[tuple[Any, ...]]], tuple[Any, ...]]


def post_names(created: str, published: str) -> tuple[str, ...]:
    """The column names, in :func:`post_values` order; the time columns as given."""
    return (
        "post_id",
        "author_id",
        "status",
        created,
        published,
        "caption",
        "media_ids",
        "hashtags",
        "mentions",
        "tagged_user_ids",
        "location",
        "filter_name",
        "failure_reason",
    )


def post_values(post: Post, encode_list: EncodeList) -> list[Any]:
    return [
        post.post_id,
        post.author_id,
        post.status.value,
        to_micros(post.created_at),
        optional_micros(post.published_at),
        post.caption,
        encode_list(post.media_ids),
        encode_list(post.hashtags),
        encode_list(post.mentions),
        encode_list(post.tagged_user_ids),
        None if post.location is None else to_json(post.location),
        post.filter_name,
        post.failure_reason,
    ]


def post_from_values(values: Sequence[Any], decode_list: DecodeList) -> Post:
    """The post back from a row selected in :func:`post_names` order."""
    (
        post_id,
        author_id,
        status,
        created,
        published,
        caption,
        media_ids,
        hashtags,
        mentions,
        tagged_user_ids,
        location,
        filter_name,
        failure_reason,
    ) = values
    return Post(
        post_id=post_id,
        author_id=author_id,
        media_ids=decode_list(media_ids, tuple[int, ...]),
        created_at=from_micros(created),
        caption=caption or "",
        hashtags=decode_list(hashtags, tuple[str, ...]),
        mentions=decode_list(mentions, tuple[str, ...]),
        tagged_user_ids=decode_list(tagged_user_ids, tuple[str, ...]),
        location=None if location is None else from_json(location, Location),
        filter_name=filter_name,
        status=PostStatus(status),
        failure_reason=failure_reason,
        published_at=optional_datetime(published),
    )


def json_list(values: tuple[Any, ...]) -> str:
    """A list as JSON text (for stores without a list type)."""
    return to_json(values)


def from_json_list(raw: Any, kind: type[tuple[Any, ...]]) -> tuple[Any, ...]:
    return from_json(raw, kind)


def native_list(values: tuple[Any, ...]) -> list[Any]:
    """A list as the store's own list type."""
    return list(values)


def from_native_list(raw: Any, kind: type[tuple[Any, ...]]) -> tuple[Any, ...]:
    """A stored list back (an empty CQL list reads as ``None``)."""
    return tuple(raw or ())
