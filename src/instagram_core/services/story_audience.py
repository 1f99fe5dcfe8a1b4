"""Who watches a story: views (idempotent, only by those who may see it), the owner's list of
viewers, and poll votes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import attrs

from instagram_core.domain.errors import (
    Conflict,
    Forbidden,
    InvalidInput,
    MalformedCursor,
    NotFound,
)
from instagram_core.domain.events import StoryViewed
from instagram_core.domain.ids import is_decimal
from instagram_core.domain.pagination import Page, check_limit, page_from_overfetch
from instagram_core.domain.stickers import poll_of
from instagram_core.domain.stories import Story, StoryStatus, StoryViewer
from instagram_core.domain.users import User
from instagram_core.policies.visibility import AudienceGate
from instagram_core.ports.clock import Clock
from instagram_core.ports.intents import Intents
from instagram_core.ports.stories import StoryStore
from instagram_core.ports.story_polls import StoryPollStore
from instagram_core.ports.story_views import StoryViewStore
from instagram_core.ports.users import UserStore

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


@attrs.frozen
class ViewerEntry:
    user: User
    viewed_at: datetime


class StoryAudience:
    def __init__(
        self,
        stories: StoryStore,
        views: StoryViewStore,
        polls: StoryPollStore,
        users: UserStore,
        gate: AudienceGate,
        clock: Clock,
        intents: Intents,
    ) -> None:
        self._stories = stories
        self._views = views
        self._polls = polls
        self._users = users
        self._gate = gate
        self._clock = clock
        self._intents = intents  # views live outside the bus's transaction (Cassandra)

    def visible_story(self, viewer_id: str, story_id: int) -> Story:
        """A live story the viewer may see: ``NotFound`` if it is expired, not yet live (for
        anyone but its author) or across a block; ``Forbidden`` if its author is private and
        not followed by the viewer."""
        story = self._stories.get(story_id, self._clock.now())
        author = self._users.get(story.author_id) if story else None
        if story is None or author is None:
            raise NotFound("story not found")
        if story.author_id == viewer_id:
            return story
        if story.status is not StoryStatus.LIVE or self._gate.blocked(viewer_id, author.user_id):
            raise NotFound("story not found")
        self._gate.require(viewer_id, author)
        return story

    def view(self, viewer_id: str, story_id: int) -> None:
        """Record the viewer's first view; viewing again, or one's own story, changes
        nothing."""
        story = self.visible_story(viewer_id, story_id)
        if story.author_id == viewer_id:
            return
        self._intents.run(
            StoryViewed(story_id, viewer_id, story.author_id),
            lambda: self._views.record(story_id, StoryViewer(viewer_id, self._clock.now())),
            bool,
        )

    def viewers(
        self, owner_id: str, story_id: int, cursor: str | None, limit: int
    ) -> Page[ViewerEntry]:
        """The story's viewers, newest view first, for its owner only (also once expired).
        Accounts blocked with the owner are left out (the page may come out short)."""
        limit = check_limit(limit)
        after = _parse_cursor(cursor) if cursor else None
        if not self._stories.archived_many(owner_id, [story_id]):
            self.visible_story(owner_id, story_id)  # NotFound unless the caller may see it
            raise Forbidden("only the story's owner sees its viewers")
        found = self._views.viewers(story_id, after, limit + 1)
        page = page_from_overfetch(found, limit, _cursor_of)
        hidden = self._gate.blocked_ids(owner_id)
        users = self._users.get_many(v.viewer_id for v in page.items if v.viewer_id not in hidden)
        return Page(
            [
                ViewerEntry(users[v.viewer_id], v.viewed_at)
                for v in page.items
                if v.viewer_id in users
            ],
            page.next_cursor,
        )

    def vote(self, voter_id: str, story_id: int, option: int) -> None:
        """One vote per voter on the story's poll; a second is a ``Conflict``."""
        story = self.visible_story(voter_id, story_id)
        poll = poll_of(story.stickers)
        if poll is None:
            raise InvalidInput("this story has no poll")
        if not 0 <= option < len(poll.options):
            raise InvalidInput(f"option must be between 0 and {len(poll.options) - 1}")
        if not self._polls.vote(story_id, voter_id, option):
            raise Conflict("you already voted in this poll")


def _cursor_of(viewer: StoryViewer) -> str:
    """``<microseconds since the epoch>_<viewer id>``: the last entry's place in the order."""
    return f"{(viewer.viewed_at - _EPOCH) // _MICROSECOND}_{viewer.viewer_id}"


def _parse_cursor(raw: str) -> StoryViewer:
    micros, sep, viewer_id = raw.partition("_")
    if not sep or not viewer_id or not is_decimal(micros) or len(micros) > 18:
        raise MalformedCursor("malformed cursor: pass back a next_cursor exactly as received")
    return StoryViewer(viewer_id, _EPOCH + int(micros) * _MICROSECOND)
