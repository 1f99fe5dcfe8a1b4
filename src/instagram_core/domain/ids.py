"""Layout of the 64-bit, time-ordered (Snowflake-style) ids used for posts, media, comments,
stories and notifications.

41 bits of milliseconds since :data:`EPOCH_MS`, 10 bits of worker id, 12 bits of sequence.
Ids sort by creation time, so an id is also a pagination cursor.
"""

from __future__ import annotations

from datetime import UTC, datetime

from instagram_core.domain.errors import InvalidInput, MalformedCursor

EPOCH_MS = 1_577_836_800_000  # 2020-01-01T00:00:00Z
WORKER_BITS = 10
SEQUENCE_BITS = 12
MAX_WORKER_ID = (1 << WORKER_BITS) - 1
MAX_SEQUENCE = (1 << SEQUENCE_BITS) - 1
TIMESTAMP_SHIFT = WORKER_BITS + SEQUENCE_BITS
MAX_ID = (1 << 63) - 1


def compose_id(timestamp_ms: int, worker_id: int, sequence: int) -> int:
    """Pack the three fields; raises ``ValueError`` when one is out of range."""
    if not 0 <= worker_id <= MAX_WORKER_ID:
        raise ValueError(f"worker id {worker_id} out of range")
    if not 0 <= sequence <= MAX_SEQUENCE:
        raise ValueError(f"sequence {sequence} out of range")
    elapsed = timestamp_ms - EPOCH_MS
    if elapsed < 0:
        raise ValueError("timestamp before the id epoch")
    return (elapsed << TIMESTAMP_SHIFT) | (worker_id << SEQUENCE_BITS) | sequence


def id_timestamp_ms(snowflake: int) -> int:
    """Milliseconds since the Unix epoch at which ``snowflake`` was made."""
    return (snowflake >> TIMESTAMP_SHIFT) + EPOCH_MS


def id_datetime(snowflake: int) -> datetime:
    """Creation time of ``snowflake`` as an aware UTC datetime."""
    return datetime.fromtimestamp(id_timestamp_ms(snowflake) / 1000, tz=UTC)


def lowest_id_at(moment: datetime) -> int:
    """The smallest id that could have been made at ``moment``: a cursor for time ranges."""
    return compose_id(max(int(moment.timestamp() * 1000), EPOCH_MS), 0, 0)


def parse_cursor_id(raw: str) -> int:
    """The id a keyset cursor carries; anything else is a ``MalformedCursor``."""
    try:
        return parse_id(raw, "cursor")
    except InvalidInput as exc:
        raise MalformedCursor(
            "malformed cursor: pass back a next_cursor exactly as received"
        ) from exc


def is_decimal(text: str) -> bool:
    """Only ASCII digits, at least one. ``str.isdigit`` alone also takes characters such as
    ``"¹"`` that ``int`` refuses (a 500 where a 4xx belongs) and other scripts' digits."""
    return text.isascii() and text.isdigit()


def parse_id(raw: str, what: str = "id") -> int:
    """Parse an id from its JSON string form; anything else is invalid input."""
    if not is_decimal(raw) or len(raw) > 19:
        raise InvalidInput(f"{what} must be a positive integer string")
    value = int(raw)
    if value > MAX_ID:
        raise InvalidInput(f"{what} is out of range")
    return value
