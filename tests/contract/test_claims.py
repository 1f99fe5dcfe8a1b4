"""Contract of :class:`~instagram_core.ports.claims.ClaimStore`, run against every adapter."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from instagram_adapters.memory.claims import InMemoryClaimStore
from instagram_adapters.memory.clock import ManualClock
from instagram_adapters.redis.claims import RedisClaimStore
from instagram_core.ports.claims import ClaimStore
from instagram_core.ports.clock import Clock
from tests.redis_support import fresh_redis

T0 = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
MakeClaims = Callable[[Clock], ClaimStore]


@pytest.fixture(params=["memory", "redis"])
def make_claims(request: pytest.FixtureRequest) -> MakeClaims:
    """A factory of empty claim stores on a given clock (hypothesis needs one per example)."""
    if request.param == "memory":
        return InMemoryClaimStore
    client = fresh_redis(request)

    def make(clock: Clock) -> ClaimStore:
        client.flushdb()
        return RedisClaimStore(client, clock)

    return make


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(T0)


@pytest.fixture
def claims(make_claims: MakeClaims, clock: ManualClock) -> ClaimStore:
    return make_claims(clock)


def test_a_key_is_claimed_once_until_its_ttl_passes(claims: ClaimStore, clock: ManualClock) -> None:
    assert claims.claim("push:1", 60)
    assert not claims.claim("push:1", 60)
    clock.advance(59.999)
    assert not claims.claim("push:1", 60)
    clock.advance(0.001)
    assert claims.claim("push:1", 60)  # lapsed: claimed again, for another minute
    clock.advance(30)
    assert not claims.claim("push:1", 60)


def test_a_released_key_can_be_claimed_again(claims: ClaimStore) -> None:
    assert claims.claim("push:1", 60)
    claims.release("push:1")
    assert claims.claim("push:1", 60)
    claims.release("never-claimed")  # nothing to do


def test_keys_are_independent(claims: ClaimStore) -> None:
    assert claims.claim("a", 60)
    assert claims.claim("b", 60)
    claims.release("b")
    assert not claims.claim("a", 60)


@pytest.mark.parametrize("ttl", [0, -5])
def test_a_nonsense_ttl_is_refused(claims: ClaimStore, ttl: int) -> None:
    with pytest.raises(ValueError, match="ttl_seconds"):
        claims.claim("a", ttl)


def test_of_racing_claims_exactly_one_wins(claims: ClaimStore) -> None:
    start = threading.Barrier(8)
    won: list[bool] = []
    lock = threading.Lock()

    def race() -> None:
        start.wait()
        result = claims.claim("contended", 60)
        with lock:
            won.append(result)

    threads = [threading.Thread(target=race) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(won) == [False] * 7 + [True]


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    steps=st.lists(
        st.tuples(
            st.sampled_from(["claim", "release", "wait"]),
            st.sampled_from("ab"),
            st.integers(min_value=1, max_value=120),
        ),
        max_size=30,
    )
)
def test_claims_match_a_model_of_lapse_times(
    make_claims: MakeClaims, steps: list[tuple[str, str, int]]
) -> None:
    clock = ManualClock(T0)
    claims = make_claims(clock)
    lapses: dict[str, datetime] = {}
    for action, key, seconds in steps:
        if action == "wait":
            clock.advance(seconds)
        elif action == "release":
            claims.release(key)
            lapses.pop(key, None)
        else:
            free = key not in lapses or lapses[key] <= clock.now()
            assert claims.claim(key, seconds) == free
            if free:
                lapses[key] = clock.now() + timedelta(seconds=seconds)


def test_redis_drops_a_claim_two_ttls_after_it_was_taken(request: pytest.FixtureRequest) -> None:
    client = fresh_redis(request)
    claims = RedisClaimStore(client, ManualClock(T0))
    assert claims.claim("push:1", 60)
    assert 60_000 < client.pttl("claim:push:1") <= 120_000


def test_memory_claims_forget_lapsed_keys(clock: ManualClock) -> None:
    claims = InMemoryClaimStore(clock)
    for n in range(2000):
        claims.claim(f"k{n}", 1)
    clock.advance(2)
    for n in range(2000, 3100):
        claims.claim(f"k{n}", 1)
    assert claims.held_keys() == 1100  # the lapsed first 2000 were swept
