"""How far a consumer group is behind: what ``drain`` and the worker's status wait on."""

from __future__ import annotations

import time
from collections.abc import Iterable

from kafka import KafkaAdminClient, TopicPartition
from kafka.admin import OffsetSpec
from kafka.errors import KafkaError

TRIES = 10


def group_lag(bootstrap_servers: str, group: str, topics: Iterable[str]) -> int:
    """Records in ``topics`` the group has not committed yet (a group that never committed
    a partition counts all of it: its workers start at the earliest offset). Retriable
    broker answers (a coordinator moving or loading) are asked again."""
    names = list(topics)
    for attempt in range(1, TRIES + 1):
        try:
            return _lag(bootstrap_servers, group, names)
        except KafkaError as exc:
            if not exc.retriable or attempt == TRIES:
                raise
            time.sleep(0.2 * attempt)
    raise AssertionError("unreachable")


def _lag(bootstrap_servers: str, group: str, topics: list[str]) -> int:
    admin = KafkaAdminClient(bootstrap_servers=bootstrap_servers)
    try:
        tps = [
            TopicPartition(topic["name"], partition["partition_index"])
            for topic in admin.describe_topics(topics)
            for partition in topic["partitions"]
        ]
        if not tps:
            return 0
        # Commits first: a group that had committed up to ends read later was idle then
        # (a record is written before the commit of the record whose handler wrote it).
        committed = admin.list_group_offsets(group).get(group, {})
        starts = admin.list_partition_offsets(dict.fromkeys(tps, OffsetSpec.EARLIEST))
        ends = admin.list_partition_offsets(dict.fromkeys(tps, OffsetSpec.LATEST))
        lag = 0
        for tp in tps:
            done = committed.get(tp)
            position = done.offset if done is not None and done.offset >= 0 else starts[tp].offset
            lag += max(0, ends[tp].offset - position)
        return lag
    finally:
        admin.close()
