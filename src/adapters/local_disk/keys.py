"""Validation of blob keys and content types before they touch the file system or a URL.

Keys become paths under the store's root, so anything that could climb out of it or alias
another key is refused: absolute paths, ``.``/``..`` and other dot segments (which also keeps
the store's own ``.meta`` and ``.tmp`` trees out of reach), empty segments, backslashes and
control characters (NUL, newlines: the latter would make signed strings ambiguous).
"""

from __future__ import annotations

import re

from instagram_core.domain.errors import InvalidInput

MAX_KEY_BYTES = 1024  # S3's limit
MAX_SEGMENT_BYTES = 255  # a file name on common file systems
_MAX_CONTENT_TYPE = 255


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _has_control(text: str) -> bool:
    return _CONTROL.search(text) is not None


def validate_key(key: str) -> str:
    """``key`` itself if it is a safe relative path; raises ``InvalidInput`` otherwise."""
    if not key:
        raise InvalidInput("a blob key cannot be empty")
    if len(key.encode()) > MAX_KEY_BYTES:
        raise InvalidInput(f"a blob key has at most {MAX_KEY_BYTES} bytes")
    if key.startswith("/") or "\\" in key or _has_control(key):
        raise InvalidInput(f"blob key {key!r} must be a relative path of printable characters")
    for segment in key.split("/"):
        if not segment or segment.startswith("."):
            raise InvalidInput(f"blob key {key!r} has an empty or dot segment")
        if len(segment.encode()) > MAX_SEGMENT_BYTES:
            raise InvalidInput(f"blob key {key!r} has a segment over {MAX_SEGMENT_BYTES} bytes")
    return key


def validate_prefix(prefix: str) -> str:
    """``prefix`` itself if it is a valid key followed by ``/``; raises ``InvalidInput``."""
    if not prefix.endswith("/"):
        raise InvalidInput(f"a blob prefix must end with '/', got {prefix!r}")
    validate_key(prefix[:-1])
    return prefix


def validate_content_type(content_type: str) -> str:
    if (
        "/" not in content_type
        or len(content_type) > _MAX_CONTENT_TYPE
        or not content_type.isascii()
        or _has_control(content_type)
    ):
        raise InvalidInput(f"{content_type!r} is not a valid content type")
    return content_type


def same_media_type(declared: str, sent: str) -> bool:
    """Whether two Content-Type values name the same media type; case, blanks and
    parameters (``; charset=...``) aside, which proxies and clients rewrite freely."""

    def essence(content_type: str) -> str:
        return content_type.split(";", 1)[0].strip().lower()

    return essence(declared) == essence(sent)
