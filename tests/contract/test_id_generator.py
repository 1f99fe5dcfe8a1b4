"""Contract of :class:`~instagram_core.ports.IdGenerator`, run against every adapter."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from itertools import pairwise

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from instagram_adapters.memory.clock import ManualClock
from instagram_adapters.memory.ids import SnowflakeIdGenerator
from instagram_core.domain.ids import MAX_SEQUENCE, MAX_WORKER_ID, SEQUENCE_BITS, id_timestamp_ms
from instagram_core.ports import Clock, IdGenerator

T0 = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
T0_MS = int(T0.timestamp() * 1000)
MakeGenerator = Callable[[Clock, int], IdGenerator]


class ScriptedClock:
    """Reads from a script, backwards steps included: what a broken clock looks like."""

    def __init__(self, moments: list[datetime]) -> None:
        self._moments = moments
        self._index = 0
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            moment = self._moments[min(self._index, len(self._moments) - 1)]
            self._index += 1
            return moment


@pytest.fixture(params=[pytest.param(SnowflakeIdGenerator, id="snowflake")])
def make_generator(request: pytest.FixtureRequest) -> MakeGenerator:
    factory: MakeGenerator = request.param
    return factory


def worker_of(snowflake: int) -> int:
    return (snowflake >> SEQUENCE_BITS) & MAX_WORKER_ID


def test_ids_carry_the_clock_time_and_worker(make_generator: MakeGenerator) -> None:
    clock = ManualClock(T0)
    generator = make_generator(clock, 7)
    first = generator.next_id()
    clock.advance(2.5)
    second = generator.next_id()
    assert id_timestamp_ms(first) == T0_MS
    assert id_timestamp_ms(second) == T0_MS + 2500
    assert worker_of(first) == worker_of(second) == 7


def test_ids_strictly_increase_while_the_clock_stands_still(make_generator: MakeGenerator) -> None:
    generator = make_generator(ManualClock(T0), 1)
    ids = [generator.next_id() for _ in range(3 * (MAX_SEQUENCE + 1))]
    assert all(a < b for a, b in pairwise(ids))


def test_sequence_overflow_borrows_the_next_millisecond(make_generator: MakeGenerator) -> None:
    generator = make_generator(ManualClock(T0), 1)
    ids = [generator.next_id() for _ in range(MAX_SEQUENCE + 2)]
    assert id_timestamp_ms(ids[MAX_SEQUENCE]) == T0_MS
    assert id_timestamp_ms(ids[-1]) == T0_MS + 1


def test_ids_keep_increasing_when_the_clock_goes_back(make_generator: MakeGenerator) -> None:
    back = [T0, T0 - timedelta(seconds=10), T0 - timedelta(seconds=5), T0 + timedelta(seconds=1)]
    generator = make_generator(ScriptedClock(back), 3)
    ids = [generator.next_id() for _ in back]
    assert ids == sorted(set(ids))
    assert id_timestamp_ms(ids[-1]) == T0_MS + 1000


@pytest.mark.parametrize("worker_id", [-1, MAX_WORKER_ID + 1])
def test_worker_id_out_of_range_is_refused(make_generator: MakeGenerator, worker_id: int) -> None:
    with pytest.raises(ValueError, match="worker"):
        make_generator(ManualClock(T0), worker_id)


def test_user_ids_are_canonical_random_uuids(make_generator: MakeGenerator) -> None:
    generator = make_generator(ManualClock(T0), 0)
    user_ids = [generator.new_user_id() for _ in range(100)]
    assert len(set(user_ids)) == 100
    for user_id in user_ids:
        parsed = uuid.UUID(user_id)
        assert str(parsed) == user_id
        assert parsed.version == 4


@settings(
    deadline=None,
    max_examples=25,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(threads=st.integers(1, 6), per_thread=st.integers(1, 3000))
def test_ids_are_unique_and_increasing_per_thread_under_concurrency(
    make_generator: MakeGenerator, threads: int, per_thread: int
) -> None:
    generator = make_generator(ManualClock(T0), 5)
    results: list[list[int]] = [[] for _ in range(threads)]

    def produce(out: list[int]) -> None:
        out.extend(generator.next_id() for _ in range(per_thread))

    workers = [threading.Thread(target=produce, args=(out,)) for out in results]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    for out in results:
        assert all(a < b for a, b in pairwise(out))
    assert len({i for out in results for i in out}) == threads * per_thread


@settings(
    max_examples=50,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps_ms=st.lists(st.integers(-5_000, 5_000), min_size=1, max_size=200))
def test_ids_strictly_increase_whatever_the_clock_does(
    make_generator: MakeGenerator, steps_ms: list[int]
) -> None:
    moments, current = [], T0
    for step in steps_ms:
        current += timedelta(milliseconds=step)
        moments.append(current)
    generator = make_generator(ScriptedClock(moments), 2)
    ids = [generator.next_id() for _ in moments]
    assert all(a < b for a, b in pairwise(ids))
