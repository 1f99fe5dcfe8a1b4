"""Small factories the containers call: resources with a lifecycle, and the late-bound bus
that breaks the cycle between the event bus and the services that both use it and handle it."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from typing import Any

from instagram_adapters.memory.best_effort import BestEffortLane
from instagram_adapters.memory.event_bus import InProcessEventBus
from instagram_adapters.onnx.detector import ModerationModelMissing
from instagram_adapters.onnx.image_moderator import OnnxImageModerator
from instagram_adapters.pillow.pool import ProcessPoolMediaProcessor
from instagram_adapters.pillow.processor import PillowMediaProcessor
from instagram_adapters.sqlite.database import SqliteDatabase
from instagram_adapters.sqlite.event_bus import SqliteEventBus
from instagram_adapters.textmod.classifier import TextClassifierModerator
from instagram_core.domain.events import BEST_EFFORT_MESSAGES, Message
from instagram_core.ports.events import DeadLetterHook, EventBus, HandlerMap
from instagram_core.ports.moderation import Moderator
from instagram_core.ports.processing import MediaProcessor

log = logging.getLogger("instagram")


class LateBoundBus:
    """The event bus as the services see it, resolved at the first publish.

    The bus needs its handlers, the handlers are services, and the services publish to the
    bus: binding late breaks the cycle without a mutable registry."""

    def __init__(self, resolve: Callable[[], EventBus]) -> None:
        self._resolve = resolve

    def publish(self, message: Message) -> None:
        self._resolve().publish(message)


def open_database(path: str) -> Iterator[SqliteDatabase]:
    database = SqliteDatabase(path)
    try:
        yield database
    finally:
        database.close()


def run_event_bus(
    handlers: HandlerMap,
    workers: int,
    on_dead_letter: DeadLetterHook | None = None,
) -> Iterator[Any]:
    """Start the in-process bus's workers; on shutdown finish the queued work first."""
    bus = InProcessEventBus(handlers, workers=workers, on_dead_letter=on_dead_letter)
    bus.start()
    try:
        yield bus
    finally:
        bus.stop(timeout=30)


def run_durable_bus(
    database: SqliteDatabase,
    handlers: HandlerMap,
    workers: int,
    on_dead_letter: DeadLetterHook | None = None,
) -> Iterator[Any]:
    """The embedded profile's bus, its queue in the SQLite file: work queued before a
    crash (kill -9 included) runs at the next start. On shutdown, finish what can be
    finished in 30 s; the rest stays queued in the file."""
    bus = SqliteEventBus(database, handlers, workers=workers, on_dead_letter=on_dead_letter)
    bus.start()
    try:
        yield bus
    finally:
        bus.stop(timeout=30)


def run_lane(lane: BestEffortLane) -> Iterator[BestEffortLane]:
    """A hint lane's writer thread for the process's life; shutdown writes what is
    buffered (each profile's resource builds its lane and runs it through this)."""
    lane.start()
    try:
        yield lane
    finally:
        lane.stop(timeout=30)


def run_best_effort_lane(database: SqliteDatabase, handlers: HandlerMap) -> Iterator[Any]:
    """The embedded profile's lane for hints (``BEST_EFFORT_MESSAGES``): a bounded buffer
    written by one thread, one SQLite transaction (one ``fsync``) per batch instead of three
    commits per message on the durable bus. Shutdown writes what is buffered."""
    kinds = BEST_EFFORT_MESSAGES
    lane = BestEffortLane(
        {kind: list(handlers.get(kind, ())) for kind in kinds},
        scope=database.transaction,
        flush_every=0.1,
        batch=128,
        capacity=10_000,
    )
    yield from run_lane(lane)


TEXT_REFUSAL_THRESHOLD = 0.97
ENCODER_THREADS = 2


def default_moderator(image_threshold: float) -> Moderator:
    """The trained text classifier for captions and comments, with the ONNX nudity detector
    for images when the optional ``moderation`` extra (AGPL-3.0: NudeNet's model) is
    installed; without it images pass unchecked, which the start-up log says."""
    # A refused caption or comment blocks a real person, so the classifier must be sure: at
    # 0.97 ordinary lines it never saw ("need to visit", "bench post 100 #bench") pass while
    # the spam and insults it was trained on still fail. Borderline text is let through.
    text = TextClassifierModerator(threshold=TEXT_REFUSAL_THRESHOLD)
    try:
        return OnnxImageModerator(threshold=image_threshold, text_moderator=text)
    except ModerationModelMissing as missing:
        log.warning("image moderation is off: %s", missing)
        return text


def open_media_processor(max_pixels: int, workers: int) -> Iterator[MediaProcessor]:
    """Photos are processed in ``workers`` processes (one per core when 0 is not given),
    so that two uploads use two cores; ``workers=0`` processes in the calling thread. Each
    processor also encodes on a second thread while it resizes: a lone upload then uses an
    idle core too, and a busy pool loses no throughput (measured in bench_media_pool)."""
    if workers == 0:
        in_thread = PillowMediaProcessor(max_pixels=max_pixels, threads=ENCODER_THREADS)
        try:
            yield in_thread
        finally:
            in_thread.close()
        return
    pool = ProcessPoolMediaProcessor(
        workers=workers if workers > 0 else None,
        max_pixels=max_pixels,
        threads=ENCODER_THREADS,
    )
    try:
        yield pool
    finally:
        pool.close()
