"""A durable event bus in the embedded profile's SQLite file: kill -9 loses no message.

A job is one message for one handler (so a failing handler is retried alone), stored as a
row of ``bus_jobs`` with its msgspec envelope. ``publish`` inserts the rows in one
transaction (the caller's, inside a unit of work: then the message commits with the write
it announces). Worker threads claim the oldest due jobs (a few at a time) by stamping them
with their process id, run the handlers outside any transaction, and delete the rows once
they returned. A failure
is retried ``backoff_seconds * 2**(attempt-1)`` later; a permanent domain error, or the last
attempt, moves the job to ``bus_dead_letters`` (kept in the file, replayable).

A job claimed by a process that died (kill -9) is released when the bus starts, and by any
live bus every ``poll_seconds``: claims whose process id no longer runs (or is this
process's own id, reused after a restart) go back to the queue, so the work is redelivered
at least once. Handlers are idempotent. Several processes may share the file; each claim is
atomic (``BEGIN IMMEDIATE``).
"""

from __future__ import annotations

import logging
import os
import threading
import time

import attrs
import msgspec

from instagram_adapters.kafka.envelope import (
    UnknownMessageType,
    decode,
    encode,
    open_message,
    wrap,
)
from instagram_adapters.memory.event_dispatch import (
    PERMANENT_ERRORS,
    DeadLetter,
    DeadLetterHook,
    Handler,
    HandlerMap,
    handler_name,
)
from instagram_adapters.sqlite.database import SqliteDatabase
from instagram_core.domain.events import Message

logger = logging.getLogger("instagram.bus")

# Jobs a worker claims at once: their claim and, after they ran, their deletion are one
# commit each (an fsync apiece with synchronous=FULL) instead of one per job.
CLAIM_BATCH = 8

SCHEMA = """
CREATE TABLE IF NOT EXISTS bus_jobs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    envelope BLOB NOT NULL,
    handler TEXT NOT NULL,
    attempt INTEGER NOT NULL DEFAULT 1,
    due_at REAL NOT NULL,
    claimed_by INTEGER
);
CREATE INDEX IF NOT EXISTS bus_jobs_waiting ON bus_jobs (claimed_by, due_at, id);
CREATE TABLE IF NOT EXISTS bus_dead_letters (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    envelope BLOB NOT NULL,
    handler TEXT NOT NULL,
    error TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    created_at REAL NOT NULL
);
"""


@attrs.frozen
class _Claimed:
    job_id: int
    envelope: bytes
    handler: str
    attempt: int


def _stable_names(handlers: HandlerMap) -> dict[str, Handler]:
    """A name per handler that the next release of the process will give it too: its
    qualified name, with ``#2``, ``#3``... for distinct handlers sharing one (lambdas)."""
    named: dict[str, Handler] = {}
    for found in handlers.values():
        for handler in found:
            if any(known is handler for known in named.values()):
                continue
            base = name = handler_name(handler)
            count = 1
            while name in named:
                count += 1
                name = f"{base}#{count}"
            named[name] = handler
    return named


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # it runs, as another user
        return True
    return True


