"""Session-wide fixtures: real engines for the production adapters (see tests/engines.py)."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from typing import TypeVar

import pytest
from hypothesis import HealthCheck, settings

from instagram_adapters.cassandra.session import CassandraSession
from tests.engines import MariaDbServer, RedisServer, missing, start_mariadb, start_redis
from tests.jvm_engines import (
    CassandraServer,
    ElasticsearchServer,
    KafkaServer,
    start_cassandra,
    start_elasticsearch,
    start_kafka,
)

# Hypothesis's default deadline (200 ms per example) and its too_slow health check measure
# the machine, not the code: at a load average of 10 an example against a real Redis or
# MariaDB, or a pure-Python one, takes longer with nothing wrong. The suite bounds a test by
# pytest-timeout instead. Loaded here, before any test module builds its own ``settings``
# (which inherit from the profile). HYPOTHESIS_PROFILE=default restores Hypothesis's own.
settings.register_profile("suite", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "suite"))

pytest_plugins = ["tests.no_skips"]  # CI fails on any skipped test

# The contract suites live in the package; their asserts are rewritten like the tests' own.
pytest.register_assert_rewrite("instagram_core.testing")

Server = TypeVar("Server")
# How long each session engine took to start and answer (printed after the run: CI's record
# of engine start times).
ENGINE_STARTS: dict[str, float] = {}


def _timed(name: str, start: Callable[[], Server]) -> Server:
    began = time.monotonic()
    server = start()
    ENGINE_STARTS[name] = time.monotonic() - began
    return server


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if ENGINE_STARTS:
        starts = ", ".join(f"{name} {took:.1f} s" for name, took in ENGINE_STARTS.items())
        terminalreporter.write_line(f"engine start times: {starts}")


@pytest.fixture(scope="session")
def redis_server() -> Iterator[RedisServer]:
    server = _timed("redis", start_redis)
    if server is None:
        missing("redis-server")
    assert server is not None
    yield server
    server.stop()


@pytest.fixture(scope="session")
def mariadb_server() -> Iterator[MariaDbServer]:
    server = _timed("mariadb", start_mariadb)
    if server is None:
        missing("MariaDB (mariadbd and mariadb-install-db)")
    assert server is not None
    yield server
    server.stop()


@pytest.fixture(scope="session")
def kafka_server() -> Iterator[KafkaServer]:
    server = _timed("kafka", start_kafka)
    if server is None:
        missing("Kafka (java and mvn, to fetch it from Maven Central)")
    assert server is not None
    yield server
    server.stop()


@pytest.fixture(scope="session")
def es_server() -> Iterator[ElasticsearchServer]:
    server = _timed("elasticsearch", start_elasticsearch)
    if server is None:
        missing("Elasticsearch (java and mvn, to fetch it from Maven Central)")
    assert server is not None
    yield server
    server.stop()


@pytest.fixture(scope="session")
def cassandra_server() -> Iterator[CassandraServer]:
    server = _timed("cassandra", start_cassandra)
    if server is None:
        missing("Cassandra (java 17 and mvn, to fetch it from Maven Central)")
    assert server is not None
    yield server
    server.stop()


@pytest.fixture(scope="session")
def cassandra_session(cassandra_server: CassandraServer) -> Iterator[CassandraSession]:
    """A session on the ``contract`` keyspace, migrated, shared by every Cassandra test
    that does not stop its server (see ``tests/cassandra_support.py``)."""
    from tests.cassandra_support import migrated_session

    session = migrated_session(cassandra_server)
    yield session
    session.close()


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
