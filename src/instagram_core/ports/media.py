from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Protocol

from instagram_core.domain.media import Media, MediaType


class MediaStore(Protocol):
    """Records of uploaded media (the bytes live in the :class:`BlobStore`)."""

    def add(self, media: Media) -> None:
        """Store a new record. Raises ``Conflict`` if the media id exists."""
        ...

    def get(self, media_id: int) -> Media | None:
        """The record, or ``None`` if there is none."""
        ...

    def get_many(self, media_ids: Iterable[int]) -> Mapping[int, Media]:
        """The records that exist among ``media_ids``, keyed by id."""
        ...

    def types(self, media_ids: Iterable[int]) -> Mapping[int, MediaType]:
        """The type of each media that exists among ``media_ids``: what a ranker needs,
        without decoding whole records."""
        ...

    def update(self, media: Media) -> None:
        """Replace a record, ``post_id`` included (callers read it after :meth:`attach`, or
        detach on purpose). Raises ``NotFound`` if it does not exist."""
        ...

    def attach(self, media_id: int, post_id: int) -> bool:
        """Atomically claim unattached media for a post. Returns ``False`` (changing nothing)
        if the media is missing or already attached to another post; claiming it again for the
        same post returns ``True``."""
        ...

    def delete(self, media_id: int) -> None:
        """Remove the record; a no-op if it does not exist."""
        ...
