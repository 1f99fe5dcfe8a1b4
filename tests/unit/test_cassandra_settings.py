"""The production profile's Cassandra settings: required, and checked before anything starts."""

from __future__ import annotations

from pathlib import Path

import pytest

from instagram_adapters.cassandra.settings import CassandraSettings, replication_map
from instagram_entrypoints.config import load_settings

PRODUCTION = {
    "INSTAGRAM_PROFILE": "production",
    "INSTAGRAM_REDIS_URL": "redis://127.0.0.1:6379/0",
    "INSTAGRAM_MYSQL_URL": "mysql://root@127.0.0.1:3306/instagram",
    "INSTAGRAM_SECRET_KEY": "s" * 40,
    "INSTAGRAM_ELASTICSEARCH_URL": "http://127.0.0.1:9200",
}


def test_the_production_profile_needs_cassandra_contact_points(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="INSTAGRAM_CASSANDRA_CONTACT_POINTS"):
        load_settings({"data_dir": tmp_path}, environ=PRODUCTION)


def test_cassandra_settings_come_from_the_environment(tmp_path: Path) -> None:
    env = {
        **PRODUCTION,
        "INSTAGRAM_CASSANDRA_CONTACT_POINTS": "10.0.0.1, 10.0.0.2",
        "INSTAGRAM_CASSANDRA_PORT": "19042",
        "INSTAGRAM_CASSANDRA_KEYSPACE": "photos",
        "INSTAGRAM_CASSANDRA_REPLICATION": "NetworkTopologyStrategy:eu_west=3,us-east=3",
    }
    settings = load_settings({"data_dir": tmp_path}, environ=env)
    cassandra = CassandraSettings.from_config(
        settings.cassandra_contact_points,
        settings.cassandra_port,
        settings.cassandra_keyspace,
        settings.cassandra_local_dc,
        settings.cassandra_replication,
        settings.cassandra_timeout_seconds,
    )
    assert cassandra.contact_points == ("10.0.0.1", "10.0.0.2")
    assert (cassandra.port, cassandra.keyspace) == (19042, "photos")
    assert cassandra.replication == (
        "{'class': 'NetworkTopologyStrategy', 'eu_west': 3, 'us-east': 3}"
    )


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("INSTAGRAM_CASSANDRA_REPLICATION", "3"),
        ("INSTAGRAM_CASSANDRA_REPLICATION", "NetworkTopologyStrategy:dc1"),
        ("INSTAGRAM_CASSANDRA_REPLICATION", "NetworkTopologyStrategy:x'}=1"),
        ("INSTAGRAM_CASSANDRA_KEYSPACE", "Photos; DROP"),
    ],
)
def test_malformed_cassandra_settings_are_refused_at_start(
    tmp_path: Path, name: str, value: str
) -> None:
    env = {**PRODUCTION, "INSTAGRAM_CASSANDRA_CONTACT_POINTS": "127.0.0.1", name: value}
    with pytest.raises(ValueError, match="INSTAGRAM_CASSANDRA_"):
        load_settings({"data_dir": tmp_path}, environ=env)


def test_simple_replication() -> None:
    assert replication_map("SimpleStrategy:1") == (
        "{'class': 'SimpleStrategy', 'replication_factor': 1}"
    )
