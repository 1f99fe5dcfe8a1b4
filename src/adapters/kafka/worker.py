"""A consumer-group worker: runs its handlers on the family topics and its retry topic.

At least once: a record's offset is committed only after each of its handlers succeeded, was
scheduled for retry (written to the retry topic) or was dead-lettered (written to the
dead-letter topic), and those writes are acknowledged before the commit. A crash before the
commit redelivers the record; handlers are idempotent, so that changes nothing.

A failing handler never holds its partition: the retry is a new record in the group's retry
topic, naming the handler, the attempt and the time before which it must not run. A retry
record not yet due pauses only the retry partition until then.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import msgspec
from kafka import KafkaConsumer, OffsetAndMetadata, TopicPartition
from kafka.consumer.fetcher import ConsumerRecord
from kafka.errors import KafkaError

from instagram_adapters.kafka.envelope import Envelope, UnknownMessageType, decode, open_message
from instagram_adapters.kafka.letters import LetterV1, encode_letter
from instagram_adapters.kafka.publisher import KafkaEventBus
from instagram_adapters.kafka.topics import Topology
from instagram_adapters.memory.event_dispatch import PERMANENT_ERRORS, handler_name
from instagram_core.domain.errors import Unavailable
from instagram_core.domain.events import Message

Handler = Callable[[Any], None]
HandlerMap = Mapping[type[Message], Sequence[Handler]]
DeadLetterHook = Callable[[Message, str], None]

logger = logging.getLogger("instagram.bus")

POLL_SECONDS = 0.5
RECONNECT_SECONDS = 1.0


class KafkaWorker:
    """One member of consumer group ``group``. :meth:`run` polls until ``stop`` is set,
    then finishes the record in hand, commits what is done and leaves the group, which hands
    the rest of its partitions back to the other members."""

    def __init__(
        self,
        bootstrap_servers: str,
        topology: Topology,
        group: str,
        handlers: HandlerMap,
        bus: KafkaEventBus,
        max_attempts: int = 5,
        backoff_seconds: float = 1.0,
        on_dead_letter: DeadLetterHook | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if max_attempts < 1 or backoff_seconds < 0:
            raise ValueError("max_attempts must be at least 1 and backoff_seconds not negative")
        self._bootstrap = bootstrap_servers
        self._topology = topology
        self.group = group
        self._types = {kind.__name__: kind for kind in handlers}
        self._handlers = {kind.__name__: tuple(found) for kind, found in handlers.items()}
        self._by_name = {handler_name(h): h for found in self._handlers.values() for h in found}
        self._bus = bus
        self._max_attempts = max_attempts
        self._backoff = backoff_seconds
        self._on_dead_letter = on_dead_letter
        self._clock = clock
        self._retry_topic = topology.retry_topic(group)
        self._paused: dict[TopicPartition, float] = {}
        self._consumer: KafkaConsumer | None = None

    @property
    def topics(self) -> list[str]:
        return [*self._topology.family_topics(), self._retry_topic]

    def run(self, stop: threading.Event) -> None:
        consumer = self._open()
        try:
            while not stop.is_set():
                try:
                    self._poll_once(consumer, stop)
                except (Unavailable, KafkaError):
                    logger.exception("group %s: Kafka unavailable; retrying shortly", self.group)
                    stop.wait(RECONNECT_SECONDS)
        finally:
            self._consumer = None
            consumer.close(autocommit=False)

    def _open(self) -> KafkaConsumer:
        consumer = KafkaConsumer(
            *self.topics,
            bootstrap_servers=self._bootstrap,
            group_id=self.group,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            max_poll_records=200,
            session_timeout_ms=10_000,
            heartbeat_interval_ms=1_000,
            # new retry topics and partitions are seen within seconds, not minutes
            metadata_max_age_ms=5_000,
        )
        self._consumer = consumer
        return consumer

    def _poll_once(self, consumer: KafkaConsumer, stop: threading.Event) -> None:
        self._resume_due(consumer)
        batch = consumer.poll(timeout_ms=int(self._poll_wait() * 1000))
        done: dict[TopicPartition, OffsetAndMetadata] = {}
        # What the handlers publish is pipelined: acknowledged once, before the commit.
        with self._bus.deferring():
            try:
                self._handle_batch(consumer, batch, stop, done)
            except BaseException:
                # What was not finished is read again: back to the first unfinished record.
                for tp, records in batch.items():
                    if tp not in self._paused:
                        consumer.seek(tp, done[tp].offset if tp in done else records[0].offset)
                self._settle(consumer, batch, done)
                raise
            self._settle(consumer, batch, done)

    def _handle_batch(
        self,
        consumer: KafkaConsumer,
        batch: Mapping[TopicPartition, Sequence[ConsumerRecord]],
        stop: threading.Event,
        done: dict[TopicPartition, OffsetAndMetadata],
    ) -> None:
        for tp, records in batch.items():
            for record in records:
                if stop.is_set():
                    return  # the rest is handed back uncommitted
                due = self._not_before(tp, record)
                if due > self._clock():
                    self._pause(consumer, tp, record.offset, due)
                    break
                self._handle(tp, record)
                done[tp] = OffsetAndMetadata(record.offset + 1, "", -1)

    def _settle(
        self,
        consumer: KafkaConsumer,
        batch: Mapping[TopicPartition, Sequence[ConsumerRecord]],
        done: Mapping[TopicPartition, OffsetAndMetadata],
    ) -> None:
        """Commit what is done once everything its handlers published is acknowledged;
        if anything was not, nothing of the batch counts: it is all read again."""
        if not done:
            return
        try:
            self._bus.acknowledge_deferred()
        except Unavailable:
            for tp, records in batch.items():
                consumer.seek(tp, records[0].offset)
            raise
        consumer.commit(offsets=done)

    def _poll_wait(self) -> float:
        if not self._paused:
            return POLL_SECONDS
        return max(0.0, min(POLL_SECONDS, min(self._paused.values()) - self._clock()))

    def _not_before(self, tp: TopicPartition, record: ConsumerRecord) -> float:
        if tp.topic != self._retry_topic:
            return 0.0
        try:
            return decode(record.value).not_before
        except (msgspec.DecodeError, msgspec.ValidationError):
            return 0.0  # dead-lettered by _handle

    def _pause(self, consumer: KafkaConsumer, tp: TopicPartition, offset: int, due: float) -> None:
        consumer.pause(tp)
        consumer.seek(tp, offset)
        self._paused[tp] = due

    def _resume_due(self, consumer: KafkaConsumer) -> None:
        now = self._clock()
        due = [tp for tp, at in self._paused.items() if at <= now]
        for tp in due:
            del self._paused[tp]
        if due:
            consumer.resume(*due)

    def _handle(self, tp: TopicPartition, record: ConsumerRecord) -> None:
        source = f"{tp.topic}/{tp.partition}/{record.offset}"
        raw: bytes = record.value
        try:
            envelope = decode(raw)
        except (msgspec.DecodeError, msgspec.ValidationError) as exc:
            self._dead_letter(source, raw, None, f"undecodable envelope: {exc}", 1, None)
            return
        if envelope.handler is None and envelope.type not in self._handlers:
            return  # another group's message
        try:
            message = open_message(envelope, self._types)
        except (msgspec.DecodeError, msgspec.ValidationError, UnknownMessageType) as exc:
            self._dead_letter(source, raw, None, f"unreadable message: {exc!r}", 1, None)
            return
        if envelope.handler is None:
            chosen = self._handlers.get(envelope.type, ())
        else:
            handler = self._by_name.get(envelope.handler)
            if handler is None:
                error = f"no handler {envelope.handler} in group {self.group}"
                self._dead_letter(source, raw, envelope.handler, error, envelope.attempt, message)
                return
            chosen = (handler,)
        for handler in chosen:
            self._attempt(source, raw, envelope, message, handler)

    def _attempt(
        self, source: str, raw: bytes, envelope: Envelope, message: Message, handler: Handler
    ) -> None:
        name = handler_name(handler)
        attempt = envelope.attempt
        try:
            handler(message)
        except PERMANENT_ERRORS as exc:
            self._dead_letter(source, raw, name, repr(exc), attempt, message, exc)
        except Exception as exc:
            if attempt >= self._max_attempts:
                self._dead_letter(source, raw, name, repr(exc), attempt, message, exc)
                return
            logger.warning(
                "%s failed on %r (attempt %d of %d); will retry",
                name,
                message,
                attempt,
                self._max_attempts,
                exc_info=exc,
            )
            delay = self._backoff * 2 ** (attempt - 1)
            retry = msgspec.structs.replace(
                envelope, attempt=attempt + 1, handler=name, not_before=self._clock() + delay
            )
            self._bus.send(self._retry_topic, self._topology.key(message), retry)

    def _dead_letter(
        self,
        source: str,
        raw: bytes,
        handler: str | None,
        error: str,
        attempts: int,
        message: Message | None,
        exc: Exception | None = None,
    ) -> None:
        letter_id = f"{self.group}:{source}:{handler or '*'}"
        letter = LetterV1(
            id=letter_id,
            group=self.group,
            handler=handler,
            error=error,
            attempts=attempts,
            failed_at=self._clock(),
            source=source,
            envelope=raw,
        )
        logger.error(
            "%s failed on %r (attempt %d); dead-lettered as %s",
            handler or "reading",
            message,
            attempts,
            letter_id,
            exc_info=exc,
        )
        self._bus.send_raw(
            self._topology.dead_letter_topic, letter_id.encode(), encode_letter(letter)
        )
        if self._on_dead_letter is not None and message is not None:
            try:
                self._on_dead_letter(message, error)
            except Exception:  # the letter is already kept
                logger.exception("dead-letter hook failed for %r", message)
