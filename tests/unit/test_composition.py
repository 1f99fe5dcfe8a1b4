"""The composition: bootstrap over the in-memory ports, the adapters containers filling
every field of ``Ports``, and a configuration that refuses a setting it does not define."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TypeVar

import attrs
import pytest
from dependency_injector import containers, errors, providers

from instagram_adapters.memory import ManualClock, SynchronousEventBus, memory_ports
from instagram_core import Ports, UseCases, bootstrap
from instagram_core import Settings as CoreSettings
from instagram_core.domain.events import UserRegistered
from instagram_core.ports import Emit, LocalEventBus
from instagram_entrypoints.config import Settings
from instagram_entrypoints.containers import (
    PROCESS_FIELDS,
    Application,
    EmbeddedAdapters,
    MemoryAdapters,
    build_container,
    memory_container,
)
from instagram_entrypoints.production import ProductionAdapters

START = datetime(2026, 1, 1, 12, tzinfo=UTC)
PORT_FIELDS = {field.name for field in attrs.fields(Ports)}
T = TypeVar("T")


def test_memory_ports_fill_every_field_and_bootstrap_binds_their_bus() -> None:
    ports = memory_ports(clock=ManualClock(START))
    # No transcoder refuses videos; no unit of work (or intents) publishes after each write.
    assert all(
        getattr(ports, name) is not None for name in PORT_FIELDS - {"transcoder", "unit", "intents"}
    )
    assert isinstance(ports.events, LocalEventBus)
    app = bootstrap(ports, CoreSettings(ranker="chronological"))
    alice = app.accounts.register("alice", "correct horse")
    # The registration's event ran its handler inline: alice is searchable at once.
    found = app.search.search(alice.user_id, "ali").users
    assert [hit.user.username for hit in found] == ["alice"]
    assert alice.created_at == START


def test_a_bus_built_before_its_handlers_refuses_a_publish_until_bound() -> None:
    bus = SynchronousEventBus()
    with pytest.raises(RuntimeError, match="bootstrap"):
        bus.publish(UserRegistered("u1"))


def test_bootstrap_leaves_a_bus_that_runs_elsewhere_to_its_process() -> None:
    class Outbox:
        def __init__(self) -> None:
            self.sent: list[object] = []

        def publish(self, message: object) -> None:
            self.sent.append(message)

    outbox = Outbox()
    app = bootstrap(attrs.evolve(memory_ports(clock=ManualClock(START)), events=outbox))
    alice = app.accounts.register("alice", "correct horse")
    assert outbox.sent == [UserRegistered(alice.user_id)]
    assert app.search.search(alice.user_id, "ali").users == []  # no handler ran in this process
    assert UserRegistered in app.handlers


def test_bootstrap_runs_writes_through_the_unit_of_work_it_is_given() -> None:
    """A transactional unit (an outbox) decides when the messages go out: the services
    emit into it instead of publishing."""
    ports = memory_ports(clock=ManualClock(START))
    held: list[object] = []

    class HoldingUnit:
        def run(self, work: Callable[[Emit], T]) -> T:
            return work(held.append)

    app = bootstrap(attrs.evolve(ports, unit=HoldingUnit()))
    alice = app.accounts.register("alice", "correct horse")
    assert held == [UserRegistered(alice.user_id)]
    assert app.search.search(alice.user_id, "ali").users == []  # nothing was published


def test_the_embedded_profile_starts_and_commits_through_its_durable_bus(tmp_path: Path) -> None:
    """The durable bus needs the handlers (the use cases), and the use cases need the unit
    of work over that bus: the container resolves the cycle and a write runs through."""
    container = build_container(Settings(data_dir=tmp_path, secret_key="k" * 48, media_workers=0))
    container.init_resources()
    try:
        alice = container.core.accounts().register("alice", "correct horse")
        bus = container.core.running_bus()
        assert type(bus).__name__ == "SqliteEventBus"
        assert type(container.core.unit()).__name__ == "SqliteUnitOfWork"
        assert bus.drain(timeout=30)
        found = container.core.search().search(alice.user_id, "ali").users
        assert [hit.user.username for hit in found] == ["alice"]
    finally:
        container.shutdown_resources()


@pytest.mark.parametrize("adapters", [MemoryAdapters, EmbeddedAdapters, ProductionAdapters])
def test_each_adapters_container_provides_every_port_by_its_field_name(
    adapters: type[containers.DeclarativeContainer],
) -> None:
    assert set(adapters.providers) >= PORT_FIELDS - PROCESS_FIELDS


def test_the_use_cases_of_the_service_are_the_cores() -> None:
    container = memory_container(START)
    container.init_resources()
    try:
        use_cases = container.core.use_cases()
        assert isinstance(use_cases, UseCases)
        assert container.core.feed() is use_cases.feed
        assert container.core.ports().users is container.adapters.users()
    finally:
        container.shutdown_resources()


def undefined_options(container: containers.Container) -> set[str]:
    """The settings that the container's providers read but its configuration lacks."""
    missing: set[str] = set()
    options = list(container.traverse(types=[providers.ConfigurationOption]))
    assert len(options) >= 15  # the traversal reached the providers
    for option in options:
        try:
            option()  # a strict configuration raises for an undefined one
        except errors.Error:
            missing.add(option.get_name())
    return missing


