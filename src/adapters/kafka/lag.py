"""How far a consumer group is behind: what ``drain`` and the worker's status wait on."""

from __future__ import annotations

from collections.abc import Iterable

from kafka import KafkaAdminClient, KafkaConsumer, TopicPartition


def group_lag(bootstrap_servers: str, group: str, topics: Iterable[str]) -> int:
    """Records in ``topics`` the group has not committed yet (a group that never committed
    a partition counts all of it: its workers start at the earliest offset)."""
    consumer = KafkaConsumer(bootstrap_servers=bootstrap_servers, group_id=None)
    admin = KafkaAdminClient(bootstrap_servers=bootstrap_servers)
    try:
        tps = [
            TopicPartition(topic, partition)
            for topic in topics
            for partition in sorted(consumer.partitions_for_topic(topic) or ())
        ]
        if not tps:
            return 0
        ends = consumer.end_offsets(tps)
        starts = consumer.beginning_offsets(tps)
        committed = admin.list_group_offsets(group).get(group, {})
        lag = 0
        for tp in tps:
            done = committed.get(tp)
            position = done.offset if done is not None and done.offset >= 0 else starts[tp]
            lag += max(0, ends[tp] - position)
        return lag
    finally:
        admin.close()
        consumer.close()
