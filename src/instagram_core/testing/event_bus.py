"""Contract of :class:`~instagram_core.ports.EventBus`.

The port promises that a published message reaches each of its handlers, that a failing
handler is retried alone, and that one failing on its last attempt (or with an error no
retry can change) is dead-lettered, never dropped silently. Provide ``start_event_bus``: a
fixture returning a function that starts a bus dispatching to the handlers it is given,
with the given dead-letter hook and number of attempts, and returns it as a
:class:`RunningBus` whose ``settle`` waits until everything published so far has been
handled or dead-lettered (a bus that runs handlers inline settles at once). Stop the buses
the fixture started when it ends.
"""

from __future__ import annotations

from collections.abc import Callable

import attrs
import pytest

from instagram_core.domain.errors import (
    Conflict,
    DomainError,
    Forbidden,
    InvalidInput,
    NotFound,
    Unauthenticated,
    Unavailable,
    UnprocessableMedia,
)
from instagram_core.domain.events import Message
from instagram_core.ports import DeadLetterHook, EventBus, HandlerMap


@attrs.frozen
class Ping(Message):
    n: int


@attrs.frozen
class Pong(Message):
    n: int


@attrs.frozen
class Unheard(Message):
    pass


@attrs.frozen
class RunningBus:
    """A bus under test and the way to wait for it."""

    bus: EventBus
    settle: Callable[[], None]


StartBus = Callable[[HandlerMap, DeadLetterHook, int], RunningBus]


class DeadLetters:
    """The dead-letter hook of a test: what it was called with, in order."""

    def __init__(self) -> None:
        self.letters: list[tuple[Message, str]] = []

    def __call__(self, message: Message, error: str) -> None:
        self.letters.append((message, error))


def flaky(
    failures: int, calls: list[int], error: Exception | None = None
) -> Callable[[Ping], None]:
    """A handler that fails its first ``failures`` calls, recording every call."""

    def handle_ping(message: Ping) -> None:
        calls.append(message.n)
        if len(calls) <= failures:
            raise error or RuntimeError(f"flaky failure {len(calls)}")

    return handle_ping


class EventBusContract:
    """The behaviour every adapter of the port must show. Subclass it in a test module (as
    ``Test<YourAdapter>``) and provide the adapter's fixture: see the module docstring."""

    @pytest.fixture
    def dead(self) -> DeadLetters:
        return DeadLetters()

    @pytest.fixture
    def start(self, start_event_bus: StartBus, dead: DeadLetters) -> Callable[..., RunningBus]:
        def start(handlers: HandlerMap, max_attempts: int = 3) -> RunningBus:
            return start_event_bus(handlers, dead, max_attempts)

        return start

    def test_every_handler_gets_the_message_once(
        self, start: Callable[..., RunningBus], dead: DeadLetters
    ) -> None:
        first: list[int] = []
        second: list[int] = []
        running = start({Ping: [lambda m: first.append(m.n), lambda m: second.append(m.n)]})
        for n in range(20):
            running.bus.publish(Ping(n))
        running.settle()
        assert sorted(first) == sorted(second) == list(range(20))
        assert dead.letters == []

    def test_handlers_are_routed_by_exact_type(self, start: Callable[..., RunningBus]) -> None:
        pings: list[Message] = []
        running = start({Ping: [pings.append]})
        running.bus.publish(Pong(1))
        running.settle()
        assert pings == []

    def test_a_message_without_handlers_is_dropped_without_a_dead_letter(
        self, start: Callable[..., RunningBus], dead: DeadLetters
    ) -> None:
        running = start({Ping: [lambda m: None]})
        running.bus.publish(Unheard())
        running.settle()
        assert dead.letters == []

    def test_a_failing_handler_is_retried_alone(
        self, start: Callable[..., RunningBus], dead: DeadLetters
    ) -> None:
        steady: list[Message] = []
        shaky: list[int] = []
        running = start({Ping: [steady.append, flaky(2, shaky)]}, max_attempts=3)
        running.bus.publish(Ping(7))
        running.settle()
        assert steady == [Ping(7)]
        assert shaky == [7, 7, 7]
        assert dead.letters == []

    def test_the_last_failed_attempt_is_dead_lettered(
        self, start: Callable[..., RunningBus], dead: DeadLetters
    ) -> None:
        calls: list[int] = []
        running = start({Ping: [flaky(99, calls)]}, max_attempts=3)
        running.bus.publish(Ping(1))
        running.settle()
        assert calls == [1, 1, 1]
        [(message, error)] = dead.letters
        assert message == Ping(1)
        assert "flaky failure 3" in error

    @pytest.mark.parametrize(
        "error",
        [
            InvalidInput("no"),
            NotFound("gone"),
            Forbidden("nope"),
            Conflict("taken"),
            Unauthenticated("who"),
            UnprocessableMedia("not an image"),
        ],
    )
    def test_permanent_errors_are_dead_lettered_without_retry(
        self, start: Callable[..., RunningBus], dead: DeadLetters, error: DomainError
    ) -> None:
        calls: list[int] = []
        running = start({Ping: [flaky(99, calls, error)]}, max_attempts=5)
        running.bus.publish(Ping(1))
        running.settle()
        assert calls == [1]
        assert [message for message, _ in dead.letters] == [Ping(1)]

    def test_transient_domain_errors_are_retried(
        self, start: Callable[..., RunningBus], dead: DeadLetters
    ) -> None:
        calls: list[int] = []
        running = start({Ping: [flaky(1, calls, Unavailable("store down"))]})
        running.bus.publish(Ping(1))
        running.settle()
        assert calls == [1, 1]
        assert dead.letters == []

    def test_handlers_may_publish_further_messages(self, start: Callable[..., RunningBus]) -> None:
        pongs: list[Pong] = []
        running: RunningBus

        def answer(message: Ping) -> None:
            running.bus.publish(Pong(message.n))

        running = start({Ping: [answer], Pong: [pongs.append]})
        running.bus.publish(Ping(3))
        running.settle()
        assert pongs == [Pong(3)]
