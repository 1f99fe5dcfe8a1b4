"""Stickers as JSON text: how the SQLite and Cassandra story stores keep them in one column.

Each sticker is an object with its ``type`` and its fields; ``None`` fields are left out."""

from __future__ import annotations

import json
from typing import Any

import attrs

from instagram_core.domain.stickers import (
    HashtagSticker,
    LocationSticker,
    MentionSticker,
    PollSticker,
    Position,
    Sticker,
)

_TYPES: dict[str, type[Sticker]] = {
    "mention": MentionSticker,
    "hashtag": HashtagSticker,
    "location": LocationSticker,
    "poll": PollSticker,
}
_NAMES = {kind: name for name, kind in _TYPES.items()}


def dumps(stickers: tuple[Sticker, ...]) -> str | None:
    if not stickers:
        return None
    return json.dumps([_encode(s) for s in stickers], separators=(",", ":"))


def loads(text: str | None) -> tuple[Sticker, ...]:
    if not text:
        return ()
    return tuple(_decode(item) for item in json.loads(text))


def _encode(sticker: Sticker) -> dict[str, Any]:
    fields = attrs.asdict(sticker, recurse=True)
    body = {k: v for k, v in fields.items() if v is not None}
    return {"type": _NAMES[type(sticker)], **body}


def _decode(item: dict[str, Any]) -> Sticker:
    kind = _TYPES[item.pop("type")]
    position = Position(**item.pop("position"))
    if kind is PollSticker:
        return PollSticker(position, item["question"], tuple(item["options"]))
    return kind(position=position, **item)
