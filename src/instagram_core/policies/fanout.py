"""How a published post reaches followers' feeds (push), in small independent chunks."""

from __future__ import annotations

import attrs

FANOUT_CHUNK = 1000  # followers per job: a big audience becomes many small, retryable jobs
BACKFILL_POSTS = 50  # posts of a newly followed account merged into the follower's feed
REBUILD_POSTS_PER_AUTHOR = 50  # posts pulled per followed account when a feed is rebuilt


@attrs.frozen
class FanoutPolicy:
    chunk_size: int = FANOUT_CHUNK
    backfill_posts: int = BACKFILL_POSTS
    rebuild_posts_per_author: int = REBUILD_POSTS_PER_AUTHOR
