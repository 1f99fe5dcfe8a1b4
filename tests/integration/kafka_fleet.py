"""The production profile on Kafka with workers as OS processes: fixtures and helpers."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import attrs
import pytest

from instagram_entrypoints.config import ENV_PREFIX, Settings


def settings_env(settings: Settings) -> dict[str, str]:
    values = attrs.asdict(settings)
    return {ENV_PREFIX + name.upper(): str(value) for name, value in values.items()}


@pytest.fixture
def kafka_settings(prod_settings: Settings, request: pytest.FixtureRequest) -> Settings:
    kafka = request.getfixturevalue("kafka_server")
    return attrs.evolve(
        prod_settings,
        kafka_bootstrap_servers=kafka.bootstrap_servers,
        kafka_topic_prefix=f"it{uuid.uuid4().hex[:10]}",
        kafka_partitions=2,
        bus_max_attempts=2,
        bus_backoff_seconds=0.1,
    )


@pytest.fixture
def fleet_env(kafka_settings: Settings) -> Iterator[dict[str, str]]:
    """The settings as the environment of this process and of the workers it starts."""
    env = {**os.environ, **settings_env(kafka_settings)}
    old = dict(os.environ)
    os.environ.update(env)
    yield env
    os.environ.clear()
    os.environ.update(old)


def start_worker(env: dict[str, str], name: str, log: Path) -> subprocess.Popen[bytes]:
    command = [
        sys.executable,
        "-c",
        "from instagram_entrypoints.cli import main; main()",
        "worker",
        name,
    ]
    with log.open("ab") as out:
        return subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
