"""Where story media sit in the bucket: the original upload under ``stories/``, which the
bucket's lifecycle rule expires a day after upload; every rendition (the 1080 px image the
story shows, thumbnails, the blurhash) under ``story-archive/``, outside that rule.

Every story stays in its owner's archive after it expires (``GET /stories/archive``), and the
archive shows the rendition, so renditions must outlive the day. The original is only the
input of processing, so S3 can still drop it after a day. The mapping is this adapter's:
the core keeps naming a story's blobs under ``stories/`` (``Media.prefix``), so deleting a
story's media by prefix still reaches both places (see :func:`stored_prefixes`).
"""

from __future__ import annotations

from instagram_core.domain.media import STORY_PREFIX, is_original_key

ARCHIVED_STORY_PREFIX = "story-archive/"


def stored_key(key: str) -> str:
    """The object key a blob key is stored under."""
    if key.startswith(STORY_PREFIX) and not is_original_key(key):
        return ARCHIVED_STORY_PREFIX + key.removeprefix(STORY_PREFIX)
    return key


def stored_prefixes(prefix: str) -> tuple[str, ...]:
    """The object-key prefixes holding the blobs under ``prefix``."""
    if prefix.startswith(STORY_PREFIX):
        return (prefix, ARCHIVED_STORY_PREFIX + prefix.removeprefix(STORY_PREFIX))
    if STORY_PREFIX.startswith(prefix) and not ARCHIVED_STORY_PREFIX.startswith(prefix):
        return (prefix, ARCHIVED_STORY_PREFIX)  # wider than every story, narrower than both
    return (prefix,)
