"""Change versions in Redis: ``change:{key}`` holds a random token, expiring after the
retention, so every process of the service validates its caches against the same writes."""

from __future__ import annotations

import math
import secrets
from collections.abc import Iterable, Sequence

import redis

from instagram_adapters.redis.client import chunked, translate_errors
from instagram_core.ports.change_versions import CHANGE_RETENTION_SECONDS

_PREFIX = "change:"

# KEYS: the version keys. ARGV[1]: the new token, ARGV[2]: seconds to keep them.
_BUMP = """
for _, key in ipairs(KEYS) do
  redis.call('SET', key, ARGV[1], 'EX', ARGV[2])
end
return #KEYS
"""


class RedisChangeVersions:
    """A bump writes one fresh 62-bit random token to all its keys, rather than counting: a
    counter would restart from 0 if Redis lost its data, and hand a key a version it had
    before. Two tokens collide with probability 2**-62. A fan-out chunk marks its 1,000
    feeds in one script call, so marking costs the fan-out one more round trip per chunk,
    not one per follower."""

    def __init__(
        self, client: redis.Redis, retention_seconds: float = CHANGE_RETENTION_SECONDS
    ) -> None:
        if retention_seconds <= 0:
            raise ValueError("retention_seconds must be positive")
        self.retention_seconds = retention_seconds
        self._client = client
        self._expiry = math.ceil(retention_seconds)
        self._bump = client.register_script(_BUMP)

    def bump(self, keys: Iterable[str]) -> None:
        token = secrets.randbits(62) | 1  # never 0, the version of an unknown key
        with translate_errors():
            for chunk in chunked(_PREFIX + key for key in keys):
                self._bump(keys=list(chunk), args=[token, self._expiry])

    def read(self, keys: Sequence[str]) -> tuple[int, ...]:
        if not keys:
            return ()
        with translate_errors():
            found = self._client.mget([_PREFIX + key for key in keys])
        return tuple(int(value) if value is not None else 0 for value in found)
