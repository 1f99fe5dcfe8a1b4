"""Story stickers: what a story's author placed on it, where, and what it says.

A position is the sticker's centre as a fraction of the story's width and height, so it
holds on any screen. A mention keeps the username it was made with: the sticker is drawn
on the story with that name, as the author saw it.
"""

from __future__ import annotations

import attrs

MAX_STICKERS = 10
MAX_TEXT = 100
POLL_OPTIONS = (2, 4)  # fewest and most options of a poll


@attrs.frozen
class Position:
    x: float
    y: float


@attrs.frozen
class MentionSticker:
    position: Position
    user_id: str
    username: str


@attrs.frozen
class HashtagSticker:
    position: Position
    tag: str


@attrs.frozen
class LocationSticker:
    """A place by its id, or a point with a name (``lat`` and ``lng`` go together)."""

    position: Position
    name: str | None = None
    place: str | None = None
    lat: float | None = None
    lng: float | None = None


@attrs.frozen
class PollSticker:
    position: Position
    question: str
    options: tuple[str, ...]


Sticker = MentionSticker | HashtagSticker | LocationSticker | PollSticker


def poll_of(stickers: tuple[Sticker, ...]) -> PollSticker | None:
    """The story's poll; a story has at most one."""
    return next((s for s in stickers if isinstance(s, PollSticker)), None)
