from __future__ import annotations

from typing import Protocol

import attrs

from instagram_core.domain.media import PhotoMetadata


@attrs.frozen
class RenderedVariant:
    name: str
    data: bytes
    width: int
    height: int
    content_type: str
    extension: str


@attrs.frozen
class MediaHeader:
    """What a file's first bytes say it is, before anything is decoded."""

    content_type: str
    width: int
    height: int


@attrs.frozen
class ProcessedImage:
    """Everything one decode of a photo yields: oriented size, variants, placeholder, EXIF."""

    source_content_type: str  # what the bytes really are, sniffed, e.g. "image/jpeg"
    width: int
    height: int
    variants: tuple[RenderedVariant, ...]
    blurhash: str | None
    metadata: PhotoMetadata


class MediaProcessor(Protocol):
    def process_image(self, data: bytes, filter_name: str | None) -> ProcessedImage:
        """Decode, orient upright, filter and render every variant of
        :data:`~instagram_core.domain.media.VARIANT_SPECS`, never upscaling. Served variants
        carry no GPS or maker notes. Raises ``UnprocessableMedia`` for bytes that are not a
        supported image or exceed the pixel limit."""
        ...

    def inspect(self, head: bytes, complete: bool) -> MediaHeader | None:
        """Sniff the format and pixel size from the first bytes of an image (``complete``
        when ``head`` is the whole file), decoding no pixels. ``None`` when a partial head
        ends before the header does; raises ``UnprocessableMedia`` when the bytes are no
        supported image or claim more pixels than the limit."""
        ...

    def filters(self) -> tuple[str, ...]:
        """Names of the filters :meth:`process_image` accepts."""
        ...


@attrs.frozen
class ProcessedVideo:
    """A transcoded video: renditions, a poster frame in every image format, a placeholder."""

    source_content_type: str
    width: int
    height: int
    duration_seconds: float
    variants: tuple[RenderedVariant, ...]
    blurhash: str | None


class VideoTranscoder(Protocol):
    def probe(self, data: bytes) -> MediaHeader:
        """The video's container type and stored frame size, read from its headers alone
        (no frame is decoded). Raises ``UnprocessableMedia`` for bytes that are no
        supported video or whose declared duration exceeds the limit."""
        ...

    def transcode(self, data: bytes) -> ProcessedVideo:
        """Transcode to H.264/AAC MP4 renditions (long side 1080 and 720, never upscaled)
        and render a poster frame. Raises ``UnprocessableMedia`` for bytes that are no
        supported video or exceed the duration limit."""
        ...
