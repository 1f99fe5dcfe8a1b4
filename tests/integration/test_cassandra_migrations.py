"""``instagram migrate`` and ``apply_migrations`` on a real Cassandra, from an empty keyspace."""

from __future__ import annotations

import threading
import uuid

import pytest
from click.testing import CliRunner

from instagram_adapters.cassandra.migrate import apply_migrations, available_migrations
from instagram_entrypoints.cli import main
from tests.cassandra_support import settings_for
from tests.jvm_engines import CassandraServer

EXPECTED_TABLES = {
    "posts",
    "user_posts",
    "posts_by_status",
    "author_post_counts",
    "media",
    "unclaimed_media",
    "unclaimed_media_days",
    "comments",
    "comment_counts",
    "stories",
    "stories_by_id",
    "story_archive",
    "story_viewers",
    "story_views",
    "story_poll_votes",
    "highlights",
    "notifications",
    "notification_group_actors",
    "notification_read_marks",
    "notification_group_heads",
    "activity",
    "activity_buckets",
    "notification_heads",
    "notification_actors",
    "affinity",
    "seen_posts",
    "affinity_events",
    "comments_by_bucket",
    "comment_buckets",
    "posts_by_status_bucket",
    "post_status_buckets",
    "schema_migrations",
    "schema_lease",
}


@pytest.fixture
def server(request: pytest.FixtureRequest) -> CassandraServer:
    cassandra: CassandraServer = request.getfixturevalue("cassandra_server")
    return cassandra


def test_migrate_creates_the_keyspace_and_applies_the_files_once(
    server: CassandraServer, request: pytest.FixtureRequest
) -> None:
    keyspace = f"migrate_{uuid.uuid4().hex[:8]}"
    env = {
        "INSTAGRAM_CASSANDRA_CONTACT_POINTS": "127.0.0.1",
        "INSTAGRAM_CASSANDRA_PORT": str(server.port),
        "INSTAGRAM_CASSANDRA_KEYSPACE": keyspace,
    }
    runner = CliRunner()
    first = runner.invoke(main, ["migrate"], env=env)
    assert first.exit_code == 0, first.output
    versions = [version for version, _ in available_migrations()]
    assert first.output == "".join(f"cassandra: applied {v}\n" for v in versions)
    again = runner.invoke(main, ["migrate"], env=env)
    assert again.exit_code == 0, again.output
    assert again.output == f"cassandra: the schema of keyspace {keyspace} is up to date\n"
    session = request.getfixturevalue("cassandra_session")
    rows = session.execute(
        "SELECT table_name FROM system_schema.tables WHERE keyspace_name = ?", (keyspace,)
    )
    assert {row.table_name for row in rows} == EXPECTED_TABLES
    replication = session.execute(
        "SELECT replication FROM system_schema.keyspaces WHERE keyspace_name = ?", (keyspace,)
    ).one()
    assert replication.replication["replication_factor"] == "1"


def test_concurrent_runs_apply_each_migration_exactly_once(server: CassandraServer) -> None:
    settings = settings_for(server, f"race_{uuid.uuid4().hex[:8]}")
    results: list[list[str]] = []
    start = threading.Barrier(3)

    def migrate() -> None:
        start.wait()
        results.append(apply_migrations(settings))

    threads = [threading.Thread(target=migrate) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    versions = [version for version, _ in available_migrations()]
    assert sorted(results) == [[], [], versions]


def test_migrate_refuses_a_malformed_replication_or_keyspace() -> None:
    runner = CliRunner()
    bad_replication = runner.invoke(
        main,
        ["migrate", "--cassandra-contact-points", "127.0.0.1", "--cassandra-replication", "3"],
    )
    assert bad_replication.exit_code == 2
    assert "SimpleStrategy:<n>" in bad_replication.output
    bad_keyspace = runner.invoke(
        main,
        ["migrate", "--cassandra-contact-points", "127.0.0.1", "--cassandra-keyspace", "x; DROP"],
    )
    assert bad_keyspace.exit_code == 2
    assert "lowercase letters" in bad_keyspace.output


def test_migrate_without_a_reachable_cluster_fails_cleanly() -> None:
    result = CliRunner().invoke(
        main, ["migrate", "--cassandra-contact-points", "127.0.0.1", "--cassandra-port", "1"]
    )
    assert result.exit_code == 1
    assert "Cassandra could not connect" in result.output
    assert "Traceback" not in result.output


def test_migrate_needs_an_engine() -> None:
    result = CliRunner().invoke(main, ["migrate"], env={"INSTAGRAM_MYSQL_URL": ""})
    assert result.exit_code == 2
    assert "--cassandra-contact-points" in result.output
