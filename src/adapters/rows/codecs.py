"""Values a table has no exact type for: datetimes as integer microseconds since the Unix
epoch in UTC (exact, sortable; CQL timestamps keep only milliseconds) and nested attrs values
as JSON text through msgspec, which rebuilds (and validates) the attrs classes on the way
back."""

from __future__ import annotations

import functools
from collections.abc import Hashable
from datetime import datetime
from typing import Any, TypeVar, cast

import msgspec

from instagram_adapters.keyset import from_micros, to_micros

__all__ = [
    "from_json",
    "from_micros",
    "optional_datetime",
    "optional_micros",
    "to_json",
    "to_micros",
]

T = TypeVar("T")


def optional_micros(moment: datetime | None) -> int | None:
    return None if moment is None else to_micros(moment)


def optional_datetime(micros: int | None) -> datetime | None:
    return None if micros is None else from_micros(micros)


def to_json(value: Any) -> str:
    return msgspec.json.encode(value).decode()


def from_json(raw: str, kind: type[T]) -> T:
    decoder: msgspec.json.Decoder[T] = _decoder(cast(Hashable, kind))
    return decoder.decode(raw)


@functools.cache
def _decoder(kind: Any) -> msgspec.json.Decoder[Any]:
    return msgspec.json.Decoder(kind)
