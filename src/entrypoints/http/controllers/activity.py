"""Stories, notifications and search."""

from __future__ import annotations

from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import FromQuery, JSONBody
from litestar.status_codes import HTTP_201_CREATED

from instagram_core.domain.pagination import DEFAULT_PAGE_SIZE
from instagram_core.domain.users import User
from instagram_core.services.notifications import NotificationService
from instagram_core.services.search import SearchService
from instagram_core.services.stories import StoryService, StoryView
from instagram_entrypoints.http import presenters, schemas
from instagram_entrypoints.http.dependencies import media_id


class StoriesController(Controller):
    path = "/stories"
    tags = ["stories"]

    @get("/feed", sync_to_thread=True)
    def tray(
        self, viewer: NamedDependency[User], stories: NamedDependency[StoryService]
    ) -> schemas.StoryFeed:
        return schemas.StoryFeed([presenters.story_tray(t) for t in stories.tray(viewer.user_id)])

    @post("/", status_code=HTTP_201_CREATED, sync_to_thread=True)
    def create(
        self,
        data: JSONBody[schemas.StoryCreate],
        viewer: NamedDependency[User],
        stories: NamedDependency[StoryService],
    ) -> schemas.StoryOut:
        story = stories.create(viewer.user_id, media_id(data.media_id), data.music_id)
        return presenters.story(StoryView(story, None))


class NotificationsController(Controller):
    path = "/notifications"
    tags = ["notifications"]

    @get("/", sync_to_thread=True)
    def activity(
        self,
        viewer: NamedDependency[User],
        notifications: NamedDependency[NotificationService],
        cursor: FromQuery[str | None] = None,
        limit: FromQuery[int] = DEFAULT_PAGE_SIZE,
    ) -> schemas.NotificationPage:
        page = notifications.activity(viewer.user_id, cursor, limit)
        return schemas.NotificationPage(
            [presenters.notification(n) for n in page.items], page.next_cursor
        )


class SearchController(Controller):
    path = "/search"
    tags = ["search"]

    @get("/trending", sync_to_thread=True)
    def trending(
        self,
        viewer: NamedDependency[User],
        search: NamedDependency[SearchService],
        limit: FromQuery[int] = 10,
    ) -> schemas.TrendingOut:
        """Hashtags by use in the past hours (each use halves in weight every hour)."""
        del viewer  # authenticated like every read; hashtags are public
        return schemas.TrendingOut(
            [schemas.TrendingTagOut(tag, round(score, 3)) for tag, score in search.trending(limit)]
        )

    @get("/", sync_to_thread=True)
    def search(
        self,
        viewer: NamedDependency[User],
        search: NamedDependency[SearchService],
        q: FromQuery[str],
        limit: FromQuery[int] = 10,
    ) -> schemas.SearchOut:
        del viewer  # authenticated like every read; results are public profile data
        found = search.search(q, limit)
        return schemas.SearchOut(
            [presenters.user_summary(u) for u in found.users],
            [schemas.HashtagOut(h.tag, h.post_count) for h in found.hashtags],
        )
