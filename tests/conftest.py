"""Session-wide fixtures: real engines for the production adapters (see tests/engines.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import settings

from tests.engines import MariaDbServer, RedisServer, missing, start_mariadb, start_redis

pytest_plugins = ["tests.no_skips"]  # CI fails on any skipped test

# Hypothesis's default deadline (200 ms an example) is a wall-clock assertion: on a loaded
# machine it fails correct code (seen in a whole run on shared cores), so no test has one.
settings.register_profile("no-deadline", deadline=None)
settings.load_profile("no-deadline")


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


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """URL of a moto S3 server running in a thread of this process, on a free loopback port.

    moto is a test dependency, so nothing is skipped. Its state is this process's: each test
    takes a fresh bucket (``tests/contract/s3_buckets.py``). Werkzeug's per-request log lines
    are silenced; its warnings still show.
    """
    import logging

    from moto.server import ThreadedMotoServer

    from tests.engines import free_port

    werkzeug_log = logging.getLogger("werkzeug")
    level = werkzeug_log.level
    werkzeug_log.setLevel(logging.WARNING)
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()
    werkzeug_log.setLevel(level)
