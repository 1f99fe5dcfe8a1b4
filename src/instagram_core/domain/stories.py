"""Stories: ephemeral posts that expire 24 hours after they are made."""

from __future__ import annotations

import enum
from datetime import datetime, timedelta

import attrs

from instagram_core.domain.stickers import Sticker

STORY_LIFETIME = timedelta(hours=24)


class StoryStatus(enum.StrEnum):
    PROCESSING = "processing"
    LIVE = "live"
    FAILED = "failed"


@attrs.frozen
class Story:
    story_id: int
    author_id: str
    media_id: int
    created_at: datetime
    expires_at: datetime
    status: StoryStatus = StoryStatus.PROCESSING
    music_id: str | None = None
    stickers: tuple[Sticker, ...] = ()


@attrs.frozen
class StoryTray:
    """One followed account's live stories, newest first, as the tray shows them."""

    author_id: str
    stories: tuple[Story, ...]

    @property
    def latest_at(self) -> datetime:
        return max(story.created_at for story in self.stories)


@attrs.frozen
class StoryViewer:
    """Who viewed a story, and when they first did (a second view changes nothing)."""

    viewer_id: str
    viewed_at: datetime


@attrs.frozen
class Highlight:
    """Stories their owner chose to keep on the profile for good, in the order chosen."""

    highlight_id: int
    owner_id: str
    title: str
    story_ids: tuple[int, ...]
    created_at: datetime
