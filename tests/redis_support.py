"""Helper for tests of the Redis adapters."""

from __future__ import annotations

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
