"""Ranked feed snapshots in Redis lists, ``feed_snapshot:{viewer}:{id}``, expiring by TTL."""

from __future__ import annotations

from collections.abc import Sequence

import redis

from instagram_adapters.redis.client import translate_errors

# KEYS[1]: the snapshot. ARGV: start, stop (inclusive). Renews the TTL it was saved with.
_LOAD = """
local ttl = redis.call('HGET', KEYS[1] .. ':meta', 'ttl')
if not ttl then return false end
redis.call('EXPIRE', KEYS[1], ttl)
redis.call('EXPIRE', KEYS[1] .. ':meta', ttl)
return redis.call('LRANGE', KEYS[1], ARGV[1], ARGV[2])
"""


class RedisFeedSnapshots:
    """The production :class:`~instagram_core.ports.FeedSnapshots`. An empty order is kept
    as its metadata hash alone (Redis drops empty lists), so it still reads as present."""

    def __init__(self, client: redis.Redis) -> None:
        self._client = client
        self._load = client.register_script(_LOAD)

    def save(self, viewer_id: str, snapshot_id: str, post_ids: Sequence[int], ttl: int) -> None:
        key = _key(viewer_id, snapshot_id)
        with translate_errors():
            pipe = self._client.pipeline(transaction=True)
            pipe.delete(key)
            if post_ids:
                pipe.rpush(key, *post_ids)
                pipe.expire(key, ttl)
            pipe.hset(f"{key}:meta", "ttl", ttl)
            pipe.expire(f"{key}:meta", ttl)
            pipe.execute()

    def load(
        self, viewer_id: str, snapshot_id: str, offset: int, limit: int
    ) -> Sequence[int] | None:
        limit = max(0, limit)
        start = max(offset, 0)
        with translate_errors():
            found = self._load(keys=[_key(viewer_id, snapshot_id)], args=[start, start + limit - 1])
        if found is None:
            return None
        return [int(item) for item in found][:limit]


def _key(viewer_id: str, snapshot_id: str) -> str:
    return f"feed_snapshot:{viewer_id}:{snapshot_id}"
