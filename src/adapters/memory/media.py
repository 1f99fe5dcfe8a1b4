"""Media records in process memory; ``attach`` is a compare-and-set under the store's lock."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping

import attrs

from instagram_adapters.keyset import to_micros
from instagram_core.domain.errors import Conflict, NotFound
from instagram_core.domain.media import Media, MediaType


class InMemoryMediaStore:
    """A :class:`~instagram_core.ports.MediaStore` backed by a dict under one lock."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._media: dict[int, Media] = {}

    def add(self, media: Media) -> None:
        to_micros(media.created_at)  # reject a naive datetime exactly as the SQL store does
        with self._lock:
            if media.media_id in self._media:
                raise Conflict("media id already exists")
            self._media[media.media_id] = media

    def get(self, media_id: int) -> Media | None:
        with self._lock:
            return self._media.get(media_id)

    def get_many(self, media_ids: Iterable[int]) -> Mapping[int, Media]:
        with self._lock:
            return {mid: self._media[mid] for mid in media_ids if mid in self._media}

    def types(self, media_ids: Iterable[int]) -> dict[int, MediaType]:
        with self._lock:
            return {i: m.type for i in media_ids if (m := self._media.get(i)) is not None}

    def update(self, media: Media) -> None:
        to_micros(media.created_at)
        with self._lock:
            if media.media_id not in self._media:
                raise NotFound("media not found")
            self._media[media.media_id] = media

    def attach(self, media_id: int, post_id: int) -> bool:
        with self._lock:
            media = self._media.get(media_id)
            if media is None or media.post_id not in (None, post_id):
                return False
            if media.post_id is None:
                self._media[media_id] = attrs.evolve(media, post_id=post_id)
            return True

    def delete(self, media_id: int) -> None:
        with self._lock:
            self._media.pop(media_id, None)
