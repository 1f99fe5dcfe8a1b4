"""The boundary between botocore and the core: every S3 failure becomes a domain error.

Connection failures, timeouts, 5xx answers and throttling (``SlowDown``) are outages: the
caller may retry later. Any other refusal (``AccessDenied``, ``NoSuchBucket``, bad
credentials) is a misconfiguration the core cannot fix either, and for a user it is the
same thing: the media store cannot serve. Both become ``Unavailable``, with the S3 code in
the message for the operator. Methods translate the codes they expect (a missing key) inside
:func:`s3_boundary`; whatever escapes them is mapped here, so no botocore exception reaches
the core.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from botocore.exceptions import BotoCoreError, ClientError

from instagram_core.domain.errors import Unavailable

MISSING_KEY = frozenset({"NoSuchKey", "404", "NotFound"})
"""Codes of a missing object; HEAD answers carry no body, so S3 reports a bare ``404``."""

EXISTS = frozenset({"PreconditionFailed", "ConditionalRequestConflict"})
"""Codes of a write made with ``If-None-Match: *`` on a key that holds an object, or that
raced another such write (S3 answers the loser 412 or 409)."""

_THROTTLED = frozenset({"SlowDown", "Throttling", "ThrottlingException", "RequestTimeout"})


def error_code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


def is_outage(exc: ClientError) -> bool:
    """Whether S3 failed (5xx) or asked us to slow down, rather than refused the request."""
    status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
    return int(status or 0) >= 500 or error_code(exc) in _THROTTLED


@contextmanager
def s3_boundary(action: str) -> Iterator[None]:
    """Run S3 calls, turning any botocore exception that escapes into ``Unavailable``."""
    try:
        yield
    except ClientError as exc:
        what = "is unavailable" if is_outage(exc) else "refused the request"
        raise Unavailable(f"S3 {what} ({action}: {error_code(exc)})") from exc
    except BotoCoreError as exc:  # connection refused, timeouts, truncated bodies
        raise Unavailable(f"S3 cannot be reached ({action}: {exc})") from exc
