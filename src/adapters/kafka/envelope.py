"""Versioned msgspec envelopes around bus messages.

Version 1 carried only the message (``type`` and ``body``). Version 2 adds what retries and
dead letters need: a message id, the attempt, the one handler a retry is for, and the time
before which a retry must not run. Every version stays decodable forever: a message written
by the previous release is still in a topic (or a dead-letter topic) when the next one
starts. ``tests/unit/test_kafka_envelope.py`` keeps frozen bytes of each version.
"""

from __future__ import annotations

import uuid
from typing import Any

import msgspec

from instagram_core.domain.events import Message

CURRENT_VERSION = 2


class EnvelopeV1(msgspec.Struct, tag_field="v", tag=1, frozen=True):
    type: str
    body: msgspec.Raw


class Envelope(msgspec.Struct, tag_field="v", tag=2, frozen=True):
    """Version 2, the one written now."""

    type: str
    body: msgspec.Raw
    id: str
    attempt: int = 1
    handler: str | None = None  # a retry runs this handler only; None: every handler
    not_before: float = 0.0  # seconds since the epoch


_DECODER = msgspec.json.Decoder(EnvelopeV1 | Envelope)


class UnknownMessageType(Exception):
    """An envelope names a message type this process does not know (a newer release)."""


def message_types() -> dict[str, type[Message]]:
    """Every loaded :class:`Message` subclass by class name, the name envelopes carry."""
    found: dict[str, type[Message]] = {}
    pending = list(Message.__subclasses__())
    while pending:
        kind = pending.pop()
        found.setdefault(kind.__name__, kind)
        pending.extend(kind.__subclasses__())
    return found


def wrap(message: Message) -> Envelope:
    body = msgspec.Raw(msgspec.json.encode(message))
    return Envelope(type=type(message).__name__, body=body, id=uuid.uuid4().hex)


def encode(envelope: Envelope) -> bytes:
    return msgspec.json.encode(envelope)


def decode(data: bytes) -> Envelope:
    """Any version's bytes, upgraded to the current :class:`Envelope`. A version-1 message
    gets a stable id derived from its bytes, so its dead letter keeps one id."""
    found: Any = _DECODER.decode(data)
    if isinstance(found, EnvelopeV1):
        stable = uuid.uuid5(uuid.NAMESPACE_OID, data.decode("utf-8", "replace")).hex
        return Envelope(type=found.type, body=found.body, id=stable)
    envelope: Envelope = found
    return envelope


def open_message(envelope: Envelope, types: dict[str, type[Message]] | None = None) -> Message:
    """The message inside ``envelope``. Fields a newer writer added are ignored and fields
    it left out take their defaults, so old and new releases read each other's messages."""
    known = message_types() if types is None else types
    kind = known.get(envelope.type)
    if kind is None:
        raise UnknownMessageType(envelope.type)
    message: Message = msgspec.json.decode(envelope.body, type=kind)
    return message
