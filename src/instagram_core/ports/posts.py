from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Protocol

from instagram_core.domain.posts import Post, PostStatus


class PostStore(Protocol):
    def add(self, post: Post) -> None:
        """Store a new post. Raises ``Conflict`` if the post id exists."""
        ...

    def get(self, post_id: int) -> Post | None:
        """The post, or ``None`` if it does not exist or was deleted."""
        ...

    def get_many(self, post_ids: Iterable[int]) -> Mapping[int, Post]:
        """The posts that exist among ``post_ids``, keyed by id."""
        ...

    def update(self, post: Post) -> None:
        """Replace a stored post. Raises ``NotFound`` if it does not exist (a deleted post
        stays deleted even if a late worker tries to publish it)."""
        ...

    def delete(self, post_id: int) -> Post | None:
        """Remove the post and return it; ``None`` (a no-op) if it was not there."""
        ...

    def by_author(
        self, author_id: str, before: int | None, limit: int, published_only: bool
    ) -> Sequence[Post]:
        """Up to ``limit`` posts of ``author_id`` with ids below ``before`` (all if ``None``),
        newest first; only published ones when ``published_only``."""
        ...

    def by_status(self, status: PostStatus, limit: int) -> Sequence[Post]:
        """Up to ``limit`` posts in ``status``, oldest first: how a restarted worker finds
        posts whose processing was interrupted. ``status`` is not ``PUBLISHED`` (raises
        ``ValueError``): published posts are listed by author, and a wide-column store would
        need one unbounded partition of every published post to list them by status."""
        ...

    def count_published(self, author_id: str) -> int:
        """Published posts of ``author_id``; 0 for an unknown author."""
        ...
