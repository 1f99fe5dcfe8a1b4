"""Every affinity store passes :class:`~instagram_core.testing.AffinityStoreContract`."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from instagram_adapters.cassandra.affinity import CassandraAffinityStore
from instagram_adapters.memory.affinity import InMemoryAffinityStore
from instagram_adapters.sqlite.affinity import SqliteAffinityStore
from instagram_adapters.sqlite.database import SqliteDatabase
from instagram_core.ports.affinity import AffinityStore
from instagram_core.testing.affinity import AffinityStoreContract
from tests.cassandra_support import fresh_session


class TestInMemoryAffinityStore(AffinityStoreContract):
    @pytest.fixture
    def new_affinity_store(self) -> Callable[[], AffinityStore]:
        return InMemoryAffinityStore


class TestSqliteAffinityStore(AffinityStoreContract):
    @pytest.fixture
    def new_affinity_store(
        self, new_sqlite_database: Callable[[], SqliteDatabase]
    ) -> Callable[[], AffinityStore]:
        return lambda: SqliteAffinityStore(new_sqlite_database())


class TestCassandraAffinityStore(AffinityStoreContract):
    @pytest.fixture
    def new_affinity_store(self, request: pytest.FixtureRequest) -> Callable[[], AffinityStore]:
        return lambda: CassandraAffinityStore(fresh_session(request, "affinity"))
