"""How a published post reaches followers' feeds (push), in small independent chunks."""

from __future__ import annotations

import attrs

FANOUT_CHUNK = 1000  # followers per job: a big audience becomes many small, retryable jobs
BACKFILL_POSTS = 50  # posts of a newly followed account merged into the follower's feed
REBUILD_POSTS_PER_AUTHOR = 50  # posts pulled per followed account when a feed is rebuilt


CELEBRITY_THRESHOLD = 500_000
"""Above this many followers an author's posts are pulled on read, not pushed. The one
default (``Settings.fanout_celebrity_threshold`` takes it): ``docs/feed-at-scale.md`` chose
it over the seed's 50,000, which pushes less but makes every feed load merge about twice the
timelines; 500k keeps the worst post under a second of the feed tier's write rate."""
CELEBRITY_POSTS = 50  # recent posts pulled per followed celebrity on a feed read


@attrs.frozen
class FanoutPolicy:
    """Hybrid fan-out: push a post into every active follower's cached feed, except for
    authors with more than ``celebrity_threshold`` followers, whose posts followers pull
    when they read.

    Reads pull from every followed account above *half* the threshold: an author whose
    count drifts back under the threshold after posting keeps being pulled, so a post that
    was never pushed is never lost (the hysteresis costs a few extra reads near the line).
    """

    chunk_size: int = FANOUT_CHUNK
    backfill_posts: int = BACKFILL_POSTS
    rebuild_posts_per_author: int = REBUILD_POSTS_PER_AUTHOR
    celebrity_threshold: int = CELEBRITY_THRESHOLD
    celebrity_posts: int = CELEBRITY_POSTS

    def is_celebrity(self, follower_count: int) -> bool:
        """Push-side test: too many followers to push to."""
        return follower_count > self.celebrity_threshold

    @property
    def pull_floor(self) -> int:
        """Accounts with more followers than this are pulled on read."""
        return self.celebrity_threshold // 2

    def pull_on_read(self, follower_count: int) -> bool:
        """Read-side test, with hysteresis (see the class docstring)."""
        return follower_count > self.pull_floor
