"""In-process event buses: background worker threads, or inline for unit tests.

Both share :class:`~instagram_adapters.memory.event_dispatch.Dispatcher`: a job is one message for
one handler, failures are retried up to ``max_attempts``, permanent domain errors and last
attempts are dead-lettered, and every failure is logged on ``instagram.bus``. Nothing here
survives a restart: the durable bus is a different adapter.
"""

from __future__ import annotations

import heapq
import itertools
import logging
import threading
import time
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager

from instagram_adapters.memory.event_dispatch import (
    DeadLetter,
    DeadLetterHook,
    Dispatcher,
    HandlerMap,
    Job,
)
from instagram_core.domain.errors import Unavailable
from instagram_core.domain.events import Message

__all__ = ["DeadLetter", "InProcessEventBus", "SynchronousEventBus"]

logger = logging.getLogger("instagram.bus")


class SynchronousEventBus:
    """Runs handlers inside :meth:`publish`, FIFO, for deterministic tests and scripts.

    A message published by a handler is queued and runs after the current job, not
    recursively. Retries are re-queued at the back without sleeping. ``publish`` never
    raises a handler's error: look at :meth:`dead_letters`. Inside :meth:`paused` messages
    only queue, so a test can look at the state between a publish and its handlers.

    Built without ``handlers``, it waits for :meth:`bind` (which
    :func:`~instagram_core.bootstrap.bootstrap` calls with the use cases it built), and
    refuses a publish until then.
    """

    def __init__(
        self,
        handlers: HandlerMap | None = None,
        max_attempts: int = 3,
        on_dead_letter: DeadLetterHook | None = None,
    ) -> None:
        self._max_attempts = max_attempts
        self._dispatcher: Dispatcher | None = None
        if handlers is not None:
            self.bind(handlers, on_dead_letter)
        self._queue: deque[Job] = deque()
        self._lock = threading.Lock()
        self._dispatching = False
        self._pauses = 0

    def bind(self, handlers: HandlerMap, on_dead_letter: DeadLetterHook | None) -> None:
        """Dispatch every later message to ``handlers``; binding again replaces them (and
        forgets the dead letters)."""
        self._dispatcher = Dispatcher(handlers, self._max_attempts, on_dead_letter)

    def publish(self, message: Message) -> None:
        jobs = self._bound().jobs_for(message)
        with self._lock:
            self._queue.extend(jobs)
        self._run_queued()

    @contextmanager
    def paused(self) -> Iterator[None]:
        """Hold every job queued until the block ends (however it ends), then run them all.

        Nested pauses run the jobs when the outermost one ends.
        """
        with self._lock:
            self._pauses += 1
        try:
            yield
        finally:
            with self._lock:
                self._pauses -= 1
            self._run_queued()

    def dead_letters(self) -> list[DeadLetter]:
        return [] if self._dispatcher is None else self._dispatcher.dead_letters()

    def _bound(self) -> Dispatcher:
        if self._dispatcher is None:
            raise RuntimeError("the event bus has no handlers yet: bootstrap binds it")
        return self._dispatcher

    def _run_queued(self) -> None:
        """Run jobs until the queue is empty, unless paused or already running further up."""
        with self._lock:
            if self._dispatching or self._pauses:
                return
            self._dispatching = True
        try:
            while (job := self._next()) is not None:
                retry = self._bound().run(job)
                if retry is not None:
                    with self._lock:
                        self._queue.append(retry)
        finally:
            with self._lock:
                self._dispatching = False

    def _next(self) -> Job | None:
        with self._lock:
            if self._pauses or not self._queue:
                return None
            return self._queue.popleft()


