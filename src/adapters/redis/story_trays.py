"""Story trays in Redis: the seed's ``story_tray:{user_id}`` sorted sets with a TTL.

One sorted set per viewer holds three kinds of member, each scored by an instant in integer
microseconds since the Unix epoch (exact as a double until the year 2255):

- an author's id, scored by when their newest story expires (when they leave the tray);
- ``#<story id>``, a story the viewer has seen, scored by when that story expires (no user
  id starts with ``#``: they are UUIDs);
- the sentinel (the empty string, score 0), present exactly while a tray is cached: Redis
  deletes an empty sorted set and an empty tray must still read as cached, and a key may
  hold seen marks alone (a view recorded while no tray was cached, kept for the next
  ``put``, or left by ``forget``).

So a read by the clock is one ``ZRANGEBYSCORE`` from ``now`` (plus the sentinel's score):
authors and seen marks of expired stories drop out at their instant, with no event.

Expiry of the key is Redis's own ``EXPIRE``, judged by the server's clock: that is what makes
a tray vanish for every app server at once. The adapter takes no clock port for that reason.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import cast

import redis

from instagram_adapters.keyset import ONE_MICROSECOND, UNIX_EPOCH, from_micros
from instagram_adapters.redis.client import as_text, chunked, translate_errors
from instagram_core.ports.story_trays import CachedTray

_SENTINEL = ""  # no author id is empty
_SEEN = "#"  # prefix of a seen mark's member

# KEYS: trays. ARGV: score, author. Only cached trays (with their sentinel) change; ``GT``
# never lowers a score (and adds a missing author); writing to a key keeps its TTL.
_TOUCH = """
for _, key in ipairs(KEYS) do
  if redis.call('ZSCORE', key, '') then
    redis.call('ZADD', key, 'GT', ARGV[1], ARGV[2])
  end
end
return 0
"""

# KEYS[1]: the tray. ARGV: ttl (seconds), live_at (µs), then score/member pairs (sentinel
# included). Seen marks held after live_at survive the replacement; the rest is replaced.
# Members are added 500 pairs at a time (Lua's unpack has a stack limit). EXPIRE with a TTL
# of zero or less deletes the key, as the port says.
_PUT = """
local key = KEYS[1]
local old = redis.call('ZRANGEBYSCORE', key, '(' .. ARGV[2], '+inf', 'WITHSCORES')
redis.call('DEL', key)
for i = 1, #old, 2 do
  if string.sub(old[i], 1, 1) == '#' then
    redis.call('ZADD', key, old[i + 1], old[i])
  end
end
for i = 3, #ARGV, 1000 do
  redis.call('ZADD', key, unpack(ARGV, i, math.min(i + 999, #ARGV)))
end
redis.call('EXPIRE', key, ARGV[1])
return 0
"""

# KEYS[1]: the tray. ARGV: score, member, ttl. A key written to keeps its TTL; a new one
# (marks alone, no tray) gets the TTL given.
_MARK = """
local fresh = redis.call('EXISTS', KEYS[1]) == 0
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[2])
if fresh then
  redis.call('EXPIRE', KEYS[1], ARGV[3])
end
return 0
"""


# KEYS: trays. Every member but the seen marks goes (the sentinel too: no tray is cached),
# 1,000 at a time; a key left empty is deleted by Redis, one with marks keeps its TTL.
_FORGET = """
for _, key in ipairs(KEYS) do
  local gone = {}
  for _, member in ipairs(redis.call('ZRANGE', key, 0, -1)) do
    if string.sub(member, 1, 1) ~= '#' then
      gone[#gone + 1] = member
    end
  end
  for i = 1, #gone, 1000 do
    redis.call('ZREM', key, unpack(gone, i, math.min(i + 999, #gone)))
  end
end
return 0
"""


class RedisStoryTrayCache:
    """The production :class:`~instagram_core.ports.StoryTrayCache`."""

    def __init__(self, client: redis.Redis) -> None:
        self._client = client
        self._touch = client.register_script(_TOUCH)
        self._put = client.register_script(_PUT)
        self._mark = client.register_script(_MARK)
        self._forget = client.register_script(_FORGET)

    def get(self, viewer_id: str, live_at: datetime | None = None) -> CachedTray | None:
        """One ``ZRANGE`` (whole tray), or, with ``live_at``, the sentinel's score and a
        ``ZRANGEBYSCORE`` from just after it in one transaction."""
        key = _key(viewer_id)
        with translate_errors():
            if live_at is None:
                reply = self._client.zrange(key, 0, -1, withscores=True)
            else:
                pipe = self._client.pipeline(transaction=True)
                pipe.zscore(key, _SENTINEL)
                pipe.zrangebyscore(key, f"({_microseconds(live_at)}", "+inf", withscores=True)
                cached, reply = pipe.execute()
                if cached is None:
                    return None
        entries = [(as_text(m), s) for m, s in cast("list[tuple[str | bytes, float]]", reply)]
        if live_at is None and all(member != _SENTINEL for member, _ in entries):
            return None
        leaving: dict[str, datetime] = {}
        seen: dict[int, datetime] = {}
        for member, score in entries:
            if member.startswith(_SEEN):
                seen[int(member[len(_SEEN) :])] = from_micros(int(score))
            elif member != _SENTINEL:
                leaving[member] = from_micros(int(score))
        return CachedTray(leaving, seen)

    def put(self, viewer_id: str, tray: CachedTray, ttl_seconds: int, live_at: datetime) -> None:
        """One script: the replacement, the kept seen marks and the TTL land together, so
        no reader sees the tray without its TTL or a view lost."""
        members: list[str | int] = [0, _SENTINEL]
        for author, at in tray.leaving.items():
            members += [_microseconds(at), author]
        for story_id, until in tray.seen.items():
            members += [_microseconds(until), f"{_SEEN}{story_id}"]
        with translate_errors():
            self._put(keys=[_key(viewer_id)], args=[ttl_seconds, _microseconds(live_at), *members])

    def touch(self, viewer_ids: Iterable[str], author_id: str, at: datetime) -> None:
        args = (_microseconds(at), author_id)
        with translate_errors():
            for keys in chunked(map(_key, viewer_ids)):
                self._touch(keys=keys, args=args)

    def mark_seen(self, viewer_id: str, story_id: int, until: datetime, ttl_seconds: int) -> None:
        args = (_microseconds(until), f"{_SEEN}{story_id}", ttl_seconds)
        with translate_errors():
            self._mark(keys=[_key(viewer_id)], args=args)

    def forget(self, viewer_ids: Iterable[str]) -> None:
        with translate_errors():
            for keys in chunked(map(_key, viewer_ids)):
                self._forget(keys=keys)


def _key(viewer_id: str) -> str:
    return f"story_tray:{viewer_id}"


def _microseconds(moment: datetime) -> int:
    """Microseconds since the Unix epoch; a naive datetime raises ``TypeError``."""
    return (moment - UNIX_EPOCH) // ONE_MICROSECOND
