"""Home feeds in Redis sorted sets: the seed's ``feed:{user_id}``.

Post ids are 64-bit snowflakes, and a sorted-set score is a double, exact only up to 2**53;
ids as scores would collide and misorder. So the score is the id's millisecond part
(``id >> 22``, 41 bits, exact) and the member the id as 19 zero-padded digits: Redis orders
equal scores by member bytes, which for equal-length digit strings is numeric order. A feed's
order by ``(score, member)`` is then exactly its order by id, for ranges and for trimming.

Redis deletes a sorted set with no members, yet the port needs "present but empty" (a rebuilt
feed of a user who follows nobody). Every present feed therefore holds a sentinel member at
score -1, below every post: the key exists exactly while the feed does, each post-ranged read
skips the sentinel, and trimming by rank starts above it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import redis

from instagram_adapters.redis.client import chunked, translate_errors
from instagram_core.domain.ids import MAX_ID, TIMESTAMP_SHIFT
from instagram_core.ports.feed_cache import FEED_CAPACITY

_SENTINEL = "present"
_SENTINEL_SCORE = -1

# KEYS: feeds. ARGV: score, member, capacity. Only existing feeds change; a new entry trims
# the feed to capacity, keeping rank 0 (the sentinel) and the ``capacity`` highest entries.
_ADD = """
local score, member, trim = ARGV[1], ARGV[2], -(tonumber(ARGV[3]) + 1)
for _, key in ipairs(KEYS) do
  if redis.call('EXISTS', key) == 1 and redis.call('ZADD', key, score, member) == 1 then
    redis.call('ZREMRANGEBYRANK', key, 1, trim)
  end
end
return 0
"""

# KEYS[1]: the feed. ARGV: the cursor's score ('' from the top), limit, idle TTL (0: none; a
# read renews it, so only feeds nobody reads expire). Returns nil for an
# absent feed, else {ties, lower}: every entry at the cursor's score (ascending; the caller
# keeps those below the cursor) and up to ``limit`` entries at lower scores (descending).
_PAGE = """
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
if tonumber(ARGV[3]) > 0 then redis.call('EXPIRE', KEYS[1], ARGV[3]) end
if ARGV[1] == '' then
  return {{}, redis.call('ZRANGE', KEYS[1], '+inf', 0, 'BYSCORE', 'REV', 'LIMIT', 0, ARGV[2])}
end
return {
  redis.call('ZRANGE', KEYS[1], ARGV[1], ARGV[1], 'BYSCORE'),
  redis.call('ZRANGE', KEYS[1], '(' .. ARGV[1], 0, 'BYSCORE', 'REV', 'LIMIT', 0, ARGV[2]),
}
"""


def _score(post_id: int) -> int:
    return post_id >> TIMESTAMP_SHIFT


def _member(post_id: int) -> str:
    if not 0 <= post_id <= MAX_ID:
        raise ValueError(f"post id {post_id} is not a 63-bit id")
    return f"{post_id:019d}"


class RedisFeedCache:
    """The production :class:`~instagram_core.ports.FeedCache`.

    A fan-out runs one Lua script per 1,000 followers: each call checks, inserts and trims
    atomically per feed, so a racing ``drop`` can never leave a partial feed behind, and a
    retried chunk changes nothing (members are unique). The script names every key it
    touches, but one call spans many hash slots: on Redis Cluster, group keys by slot first.
    """

    def __init__(
        self,
        client: redis.Redis,
        capacity: int = FEED_CAPACITY,
        idle_ttl_seconds: int | None = None,
    ) -> None:
        """``idle_ttl_seconds``: a feed unread that long expires (Redis's own key expiry),
        so fan-out skips inactive followers until they come back."""
        if capacity < 1:
            raise ValueError("capacity must be at least 1")
        self._client = client
        self._capacity = capacity
        self._ttl = idle_ttl_seconds or 0
        self._add = client.register_script(_ADD)
        self._page = client.register_script(_PAGE)

    def add(self, user_ids: Iterable[str], post_id: int) -> None:
        args = (_score(post_id), _member(post_id), self._capacity)
        with translate_errors():
            for keys in chunked(map(_key, user_ids)):
                self._add(keys=keys, args=args)

    def add_many(self, user_id: str, post_ids: Iterable[int]) -> None:
        """One MULTI: the sentinel, the posts, the trim. Only the ``capacity`` newest of
        ``post_ids`` can survive the trim, so only they are sent."""
        newest = sorted(set(post_ids))[-self._capacity :]
        entries = {_SENTINEL: _SENTINEL_SCORE} | {_member(p): _score(p) for p in newest}
        key = _key(user_id)
        with translate_errors():
            pipe = self._client.pipeline(transaction=True)
            pipe.zadd(key, entries)
            pipe.zremrangebyrank(key, 1, -(self._capacity + 1))
            if self._ttl:
                pipe.expire(key, self._ttl)
            pipe.execute()

    def remove(self, user_ids: Iterable[str], post_ids: Iterable[int]) -> None:
        """``ZREM`` never creates a key, and never takes the sentinel: an emptied feed stays
        present, an absent one stays absent. An id outside 63 bits is in no feed: ignored."""
        members = [_member(p) for p in set(post_ids) if 0 <= p <= MAX_ID]
        if not members:
            return
        with translate_errors():
            for users in chunked(user_ids):
                pipe = self._client.pipeline(transaction=False)
                for user_id in users:
                    pipe.zrem(_key(user_id), *members)
                pipe.execute()

    def page(self, user_id: str, before: int | None, limit: int) -> Sequence[int] | None:
        """One script call. Entries in the cursor's own millisecond come back whole and are
        filtered here, since a score range cannot cut inside one score; a limit of zero or
        less gives an empty page of a present feed."""
        count = max(limit, 0)
        cursor = "" if before is None else str(_score(max(before, 0)))
        with translate_errors():
            found = self._page(keys=[_key(user_id)], args=[cursor, count, self._ttl])
        if found is None:
            return None
        ties, lower = found
        newer = [] if before is None else [i for m in reversed(ties) if (i := int(m)) < before]
        return [*newer, *map(int, lower)][:count]

    def drop(self, user_id: str) -> None:
        with translate_errors():
            self._client.delete(_key(user_id))


def _key(user_id: str) -> str:
    return f"feed:{user_id}"
