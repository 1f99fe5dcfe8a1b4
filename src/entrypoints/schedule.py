"""Housekeeping on a timer inside a long-running process (``serve``): a daemon thread asks a
job every ``poll`` seconds whether it is due; the job's own clock decides (see
:meth:`~instagram_core.services.upload_sweeper.UploadSweeper.sweep_if_due`)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

log = logging.getLogger("instagram.schedule")


class Periodic:
    """Runs ``job`` at start and then every ``poll`` seconds until :meth:`stop`. A failing
    run is logged (one line) and the next run tries again: housekeeping must never take the
    process down."""

    def __init__(self, name: str, job: Callable[[], object], poll: float) -> None:
        if poll <= 0:
            raise ValueError("poll must be positive")
        self._name = name
        self._job = job
        self._poll = poll
        self._stopped = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name=self._name, daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Stop and wait for a run in progress (at most ``timeout`` seconds)."""
        self._stopped.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _run(self) -> None:
        while not self._stopped.is_set():
            try:
                self._job()
            except Exception as exc:
                log.warning("%s failed, retrying in %g s: %s", self._name, self._poll, exc)
            self._stopped.wait(self._poll)


def upload_sweeps(sweep_if_due: Callable[[], object], every_seconds: float) -> Periodic | None:
    """The upload sweeper's schedule for ``serve``: ``None`` when ``every_seconds`` is 0
    (off). It asks at least once a minute, so a changed clock is noticed soon."""
    if every_seconds <= 0:
        return None
    return Periodic("upload-sweeper", sweep_if_due, min(every_seconds, 60.0))


def explore_builds(build_if_due: Callable[[], object], every_seconds: float) -> Periodic | None:
    """Explore's offline build for ``serve`` on the embedded profile: at start-up (so a new
    instance has trending at once), then when due. ``None`` when ``every_seconds`` is 0."""
    if every_seconds <= 0:
        return None
    return Periodic("explore-build", build_if_due, min(every_seconds, 60.0))
