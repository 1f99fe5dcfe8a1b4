"""The Litestar application factory."""

from __future__ import annotations

import logging

from litestar import Litestar, Router
from litestar.datastructures import State
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import SwaggerRenderPlugin

from instagram_entrypoints.config import Settings, load_settings
from instagram_entrypoints.containers import Application, build_container
from instagram_entrypoints.http.controllers.accounts import AccountsController
from instagram_entrypoints.http.controllers.activity import (
    NotificationsController,
    SearchController,
    StoriesController,
)
from instagram_entrypoints.http.controllers.blobs import BlobsController
from instagram_entrypoints.http.controllers.feed import FeedController
from instagram_entrypoints.http.controllers.health import HealthController
from instagram_entrypoints.http.controllers.posts import (
    FiltersController,
    MediaController,
    PostsController,
)
from instagram_entrypoints.http.controllers.uploads import UploadsController
from instagram_entrypoints.http.controllers.users import FollowRequestsController, UsersController
from instagram_entrypoints.http.dependencies import DEPENDENCIES
from instagram_entrypoints.http.errors import EXCEPTION_HANDLERS

log = logging.getLogger("instagram")


def create_app(settings: Settings | None = None, container: Application | None = None) -> Litestar:
    """Build the app over ``container`` (or one built from ``settings``, or from the
    environment). Resources start with the app and stop with it."""
    if container is None:
        container = build_container(settings or load_settings())

    def start() -> None:
        container.init_resources()
        recovered = container.core.publishing().recover_interrupted()
        if recovered:
            log.info("resumed processing of %d interrupted posts", recovered)

    def stop() -> None:
        container.shutdown_resources()

    api = Router(
        path="/api/v1",
        route_handlers=[
            AccountsController,
            UsersController,
            FollowRequestsController,
            MediaController,
            UploadsController,
            FiltersController,
            PostsController,
            FeedController,
            StoriesController,
            NotificationsController,
            SearchController,
        ],
    )
    # The embedded blob store is served here; S3 serves its own pre-signed URLs.
    blob_routes = [BlobsController] if container.config.profile() == "embedded" else []
    return Litestar(
        route_handlers=[api, *blob_routes, HealthController],
        dependencies=DEPENDENCIES,
        exception_handlers=EXCEPTION_HANDLERS,  # type: ignore[arg-type]
        on_startup=[start],
        on_shutdown=[stop],
        state=State({"container": container}),
        openapi_config=OpenAPIConfig(
            title="Instagram backend",
            version="0.1.0",
            path="/schema",
            render_plugins=[SwaggerRenderPlugin()],
        ),
    )
