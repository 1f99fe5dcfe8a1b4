"""Inspecting, replaying and dropping dead letters (``instagram dlq list|replay|drop``)."""

from __future__ import annotations

from collections.abc import Iterable

import msgspec

from instagram_adapters.kafka.envelope import Envelope
from instagram_adapters.kafka.letters import LetterV1, read_letters
from instagram_adapters.kafka.publisher import KafkaEventBus
from instagram_adapters.kafka.topics import Topology
from instagram_core.domain.errors import InvalidInput


class DeadLetterQueue:
    """The open letters of the dead-letter topic. Replaying a letter sends its message to
    its group's retry topic as attempt 1, for the handler that gave up (every handler of
    the group if the message could not be read), and closes the letter with a tombstone;
    dropping only closes it. A replay that fails again makes a new letter."""

    def __init__(self, bootstrap_servers: str, topology: Topology, bus: KafkaEventBus) -> None:
        self._bootstrap = bootstrap_servers
        self._topology = topology
        self._bus = bus

    def letters(self) -> list[LetterV1]:
        return read_letters(self._bootstrap, self._topology.dead_letter_topic)

    def replay(self, ids: Iterable[str] | None = None) -> list[LetterV1]:
        """Replay the letters named (all when ``ids`` is None); returns them."""
        chosen = self._choose(ids)
        for letter in chosen:
            self._bus.send(
                self._topology.retry_topic(letter.group), self._key(letter), self._retry(letter)
            )
            self._close(letter)
        return chosen

    def drop(self, ids: Iterable[str] | None = None) -> list[LetterV1]:
        chosen = self._choose(ids)
        for letter in chosen:
            self._close(letter)
        return chosen

    def _choose(self, ids: Iterable[str] | None) -> list[LetterV1]:
        letters = self.letters()
        if ids is None:
            return letters
        wanted = list(dict.fromkeys(ids))
        by_id = {letter.id: letter for letter in letters}
        unknown = [letter_id for letter_id in wanted if letter_id not in by_id]
        if unknown:
            raise InvalidInput(f"no open dead letter {', '.join(unknown)}")
        return [by_id[letter_id] for letter_id in wanted]

    def _close(self, letter: LetterV1) -> None:
        self._bus.send_raw(self._topology.dead_letter_topic, letter.id.encode(), None)

    def _key(self, letter: LetterV1) -> bytes | None:
        message = letter.message()
        if message is None or self._topology.route(type(message)) is None:
            return None
        return self._topology.key(message)

    def _retry(self, letter: LetterV1) -> Envelope:
        envelope = letter.opened()
        if envelope is None:  # not even an envelope: nothing a retry could run
            raise InvalidInput(f"dead letter {letter.id} holds no readable envelope")
        return msgspec.structs.replace(envelope, attempt=1, handler=letter.handler, not_before=0.0)
