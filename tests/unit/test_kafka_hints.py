"""Page-shown hints on the Kafka profile: routed around the MySQL outbox to a bounded lane
that hands them to the producer without waiting, drops them while Kafka cannot take them,
and hands over what is buffered when the process stops."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from dependency_injector import providers

from instagram_adapters.kafka.hints import KafkaHintSender
from instagram_adapters.memory.best_effort import BestEffortLane
from instagram_core.domain.errors import Unavailable
from instagram_core.domain.events import FeedPageShown, FollowCreated, Message
from instagram_entrypoints.config import Settings
from instagram_entrypoints.containers import build_container
from instagram_entrypoints.kafka_bus import run_kafka_hint_lane

SHOWN = FeedPageShown("viewer", (1, 2, 3))


class FakeKafka:
    """``KafkaEventBus.publish_unacknowledged`` without a broker: ``down`` makes the
    producer refuse at once, ``refusals`` keeps each accepted record's failure callback."""

    def __init__(self) -> None:
        self.sent: list[Message] = []
        self.down = False
        self.attempts = 0
        self.refusals: list[Callable[[BaseException], object]] = []

    def publish_unacknowledged(
        self, message: Message, on_failure: Callable[[BaseException], object]
    ) -> None:
        self.attempts += 1
        if self.down:
            raise Unavailable("the event bus (Kafka) is unavailable")
        self.sent.append(message)
        self.refusals.append(on_failure)


class Ticks:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def sender(kafka: FakeKafka, ticks: Ticks) -> KafkaHintSender:
    return KafkaHintSender(kafka, pause_seconds=5.0, monotonic=ticks)  # type: ignore[arg-type]


def test_a_hint_is_handed_to_the_producer_and_nothing_is_lost() -> None:
    kafka, ticks = FakeKafka(), Ticks()
    send = sender(kafka, ticks)
    send(SHOWN)
    assert kafka.sent == [SHOWN]
    assert send.lost == 0


def test_while_kafka_cannot_take_hints_they_are_dropped_without_trying_then_tried_again() -> None:
    kafka, ticks = FakeKafka(), Ticks()
    send = sender(kafka, ticks)
    kafka.down = True
    for _ in range(50):
        send(SHOWN)
    # One attempt found the producer unable; the other 49 did not wait on it again.
    assert kafka.attempts == 1
    assert send.lost == 50
    kafka.down = False
    ticks.now += 4.9
    send(SHOWN)
    assert kafka.attempts == 1
    assert send.lost == 51
    ticks.now += 0.2
    send(SHOWN)
    assert kafka.sent == [SHOWN]
    assert send.lost == 51


def test_a_record_the_broker_refuses_later_is_counted_lost() -> None:
    kafka, ticks = FakeKafka(), Ticks()
    send = sender(kafka, ticks)
    send(SHOWN)
    send(SHOWN)
    kafka.refusals[1](TimeoutError("no acknowledgement"))
    assert send.lost == 1
    send(SHOWN)  # a refusal does not pause the lane: the producer took the next one
    assert len(kafka.sent) == 3


class FakeOutboxBus:
    def __init__(self) -> None:
        self.kafka = FakeKafka()


def test_the_kafka_lane_hands_over_what_is_buffered_when_the_process_stops() -> None:
    bus = FakeOutboxBus()
    running = run_kafka_hint_lane(bus)  # type: ignore[arg-type]
    lane = next(running)
    assert isinstance(lane, BestEffortLane)
    lane._flush_every = 3600.0  # the writer would wait an hour: only the stop can flush
    pages = [FeedPageShown(f"viewer{n}", (n,)) for n in range(40)]
    for page in pages:
        lane.publish(page)
    running.close()  # the resource's shutdown
    assert bus.kafka.sent == pages
    assert lane.pending() == 0
    assert lane.dropped == 0


def test_the_kafka_profile_routes_a_page_shown_around_the_outbox(tmp_path: Path) -> None:
    """The services' bus sends ``FeedPageShown`` to the hint lane, every other message to
    the running (outbox) bus; the lane is the Kafka hint lane resource."""
    settings = Settings(
        secret_key="test-secret-" + "x" * 32,
        profile="production",
        data_dir=tmp_path,
        kafka_bootstrap_servers="127.0.0.1:9",
    )
    container = build_container(settings)
    lane = container.core.hint_lane.last_overriding
    assert isinstance(lane, providers.Resource)
    assert lane.provides.__qualname__ == run_kafka_hint_lane.__qualname__
    durable: list[Message] = []
    hints: list[Message] = []

    class Recording:
        def __init__(self, into: list[Message]) -> None:
            self._into = into

        def publish(self, message: Message) -> None:
            self._into.append(message)

    container.core.running_bus.override(providers.Object(Recording(durable)))
    container.core.hint_lane.override(providers.Object(Recording(hints)))
    followed = FollowCreated("a", "b", pending=False)
    bus: Any = container.core.bus()
    bus.publish(SHOWN)
    bus.publish(followed)
    assert hints == [SHOWN]
    assert durable == [followed]
