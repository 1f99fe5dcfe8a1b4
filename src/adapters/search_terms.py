"""The terms every search index adapter files users, hashtags and places under
(engine-neutral, so the embedded and Elasticsearch indexes answer a query alike)."""

from __future__ import annotations

from instagram_adapters.text_folding import fold


def user_terms(username: str, display_name: str) -> set[str]:
    """Username, whole display name and each of its words: a query must prefix one."""
    display = fold(display_name)
    return {fold(username), display, *display.split()} - {""}


def place_terms(name: str) -> set[str]:
    """The whole name and each of its words."""
    folded = fold(name)
    return {folded, *folded.split()} - {""}


def hashtag_term(raw: str) -> str:
    """A hashtag as filed and queried: folded, without its ``#``."""
    return fold(raw).removeprefix("#")
