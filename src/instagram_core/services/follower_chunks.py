"""Walking an account's followers in chunks: how every write to followers' caches (fan-out,
pruning a deleted post, touching story trays) keeps each call bounded."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from instagram_core.ports.social_graph import SocialGraph


def follower_chunks(graph: SocialGraph, user_id: str, size: int) -> Iterator[Sequence[str]]:
    """Consecutive chunks of ``user_id``'s followers, the last one short (possibly empty)."""
    after: str | None = None
    while True:
        chunk = graph.follower_ids_after(user_id, after, size)
        yield chunk
        if len(chunk) < size:
            return
        after = chunk[-1]
