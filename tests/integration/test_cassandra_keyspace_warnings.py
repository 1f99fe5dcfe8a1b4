"""The adapters' session never sets a keyspace (``USE``), so Cassandra never warns that
prepared statements under ``USE`` are an anti-pattern."""

from __future__ import annotations

import logging

import pytest

from instagram_adapters.cassandra.comments import CassandraCommentStore
from instagram_adapters.cassandra.session import CassandraSession
from instagram_core.domain.comments import Comment
from instagram_core.testing.comments import T0
from tests.cassandra_support import settings_for
from tests.jvm_engines import CassandraServer


def test_a_fresh_session_prepares_and_runs_statements_without_server_warnings(
    request: pytest.FixtureRequest, caplog: pytest.LogCaptureFixture
) -> None:
    request.getfixturevalue("cassandra_session")  # the keyspace exists and is migrated
    server: CassandraServer = request.getfixturevalue("cassandra_server")
    session = CassandraSession.connect(settings_for(server), "contract")
    caplog.clear()
    try:
        assert session.raw.keyspace is None
        with caplog.at_level(logging.WARNING):
            store = CassandraCommentStore(session)
            store.add(Comment(10**15, 424242, "ann", "first", T0))
            assert [c.comment_id for c in store.list(424242, None, 10)] == [10**15]
            store.forget_post(424242)
    finally:
        session.close()
    assert not [r for r in caplog.records if "anti-pattern" in r.getMessage()]
