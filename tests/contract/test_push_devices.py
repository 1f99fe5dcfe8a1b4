"""Contract of :class:`~instagram_core.ports.DeviceStore` and
:class:`~instagram_core.ports.NotificationSettingsStore`, run against every adapter."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import attrs
import pytest

from instagram_adapters.memory.push_devices import (
    InMemoryDeviceStore,
    InMemoryNotificationSettingsStore,
)
from instagram_adapters.mysql.pool import MySqlPool
from instagram_adapters.mysql.push_devices import (
    MySqlDeviceStore,
    MySqlNotificationSettingsStore,
)
from instagram_adapters.sqlite.database import SqliteDatabase
from instagram_adapters.sqlite.push_devices import (
    SqliteDeviceStore,
    SqliteNotificationSettingsStore,
)
from instagram_core.domain.notifications import (
    Device,
    NotificationKind,
    NotificationSettings,
    Platform,
)
from instagram_core.ports import DeviceStore, NotificationSettingsStore
from tests.mysql_support import mariadb, open_test_pool
from tests.races import race

T0 = datetime(2024, 5, 17, 9, 30, 0, 123456, tzinfo=UTC)
LIKE, COMMENT, TAG = NotificationKind.LIKE, NotificationKind.COMMENT, NotificationKind.TAG


@pytest.fixture(scope="module")
def mysql_pool(request: pytest.FixtureRequest) -> Iterator[MySqlPool]:
    pool = open_test_pool(mariadb(request))
    yield pool
    pool.close()


@pytest.fixture(params=["memory", "sqlite", "mysql"])
def stores(
    request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[tuple[DeviceStore, NotificationSettingsStore]]:
    if request.param == "memory":
        yield InMemoryDeviceStore(), InMemoryNotificationSettingsStore()
    elif request.param == "sqlite":
        db = SqliteDatabase(tmp_path / "push.db")
        yield SqliteDeviceStore(db), SqliteNotificationSettingsStore(db)
        db.close()
    else:
        pool: MySqlPool = request.getfixturevalue("mysql_pool")
        pool.execute("DELETE FROM push_devices")
        pool.execute("DELETE FROM notification_settings")
        yield MySqlDeviceStore(pool), MySqlNotificationSettingsStore(pool)


@pytest.fixture
def devices(stores: tuple[DeviceStore, NotificationSettingsStore]) -> DeviceStore:
    return stores[0]


@pytest.fixture
def settings_store(
    stores: tuple[DeviceStore, NotificationSettingsStore],
) -> NotificationSettingsStore:
    return stores[1]


def device(
    device_id: int,
    user_id: str = "alice",
    platform: Platform = Platform.FCM,
    address: str | None = None,
) -> Device:
    return Device(
        device_id=device_id,
        user_id=user_id,
        platform=platform,
        address=address or f"token-{device_id}",
        created_at=T0,
        secret="s" * 64 if platform is Platform.WEBHOOK else None,
    )


def test_register_stores_the_device_as_given(devices: DeviceStore) -> None:
    hook = device(2, platform=Platform.WEBHOOK, address="https://example.test/hook")
    assert devices.register(device(1)) == device(1)
    devices.register(hook)
    assert devices.get(1) == device(1)
    assert devices.get(2) == hook
    assert list(devices.for_user("alice")) == [device(1), hook]


def test_get_is_none_for_an_unknown_device(devices: DeviceStore) -> None:
    assert devices.get(404) is None
    assert list(devices.for_user("nobody")) == []


def test_registering_an_address_again_replaces_the_earlier_device(devices: DeviceStore) -> None:
    devices.register(device(1, address="shared"))
    devices.register(device(2, user_id="bob", address="shared"))
    assert devices.get(1) is None
    assert list(devices.for_user("alice")) == []
    assert list(devices.for_user("bob")) == [device(2, user_id="bob", address="shared")]


def test_the_same_address_on_another_platform_is_another_device(devices: DeviceStore) -> None:
    devices.register(device(1, platform=Platform.FCM, address="ab" * 32))
    devices.register(device(2, platform=Platform.APNS, address="ab" * 32))
    assert [d.device_id for d in devices.for_user("alice")] == [1, 2]


def test_remove_takes_only_the_users_own_device(devices: DeviceStore) -> None:
    devices.register(device(1))
    assert devices.remove("bob", 1) is False
    assert devices.get(1) == device(1)
    assert devices.remove("alice", 1) is True
    assert devices.remove("alice", 1) is False
    assert devices.get(1) is None


def test_forget_removes_whoever_owns_it_and_ignores_the_unknown(devices: DeviceStore) -> None:
    devices.register(device(1))
    devices.forget(1)
    devices.forget(1)
    assert devices.get(1) is None


def test_concurrent_registrations_of_one_token_leave_one_device(devices: DeviceStore) -> None:
    race(*[lambda i=i: devices.register(device(i, user_id=f"u{i}", address="t")) for i in range(8)])
    owners = [d for i in range(8) for d in devices.for_user(f"u{i}")]
    assert len(owners) == 1


def test_settings_default_to_every_push_on(settings_store: NotificationSettingsStore) -> None:
    assert settings_store.get("alice") == NotificationSettings()
    assert all(settings_store.get("alice").as_mapping().values())


def test_set_push_changes_only_the_given_kinds(settings_store: NotificationSettingsStore) -> None:
    after = settings_store.set_push("alice", {LIKE: False, TAG: False})
    assert after == NotificationSettings(frozenset({LIKE, TAG}))
    after = settings_store.set_push("alice", {TAG: True, COMMENT: False})
    assert after == NotificationSettings(frozenset({LIKE, COMMENT}))
    assert settings_store.get("alice") == after
    assert settings_store.get("bob") == NotificationSettings()
    assert settings_store.set_push("alice", {}) == after


def test_concurrent_changes_of_different_kinds_both_hold(
    settings_store: NotificationSettingsStore,
) -> None:
    kinds = list(NotificationKind)
    race(*[lambda k=k: settings_store.set_push("alice", {k: False}) for k in kinds])
    assert settings_store.get("alice").push_off == frozenset(kinds)


def test_sqlite_devices_and_settings_survive_reopening(tmp_path: Path) -> None:
    path = tmp_path / "push.db"
    db = SqliteDatabase(path)
    SqliteDeviceStore(db).register(device(1))
    SqliteNotificationSettingsStore(db).set_push("alice", {LIKE: False})
    db.close()
    reopened = SqliteDatabase(path)
    try:
        assert SqliteDeviceStore(reopened).get(1) == device(1)
        assert SqliteNotificationSettingsStore(reopened).get("alice").push_off == {LIKE}
    finally:
        reopened.close()


def test_mysql_keeps_long_addresses_unique(request: pytest.FixtureRequest) -> None:
    pool: MySqlPool = request.getfixturevalue("mysql_pool")
    pool.execute("DELETE FROM push_devices")
    store = MySqlDeviceStore(pool)
    long = "https://example.test/" + "x" * 2000
    store.register(device(1, platform=Platform.WEBHOOK, address=long))
    store.register(attrs.evolve(device(2, platform=Platform.WEBHOOK, address=long), user_id="bob"))
    assert store.get(1) is None
    kept = store.get(2)
    assert kept is not None
    assert kept.address == long
