"""A lane for best-effort messages (hints such as ``FeedPageShown``), kept off durable buses.

A page shown is a ranking hint: the only write it causes is a seen mark, and nothing a user
was told depends on it. On the embedded profile's durable bus each one cost an insert and a
commit (an ``fsync``) on the request thread, then a claim, the handler's own transaction
and a delete on a worker: 54 % of the feed's miss path, mostly waiting for the writer lock.

Here the request thread only appends to a bounded buffer. One writer thread hands the
buffer to the handlers every ``flush_every`` seconds, or sooner once ``batch`` messages
wait, inside one ``scope`` (on SQLite, one transaction: one commit per batch). On a crash
the buffer is lost: at most one flush interval's hints, which only make the next ranking a
little less aware of what was seen. A full buffer drops its oldest message and counts it,
so memory stays bounded whatever the writer's pace. :meth:`stop` flushes what is left.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections import deque
from collections.abc import Callable, Collection
from contextlib import AbstractContextManager
from typing import Any

from instagram_core.domain.events import Message
from instagram_core.ports.events import EventBus, HandlerMap

__all__ = ["BestEffortLane", "BestEffortRouter"]

logger = logging.getLogger("instagram.bus")

Scope = Callable[[], AbstractContextManager[Any]]


class BestEffortLane:
    """A bounded in-memory buffer of best-effort messages, written in batches by one thread.

    Not durable, not retried: a handler's failure is logged and that message dropped, so a
    poisoned hint cannot hold the others back. ``publish`` never blocks on I/O.
    """

    def __init__(
        self,
        handlers: HandlerMap,
        *,
        scope: Scope | None = None,
        flush_every: float = 0.1,
        batch: int = 256,
        capacity: int = 10_000,
    ) -> None:
        if batch < 1 or capacity < batch:
            raise ValueError("need 1 <= batch <= capacity")
        self._handlers = handlers
        self._scope: Scope = scope or contextlib.nullcontext
        self._flush_every = flush_every
        self._batch = batch
        self._buffer: deque[Message] = deque(maxlen=capacity)
        self._cond = threading.Condition()
        self._in_flight = 0
        self._stopping = False
        self._thread: threading.Thread | None = None
        self.dropped = 0
        self.failed = 0
        self.written = 0

    def publish(self, message: Message) -> None:
        with self._cond:
            if len(self._buffer) == self._buffer.maxlen:
                self.dropped += 1  # the deque drops the oldest on append
                if self.dropped == 1 or self.dropped % 1000 == 0:
                    logger.warning("best-effort lane full: %d hints dropped", self.dropped)
            self._buffer.append(message)
            if len(self._buffer) >= self._batch:
                self._cond.notify_all()

    def pending(self) -> int:
        """Messages accepted and not yet handed to their handlers."""
        with self._cond:
            return len(self._buffer) + self._in_flight

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="best-effort-lane", daemon=True)
            self._thread.start()

    def flush(self, timeout: float = 10.0) -> bool:
        """Wait until every message accepted so far was handled; True if it was in time.
        Without a running writer, handle them on the calling thread."""
        if self._thread is None:
            while self._write_next():
                pass
            return True
        with self._cond:
            self._cond.notify_all()
            return self._cond.wait_for(
                lambda: not self._buffer and not self._in_flight, timeout=timeout
            )

    def stop(self, timeout: float = 10.0) -> None:
        """Write what is buffered, then end the writer."""
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
        while self._write_next():  # anything published while the writer was ending
            pass

    def _run(self) -> None:
        while True:
            with self._cond:
                if not self._stopping and len(self._buffer) < self._batch:
                    self._cond.wait(self._flush_every)
                if self._stopping and not self._buffer:
                    return
            self._write_next()

    def _write_next(self) -> bool:
        """Hand up to ``batch`` buffered messages to their handlers in one scope."""
        with self._cond:
            taken = [self._buffer.popleft() for _ in range(min(self._batch, len(self._buffer)))]
            self._in_flight = len(taken)
        if not taken:
            return False
        try:
            with self._scope():
                for message in taken:
                    for handler in self._handlers.get(type(message), ()):
                        try:
                            handler(message)
                        except Exception:  # best effort: one bad hint must not stop the rest
                            self.failed += 1
                            logger.exception("best-effort handler failed for %r", message)
            self.written += len(taken)
        except Exception:  # the batch's commit failed (store down): these hints are lost
            self.failed += len(taken)
            logger.exception("best-effort batch of %d lost", len(taken))
        finally:
            with self._cond:
                self._in_flight = 0
                self._cond.notify_all()
        return True


class BestEffortRouter:
    """The bus services publish to: ``kinds`` go to ``hints`` (a :class:`BestEffortLane`),
    everything else to ``durable``, which keeps its guarantees (likes, follows, posts)."""

    def __init__(
        self, durable: EventBus, hints: EventBus, kinds: Collection[type[Message]]
    ) -> None:
        self._durable = durable
        self._lane = hints
        self._kinds = frozenset(kinds)

    def publish(self, message: Message) -> None:
        if type(message) in self._kinds:
            self._lane.publish(message)
        else:
            self._durable.publish(message)
