"""Photo processing in worker processes, so that uploads use every core.

Decoding and encoding hold the GIL for long stretches, so threads cannot spread photos
over cores; processes can. Each worker builds its own :class:`PillowMediaProcessor` once
(the initializer) and keeps it for every photo it is sent.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from types import TracebackType
from typing import Any

from instagram_adapters.pillow.filters import filter_named
from instagram_adapters.pillow.processor import PillowMediaProcessor
from instagram_core.domain.errors import Unavailable
from instagram_core.ports.processing import MediaHeader, ProcessedImage

_worker_processor: PillowMediaProcessor | None = None  # one per worker process


def _start_worker(processor_kwargs: dict[str, Any]) -> None:
    global _worker_processor  # noqa: PLW0603 -- the worker's one processor, built once
    _worker_processor = PillowMediaProcessor(**processor_kwargs)


def _process_in_worker(data: bytes, filter_name: str | None) -> ProcessedImage:
    if _worker_processor is None:  # pragma: no cover - the initializer always ran
        raise RuntimeError("the worker was started without its processor")
    return _worker_processor.process_image(data, filter_name)


class ProcessPoolMediaProcessor:
    """:class:`~instagram_core.ports.processing.MediaProcessor` that runs
    :meth:`process_image` in a pool of ``workers`` processes (default: one per core),
    each with a ``PillowMediaProcessor(**processor_kwargs)``; :meth:`inspect` and
    :meth:`filters` are cheap and run in the calling process.

    Workers are spawned, never forked: the service runs threads, and a forked copy of a
    lock held by one of them deadlocks the child. ``UnprocessableMedia`` and
    ``InvalidInput`` come back from a worker as themselves. When a worker dies (killed,
    out of memory), the photo it held and any queued with it fail with ``Unavailable``,
    which the caller may retry; the next call starts a fresh pool. After :meth:`close`,
    every call raises ``Unavailable``.
    """

    def __init__(self, workers: int | None = None, **processor_kwargs: Any) -> None:
        self._workers = workers if workers is not None else os.cpu_count() or 1
        if self._workers < 1:
            raise ValueError("at least one worker is needed")
        self._local = PillowMediaProcessor(**processor_kwargs)  # also checks the kwargs
        self._processor_kwargs = processor_kwargs
        self._lock = threading.Lock()
        self._pool: ProcessPoolExecutor | None = None
        self._closed = False

    def process_image(self, data: bytes, filter_name: str | None) -> ProcessedImage:
        filter_named(filter_name)  # an unknown filter fails here, before any bytes travel
        pool = self._running_pool()
        try:
            return pool.submit(_process_in_worker, data, filter_name).result()
        except BrokenProcessPool as exc:
            self._discard(pool)
            raise Unavailable("an image worker process died; retry the photo") from exc

    def inspect(self, head: bytes, complete: bool) -> MediaHeader | None:
        return self._local.inspect(head, complete)

    def filters(self) -> tuple[str, ...]:
        return self._local.filters()

    def close(self) -> None:
        """Stop the workers, after the photos they are processing; idempotent."""
        with self._lock:
            pool, self._pool, self._closed = self._pool, None, True
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> ProcessPoolMediaProcessor:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def _running_pool(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._closed:
                raise Unavailable("the image processor is closed")
            if self._pool is None:
                self._pool = ProcessPoolExecutor(
                    self._workers,
                    mp_context=multiprocessing.get_context("spawn"),
                    initializer=_start_worker,
                    initargs=(self._processor_kwargs,),
                )
            return self._pool

    def _discard(self, broken: ProcessPoolExecutor) -> None:
        """Forget ``broken`` unless another thread has already replaced it."""
        with self._lock:
            if self._pool is broken:
                self._pool = None
        broken.shutdown(wait=False, cancel_futures=True)
