"""The app's routes in one table, and the usernames they make unreachable.

``create_app`` mounts this table; :func:`reserved_usernames` reads the same table, so a new
route word is reserved as soon as the route exists."""

from __future__ import annotations

import re
from functools import cache

from litestar import Litestar, Router
from litestar.types import ControllerRouterHandler

from instagram_core.domain.users import USERNAME_PATTERN
from instagram_entrypoints.http.controllers.accounts import AccountsController
from instagram_entrypoints.http.controllers.activity import (
    NotificationsController,
    SearchController,
)
from instagram_entrypoints.http.controllers.blobs import BlobsController
from instagram_entrypoints.http.controllers.discovery import (
    HashtagsController,
    LocationsController,
)
from instagram_entrypoints.http.controllers.explore import ExploreController
from instagram_entrypoints.http.controllers.feed import FeedController
from instagram_entrypoints.http.controllers.health import HealthController
from instagram_entrypoints.http.controllers.notifications import (
    DevicesController,
    NotificationSettingsController,
    NotificationStateController,
)
from instagram_entrypoints.http.controllers.posts import (
    FiltersController,
    MediaController,
    PostsController,
)
from instagram_entrypoints.http.controllers.stories import (
    HighlightsController,
    StoriesController,
)
from instagram_entrypoints.http.controllers.uploads import UploadsController
from instagram_entrypoints.http.controllers.users import FollowRequestsController, UsersController
from instagram_entrypoints.http.controllers.web import index, web_assets
from instagram_entrypoints.http.dependencies import DEPENDENCIES
from instagram_entrypoints.http.openapi import openapi_config
from instagram_entrypoints.http.request_guard import JSON_BODY_LIMIT

API_PATH = "/api/v1"
API_CONTROLLERS: tuple[ControllerRouterHandler, ...] = (
    AccountsController,
    UsersController,
    FollowRequestsController,
    MediaController,
    UploadsController,
    FiltersController,
    PostsController,
    FeedController,
    StoriesController,
    HighlightsController,
    NotificationsController,
    NotificationStateController,
    NotificationSettingsController,
    DevicesController,
    SearchController,
    HashtagsController,
    LocationsController,
    ExploreController,
)
BLOB_CONTROLLERS: tuple[ControllerRouterHandler, ...] = (BlobsController,)
"""The embedded blob store's edge; S3 serves its own pre-signed URLs in production."""
EDGE_CONTROLLERS: tuple[ControllerRouterHandler, ...] = (HealthController, index, web_assets)
"""Health, and the web client: its page at ``/`` and its modules under ``/web``."""


def api_router() -> Router:
    return Router(
        path=API_PATH,
        route_handlers=list(API_CONTROLLERS),
        request_max_body_size=JSON_BODY_LIMIT,
    )


_PARAMETER = re.compile(r"^\{.*\}$")


@cache
def reserved_usernames() -> frozenset[str]:
    """Every fixed word of every route path (``me``, ``posts``, ``schema``...) that the
    username rule would accept, on every profile: ``/users/me`` shadows the account named
    ``me``, and a name equal to a route word reads as that route in links. The dot segments
    ``.`` and ``..``, which URLs collapse, are the core's own rule."""
    routes = Litestar(
        route_handlers=[api_router(), *BLOB_CONTROLLERS, *EDGE_CONTROLLERS],
        dependencies=DEPENDENCIES,
        openapi_config=openapi_config(),
    ).routes
    words = {
        segment.lower()
        for route in routes
        for segment in route.path.split("/")
        if segment and not _PARAMETER.match(segment)
    }
    return frozenset(w for w in words if USERNAME_PATTERN.fullmatch(w))
