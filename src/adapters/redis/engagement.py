"""Likes and saves in Redis, as the seed lays them out.

Likes: the set ``liked:{post_id}`` prevents double likes and the counter
``like_count:{post_id}`` makes a count one ``GET``. One Lua script moves both, so the counter
changes only when the set did: retries and races never double count. Saves: ``saved:{user_id}``
answers "did I save these?", and its mirror ``savers:{post_id}`` lets a deleted post be taken
out of every saver's set without a scan. The two are kept in step in one ``MULTI``.

These keys are data, not cache: run this Redis with ``maxmemory-policy noeviction`` (an evicted
counter or mirror would drift from its set) and with persistence.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import redis

from instagram_adapters.redis.client import as_text, chunked, translate_errors

# KEYS: liked set, counter. ARGV: user. Returns {added, count}.
_LIKE = """
if redis.call('SADD', KEYS[1], ARGV[1]) == 1 then
  return {1, redis.call('INCR', KEYS[2])}
end
return {0, tonumber(redis.call('GET', KEYS[2]) or '0')}
"""

# KEYS: liked set, counter. ARGV: user. Returns {removed, count}; a zero counter is deleted,
# like the emptied set, so a post nobody likes holds no keys.
_UNLIKE = """
if redis.call('SREM', KEYS[1], ARGV[1]) == 1 then
  local count = redis.call('DECR', KEYS[2])
  if count <= 0 then
    redis.call('DEL', KEYS[2])
    count = 0
  end
  return {1, count}
end
return {0, tonumber(redis.call('GET', KEYS[2]) or '0')}
"""


class RedisEngagementStore:
    """The production :class:`~instagram_core.ports.EngagementStore`."""

    def __init__(self, client: redis.Redis) -> None:
        self._client = client
        self._like = client.register_script(_LIKE)
        self._unlike = client.register_script(_UNLIKE)

    def like(self, post_id: int, user_id: str) -> tuple[bool, int]:
        with translate_errors():
            added, count = self._like(keys=_like_keys(post_id), args=[user_id])
        return bool(added), int(count)

    def unlike(self, post_id: int, user_id: str) -> tuple[bool, int]:
        with translate_errors():
            removed, count = self._unlike(keys=_like_keys(post_id), args=[user_id])
        return bool(removed), int(count)

    def like_counts(self, post_ids: Iterable[int]) -> Mapping[int, int]:
        counts: dict[int, int] = {}
        with translate_errors():
            for posts in chunked(dict.fromkeys(post_ids)):
                values = self._client.mget([f"like_count:{p}" for p in posts])
                counts.update((p, int(v or 0)) for p, v in zip(posts, values, strict=True))
        return counts

    def liked_by(self, user_id: str, post_ids: Iterable[int]) -> set[int]:
        """One pipelined ``SISMEMBER`` per post: the likes live in per-post sets."""
        liked: set[int] = set()
        with translate_errors():
            for posts in chunked(dict.fromkeys(post_ids)):
                pipe = self._client.pipeline(transaction=False)
                for post_id in posts:
                    pipe.sismember(f"liked:{post_id}", user_id)
                flags = pipe.execute()
                liked.update(p for p, flag in zip(posts, flags, strict=True) if flag)
        return liked

    def save(self, user_id: str, post_id: int) -> bool:
        with translate_errors():
            pipe = self._client.pipeline(transaction=True)
            pipe.sadd(f"saved:{user_id}", post_id)
            pipe.sadd(f"savers:{post_id}", user_id)
            added, _ = pipe.execute()
        return bool(added)

    def unsave(self, user_id: str, post_id: int) -> bool:
        with translate_errors():
            pipe = self._client.pipeline(transaction=True)
            pipe.srem(f"saved:{user_id}", post_id)
            pipe.srem(f"savers:{post_id}", user_id)
            removed, _ = pipe.execute()
        return bool(removed)

    def saved_by(self, user_id: str, post_ids: Iterable[int]) -> set[int]:
        posts = list(dict.fromkeys(post_ids))
        if not posts:
            return set()
        with translate_errors():
            flags = self._client.smismember(f"saved:{user_id}", posts)
        return {p for p, flag in zip(posts, flags, strict=True) if flag}

    def forget_post(self, post_id: int) -> None:
        """Read the savers under ``WATCH``, then drop the post from each saver's set and its
        own keys in one ``MULTI``; a save racing in between makes redis-py run it again."""
        savers_key = f"savers:{post_id}"

        def forget(pipe: redis.client.Pipeline) -> None:
            savers = [as_text(u) for u in pipe.smembers(savers_key)]
            pipe.multi()
            for user_id in savers:
                pipe.srem(f"saved:{user_id}", post_id)
            pipe.delete(*_like_keys(post_id), savers_key)

        with translate_errors():
            self._client.transaction(forget, savers_key)


def _like_keys(post_id: int) -> list[str]:
    return [f"liked:{post_id}", f"like_count:{post_id}"]
