"""Contract of the ChangeVersions port, run against every adapter."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import redis
from hypothesis import given, settings
from hypothesis import strategies as st

from instagram_adapters.memory.change_versions import InMemoryChangeVersions
from instagram_adapters.memory.clock import ManualClock
from instagram_adapters.redis.change_versions import HASH_PREFIX, RedisChangeVersions
from instagram_adapters.redis.client import KEYS_PER_CALL
from instagram_core.domain.errors import Unavailable
from instagram_core.ports.change_versions import ChangeVersions
from tests.redis_support import fresh_redis, let_expire

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


def _period(client: redis.Redis, span: int) -> int:
    seconds, _ = client.time()
    return int(seconds) // span


def test_redis_keeps_a_bump_one_to_two_retentions(request: pytest.FixtureRequest) -> None:
    """Versions live in one hash per retention period, which expires whole two periods
    after the period starts: at least one retention after any bump in it."""
    client = fresh_redis(request)
    versions = RedisChangeVersions(client, retention_seconds=60)
    versions.bump(["p:1"])
    period = _period(client, 60)
    hash_key = f"{HASH_PREFIX}{period}"
    if not client.hexists(hash_key, "p:1"):  # the period turned between bump and TIME
        period -= 1
        hash_key = f"{HASH_PREFIX}{period}"
    seconds, _ = client.time()
    assert client.hget(hash_key, "p:1") == str(versions.read(["p:1"])[0])
    assert client.expiretime(hash_key) == (period + 2) * 60 + 1
    assert client.expiretime(hash_key) - int(seconds) > 60
    let_expire(client, hash_key)  # Redis's clock cannot be moved; its TTL can be ended
    assert versions.read(["p:1"]) == (0,)


def test_redis_reads_the_previous_period_until_a_newer_bump(
    request: pytest.FixtureRequest,
) -> None:
    """A bump made in the last period (written here as its script would have) still
    counts; a newer bump wins over it; two periods back is past the retention."""
    client = fresh_redis(request)
    versions = RedisChangeVersions(client, retention_seconds=3600)
    period = _period(client, 3600)
    client.hset(f"{HASH_PREFIX}{period - 1}", mapping={"p:1": "11", "p:2": "12"})
    client.hset(f"{HASH_PREFIX}{period - 2}", "p:3", "13")
    assert versions.read(["p:1", "p:2", "p:3"]) == (11, 12, 0)
    versions.bump(["p:1"])
    (now,) = versions.read(["p:1"])
    assert now not in (0, 11)
    assert versions.read(["p:2"]) == (12,)


def test_redis_reads_and_bumps_in_calls_of_bounded_size(
    request: pytest.FixtureRequest,
) -> None:
    client = fresh_redis(request)
    versions = RedisChangeVersions(client)
    keys = [f"k:{n}" for n in range(KEYS_PER_CALL * 2 + 7)]
    versions.bump(keys[::2])
    found = versions.read(keys)
    assert len(found) == len(keys)
    assert 0 not in found[::2]
    assert set(found[1::2]) == {0}


def test_redis_down_is_unavailable() -> None:
    from instagram_adapters.redis.client import redis_client

    versions = RedisChangeVersions(redis_client("redis://127.0.0.1:1/0"))
    with pytest.raises(Unavailable):
        versions.bump(["p:1"])
    with pytest.raises(Unavailable):
        versions.read(["p:1"])
