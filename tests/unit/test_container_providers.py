"""Each profile's adapters container holds one provider per name, so overriding one (a test's
manual clock) reaches every adapter that uses it.

``containers.copy`` keeps a provider that a copy redefines as a second object inside the
providers the copy inherits: the embedded profile once redefined the clock, and its tokens,
rate limits, claims, ids and caches kept the system clock while a test moved the services'
manual clock a day on (tokens never expired, rate-limit windows never passed)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from dependency_injector import containers, providers

from instagram_adapters.memory.clock import ManualClock, SystemClock
from instagram_core.domain.errors import Unauthenticated
from instagram_entrypoints.config import Settings
from instagram_entrypoints.containers import (
    Application,
    MemoryApplication,
    build_container,
    memory_container,
)
from instagram_entrypoints.production import ProductionApplication

START = datetime(2026, 1, 1, 12, tzinfo=UTC)
BUILT = (providers.Singleton, providers.Resource, providers.Factory, providers.Selector)


def embedded_settings(data_dir: Path) -> Settings:
    return Settings(data_dir=data_dir, secret_key="unit-secret-" + "x" * 32)


@pytest.mark.parametrize("application", [MemoryApplication, Application, ProductionApplication])
def test_every_adapter_depends_only_on_the_containers_own_providers(
    application: type[containers.DeclarativeContainer],
) -> None:
    adapters = application().adapters
    named = {id(p) for p in adapters.providers.values()}
    strays = {
        f"{name} -> {dependency}"
        for name, provider in adapters.providers.items()
        if not isinstance(provider, providers.Selector)  # a selector's choices are its own
        for dependency in provider.related
        if isinstance(dependency, BUILT) and id(dependency) not in named
    }
    assert strays == set()


def test_the_profiles_run_on_the_system_clock_and_memory_on_a_manual_one(
    tmp_path: Path,
) -> None:
    assert isinstance(build_container(embedded_settings(tmp_path)).adapters.clock(), SystemClock)
    assert isinstance(memory_container(START).adapters.clock(), ManualClock)


def test_an_overridden_clock_reaches_the_tokens_on_the_embedded_profile(tmp_path: Path) -> None:
    container = build_container(embedded_settings(tmp_path))
    clock = ManualClock(START)
    container.adapters.clock.override(providers.Object(clock))
    tokens = container.adapters.tokens()
    issued = tokens.issue("ann")
    clock.advance(timedelta(seconds=issued.expires_in))
    with pytest.raises(Unauthenticated, match="expired"):
        tokens.verify(issued.token)
