"""The OpenAPI document, true to the running API: every error status an operation can
answer, with the body it really has (``{"error": {"code", "message"}}``).

Most statuses follow from the handler's signature (a bearer token can be refused, a body can
be malformed or too large, a path can name nothing); the rest are the core's rules, listed
per operation in :data:`RULE_ERRORS`. A route that gains an error adds its status there."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from litestar import Litestar
from litestar.enums import ParamType
from litestar.handlers import HTTPRouteHandler
from litestar.openapi import OpenAPIConfig
from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.plugins import SwaggerRenderPlugin
from litestar.params import ParameterKwarg
from litestar.routes import HTTPRoute

from instagram_entrypoints.http.schemas import ErrorOut

ERROR_DESCRIPTIONS: Mapping[int, str] = {
    400: "The request cannot be read: not JSON, nested too deep, a field of the wrong type, "
    "a missing or unknown field, a missing query parameter.",
    401: "No bearer token, or one that is invalid, expired or of a deleted account.",
    403: "The content is private (follow the account), the caller may see it but not change "
    "it, or a signed link is invalid or expired.",
    404: "Nothing by this id or name that the caller may see.",
    409: "The request conflicts with the current state.",
    413: "The body is over this route's size limit.",
    422: "A value outside its rule; the message says which and why.",
    429: "Too many requests; retry after the `Retry-After` header's seconds.",
    503: "A dependency is down; retry after the `Retry-After` header's seconds.",
}

RULE_ERRORS: Mapping[str, tuple[int, ...]] = {
    "POST /api/v1/accounts": (409,),
    "POST /api/v1/auth/token": (401, 429),
    "POST /api/v1/devices": (409,),  # the per-account device limit
    "GET /api/v1/feed": (401,),  # reads its token itself, for the page cache's fast path
    "GET /api/v1/media/upload-url": (429,),
    # upload URLs are single-use: every multipart step on a spent media is 409
    "POST /api/v1/media/{media_id}/parts": (409,),
    "POST /api/v1/media/{media_id}/parts/{upload_id}/{part_number}/url": (409,),
    "POST /api/v1/media/{media_id}/parts/{upload_id}/complete": (409, 413),
    "POST /api/v1/posts": (413, 429),
    # a post the caller may not see is 404, private or not; only the delete of a post one
    # can see but did not write is 403
    "DELETE /api/v1/posts/{post_id}": (403,),
    "POST /api/v1/posts/{post_id}/comments": (429,),
    "POST /api/v1/stories": (413,),
    "POST /api/v1/stories/{story_id}/view": (403,),
    "GET /api/v1/stories/{story_id}/viewers": (403,),
    "POST /api/v1/stories/{story_id}/poll-votes": (403, 409),
    "GET /api/v1/users/{username}/highlights": (403,),
    "GET /api/v1/users/{username}": (403,),
    "GET /api/v1/users/{username}/posts": (403,),
    "GET /api/v1/users/{username}/followers": (403,),
    # the token's account deleted while the request runs
    "GET /api/v1/users/me": (404,),
    "PATCH /api/v1/users/me": (404,),
    "GET /api/v1/users/{username}/following": (403,),
    "PUT /blobs/{key}": (403, 409, 413),
    "GET /blobs/{key}": (403,),
}

_PATH_PARAMETER_TYPE = re.compile(r"\{(\w+):\w+\}")


def openapi_config() -> OpenAPIConfig:
    return OpenAPIConfig(
        title="Instagram backend",
        version="0.1.0",
        path="/schema",
        render_plugins=[SwaggerRenderPlugin()],
    )


def operation_key(method: str, route_path: str) -> str:
    """``"GET /api/v1/posts/{post_id}"``: the method and the path as OpenAPI writes it."""
    path = _PATH_PARAMETER_TYPE.sub(r"{\1}", route_path)
    return f"{method} {path}"


def error_statuses(method: str, route: HTTPRoute, handler: HTTPRouteHandler) -> set[int]:
    """Every error status the operation can answer."""
    parameters = handler.parsed_fn_signature.parameters
    dependencies = handler.resolve_dependencies()
    kwargs = [f.kwarg_definition for n, f in parameters.items() if n not in dependencies]
    statuses = set(RULE_ERRORS.get(operation_key(method, route.path), ()))
    if route.path != "/healthz":
        statuses.add(503)
    if "viewer" in parameters:
        statuses.add(401)
    if "data" in parameters:
        statuses |= {400, 413, 422}
    if route.path_parameters:
        statuses |= {400, 404, 422}
    if any(isinstance(k, ParameterKwarg) and k.param_type is ParamType.QUERY for k in kwargs):
        statuses |= {400, 422}
    if route.path.startswith("/blobs"):
        statuses |= {400, 404, 422}
    return statuses


def error_responses(statuses: Iterable[int]) -> dict[int, ResponseSpec]:
    return {
        status: ResponseSpec(
            data_container=ErrorOut,
            description=ERROR_DESCRIPTIONS[status],
            generate_examples=False,
        )
        for status in sorted(statuses)
    }


def declare_errors(app: Litestar) -> None:
    """Give every operation of ``app`` its error responses (replacing Litestar's default
    400, whose body the API never sends); a handler's own declarations win."""
    for route in app.routes:
        if not isinstance(route, HTTPRoute) or route.path.startswith("/schema"):
            continue
        for method, (handler, _) in route.route_handler_map.items():
            if not handler.resolve_include_in_schema() or method == "OPTIONS":
                continue
            declared = error_responses(error_statuses(method, route, handler))
            handler.responses = {**declared, **(handler.responses or {})}
