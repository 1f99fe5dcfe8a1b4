"""Every statement the Cassandra adapters prepare names its keyspace: the session never runs
``USE``, so a prepared statement cannot run against another keyspace than it was made for."""

from __future__ import annotations

import pytest

from instagram_adapters.cassandra.session import qualify, qualify_ddl


@pytest.mark.parametrize(
    ("cql", "expected"),
    [
        ("SELECT a FROM posts WHERE post_id = ?", "SELECT a FROM ks.posts WHERE post_id = ?"),
        (
            "INSERT INTO comments (a) VALUES (?) IF NOT EXISTS",
            "INSERT INTO ks.comments (a) VALUES (?) IF NOT EXISTS",
        ),
        ("UPDATE counts SET n = n + 1 WHERE k = ?", "UPDATE ks.counts SET n = n + 1 WHERE k = ?"),
        ("DELETE FROM media WHERE media_id = ?", "DELETE FROM ks.media WHERE media_id = ?"),
        ("TRUNCATE stories", "TRUNCATE ks.stories"),
        ("SELECT release_version FROM system.local", "SELECT release_version FROM system.local"),
        ("SELECT a FROM other.posts", "SELECT a FROM other.posts"),
    ],
)
def test_qualify_prefixes_bare_table_names_only(cql: str, expected: str) -> None:
    assert qualify(cql, "ks") == expected


def test_qualify_without_a_keyspace_changes_nothing() -> None:
    assert qualify("SELECT a FROM posts", "") == "SELECT a FROM posts"


def test_qualify_ddl_qualifies_tables_not_index_names() -> None:
    assert (
        qualify_ddl("CREATE TABLE IF NOT EXISTS posts (a int PRIMARY KEY)", "ks")
        == "CREATE TABLE IF NOT EXISTS ks.posts (a int PRIMARY KEY)"
    )
    assert (
        qualify_ddl("CREATE INDEX IF NOT EXISTS by_key ON notes (key) USING 'sai'", "ks")
        == "CREATE INDEX IF NOT EXISTS by_key ON ks.notes (key) USING 'sai'"
    )
    assert qualify_ddl("ALTER TABLE posts ADD x int", "ks") == "ALTER TABLE ks.posts ADD x int"


def test_qualify_ddl_leaves_qualified_tables_and_no_keyspace_alone() -> None:
    create = "CREATE TABLE IF NOT EXISTS ks.ledger (v text PRIMARY KEY)"
    assert qualify_ddl(create, "ks") == create
    assert qualify_ddl("CREATE TABLE IF NOT EXISTS ledger (v text)", "") == (
        "CREATE TABLE IF NOT EXISTS ledger (v text)"
    )
