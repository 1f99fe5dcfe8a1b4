"""Session-wide fixtures: real engines for the production adapters (see tests/engines.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.engines import MariaDbServer, RedisServer, missing, start_mariadb, start_redis


@pytest.fixture(scope="session")
def redis_server() -> Iterator[RedisServer]:
    server = start_redis()
    if server is None:
        missing("redis-server")
    assert server is not None
    yield server
    server.stop()


@pytest.fixture(scope="session")
def mariadb_server() -> Iterator[MariaDbServer]:
    server = start_mariadb()
    if server is None:
        missing("MariaDB (mariadbd and mariadb-install-db)")
    assert server is not None
    yield server
    server.stop()
