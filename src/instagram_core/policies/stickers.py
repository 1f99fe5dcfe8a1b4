"""Reading stickers out of a request: every problem is an ``InvalidInput`` naming the sticker
and the field, so a client learns exactly what to fix.

Mentions come back as usernames still to be resolved: who may be mentioned is the story
service's call (it knows the accounts and the blocks)."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence

import attrs

from instagram_core.domain.errors import InvalidInput
from instagram_core.domain.stickers import (
    MAX_STICKERS,
    MAX_TEXT,
    POLL_OPTIONS,
    HashtagSticker,
    LocationSticker,
    PollSticker,
    Position,
)
from instagram_core.domain.users import USERNAME_PATTERN

KINDS = ("mention", "hashtag", "location", "poll")
_TAG = re.compile(r"^#?(\w{1,100})$", re.UNICODE)


@attrs.frozen
class MentionRequest:
    """A mention sticker whose username is not yet resolved to an account."""

    position: Position
    username: str


ParsedSticker = MentionRequest | HashtagSticker | LocationSticker | PollSticker


def parse_stickers(raw: Sequence[object]) -> list[ParsedSticker]:
    if len(raw) > MAX_STICKERS:
        raise InvalidInput(f"a story takes at most {MAX_STICKERS} stickers")
    parsed = [_sticker(f"stickers[{i}]", item) for i, item in enumerate(raw)]
    if sum(isinstance(s, PollSticker) for s in parsed) > 1:
        raise InvalidInput("a story takes at most one poll sticker")
    return parsed


def _sticker(where: str, item: object) -> ParsedSticker:
    if not isinstance(item, Mapping):
        raise InvalidInput(f"{where} must be an object")
    kind = item.get("type")
    if kind not in KINDS:
        raise InvalidInput(f"{where}.type must be one of {', '.join(KINDS)}, not {kind!r}")
    fields = {"mention": {"username"}, "hashtag": {"tag"}, "poll": {"question", "options"}}.get(
        str(kind), {"place", "lat", "lng", "name"}
    )
    unknown = set(item) - fields - {"type", "position"}
    if unknown:
        raise InvalidInput(f"{where} ({kind}) has unknown fields: {', '.join(sorted(unknown))}")
    position = _position(f"{where}.position", item.get("position"))
    if kind == "mention":
        name = item.get("username")
        if not isinstance(name, str) or not USERNAME_PATTERN.fullmatch(name.strip().lower()):
            raise InvalidInput(f"{where}.username must be a username")
        return MentionRequest(position, name.strip().lower())
    if kind == "hashtag":
        tag = item.get("tag")
        match = _TAG.fullmatch(tag) if isinstance(tag, str) else None
        if match is None:
            raise InvalidInput(f"{where}.tag must be 1-100 letters, digits or '_'")
        return HashtagSticker(position, match.group(1).lower())
    if kind == "poll":
        return _poll(where, position, item)
    return _location(where, position, item)


def _position(where: str, raw: object) -> Position:
    if not isinstance(raw, Mapping) or set(raw) != {"x", "y"}:
        raise InvalidInput(f"{where} must be an object with x and y")
    return Position(_fraction(f"{where}.x", raw["x"]), _fraction(f"{where}.y", raw["y"]))


def _fraction(where: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        raise InvalidInput(f"{where} must be a number in 0..1")
    return float(value)


def _text(where: str, value: object) -> str:
    if not isinstance(value, str) or not value.strip() or len(value) > MAX_TEXT:
        raise InvalidInput(f"{where} must be 1-{MAX_TEXT} characters")
    return value.strip()


def _poll(where: str, position: Position, item: Mapping[str, object]) -> PollSticker:
    question = _text(f"{where}.question", item.get("question"))
    options = item.get("options")
    low, high = POLL_OPTIONS
    if not isinstance(options, list) or not low <= len(options) <= high:
        raise InvalidInput(f"{where}.options must be a list of {low} to {high} options")
    texts = tuple(_text(f"{where}.options[{i}]", o) for i, o in enumerate(options))
    if len(set(texts)) != len(texts):
        raise InvalidInput(f"{where}.options must differ from one another")
    return PollSticker(position, question, texts)


def _location(where: str, position: Position, item: Mapping[str, object]) -> LocationSticker:
    place = item.get("place")
    name = item.get("name")
    lat, lng = item.get("lat"), item.get("lng")
    if place is not None:
        if lat is not None or lng is not None:
            raise InvalidInput(f"{where} takes a place or lat/lng, not both")
        return LocationSticker(
            position,
            name=_text(f"{where}.name", name) if name is not None else None,
            place=_text(f"{where}.place", place),
        )
    if lat is None or lng is None or name is None:
        raise InvalidInput(f"{where} needs a place, or lat, lng and name")
    return LocationSticker(
        position,
        name=_text(f"{where}.name", name),
        lat=_coordinate(f"{where}.lat", lat, 90),
        lng=_coordinate(f"{where}.lng", lng, 180),
    )


def _coordinate(where: str, value: object, bound: int) -> float:
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not math.isfinite(value)
        or abs(value) > bound
    ):
        raise InvalidInput(f"{where} must be a number in -{bound}..{bound}")
    return float(value)
