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

    def filters(self) -> tuple[str, ...]:
        """Names of the filters :meth:`process_image` accepts."""
        ...
