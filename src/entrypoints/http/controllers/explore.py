"""The Explore page (``docs/explore.md``)."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, get
from litestar.di import NamedDependency
from litestar.params import FromQuery, QueryParameter

from instagram_core.domain.pagination import DEFAULT_PAGE_SIZE
from instagram_core.domain.users import User
from instagram_core.services.explore import ExploreService
from instagram_entrypoints.http import presenters, schemas

# Checked by the service: out of range is a 422 naming the range, as on /search.
Limit = Annotated[int, QueryParameter(description="Page size, 1 to 50.")]


class ExploreController(Controller):
    path = "/explore"
    tags = ["discovery"]

    @get("/", sync_to_thread=True)
    def page(
        self,
        viewer: NamedDependency[User],
        explore: NamedDependency[ExploreService],
        cursor: FromQuery[str | None] = None,
        limit: Limit = DEFAULT_PAGE_SIZE,
    ) -> schemas.PostPage:
        """Posts from public accounts the viewer does not follow, at most one per creator
        per session; the cursor continues the same ranked order, valid 15 minutes after its
        last use (then a 422; an altered cursor is a 400)."""
        page = explore.page(viewer.user_id, cursor, limit)
        return schemas.PostPage([presenters.post(v) for v in page.items], page.next_cursor)
