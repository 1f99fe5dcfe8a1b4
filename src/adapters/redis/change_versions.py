"""Change versions in Redis, so every process of the service validates its caches against
the same writes.

Versions live in one hash per retention period, ``changes:{period}``, a field per key:
a bump of 1,000 keys (a fan-out chunk) is then one ``HSET`` rather than 1,000 ``SET ... EX``
commands, which was a third of the fan-out's Redis time. Redis 7.0 cannot expire a hash
field, so the hash expires whole, two periods after its period starts: a key bumped in
period ``p`` is readable through period ``p + 1``, at least one retention after the bump,
and a read looks in the current period's hash, then the previous one. The period comes
from the server's ``TIME`` inside each script, so processes whose clocks disagree still
agree on where the latest version is.

The scripts touch hashes they compute rather than receive as ``KEYS``; that is fine on one
Redis server, and a Redis Cluster would need the period hashes pinned to one slot.
"""

from __future__ import annotations

import math
import secrets
from collections.abc import Iterable, Sequence

import redis

from instagram_adapters.redis.client import chunked, translate_errors
from instagram_core.ports.change_versions import CHANGE_RETENTION_SECONDS

HASH_PREFIX = "changes:"

# A Lua function for any script that marks keys changed in the same call as its write
# (the feed cache's). fields: the version keys; token: the new version (a decimal string);
# span: the period in seconds.
MARK_LUA = (
    """
local function period(span)
  return math.floor(tonumber(redis.call('TIME')[1]) / span)
end
local function mark(fields, token, span)
  if #fields == 0 then return end
  local now = period(span)
  local entries = {}
  for i, field in ipairs(fields) do
    entries[2 * i - 1] = field
    entries[2 * i] = token
  end
  local hash = '"""
    + HASH_PREFIX
    + """' .. now
  redis.call('HSET', hash, unpack(entries))
  redis.call('EXPIREAT', hash, (now + 2) * span + 1)
end
"""
)

# KEYS: the version keys. ARGV[1]: the new token, ARGV[2]: the period in seconds.
_BUMP = (
    MARK_LUA
    + """
mark(KEYS, ARGV[1], tonumber(ARGV[2]))
return #KEYS
"""
)

# KEYS: the version keys. ARGV[1]: the period. Each key's field in this period's hash, or
# failing that the previous period's (false when in neither).
_READ = (
    MARK_LUA
    + """
local now = period(tonumber(ARGV[1]))
local found = redis.call('HMGET', '"""
    + HASH_PREFIX
    + """' .. now, unpack(KEYS))
local older = nil
for i = 1, #KEYS do
  if not found[i] then
    older = older or redis.call('HMGET', '"""
    + HASH_PREFIX
    + """' .. (now - 1), unpack(KEYS))
    found[i] = older[i]
  end
end
return found
"""
)


def new_token() -> int:
    """A fresh version: 62 random bits, never 0 (the version of an unknown key). Random
    rather than counted: a counter would restart from 0 if Redis lost its data, and hand a
    key a version it had before; two tokens collide with probability 2**-62."""
    return secrets.randbits(62) | 1


class RedisChangeVersions:
    """The production :class:`~instagram_core.ports.ChangeVersions`. A bump writes one
    token to all its keys, one script call per 1,000 keys; a read is one script call."""

    def __init__(
        self, client: redis.Redis, retention_seconds: float = CHANGE_RETENTION_SECONDS
    ) -> None:
        if retention_seconds <= 0:
            raise ValueError("retention_seconds must be positive")
        self.retention_seconds = retention_seconds
        self.client = client
        self.period_seconds = math.ceil(retention_seconds)
        self._bump = client.register_script(_BUMP)
        self._read = client.register_script(_READ)

    def bump(self, keys: Iterable[str]) -> None:
        token = new_token()
        with translate_errors():
            for chunk in chunked(keys):
                self._bump(keys=list(chunk), args=[token, self.period_seconds])

    def read(self, keys: Sequence[str]) -> tuple[int, ...]:
        if not keys:
            return ()
        found: list[str | None] = []
        with translate_errors():
            for chunk in chunked(keys):
                found += self._read(keys=list(chunk), args=[self.period_seconds])
        return tuple(int(value) if value else 0 for value in found)
