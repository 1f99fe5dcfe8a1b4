"""Media types kept per process: the ranker asks the type of each candidate's first media
on every feed miss (is it a video?), and on Cassandra that was one point read per candidate,
about 500 per miss and the second largest part of the production miss path
(docs/feed-miss-path.md).

A media's type is fixed when its upload ticket is issued (``MediaService``: a declared
image whose bytes are a video is refused, never retyped) and ids are never reused, so a
kept type is never stale and needs no version. Media not found are not kept: they are
asked again. At most :data:`MAX_MEDIA` types are kept, oldest stored first out."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping

from instagram_core.domain.media import MediaType
from instagram_core.ports.media import MediaStore

MAX_MEDIA = 100_000  # a few MB of ints and enum references


class KeptMediaTypes:
    """``types`` of a :class:`MediaStore`, read through a per-process cache. Thread-safe."""

    def __init__(self, media: MediaStore, max_media: int = MAX_MEDIA) -> None:
        self._media = media
        self._max = max_media
        self._kept: dict[int, MediaType] = {}
        self._lock = threading.Lock()

    def types(self, media_ids: Iterable[int]) -> Mapping[int, MediaType]:
        """The type of each media that exists among ``media_ids``, as the store answers."""
        ids = list(dict.fromkeys(media_ids))
        with self._lock:
            kept = {i: t for i in ids if (t := self._kept.get(i)) is not None}
        missing = [i for i in ids if i not in kept]
        if not missing:
            return kept
        read = self._media.types(missing)
        with self._lock:
            self._kept.update(read)
            while len(self._kept) > self._max:
                del self._kept[next(iter(self._kept))]
        return {**kept, **read}
