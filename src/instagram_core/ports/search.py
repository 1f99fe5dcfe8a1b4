from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import attrs

from instagram_core.domain.users import User


@attrs.frozen
class HashtagHit:
    tag: str
    post_count: int


class SearchIndex(Protocol):
    """Users and hashtags for autocomplete. Captions are not full-text searchable, by design."""

    def index_user(self, user: User) -> None:
        """Add or replace the user's document."""
        ...

    def search_users(self, query: str, limit: int) -> Sequence[str]:
        """User ids whose username or display name starts with ``query`` (case-insensitive),
        best matches first (exact username first, then shorter names)."""
        ...

    def add_hashtags(self, post_id: int, hashtags: Sequence[str]) -> None:
        """Count ``post_id`` under each hashtag; indexing the same post again changes nothing."""
        ...

    def remove_hashtags(self, post_id: int, hashtags: Sequence[str]) -> None:
        """Stop counting ``post_id`` under each hashtag; a no-op where it was not counted."""
        ...

    def search_hashtags(self, prefix: str, limit: int) -> Sequence[HashtagHit]:
        """Hashtags starting with ``prefix``, most used first."""
        ...
