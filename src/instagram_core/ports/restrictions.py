from __future__ import annotations

from typing import Protocol


class Restrictions(Protocol):
    """Blocks and mutes between accounts. A block cuts both ways (neither sees the other);
    a mute only hides the muted account's posts from the muter's feed."""

    def block(self, blocker_id: str, blocked_id: str) -> bool:
        """Record the block; ``False`` (and no change) if it exists already."""
        ...

    def unblock(self, blocker_id: str, blocked_id: str) -> bool:
        """Lift the block; ``False`` (and no change) if there was none."""
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
