"""Response compression when the client asks for it (``Accept-Encoding``): brotli where
the client takes it, gzip otherwise. A feed page of fifty posts is mostly repeated keys
and URL prefixes, so it shrinks about tenfold; mobile clients pay for every byte.

Blobs are never compressed: images and video are compressed already, and a byte range
of a compressed stream would not be the range the client asked for."""

from __future__ import annotations

import importlib.util

from litestar.config.compression import CompressionConfig

# Quality 4 and level 6: most of the gain of the top levels at a fraction of their CPU,
# which a miss on the feed pays on the request path.
BROTLI_QUALITY = 4
GZIP_LEVEL = 6
MINIMUM_SIZE = 1024  # below one packet, compressing saves nothing on the wire
UNCOMPRESSED = ["^/blobs"]


def compression_config() -> CompressionConfig:
    """Brotli with a gzip fallback when the ``brotli`` package is installed (the
    ``server`` extra brings it), gzip alone otherwise."""
    backend = "brotli" if importlib.util.find_spec("brotli") is not None else "gzip"
    return CompressionConfig(
        backend=backend,
        minimum_size=MINIMUM_SIZE,
        brotli_quality=BROTLI_QUALITY,
        gzip_compress_level=GZIP_LEVEL,
        brotli_gzip_fallback=True,
        exclude=UNCOMPRESSED,
    )
