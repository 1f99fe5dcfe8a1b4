"""Follow edges of the social graph, and what a block does to them."""

from __future__ import annotations

import enum
from datetime import datetime

import attrs


class FollowStatus(enum.StrEnum):
    ACTIVE = "active"
    PENDING = "pending"  # awaiting approval by a private account


@attrs.frozen
class Follow:
    follower_id: str
    followee_id: str
    status: FollowStatus
    created_at: datetime

    @property
    def is_active(self) -> bool:
        return self.status is FollowStatus.ACTIVE


@attrs.frozen
class BlockOutcome:
    """What recording a block did: whether the block is new, and the follow edges (either
    direction, active or pending) that it ended in the same atomic step."""

    recorded: bool
    ended: tuple[Follow, ...] = ()
