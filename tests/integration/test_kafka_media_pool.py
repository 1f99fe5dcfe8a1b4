"""Only the media worker owns the media process pool on Kafka: API processes publish and
never process a photo, so they get none; the embedded profile keeps its pool in-process."""

from __future__ import annotations

from pathlib import Path

import pytest

from instagram_adapters.pillow.pool import ProcessPoolMediaProcessor
from instagram_adapters.pillow.processor import PillowMediaProcessor
from instagram_entrypoints.config import Settings
from instagram_entrypoints.containers import build_container
from instagram_entrypoints.kafka_bus import worker_container
from tests.integration.conftest import embedded_settings


def kafka_profile(tmp_path: Path) -> Settings:
    # Nothing below connects: resources are not started, only providers resolved.
    return embedded_settings(
        tmp_path,
        profile="production",
        media_workers=2,
        kafka_bootstrap_servers="127.0.0.1:9",
    )


def test_api_processes_on_kafka_get_no_media_pool(tmp_path: Path) -> None:
    container = build_container(kafka_profile(tmp_path))
    processor = container.adapters.processor()
    assert type(processor) is PillowMediaProcessor
    assert processor.filters()  # what the API still asks of it: filters and headers


@pytest.mark.parametrize("name", ["media", "all"])
def test_the_media_worker_owns_the_pool(tmp_path: Path, name: str) -> None:
    container = worker_container(kafka_profile(tmp_path), name)
    try:
        assert isinstance(container.adapters.processor(), ProcessPoolMediaProcessor)
    finally:
        container.shutdown_resources()


@pytest.mark.parametrize("name", ["fanout", "notifications", "indexer"])
def test_other_workers_get_no_pool(tmp_path: Path, name: str) -> None:
    processor = worker_container(kafka_profile(tmp_path), name).adapters.processor()
    assert type(processor) is PillowMediaProcessor


def test_the_embedded_profile_keeps_its_pool(tmp_path: Path) -> None:
    container = build_container(embedded_settings(tmp_path, media_workers=2))
    try:
        assert isinstance(container.adapters.processor(), ProcessPoolMediaProcessor)
    finally:
        container.shutdown_resources()
