"""Every Explore store passes :class:`~instagram_core.testing.ExploreStoreContract`, and
every item-similarity computation :class:`~instagram_core.testing.ItemSimilarityContract`."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from instagram_adapters.memory.explore import InMemoryExploreStore
from instagram_adapters.memory.item_similarity import PlainItemSimilarity
from instagram_adapters.ranking.item_similarity import NumpyItemSimilarity
from instagram_adapters.redis.explore import RedisExploreStore
from instagram_adapters.sqlite.database import SqliteDatabase
from instagram_adapters.sqlite.explore import SqliteExploreStore
from instagram_core.ports.explore import ExploreStore, ItemSimilarity
from instagram_core.testing.explore import ExploreStoreContract, ItemSimilarityContract
from tests.redis_support import fresh_redis


class TestInMemoryExploreStore(ExploreStoreContract):
    @pytest.fixture
    def new_explore_store(self) -> Callable[[], ExploreStore]:
        return InMemoryExploreStore


class TestSqliteExploreStore(ExploreStoreContract):
    @pytest.fixture
    def new_explore_store(
        self, new_sqlite_database: Callable[[], SqliteDatabase]
    ) -> Callable[[], ExploreStore]:
        return lambda: SqliteExploreStore(new_sqlite_database())


class TestRedisExploreStore(ExploreStoreContract):
    @pytest.fixture
    def new_explore_store(self, request: pytest.FixtureRequest) -> Callable[[], ExploreStore]:
        client = fresh_redis(request)

        def make() -> ExploreStore:
            client.flushdb()
            return RedisExploreStore(client)

        return make


class TestPlainItemSimilarity(ItemSimilarityContract):
    @pytest.fixture
    def new_item_similarity(self) -> Callable[[], ItemSimilarity]:
        return PlainItemSimilarity


class TestNumpyItemSimilarity(ItemSimilarityContract):
    @pytest.fixture
    def new_item_similarity(self) -> Callable[[], ItemSimilarity]:
        return NumpyItemSimilarity
