"""Views of media with signed URLs, kept while they stay valid: a feed page shows the same
popular media to many viewers, and building a view (the row, its variants, one signed URL
per rendition) costs more than all the rest of a post's view."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable, Mapping

import attrs

from instagram_core.domain.media import Media, MediaStatus, PhotoMetadata
from instagram_core.ports.blobs import BlobStore
from instagram_core.ports.clock import Clock
from instagram_core.ports.media import MediaStore

BASELINE_FORMATS = frozenset({"jpeg", "mp4"})
REUSE_SHARE = 6  # a view is reused for a sixth of its URLs' lifetime (10 minutes of an hour)

MediaKey = tuple[int, bool]  # media id, whether the viewer owns it (owners see GPS)


@attrs.frozen
class VariantView:
    url: str
    width: int
    height: int
    content_type: str

    @property
    def format(self) -> str:
        return self.content_type.split("/", 1)[-1]


@attrs.frozen
class MediaView:
    media_id: int
    type: str
    width: int | None
    height: int | None
    blurhash: str | None
    variants: Mapping[str, tuple[VariantView, ...]]  # per size, JPEG (or MP4) first
    metadata: PhotoMetadata | None  # GPS included only for the owner
    duration_seconds: float | None = None


class MediaViews:
    """Builds media views in batches, and keeps those of ready media.

    A ready media never changes: its variants are stored before it turns ready and only go
    with it. So its view is reusable as long as the signed URLs in it stay valid for the
    client; a view is kept for ``url_ttl / 6`` and so hands out URLs with at least five
    sixths of their lifetime left. Media still waiting for an upload or failed are built
    every time. Least recently stored views go first past ``max_views``."""

    def __init__(
        self,
        media: MediaStore,
        blobs: BlobStore,
        clock: Clock,
        url_ttl: int,
        max_views: int = 50_000,
    ) -> None:
        self._media = media
        self._blobs = blobs
        self._clock = clock
        self._url_ttl = url_ttl
        self._reuse_seconds = url_ttl / REUSE_SHARE
        self._max = max_views
        self._kept: OrderedDict[MediaKey, tuple[MediaView, float]] = OrderedDict()
        self._lock = threading.Lock()

    def many(self, wanted: Iterable[MediaKey]) -> Mapping[MediaKey, MediaView]:
        """The view of each wanted media that exists, by (media id, viewer owns it)."""
        now = self._clock.now().timestamp()
        found: dict[MediaKey, MediaView] = {}
        missing: set[MediaKey] = set()
        for key in wanted:
            kept = self._kept.get(key)
            if kept is not None and kept[1] > now:
                found[key] = kept[0]
            else:
                missing.add(key)
        if missing:
            stored = self._media.get_many({media_id for media_id, _ in missing})
            built = {key: self._view(stored[key[0]], key[1]) for key in missing if key[0] in stored}
            found.update(built)
            self._keep(
                {k: v for k, v in built.items() if stored[k[0]].status is MediaStatus.READY}, now
            )
        return found

    def _keep(self, views: Mapping[MediaKey, MediaView], now: float) -> None:
        if not views:
            return
        until = now + self._reuse_seconds
        with self._lock:
            for key, view in views.items():
                self._kept[key] = (view, until)
                self._kept.move_to_end(key)
            while len(self._kept) > self._max:
                self._kept.popitem(last=False)

    def _view(self, media: Media, is_owner: bool) -> MediaView:
        metadata = media.metadata
        if metadata is not None and not is_owner:
            metadata = attrs.evolve(metadata, gps=None)
        return MediaView(
            media_id=media.media_id,
            type=str(media.type),
            width=media.width,
            height=media.height,
            blurhash=media.blurhash,
            variants=self._variant_views(media),
            metadata=metadata,
            duration_seconds=media.duration_seconds,
        )

    def _variant_views(self, media: Media) -> dict[str, tuple[VariantView, ...]]:
        """Each size's renditions, the universally decodable format first, so a client
        that reads only the first one still gets bytes it can show."""
        grouped: dict[str, list[VariantView]] = {}
        for v in media.variants:
            url = self._blobs.download_url(v.key, self._url_ttl)
            grouped.setdefault(v.name, []).append(
                VariantView(url, v.width, v.height, v.content_type)
            )
        return {
            name: tuple(sorted(views, key=lambda v: v.format not in BASELINE_FORMATS))
            for name, views in grouped.items()
        }
