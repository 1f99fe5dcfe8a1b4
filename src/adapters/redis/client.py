"""Building Redis clients, and the one place where driver errors become domain errors."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from itertools import islice
from typing import TypeVar

import redis
from redis.backoff import ExponentialBackoff
from redis.retry import Retry

from instagram_core.domain.errors import Unavailable

T = TypeVar("T")

KEYS_PER_CALL = 1000  # keys per script call or pipeline: bounded work per round trip


def redis_client(
    url: str,
    *,
    socket_timeout: float = 1.0,
    connect_timeout: float = 0.5,
    health_check_interval: int = 15,
) -> redis.Redis:
    """A client for the adapters of this package: replies decoded to ``str``, short timeouts.

    A cache that answers slowly is worse than one that is down: the core degrades on
    ``Unavailable`` (the feed is served from the post store), so calls fail fast instead of
    queueing behind a dead server. One quick retry on a connection error reconnects a pooled
    connection that a restart or failover left stale; redis-py's default (ten, with backoff
    up to a second) would hold a request for seconds during an outage. Connecting is lazy:
    building the client never touches the network.
    """
    return redis.Redis.from_url(
        url,
        decode_responses=True,
        socket_timeout=socket_timeout,
        socket_connect_timeout=connect_timeout,
        health_check_interval=health_check_interval,
        retry=Retry(ExponentialBackoff(cap=0.05, base=0.01), retries=1),
    )


@contextmanager
def translate_errors() -> Iterator[None]:
    """Raise :class:`Unavailable` in place of any redis-py error, chained to it.

    Every ``RedisError`` counts as an outage, not only lost connections: ``LOADING``,
    ``READONLY`` after a failover, ``OOM`` and ``CLUSTERDOWN`` all mean "this dependency
    cannot serve now", and the core's answers to that (degrade, retry the job) are right
    for each. A malformed command is a bug the contract suites catch, not something a
    caller could handle differently.
    """
    try:
        yield
    except redis.RedisError as exc:
        raise Unavailable(f"redis: {type(exc).__name__}: {exc}") from exc


def chunked(items: Iterable[T], size: int = KEYS_PER_CALL) -> Iterator[Sequence[T]]:
    """Consecutive tuples of at most ``size`` items."""
    iterator = iter(items)
    while chunk := tuple(islice(iterator, size)):
        yield chunk


def as_text(value: str | bytes) -> str:
    """A reply as ``str``, whether or not the client decodes responses."""
    return value.decode() if isinstance(value, bytes) else value
