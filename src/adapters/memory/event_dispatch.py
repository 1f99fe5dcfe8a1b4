"""What both in-process buses share: routing, one attempt of a job, retry and dead letters."""

from __future__ import annotations

import logging
import threading

import attrs

from instagram_core.domain.errors import (
    Conflict,
    Forbidden,
    InvalidInput,
    NotFound,
    PayloadTooLarge,
    Unauthenticated,
)
from instagram_core.domain.events import Message
from instagram_core.ports.events import DeadLetterHook, Handler, HandlerMap

__all__ = ["DeadLetter", "DeadLetterHook", "Dispatcher", "Handler", "HandlerMap", "Job"]

logger = logging.getLogger("instagram.bus")

# Retrying cannot change these outcomes, so the first one dead-letters the job.
PERMANENT_ERRORS: tuple[type[Exception], ...] = (
    InvalidInput,
    NotFound,
    Forbidden,
    Conflict,
    Unauthenticated,
    PayloadTooLarge,
)


@attrs.frozen
class DeadLetter:
    """A job given up on: kept for inspection and replay, never silently dropped."""

    message: Message
    handler: str
    error: str
    attempts: int


@attrs.frozen
class Job:
    """One message for one handler, so a failing handler is retried alone."""

    message: Message
    handler: Handler
    attempt: int = 1


def handler_name(handler: Handler) -> str:
    qualname = getattr(handler, "__qualname__", None)
    if qualname is None:
        return repr(handler)
    return f"{getattr(handler, '__module__', '?')}.{qualname}"


class Dispatcher:
    """Routes messages to jobs and runs one attempt of a job.

    Handlers are looked up by the message's exact type. A type without handlers is logged
    at debug level and dropped: a message nobody listens to is not an error.
    """

    def __init__(
        self, handlers: HandlerMap, max_attempts: int, on_dead_letter: DeadLetterHook | None = None
    ) -> None:
        if max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        self._handlers = {kind: tuple(found) for kind, found in handlers.items()}
        self._on_dead_letter = on_dead_letter
        self.max_attempts = max_attempts
        self._dead: list[DeadLetter] = []
        self._lock = threading.Lock()

    def jobs_for(self, message: Message) -> list[Job]:
        handlers = self._handlers.get(type(message), ())
        if not handlers:
            logger.debug("no handler for %s; dropped", type(message).__name__)
        return [Job(message, handler) for handler in handlers]

    def run(self, job: Job) -> Job | None:
        """Attempt ``job``; returns the next attempt to schedule, or ``None`` when done
        (succeeded, or dead-lettered after a permanent error or its last attempt)."""
        try:
            job.handler(job.message)
        except PERMANENT_ERRORS as exc:
            self._dead_letter(job, exc, "permanent error")
        except Exception as exc:
            if job.attempt >= self.max_attempts:
                self._dead_letter(job, exc, "out of attempts")
            else:
                logger.warning(
                    "%s failed on %r (attempt %d of %d); will retry",
                    handler_name(job.handler),
                    job.message,
                    job.attempt,
                    self.max_attempts,
                    exc_info=exc,
                )
                return attrs.evolve(job, attempt=job.attempt + 1)
        return None

    def dead_letters(self) -> list[DeadLetter]:
        with self._lock:
            return list(self._dead)

    def _dead_letter(self, job: Job, exc: Exception, why: str) -> None:
        letter = DeadLetter(job.message, handler_name(job.handler), repr(exc), job.attempt)
        logger.error(
            "%s failed on %r (attempt %d, %s); dead-lettered",
            letter.handler,
            job.message,
            job.attempt,
            why,
            exc_info=exc,
        )
        with self._lock:
            self._dead.append(letter)
        if self._on_dead_letter is not None:
            try:
                self._on_dead_letter(job.message, letter.error)
            except Exception:  # the hook must not lose the letter, which is already kept
                logger.exception("dead-letter hook failed for %r", job.message)
