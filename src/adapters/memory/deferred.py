"""The two heavy defaults of :func:`~instagram_adapters.memory.memory_ports`, imported at
their first use instead of when the ports are built.

Pillow (a base dependency) is needed only once a photo is processed, and numpy (the ``ml``
extra) once a feed is ranked by the shipped model. Until then neither is imported, so
building the ports stays quick; without the extra, that first ranking raises
:class:`~instagram_adapters.extras.MissingExtra`, which names the extra to install.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

from instagram_core.domain.ranking import Candidates, HeadWeights, ViewerHistory
from instagram_core.ports.processing import MediaHeader, MediaProcessor, ProcessedImage
from instagram_core.ports.ranking import EngagementModel

T = TypeVar("T")


class _Once(Generic[T]):
    """Builds its value on the first call, once, under a lock."""

    def __init__(self, build: Callable[[], T]) -> None:
        self._build = build
        self._value: T | None = None
        self._lock = threading.Lock()

    def __call__(self) -> T:
        with self._lock:
            if self._value is None:
                self._value = self._build()
            return self._value


def _pillow() -> MediaProcessor:
    from instagram_adapters.pillow.processor import PillowMediaProcessor

    return PillowMediaProcessor()


def _shipped_model() -> EngagementModel:
    from instagram_adapters.ranking.model import load_engagement_model

    return load_engagement_model(HeadWeights())


class DeferredMediaProcessor:
    """Pillow's :class:`~instagram_core.ports.MediaProcessor`, imported at first use."""

    def __init__(self) -> None:
        self._processor = _Once(_pillow)

    def process_image(self, data: bytes, filter_name: str | None) -> ProcessedImage:
        return self._processor().process_image(data, filter_name)

    def inspect(self, head: bytes, complete: bool) -> MediaHeader | None:
        return self._processor().inspect(head, complete)

    def filters(self) -> tuple[str, ...]:
        return self._processor().filters()


class DeferredEngagementModel:
    """The shipped :class:`~instagram_core.ports.EngagementModel`, loaded at first use."""

    def __init__(self) -> None:
        self._model = _Once(_shipped_model)

    def predict(self, features: Sequence[Sequence[float]]) -> Sequence[float]:
        return self._model().predict(features)

    def score(self, viewer: ViewerHistory, candidates: Candidates) -> Sequence[float]:
        return self._model().score(viewer, candidates)
