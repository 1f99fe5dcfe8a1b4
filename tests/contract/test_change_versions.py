"""Contract of the ChangeVersions port, run against every adapter."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from instagram_adapters.memory.change_versions import InMemoryChangeVersions
from instagram_adapters.memory.clock import ManualClock
from instagram_adapters.redis.change_versions import RedisChangeVersions
from instagram_core.domain.errors import Unavailable
from instagram_core.ports.change_versions import ChangeVersions
from tests.redis_support import fresh_redis

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


@pytest.fixture(params=["memory", "redis"])
def versions(request: pytest.FixtureRequest) -> ChangeVersions:
    if request.param == "memory":
        return InMemoryChangeVersions(ManualClock(T0))
    return RedisChangeVersions(fresh_redis(request))


def test_an_unknown_key_reads_zero(versions: ChangeVersions) -> None:
    assert versions.read(["p:1", "u:ann"]) == (0, 0)
    assert versions.read([]) == ()


def test_a_bump_changes_only_its_keys(versions: ChangeVersions) -> None:
    versions.bump(["p:1", "u:ann"])
    first = versions.read(["p:1", "u:ann", "p:2"])
    assert 0 not in first[:2]
    assert first[2] == 0
    versions.bump(["p:1"])
    second = versions.read(["p:1", "u:ann", "p:2"])
    assert second[0] not in (0, first[0])
    assert second[1:] == first[1:]


def test_an_empty_bump_is_a_no_op(versions: ChangeVersions) -> None:
    versions.bump([])
    versions.bump(iter(()))
    assert versions.read(["p:1"]) == (0,)


def test_a_bump_takes_any_iterable_once(versions: ChangeVersions) -> None:
    versions.bump(f"f:{n}" for n in range(2500))  # more than one pipeline's worth
    assert 0 not in versions.read([f"f:{n}" for n in range(2500)])


@given(bumps=st.lists(st.sampled_from(["a", "b", "c"]), min_size=1, max_size=30))
@settings(max_examples=30, deadline=None)
def test_a_key_never_gets_an_earlier_version_back(bumps: list[str]) -> None:
    versions = InMemoryChangeVersions(ManualClock(T0))
    seen: dict[str, set[int]] = {"a": set(), "b": set(), "c": set()}
    for key in bumps:
        versions.bump([key])
        (version,) = versions.read([key])
        assert version not in seen[key]
        seen[key].add(version)


def test_memory_forgets_keys_after_the_retention() -> None:
    clock = ManualClock(T0)
    versions = InMemoryChangeVersions(clock, retention_seconds=60)
    versions.bump(["old"])
    clock.advance(30)
    versions.bump(["recent"])
    clock.advance(31)
    versions.bump(["now"])  # a bump forgets what is past the retention
    assert versions.read(["old"]) == (0,)
    assert versions.read(["recent"])[0] != 0


def test_redis_keys_expire_after_the_retention(request: pytest.FixtureRequest) -> None:
    client = fresh_redis(request)
    versions = RedisChangeVersions(client, retention_seconds=1)
    versions.bump(["p:1"])
    assert 0 < client.ttl("change:p:1") <= 1
    time.sleep(1.2)
    assert versions.read(["p:1"]) == (0,)


def test_redis_down_is_unavailable() -> None:
    from instagram_adapters.redis.client import redis_client

    versions = RedisChangeVersions(redis_client("redis://127.0.0.1:1/0"))
    with pytest.raises(Unavailable):
        versions.bump(["p:1"])
    with pytest.raises(Unavailable):
        versions.read(["p:1"])
