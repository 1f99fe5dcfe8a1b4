"""Contract of the Restrictions port (blocks and mutes), run against every adapter."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from instagram_adapters.memory.restrictions import InMemoryRestrictions
from instagram_adapters.sqlite.database import SqliteDatabase
from instagram_adapters.sqlite.restrictions import SqliteRestrictions
from instagram_core.ports.restrictions import Restrictions


@pytest.fixture(params=["memory", "sqlite"])
def restrictions(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Restrictions]:
    if request.param == "memory":
        yield InMemoryRestrictions()
        return
    db = SqliteDatabase(tmp_path / "db.sqlite3")
    yield SqliteRestrictions(db)
    db.close()


def test_block_is_idempotent_and_cuts_both_ways(restrictions: Restrictions) -> None:
    assert restrictions.block("ann", "bob")
    assert not restrictions.block("ann", "bob")
    assert restrictions.blocked_between("ann", "bob")
    assert restrictions.blocked_between("bob", "ann")
    assert not restrictions.blocked_between("ann", "cat")
    assert restrictions.blocked_ids("ann") == {"bob"}
    assert restrictions.blocked_ids("bob") == {"ann"}


def test_unblock_lifts_only_ones_own_block(restrictions: Restrictions) -> None:
    restrictions.block("ann", "bob")
    restrictions.block("bob", "ann")
    assert restrictions.unblock("ann", "bob")
    assert not restrictions.unblock("ann", "bob")
    assert restrictions.blocked_between("ann", "bob")  # bob still blocks ann
    assert restrictions.unblock("bob", "ann")
    assert not restrictions.blocked_between("ann", "bob")
    assert restrictions.blocked_ids("ann") == set()


def test_mutes_are_one_way_and_idempotent(restrictions: Restrictions) -> None:
    assert restrictions.mute("ann", "bob")
    assert not restrictions.mute("ann", "bob")
    assert restrictions.muted_ids("ann") == {"bob"}
    assert restrictions.muted_ids("bob") == set()
    assert not restrictions.blocked_between("ann", "bob")
    assert restrictions.unmute("ann", "bob")
    assert not restrictions.unmute("ann", "bob")
    assert restrictions.muted_ids("ann") == set()


def test_sqlite_restrictions_survive_reopening(tmp_path: Path) -> None:
    db = SqliteDatabase(tmp_path / "db.sqlite3")
    SqliteRestrictions(db).block("ann", "bob")
    SqliteRestrictions(db).mute("ann", "cat")
    db.close()
    reopened = SqliteDatabase(tmp_path / "db.sqlite3")
    again = SqliteRestrictions(reopened)
    assert again.blocked_between("bob", "ann")
    assert again.muted_ids("ann") == {"cat"}
    reopened.close()
