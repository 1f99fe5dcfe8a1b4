"""Who may see an account's content: the one rule behind every read path.

A private account's posts, comments, grids and follower lists are visible to the account
itself and to its *active* followers only; a pending request grants nothing. A block in
either direction hides each account from the other entirely, as if it did not exist.
"""

from __future__ import annotations

from instagram_core.domain.errors import Forbidden, NotFound
from instagram_core.domain.posts import Post
from instagram_core.domain.users import User
from instagram_core.ports.restrictions import Restrictions
from instagram_core.ports.social_graph import SocialGraph


class AudienceGate:
    def __init__(self, graph: SocialGraph, restrictions: Restrictions) -> None:
        self._graph = graph
        self._restrictions = restrictions

    def blocked(self, viewer_id: str, other_id: str) -> bool:
        return viewer_id != other_id and self._restrictions.blocked_between(viewer_id, other_id)

    def require_not_blocked(self, viewer_id: str, other: User) -> None:
        """Blocked accounts do not exist for each other: ``NotFound``, not ``Forbidden``."""
        if self.blocked(viewer_id, other.user_id):
            raise NotFound(f"no user named {other.username!r}")

    def blocked_ids(self, viewer_id: str) -> set[str]:
        """Every account the viewer blocks or is blocked by: for filtering a page at once."""
        return self._restrictions.blocked_ids(viewer_id)

    def require(self, viewer_id: str, author: User) -> None:
        """Raise ``NotFound`` across a block, ``Forbidden`` unless ``viewer_id`` may see
        ``author``'s content."""
        self.require_not_blocked(viewer_id, author)
        self._require_audience(viewer_id, author)

    def require_post(self, viewer_id: str, post: Post, author: User) -> None:
        """A post the viewer may not see does not exist for them: an unpublished post of
        someone else, a post across a block, and a private account's post to anyone but its
        active followers all raise the same ``NotFound`` as an id that names nothing, so an
        id tells nothing about whether (or by whom) a post was made. The profile, not the
        post, is where a private account says it is private."""
        hidden = not post.is_published and viewer_id != post.author_id
        if hidden or self.blocked(viewer_id, author.user_id) or not self.sees(viewer_id, author):
            raise NotFound("post not found")

    def sees(self, viewer_id: str, author: User) -> bool:
        """Whether the viewer is in ``author``'s audience (blocks are the caller's)."""
        try:
            self._require_audience(viewer_id, author)
        except Forbidden:
            return False
        return True

    def _require_audience(self, viewer_id: str, author: User) -> None:
        """``Forbidden`` unless the viewer is the author, the account is public, or the viewer
        follows it actively (blocks are checked by the caller, once)."""
        if viewer_id == author.user_id or not author.is_private:
            return
        follow = self._graph.get(viewer_id, author.user_id)
        if follow is None or not follow.is_active:
            raise Forbidden(f"@{author.username} is private; follow them to see their content")
