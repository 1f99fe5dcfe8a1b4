"""Dead letters as stored in the dead-letter topic, and reading them back."""

from __future__ import annotations

import time

import msgspec
from kafka import KafkaConsumer, TopicPartition

from instagram_adapters.kafka.envelope import Envelope, UnknownMessageType, decode, open_message
from instagram_core.domain.events import Message


class LetterV1(msgspec.Struct, tag_field="v", tag=1, frozen=True):
    """One handler's message given up on, with why and after how many attempts.

    ``envelope`` is the message's bytes as they were read, so even a message this release
    could not decode is kept whole and can be replayed by a release that can."""

    id: str
    group: str
    handler: str | None  # None: the message itself could not be read
    error: str
    attempts: int
    failed_at: float
    source: str  # topic/partition/offset it was read from
    envelope: bytes

    def message(self) -> Message | None:
        """The message, or ``None`` if this release cannot read it."""
        try:
            return open_message(decode(self.envelope))
        except (msgspec.DecodeError, msgspec.ValidationError, UnknownMessageType):
            return None

    def opened(self) -> Envelope | None:
        try:
            return decode(self.envelope)
        except (msgspec.DecodeError, msgspec.ValidationError):
            return None


_LETTER = msgspec.json.Decoder(LetterV1)


def encode_letter(letter: LetterV1) -> bytes:
    return msgspec.json.encode(letter)


def read_letters(bootstrap_servers: str, topic: str, timeout: float = 30.0) -> list[LetterV1]:
    """The open letters, oldest first: every letter in the topic not followed by a
    tombstone for its id (dropped or replayed). Reads to the end offsets taken at the start,
    without a consumer group, so reading never moves anybody's position."""
    consumer = KafkaConsumer(
        bootstrap_servers=bootstrap_servers, enable_auto_commit=False, group_id=None
    )
    try:
        partitions = consumer.partitions_for_topic(topic) or set()
        tps = [TopicPartition(topic, p) for p in sorted(partitions)]
        if not tps:
            return []
        deadline = time.monotonic() + timeout

        def left_ms() -> int:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"reading {topic} took longer than {timeout} s")
            return max(1, int(left * 1000))

        consumer.assign(tps)
        consumer.seek_to_beginning(*tps)
        ends = consumer.end_offsets(tps, timeout_ms=left_ms())
        open_letters: dict[str, LetterV1] = {}
        # Every wait is bounded by the deadline: the client's own defaults wait forever.
        while any(_behind(consumer, tp, ends[tp], left_ms()) for tp in tps):
            for records in consumer.poll(timeout_ms=min(500, left_ms())).values():
                for record in records:
                    key = record.key.decode() if record.key else ""
                    if record.value is None:
                        open_letters.pop(key, None)
                    else:
                        open_letters[key] = _LETTER.decode(record.value)
        return list(open_letters.values())
    finally:
        consumer.close(timeout_ms=5_000)


def _behind(consumer: KafkaConsumer, tp: TopicPartition, end: int, timeout_ms: int) -> bool:
    """Whether records before ``end`` are still to be read (unknown yet: they are)."""
    position = consumer.position(tp, timeout_ms=timeout_ms)
    return position is None or position < end
