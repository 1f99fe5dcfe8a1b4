"""The Litestar application factory."""

from __future__ import annotations

import logging

from litestar import Litestar
from litestar.datastructures import State

from instagram_entrypoints.config import Settings, load_settings
from instagram_entrypoints.containers import Application, build_container
from instagram_entrypoints.heap import freeze_startup_heap
from instagram_entrypoints.http.compression import compression_config
from instagram_entrypoints.http.dependencies import DEPENDENCIES
from instagram_entrypoints.http.errors import EXCEPTION_HANDLERS
from instagram_entrypoints.http.openapi import declare_errors, openapi_config
from instagram_entrypoints.http.request_guard import guard_request
from instagram_entrypoints.http.routes import BLOB_CONTROLLERS, EDGE_CONTROLLERS, api_router
from instagram_entrypoints.schedule import Periodic, explore_builds, upload_sweeps

log = logging.getLogger("instagram")

INTENT_SWEEP_SECONDS = 30.0


def create_app(settings: Settings | None = None, container: Application | None = None) -> Litestar:
    """Build the app over ``container`` (or one built from ``settings``, or from the
    environment). Resources start with the app and stop with it."""
    if container is None:
        container = build_container(settings or load_settings())

    sweeps: list[Periodic] = []

    def start() -> None:
        container.init_resources()
        recovered = container.core.publishing().recover_interrupted()
        if recovered:
            log.info("resumed processing of %d interrupted posts", recovered)
        # Built here, before any request: the sweeper's thread then shares every store
        # instance with the handlers instead of racing them to create one.
        sweeper = container.core.upload_sweeper()
        schedule = upload_sweeps(sweeper.sweep_if_due, container.config.upload_sweep_seconds())
        if schedule is not None:
            schedule.start()
            sweeps.append(schedule)
        if container.config.kafka_bootstrap_servers():
            # Messages held by a process killed mid-write (instagram_core.ports.intents):
            # any live API process settles them, so no extra worker is required for it.
            intents = Periodic(
                "intent-sweep", container.core.intent_sweep().recover, INTENT_SWEEP_SECONDS
            )
            intents.start()
            sweeps.append(intents)
        if container.config.profile() == "embedded":
            # The embedded search index loads its documents when first built: here, before
            # any thread or request could race to build it, and before the heap is frozen.
            container.adapters.search_index()
            # On production the recovery worker builds Explore (instagram worker recovery).
            builder = container.core.explore_builder()
            builds = explore_builds(builder.build_if_due, container.config.explore_build_seconds())
            if builds is not None:
                builds.start()
                sweeps.append(builds)
        if container.config.freeze_heap_at_start():
            frozen = freeze_startup_heap()
            log.info("froze %d objects built at start-up out of the garbage collector", frozen)

    def stop() -> None:
        while sweeps:
            sweeps.pop().stop()
        container.shutdown_resources()

    # The embedded blob store is served here; S3 serves its own pre-signed URLs.
    blob_routes = BLOB_CONTROLLERS if container.config.profile() == "embedded" else ()
    app = Litestar(
        route_handlers=[api_router(), *blob_routes, *EDGE_CONTROLLERS],
        dependencies=DEPENDENCIES,
        exception_handlers=EXCEPTION_HANDLERS,  # type: ignore[arg-type]
        before_request=guard_request,
        on_startup=[start],
        on_shutdown=[stop],
        state=State({"container": container}),
        openapi_config=openapi_config(),
        compression_config=compression_config(),
    )
    declare_errors(app)
    return app
