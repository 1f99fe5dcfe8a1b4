"""The terms every search index adapter files users and hashtags under (engine-neutral, so
the in-memory and SQLite indexes answer a query alike)."""

from __future__ import annotations

from instagram_adapters.text_folding import fold
from instagram_core.domain.users import User


def user_terms(user: User) -> set[str]:
    """Username, whole display name and each of its words: a query must prefix one."""
    display = fold(user.display_name)
    return {fold(user.username), display, *display.split()} - {""}


def hashtag_term(raw: str) -> str:
    """A hashtag as filed and queried: folded, without its ``#``."""
    return fold(raw).removeprefix("#")
