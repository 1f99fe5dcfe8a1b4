"""Contract of :class:`~instagram_core.ports.RateLimiter`, run against every adapter."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from instagram_adapters.memory.clock import ManualClock
from instagram_adapters.memory.rate_limiter import InMemoryRateLimiter
from instagram_adapters.redis.rate_limiter import RedisRateLimiter
from instagram_core.ports import Clock, RateLimiter
from tests.redis_support import fresh_redis

T0 = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
MakeLimiter = Callable[[Clock], RateLimiter]


@pytest.fixture(params=["memory", "redis"])
def make_limiter(request: pytest.FixtureRequest) -> MakeLimiter:
    """A factory of empty limiters on a given clock (hypothesis needs one per example)."""
    if request.param == "memory":
        return InMemoryRateLimiter
    client = fresh_redis(request)

    def make(clock: Clock) -> RateLimiter:
        client.flushdb()
        return RedisRateLimiter(client, clock)

    return make


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(T0)


@pytest.fixture
def limiter(make_limiter: MakeLimiter, clock: ManualClock) -> RateLimiter:
    return make_limiter(clock)


def test_allows_up_to_the_limit_counting_down_remaining(limiter: RateLimiter) -> None:
    decisions = [limiter.hit("ann", 3, 60) for _ in range(3)]
    assert [d.allowed for d in decisions] == [True, True, True]
    assert [d.remaining for d in decisions] == [2, 1, 0]
    assert all(d.retry_after == 0 for d in decisions)


def test_refuses_beyond_the_limit_until_the_oldest_attempt_leaves(
    limiter: RateLimiter, clock: ManualClock
) -> None:
    limiter.hit("ann", 2, 60)
    clock.advance(10)
    limiter.hit("ann", 2, 60)
    clock.advance(5)
    refused = limiter.hit("ann", 2, 60)
    assert (refused.allowed, refused.remaining) == (False, 0)
    assert refused.retry_after == pytest.approx(45)
    clock.advance(44.999)
    assert not limiter.hit("ann", 2, 60).allowed
    clock.advance(0.001)
    assert limiter.hit("ann", 2, 60).allowed


def test_refused_attempts_are_not_counted(limiter: RateLimiter, clock: ManualClock) -> None:
    limiter.hit("ann", 1, 60)
    for _ in range(59):
        clock.advance(1)
        assert not limiter.hit("ann", 1, 60).allowed
    clock.advance(1)
    assert limiter.hit("ann", 1, 60).allowed


def test_the_window_slides_rather_than_resetting(limiter: RateLimiter, clock: ManualClock) -> None:
    limiter.hit("ann", 2, 60)
    clock.advance(30)
    limiter.hit("ann", 2, 60)
    clock.advance(30)
    assert limiter.hit("ann", 2, 60).allowed  # the first attempt has just left
    clock.advance(1)
    refused = limiter.hit("ann", 2, 60)
    assert not refused.allowed
    assert refused.retry_after == pytest.approx(29)


def test_keys_are_independent(limiter: RateLimiter) -> None:
    assert limiter.hit("ann", 1, 60).allowed
    assert not limiter.hit("ann", 1, 60).allowed
    assert limiter.hit("bob", 1, 60).allowed


@pytest.mark.parametrize(("limit", "window"), [(0, 60), (1, 0), (-1, 60)])
def test_nonsense_limits_are_refused(limiter: RateLimiter, limit: int, window: int) -> None:
    with pytest.raises(ValueError, match="at least 1"):
        limiter.hit("ann", limit, window)


def test_concurrent_attempts_never_exceed_the_limit(limiter: RateLimiter) -> None:
    allowed: list[bool] = []
    lock = threading.Lock()

    def hammer() -> None:
        mine = [limiter.hit("ann", 50, 60).allowed for _ in range(100)]
        with lock:
            allowed.extend(mine)

    threads = [threading.Thread(target=hammer) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert allowed.count(True) == 50


def test_memory_limiter_prunes_keys_whose_attempts_expired(clock: ManualClock) -> None:
    limiter = InMemoryRateLimiter(clock)
    for n in range(100):
        limiter.hit(f"ip-{n}", 5, 60)
    assert limiter.tracked_keys() == 100
    clock.advance(60)
    for _ in range(101):  # the sweep is amortised: at most one per tracked key
        limiter.hit("fresh", 1, 60)
    assert limiter.tracked_keys() == 1


steps = st.lists(
    st.tuples(st.sampled_from(["ann", "bob"]), st.integers(0, 20_000), st.booleans()),
    max_size=120,
)


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(limit=st.integers(1, 6), window=st.integers(1, 30), steps=steps)
def test_decisions_match_an_exact_sliding_window(
    make_limiter: MakeLimiter, limit: int, window: int, steps: list[tuple[str, int, bool]]
) -> None:
    """Allowed exactly when fewer than ``limit`` counted attempts lie in ``(now - window,
    now]``, so no window ever holds more than ``limit``; a refusal's ``retry_after`` is when
    the oldest of them leaves. A peek decides the same as a hit would and counts nothing."""
    clock = ManualClock(T0)
    limiter = make_limiter(clock)
    counted: dict[str, list[datetime]] = {"ann": [], "bob": []}
    span = timedelta(seconds=window)
    for key, step_ms, peeking in steps:
        now = clock.advance(timedelta(milliseconds=step_ms))
        live = [t for t in counted[key] if t > now - span]
        if peeking:
            peeked = limiter.peek(key, limit, window)
            assert peeked.allowed == (len(live) < limit)
            assert peeked.remaining == max(0, limit - len(live))
            if not peeked.allowed:
                expected = (live[-limit] + span - now).total_seconds()
                assert peeked.retry_after == pytest.approx(expected)
            continue
        decision = limiter.hit(key, limit, window)
        assert decision.allowed == (len(live) < limit)
        if decision.allowed:
            counted[key].append(now)
            assert decision.remaining == limit - len(live) - 1
        else:
            expected = (live[-limit] + span - now).total_seconds()
            assert decision.retry_after == pytest.approx(expected)
            assert decision.retry_after > 0
    for times in counted.values():
        for start in times:
            assert sum(start <= t < start + span for t in times) <= limit


def test_redis_log_expires_two_windows_after_the_last_counted_attempt(
    request: pytest.FixtureRequest, clock: ManualClock
) -> None:
    client = fresh_redis(request)
    limiter = RedisRateLimiter(client, clock)
    limiter.hit("ann", 1, 30)
    first = client.pttl("rate:ann")
    assert 59_000 < first <= 60_000
    limiter.hit("ann", 1, 30)  # refused: neither logged nor extending the expiry
    assert client.zcard("rate:ann") == 1
    assert client.pttl("rate:ann") <= first


def test_redis_counts_attempts_in_the_same_microsecond(
    request: pytest.FixtureRequest, clock: ManualClock
) -> None:
    limiter = RedisRateLimiter(fresh_redis(request), clock)
    assert [limiter.hit("ann", 3, 1).remaining for _ in range(3)] == [2, 1, 0]
    assert not limiter.hit("ann", 3, 1).allowed
