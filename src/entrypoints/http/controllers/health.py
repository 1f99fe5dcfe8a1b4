"""Liveness and readiness probes."""

from __future__ import annotations

from litestar import Controller, Response, get
from litestar.datastructures import State
from litestar.status_codes import HTTP_200_OK, HTTP_503_SERVICE_UNAVAILABLE

from instagram_entrypoints.http.dependencies import container_of
from instagram_entrypoints.readiness import check_dependencies


class HealthController(Controller):
    tags = ["health"]
    include_in_schema = True

    @get("/healthz", sync_to_thread=False)
    def healthz(self) -> dict[str, str]:
        """The process answers; says nothing about its dependencies."""
        return {"status": "ok"}

    @get("/readyz", sync_to_thread=True)
    def readyz(self, state: State) -> Response[dict[str, object]]:
        """Each dependency's state; 503 while any of them is down."""
        checks = check_dependencies(container_of(state))
        ready = all(c == "ok" for c in checks.values())
        return Response(
            {"status": "ready" if ready else "unavailable", "dependencies": checks},
            status_code=HTTP_200_OK if ready else HTTP_503_SERVICE_UNAVAILABLE,
        )
