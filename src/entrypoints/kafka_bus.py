"""The production profile on Kafka: API processes publish, ``instagram worker`` consumes.

Set ``INSTAGRAM_KAFKA_BOOTSTRAP_SERVERS`` and the bus every service publishes to becomes
:class:`~instagram_adapters.kafka.publisher.KafkaEventBus`: no handler runs in the API process any
more, each runs in the worker kind that owns it (``worker_handlers``).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator

from dependency_injector import providers

from instagram_adapters.kafka.dead_letters import DeadLetterQueue
from instagram_adapters.kafka.publisher import KafkaEventBus
from instagram_adapters.kafka.topics import Topology, ensure_topics
from instagram_adapters.kafka.worker import KafkaWorker
from instagram_adapters.pillow.processor import PillowMediaProcessor
from instagram_core.services.handlers import WORKER_KINDS, worker_handlers
from instagram_entrypoints.config import Settings
from instagram_entrypoints.containers import Application, build_container

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


def open_kafka_bus(settings: Settings) -> Iterator[KafkaEventBus]:
    """The publisher, with the topics created first if missing (as MySQL is migrated at
    start; ``instagram migrate`` does both ahead of a deploy)."""
    create_topics(settings)
    bus = KafkaEventBus(settings.kafka_bootstrap_servers, topology(settings))
    try:
        yield bus
    finally:
        bus.close()


def use_kafka_bus(container: Application, settings: Settings) -> None:
    """Replace the in-process bus by the Kafka publisher. Photos are then processed by
    ``instagram worker media`` (see :func:`use_media_pool`), so this process only inspects
    upload headers and lists filters: it gets no process pool of its own."""
    container.core.running_bus.override(providers.Resource(open_kafka_bus, settings))
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


def dead_letter_queue(container: Application, settings: Settings) -> DeadLetterQueue:
    bus = container.core.running_bus()
    assert isinstance(bus, KafkaEventBus)
    return DeadLetterQueue(settings.kafka_bootstrap_servers, topology(settings), bus)


def run_workers(
    container: Application, settings: Settings, kinds: list[str], stop: threading.Event
) -> None:
    """One consumer-group member per kind, each in its own thread, until ``stop`` is set;
    each finishes its record in hand, commits and leaves its group."""
    bus = container.core.running_bus()
    assert isinstance(bus, KafkaEventBus)
    split = worker_handlers(container.core.workers())
    threads = []
    for kind in kinds:
        worker = KafkaWorker(
            settings.kafka_bootstrap_servers,
            topology(settings),
            group(settings, kind),
            split[kind],
            bus,
            max_attempts=settings.bus_max_attempts,
            backoff_seconds=settings.bus_backoff_seconds,
            on_dead_letter=container.core.give_up(),
        )
        thread = threading.Thread(target=worker.run, args=(stop,), name=f"worker-{kind}")
        thread.start()
        threads.append(thread)
    for thread in threads:
        thread.join()
