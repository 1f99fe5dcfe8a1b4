"""Domain errors. The HTTP edge maps each class to one status code, in one place."""

from __future__ import annotations


class DomainError(Exception):
    """Base of every error the core raises on purpose; ``code`` is a stable machine name."""

    code = "error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidInput(DomainError):
    """Well-formed but unacceptable input (a business rule says no)."""

    code = "invalid"


class MalformedCursor(InvalidInput):
    """A page cursor this service never handed out (forged, truncated or from another
    listing): a malformed request, not a refused business rule."""

    code = "malformed_cursor"


class Unauthenticated(DomainError):
    """Missing, expired or wrong credentials."""

    code = "unauthenticated"


class Forbidden(DomainError):
    """The caller is known but may not do or see this."""

    code = "forbidden"


class NotFound(DomainError):
    """The thing asked for does not exist (or no longer does)."""

    code = "not_found"


class Conflict(DomainError):
    """The write clashes with existing state, such as a taken username."""

    code = "conflict"


class PayloadTooLarge(DomainError):
    """An upload exceeds the byte limit (a pixel limit is ``UnprocessableMedia``)."""

    code = "payload_too_large"


class RateLimited(DomainError):
    """Too many attempts; ``retry_after`` says how many seconds to wait."""

    code = "rate_limited"

    def __init__(self, message: str, retry_after: float) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class Unavailable(DomainError):
    """A dependency (store, cache, queue) cannot be reached; the caller may retry later."""

    code = "unavailable"


class UnprocessableMedia(InvalidInput):
    """Bytes that cannot be decoded as the declared media, or break its limits.

    Permanent: retrying the same bytes cannot succeed, so processing must not retry it.
    """

    code = "unprocessable_media"
