"""What cached reads depend on, named in one place.

Writers mark what they changed, after storing it; a reader notes the versions of what it is
about to read, before reading it. A result is then current while every version it noted is
unchanged: any write that it may have missed was marked after the reader noted, so it shows
as a changed version. That ordering is the whole protocol; the keys below are its
vocabulary."""

from __future__ import annotations

import logging
from collections.abc import Iterable

import attrs

from instagram_core.domain.errors import Unavailable
from instagram_core.ports.change_versions import ChangeVersions

log = logging.getLogger("instagram.freshness")


def post_key(post_id: int) -> str:
    """A post as shown: its status, caption, counts."""
    return f"post:{post_id}"


def post_keys(post_ids: Iterable[int]) -> list[str]:
    """:func:`post_key` of many posts (a feed miss notes ~500: one comprehension)."""
    return [f"post:{post_id}" for post_id in post_ids]


def profile_key(user_id: str) -> str:
    """A user as shown beside their posts."""
    return f"profile:{user_id}"


def relations_key(user_id: str) -> str:
    """A user's own ties and marks: follows, requests, blocks, mutes, likes and saves."""
    return f"relations:{user_id}"


def feed_key(user_id: str) -> str:
    """The ids in a user's cached (pushed) feed."""
    return f"feed:{user_id}"


def timeline_key(author_id: str) -> str:
    """An author's published posts: what a feed pulls from a celebrity on read."""
    return f"timeline:{author_id}"


@attrs.frozen
class ReadStamp:
    """The versions a read noted, key by key."""

    keys: tuple[str, ...]
    versions: tuple[int, ...]


class ReadRecorder:
    """Collects the versions of what one read depends on, noted just before each part is
    read. Noting a key again replaces its version: the part is being read again, after the
    reader's own write to it (a feed rebuilt on read). If the versions cannot be read the
    result gets no stamp (it is never cached)."""

    def __init__(self, versions: ChangeVersions) -> None:
        self._versions = versions
        self._noted: dict[str, int] = {}
        self._broken = False

    def note(self, keys: Iterable[str]) -> None:
        wanted = list(keys)
        if self._broken or not wanted:
            return
        try:
            self._noted.update(zip(wanted, self._versions.read(wanted), strict=True))
        except Unavailable:
            self._broken = True

    def noted(self, keys: Iterable[str]) -> tuple[int, ...] | None:
        """The versions noted for ``keys`` (each noted before), None when they could not
        be read: for a cache that keeps what it read under them."""
        if self._broken:
            return None
        return tuple(self._noted[key] for key in keys)

    def stamp(self) -> ReadStamp | None:
        if self._broken:
            return None
        return ReadStamp(tuple(self._noted), tuple(self._noted.values()))


class Freshness:
    """The write side (:meth:`changed`) and the check (:meth:`is_current`)."""

    def __init__(self, versions: ChangeVersions) -> None:
        self._versions = versions

    def recorder(self) -> ReadRecorder:
        return ReadRecorder(self._versions)

    def changed(self, keys: Iterable[str]) -> None:
        """Mark ``keys`` changed. Best effort: the write it follows is already stored and
        must not be reported failed; a cache that misses the mark is bounded by its TTL."""
        try:
            self._versions.bump(keys)
        except Unavailable as exc:
            log.warning("could not mark a change (cached reads may lag): %s", exc)

    def is_current(self, stamp: ReadStamp) -> bool:
        """Whether nothing read under ``stamp`` has changed since; False when unknowable."""
        try:
            return self._versions.read(stamp.keys) == stamp.versions
        except Unavailable:
            return False
