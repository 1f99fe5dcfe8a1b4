"""Stories: posting with stickers, the tray, views and viewers, polls, the archive, and
highlights."""

from __future__ import annotations

from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody
from litestar.status_codes import HTTP_201_CREATED, HTTP_204_NO_CONTENT

from instagram_core.domain.ids import parse_id
from instagram_core.domain.pagination import DEFAULT_PAGE_SIZE
from instagram_core.domain.users import User
from instagram_core.services.highlights import HighlightService
from instagram_core.services.stories import StoryService
from instagram_core.services.story_audience import StoryAudience
from instagram_core.services.story_views import StoryView
from instagram_entrypoints.http import presenters, schemas
from instagram_entrypoints.http.dependencies import media_id, path_id
from instagram_entrypoints.http.params import PageLimit
from instagram_entrypoints.http.request_guard import SMALL_JSON_BODY_LIMIT


class StoriesController(Controller):
    path = "/stories"
    tags = ["stories"]

    @get("/feed", sync_to_thread=True)
    def tray(
        self, viewer: NamedDependency[User], stories: NamedDependency[StoryService]
    ) -> schemas.StoryFeed:
        """Your own tray first, then unseen trays by closeness, then seen ones."""
        return schemas.StoryFeed([presenters.story_tray(t) for t in stories.tray(viewer.user_id)])

    @get("/archive", sync_to_thread=True)
    def archive(
        self,
        viewer: NamedDependency[User],
        stories: NamedDependency[StoryService],
        cursor: FromQuery[str | None] = None,
        limit: PageLimit = DEFAULT_PAGE_SIZE,
    ) -> schemas.StoryPage:
        """The caller's own stories, expired ones included, newest first."""
        page = stories.archive(viewer.user_id, cursor, limit)
        return schemas.StoryPage([presenters.story(v) for v in page.items], page.next_cursor)

    @post(
        "/",
        status_code=HTTP_201_CREATED,
        sync_to_thread=True,
        request_max_body_size=SMALL_JSON_BODY_LIMIT,
    )
    def create(
        self,
        data: JSONBody[schemas.StoryCreate],
        viewer: NamedDependency[User],
        stories: NamedDependency[StoryService],
    ) -> schemas.StoryOut:
        """Stickers: mention, hashtag, location or poll, each at a position in 0..1."""
        story = stories.create(
            viewer.user_id, media_id(data.media_id), data.music_id, data.stickers or ()
        )
        return presenters.story(StoryView(story, None))

    @post("/{story_id:str}/view", status_code=HTTP_204_NO_CONTENT, sync_to_thread=True)
    def view(
        self,
        story_id: FromPath[str],
        viewer: NamedDependency[User],
        story_audience: NamedDependency[StoryAudience],
    ) -> None:
        """Idempotent; only for those who may see the story."""
        story_audience.view(viewer.user_id, path_id(story_id, "story"))

    @get("/{story_id:str}/viewers", sync_to_thread=True)
    def viewers(
        self,
        story_id: FromPath[str],
        viewer: NamedDependency[User],
        story_audience: NamedDependency[StoryAudience],
        cursor: FromQuery[str | None] = None,
        limit: PageLimit = DEFAULT_PAGE_SIZE,
    ) -> schemas.StoryViewerPage:
        """Newest view first; the story's owner only (403 for anyone else)."""
        page = story_audience.viewers(viewer.user_id, path_id(story_id, "story"), cursor, limit)
        return schemas.StoryViewerPage(
            [presenters.story_viewer(v) for v in page.items], page.next_cursor
        )

    @post(
        "/{story_id:str}/poll-votes",
        status_code=HTTP_201_CREATED,
        sync_to_thread=True,
        request_max_body_size=SMALL_JSON_BODY_LIMIT,
    )
    def vote(
        self,
        story_id: FromPath[str],
        data: JSONBody[schemas.PollVoteIn],
        viewer: NamedDependency[User],
        story_audience: NamedDependency[StoryAudience],
    ) -> schemas.PollVoteOut:
        """One vote per viewer (409 for a second); ``option`` is the option's index."""
        story_audience.vote(viewer.user_id, path_id(story_id, "story"), data.option)
        return schemas.PollVoteOut(story_id, data.option)


class HighlightsController(Controller):
    path = "/highlights"
    tags = ["stories"]

    @post(
        "/",
        status_code=HTTP_201_CREATED,
        sync_to_thread=True,
        request_max_body_size=SMALL_JSON_BODY_LIMIT,
    )
    def create(
        self,
        data: JSONBody[schemas.HighlightCreate],
        viewer: NamedDependency[User],
        highlights: NamedDependency[HighlightService],
    ) -> schemas.HighlightOut:
        """Keep some of your published stories, expired or not, on your profile for good."""
        ids = [parse_id(i, "story id") for i in data.story_ids]
        return presenters.highlight(highlights.create(viewer.user_id, data.title, ids))
