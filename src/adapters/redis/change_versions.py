"""Change versions in Redis: ``change:{key}`` holds a random token, expiring after the
retention, so every process of the service validates its caches against the same writes."""

from __future__ import annotations

import math
import secrets
from collections.abc import Iterable, Sequence

import redis

from adapters.redis.client import chunked, translate_errors

_PREFIX = "change:"


class RedisChangeVersions:
    """A bump writes one fresh 62-bit random token to all its keys (pipelined), rather than
    counting: a counter would restart from 0 if Redis lost its data, and hand a key a
    version it had before. Two tokens collide with probability 2**-62."""

    def __init__(self, client: redis.Redis, retention_seconds: float = 3600.0) -> None:
        if retention_seconds <= 0:
            raise ValueError("retention_seconds must be positive")
        self.retention_seconds = retention_seconds
        self._client = client
        self._expiry = math.ceil(retention_seconds)

    def bump(self, keys: Iterable[str]) -> None:
        names = [_PREFIX + key for key in keys]
        if not names:
            return
        token = secrets.randbits(62) | 1  # never 0, the version of an unknown key
        with translate_errors():
            for chunk in chunked(names):
                pipe = self._client.pipeline(transaction=False)
                for name in chunk:
                    pipe.set(name, token, ex=self._expiry)
                pipe.execute()

    def read(self, keys: Sequence[str]) -> tuple[int, ...]:
        if not keys:
            return ()
        with translate_errors():
            found = self._client.mget([_PREFIX + key for key in keys])
        return tuple(int(value) if value is not None else 0 for value in found)
