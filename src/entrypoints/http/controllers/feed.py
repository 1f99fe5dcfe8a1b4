"""The home feed. The one endpoint every client polls, so its common case (a page with
nothing changed since it was last read) is answered on the event loop from encoded bytes;
anything else runs in the thread pool like every other handler."""

from __future__ import annotations

from typing import Any

import anyio.to_thread
from litestar import Controller, MediaType, Request, Response, get
from litestar.datastructures import State
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import FromQuery
from litestar.serialization import encode_json

from instagram_core.domain.pagination import DEFAULT_PAGE_SIZE
from instagram_core.services.feed import FeedService
from instagram_entrypoints.http import presenters, schemas
from instagram_entrypoints.http.dependencies import container_of, provide_viewer
from instagram_entrypoints.http.feed_pages import FeedPageCache


class FeedController(Controller):
    path = "/feed"
    tags = ["feed"]

    @get(
        "/",
        responses={
            200: ResponseSpec(
                data_container=schemas.FeedPageOut,
                description="A page of the feed; with `since`, a `NewPostsOut` instead.",
            )
        },
    )
    async def home(
        self,
        request: Request[Any, Any, Any],
        state: State,
        cursor: FromQuery[str | None] = None,
        limit: FromQuery[int] = DEFAULT_PAGE_SIZE,
        since: FromQuery[str | None] = None,
    ) -> Response[bytes]:
        """A page of the home feed; with ``since`` (a post id or a cursor of an earlier
        page) only the number of newer posts waiting, for a "new posts" pill."""
        # Resolved here rather than declared as dependencies: Litestar resolves several
        # dependencies of one handler concurrently, in an anyio task group per request,
        # which costs more than the whole answer from the page cache (litestar#4563).
        viewer = provide_viewer(request, state)
        container = container_of(state)
        feed, pages = container.core.feed(), container.feed_pages()
        if since is not None:
            waiting = await anyio.to_thread.run_sync(feed.count_new, viewer.user_id, since)
            return _json(encode_json(schemas.NewPostsOut(waiting)))
        lookup = (viewer.user_id, cursor, limit, feed.is_current)
        if pages.check_on_loop:
            cached = pages.get(*lookup)
        else:
            cached = await anyio.to_thread.run_sync(pages.get, *lookup)
        if cached is not None:
            return _json(cached)
        body = await anyio.to_thread.run_sync(_read, feed, pages, viewer.user_id, cursor, limit)
        return _json(body)


def _read(
    feed: FeedService, pages: FeedPageCache, viewer_id: str, cursor: str | None, limit: int
) -> bytes:
    page = feed.home(viewer_id, cursor, limit)
    body = encode_json(
        schemas.FeedPageOut([presenters.post(p) for p in page.items], page.next_cursor, page.ranked)
    )
    if page.stamp is not None:
        pages.put(viewer_id, cursor, limit, page.stamp, body)
    return body


def _json(body: bytes) -> Response[bytes]:
    return Response(body, media_type=MediaType.JSON)
