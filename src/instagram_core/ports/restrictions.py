from __future__ import annotations

from typing import Protocol

from instagram_core.domain.social import BlockOutcome


class Restrictions(Protocol):
    """Blocks and mutes between accounts. A block cuts both ways (neither sees the other);
    a mute only hides the muted account's posts from the muter's feed.

    Blocks live in one store with the :class:`~instagram_core.ports.SocialGraph` they are
    built with, so that a block and the follows it ends change together."""

    def block(self, blocker_id: str, blocked_id: str) -> BlockOutcome:
        """Record the block and delete every follow edge between the two accounts (both
        directions, active or pending, counts adjusted) in one atomic step. Blocking again
        records nothing (``recorded`` is ``False``) and still ends any edge found."""
        ...

    def unblock(self, blocker_id: str, blocked_id: str) -> bool:
        """Lift the block; ``False`` (and no change) if there was none. The edges the block
        ended stay ended."""
        ...

    def blocked_between(self, user_a: str, user_b: str) -> bool:
        """Whether either account blocks the other."""
        ...

    def blocked_ids(self, user_id: str) -> set[str]:
        """Every account ``user_id`` blocks or is blocked by."""
        ...

    def mute(self, muter_id: str, muted_id: str) -> bool:
        """Record the mute; ``False`` (and no change) if it exists already."""
        ...

    def unmute(self, muter_id: str, muted_id: str) -> bool:
        """Lift the mute; ``False`` (and no change) if there was none."""
        ...

    def muted_ids(self, muter_id: str) -> set[str]:
        """Every account ``muter_id`` mutes."""
        ...
