"""What every multipart adapter shares: upload ids, part-number and completion checks, and
the signed part URLs of the stores served by our own HTTP edge (S3 signs its own).

A part URL is the blob's URL with ``upload`` and ``part`` in the query; its signature covers
the key, the upload id, the part number, the expiry and the byte limit, under a method name
(``PUT-PART``) no whole-object upload is signed with, so neither URL passes for the other.
"""

from __future__ import annotations

import math
import re
import secrets
from collections.abc import Sequence
from datetime import UTC, datetime
from urllib.parse import quote, urlencode

from instagram_adapters.local_disk.keys import validate_key
from instagram_adapters.local_disk.signing import UrlSigner
from instagram_core.domain.errors import Forbidden, InvalidInput, NotFound
from instagram_core.ports.blobs import PresignedUpload
from instagram_core.ports.clock import Clock
from instagram_core.ports.multipart import MAX_PART_NUMBER, MIN_PART_SIZE, UploadedPart

_UPLOAD_ID = re.compile(r"[0-9a-f]{32}")
_METHOD = "PUT-PART"


def new_upload_id() -> str:
    """An unguessable id that is also a safe file name."""
    return secrets.token_hex(16)


def check_upload_id(upload_id: str) -> str:
    """``upload_id`` if it could be one of ours; ``NotFound`` otherwise (it names nothing),
    before it is ever joined to a path."""
    if not _UPLOAD_ID.fullmatch(upload_id):
        raise NotFound(f"no multipart upload {upload_id!r}")
    return upload_id


def check_part_number(part_number: int) -> int:
    if not 1 <= part_number <= MAX_PART_NUMBER:
        raise InvalidInput(f"part numbers run from 1 to {MAX_PART_NUMBER}")
    return part_number


def etag_of(md5_hex: str) -> str:
    """S3's form of a part's ETag: the quoted MD5 of its bytes."""
    return f'"{md5_hex}"'


def select_parts(
    requested: Sequence[UploadedPart], stored: Sequence[UploadedPart]
) -> list[UploadedPart]:
    """The stored parts ``requested`` names, by part number, checked as ``complete`` must:
    at least one, each stored with the same ETag and named once, and all but the last at
    least ``MIN_PART_SIZE`` long. Raises ``InvalidInput`` otherwise."""
    if not requested:
        raise InvalidInput("a multipart upload needs at least one part")
    by_number = {part.part_number: part for part in stored}
    chosen: list[UploadedPart] = []
    for part in sorted(requested, key=lambda p: p.part_number):
        found = by_number.get(part.part_number)
        if found is None or found.etag != part.etag:
            raise InvalidInput(f"part {part.part_number} is not stored with ETag {part.etag}")
        if chosen and chosen[-1].part_number == part.part_number:
            raise InvalidInput(f"part {part.part_number} is listed twice")
        chosen.append(found)
    for part in chosen[:-1]:
        if part.size < MIN_PART_SIZE:
            raise InvalidInput(
                f"part {part.part_number} has {part.size} bytes; every part but the last "
                f"needs at least {MIN_PART_SIZE}"
            )
    return chosen


class PartUrls:
    """Signs and checks part URLs for a store served at ``base_url``."""

    def __init__(self, secret: bytes, clock: Clock, base_url: str) -> None:
        self._signer = UrlSigner(secret)
        self._clock = clock
        self._base_url = base_url.rstrip("/")

    def presign(
        self, key: str, upload_id: str, part_number: int, expires_in: int, max_bytes: int
    ) -> PresignedUpload:
        validate_key(key)
        check_part_number(part_number)
        if expires_in < 1:
            raise InvalidInput("expires_in must be positive")
        expires = str(math.ceil(self._clock.now().timestamp() + expires_in))
        fields = (upload_id, str(part_number), str(max_bytes))
        query = {"upload": upload_id, "part": str(part_number), "expires": expires}
        query["max"] = str(max_bytes)
        query["sig"] = self._signer.sign(_METHOD, key, expires, *fields)
        return PresignedUpload(
            url=f"{self._base_url}/{quote(key)}?{urlencode(query)}",
            expires_at=datetime.fromtimestamp(int(expires), UTC),
        )

    def verify(
        self, key: str, upload_id: str, part: str, expires: str, max_bytes: str, sig: str
    ) -> tuple[int, int]:
        """The part number and byte limit of an authentic, unexpired part URL; raises
        ``Forbidden`` for a tampered, expired or malformed one."""
        validate_key(key)
        now = self._clock.now().timestamp()
        self._signer.check(sig, now, _METHOD, key, expires, upload_id, part, max_bytes)
        if not (part.isascii() and part.isdigit() and max_bytes.isascii() and max_bytes.isdigit()):
            raise Forbidden("the link is malformed")
        return int(part), int(max_bytes)


class SignedPartUrls:
    """The part-URL half of a multipart adapter served by our own HTTP edge: every such
    adapter (local disk, memory) hands out and checks part URLs the same way, through its
    ``_urls``, capping each part at ``_max_part_bytes``."""

    _urls: PartUrls
    _max_part_bytes: int

    def part_url(
        self, key: str, upload_id: str, part_number: int, expires_in: int
    ) -> PresignedUpload:
        return self._urls.presign(key, upload_id, part_number, expires_in, self._max_part_bytes)

    def verify_part(
        self, key: str, upload_id: str, part: str, expires: str, max_bytes: str, sig: str
    ) -> tuple[int, int]:
        """See :meth:`PartUrls.verify`."""
        return self._urls.verify(key, upload_id, part, expires, max_bytes, sig)