@pytest.mark.parametrize("profile", ["embedded", "production"])
def test_every_setting_a_service_container_reads_is_defined(profile: str, tmp_path: Path) -> None:
    settings = Settings(
        profile=profile,
        data_dir=tmp_path,
        secret_key="k" * 48,
        redis_url="redis://127.0.0.1:1/0",
        mysql_url="mysql://u:p@127.0.0.1:1/db",
        cassandra_contact_points="127.0.0.1",
    )
    # Only the memory profile's manual clock reads ``start``; the others replace that clock.
    assert undefined_options(build_container(settings)) <= {"config.start"}


def test_every_setting_the_memory_container_reads_is_defined() -> None:
    assert undefined_options(memory_container(START)) == set()


def test_a_misspelt_setting_fails_instead_of_reading_none(tmp_path: Path) -> None:
    container: Application = build_container(Settings(data_dir=tmp_path, secret_key="k" * 48))
    with pytest.raises(errors.Error, match="feed_idle_secs"):
        container.config.feed_idle_secs()


def test_the_services_defaults_are_the_cores() -> None:
    """Each default is defined once, in the core; the service's settings render it."""
    from instagram_core.domain.ranking import HeadWeights
    from instagram_entrypoints.config import head_weights

    service, core = Settings(), CoreSettings()
    assert head_weights(service.rank_weights) == HeadWeights()
    assert (service.max_upload_bytes, service.fanout_celebrity_threshold, service.ranker) == (
        core.max_upload_bytes,
        core.fanout_celebrity_threshold,
        core.ranker,
    )
    assert service.fanout_chunk == core.fanout_chunk_size
    assert timedelta(seconds=service.story_lifetime_seconds) == core.story_lifetime
    assert timedelta(hours=service.abandoned_upload_hours) == core.abandoned_upload_age
    assert timedelta(seconds=service.upload_sweep_seconds) == core.upload_sweep_interval


def test_the_service_gives_the_core_its_settings(tmp_path: Path) -> None:
    """What the service is configured with reaches the use cases: a chunk, a story lifetime,
    an upload age and interval, and the route words as reserved usernames."""
    settings = Settings(
        data_dir=tmp_path,
        secret_key="k" * 48,
        fanout_chunk=7,
        story_lifetime_seconds=60,
        abandoned_upload_hours=2,
        upload_sweep_seconds=90,
    )
    core = build_container(settings).core.settings()
    assert (core.fanout_chunk_size, core.story_lifetime) == (7, timedelta(seconds=60))
    assert (core.abandoned_upload_age, core.upload_sweep_interval) == (
        timedelta(hours=2),
        timedelta(seconds=90),
    )
    assert "api" in core.reserved_usernames


@pytest.mark.parametrize(
    "bad",
    [
        {"fanout_chunk_size": 0},
        {"story_lifetime": timedelta(0)},
        {"abandoned_upload_age": timedelta(minutes=15)},
        {"upload_sweep_interval": timedelta(seconds=-1)},
        {"ranker": "newest"},
    ],
)
def test_core_settings_refuse_a_value_out_of_range(bad: dict[str, object]) -> None:
    with pytest.raises((ValueError, TypeError)):
        CoreSettings(**bad)  # type: ignore[arg-type]
