"""Stories as a reader sees them: the media URL, and what only some readers may know (the
owner sees view and poll counts, a viewer whether they have seen it and how they voted)."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence

import attrs

from instagram_core.domain.stickers import poll_of
from instagram_core.domain.stories import Story
from instagram_core.ports.blobs import BlobStore
from instagram_core.ports.media import MediaStore
from instagram_core.ports.story_polls import StoryPollStore
from instagram_core.ports.story_views import StoryViewStore
from instagram_core.services.views import DOWNLOAD_URL_TTL

STORY_VARIANT = "large_1080"


@attrs.frozen
class StoryView:
    story: Story
    media_url: str | None
    view_count: int | None = None  # the owner's eyes only
    poll_counts: tuple[int, ...] | None = None  # the owner's eyes only
    seen: bool | None = None  # for a reader who is not the owner
    my_vote: int | None = None


class StoryViews:
    def __init__(
        self,
        media: MediaStore,
        blobs: BlobStore,
        views: StoryViewStore,
        polls: StoryPollStore,
    ) -> None:
        self._media = media
        self._blobs = blobs
        self._views = views
        self._polls = polls

    def for_reader(
        self, reader_id: str, stories: Sequence[Story], seen: Collection[int] | None = None
    ) -> tuple[StoryView, ...]:
        """Each story as ``reader_id`` may see it, in the order given: batched reads.
        ``seen``, when the caller already knows which of the stories the reader has viewed
        (the cached tray does), spares the view-store lookup."""
        media = self._media.get_many(s.media_id for s in stories)
        own = [s.story_id for s in stories if s.author_id == reader_id]
        counts = self._views.counts(own) if own else {}
        if seen is None:
            others = [s.story_id for s in stories if s.author_id != reader_id]
            seen = self._views.seen(reader_id, others) if others else set()
        out = []
        for story in stories:
            found = media.get(story.media_id)
            variant = (
                next((v for v in found.variants if v.name == STORY_VARIANT), None)
                if found
                else None
            )
            url = self._blobs.download_url(variant.key, DOWNLOAD_URL_TTL) if variant else None
            view = StoryView(story, url)
            if story.author_id == reader_id:
                view = attrs.evolve(
                    view,
                    view_count=counts.get(story.story_id, 0),
                    poll_counts=self._poll_counts(story),
                )
            else:
                view = attrs.evolve(
                    view, seen=story.story_id in seen, my_vote=self._my_vote(reader_id, story)
                )
            out.append(view)
        return tuple(out)

    def seen_by(self, reader_id: str, story_ids: Iterable[int]) -> set[int]:
        """Which of ``story_ids`` the reader has viewed (one view-store read)."""
        return self._views.seen(reader_id, story_ids)

    def _poll_counts(self, story: Story) -> tuple[int, ...] | None:
        poll = poll_of(story.stickers)
        if poll is None:
            return None
        counts = self._polls.counts(story.story_id)
        return tuple(counts.get(i, 0) for i in range(len(poll.options)))

    def _my_vote(self, reader_id: str, story: Story) -> int | None:
        if poll_of(story.stickers) is None:
            return None
        return self._polls.vote_of(story.story_id, reader_id)
