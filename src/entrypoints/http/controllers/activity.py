"""Notifications and search."""

from __future__ import annotations

from litestar import Controller, get
from litestar.di import NamedDependency
from litestar.params import FromQuery

from instagram_core.domain.pagination import DEFAULT_PAGE_SIZE
from instagram_core.domain.users import User
from instagram_core.services.notifications import NotificationService
from instagram_core.services.search import SearchService, parse_type
from instagram_entrypoints.http import presenters, schemas
from instagram_entrypoints.http.params import PageLimit, SearchKind, SearchLimit, TrendingLimit


class NotificationsController(Controller):
    path = "/notifications"
    tags = ["notifications"]

    @get("/", sync_to_thread=True)
    def activity(
        self,
        viewer: NamedDependency[User],
        notifications: NamedDependency[NotificationService],
        cursor: FromQuery[str | None] = None,
        limit: PageLimit = DEFAULT_PAGE_SIZE,
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
        limit: TrendingLimit = 10,
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
        type: SearchKind = "top",
        limit: SearchLimit = 10,
    ) -> schemas.SearchOut:
        """Users, hashtags and places matching ``q`` (prefix from the first character, typo
        tolerant); ``#q`` searches hashtags only. Accounts blocked either way are never
        found, and counts include only posts the viewer may see. Ranking: ``docs/search.md``."""
        found = search.search(viewer.user_id, q, limit, parse_type(type))
        return schemas.SearchOut(
            [presenters.user_search_hit(u) for u in found.users],
            [schemas.HashtagOut(h.tag, h.post_count) for h in found.hashtags],
            [presenters.place(p) for p in found.places],
        )
