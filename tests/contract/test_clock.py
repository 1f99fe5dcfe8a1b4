"""Contract of :class:`~instagram_core.ports.Clock`, plus the manual clock's controls."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone

import pytest

from instagram_adapters.memory.clock import ManualClock, SystemClock
from instagram_core.ports import Clock

T0 = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


@pytest.fixture(
    params=[
        pytest.param(SystemClock, id="system"),
        pytest.param(lambda: ManualClock(T0), id="manual"),
    ]
)
def clock(request: pytest.FixtureRequest) -> Clock:
    factory: Callable[[], Clock] = request.param
    return factory()


def test_now_is_aware_utc(clock: Clock) -> None:
    moment = clock.now()
    assert moment.tzinfo is not None
    assert moment.utcoffset() == timedelta(0)


def test_now_never_goes_backwards_across_threads(clock: Clock) -> None:
    failures: list[str] = []

    def watch() -> None:
        previous = clock.now()
        for _ in range(2000):
            current = clock.now()
            if current < previous:
                failures.append(f"{current} < {previous}")
            previous = current

    threads = [threading.Thread(target=watch) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []


def test_system_clock_holds_its_last_reading_when_the_wall_clock_steps_back(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    readings = iter([T0, T0 - timedelta(seconds=5), T0 + timedelta(seconds=1)])

    class SteppingDatetime(datetime):
        @classmethod
        def now(cls, tz: object = None) -> SteppingDatetime:
            return next(readings)  # type: ignore[return-value]

    monkeypatch.setattr("instagram_adapters.memory.clock.datetime", SteppingDatetime)
    clock = SystemClock()
    assert [clock.now(), clock.now(), clock.now()] == [T0, T0, T0 + timedelta(seconds=1)]


def test_system_clock_follows_the_wall_clock() -> None:
    before = datetime.now(UTC)
    reading = SystemClock().now()
    assert before <= reading <= datetime.now(UTC)


def test_manual_clock_starts_where_told_and_normalises_to_utc() -> None:
    plus_two = timezone(timedelta(hours=2))
    clock = ManualClock(datetime(2024, 5, 1, 14, 0, tzinfo=plus_two))
    assert clock.now() == T0
    assert clock.now().tzinfo is UTC


def test_manual_clock_refuses_naive_datetimes() -> None:
    with pytest.raises(ValueError, match="naive"):
        ManualClock(datetime(2024, 5, 1))
    clock = ManualClock(T0)
    with pytest.raises(ValueError, match="naive"):
        clock.set(datetime(2025, 1, 1))


def test_manual_clock_advances_by_seconds_or_timedelta() -> None:
    clock = ManualClock(T0)
    assert clock.advance(1.5) == T0 + timedelta(seconds=1.5)
    clock.advance(timedelta(minutes=1))
    clock.advance(0)
    assert clock.now() == T0 + timedelta(seconds=61.5)


def test_manual_clock_set_jumps_forward_or_stays() -> None:
    clock = ManualClock(T0)
    later = T0 + timedelta(days=1)
    clock.set(later)
    clock.set(later)
    assert clock.now() == later


def test_manual_clock_never_goes_backwards() -> None:
    clock = ManualClock(T0)
    with pytest.raises(ValueError, match="backwards"):
        clock.advance(-1)
    with pytest.raises(ValueError, match="backwards"):
        clock.advance(timedelta(seconds=-1))
    with pytest.raises(ValueError, match="backwards"):
        clock.set(T0 - timedelta(microseconds=1))
    assert clock.now() == T0


def test_manual_clock_advances_atomically_under_concurrency() -> None:
    clock = ManualClock(T0)

    def tick() -> None:
        for _ in range(500):
            clock.advance(timedelta(microseconds=1))

    threads = [threading.Thread(target=tick) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert clock.now() == T0 + timedelta(microseconds=2000)
