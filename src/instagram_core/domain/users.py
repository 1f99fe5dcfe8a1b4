"""Accounts and the rules for their public names."""

from __future__ import annotations

import re
from collections.abc import Set as AbstractSet
from datetime import datetime

import attrs

from instagram_core.domain.errors import InvalidInput

USERNAME_PATTERN = re.compile(r"^[a-z0-9._]{1,30}$")
MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 1024
MAX_DISPLAY_NAME = 64
MAX_BIO = 150
DOT_SEGMENTS = frozenset({".", ".."})
"""Names no URL can carry: clients and proxies collapse ``/users/..`` to ``/``."""


@attrs.frozen
class User:
    """An account. ``username`` is stored lower-case, so uniqueness is case-insensitive."""

    user_id: str
    username: str
    display_name: str
    created_at: datetime
    bio: str = ""
    avatar_url: str | None = None
    is_private: bool = False
    is_verified: bool = False  # set by operators (``instagram verify``), never by the user


def normalize_username(raw: str) -> str:
    """Lower-case and validate a username; raises :class:`InvalidInput` when it breaks the rule."""
    username = raw.strip().lower()
    if not USERNAME_PATTERN.fullmatch(username):
        raise InvalidInput("username must be 1-30 characters of a-z, 0-9, '.' and '_'")
    return username


def check_new_username(raw: str, reserved: AbstractSet[str]) -> str:
    """A username for a new account: valid, and neither a dot segment nor in ``reserved``
    (the words the API's own paths use, which the HTTP edge supplies)."""
    username = normalize_username(raw)
    if username in DOT_SEGMENTS or username in reserved:
        raise InvalidInput(f"username {username!r} is reserved")
    return username


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(f"password must be at least {MIN_PASSWORD_LENGTH} characters")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise InvalidInput(f"password must be at most {MAX_PASSWORD_LENGTH} characters")


def check_display_name(display_name: str) -> str:
    cleaned = display_name.strip()
    if len(cleaned) > MAX_DISPLAY_NAME:
        raise InvalidInput(f"display_name must be at most {MAX_DISPLAY_NAME} characters")
    return cleaned


def check_bio(bio: str) -> str:
    if len(bio) > MAX_BIO:
        raise InvalidInput(f"bio must be at most {MAX_BIO} characters")
    return bio


@attrs.frozen
class Profile:
    """A user as others see them, with counts and the viewer's follow status."""

    user: User
    post_count: int
    follower_count: int
    following_count: int
    follow_status: str | None
