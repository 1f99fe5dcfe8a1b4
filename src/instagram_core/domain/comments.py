"""Comments on posts, time-ordered by their snowflake id."""

from __future__ import annotations

from datetime import datetime

import attrs

from instagram_core.domain.errors import InvalidInput

MAX_COMMENT_LENGTH = 2200


@attrs.frozen
class Comment:
    comment_id: int
    post_id: int
    author_id: str
    text: str
    created_at: datetime


def check_comment_text(text: str) -> str:
    if not text.strip() or len(text) > MAX_COMMENT_LENGTH:
        raise InvalidInput(f"text must be 1-{MAX_COMMENT_LENGTH} characters")
    return text
