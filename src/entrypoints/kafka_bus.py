"""The production profile on Kafka: API processes publish, ``instagram worker`` consumes.

Set ``INSTAGRAM_KAFKA_BOOTSTRAP_SERVERS`` and the bus every service publishes to becomes
:class:`~instagram_adapters.kafka.outbox.OutboxEventBus`: a message is a row of the MySQL outbox
(in the transaction of the write it announces, through
:class:`~instagram_adapters.mysql.unit_of_work.MySqlUnitOfWork`), and an
:class:`~instagram_adapters.kafka.outbox.OutboxRelay` thread in every API and worker process
moves the rows to Kafka. No handler runs in the API process any more, each runs in the
worker kind that owns it (``worker_handlers``).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial

from dependency_injector import providers

from instagram_adapters.kafka.dead_letters import DeadLetterQueue
from instagram_adapters.kafka.hints import KafkaHintSender
from instagram_adapters.kafka.intents import OutboxIntents
from instagram_adapters.kafka.outbox import OutboxEventBus, OutboxRelay
from instagram_adapters.kafka.publisher import KafkaEventBus
from instagram_adapters.kafka.topics import Topology, ensure_topics
from instagram_adapters.kafka.worker import KafkaWorker
from instagram_adapters.memory.best_effort import BestEffortLane
from instagram_adapters.mysql.outbox import MySqlOutbox
from instagram_adapters.mysql.pool import MySqlPool
from instagram_adapters.mysql.unit_of_work import MySqlUnitOfWork
from instagram_adapters.pillow.processor import PillowMediaProcessor
from instagram_core.domain.events import BEST_EFFORT_MESSAGES
from instagram_core.services.handlers import WORKER_KINDS, worker_handlers
from instagram_entrypoints.config import Settings
from instagram_entrypoints.containers import Application, build_container, route_hints
from instagram_entrypoints.wiring import run_lane

log = logging.getLogger("instagram")


def topology(settings: Settings) -> Topology:
    return Topology(
        prefix=settings.kafka_topic_prefix,
        partitions=settings.kafka_partitions,
        retention_ms=settings.kafka_retention_hours * 3_600_000,
    )


def group(settings: Settings, kind: str) -> str:
    return f"{settings.kafka_topic_prefix}.{kind}"


def create_topics(settings: Settings) -> list[str]:
    """Every topic of the fleet: families, one retry topic per worker kind, dead letters."""
    groups = [group(settings, kind) for kind in WORKER_KINDS]
    return ensure_topics(settings.kafka_bootstrap_servers, topology(settings), groups)


def open_outbox_bus(settings: Settings, pool: MySqlPool) -> Iterator[OutboxEventBus]:
    """The outbox bus and its relay thread. The topics are created first if missing (as
    MySQL is migrated at start; ``instagram migrate`` does both ahead of a deploy). With
    Kafka down the process starts anyway, the outbox holds the messages, and the relay
    creates the topics before its first send."""
    prepare: Callable[[], object] | None = None
    try:
        create_topics(settings)
    except Exception as exc:  # any broker trouble: the outbox covers it
        log.warning("Kafka did not answer at start (%r); the outbox holds messages", exc)
        prepare = partial(create_topics, settings)
    kafka = KafkaEventBus(settings.kafka_bootstrap_servers, topology(settings))
    outbox = MySqlOutbox(pool)
    relay = OutboxRelay(outbox, kafka, prepare=prepare)
    relay.start()
    try:
        yield OutboxEventBus(outbox, topology(settings), relay, kafka)
    finally:
        relay.stop()
        kafka.close()


def run_kafka_hint_lane(bus: OutboxEventBus) -> Iterator[BestEffortLane]:
    """The Kafka profile's lane for hints (``BEST_EFFORT_MESSAGES``): the request thread
    appends to a bounded buffer (oldest dropped and counted when full); one thread hands
    batches to the producer every 50 ms without waiting for acknowledgements. It depends on
    the outbox bus resource, so it stops (handing over what is buffered) before the
    producer is closed, and closing the producer sends what it holds."""
    sender = KafkaHintSender(bus.kafka)
    lane = BestEffortLane(
        {kind: [sender] for kind in BEST_EFFORT_MESSAGES},
        flush_every=0.05,
        batch=256,
        capacity=10_000,
    )
    yield from run_lane(lane)


def use_kafka_bus(container: Application, settings: Settings) -> None:
    """Replace the in-process bus by the Kafka outbox bus, the unit of work by one MySQL
    transaction that writes the outbox rows with the state, and the intents by outbox rows
    held before the Cassandra or Redis write they announce. Photos are then processed
    by ``instagram worker media`` (see :func:`worker_container`), so this process only
    inspects upload headers and lists filters: it gets no process pool of its own."""
    adapters = container.adapters
    bus = providers.Resource(open_outbox_bus, settings, adapters.mysql)
    container.core.running_bus.override(bus)
    container.core.unit.override(
        providers.Singleton(MySqlUnitOfWork, adapters.mysql, bus, on_commit=bus.provided.committed)
    )
    # Cassandra and Redis writes: their message is an outbox row held before the write.
    container.core.intents.override(
        providers.Singleton(
            OutboxIntents,
            providers.Singleton(MySqlOutbox, adapters.mysql),
            topology(settings),
            wake=bus.provided.committed,
        )
    )
    # A page shown skips the outbox: batched to the producer, no acknowledgement awaited.
    route_hints(container, providers.Resource(run_kafka_hint_lane, bus))
    container.adapters.processor.override(
        providers.Singleton(PillowMediaProcessor, max_pixels=settings.max_image_pixels)
    )


def worker_container(settings: Settings, name: str) -> Application:
    """The container of ``instagram worker <name>``: the media worker (alone or in
    ``all``) processes photos, so it, and only it, gets the media process pool back."""
    container = build_container(settings)
    if name in ("media", "all"):
        container.adapters.processor.reset_override()
    return container


@contextmanager
def dead_letter_queue(settings: Settings) -> Iterator[DeadLetterQueue]:
    """The dead letters, through a plain Kafka publisher (inspecting them needs no outbox)
    that is closed on the way out, in this thread."""
    bus = KafkaEventBus(settings.kafka_bootstrap_servers, topology(settings))
    try:
        yield DeadLetterQueue(settings.kafka_bootstrap_servers, topology(settings), bus)
    finally:
        bus.close()


def run_workers(
    container: Application, settings: Settings, kinds: list[str], stop: threading.Event
) -> None:
    """One consumer-group member per kind, each in its own thread, until ``stop`` is set;
    each finishes its record in hand, commits and leaves its group."""
    bus = container.core.running_bus()
    assert isinstance(bus, OutboxEventBus)
    split = worker_handlers(container.core.workers())
    threads = []
    for kind in kinds:
        worker = KafkaWorker(
            settings.kafka_bootstrap_servers,
            topology(settings),
            group(settings, kind),
            split[kind],
            bus.kafka,
            max_attempts=settings.bus_max_attempts,
            backoff_seconds=settings.bus_backoff_seconds,
            on_dead_letter=container.core.give_up(),
        )
        thread = threading.Thread(target=worker.run, args=(stop,), name=f"worker-{kind}")
        thread.start()
        threads.append(thread)
    for thread in threads:
        thread.join()
