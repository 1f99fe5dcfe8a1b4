"""Trending tags in Redis: the seed's ``ZADD trending:…`` as one forward-decayed sorted
set per UTC day (``trending:tags:{yyyy-mm-dd}``), expiring after the window. A use with an
id is counted by a script that first claims ``trending:use:{id}`` (kept for the window), so
a redelivered post never counts twice, and claim and count happen together or not at all."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime

import redis

from instagram_adapters.redis.client import as_text, translate_errors
from instagram_core.policies.trending import (
    WINDOW_DAYS,
    decayed,
    landmark,
    landmarks,
    weight_at,
)

_PER_DAY_CANDIDATES = 4  # read this many times ``limit`` from each day before merging
_KEEP_SECONDS = (WINDOW_DAYS + 1) * 86_400

# KEYS: the use id's claim, the day's sorted set. ARGV: how long both are kept, the weight,
# then the tags.
_BUMP_ONCE = """
if redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[1]) == false then
    return 0
end
for i = 3, #ARGV do
    redis.call('ZINCRBY', KEYS[2], ARGV[2], ARGV[i])
end
redis.call('EXPIRE', KEYS[2], ARGV[1])
return 1
"""


class RedisTrendingTags:
    def __init__(self, client: redis.Redis) -> None:
        self._client = client
        self._bump_once = client.register_script(_BUMP_ONCE)

    def bump(self, tags: Iterable[str], at: datetime, use_id: str | None = None) -> None:
        mark = landmark(at)
        key = _key(mark)
        weight = weight_at(at, mark)
        if use_id is not None:
            with translate_errors():
                self._bump_once(
                    keys=[f"trending:use:{use_id}", key],
                    args=[_KEEP_SECONDS, repr(weight), *sorted(set(tags))],
                )
            return
        with translate_errors():
            pipe = self._client.pipeline(transaction=False)
            for tag in set(tags):
                pipe.zincrby(key, weight, tag)
            pipe.expire(key, _KEEP_SECONDS)
            pipe.execute()

    def top(self, limit: int, now: datetime) -> Sequence[tuple[str, float]]:
        if limit < 1:
            return []
        scores: dict[str, float] = defaultdict(float)
        marks = landmarks(now)
        with translate_errors():
            pipe = self._client.pipeline(transaction=False)
            for mark in marks:
                pipe.zrevrange(_key(mark), 0, limit * _PER_DAY_CANDIDATES - 1, withscores=True)
            found = pipe.execute()
        for mark, entries in zip(marks, found, strict=True):
            for tag, score in entries:
                scores[as_text(tag)] += decayed(float(score), mark, now)
        ranked = sorted(scores.items(), key=lambda item: (item[1], item[0]), reverse=True)
        return ranked[:limit]


def _key(mark: datetime) -> str:
    return f"trending:tags:{mark.date().isoformat()}"
