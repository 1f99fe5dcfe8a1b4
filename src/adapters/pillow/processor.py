"""Photo processing with Pillow: one decode, upright, filtered, every variant in JPEG and
WebP, no metadata."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor

from PIL import Image

from instagram_adapters.pillow import blurhash, decoding, encoding, exif
from instagram_adapters.pillow.filters import FILTERS, filter_named
from instagram_adapters.pillow.rendering import (
    oriented,
    renditions,
    upright_and_filtered,
    working_size,
)
from instagram_core.domain.errors import UnprocessableMedia
from instagram_core.domain.media import VARIANT_SPECS, VariantSpec
from instagram_core.ports.processing import MediaHeader, ProcessedImage, RenderedVariant


class PillowMediaProcessor:
    """:class:`~instagram_core.ports.processing.MediaProcessor` backed by Pillow.

    ``jpeg_quality`` applies to the display sizes, ``thumb_quality`` to square thumbnails
    (the seed's 92 and 85), in JPEG and WebP alike. ``webp_method`` trades WebP encoding
    time for size: 0, the default, is the fastest (about 3x faster than libwebp's default
    of 4, for files 6-9% larger at the same quality).

    ``threads`` > 1 encodes the variants on that many threads while the calling thread
    resizes (both release the GIL). It can only shorten one photo's latency while other
    cores idle; the default is 1 because photos run in a process pool sized to the cores
    (:class:`~instagram_adapters.pillow.pool.ProcessPoolMediaProcessor`), where a second thread
    per photo measured no gain in throughput. HEIC is accepted when pillow-heif is
    installed.
    """

    def __init__(
        self,
        *,
        max_pixels: int = 100_000_000,
        jpeg_quality: int = 92,
        thumb_quality: int = 85,
        webp_method: int = 0,
        threads: int = 1,
        specs: tuple[VariantSpec, ...] = VARIANT_SPECS,
    ) -> None:
        if not specs:
            raise ValueError("at least one variant spec is needed")
        if max_pixels < 1 or not (1 <= thumb_quality <= 95 and 1 <= jpeg_quality <= 95):
            raise ValueError("max_pixels must be positive and JPEG qualities within 1..95")
        if not 0 <= webp_method <= 6 or threads < 1:
            raise ValueError("webp_method must be within 0..6 and threads at least 1")
        self._max_pixels = max_pixels
        self._jpeg_quality = jpeg_quality
        self._thumb_quality = thumb_quality
        self._webp_method = webp_method
        self._specs = specs
        self._threads = ThreadPoolExecutor(threads, "encode") if threads > 1 else None
        self.heif_supported = decoding.heif_supported()

    def close(self) -> None:
        """Stop the encoding threads; a processor per container would otherwise leave two
        idle threads behind for each one built (every test's app, every restart)."""
        if self._threads is not None:
            self._threads.shutdown(wait=True)

    def filters(self) -> tuple[str, ...]:
        return tuple(FILTERS)

    def inspect(self, head: bytes, complete: bool) -> MediaHeader | None:
        """Header-only look at an upload: refuses what is no image or too big at once, and
        answers ``None`` when a partial ``head`` ends before the header does."""
        if not decoding.recognised(head):
            raise UnprocessableMedia(decoding.NOT_AN_IMAGE)
        try:
            image, content_type = decoding.open_image(head, self._max_pixels)
        except UnprocessableMedia:
            if complete or self._header_fits(head):
                raise
            return None
        return MediaHeader(content_type, *image.size)

    def _header_fits(self, head: bytes) -> bool:
        """Whether ``head`` parses with the pixel limit lifted: then the limit refused it."""
        try:
            decoding.open_image(head, 2**62)
        except UnprocessableMedia:
            return False
        return True

    def process_image(self, data: bytes, filter_name: str | None) -> ProcessedImage:
        """Variants come JPEG first, then WebP, each in the order of the specs."""
        apply_filter = filter_named(filter_name)
        lazy, content_type = decoding.open_image(data, self._max_pixels)
        stored_size = lazy.size  # draft mode shrinks lazy.size while decoding
        pixels = decoding.load(lazy, working_size(self._specs, *stored_size))
        orientation, metadata = exif.read(lazy)  # after decoding: PNG's would decode itself
        pixels.info = {}  # nothing of the upload (EXIF, XMP, ICC, comment) reaches a variant
        width, height = oriented(stored_size, orientation)
        working = upright_and_filtered(pixels, orientation, apply_filter)
        variants, thumbnail = self._encode_all(working, width, height)
        return ProcessedImage(
            source_content_type=content_type,
            width=width,
            height=height,
            variants=variants,
            blurhash=blurhash.encode(thumbnail),
            metadata=metadata,
        )

    def _encode_all(
        self, working: Image.Image, width: int, height: int
    ) -> tuple[tuple[RenderedVariant, ...], Image.Image]:
        """Every variant in every served format, and the smallest image for the blurhash.
        Each format gets its own image object, as concurrent saves of one would race."""
        pending: dict[tuple[str, str], Callable[[], RenderedVariant]] = {}
        smallest = working
        for spec, image in renditions(working, self._specs, width, height):
            quality = self._thumb_quality if spec.square else self._jpeg_quality
            for index, fmt in enumerate(encoding.SERVED_FORMATS):
                own = image if index == 0 or self._threads is None else image.copy()
                pending[fmt.extension, spec.name] = self._start(
                    encoding.encode, spec.name, own, fmt, quality, self._webp_method
                )
            smallest = image
        order = [(f.extension, s.name) for f in encoding.SERVED_FORMATS for s in self._specs]
        return tuple(pending[key]() for key in order), smallest

    def _start(
        self, encode: Callable[..., RenderedVariant], *args: object
    ) -> Callable[[], RenderedVariant]:
        """Run ``encode`` now, or on the encoding threads; returns what gives its result."""
        if self._threads is None:
            variant = encode(*args)
            return lambda: variant
        future: Future[RenderedVariant] = self._threads.submit(encode, *args)
        return future.result
