"""RedisFeedCache against InMemoryFeedCache, step by step: the in-memory adapter is the model.

The Redis feed trims lazily (a drawn slack over the capacity), so the comparison also
proves that no read, cursor or later write can tell it from trimming on every write.

Ids are snowflakes crowded into a few milliseconds (many share one, so the Redis adapter's
ordering within a score and its paging cursor inside a millisecond are exercised), plus the
first and last milliseconds the id layout allows; ids seen before come back for duplicates,
removals and cursors.
"""

from __future__ import annotations

from typing import ClassVar

import redis
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)

from instagram_adapters.memory.feed_cache import InMemoryFeedCache
from instagram_adapters.redis.client import redis_client
from instagram_adapters.redis.feed_cache import RedisFeedCache
from instagram_core.domain.ids import EPOCH_MS, MAX_SEQUENCE, MAX_WORKER_ID, compose_id
from tests.engines import RedisServer

USERS = ("ann", "bob", "cat")
BUSY_MS = 1_767_225_600_000  # 2026-01-01
LAST_MS = EPOCH_MS + (1 << 41) - 1

snowflakes = st.builds(
    compose_id,
    st.sampled_from([EPOCH_MS, BUSY_MS, BUSY_MS + 1, BUSY_MS + 2, LAST_MS]),
    st.sampled_from([0, 1, 9, 10, MAX_WORKER_ID]),
    st.integers(0, MAX_SEQUENCE),
)
some_users = st.lists(st.sampled_from(USERS), max_size=4)


class FeedCacheComparison(RuleBasedStateMachine):
    """Every step runs on both caches; every answer and every feed must agree."""

    client: ClassVar[redis.Redis]
    posts = Bundle("posts")

    def __init__(self) -> None:
        super().__init__()
        self.client.flushdb()
        self.model = InMemoryFeedCache()
        self.real = RedisFeedCache(self.client)

    @initialize(capacity=st.integers(1, 8), slack=st.integers(0, 4), present=some_users)
    def build(self, capacity: int, slack: int, present: list[str]) -> None:
        """``slack``: the Redis feed trims lazily, yet must read as if trimmed at once."""
        self.model = InMemoryFeedCache(capacity)
        self.real = RedisFeedCache(self.client, capacity, trim_slack=slack)
        for user_id in present:
            self.model.add_many(user_id, [])
            self.real.add_many(user_id, [])

    @rule(target=posts, users=some_users, post_id=snowflakes)
    def add(self, users: list[str], post_id: int) -> int:
        self.model.add(users, post_id)
        self.real.add(users, post_id)
        return post_id

    @rule(users=some_users, post_id=posts)
    def add_again(self, users: list[str], post_id: int) -> None:
        self.model.add(users, post_id)
        self.real.add(users, post_id)

    @rule(user_id=st.sampled_from(USERS), post_ids=st.lists(snowflakes | posts, max_size=10))
    def add_many(self, user_id: str, post_ids: list[int]) -> None:
        self.model.add_many(user_id, post_ids)
        self.real.add_many(user_id, post_ids)

    @rule(users=some_users, post_ids=st.lists(posts | snowflakes, max_size=3))
    def remove(self, users: list[str], post_ids: list[int]) -> None:
        self.model.remove(users, post_ids)
        self.real.remove(users, post_ids)

    @rule(
        user_id=st.sampled_from(USERS),
        before=st.none() | posts | snowflakes | st.builds(lambda i: i + 1, posts),
        limit=st.integers(-1, 9),
    )
    def page(self, user_id: str, before: int | None, limit: int) -> None:
        expected = self.model.page(user_id, before, limit)
        found = self.real.page(user_id, before, limit)
        assert (None if found is None else list(found)) == expected

    @rule(user_id=st.sampled_from(USERS))
    def drop(self, user_id: str) -> None:
        self.model.drop(user_id)
        self.real.drop(user_id)

    @invariant()
    def feeds_agree(self) -> None:
        for user_id in USERS:
            expected = self.model.page(user_id, None, 100)
            found = self.real.page(user_id, None, 100)
            assert (None if found is None else list(found)) == expected


def test_redis_feed_cache_behaves_like_the_in_memory_model(redis_server: RedisServer) -> None:
    client = redis_client(redis_server.url)

    class OnThisServer(FeedCacheComparison):
        pass

    OnThisServer.client = client
    try:
        run_state_machine_as_test(
            OnThisServer,
            settings=settings(max_examples=150, stateful_step_count=40, deadline=None),
        )
    finally:
        client.close()