class SqliteEventBus:
    """:class:`~instagram_core.ports.EventBus` on SQLite; see the module doc."""

    def __init__(
        self,
        database: SqliteDatabase,
        handlers: HandlerMap,
        workers: int = 2,
        max_attempts: int = 3,
        backoff_seconds: float = 0.2,
        on_dead_letter: DeadLetterHook | None = None,
        poll_seconds: float = 1.0,
    ) -> None:
        if workers < 1 or max_attempts < 1 or backoff_seconds < 0:
            raise ValueError("need a worker, an attempt, and a backoff not negative")
        self._db = database
        self._routes = {kind: tuple(found) for kind, found in handlers.items()}
        self._by_name = _stable_names(handlers)
        self._names = {id(handler): name for name, handler in self._by_name.items()}
        self._workers = workers
        self.max_attempts = max_attempts
        self._backoff = backoff_seconds
        self._on_dead_letter = on_dead_letter
        self._poll = poll_seconds
        self._pid = os.getpid()
        self._wakeup = threading.Condition()
        self._exiting = False
        self._kicked = False  # a job may be ready: set with every notify, so none is lost
        self._threads: list[threading.Thread] = []
        database.apply_schema(SCHEMA)

    def start(self) -> None:
        """Release the jobs of dead processes, then start the workers (once)."""
        if self._threads:
            return
        self.release_orphans(include_own=True)
        for number in range(self._workers):
            thread = threading.Thread(target=self._work, name=f"sqlite-bus-{number}", daemon=True)
            self._threads.append(thread)
            thread.start()

    def publish(self, message: Message) -> None:
        """Store one job per handler (in the caller's transaction, if one is open)."""
        handlers = self._routes.get(type(message), ())
        if not handlers:
            logger.debug("no handler for %s; dropped", type(message).__name__)
            return
        envelope = encode(wrap(message))
        now = time.time()
        with self._db.transaction() as conn:
            conn.executemany(
                "INSERT INTO bus_jobs (envelope, handler, due_at) VALUES (?, ?, ?)",
                [(envelope, self._names[id(h)], now) for h in handlers],
            )
        self._kick()

    def _kick(self) -> None:
        with self._wakeup:
            self._kicked = True
            self._wakeup.notify_all()

    def pending(self) -> int:
        """Jobs waiting, delayed or running, in every process sharing the file."""
        row = self._db.query_one("SELECT COUNT(*) AS n FROM bus_jobs")
        return 0 if row is None else int(row["n"])

    def drain(self, timeout: float | None = None) -> bool:
        """Wait until no job is left; ``False`` if ``timeout`` ran out first. Never call it
        from a handler: the job calling it would wait for itself."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.pending():
            if deadline is not None and time.monotonic() >= deadline:
                return False
            with self._wakeup:
                self._wakeup.wait(0.02)
        return True

    def stop(self, timeout: float | None = None) -> bool:
        """Finish the queued work for up to ``timeout`` seconds, then stop the workers after
        the jobs in hand. Whatever is left stays in the file for the next start."""
        finished = self.drain(timeout) if self._threads else self.pending() == 0
        with self._wakeup:
            self._exiting = True
            self._wakeup.notify_all()
        for thread in self._threads:
            thread.join(timeout)
        if not finished:
            logger.info("event bus stopped with %d jobs kept for the next start", self.pending())
        return finished

    def dead_letters(self) -> list[DeadLetter]:
        rows = self._db.query(
            "SELECT envelope, handler, error, attempts FROM bus_dead_letters ORDER BY id"
        )
        letters = []
        for row in rows:
            message = self._message(bytes(row["envelope"]))
            if message is not None:
                letters.append(DeadLetter(message, row["handler"], row["error"], row["attempts"]))
        return letters

    def replay_dead_letters(self) -> int:
        """Queue every dead letter again as a first attempt (after a fix); how many."""
        with self._db.transaction() as conn:
            moved = conn.execute(
                "INSERT INTO bus_jobs (envelope, handler, due_at)"
                " SELECT envelope, handler, ? FROM bus_dead_letters ORDER BY id",
                (time.time(),),
            ).rowcount
            conn.execute("DELETE FROM bus_dead_letters")
        self._kick()
        return int(moved)

    def release_orphans(self, include_own: bool = False) -> int:
        """Put back the jobs claimed by processes that no longer run; how many."""
        with self._db.transaction() as conn:
            owners = [
                row[0]
                for row in conn.execute(
                    "SELECT DISTINCT claimed_by FROM bus_jobs WHERE claimed_by IS NOT NULL"
                )
            ]
            dead = [pid for pid in owners if (include_own and pid == self._pid) or not _alive(pid)]
            for pid in dead:
                conn.execute("UPDATE bus_jobs SET claimed_by = NULL WHERE claimed_by = ?", (pid,))
        if dead:
            logger.warning("requeued the jobs of stopped processes %s", dead)
        return len(dead)

    def _work(self) -> None:
        last_sweep = time.monotonic()
        while True:
            with self._wakeup:
                if self._exiting:
                    return
            if time.monotonic() - last_sweep >= self._poll:
                self.release_orphans()
                last_sweep = time.monotonic()
            jobs = self._claim()
            if not jobs:
                wait = self._idle_wait()  # read before taking the condition: never both locks
                with self._wakeup:
                    if not self._exiting and not self._kicked:
                        self._wakeup.wait(wait)
                    self._kicked = False
                continue
            self._run_batch(jobs)

    def _run_batch(self, jobs: list[_Claimed]) -> None:
        """Run claimed jobs in order; the succeeded ones are deleted together at the end
        (one commit for the batch: a crash before it runs them again, at least once)."""
        done: list[int] = []
        for index, job in enumerate(jobs):
            with self._wakeup:
                exiting = self._exiting
            if exiting:  # hand the rest back for the next start
                for left in jobs[index:]:
                    self._release(left.job_id)
                break
            try:
                if self._run(job):
                    done.append(job.job_id)
            except Exception:  # the store failed while recording the outcome: retry later
                logger.exception("could not record the outcome of job %d", job.job_id)
                self._release(job.job_id)
        if done:
            marks = ", ".join("?" * len(done))
            self._db.execute(f"DELETE FROM bus_jobs WHERE id IN ({marks})", done)
        self._kick()

    def _idle_wait(self) -> float:
        row = self._db.query_one("SELECT MIN(due_at) AS due FROM bus_jobs WHERE claimed_by IS NULL")
        if row is None or row["due"] is None:
            return self._poll
        return max(0.0, min(self._poll, float(row["due"]) - time.time()))

    def _claim(self) -> list[_Claimed]:
        """Up to ``CLAIM_BATCH`` of the oldest due jobs, stamped with this process id."""
        with self._db.transaction() as conn:
            rows = conn.execute(
                "UPDATE bus_jobs SET claimed_by = ? WHERE id IN ("
                " SELECT id FROM bus_jobs WHERE claimed_by IS NULL AND due_at <= ?"
                " ORDER BY id LIMIT ?) RETURNING id, envelope, handler, attempt",
                (self._pid, time.time(), CLAIM_BATCH),
            ).fetchall()
        jobs = [_Claimed(r["id"], bytes(r["envelope"]), r["handler"], r["attempt"]) for r in rows]
        return sorted(jobs, key=lambda job: job.job_id)

    def _release(self, job_id: int) -> None:
        try:
            self._db.execute("UPDATE bus_jobs SET claimed_by = NULL WHERE id = ?", (job_id,))
        except Exception:
            logger.exception("could not release job %d; the orphan sweep will", job_id)

    def _run(self, job: _Claimed) -> bool:
        """One attempt; ``True`` when the handler succeeded (the caller deletes the job),
        ``False`` when the job was rescheduled or dead-lettered here."""
        message = self._message(job.envelope)
        handler = self._by_name.get(job.handler)
        if message is None or handler is None:
            why = "undecodable envelope" if message is None else "no such handler"
            self._dead_letter(job, message, why)
            return False
        try:
            handler(message)
        except PERMANENT_ERRORS as exc:
            self._dead_letter(job, message, repr(exc), exc)
        except Exception as exc:
            if job.attempt >= self.max_attempts:
                self._dead_letter(job, message, repr(exc), exc)
            else:
                self._retry(job, message, exc)
        else:
            return True
        return False

    def _retry(self, job: _Claimed, message: Message, exc: Exception) -> None:
        logger.warning(
            "%s failed on %r (attempt %d of %d); will retry",
            job.handler,
            message,
            job.attempt,
            self.max_attempts,
            exc_info=exc,
        )
        due = time.time() + self._backoff * 2 ** (job.attempt - 1)
        self._db.execute(
            "UPDATE bus_jobs SET attempt = attempt + 1, due_at = ?, claimed_by = NULL WHERE id = ?",
            (due, job.job_id),
        )

    def _dead_letter(
        self,
        job: _Claimed,
        message: Message | None,
        error: str,
        exc: Exception | None = None,
    ) -> None:
        logger.error(
            "%s failed on %r (attempt %d, %s); dead-lettered",
            job.handler,
            message,
            job.attempt,
            error,
            exc_info=exc,
        )
        with self._db.transaction() as conn:
            conn.execute(
                "INSERT INTO bus_dead_letters (envelope, handler, error, attempts, created_at)"
                " VALUES (?, ?, ?, ?, ?)",
                (job.envelope, job.handler, error, job.attempt, time.time()),
            )
            conn.execute("DELETE FROM bus_jobs WHERE id = ?", (job.job_id,))
        if self._on_dead_letter is not None and message is not None:
            try:
                self._on_dead_letter(message, error)
            except Exception:  # the letter is already kept
                logger.exception("dead-letter hook failed for %r", message)

    @staticmethod
    def _message(envelope: bytes) -> Message | None:
        try:
            return open_message(decode(envelope))
        except (msgspec.DecodeError, msgspec.ValidationError, UnknownMessageType):
            return None
