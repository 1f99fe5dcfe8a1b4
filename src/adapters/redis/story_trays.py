"""Story trays in Redis: the seed's ``story_tray:{user_id}`` sorted sets with a TTL.

Member: an author's id; score: the instant their newest story expires (when they leave the
tray) in integer microseconds since
the Unix epoch (exact as a double until the year 2255). A cached tray always holds a sentinel
member, because Redis deletes an empty sorted set and an empty tray must still read as
cached; so a key exists exactly while its tray is cached, and ``get`` needs one command.

Expiry is Redis's own ``EXPIRE``, judged by the server's clock: that is what makes a tray
vanish for every app server at once. The adapter takes no clock port for that reason.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import cast

import redis

from instagram_adapters.keyset import ONE_MICROSECOND, UNIX_EPOCH, from_micros
from instagram_adapters.redis.client import as_text, chunked, translate_errors

_SENTINEL = ""  # no author id is empty

# KEYS: trays. ARGV: score, author. Only cached trays change; ``GT`` never lowers a score
# (and adds a missing author); writing to a key keeps its TTL.
_TOUCH = """
for _, key in ipairs(KEYS) do
  if redis.call('EXISTS', key) == 1 then
    redis.call('ZADD', key, 'GT', ARGV[1], ARGV[2])
  end
end
return 0
"""


class RedisStoryTrayCache:
    """The production :class:`~instagram_core.ports.StoryTrayCache`."""

    def __init__(self, client: redis.Redis) -> None:
        self._client = client
        self._touch = client.register_script(_TOUCH)

    def get(self, viewer_id: str, live_at: datetime | None = None) -> Mapping[str, datetime] | None:
        """One ``ZRANGE``; with ``live_at``, by score from just after it, plus the sentinel
        (score 0) so that a tray whose authors all left still reads as cached."""
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
        entries = cast("list[tuple[str | bytes, float]]", reply)
        if not entries and live_at is None:
            return None
        return {
            author: from_micros(int(score))
            for member, score in entries
            if (author := as_text(member)) != _SENTINEL
        }

    def put(self, viewer_id: str, latest: Mapping[str, datetime], ttl_seconds: int) -> None:
        """One ``MULTI``: replace the set and set its expiry, so no reader sees the tray
        without its TTL. A TTL of zero or less leaves no tray, as Redis's ``EXPIRE`` does."""
        key = _key(viewer_id)
        entries = {_SENTINEL: 0} | {a: _microseconds(at) for a, at in latest.items()}
        with translate_errors():
            pipe = self._client.pipeline(transaction=True)
            pipe.delete(key)
            pipe.zadd(key, entries)
            pipe.expire(key, ttl_seconds)
            pipe.execute()

    def touch(self, viewer_ids: Iterable[str], author_id: str, at: datetime) -> None:
        args = (_microseconds(at), author_id)
        with translate_errors():
            for keys in chunked(map(_key, viewer_ids)):
                self._touch(keys=keys, args=args)

    def forget(self, viewer_ids: Iterable[str]) -> None:
        with translate_errors():
            for keys in chunked(map(_key, viewer_ids)):
                self._client.delete(*keys)


def _key(viewer_id: str) -> str:
    return f"story_tray:{viewer_id}"


def _microseconds(moment: datetime) -> int:
    """Microseconds since the Unix epoch; a naive datetime raises ``TypeError``."""
    return (moment - UNIX_EPOCH) // ONE_MICROSECOND
