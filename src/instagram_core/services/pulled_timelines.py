"""The newest published post ids of the accounts pulled on read (celebrities), kept per
process: every follower's feed read merges the same few timelines, and reading each one
from the post store on every miss made the pull the largest part of a first page.

An entry is used only under the version of its author's timeline that the reader noted
before asking (``services.freshness``), the version the page cache checks too: a post
published or deleted by that author bumps it, and the next read takes the timeline from the
store again. Only ids are kept: the feed reads the posts themselves (and filters blocks,
mutes and deletions) as it does for the pushed ids."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from datetime import datetime, timedelta

import attrs

from instagram_core.ports.clock import Clock
from instagram_core.ports.posts import PostStore

MAX_AUTHORS = 10_000  # a few hundred KB of ids: celebrities are few, by definition
TTL = timedelta(minutes=5)  # well inside the change versions' retention (see the port)


@attrs.frozen
class _Entry:
    version: int
    depth: int  # how many posts were asked for when it was read
    ids: tuple[int, ...]
    expires_at: datetime


class PulledTimelines:
    """Least recently used first out, at most ``max_authors`` timelines."""

    def __init__(
        self,
        posts: PostStore,
        clock: Clock,
        ttl: timedelta = TTL,
        max_authors: int = MAX_AUTHORS,
    ) -> None:
        self._posts = posts
        self._clock = clock
        self._ttl = ttl
        self._max = max_authors
        self._entries: OrderedDict[str, _Entry] = OrderedDict()
        self._lock = threading.Lock()

    def newest_ids(
        self, authors: Sequence[str], versions: Sequence[int] | None, per_author: int
    ) -> list[int]:
        """The newest ``per_author`` published post ids of each author, concatenated.
        ``versions`` are the authors' timeline versions noted before this call (None when
        they could not be read: then every timeline comes from the store, and nothing is
        kept)."""
        now = self._clock.now()
        found: list[int] = []
        for index, author in enumerate(authors):
            version = None if versions is None else versions[index]
            entry = self._entries.get(author)
            if (
                version is not None
                and entry is not None
                and entry.version == version
                and entry.depth >= per_author
                and entry.expires_at > now
            ):
                found.extend(entry.ids[:per_author])
                continue
            posts = self._posts.by_author(author, None, per_author, published_only=True)
            ids = tuple(p.post_id for p in posts)
            found.extend(ids)
            if version is not None:
                self._keep(author, _Entry(version, per_author, ids, now + self._ttl))
        return found

    def _keep(self, author: str, entry: _Entry) -> None:
        with self._lock:
            self._entries.pop(author, None)
            self._entries[author] = entry
            while len(self._entries) > self._max:
                self._entries.popitem(last=False)

    def __len__(self) -> int:
        return len(self._entries)
