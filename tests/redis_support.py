"""Helper for tests of the Redis adapters."""

from __future__ import annotations

import time

import pytest
import redis

from instagram_adapters.redis.client import redis_client


def fresh_redis(request: pytest.FixtureRequest) -> redis.Redis:
    """A client of the session's private Redis, its database emptied; closed after the test.

    A function rather than a fixture, so that a parametrized adapter fixture starts Redis
    only for its ``redis`` parameter."""
    client = redis_client(request.getfixturevalue("redis_server").url)
    client.flushdb()
    request.addfinalizer(client.close)
    return client


def let_expire(client: redis.Redis, *keys: str) -> None:
    """Make ``keys`` reach the end of their TTL now, as if that much time had passed.

    Redis expires keys by its own clock, which no test can move, and waiting out a real TTL
    ties a test to the machine's load: a one-second TTL may be over before the next command
    runs. So tests check the TTL an adapter sets (``PTTL``), then end it here and check
    what the adapter reads once Redis has dropped the key."""
    for key in keys:
        client.pexpire(key, 1)
    deadline = time.monotonic() + 30  # a bound on waiting, not a timing assertion
    while client.exists(*keys) and time.monotonic() < deadline:
        time.sleep(0.005)
    assert not client.exists(*keys), "Redis kept keys past their TTL"
