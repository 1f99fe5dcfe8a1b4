"""HMAC-signed URLs: what S3 presigning gives, for a blob store served by our own HTTP edge.

A signature covers the method, the key, the expiry and, for uploads, the content type and
byte limit, so none of them can be changed without invalidating it. Fields are joined with
newlines, which keys and content types are validated never to contain: the canonical string
is unambiguous.
"""

from __future__ import annotations

import hashlib
import hmac
import math
from datetime import UTC, datetime
from urllib.parse import quote, urlencode

from instagram_adapters.local_disk.keys import same_media_type, validate_content_type, validate_key
from instagram_core.domain.errors import Forbidden, InvalidInput
from instagram_core.ports.blobs import PresignedUpload
from instagram_core.ports.clock import Clock

_MIN_SECRET_BYTES = 16
_MEMO_ENTRIES = 200_000


class UrlSigner:
    """Signs and checks canonical request strings with HMAC-SHA256 (hex digests)."""

    def __init__(self, secret: bytes) -> None:
        if len(secret) < _MIN_SECRET_BYTES:
            raise ValueError(f"the signing secret needs at least {_MIN_SECRET_BYTES} bytes")
        self._secret = secret

    def sign(self, method: str, key: str, *fields: str) -> str:
        canonical = "\n".join((method, key, *fields))
        return hmac.new(self._secret, canonical.encode(), hashlib.sha256).hexdigest()

    def check(
        self, signature: str, now: float, method: str, key: str, expires: str, *fields: str
    ) -> None:
        """Raises ``Forbidden`` unless ``signature`` signs exactly these strings (compared in
        constant time) and ``expires`` (Unix seconds) is not before ``now``."""
        expected = self.sign(method, key, expires, *fields)
        if not hmac.compare_digest(expected.encode(), signature.encode("utf-8", "replace")):
            raise Forbidden("the link's signature is invalid")
        if not (expires.isascii() and expires.isdigit()) or now > int(expires):
            raise Forbidden("the link has expired")


class BlobUrls:
    """Presigned PUT and GET URLs for a blob store served by our own HTTP edge, and their
    checks. Shared by every blob store that is not S3 (S3 signs its own URLs).

    Download URLs expire at the end of a ``bucket_seconds`` window (the first boundary at
    least ``expires_in`` from now), so one object keeps one URL for a while and caches hit.
    """

    def __init__(
        self, secret: bytes, clock: Clock, base_url: str, bucket_seconds: int = 3600
    ) -> None:
        if bucket_seconds < 1:
            raise ValueError("bucket_seconds must be positive")
        self._signer = UrlSigner(secret)
        self._clock = clock
        self._base_url = base_url.rstrip("/")
        self._bucket = bucket_seconds
        self._downloads: dict[tuple[str, str], str] = {}  # (key, expires) -> URL

    def presign_upload(
        self, key: str, content_type: str, max_bytes: int, expires_in: int
    ) -> PresignedUpload:
        validate_key(key)
        validate_content_type(content_type)
        if max_bytes < 1 or expires_in < 1:
            raise InvalidInput("max_bytes and expires_in must be positive")
        expires = str(math.ceil(self._now() + expires_in))
        query = {"expires": expires, "ct": content_type, "max": str(max_bytes)}
        query["sig"] = self._signer.sign("PUT", key, expires, content_type, str(max_bytes))
        return PresignedUpload(
            url=f"{self._base_url}/{quote(key)}?{urlencode(query)}",
            expires_at=datetime.fromtimestamp(int(expires), UTC),
            headers={"Content-Type": content_type},
        )

    def download_url(self, key: str, expires_in: int) -> str:
        """Deterministic within an expiry window, so memoised: a feed page asks for hundreds
        of the same URLs, and an HMAC per variant per read would dominate it."""
        if expires_in < 1:
            raise InvalidInput("expires_in must be positive")
        expires = str(math.ceil((self._now() + expires_in) / self._bucket) * self._bucket)
        url = self._downloads.get((key, expires))
        if url is None:
            validate_key(key)
            sig = self._signer.sign("GET", key, expires)
            url = f"{self._base_url}/{quote(key)}?expires={expires}&sig={sig}"
            if len(self._downloads) >= _MEMO_ENTRIES:
                self._downloads.clear()  # old windows' URLs are never asked for again
            self._downloads[(key, expires)] = url
        return url

    def verify_upload(
        self,
        key: str,
        expires: str,
        content_type_param: str,
        max_bytes: str,
        sig: str,
        request_content_type: str,
    ) -> int:
        """The byte limit of a presigned PUT. Raises ``Forbidden`` for a tampered or expired
        URL and ``InvalidInput`` when the request's Content-Type is not the signed one."""
        validate_key(key)
        self._signer.check(sig, self._now(), "PUT", key, expires, content_type_param, max_bytes)
        if not same_media_type(content_type_param, request_content_type):
            raise InvalidInput(f"this upload URL requires Content-Type {content_type_param}")
        if not (max_bytes.isascii() and max_bytes.isdigit()):
            raise Forbidden("the link is malformed")
        return int(max_bytes)

    def verify_download(self, key: str, expires: str, sig: str) -> None:
        """Raises ``Forbidden`` unless the GET URL for ``key`` is authentic and unexpired."""
        validate_key(key)
        self._signer.check(sig, self._now(), "GET", key, expires)

    def _now(self) -> float:
        return self._clock.now().timestamp()


class SignedUrlBlobs:
    """The URL half of a blob store served by our own HTTP edge: every such store (local
    disk, memory) hands out and checks URLs the same way, through its ``_urls``."""

    _urls: BlobUrls

    def presign_upload(
        self, key: str, content_type: str, max_bytes: int, expires_in: int
    ) -> PresignedUpload:
        return self._urls.presign_upload(key, content_type, max_bytes, expires_in)

    def download_url(self, key: str, expires_in: int) -> str:
        return self._urls.download_url(key, expires_in)

    def verify_upload(
        self,
        key: str,
        expires: str,
        content_type_param: str,
        max_bytes: str,
        sig: str,
        request_content_type: str,
    ) -> int:
        """See :meth:`BlobUrls.verify_upload`."""
        return self._urls.verify_upload(
            key, expires, content_type_param, max_bytes, sig, request_content_type
        )

    def verify_download(self, key: str, expires: str, sig: str) -> None:
        """See :meth:`BlobUrls.verify_download`."""
        self._urls.verify_download(key, expires, sig)
