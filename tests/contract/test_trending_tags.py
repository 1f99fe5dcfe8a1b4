"""Every trending-tags adapter passes :class:`~instagram_core.testing.TrendingTagsContract`."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from instagram_adapters.memory.trending import InMemoryTrendingTags
from instagram_adapters.redis.trending import RedisTrendingTags
from instagram_core.ports.trending import TrendingTags
from instagram_core.testing.trending import TrendingTagsContract
from tests.redis_support import fresh_redis


class TestInMemoryTrendingTags(TrendingTagsContract):
    @pytest.fixture
    def new_trending_tags(self) -> Callable[[], TrendingTags]:
        return InMemoryTrendingTags


class TestRedisTrendingTags(TrendingTagsContract):
    @pytest.fixture
    def new_trending_tags(self, request: pytest.FixtureRequest) -> Callable[[], TrendingTags]:
        client = fresh_redis(request)

        def make() -> TrendingTags:
            client.flushdb()
            return RedisTrendingTags(client)

        return make
