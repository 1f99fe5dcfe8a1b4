"""Stories: posted like a photo, processed, live for 24 hours, shown in a tray per followed
account (newest trays first)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

import attrs

from instagram_core.domain.errors import InvalidInput, UnprocessableMedia
from instagram_core.domain.events import (
    FollowApproved,
    FollowCreated,
    FollowRemoved,
    StoryCreated,
    StoryMentioned,
    StoryViewed,
)
from instagram_core.domain.ids import parse_cursor_id
from instagram_core.domain.pagination import Page, check_limit, page_from_overfetch
from instagram_core.domain.stickers import MentionSticker, Sticker
from instagram_core.domain.stories import STORY_LIFETIME, Story, StoryStatus, StoryTray
from instagram_core.domain.users import User
from instagram_core.policies.fanout import FANOUT_CHUNK
from instagram_core.policies.stickers import MentionRequest, parse_stickers
from instagram_core.policies.visibility import AudienceGate
from instagram_core.ports.clock import Clock
from instagram_core.ports.events import EventBus
from instagram_core.ports.ids import IdGenerator
from instagram_core.ports.intents import Intents
from instagram_core.ports.media import MediaStore
from instagram_core.ports.restrictions import Restrictions
from instagram_core.ports.social_graph import SocialGraph
from instagram_core.ports.stories import StoryStore
from instagram_core.ports.story_trays import CachedTray, StoryTrayCache
from instagram_core.ports.users import UserStore
from instagram_core.services.closeness import Closeness
from instagram_core.services.follower_chunks import follower_chunks
from instagram_core.services.intents import always
from instagram_core.services.media import MediaService
from instagram_core.services.publishing import MediaPipeline
from instagram_core.services.story_views import StoryView, StoryViews

TRAY_TTL_SECONDS = 3600  # the seed's hourly refresh


@attrs.frozen
class StoryTrayView:
    user: User
    stories: tuple[StoryView, ...]
    seen: bool = False  # every story in it was viewed (never for the viewer's own tray)


class StoryService:
    def __init__(
        self,
        stories: StoryStore,
        media_service: MediaService,
        media: MediaStore,
        views: StoryViews,
        pipeline: MediaPipeline,
        graph: SocialGraph,
        gate: AudienceGate,
        restrictions: Restrictions,
        closeness: Closeness,
        users: UserStore,
        trays: StoryTrayCache,
        ids: IdGenerator,
        clock: Clock,
        bus: EventBus,
        intents: Intents,
        lifetime: timedelta = STORY_LIFETIME,
    ) -> None:
        self._lifetime = lifetime  # 24 hours; shorter only to watch expiry happen in tests
        self._trays = trays
        self._media_service = media_service
        self._stories = stories
        self._media = media
        self._views = views
        self._restrictions = restrictions
        self._closeness = closeness
        self._pipeline = pipeline
        self._graph = graph
        self._gate = gate
        self._users = users
        self._ids = ids
        self._clock = clock
        self._bus = bus
        self._intents = intents  # stories live outside the bus's transaction (Cassandra)

    def create(
        self,
        author_id: str,
        media_id: int,
        music_id: str | None = None,
        stickers: Sequence[object] = (),
    ) -> Story:
        """Store the story as processing; it goes live once its media is processed. Stickers
        are checked first: a malformed one, or a mention of an unknown account or of one
        blocked either way, refuses the whole story."""
        placed = self._stickers(author_id, stickers)
        self._media_service.require_usable(author_id, [media_id], for_story=True)
        now = self._clock.now()
        story = Story(
            self._ids.next_id(),
            author_id,
            media_id,
            now,
            now + self._lifetime,
            music_id=music_id,
            stickers=placed,
        )
        if not self._media.attach(media_id, story.story_id):
            raise InvalidInput(f"media {media_id} is already in use")
        self._intents.run(
            StoryCreated(story.story_id, author_id), lambda: self._stories.add(story), always
        )
        return story

    def process_story(self, event: StoryCreated) -> None:
        """Process the story's media and put it live (or failed). A story already live is
        announced again: a worker that died between storing it live and touching the trays
        (or publishing its mentions) has its message redelivered, and only this redelivery
        can finish the job. Touching a tray and notifying a mention are idempotent."""
        story = self._stories.get(event.story_id, self._clock.now())
        if story is not None and story.status is StoryStatus.LIVE:
            self._announce_live(story)
            return
        if story is None or story.status is not StoryStatus.PROCESSING:
            return
        media = self._media.get(story.media_id)
        status = StoryStatus.FAILED
        if media is not None:
            try:
                ready = self._pipeline.process(media, None)
                status = StoryStatus.FAILED if self._pipeline.review(ready) else StoryStatus.LIVE
            except UnprocessableMedia as exc:
                self._pipeline.fail(media, exc.message)
        self._stories.update(attrs.evolve(story, status=status))
        if status is StoryStatus.LIVE:
            self._announce_live(story)

    def _announce_live(self, story: Story) -> None:
        self._touch_trays(story)
        mentioned = tuple(s.user_id for s in story.stickers if isinstance(s, MentionSticker))
        if mentioned:
            self._bus.publish(StoryMentioned(story.story_id, story.author_id, mentioned))

    def _stickers(self, author_id: str, raw: Sequence[object]) -> tuple[Sticker, ...]:
        placed: list[Sticker] = []
        for index, sticker in enumerate(parse_stickers(raw)):
            if isinstance(sticker, MentionRequest):
                user = self._users.by_username(sticker.username)
                if user is None or self._gate.blocked(author_id, user.user_id):
                    raise InvalidInput(
                        f"stickers[{index}].username: @{sticker.username} cannot be mentioned"
                    )
                placed.append(MentionSticker(sticker.position, user.user_id, user.username))
            else:
                placed.append(sticker)
        return tuple(placed)

    def on_follow_changed(self, event: FollowCreated | FollowApproved | FollowRemoved) -> None:
        """The follower's tray no longer matches whom they follow: rebuild it on next read."""
        self._trays.forget([event.follower_id])

    def on_story_viewed(self, event: StoryViewed) -> None:
        """The viewer's cached tray marks the story seen, until the story expires; a view of
        a story that expired meanwhile needs no mark. Marking again changes nothing."""
        story = self._stories.get(event.story_id, self._clock.now())
        if story is not None:
            self._trays.mark_seen(
                event.viewer_id, story.story_id, story.expires_at, TRAY_TTL_SECONDS
            )

    def _touch_trays(self, story: Story) -> None:
        """The author stays in each cached tray until this story, their newest, expires."""
        self._trays.touch([story.author_id], story.author_id, story.expires_at)
        for chunk in follower_chunks(self._graph, story.author_id, FANOUT_CHUNK):
            self._trays.touch(chunk, story.author_id, story.expires_at)

    def tray(self, viewer_id: str) -> list[StoryTrayView]:
        """Live stories of the viewer and of accounts they actively follow: the viewer's own
        tray first, then unseen trays by closeness, then seen ones by closeness (ties: the
        newest story first). The cached tray names the authors until their newest story
        expires (by this clock, so an author leaves at that instant) and holds the viewer's
        seen marks (kept up to date through the bus, so a cached read asks the view store
        nothing); stories are read fresh, so a deleted or expired story is never shown.
        Accounts blocked with the viewer, or muted by them, are left out at once, even if a
        stale tray names them."""
        now = self._clock.now()
        hidden = (self._gate.blocked_ids(viewer_id) | self._restrictions.muted_ids(viewer_id)) - {
            viewer_id
        }
        live: Mapping[str, Sequence[Story]]
        cached = self._trays.get(viewer_id, live_at=now)
        if cached is None:
            live, cached = self._rebuilt(viewer_id, now)
            live = {a: stories for a, stories in live.items() if a not in hidden}
        else:
            live = self._stories.live_by_authors(cached.leaving.keys() - hidden, now)
        trays = [
            StoryTray(author, tuple(s for s in stories if s.status is StoryStatus.LIVE))
            for author, stories in live.items()
        ]
        trays = [t for t in trays if t.stories]
        users = self._users.get_many(t.author_id for t in trays)
        views = self._views.for_reader(
            viewer_id, [s for t in trays for s in t.stories], seen=cached.seen
        )
        by_id = {v.story.story_id: v for v in views}
        closeness = self._closeness.scores(viewer_id, (t.author_id for t in trays))
        shown = [
            StoryTrayView(
                users[t.author_id],
                stories := tuple(by_id[s.story_id] for s in t.stories),
                seen=t.author_id != viewer_id and all(v.seen for v in stories),
            )
            for t in trays
            if t.author_id in users
        ]
        latest_at = {t.author_id: t.latest_at for t in trays}
        return sorted(
            shown,
            key=lambda t: (
                t.user.user_id != viewer_id,
                t.seen,
                -closeness.get(t.user.user_id, 0.0),
                -latest_at[t.user.user_id].timestamp(),
            ),
        )

    def archive(self, owner_id: str, cursor: str | None, limit: int) -> Page[StoryView]:
        """The owner's own stories, newest first, expired ones included: only ever the
        caller's archive. A media URL is given while the story's media still exists (the
        bucket's lifecycle rule expires story media a day after upload)."""
        limit = check_limit(limit)
        before = parse_cursor_id(cursor) if cursor else None
        stories = self._stories.archived(owner_id, before, limit + 1)
        page = page_from_overfetch(stories, limit, lambda s: str(s.story_id))
        return Page(list(self._views.for_reader(owner_id, page.items)), page.next_cursor)

    def _rebuilt(
        self, viewer_id: str, now: datetime
    ) -> tuple[Mapping[str, Sequence[Story]], CachedTray]:
        """The live stories of the viewer and of everyone they follow, and the tray cached
        from them: each author with a live story → when their newest live story expires,
        and the viewer's seen marks on the others' live stories (from the view store)."""
        authors = [*self._graph.following_ids(viewer_id), viewer_id]
        live = self._stories.live_by_authors(authors, now)
        leaving = {
            author: max(s.expires_at for s in stories if s.status is StoryStatus.LIVE)
            for author, stories in live.items()
            if any(s.status is StoryStatus.LIVE for s in stories)
        }
        others = {
            s.story_id: s.expires_at
            for author, stories in live.items()
            if author != viewer_id
            for s in stories
            if s.status is StoryStatus.LIVE
        }
        seen = self._views.seen_by(viewer_id, others) if others else set()
        tray = CachedTray(leaving, {story_id: others[story_id] for story_id in seen})
        self._trays.put(viewer_id, tray, TRAY_TTL_SECONDS, live_at=now)
        return live, tray
