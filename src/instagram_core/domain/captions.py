"""Hashtags and mentions parsed out of free text."""

from __future__ import annotations

import re

MAX_CAPTION = 2200
MAX_HASHTAGS = 30

_HASHTAG = re.compile(r"(?<![\w#])#(\w{1,100})", re.UNICODE)
_MENTION = re.compile(r"(?<![\w@])@([A-Za-z0-9._]{1,30})")


def _unique(values: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))


def parse_hashtags(text: str) -> tuple[str, ...]:
    """Lower-cased hashtags in order of first appearance, without duplicates."""
    return _unique([tag.lower() for tag in _HASHTAG.findall(text)])


def parse_mentions(text: str) -> tuple[str, ...]:
    """Lower-cased usernames mentioned with ``@``; a trailing dot is punctuation, not name."""
    return _unique([name.lower().rstrip(".") for name in _MENTION.findall(text) if name.strip(".")])
