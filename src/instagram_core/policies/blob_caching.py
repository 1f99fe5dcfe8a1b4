"""How long browsers and CDNs may keep a stored file, decided by its key alone: one rule
for the metadata S3 serves with an object and for the headers of our own ``/blobs`` edge.

Variants (the resized images, video renditions, poster and blurhash) are written once under
a key that names one media id and one rendition, so a copy never goes stale: a year and
``immutable``, and a feed scroll costs no revalidation. Originals are the opposite: they
keep the camera's EXIF (GPS included, which only the owner may see), a new upload may
replace one until a post claims it, and no viewer is ever handed a URL to one; no cache,
shared or private, should keep a copy."""

from __future__ import annotations

from instagram_core.domain.media import is_original_key

VARIANT_CACHE_CONTROL = "public, max-age=31536000, immutable"
ORIGINAL_CACHE_CONTROL = "private, no-store"


def cache_control(key: str) -> str:
    """The ``Cache-Control`` a stored file at ``key`` is served with."""
    return ORIGINAL_CACHE_CONTROL if is_original_key(key) else VARIANT_CACHE_CONTROL
