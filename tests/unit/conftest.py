"""The unit-test world: the real core over in-memory adapters, a manual clock and a
synchronous event bus, wired by the same containers as the running service."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from instagram_adapters.memory.clock import ManualClock
from instagram_core.domain.posts import Post
from instagram_core.domain.users import User
from instagram_core.services.posts import NewPost
from instagram_entrypoints.config import Settings
from instagram_entrypoints.containers import Application, memory_container
from tests.support import jpeg_bytes

START = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


class World:
    """The container plus a few verbs that read like the user story."""

    def __init__(self, container: Application) -> None:
        self.c = container
        self.core = container.core
        self.adapters = container.adapters

    @property
    def clock(self) -> ManualClock:
        clock: ManualClock = self.adapters.clock()
        return clock

    def register(self, username: str, private: bool = False) -> User:
        return self.core.accounts().register(username, "correct horse", is_private=private)

    def upload(
        self,
        owner: User,
        data: bytes | None = None,
        content_type: str = "image/jpeg",
        purpose: str = "post",
    ) -> int:
        ticket = self.core.media().request_upload(owner.user_id, "image", content_type, purpose)
        self.adapters.blobs().put(ticket.media.original_key, data or jpeg_bytes(), content_type)
        return ticket.media.media_id

    def post(
        self, author: User, caption: str = "", data: bytes | None = None, **kw: object
    ) -> Post:
        media_id = self.upload(author, data)
        created = self.core.posts().create(author.user_id, NewPost([media_id], caption, **kw))  # type: ignore[arg-type]
        stored = self.adapters.posts().get(created.post_id)
        assert stored is not None
        return stored

    def follow(self, follower: User, followee: User) -> str:
        return str(self.core.social().follow(follower.user_id, followee.username))


def unit_settings(**overrides: Any) -> Settings:
    """Test settings: a fixed secret, and the chronological ranker so that tests about
    feed order read plainly (the learned ranker has tests of its own)."""
    values: dict[str, Any] = {"ranker": "chronological", **overrides}
    return Settings(secret_key="unit-secret-" + "x" * 32, **values)


def new_world(**overrides: Any) -> World:
    container = memory_container(START, unit_settings(**overrides))
    container.init_resources()
    return World(container)


@pytest.fixture
def world() -> Iterator[World]:
    container = memory_container(START, unit_settings())
    container.init_resources()
    yield World(container)
    container.shutdown_resources()
