"""A Snowflake worker id per process, handed out by Redis.

Ids are unique across processes only if each process has its own worker id (10 bits). With
``serve --processes N`` and workers beside it, every process shares one Redis, so each
takes the next value of one counter at start, modulo 1024. Two live processes share an id
only if 1,024 others started while both ran."""

from __future__ import annotations

import redis

from instagram_adapters.redis.client import translate_errors
from instagram_core.domain.ids import MAX_WORKER_ID

COUNTER_KEY = "ids:worker-sequence"


def claim_worker_id(client: redis.Redis) -> int:
    """The next free-running worker id for this process."""
    with translate_errors():
        taken = int(client.incr(COUNTER_KEY))
    return (taken - 1) % (MAX_WORKER_ID + 1)
