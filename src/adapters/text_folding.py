"""How adapters compare text: one folding for search documents, queries and moderation."""

from __future__ import annotations

import unicodedata


def fold(text: str) -> str:
    """NFKC, case-folded, runs of white space made one space."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())
