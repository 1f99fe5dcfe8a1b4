"""Liveness and readiness probes."""

from __future__ import annotations

from litestar import Controller, Response, get
from litestar.datastructures import State
from litestar.openapi.datastructures import ResponseSpec
from litestar.status_codes import HTTP_200_OK, HTTP_503_SERVICE_UNAVAILABLE

from instagram_entrypoints.http import schemas
from instagram_entrypoints.http.dependencies import container_of
from instagram_entrypoints.readiness import check_dependencies


class HealthController(Controller):
    tags = ["health"]
    include_in_schema = True

    @get("/healthz", sync_to_thread=False)
    def healthz(self) -> schemas.HealthOut:
        """The process answers; says nothing about its dependencies."""
        return schemas.HealthOut("ok")

    @get(
        "/readyz",
        sync_to_thread=True,
        responses={
            HTTP_503_SERVICE_UNAVAILABLE: ResponseSpec(
                schemas.ReadinessOut, description="A dependency is down.", generate_examples=False
            )
        },
    )
    def readyz(self, state: State) -> Response[schemas.ReadinessOut]:
        """Each dependency's state; 503 while any of them is down."""
        checks = check_dependencies(container_of(state))
        ready = all(c == "ok" for c in checks.values())
        return Response(
            schemas.ReadinessOut("ready" if ready else "unavailable", checks),
            status_code=HTTP_200_OK if ready else HTTP_503_SERVICE_UNAVAILABLE,
        )
