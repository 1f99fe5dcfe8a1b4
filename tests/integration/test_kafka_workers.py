"""The production profile on Kafka, with the handlers in a separate ``instagram worker all``
OS process: the story still ends published and in the follower's feed; a poison record ends
in the dead-letter topic, where ``instagram dlq`` sees and drops it; SIGTERM stops the
worker cleanly."""

from __future__ import annotations

import gc
import signal
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from litestar.testing import TestClient

from instagram_adapters.kafka.outbox import OutboxEventBus
from instagram_adapters.kafka.publisher import KafkaEventBus
from instagram_entrypoints.cli import main
from instagram_entrypoints.config import Settings
from instagram_entrypoints.containers import build_container
from instagram_entrypoints.http.app import create_app
from instagram_entrypoints.kafka_bus import topology
from tests.integration.conftest import Api
from tests.integration.kafka_fleet import fleet_env, kafka_settings, start_worker
from tests.support import photo

__all__ = ["fleet_env", "kafka_settings"]  # fixtures


@pytest.mark.timeout(600)  # a hang guard: worker processes on a loaded 2-core runner are slow
def test_handlers_run_in_a_worker_process_and_poison_goes_to_the_dlq(
    kafka_settings: Settings, fleet_env: dict[str, str], tmp_path: Path
) -> None:
    runner = CliRunner()
    migrated = runner.invoke(main, ["migrate"], env=fleet_env)
    assert migrated.exit_code == 0, migrated.output
    assert f"created topic {kafka_settings.kafka_topic_prefix}.posts" in migrated.output
    again = runner.invoke(main, ["migrate"], env=fleet_env)
    assert "the Kafka topics exist" in again.output

    worker = start_worker(fleet_env, "all", tmp_path / "worker.log")
    try:
        container = build_container(kafka_settings)
        with TestClient(create_app(container=container)) as client:
            api = Api(client, container)
            assert isinstance(container.core.running_bus(), OutboxEventBus)
            alice, bob = api.register("alice"), api.register("bob")
            assert client.post("/api/v1/users/alice/follow", headers=bob).status_code == 200
            media_id = api.upload(alice, photo("mobile_jolla.jpg"))
            created = client.post("/api/v1/posts", json={"media_ids": [media_id]}, headers=alice)
            assert created.status_code == 201, created.text
            post_id = created.json()["post_id"]
            deadline = time.monotonic() + 60
            items: list[dict[str, object]] = []
            while time.monotonic() < deadline and not items:
                time.sleep(0.1)
                items = client.get("/api/v1/feed", headers=bob).json()["items"]
            assert [p["post_id"] for p in items] == [post_id]
            assert client.get(f"/api/v1/posts/{post_id}", headers=alice).json()["status"] == (
                "published"
            )

            bus = container.core.running_bus()
            bus.kafka.send_raw(topology(kafka_settings).topic("posts"), b"1", b"not an envelope")
            deadline = time.monotonic() + 30
            listed = runner.invoke(main, ["dlq", "list"], env=fleet_env)
            while "4 open dead letters" not in listed.output and time.monotonic() < deadline:
                time.sleep(0.2)
                listed = runner.invoke(main, ["dlq", "list"], env=fleet_env)
            assert "4 open dead letters" in listed.output, listed.output  # one per group
            assert "undecodable envelope" in listed.output
            dropped = runner.invoke(main, ["dlq", "drop", "--all"], env=fleet_env)
            assert "dropped 4 dead letters" in dropped.output
            refused = runner.invoke(main, ["dlq", "replay"], env=fleet_env)
            assert refused.exit_code == 2
            assert (
                "0 open dead letters" in runner.invoke(main, ["dlq", "list"], env=fleet_env).output
            )
    finally:
        worker.send_signal(signal.SIGTERM)
        code = worker.wait(60)
    assert code == 0, (tmp_path / "worker.log").read_text()[-3000:]


def test_kafka_workers_need_the_production_profile_with_kafka(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["worker", "fanout", "--data-dir", str(tmp_path)], env={"INSTAGRAM_PROFILE": ""}
    )
    assert result.exit_code == 2
    assert "INSTAGRAM_KAFKA_BOOTSTRAP_SERVERS" in result.output


def test_serve_refuses_several_processes_on_the_embedded_profile(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["serve", "--processes", "2", "--data-dir", str(tmp_path), "--profile", "embedded"]
    )
    assert result.exit_code == 2
    assert "needs the production profile" in result.output


def test_dlq_commands_close_their_bus_before_returning(
    kafka_settings: Settings, fleet_env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Not left to the garbage collector, which closed the producer under a running send
    or from the producer's own network thread (the intermittent hang of the test above)."""
    closed: list[KafkaEventBus] = []
    close = KafkaEventBus.close

    def recorded(bus: KafkaEventBus) -> None:
        closed.append(bus)
        close(bus)

    monkeypatch.setattr(KafkaEventBus, "close", recorded)
    gc.disable()  # what is closed below is closed by the command, not by a collection
    try:
        runner = CliRunner()
        assert runner.invoke(main, ["dlq", "list"], env=fleet_env).exit_code == 0
        assert len(closed) == 1
        dropped = runner.invoke(main, ["dlq", "drop", "--all"], env=fleet_env)
        assert "dropped 0 dead letters" in dropped.output, dropped.output
        assert len(closed) == 2
    finally:
        gc.enable()
