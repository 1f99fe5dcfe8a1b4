"""``instagram migrate`` and ``apply_migrations`` on a real, initially empty, database."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from click.testing import CliRunner

from instagram_adapters.mysql.migrate import apply_migrations, available_migrations
from instagram_adapters.mysql.pool import MySqlPool
from instagram_entrypoints.cli import main
from tests.engines import MariaDbServer
from tests.mysql_support import mariadb

DATABASE = "instagram_migrations_test"


@pytest.fixture
def empty_database(request: pytest.FixtureRequest) -> Iterator[str]:
    """The URL of a database that exists but has no tables; dropped afterwards."""
    server: MariaDbServer = mariadb(request)
    admin = MySqlPool.from_url(f"mysql://root@127.0.0.1:{server.port}/", size=1)
    admin.execute(f"DROP DATABASE IF EXISTS {DATABASE}")
    admin.execute(f"CREATE DATABASE {DATABASE}")
    yield f"mysql://root@127.0.0.1:{server.port}/{DATABASE}"
    admin.execute(f"DROP DATABASE {DATABASE}")
    admin.close()


def test_migrate_applies_the_pending_files_once(empty_database: str) -> None:
    runner = CliRunner()
    first = runner.invoke(main, ["migrate"], env={"INSTAGRAM_MYSQL_URL": empty_database})
    assert first.exit_code == 0, first.output
    versions = [version for version, _ in available_migrations()]
    assert versions[:2] == ["0001_users_and_follows", "0002_blocks_and_mutes"]
    assert first.output == "".join(f"applied {version}\n" for version in versions)
    again = runner.invoke(main, ["migrate", "--mysql-url", empty_database])
    assert again.exit_code == 0, again.output
    assert again.output == "the schema is up to date\n"
    pool = MySqlPool.from_url(empty_database, size=1)
    try:
        tables = {
            row["TABLE_NAME"]
            for row in pool.query(
                "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = %s",
                (DATABASE,),
            )
        }
    finally:
        pool.close()
    assert tables == {
        "users",
        "follows",
        "blocks",
        "mutes",
        "push_devices",
        "notification_settings",
        "outbox",
        "outbox_relay",
        "schema_migrations",
    }


def test_concurrent_runs_apply_each_migration_exactly_once(empty_database: str) -> None:
    pools = [MySqlPool.from_url(empty_database, size=1) for _ in range(4)]
    results: list[list[str]] = []
    start = threading.Barrier(len(pools))

    def migrate(pool: MySqlPool) -> None:
        start.wait()
        results.append(apply_migrations(pool))

    threads = [threading.Thread(target=migrate, args=(pool,)) for pool in pools]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for pool in pools:
        pool.close()
    every = [version for version, _ in available_migrations()]
    assert sorted(results) == [[], [], [], every]


def test_migrate_without_a_reachable_server_fails_cleanly() -> None:
    result = CliRunner().invoke(main, ["migrate", "--mysql-url", "mysql://root@127.0.0.1:1/db"])
    assert result.exit_code == 1
    assert "MySQL is unavailable" in result.output
    assert "Traceback" not in result.output
