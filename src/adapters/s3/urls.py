"""Presigned S3 URLs and the expiry they really carry.

botocore signs at its own wall-clock second and takes only a relative ``ExpiresIn``, so,
unlike the local store, an S3 URL cannot be rounded to a shared expiry window to stay the
same (and cacheable) for a while: ``X-Amz-Date`` changes every second. Put a CDN in front
for cache-friendly URLs. ``X-Amz-Date`` is truncated to the second, so one second is added
to ``ExpiresIn``: the URL then lives at least the ``expires_in`` asked for.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from instagram_adapters.s3.errors import s3_boundary
from instagram_core.domain.errors import InvalidInput

MAX_EXPIRES_IN = 7 * 24 * 3600 - 1
"""SigV4 URLs live at most 7 days, and one second goes to the rounding above."""

_SIGV4_DATE = "%Y%m%dT%H%M%SZ"


def presign(client: Any, operation: str, params: dict[str, Any], expires_in: int) -> str:
    """A presigned URL for one S3 operation, valid for at least ``expires_in`` seconds."""
    if not 1 <= expires_in <= MAX_EXPIRES_IN:
        raise InvalidInput(f"expires_in must be between 1 and {MAX_EXPIRES_IN} seconds")
    with s3_boundary(f"presign {operation}"):
        url: str = client.generate_presigned_url(operation, Params=params, ExpiresIn=expires_in + 1)
    return url


def signed_expiry(url: str) -> datetime:
    """When S3 stops honouring ``url``: read from the URL, so it is the server's truth."""
    query = dict(parse_qsl(urlsplit(url).query))
    if "X-Amz-Date" in query and "X-Amz-Expires" in query:
        signed = datetime.strptime(query["X-Amz-Date"], _SIGV4_DATE).replace(tzinfo=UTC)
        return signed + timedelta(seconds=int(query["X-Amz-Expires"]))
    if "Expires" in query:  # SigV2, from a client built without make_client
        return datetime.fromtimestamp(int(query["Expires"]), UTC)
    raise ValueError(f"no expiry in the presigned URL {url!r}")
