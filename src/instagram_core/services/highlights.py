"""Highlights: stories their owner keeps on the profile for good, after they expire."""

from __future__ import annotations

from collections.abc import Sequence

import attrs

from instagram_core.domain.errors import InvalidInput
from instagram_core.domain.stories import Highlight, StoryStatus
from instagram_core.policies.visibility import AudienceGate
from instagram_core.ports.clock import Clock
from instagram_core.ports.highlights import HighlightStore
from instagram_core.ports.ids import IdGenerator
from instagram_core.ports.stories import StoryStore
from instagram_core.ports.users import UserStore
from instagram_core.services.lookups import user_named
from instagram_core.services.story_views import StoryView, StoryViews

MAX_TITLE = 30
MAX_HIGHLIGHT_STORIES = 100


@attrs.frozen
class HighlightView:
    highlight: Highlight
    stories: tuple[StoryView, ...]


class HighlightService:
    def __init__(
        self,
        highlights: HighlightStore,
        stories: StoryStore,
        views: StoryViews,
        users: UserStore,
        gate: AudienceGate,
        ids: IdGenerator,
        clock: Clock,
    ) -> None:
        self._highlights = highlights
        self._stories = stories
        self._views = views
        self._users = users
        self._gate = gate
        self._ids = ids
        self._clock = clock

    def create(self, owner_id: str, title: str, story_ids: Sequence[int]) -> HighlightView:
        """Keep some of the owner's own live (published) stories, expired or not, in the
        order given."""
        title = title.strip()
        if not 1 <= len(title) <= MAX_TITLE:
            raise InvalidInput(f"title must be 1-{MAX_TITLE} characters")
        if not 1 <= len(story_ids) <= MAX_HIGHLIGHT_STORIES:
            raise InvalidInput(f"story_ids must list 1-{MAX_HIGHLIGHT_STORIES} stories")
        if len(set(story_ids)) != len(story_ids):
            raise InvalidInput("story_ids must not repeat a story")
        found = self._stories.archived_many(owner_id, story_ids)
        for story_id in story_ids:
            story = found.get(story_id)
            if story is None or story.status is not StoryStatus.LIVE:
                raise InvalidInput(f"story {story_id} is not one of your published stories")
        highlight = Highlight(
            self._ids.next_id(), owner_id, title, tuple(story_ids), self._clock.now()
        )
        self._highlights.add(highlight)
        return self._view(owner_id, highlight)

    def of_user(self, viewer_id: str, username: str) -> list[HighlightView]:
        """The account's highlights, newest first, for whoever may see its content."""
        owner = user_named(self._users, username)
        self._gate.require(viewer_id, owner)
        return [self._view(viewer_id, h) for h in self._highlights.by_owner(owner.user_id)]

    def _view(self, reader_id: str, highlight: Highlight) -> HighlightView:
        found = self._stories.archived_many(highlight.owner_id, highlight.story_ids)
        stories = [found[i] for i in highlight.story_ids if i in found]
        return HighlightView(highlight, self._views.for_reader(reader_id, stories))
