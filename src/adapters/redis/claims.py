"""Claimed keys in Redis: one string per key holding the instant its claim lapses."""

from __future__ import annotations

import redis

from instagram_adapters.keyset import to_micros
from instagram_adapters.redis.client import translate_errors
from instagram_core.ports.clock import Clock

# KEYS[1]: the claim. ARGV: now and the lapse (integer microseconds), the Redis expiry (ms).
# A claim is held while its stored lapse is after now; otherwise this caller takes it.
_CLAIM = """
local held = redis.call('GET', KEYS[1])
if held and tonumber(held) > tonumber(ARGV[1]) then
  return 0
end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
return 1
"""


class RedisClaimStore:
    """The production :class:`~instagram_core.ports.claims.ClaimStore`. Whether a claim is
    held is judged by the clock port (the lapse stored in the key), as in the in-memory
    adapter, so every replica and the tests' manual clock agree; Redis's own expiry, at
    twice the TTL, only cleans up and tolerates a clock that lags Redis's. The check and
    the write are one script, so of racing claims exactly one wins."""

    def __init__(self, client: redis.Redis, clock: Clock) -> None:
        self._client = client
        self._clock = clock
        self._claim = client.register_script(_CLAIM)

    def claim(self, key: str, ttl_seconds: int) -> bool:
        if ttl_seconds < 1:
            raise ValueError("ttl_seconds must be at least 1")
        now_us = to_micros(self._clock.now())
        lapse_us = now_us + ttl_seconds * 1_000_000
        with translate_errors():
            won = self._claim(keys=[f"claim:{key}"], args=[now_us, lapse_us, 2000 * ttl_seconds])
        return bool(won)

    def release(self, key: str) -> None:
        with translate_errors():
            self._client.delete(f"claim:{key}")
