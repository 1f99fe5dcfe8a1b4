from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Protocol

from instagram_core.domain.pagination import Page
from instagram_core.domain.social import Follow, FollowStatus


class SocialGraph(Protocol):
    """Follow edges and the follower/following counts that go with them.

    Counts include active edges only and are kept consistent with the edges in the same
    atomic step (one transaction in SQL stores). A graph shares its store with the
    :class:`~instagram_core.ports.Restrictions` it is built with: an edge is never written
    across a block, and a block ends the edges in the step that records it, so no
    interleaving of follows and blocks leaves a blocked account following."""

    def get(self, follower_id: str, followee_id: str) -> Follow | None:
        """The edge, or ``None`` if there is none."""
        ...

    def put(self, follow: Follow) -> Follow | None:
        """Insert the edge, or change the status of an existing one (keeping its
        ``created_at``). Returns the edge as it was before, ``None`` if it is new.
        Putting an identical edge again changes nothing. Raises ``NotFound`` (and changes
        nothing) if either account blocks the other; the check and the write are one
        atomic step."""
        ...

    def activate(self, follower_id: str, followee_id: str) -> Follow | None:
        """Turn a *pending* edge active (keeping its ``created_at``) and return it as it is
        now. ``None`` and no change if there is no edge or it is active already: approving
        a request that was withdrawn at the same moment never brings it back."""
        ...

    def remove(self, follower_id: str, followee_id: str) -> Follow | None:
        """Delete the edge and return it; ``None`` (and a no-op) if there was none."""
        ...

    def remove_pending(self, follower_id: str, followee_id: str) -> Follow | None:
        """Delete the edge only if it is still *pending*, and return it; ``None`` and no
        change if there is none or it is active: rejecting a request approved at the same
        moment never ends the approved follow."""
        ...

    def followers(
        self, user_id: str, status: FollowStatus, cursor: str | None, limit: int
    ) -> Page[Follow]:
        """Edges pointing at ``user_id`` with ``status``, newest first, keyset-paginated.
        ``cursor`` is a ``next_cursor`` from an earlier page; a malformed one raises
        ``InvalidInput``."""
        ...

    def following(self, user_id: str, cursor: str | None, limit: int) -> Page[Follow]:
        """Active edges from ``user_id``, newest first, keyset-paginated like ``followers``."""
        ...

    def follower_ids_after(self, user_id: str, after: str | None, limit: int) -> Sequence[str]:
        """Up to ``limit`` ids of active followers greater than ``after`` in id order: the
        fan-out worker's batches. Empty when there are no more."""
        ...

    def following_ids(self, user_id: str) -> Sequence[str]:
        """Every account ``user_id`` actively follows, in no particular order."""
        ...

    def followed_among(self, user_id: str, candidates: Iterable[str]) -> set[str]:
        """Those of ``candidates`` that ``user_id`` actively follows: a feed read checks
        only its candidates' authors, so its cost follows the candidates, not the follow
        count (a SQL store reads one index range per candidate, not every edge)."""
        ...

    def count_followers(self, user_id: str) -> int:
        """Active followers; 0 for an unknown user."""
        ...

    def follower_counts(self, user_ids: Iterable[str]) -> Mapping[str, int]:
        """Active follower counts of many users in one call (0 for unknown users): how a
        feed read tells the celebrities it must pull from."""
        ...

    def popular_followees(self, user_id: str, more_than: int) -> Sequence[str]:
        """The accounts ``user_id`` actively follows that have more than ``more_than``
        active followers, in no particular order: the celebrities a feed read pulls from,
        found without reading a count per followed account (a SQL store joins on its
        counters), so the cost follows the celebrities, not the follow count."""
        ...

    def mutual_counts(self, viewer_id: str, user_ids: Iterable[str]) -> Mapping[str, int]:
        """For each of ``user_ids``: how many accounts ``viewer_id`` actively follows also
        actively follow it (search's "followed by" signal); 0 where none do."""
        ...

    def count_following(self, user_id: str) -> int:
        """Active followees; 0 for an unknown user."""
        ...
