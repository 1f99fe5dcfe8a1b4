"""The one place where errors become HTTP responses: ``{"error": {"code", "message"}}``."""

from __future__ import annotations

import logging
import math
from typing import Any

from litestar import MediaType, Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.status_codes import (
    HTTP_400_BAD_REQUEST,
    HTTP_401_UNAUTHORIZED,
    HTTP_403_FORBIDDEN,
    HTTP_404_NOT_FOUND,
    HTTP_409_CONFLICT,
    HTTP_413_REQUEST_ENTITY_TOO_LARGE,
    HTTP_422_UNPROCESSABLE_ENTITY,
    HTTP_429_TOO_MANY_REQUESTS,
    HTTP_500_INTERNAL_SERVER_ERROR,
    HTTP_503_SERVICE_UNAVAILABLE,
)

from instagram_core.domain import errors

log = logging.getLogger("instagram.http")

STATUS_BY_ERROR: dict[type[errors.DomainError], int] = {
    errors.MalformedCursor: HTTP_400_BAD_REQUEST,  # before InvalidInput, its base
    errors.InvalidInput: HTTP_422_UNPROCESSABLE_ENTITY,
    errors.Unauthenticated: HTTP_401_UNAUTHORIZED,
    errors.Forbidden: HTTP_403_FORBIDDEN,
    errors.NotFound: HTTP_404_NOT_FOUND,
    errors.Conflict: HTTP_409_CONFLICT,
    errors.PayloadTooLarge: HTTP_413_REQUEST_ENTITY_TOO_LARGE,
    errors.RateLimited: HTTP_429_TOO_MANY_REQUESTS,
    errors.Unavailable: HTTP_503_SERVICE_UNAVAILABLE,
}

# Litestar's own errors get the code of the domain error with their status, or their own.
_HTTP_CODES = {
    **{status: kind.code for kind, status in STATUS_BY_ERROR.items()},
    400: "bad_request",
    405: "method_not_allowed",
    415: "unsupported_media_type",
}


def error_response(
    status: int, code: str, message: str, headers: dict[str, str] | None = None
) -> Response[Any]:
    return Response(
        {"error": {"code": code, "message": message}},
        status_code=status,
        media_type=MediaType.JSON,
        headers=headers,
    )


def domain_error(_: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    assert isinstance(exc, errors.DomainError)
    status = next(code for kind, code in STATUS_BY_ERROR.items() if isinstance(exc, kind))
    headers = None
    if isinstance(exc, errors.RateLimited):
        headers = {"Retry-After": str(max(1, math.ceil(exc.retry_after)))}
    if isinstance(exc, errors.Unavailable):
        headers = {"Retry-After": "5"}
        log.warning("dependency unavailable: %s", exc.message)
    return error_response(status, exc.code, exc.message, headers)


def http_error(_: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    assert isinstance(exc, HTTPException)
    message = exc.detail
    if isinstance(exc, ValidationException) and exc.extra:
        message = f"{exc.detail}: {exc.extra}"
    code = _HTTP_CODES.get(exc.status_code, "error")
    return error_response(exc.status_code, code, str(message), dict(exc.headers or {}) or None)


def unexpected_error(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """A bug, not a client error: log it whole, tell the client nothing internal."""
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return error_response(HTTP_500_INTERNAL_SERVER_ERROR, "internal", "internal server error")


EXCEPTION_HANDLERS = {
    errors.DomainError: domain_error,
    HTTPException: http_error,
    Exception: unexpected_error,
}