class InProcessEventBus:
    """Worker threads draining an in-memory queue; retries wait in a delay heap.

    Attempt ``n`` of a job is retried ``backoff_seconds * 2**(n-1)`` seconds later without
    holding a worker. Messages published before :meth:`start` wait for it. After
    :meth:`stop` begins, outside publishers get ``Unavailable`` while handlers still running
    may publish follow-ups, which are finished too.
    """

    def __init__(
        self,
        handlers: HandlerMap,
        workers: int = 2,
        max_attempts: int = 3,
        backoff_seconds: float = 0.2,
        on_dead_letter: DeadLetterHook | None = None,
    ) -> None:
        if workers < 1 or backoff_seconds < 0:
            raise ValueError("workers must be at least 1 and backoff_seconds not negative")
        self._dispatcher = Dispatcher(handlers, max_attempts, on_dead_letter)
        self._workers = workers
        self._backoff = backoff_seconds
        self._cond = threading.Condition()
        self._ready: deque[Job] = deque()
        self._delayed: list[tuple[float, int, Job]] = []
        self._tiebreak = itertools.count()
        self._pending = 0  # jobs ready, delayed or running
        self._threads: list[threading.Thread] = []
        self._accepting = True
        self._exiting = False

    def start(self) -> None:
        """Start the workers; a second call does nothing. A stopped bus cannot restart."""
        with self._cond:
            if self._exiting or not self._accepting:
                raise RuntimeError("a stopped event bus cannot be started again")
            if self._threads:
                return
            for number in range(self._workers):
                name = f"instagram-bus-{number}"
                thread = threading.Thread(target=self._work, name=name, daemon=True)
                self._threads.append(thread)
                thread.start()

    def publish(self, message: Message) -> None:
        """Queue every handler's job; raises ``Unavailable`` once the bus is stopping."""
        with self._cond:
            from_handler = threading.current_thread() in self._threads
            if self._exiting or not (self._accepting or from_handler):
                raise Unavailable("the event bus is stopped")
            jobs = self._dispatcher.jobs_for(message)
            self._ready.extend(jobs)
            self._pending += len(jobs)
            self._cond.notify_all()

    def drain(self, timeout: float | None = None) -> bool:
        """Wait until no job is queued, delayed or running; ``False`` if ``timeout`` ran out.

        Never call it from a handler: the job calling it would wait for itself.
        """
        with self._cond:
            if not self._threads or self._exiting:
                return self._pending == 0
            return self._cond.wait_for(lambda: self._pending == 0, timeout)

    def stop(self, timeout: float | None = None) -> bool:
        """Refuse new messages, finish queued work (retries included), stop the workers.

        Returns ``False`` if ``timeout`` ran out first; the unfinished jobs are logged and
        abandoned."""
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._cond:
            self._accepting = False
        finished = self.drain(timeout)
        with self._cond:
            self._exiting = True
            abandoned = self._pending
            self._cond.notify_all()
        for thread in self._threads:
            thread.join(None if deadline is None else max(0.0, deadline - time.monotonic()))
        if abandoned:
            logger.warning("event bus stopped with %d unfinished jobs abandoned", abandoned)
        return finished

    def dead_letters(self) -> list[DeadLetter]:
        return self._dispatcher.dead_letters()

    def _work(self) -> None:
        while (job := self._next_job()) is not None:
            retry = self._dispatcher.run(job)
            with self._cond:
                if retry is None:
                    self._pending -= 1
                else:
                    delay = self._backoff * 2 ** (job.attempt - 1)
                    due = time.monotonic() + delay
                    heapq.heappush(self._delayed, (due, next(self._tiebreak), retry))
                self._cond.notify_all()

    def _next_job(self) -> Job | None:
        """The next ready job, waiting for one (or a delayed one falling due); ``None`` once
        the bus exits."""
        with self._cond:
            while not self._exiting:
                now = time.monotonic()
                while self._delayed and self._delayed[0][0] <= now:
                    self._ready.append(heapq.heappop(self._delayed)[2])
                if self._ready:
                    return self._ready.popleft()
                wait = self._delayed[0][0] - now if self._delayed else None
                self._cond.wait(wait)
            return None
